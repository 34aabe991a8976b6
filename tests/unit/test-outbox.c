/* test-outbox.c: this desktop's own actions, durable and queued
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "rp-cache.h"
#include "rp-doc.h"
#include "rp-import.h"
#include "test-util.h"

typedef struct
{
  char    *dir;
  char    *path;
  RpCache *cache;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *fixture = test_fixture_path ("small.ndjson");

  f->dir = test_make_dir ();
  f->path = g_build_filename (f->dir, "cache.db", NULL);
  f->cache = rp_cache_open (f->path, NULL);
  g_assert_nonnull (f->cache);
  rp_import_file (f->cache, fixture, NULL, NULL, NULL, NULL, NULL);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->cache);
  test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static JsonNode *
make_note (const char *body)
{
  g_autofree char *uuid = rp_uuid_new ();
  g_autofree char *json = g_strdup_printf ("{\"_id\":\"note:%s\",\"type\":\"note\",\"schema\":1,"
                                           "\"at\":\"2026-11-23T10:00:00Z\",\"customer_id\":\"" C1 "\","
                                           "\"author\":\"kato\",\"body\":\"%s\",\"pinned\":false}",
                                           uuid, body);
  return test_parse (json);
}

static RpEvent *
newest_event (Fixture *f)
{
  g_autoptr(GPtrArray) events = rp_cache_timeline (f->cache, C1, RP_KIND_NOTES, NULL, NULL, 1, NULL);

  g_assert_nonnull (events);
  g_assert_cmpuint (events->len, ==, 1);
  return rp_event_copy (g_ptr_array_index (events, 0));
}

static void
test_create_and_confirm (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) note = make_note ("折り返しは午後");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(RpEvent) event = NULL;
  g_autoptr(RpEvent) after = NULL;
  g_autofree char *md5 = NULL;
  g_autofree char *expected = NULL;
  RpOutboxItem *item;

  g_assert_true (rp_cache_create (f->cache, &note, 1, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Visible at once, marked as waiting */
  event = newest_event (f);
  g_assert_cmpstr (event->title, ==, "折り返しは午後");
  g_assert_cmpstr (event->outbox_state, ==, "pending");

  /* Queued with a revision derived from the canonical body */
  items = rp_cache_outbox_list (f->cache, NULL, "pending", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->doc_id, ==, event->id);
  md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, item->body, -1);
  expected = g_strconcat ("1-", md5, NULL);
  g_assert_cmpstr (item->rev, ==, expected);
  g_assert_cmpint (rp_cache_outbox_count (f->cache, "pending"), ==, 1);

  /* A failed attempt keeps it; the server's confirmation removes it */
  g_assert_true (rp_cache_outbox_failed (f->cache, &item->seq, 1, "offline", &error));
  g_assert_cmpint (rp_cache_outbox_count (f->cache, "pending"), ==, 1);
  g_assert_true (rp_cache_outbox_done (f->cache, &item->seq, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_cache_outbox_count (f->cache, NULL), ==, 0);
  after = newest_event (f);
  g_assert_null (after->outbox_state);
}

static void
test_reject_retry_discard (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) note = make_note ("rejected one");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(RpEvent) event = NULL;
  gint64 seq;

  g_assert_true (rp_cache_create (f->cache, &note, 1, "rapport-tokyo", NULL, &error));
  items = rp_cache_outbox_list (f->cache, "rapport-tokyo", NULL, 0, &error);
  g_assert_cmpuint (items->len, ==, 1);
  seq = ((RpOutboxItem *) g_ptr_array_index (items, 0))->seq;

  g_assert_true (rp_cache_outbox_reject (f->cache, seq, "forbidden: notes are read-only here", &error));
  rejected = rp_cache_outbox_list (f->cache, NULL, "rejected", 0, &error);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpstr (((RpOutboxItem *) g_ptr_array_index (rejected, 0))->error, ==,
                   "forbidden: notes are read-only here");
  g_assert_cmpint (rp_cache_outbox_count (f->cache, "pending"), ==, 0);
  event = newest_event (f);
  g_assert_cmpstr (event->outbox_state, ==, "rejected");

  g_assert_true (rp_cache_outbox_retry (f->cache, seq, &error));
  g_assert_cmpint (rp_cache_outbox_count (f->cache, "pending"), ==, 1);

  g_assert_true (rp_cache_outbox_discard (f->cache, seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_cache_outbox_count (f->cache, NULL), ==, 0);
  g_clear_pointer (&event, rp_event_free);
  event = newest_event (f);
  g_assert_cmpstr (event->title, !=, "rejected one");
}

static void
test_invalid_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) bad = test_parse ("{\"_id\":\"note:x\",\"type\":\"note\",\"at\":\"2026-11-23T10:00:00Z\","
                                        "\"customer_id\":\"" C1 "\",\"body\":5}");
  g_autoptr(GError) error = NULL;

  g_assert_false (rp_cache_create (f->cache, &bad, 1, NULL, NULL, &error));
  g_assert_error (error, RP_ERROR, RP_ERROR_INVALID);
  g_assert_cmpint (rp_cache_outbox_count (f->cache, NULL), ==, 0);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) small = make_note ("fits");
  GString *big = g_string_new (NULL);
  g_autoptr(JsonNode) large = NULL;
  gint64 docs_before;
  g_autoptr(JsonObject) status = NULL;

  /* Room for nothing more */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (big, 'a' + i % 26);
  large = make_note (big->str);
  g_string_free (big, TRUE);

  status = rp_cache_status (f->cache, &error);
  docs_before = rp_json_int (status, "documents", 0);
  rp_cache_set_max_pages (f->cache, 1);

  g_assert_false (rp_cache_create (f->cache, &large, 1, NULL, NULL, &error));
  g_assert_error (error, RP_ERROR, RP_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "full"));
  g_clear_error (&error);

  /* Nothing half-written, and the cache still works once there is room */
  g_clear_pointer (&status, json_object_unref);
  status = rp_cache_status (f->cache, &error);
  g_assert_cmpint (rp_json_int (status, "documents", 0), ==, docs_before);
  g_assert_cmpint (rp_cache_outbox_count (f->cache, NULL), ==, 0);
  rp_cache_set_max_pages (f->cache, 0);
  g_assert_true (rp_cache_create (f->cache, &small, 1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_cache_outbox_count (f->cache, NULL), ==, 1);
}

static void
test_survives_crash (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpEvent) event = NULL;
  int status;
  pid_t pid;

  g_clear_object (&f->cache);
  pid = fork ();
  if (pid == 0)
    {
      RpCache *cache = rp_cache_open (f->path, NULL);
      JsonNode *note = make_note ("saved before the crash");

      if (!rp_cache_create (cache, &note, 1, NULL, NULL, NULL))
        _exit (3);
      /* No close, no checkpoint: as if the power went */
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  event = newest_event (f);
  g_assert_cmpstr (event->title, ==, "saved before the crash");
  g_assert_cmpint (rp_cache_outbox_count (f->cache, "pending"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/outbox/create-and-confirm", Fixture, NULL, setup, test_create_and_confirm, teardown);
  g_test_add ("/outbox/reject-retry-discard", Fixture, NULL, setup, test_reject_retry_discard, teardown);
  g_test_add ("/outbox/invalid-refused", Fixture, NULL, setup, test_invalid_refused, teardown);
  g_test_add ("/outbox/disk-full", Fixture, NULL, setup, test_disk_full, teardown);
  g_test_add ("/outbox/survives-crash", Fixture, NULL, setup, test_survives_crash, teardown);

  return g_test_run ();
}
