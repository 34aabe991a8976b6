/* test-cache.c: the cache, its migrations, the apply path and the folds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "rp-cache.h"
#include "rp-doc.h"
#include "rp-id-map.h"
#include "rp-import.h"
#include "test-util.h"

#define C3 "customer:0b1c2d3e-0000-4000-8000-000000000003"

typedef struct
{
  char    *dir;
  char    *path;
  RpCache *cache;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = test_make_dir ();
  f->path = g_build_filename (f->dir, "profile", "cache.db", NULL);
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->cache);
  test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
load_fixture (Fixture *f)
{
  g_autofree char *fixture = test_fixture_path ("small.ndjson");
  g_autoptr(GError) error = NULL;
  RpApplyStats stats = { 0 };

  /* small.ndjson ends with broken lines on purpose */
  rp_import_file (f->cache, fixture, NULL, NULL, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, 20);
  g_assert_cmpuint (stats.skipped, ==, 4);
}

static int
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* How many search keys the trigram index itself holds: counting the
 * table would count its content table's rows */
static int
fts_indexed_keys (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE VIRTUAL TABLE temp.fts_rows USING fts5vocab (main, search_fts, 'instance')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(DISTINCT doc) FROM temp.fts_rows", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The details of a statement's EXPLAIN QUERY PLAN, one line each */
static char *
sql_plan (const char *path,
          const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  GString *plan = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (plan, FALSE);
}

static void
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  struct stat st;

  load_fixture (f);
  /* The load wrote through a rollback journal; the WAL takes the writes
   * after it */
  test_apply (f->cache, "[{\"_id\":\"note:perm\",\"type\":\"note\",\"schema\":1,\"at\":\"2026-11-01T00:00:00Z\","
                        "\"customer_id\":\"" C1 "\",\"author\":\"kato\",\"body\":\"after the load\"}]");

  g_assert_cmpint (stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
}

static void
test_reopen (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  int version;

  load_fixture (f);
  g_clear_object (&f->cache);

  version = sql_int (f->path, "PRAGMA user_version");
  g_assert_cmpint (version, >=, 1);
  g_assert_cmpint (sql_int (f->path, "PRAGMA journal_mode = WAL"), ==, 0);

  /* Opening again runs no migration twice and keeps everything */
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, version);
  g_assert_cmpint (rp_cache_count_customers (f->cache), ==, 2);
  doc = rp_cache_get_document (f->cache, "order:JP-2611-004213", &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_json_int (doc, "total", 0), ==, 12800);
}

static void
test_newer_schema (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;

  g_clear_object (&f->cache);
  sql_exec (f->path, "PRAGMA user_version = 999");

  cache = rp_cache_open (f->path, &error);
  g_assert_null (cache);
  g_assert_error (error, RP_ERROR, RP_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer"));
}

static void
test_not_a_cache (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  char noise[8192];

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (junk, noise, sizeof noise, NULL));

  cache = rp_cache_open (junk, &error);
  g_assert_null (cache);
  g_assert_error (error, RP_ERROR, RP_ERROR_CORRUPT);
  g_clear_error (&error);

  sql_exec (foreign, "CREATE TABLE invoices (id INTEGER)");
  cache = rp_cache_open (foreign, &error);
  g_assert_null (cache);
  g_assert_error (error, RP_ERROR, RP_ERROR_CORRUPT);
  g_clear_error (&error);

  cache = rp_cache_open (f->dir, &error);
  g_assert_null (cache);
  g_assert_error (error, RP_ERROR, RP_ERROR_IO);
}

