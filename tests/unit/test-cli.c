/* test-cli.c: rapportctl's exit codes, errors and JSON shapes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <gio/gio.h>

#include "rp-doc.h"
#include "test-util.h"

static char *dir;
static char *cache_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_ctl (Run        *run,
         const char *cache,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *ctl = g_getenv ("RAPPORTCTL");
  const char *arg;
  va_list ap;

  g_assert_nonnull (ctl);
  g_ptr_array_add (args, (gpointer) ctl);
  if (cache)
    {
      g_ptr_array_add (args, (gpointer) "--cache");
      g_ptr_array_add (args, (gpointer) cache);
    }
  va_start (ap, cache);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char *const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (proc);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; p && *p; p++)
    if (*p == '\n')
      n++;
  return n;
}

static JsonNode *
parse_out (const Run *run)
{
  return test_parse (run->out);
}

static void
test_usage (void)
{
  g_auto(Run) none = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) option = { 0 };
  g_auto(Run) missing = { 0 };
  g_auto(Run) help = { 0 };

  run_ctl (&none, cache_path, NULL);
  g_assert_cmpint (none.status, ==, 1);
  run_ctl (&unknown, cache_path, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 1);
  g_assert_nonnull (strstr (unknown.err, "frobnicate"));
  run_ctl (&option, cache_path, "search", "--bogus", "x", NULL);
  g_assert_cmpint (option.status, ==, 1);
  run_ctl (&missing, cache_path, "show", NULL);
  g_assert_cmpint (missing.status, ==, 1);
  run_ctl (&help, NULL, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "timeline"));
}

static void
test_failures (void)
{
  g_autofree char *junk = g_build_filename (dir, "junk.db", NULL);
  g_auto(Run) unknown = { 0 };
  g_auto(Run) corrupt = { 0 };
  g_auto(Run) unreadable = { 0 };

  run_ctl (&unknown, cache_path, "show", "customer:nobody", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_cmpuint (count_lines (unknown.err), ==, 1);
  g_assert_nonnull (strstr (unknown.err, "customer:nobody"));

  g_assert_true (g_file_set_contents (junk, "this is not a database, not at all, really not\n"
                                            "padding padding padding padding padding padding\n", -1, NULL));
  run_ctl (&corrupt, junk, "status", NULL);
  g_assert_cmpint (corrupt.status, ==, 2);
  g_assert_cmpuint (count_lines (corrupt.err), ==, 1);

  run_ctl (&unreadable, dir, "status", NULL);
  g_assert_cmpint (unreadable.status, ==, 2);
  g_assert_cmpuint (count_lines (unreadable.err), ==, 1);
}

static void
test_import_status (void)
{
  g_autofree char *fixture = test_fixture_path ("small.ndjson");
  g_autofree char *good = g_build_filename (dir, "good.json", NULL);
  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  g_auto(Run) skipped = { 0 };
  g_auto(Run) clean = { 0 };

  /* Four broken documents at the end: the rest loads, the status says so */
  run_ctl (&skipped, other, "import", fixture, NULL);
  g_assert_cmpint (skipped.status, ==, 2);
  g_assert_nonnull (strstr (skipped.err, "note:bad-type"));
  g_assert_nonnull (strstr (skipped.err, "4 documents were skipped"));

  g_assert_true (g_file_set_contents (good, "[{\"_id\":\"note:1\",\"type\":\"note\",\"schema\":1,"
                                            "\"at\":\"2026-11-01T00:00:00Z\",\"customer_id\":\"" C1 "\","
                                            "\"body\":\"x\"}]", -1, NULL));
  run_ctl (&clean, other, "import", good, NULL);
  g_assert_cmpint (clean.status, ==, 0);
}