static void
test_upsert_delete (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  RpApplyStats stats;

  load_fixture (f);

  /* The same body again changes nothing */
  stats = test_apply (f->cache, "[{\"_id\":\"note:n2\",\"type\":\"note\",\"schema\":1,"
                                "\"at\":\"2026-11-02T00:00:00Z\",\"customer_id\":\"" C1 "\","
                                "\"author\":\"kato\",\"body\":\"ordinary note\",\"pinned\":false}]");
  g_assert_cmpuint (stats.inserted + stats.updated, ==, 0);

  /* A new body replaces the old one and its derived rows */
  stats = test_apply (f->cache, "[{\"_id\":\"order:JP-2611-004213\",\"type\":\"order\",\"schema\":1,"
                                "\"at\":\"2026-11-20T05:00:00Z\",\"customer_id\":\"" C1 "\","
                                "\"number\":\"JP-2611-999999\",\"total\":100,\"currency\":\"JPY\"}]");
  g_assert_cmpuint (stats.updated, ==, 1);
  doc = rp_cache_get_document (f->cache, "order:JP-2611-004213", &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_json_int (doc, "total", 0), ==, 100);
  hits = rp_cache_search (f->cache, "JP-2611-004213", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* A tombstone deletes, and its search key goes with it */
  stats = test_apply (f->cache, "[{\"_id\":\"order:JP-2611-004213\",\"_rev\":\"2-x\",\"_deleted\":true}]");
  g_assert_cmpuint (stats.deleted, ==, 1);
  g_clear_pointer (&doc, json_object_unref);
  doc = rp_cache_get_document (f->cache, "order:JP-2611-004213", &error);
  g_assert_error (error, RP_ERROR, RP_ERROR_NOT_FOUND);
  g_assert_null (doc);
  g_clear_error (&error);
  hits = rp_cache_search (f->cache, "JP-2611-999999", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
}

static void
test_unknown (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) customer = NULL;
  g_autoptr(JsonObject) loyalty = NULL;
  g_autoptr(GPtrArray) events = NULL;

  load_fixture (f);

  /* Unknown fields are kept … */
  customer = rp_cache_get_document (f->cache, C1, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (customer, "x_unknown_field"));

  /* … unknown types stored but not shown */
  loyalty = rp_cache_get_document (f->cache, "loyalty:l1", &error);
  g_assert_no_error (error);
  events = rp_cache_timeline (f->cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpstr (((RpEvent *) g_ptr_array_index (events, i))->id, !=, "loyalty:l1");
  g_assert_cmpuint (events->len, ==, 14);
}

static const char *ticket_docs[] = {
  "{\"_id\":\"ticket:t9\",\"type\":\"ticket\",\"schema\":1,\"at\":\"2026-11-20T00:00:00Z\","
  "\"customer_id\":\"" C1 "\",\"number\":\"T-900001\",\"subject\":\"s\",\"queue\":\"billing\","
  "\"priority\":\"normal\",\"status\":\"new\",\"assignee\":null,"
  "\"resolution_due\":\"2026-11-22T00:00:00Z\"}",
  "{\"_id\":\"ticket_event:a\",\"type\":\"ticket_event\",\"schema\":1,\"at\":\"2026-11-20T01:00:00Z\","
  "\"ticket_id\":\"ticket:t9\",\"customer_id\":\"" C1 "\",\"author\":\"kato\","
  "\"changes\":{\"status\":\"open\",\"assignee\":\"kato\"}}",
  /* b and c share their time: c wins because its id sorts after b's */
  "{\"_id\":\"ticket_event:c\",\"type\":\"ticket_event\",\"schema\":1,\"at\":\"2026-11-20T02:00:00Z\","
  "\"ticket_id\":\"ticket:t9\",\"customer_id\":\"" C1 "\",\"author\":\"sato\","
  "\"changes\":{\"queue\":\"returns\",\"assignee\":null},\"handoff\":\"c's note\"}",
  "{\"_id\":\"ticket_event:b\",\"type\":\"ticket_event\",\"schema\":1,\"at\":\"2026-11-20T02:00:00Z\","
  "\"ticket_id\":\"ticket:t9\",\"customer_id\":\"" C1 "\",\"author\":\"kato\","
  "\"changes\":{\"queue\":\"technical\",\"priority\":\"high\"},\"handoff\":\"b's note\"}",
};

/* A first load folds through its map of ids, since it has no id index.
 * One document per batch, so out-of-order arrival really happens; or all
 * in one batch, where the state is folded in memory until it is written. */
static JsonObject *
folded_ticket_after (const guint *order,
                     gboolean     bulk,
                     gboolean     one_batch)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "c.db", NULL);
  g_autoptr(RpCache) cache = rp_cache_open (path, NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *ticket;

  g_assert_true (!bulk || rp_cache_begin_bulk (cache, 0, RP_CACHE_BULK_SOLE, &error));
  if (one_batch)
    {
      g_autofree char *array = g_strdup_printf ("[%s,%s,%s,%s]", ticket_docs[order[0]],
                                                ticket_docs[order[1]], ticket_docs[order[2]],
                                                ticket_docs[order[3]]);
      test_apply (cache, array);
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (ticket_docs); i++)
      {
        g_autofree char *array = g_strdup_printf ("[%s]", ticket_docs[order[i]]);
        test_apply (cache, array);
      }
  g_assert_true (!bulk || rp_cache_end_bulk (cache, &error));
  g_assert_no_error (error);
  ticket = rp_cache_get_ticket (cache, "ticket:t9", &error);
  g_assert_no_error (error);
  g_clear_object (&cache);
  test_remove_dir (dir);
  return ticket;
}

static void
test_ticket_fold (void)
{
  const guint orders[][4] = {
    { 0, 1, 2, 3 },
    { 3, 2, 1, 0 },
    { 1, 0, 3, 2 },
    { 2, 3, 0, 1 },
    { 0, 1, 3, 2 },
    { 0, 3, 1, 2 },
  };

  for (guint o = 0; o < 4 * G_N_ELEMENTS (orders); o++)
    {
      g_autoptr(JsonObject) ticket = folded_ticket_after (orders[o / 4], o % 2, (o / 2) % 2);
      JsonObject *handoff = json_object_get_object_member (ticket, "latest_handoff");

      g_assert_cmpstr (rp_json_string (ticket, "status"), ==, "open");
      g_assert_cmpstr (rp_json_string (ticket, "queue"), ==, "returns");
      g_assert_cmpstr (rp_json_string (ticket, "priority"), ==, "high");
      g_assert_null (rp_json_string (ticket, "assignee"));
      g_assert_true (json_object_has_member (ticket, "assignee"));
      g_assert_cmpstr (rp_json_string (handoff, "note"), ==, "c's note");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ticket, "history")), ==, 3);
    }
}

static void
test_ticket_refold_on_delete (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *all = g_strdup_printf ("[%s,%s,%s,%s]", ticket_docs[0], ticket_docs[1],
                                          ticket_docs[2], ticket_docs[3]);

  test_apply (f->cache, all);
  test_apply (f->cache, "[{\"_id\":\"ticket_event:c\",\"_deleted\":true}]");
  ticket = rp_cache_get_ticket (f->cache, "ticket:t9", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_json_string (ticket, "queue"), ==, "technical");
  g_assert_cmpstr (rp_json_string (ticket, "assignee"), ==, "kato");
}

static const char *
consent_state (RpCache    *cache,
               const char *purpose,
               JsonObject **card_out)
{
  g_autoptr(GError) error = NULL;
  JsonObject *card = rp_cache_show (cache, C1, 0, &error);
  JsonObject *consent;

  g_assert_no_error (error);
  *card_out = card;
  consent = json_object_get_object_member (card, "consent");
  return rp_json_string (json_object_get_object_member (consent, purpose), "state");
}

static void
test_consent_fold (Fixture       *f,
                   gconstpointer  data)
{
  JsonObject *card = NULL;

  load_fixture (f);

  /* Out of order: the withdrawal (2026-10) arrived before the grant (2025) */
  g_assert_cmpstr (consent_state (f->cache, "marketing_email", &card), ==, "withdrawn");
  g_clear_pointer (&card, json_object_unref);
  /* A tie on `at`: consent:c4 sorts after consent:c3 */
  g_assert_cmpstr (consent_state (f->cache, "profiling", &card), ==, "withdrawn");
  g_clear_pointer (&card, json_object_unref);
  /* No document: unknown */
  g_assert_cmpstr (consent_state (f->cache, "marketing_sms", &card), ==, "unknown");
  g_clear_pointer (&card, json_object_unref);

  /* Deleting the latest brings the one before back */
  test_apply (f->cache, "[{\"_id\":\"consent:c2\",\"_deleted\":true}]");
  g_assert_cmpstr (consent_state (f->cache, "marketing_email", &card), ==, "granted");
  g_clear_pointer (&card, json_object_unref);
}

static void
check_no_trace (Fixture    *f,
                const char *needle)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);

  g_assert_false (test_file_contains (f->path, needle));
  g_assert_false (test_file_contains (wal, needle));
}

static void
test_erasure (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonObject) card = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  RpApplyStats stats;

  load_fixture (f);
  g_assert_true (test_file_contains (f->path, "Hanako.Yamada") || test_file_contains (wal, "Hanako.Yamada"));

  stats = test_apply (f->cache, "[{\"_id\":\"erasure:0b1c2d3e-0000-4000-8000-000000000001\","
                                "\"type\":\"erasure\",\"schema\":1,\"at\":\"2026-11-23T00:00:00Z\","
                                "\"customer_id\":\"" C1 "\",\"requested_by\":\"dpo\"}]");
  g_assert_cmpuint (stats.erased, ==, 1);

  /* Gone from every query … */
  hits = rp_cache_search (f->cache, "山田", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  card = rp_cache_show (f->cache, C1, 0, &error);
  g_assert_error (error, RP_ERROR, RP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  events = rp_cache_timeline (f->cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 0);

  /* … and from the bytes of the file and its WAL */
  check_no_trace (f, "山田");
  check_no_trace (f, "やまだ");
  check_no_trace (f, "Hanako.Yamada");
  check_no_trace (f, "hanako.yamada");
  check_no_trace (f, "819012345678");
  check_no_trace (f, "急須が割れて届いた");
  check_no_trace (f, "午前中の連絡を希望");
  check_no_trace (f, "お客様は急須の返品");

  /* The other customer is untouched */
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = rp_cache_search (f->cache, "smith", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);

  /* A late document of the erased customer does not bring them back */
  test_apply (f->cache, "[{\"_id\":\"note:late\",\"type\":\"note\",\"schema\":1,"
                        "\"at\":\"2026-11-23T01:00:00Z\",\"customer_id\":\"" C1 "\","
                        "\"body\":\"山田様より電話\"}]");
  g_clear_pointer (&events, g_ptr_array_unref);
  events = rp_cache_timeline (f->cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 0);
}

/* A ticket and its events, then the customer's erasure, in one batch:
 * the ticket folded in memory must not come back after the erasure */
static void
test_erasure_same_batch (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *batch = g_strdup_printf ("[%s,%s,%s,{\"_id\":\"erasure:e9\",\"type\":\"erasure\","
                                            "\"schema\":1,\"at\":\"2026-11-21T00:00:00Z\","
                                            "\"customer_id\":\"" C1 "\"}]",
                                            ticket_docs[0], ticket_docs[1], ticket_docs[2]);

  test_apply (f->cache, batch);
  ticket = rp_cache_get_ticket (f->cache, "ticket:t9", &error);
  g_assert_error (error, RP_ERROR, RP_ERROR_NOT_FOUND);
  g_assert_null (ticket);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM tickets"), ==, 0);
  check_no_trace (f, "T-900001");
  check_no_trace (f, "c's note");
}

static void
test_tombstone_erases (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;

  load_fixture (f);
  test_apply (f->cache, "[{\"_id\":\"" C2 "\",\"_rev\":\"2-a\",\"_deleted\":true}]");
  hits = rp_cache_search (f->cache, "john.smith@example.com", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  check_no_trace (f, "john.smith");
  check_no_trace (f, "US-2611-000311");
}

static void
collect_skip (const char *id,
              const char *reason,
              gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("%s: %s", id, reason));
}

static void
test_bad_documents (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) good = NULL;
  GString *huge = g_string_sized_new (10 * 1024 * 1024 + 64);
  RpApplyStats stats = { 0 };

  g_string_append (huge, "{\"_id\":\"note:huge\",\"type\":\"note\",\"schema\":1,\"at\":\"2026-11-01T00:00:00Z\","
                         "\"customer_id\":\"" C1 "\",\"body\":\"");
  for (guint i = 0; i < 10 * 1024 * 1024; i++)
    g_string_append_c (huge, 'a' + i % 26);
  g_string_append (huge, "\"}");

  g_ptr_array_add (nodes, test_parse (huge->str));
  g_ptr_array_add (nodes, test_parse ("{\"_id\":\"note:num\",\"type\":\"note\",\"schema\":1,"
                                      "\"at\":\"2026-11-01T00:00:00Z\",\"customer_id\":\"" C1 "\",\"body\":7}"));
  g_ptr_array_add (nodes, test_parse ("[1,2,3]"));
  g_ptr_array_add (nodes, test_parse ("{\"type\":\"note\"}"));
  g_ptr_array_add (nodes, test_parse ("{\"_id\":\"order:1\",\"type\":\"note\",\"at\":\"2026-11-01T00:00:00Z\","
                                      "\"customer_id\":\"" C1 "\",\"body\":\"x\"}"));
  g_ptr_array_add (nodes, test_parse ("{\"_id\":\"consent:x\",\"type\":\"consent\",\"at\":\"2026-11-01T00:00:00Z\","
                                      "\"customer_id\":\"" C1 "\",\"purpose\":\"spam\",\"state\":\"granted\"}"));
  g_ptr_array_add (nodes, test_parse ("{\"_id\":\"note:ok\",\"type\":\"note\",\"schema\":1,"
                                      "\"at\":\"2026-11-01T00:00:00Z\",\"customer_id\":\"" C1 "\",\"body\":\"fine\"}"));
  g_string_free (huge, TRUE);

  g_assert_true (rp_cache_apply (f->cache, (JsonNode *const *) nodes->pdata, nodes->len,
                                 "db", g_ptr_array_index (nodes, 2), collect_skip, skipped, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.skipped, ==, 6);
  g_assert_cmpuint (stats.inserted, ==, 1);
  g_assert_cmpuint (skipped->len, ==, 6);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (skipped, 0), "note:huge: "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (skipped, 1), "note:num: "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (skipped, 2), "(no _id): "));
  /* The log line names the document, never its content */
  for (guint i = 0; i < skipped->len; i++)
    g_assert_null (strstr (g_ptr_array_index (skipped, i), "abcdefgh"));

  good = rp_cache_get_document (f->cache, "note:ok", &error);
  g_assert_no_error (error);
}