static void
test_json_shapes (void)
{
  g_auto(Run) search = { 0 };
  g_auto(Run) show = { 0 };
  g_auto(Run) timeline = { 0 };
  g_auto(Run) status = { 0 };
  g_autoptr(JsonNode) hits = NULL;
  g_autoptr(JsonNode) card = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(JsonNode) st = NULL;
  JsonObject *hit, *obj, *ticket;
  JsonArray *array;

  run_ctl (&search, cache_path, "search", "やまだ", "--json", NULL);
  g_assert_cmpint (search.status, ==, 0);
  hits = parse_out (&search);
  hit = json_array_get_object_element (json_node_get_array (hits), 0);
  g_assert_cmpstr (rp_json_string (hit, "id"), ==, C1);
  g_assert_cmpstr (rp_json_string (hit, "name"), ==, "山田 花子");
  g_assert_cmpstr (rp_json_string (hit, "kana"), ==, "やまだ はなこ");
  g_assert_cmpstr (rp_json_string (hit, "tier"), ==, "gold");
  g_assert_true (json_object_has_member (hit, "emails"));
  g_assert_true (json_object_has_member (hit, "phones"));

  run_ctl (&show, cache_path, "show", C1, "--json", "--now", "2026-11-21T12:00:00Z", NULL);
  g_assert_cmpint (show.status, ==, 0);
  card = parse_out (&show);
  obj = json_node_get_object (card);
  for (guint i = 0; i < 11; i++)
    {
      const char *members[] = { "id", "name", "kana", "tier", "member_since", "lifetime_value", "consent",
                                "open_tickets", "last_contact", "pinned_notes", "flags" };
      if (!json_object_has_member (obj, members[i]))
        g_error ("show --json has no “%s”", members[i]);
    }
  array = json_object_get_array_member (obj, "open_tickets");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  ticket = json_array_get_object_element (array, 0);
  g_assert_cmpstr (rp_json_string (ticket, "number"), ==, "T-104233");
  g_assert_cmpstr (rp_json_string (ticket, "status"), ==, "pending");
  /* Due 14:00, judged at 12:00: on time; the lead time is half an hour */
  g_assert_cmpstr (rp_json_string (ticket, "sla"), ==, "on_time");
  g_assert_cmpstr (rp_json_string (json_object_get_object_member (json_object_get_object_member (obj, "consent"),
                                                                   "marketing_email"), "state"), ==, "withdrawn");

  run_ctl (&timeline, cache_path, "timeline", C1, "--json", "--kind", "tickets", "--limit", "3", NULL);
  g_assert_cmpint (timeline.status, ==, 0);
  events = parse_out (&timeline);
  array = json_node_get_array (events);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);
      g_assert_nonnull (rp_json_string (event, "id"));
      g_assert_nonnull (rp_json_string (event, "at"));
      g_assert_nonnull (rp_json_string (event, "summary"));
      g_assert_true (g_str_has_prefix (rp_json_string (event, "type"), "ticket"));
    }

  run_ctl (&status, cache_path, "status", "--json", NULL);
  g_assert_cmpint (status.status, ==, 0);
  st = parse_out (&status);
  obj = json_node_get_object (st);
  g_assert_cmpint (rp_json_int (obj, "customers", 0), ==, 2);
  g_assert_true (json_object_has_member (obj, "outbox_pending"));
  g_assert_true (json_object_has_member (obj, "last_sync"));
}

static void
test_timeline_tickets_folded (void)
{
  g_auto(Run) timeline = { 0 };
  g_autoptr(JsonNode) events = NULL;
  JsonArray *array;
  gboolean found = FALSE;

  run_ctl (&timeline, cache_path, "timeline", C1, "--json", "--kind", "tickets", NULL);
  events = parse_out (&timeline);
  array = json_node_get_array (events);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);
      if (g_strcmp0 (rp_json_string (event, "type"), "ticket") == 0)
        {
          /* The document said "new"; its events made it pending and moved it */
          g_assert_cmpstr (rp_json_string (event, "status"), ==, "pending");
          g_assert_cmpstr (rp_json_string (event, "queue"), ==, "returns");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
test_note (void)
{
  g_autofree char *other = g_build_filename (dir, "notes.db", NULL);
  g_autofree char *fixture = test_fixture_path ("small.ndjson");
  g_auto(Run) seed = { 0 };
  g_auto(Run) note = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) empty = { 0 };
  g_auto(Run) status = { 0 };
  g_auto(Run) timeline = { 0 };
  g_autoptr(JsonNode) st = NULL;
  g_autoptr(JsonNode) events = NULL;
  JsonObject *first;

  run_ctl (&seed, other, "import", fixture, NULL);
  run_ctl (&note, other, "note", C1, "--pinned", "--author", "kato", "次回は英語で", NULL);
  g_assert_cmpint (note.status, ==, 0);
  run_ctl (&unknown, other, "note", "customer:nobody", "hello", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  run_ctl (&empty, other, "note", C1, "  ", NULL);
  g_assert_cmpint (empty.status, ==, 1);

  run_ctl (&status, other, "status", "--json", NULL);
  st = parse_out (&status);
  g_assert_cmpint (rp_json_int (json_node_get_object (st), "outbox_pending", -1), ==, 1);

  run_ctl (&timeline, other, "timeline", C1, "--kind", "notes", "--json", NULL);
  events = parse_out (&timeline);
  first = json_array_get_object_element (json_node_get_array (events), 0);
  g_assert_cmpstr (rp_json_string (first, "body"), ==, "次回は英語で");
  g_assert_cmpstr (rp_json_string (first, "author"), ==, "kato");
  g_assert_true (rp_json_bool (first, "pinned"));
  g_assert_true (g_str_has_prefix (rp_json_string (first, "id"), "note:"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *fixture = NULL;
  g_auto(Run) seed = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();
  cache_path = g_build_filename (dir, "cache.db", NULL);
  fixture = test_fixture_path ("small.ndjson");
  run_ctl (&seed, cache_path, "import", fixture, NULL);

  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/failures", test_failures);
  g_test_add_func ("/cli/import-status", test_import_status);
  g_test_add_func ("/cli/json-shapes", test_json_shapes);
  g_test_add_func ("/cli/timeline-tickets-folded", test_timeline_tickets_folded);
  g_test_add_func ("/cli/note", test_note);

  status = g_test_run ();
  test_remove_dir (dir);
  g_free (dir);
  g_free (cache_path);
  return status;
}