static void
test_checkpoint (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) doc = test_parse ("{\"_id\":\"note:cp\",\"type\":\"note\",\"schema\":1,"
                                        "\"at\":\"2026-11-01T00:00:00Z\",\"customer_id\":\"" C1 "\","
                                        "\"body\":\"x\"}");
  g_autoptr(JsonNode) seq_couch = test_parse ("\"12-g1AAAAFTeJzLYWBg\"");
  g_autoptr(JsonNode) seq_pouch = test_parse ("[42, {\"node\": \"a\"}]");
  g_autofree char *seq = NULL;
  gint64 at = 0;

  seq = rp_cache_get_checkpoint (f->cache, "rapport-tokyo", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (seq);

  g_assert_true (rp_cache_apply (f->cache, &doc, 1, "rapport-tokyo", seq_couch, NULL, NULL, NULL, &error));
  g_assert_true (rp_cache_apply (f->cache, NULL, 0, "rapport-osaka", seq_pouch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  seq = rp_cache_get_checkpoint (f->cache, "rapport-tokyo", &at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seq, ==, "\"12-g1AAAAFTeJzLYWBg\"");
  g_assert_cmpint (at, >, 0);
  g_clear_pointer (&seq, g_free);
  seq = rp_cache_get_checkpoint (f->cache, "rapport-osaka", NULL, &error);
  g_assert_cmpstr (seq, ==, "[42,{\"node\":\"a\"}]");
}

static void
assert_first_hit (RpCache    *cache,
                  const char *query,
                  const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = rp_cache_search (cache, query, 20, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, >, 0);
  g_assert_cmpstr (((RpSearchHit *) g_ptr_array_index (hits, 0))->id, ==, id);
}

static void
test_migrate_search_indexes (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  load_fixture (f);
  g_clear_object (&f->cache);

  /* A schema 4 cache: the key index holds the keys alone, and a load
   * left the trigram index in more than one segment */
  sql_exec (f->path,
            "DROP INDEX search_keys_key;"
            "CREATE INDEX search_keys_key ON search_keys (key);"
            "INSERT INTO search_fts (search_fts) VALUES ('delete-all');"
            "INSERT INTO search_fts (rowid, key) SELECT rowid, key FROM search_keys WHERE sub AND rowid % 2 = 0;"
            "INSERT INTO search_fts (rowid, key) SELECT rowid, key FROM search_keys WHERE sub AND rowid % 2 = 1;"
            "PRAGMA user_version = 4;");
  g_assert_cmpint (sql_int (f->path, "SELECT count(DISTINCT segid) FROM search_fts_idx"), ==, 2);

  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), >, 4);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM pragma_index_info ('search_keys_key')"), ==, 4);
  g_assert_cmpint (sql_int (f->path, "SELECT count(DISTINCT segid) FROM search_fts_idx"), ==, 1);

  /* Prefixes and substrings are found as before */
  assert_first_hit (f->cache, "hanako.y", C1);
  assert_first_hit (f->cache, "yamada@exa", C1);
  assert_first_hit (f->cache, "mit", C2);
}

/* Schema 7 indexed (type, at) over every document; 8 over the types the
 * supervisor's figures look up by time, and their queries use it */
static void
test_migrate_kind_index (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;

  load_fixture (f);
  g_clear_object (&f->cache);
  sql_exec (f->path,
            "DROP INDEX docs_kind;"
            "CREATE INDEX docs_type ON docs (type, at);"
            "PRAGMA user_version = 7;");

  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), >=, 8);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_type'"), ==, 0);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM docs WHERE type = 'ticket' AND at > 0"), ==,
                   sql_int (f->path, "SELECT count(*) FROM docs NOT INDEXED WHERE type = 'ticket'"));
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM docs WHERE type = 'ticket'"), >, 0);

  plan = sql_plan (f->path, "SELECT count(*) FROM docs WHERE type = 'ticket_event' AND at >= 0 AND at <= 1");
  g_assert_nonnull (strstr (plan, "docs_kind"));
}

/* Until schema 8 the table's UNIQUE constraint indexed the ids; 9 has an
 * index of its own, which a first load can drop.  Rowids, which the other
 * tables refer to, stay what they were. */
static void
test_migrate_id_index (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  int docs, linked;

  load_fixture (f);
  before = rp_cache_timeline (f->cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_clear_object (&f->cache);
  sql_exec (f->path,
            "CREATE TABLE docs_8 (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
            " type TEXT NOT NULL, cust INTEGER, at INTEGER, channel TEXT, title TEXT,"
            " ticket TEXT, purpose TEXT, body TEXT NOT NULL);"
            "INSERT INTO docs_8 SELECT * FROM docs ORDER BY random ();"
            "DROP TABLE docs;"
            "ALTER TABLE docs_8 RENAME TO docs;"
            "CREATE INDEX docs_timeline ON docs (cust, at, type, channel) WHERE cust IS NOT NULL;"
            "PRAGMA user_version = 8;");
  docs = sql_int (f->path, "SELECT count(*) FROM docs");
  linked = sql_int (f->path, "SELECT count(*) FROM customers c JOIN docs d ON d.rowid = c.doc"
                             " WHERE d.type = 'customer'");
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_docs_1'"), ==, 1);

  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), >=, 9);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_docs_1'"), ==, 0);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM pragma_index_list ('docs')"
                                     " WHERE name = 'docs_id' AND \"unique\""), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM pragma_index_list ('docs')"), ==, 6);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM docs"), ==, docs);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM customers c JOIN docs d ON d.rowid = c.doc"
                                     " WHERE d.type = 'customer'"), ==, linked);
  g_assert_cmpint (linked, >, 0);

  after = rp_cache_timeline (f->cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpuint (after->len, >, 0);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (((RpEvent *) g_ptr_array_index (after, i))->id, ==,
                     ((RpEvent *) g_ptr_array_index (before, i))->id);
}

static void
test_bulk_cut_short (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *fixture = test_fixture_path ("small.ndjson");

  /* A first load that dies before its indexes are built … */
  g_assert_true (rp_cache_begin_bulk (f->cache, 0, RP_CACHE_BULK_SOLE, &error));
  test_apply (f->cache, "[{\"_id\":\"" C3 "\",\"type\":\"customer\",\"schema\":1,"
                        "\"at\":\"2020-01-01T00:00:00Z\",\"name\":{\"family\":\"Okada\",\"given\":\"Rin\"}}]");
  g_clear_object (&f->cache);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'search_keys_key'"), ==, 0);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_id'"), ==, 0);
  /* The timeline's index is kept up during a load; an older version
   * dropped it too */
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_timeline'"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_kind'"), ==, 1);
  sql_exec (f->path, "DROP INDEX docs_timeline");

  /* … is finished at the next open: indexes and substring search are back */
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'search_keys_key'"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_timeline'"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_id'"), ==, 1);
  hits = rp_cache_search (f->cache, "kad", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  /* The trigram index gathers terms in FTS5's default memory again */
  g_assert_cmpint (sql_int (f->path, "SELECT v FROM search_fts_config WHERE k = 'hashsize'"), ==, 1024 * 1024);

  /* A cache that holds documents never goes into bulk mode */
  g_assert_true (rp_cache_begin_bulk (f->cache, 0, RP_CACHE_BULK_DEFAULT, &error));
  g_clear_object (&f->cache);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'search_keys_key'"), ==, 1);
}

/* The journal mode a cache file's header says: 2 for the WAL, 1 for a
 * rollback journal */
static int
header_journal (const char *path)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_assert_cmpuint (len, >=, 100);
  g_assert_cmpint (bytes[18], ==, bytes[19]);
  return bytes[18];
}

/* A command-line import writes through a rollback journal: a load that
 * dies in the middle of a transaction leaves a hot journal, and the next
 * open rolls it back, keeps what was committed, finishes the load and
 * turns the WAL on again */
static void
test_bulk_crash (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *journal = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  struct stat st;

  if (g_test_subprocess ())
    {
      g_autofree char *padding = g_strnfill (2000, 'x');
      GString *batch = g_string_new ("[");

      cache = rp_cache_open (g_getenv ("RP_TEST_CRASH_CACHE"), &error);
      g_assert_no_error (error);
      g_assert_true (rp_cache_begin_bulk (cache, 1024 * 1024, RP_CACHE_BULK_SOLE, &error));
      g_assert_cmpint (header_journal (g_getenv ("RP_TEST_CRASH_CACHE")), ==, 1);
      test_apply (cache, "[{\"_id\":\"" C3 "\",\"type\":\"customer\",\"schema\":1,"
                         "\"at\":\"2020-01-01T00:00:00Z\",\"name\":{\"family\":\"Okada\",\"given\":\"Rin\"}}]");
      /* Commits what the load holds so far */
      rp_cache_mark_notified (cache, "crash-test", &error);
      g_assert_no_error (error);

      /* More than the page cache holds, so pages reach the file before
       * the transaction ends */
      for (guint i = 0; i < 3000; i++)
        g_string_append_printf (batch, "%s{\"_id\":\"note:crash-%u\",\"type\":\"note\",\"schema\":1,"
                                       "\"at\":\"2026-11-01T00:00:00Z\",\"customer_id\":\"" C3 "\","
                                       "\"author\":\"kato\",\"body\":\"%s\"}",
                                i ? "," : "", i, padding);
      g_string_append (batch, "]");
      test_apply (cache, batch->str);
      g_string_free (batch, TRUE);
      _exit (0);
    }

  dir = test_make_dir ();
  path = g_build_filename (dir, "cache.db", NULL);
  journal = g_strconcat (path, "-journal", NULL);
  g_setenv ("RP_TEST_CRASH_CACHE", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_cmpint (stat (journal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  cache = rp_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (header_journal (path), ==, 2);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), ==, 1);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM docs WHERE type = 'customer'"), ==, 1);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM docs WHERE type = 'note'"), ==, 0);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_id'"), ==, 1);
  hits = rp_cache_search (cache, "kad", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);

  g_clear_object (&cache);
  test_remove_dir (dir);
}

/* The map a first load finds documents by: every id it was given leads to
 * its rowid, as it grows, and one given twice to both rowids */
static void
test_id_map (void)
{
  g_autoptr(RpIdMap) map = rp_id_map_new ();
  const guint n = 100000;
  gsize cursor = 0;

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *id = g_strdup_printf ("note:%08x-0000-4000-8000-%012u", i * 2654435761u, i);
      rp_id_map_add (map, rp_id_map_hash (id), i);
    }
  rp_id_map_add (map, rp_id_map_hash ("note:twice"), n + 1);
  rp_id_map_add (map, rp_id_map_hash ("note:twice"), n + 2);

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *id = g_strdup_printf ("note:%08x-0000-4000-8000-%012u", i * 2654435761u, i);
      gint64 rowid;
      gboolean found = FALSE;

      /* Other ids' rowids may come first, never after the end */
      cursor = 0;
      while (!found && (rowid = rp_id_map_next (map, rp_id_map_hash (id), &cursor)) != 0)
        found = rowid == i;
      g_assert_true (found);
    }

  cursor = 0;
  g_assert_cmpint (rp_id_map_next (map, rp_id_map_hash ("note:twice"), &cursor), ==, n + 1);
  g_assert_cmpint (rp_id_map_next (map, rp_id_map_hash ("note:twice"), &cursor), ==, n + 2);
  g_assert_cmpint (rp_id_map_next (map, rp_id_map_hash ("note:twice"), &cursor), ==, 0);
  cursor = 0;
  g_assert_cmpint (rp_id_map_next (map, rp_id_map_hash ("note:never"), &cursor), ==, 0);
}

#define BULK_NOTE(id, body) \
  "{\"_id\":\"note:" id "\",\"type\":\"note\",\"schema\":1,\"at\":\"2026-11-01T00:00:00Z\"," \
  "\"customer_id\":\"" C1 "\",\"author\":\"kato\",\"body\":\"" body "\"}"

/* A first load has no id index until its end, and finds what it stored
 * by a map of ids instead: a document that comes again is replaced, the
 * same revision again changes nothing, a tombstone finds what it deletes,
 * and what an erasure removed can come back */
static void
test_bulk_ids (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RpApplyStats stats;

  g_assert_true (rp_cache_begin_bulk (f->cache, 0, RP_CACHE_BULK_SOLE, &error));
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_id'"), ==, 0);

  test_apply (f->cache, "[" BULK_NOTE ("n1", "first") "," BULK_NOTE ("n2", "gone soon") ","
                        BULK_NOTE ("n1", "second") "]");
  stats = test_apply (f->cache, "[" BULK_NOTE ("n1", "second") ","
                                "{\"_id\":\"note:n2\",\"_deleted\":true},"
                                BULK_NOTE ("n3", "third") "]");
  g_assert_cmpuint (stats.inserted, ==, 1);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.deleted, ==, 1);

  /* Erased in the middle of the load: its rowids are free to be reused */
  test_apply (f->cache, "[{\"_id\":\"erasure:" C1 "\",\"type\":\"erasure\",\"schema\":1,"
                        "\"at\":\"2026-11-02T00:00:00Z\",\"customer_id\":\"" C1 "\"}]");
  test_apply (f->cache, "[{\"_id\":\"note:n4\",\"type\":\"note\",\"schema\":1,\"at\":\"2026-11-01T00:00:00Z\","
                        "\"customer_id\":\"" C2 "\",\"author\":\"kato\",\"body\":\"fourth\"},"
                        "{\"_id\":\"note:n1\",\"type\":\"note\",\"schema\":1,\"at\":\"2026-11-01T00:00:00Z\","
                        "\"customer_id\":\"" C2 "\",\"author\":\"kato\",\"body\":\"fifth\"}]");
  stats = test_apply (f->cache, "[{\"_id\":\"note:n1\",\"type\":\"note\",\"schema\":1,\"at\":\"2026-11-01T00:00:00Z\","
                                "\"customer_id\":\"" C2 "\",\"author\":\"kato\",\"body\":\"sixth\"}]");
  g_assert_cmpuint (stats.updated, ==, 1);

  g_assert_true (rp_cache_end_bulk (f->cache, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM pragma_index_list ('docs')"
                                     " WHERE name = 'docs_id' AND \"unique\""), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM docs WHERE type = 'note'"), ==, 2);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM docs WHERE id = 'note:n1' AND body LIKE '%sixth%'"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM docs WHERE id = 'note:n4'"), ==, 1);

  /* And after it, lookups go through the index again */
  stats = test_apply (f->cache, "[{\"_id\":\"note:n4\",\"_deleted\":true}]");
  g_assert_cmpuint (stats.deleted, ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM docs WHERE type = 'note'"), ==, 1);
}

/* A pull fills the search index a piece at a time while it waits for its
 * server.  A document replaced after its keys went in takes them out
 * again, keys that come later go in at the end, and a load cut short in
 * between ends at the next open with the index whole. */
static void
test_bulk_steps (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean worked = TRUE;
  guint steps = 0;

  g_assert_true (rp_cache_begin_bulk (f->cache, 0, RP_CACHE_BULK_DEFAULT, &error));
  g_assert_no_error (error);
  test_apply (f->cache, "[{\"_id\":\"" C1 "\",\"type\":\"customer\",\"schema\":1,"
                        "\"at\":\"2020-01-01T00:00:00Z\",\"name\":{\"family\":\"Okada\",\"given\":\"Rin\"},"
                        "\"emails\":[\"okada.rin@example.com\"]}]");
  while (worked)
    {
      g_assert_true (rp_cache_bulk_step (f->cache, &worked, &error));
      g_assert_no_error (error);
      steps++;
    }
  g_assert_cmpuint (steps, >, 1);

  /* Replaced: its old keys leave the index they are in already */
  test_apply (f->cache, "[{\"_id\":\"" C1 "\",\"type\":\"customer\",\"schema\":1,"
                        "\"at\":\"2020-01-01T00:00:00Z\",\"name\":{\"family\":\"Okada\",\"given\":\"Rin\"},"
                        "\"emails\":[\"mori.ken@example.com\"]}]");
  test_apply (f->cache, "[{\"_id\":\"" C2 "\",\"type\":\"customer\",\"schema\":1,"
                        "\"at\":\"2020-01-01T00:00:00Z\",\"name\":{\"family\":\"Sato\",\"given\":\"Yui\"},"
                        "\"emails\":[\"sato.yui@example.org\"]}]");

  /* Cut short before its end */
  g_clear_object (&f->cache);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM settings WHERE key = 'bulk-fts'"), ==, 1);
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM settings WHERE key LIKE 'bulk-%'"), ==, 0);

  /* The index holds every key, and none that is gone */
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"kada.ri\"'"), ==, 0);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"ri.ken\"'"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"to.yui\"'"), ==, 1);
  g_assert_cmpint (fts_indexed_keys (f->path), ==,
                   sql_int (f->path, "SELECT count(*) FROM search_keys WHERE sub AND length (key) >= 3"));
  /* Of the name, both orders of the whole: they hold the parts too */
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM search_keys WHERE kind = 0"), ==, 8);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM search_keys WHERE kind = 0 AND sub"), ==, 4);
}

static void
test_notified (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (rp_cache_mark_notified (f->cache, "assigned:ticket:t1", &error));
  g_assert_false (rp_cache_mark_notified (f->cache, "assigned:ticket:t1", &error));
  g_assert_true (rp_cache_mark_notified (f->cache, "breach:ticket:t1", &error));

  /* Across a restart too */
  g_clear_object (&f->cache);
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (rp_cache_mark_notified (f->cache, "assigned:ticket:t1", &error));
  g_assert_no_error (error);
}

static gpointer
search_thread (gpointer data)
{
  RpCache *cache = data;

  for (guint i = 0; i < 150; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) hits = rp_cache_search (cache, i % 2 ? "山田" : "smith", 10, &error);
      g_autoptr(JsonObject) card = rp_cache_show (cache, C1, 0, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (hits->len, ==, 1);
      g_assert_nonnull (card);
    }
  return NULL;
}

/* Every statement the cache's connections run, by its text */
static GMutex traced_lock;
static GHashTable *traced_sql;

static int
trace_statement (unsigned  type,
                 void     *user_data,
                 void     *stmt,
                 void     *sql)
{
  g_mutex_lock (&traced_lock);
  if (traced_sql && sqlite3_sql (stmt))
    g_hash_table_add (traced_sql, g_strdup (sqlite3_sql (stmt)));
  g_mutex_unlock (&traced_lock);
  return 0;
}

static int
trace_connection (sqlite3                     *db,
                  char                       **message,
                  const sqlite3_api_routines  *api)
{
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, trace_statement, NULL);
  return SQLITE_OK;
}

/* Without statistics, SQLite may walk the (type, at) index for a lookup
 * by ticket, customer or id that also names a type, since it gives the
 * order by time for free; `+type` keeps those on the index of what they
 * look up.  Each lookup the cache really makes is checked against the
 * plan it gets, so a hint that goes missing, or a new query without one,
 * fails here rather than only in the benchmark. */
static void
test_query_plans (Fixture       *f,
                  gconstpointer  data)
{
  static const struct { const char *where; const char *index; } lookups[] = {
    { "FROM docs WHERE ticket = ?", "docs_ticket" },
    { "FROM docs WHERE id = ?", "docs_id" },
    { "FROM docs WHERE cust = ?", "docs_" },
  };
  const guint order[] = { 2, 1, 0, 3 };
  guint checked[G_N_ELEMENTS (lookups)] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonObject) card = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  GHashTableIter iter;
  const char *sql;

  g_clear_object (&f->cache);
  traced_sql = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_assert_cmpint (sqlite3_auto_extension ((void (*) (void)) trace_connection), ==, SQLITE_OK);
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);

  /* A first load, then later batches: events before their ticket, so it
   * is folded from scratch; then what the window reads */
  load_fixture (f);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *array = g_strdup_printf ("[%s]", ticket_docs[order[i]]);
      test_apply (f->cache, array);
    }
  card = rp_cache_show (f->cache, C1, 0, &error);
  g_assert_no_error (error);
  events = rp_cache_timeline (f->cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  ticket = rp_cache_get_ticket (f->cache, "ticket:t9", &error);
  g_assert_no_error (error);
  g_clear_object (&f->cache);
  sqlite3_cancel_auto_extension ((void (*) (void)) trace_connection);

  g_hash_table_iter_init (&iter, traced_sql);
  while (g_hash_table_iter_next (&iter, (gpointer *) &sql, NULL))
    for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
      if (strstr (sql, lookups[i].where) && strstr (sql, "type ") && !g_str_has_prefix (sql, "DELETE"))
        {
          g_autofree char *plan = sql_plan (f->path, sql);

          g_test_message ("%s\n%s", sql, plan);
          g_assert_null (strstr (plan, "docs_kind"));
          g_assert_nonnull (strstr (plan, lookups[i].index));
          checked[i]++;
        }

  /* The fold's and the ticket view's lookups by ticket, the ticket view's
   * by id, the card's by customer */
  g_assert_cmpuint (checked[0], >=, 2);
  g_assert_cmpuint (checked[1], >=, 1);
  g_assert_cmpuint (checked[2], >=, 3);
  g_clear_pointer (&traced_sql, g_hash_table_unref);
}

static void
test_concurrent_reads (Fixture       *f,
                       gconstpointer  data)
{
  GThread *threads[4];

  load_fixture (f);

  /* Readers on their own connections while the writer commits batches */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", search_thread, f->cache);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *doc = g_strdup_printf ("[{\"_id\":\"note:c%u\",\"type\":\"note\",\"schema\":1,"
                                              "\"at\":\"2026-11-01T00:00:00Z\",\"customer_id\":\"" C2 "\","
                                              "\"body\":\"n\"}]", i);
      test_apply (f->cache, doc);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/cache/permissions", test_permissions);
  ADD ("/cache/reopen", test_reopen);
  ADD ("/cache/newer-schema", test_newer_schema);
  ADD ("/cache/not-a-cache", test_not_a_cache);
  ADD ("/cache/upsert-delete", test_upsert_delete);
  ADD ("/cache/unknown-fields-and-types", test_unknown);
  g_test_add_func ("/cache/fold/ticket-any-order", test_ticket_fold);
  ADD ("/cache/fold/ticket-refold-on-delete", test_ticket_refold_on_delete);
  ADD ("/cache/fold/consent", test_consent_fold);
  ADD ("/cache/erasure/no-bytes-left", test_erasure);
  ADD ("/cache/erasure/customer-tombstone", test_tombstone_erases);
  ADD ("/cache/erasure/same-batch", test_erasure_same_batch);
  ADD ("/cache/bad-documents", test_bad_documents);
  ADD ("/cache/checkpoint", test_checkpoint);
  ADD ("/cache/bulk-load-cut-short", test_bulk_cut_short);
  ADD ("/cache/bulk-load-steps", test_bulk_steps);
  ADD ("/cache/bulk-load-ids", test_bulk_ids);
  g_test_add_func ("/cache/bulk-load-crash", test_bulk_crash);
  g_test_add_func ("/cache/id-map", test_id_map);
  ADD ("/cache/migrate/search-indexes", test_migrate_search_indexes);
  ADD ("/cache/migrate/kind-index", test_migrate_kind_index);
  ADD ("/cache/migrate/id-index", test_migrate_id_index);
  ADD ("/cache/notified-once", test_notified);
  ADD ("/cache/concurrent-reads", test_concurrent_reads);
  ADD ("/cache/query-plans", test_query_plans);

  return g_test_run ();
}
