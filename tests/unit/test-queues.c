/* test-queues.c: queue figures, SLA states, ticket lists and notices on a
 * fixed clock, against tests/unit/fixtures/queues.json worked out by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <gio/gio.h>

#include "rp-doc.h"
#include "rp-queues.h"
#include "test-util.h"

/* The fixture's clock: 2026-11-23T10:00:00Z, lead time 30 minutes */
#define NOW_TEXT "2026-11-23T10:00:00Z"

typedef struct
{
  char    *dir;
  char    *path;
  RpCache *cache;
  gint64   now;
} Fixture;

static gint64
stamp (const char *text)
{
  gint64 usec = 0;

  g_assert_true (rp_parse_timestamp (text, &usec));
  return usec;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = test_fixture_path ("queues.json");
  g_autofree char *json = NULL;

  f->dir = test_make_dir ();
  f->path = g_build_filename (f->dir, "cache.db", NULL);
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (fixture, &json, NULL, &error));
  g_assert_no_error (error);
  test_apply (f->cache, json);
  f->now = stamp (NOW_TEXT);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->cache);
  test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static JsonObject *
find_member (JsonArray  *array,
             const char *key,
             const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = json_array_get_object_element (array, i);
      if (g_strcmp0 (rp_json_string (obj, key), value) == 0)
        return obj;
    }
  return NULL;
}

static void
assert_queue (JsonObject *queues,
              const char *name,
              gint64      open,
              gint64      waiting,
              gint64      breached,
              gint64      at_risk,
              gint64      fr_overdue,
              gint64      oldest_wait_s)
{
  JsonObject *q = find_member (json_object_get_array_member (queues, "queues"), "queue", name);

  g_assert_nonnull (q);
  g_assert_cmpint (rp_json_int (q, "open", -1), ==, open);
  g_assert_cmpint (rp_json_int (q, "waiting", -1), ==, waiting);
  g_assert_cmpint (rp_json_int (q, "breached", -1), ==, breached);
  g_assert_cmpint (rp_json_int (q, "at_risk", -1), ==, at_risk);
  g_assert_cmpint (rp_json_int (q, "first_response_overdue", -1), ==, fr_overdue);
  g_assert_cmpint (rp_json_int (q, "oldest_wait_s", -1), ==, oldest_wait_s);
}

static void
test_sla_states (void)
{
  gint64 now = stamp (NOW_TEXT);

  g_assert_true (rp_ticket_status_is_open ("new"));
  g_assert_true (rp_ticket_status_is_open ("pending"));
  g_assert_false (rp_ticket_status_is_open ("solved"));
  g_assert_cmpint (rp_sla_state ("open", stamp ("2026-11-23T09:59:59Z"), now, RP_DEFAULT_LEAD_USEC),
                   ==, RP_SLA_BREACHED);
  /* Due exactly now is breached; due exactly at the lead's end is at risk */
  g_assert_cmpint (rp_sla_state ("open", now, now, RP_DEFAULT_LEAD_USEC), ==, RP_SLA_BREACHED);
  g_assert_cmpint (rp_sla_state ("pending", stamp ("2026-11-23T10:30:00Z"), now, RP_DEFAULT_LEAD_USEC),
                   ==, RP_SLA_AT_RISK);
  g_assert_cmpint (rp_sla_state ("new", stamp ("2026-11-23T10:30:01Z"), now, RP_DEFAULT_LEAD_USEC),
                   ==, RP_SLA_ON_TIME);
  g_assert_cmpint (rp_sla_state ("solved", stamp ("2026-11-23T09:00:00Z"), now, RP_DEFAULT_LEAD_USEC),
                   ==, RP_SLA_NONE);
  g_assert_cmpint (rp_sla_state ("open", 0, now, RP_DEFAULT_LEAD_USEC), ==, RP_SLA_NONE);
}

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) queues = rp_cache_queues (f->cache, f->now, RP_DEFAULT_LEAD_USEC, &error);
  JsonArray *agents;
  JsonObject *a;

  g_assert_no_error (error);
  g_assert_cmpstr (rp_json_string (queues, "as_of"), ==, "2026-11-23T10:00:00Z");

  /* billing: t1 (new, unassigned, first response overdue), t2 (opened by
   * an event, kato, breached), t3 (moved here from delivery and unassigned
   * by an event, at risk, waiting since 06:00), t8 (due exactly at the
   * lead's end: at risk) */
  assert_queue (queues, "billing", 4, 2, 1, 2, 1, 4 * 3600);
  /* delivery: t4 (pending, breached, not waiting), t6 (new, no resolution
   * due, waiting an hour); t5 was solved by an event and t3 moved away */
  assert_queue (queues, "delivery", 2, 1, 1, 0, 0, 3600);
  /* returns: only a closed ticket, still listed from its queue document */
  assert_queue (queues, "returns", 0, 0, 0, 0, 0, 0);
  g_assert_cmpstr (rp_json_string (find_member (json_object_get_array_member (queues, "queues"),
                                                "queue", "billing"), "display_name"),
                   ==, "Billing & payments");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (queues, "queues")), ==, 3);

  /* Busiest first; agents with an `agent` document are listed unloaded */
  agents = json_object_get_array_member (queues, "agents");
  g_assert_cmpuint (json_array_get_length (agents), ==, 3);
  a = json_array_get_object_element (agents, 0);
  g_assert_cmpstr (rp_json_string (a, "agent"), ==, "kato");
  g_assert_cmpint (rp_json_int (a, "load", -1), ==, 2);
  g_assert_cmpint (rp_json_int (a, "handled_today", -1), ==, 1);
  a = json_array_get_object_element (agents, 1);
  g_assert_cmpstr (rp_json_string (a, "agent"), ==, "sato");
  g_assert_cmpint (rp_json_int (a, "load", -1), ==, 1);
  a = json_array_get_object_element (agents, 2);
  g_assert_cmpstr (rp_json_string (a, "agent"), ==, "suzuki");
  g_assert_cmpstr (rp_json_string (a, "role"), ==, "supervisor");
  g_assert_cmpint (rp_json_int (a, "load", -1), ==, 0);
}

static void
test_clock_passes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) later = NULL;
  g_autoptr(JsonObject) longer = NULL;

  /* 10:25: t3 (due 10:20) has breached; t8 is still at risk */
  later = rp_cache_queues (f->cache, stamp ("2026-11-23T10:25:00Z"), RP_DEFAULT_LEAD_USEC, &error);
  g_assert_no_error (error);
  assert_queue (later, "billing", 4, 2, 2, 1, 1, 4 * 3600 + 25 * 60);

  /* A day's lead puts t1 (due tomorrow 08:00) at risk too */
  longer = rp_cache_queues (f->cache, f->now, 24 * G_TIME_SPAN_HOUR, &error);
  g_assert_no_error (error);
  assert_queue (longer, "billing", 4, 2, 1, 3, 1, 4 * 3600);
}

static void
test_per_hour (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint counts[24];

  g_assert_true (rp_cache_tickets_per_hour (f->cache, f->now, counts, &error));
  g_assert_no_error (error);
  for (guint h = 0; h < 24; h++)
    g_assert_cmpuint (counts[h], ==, h >= 5 && h <= 9 ? 1 : 0);
}

static char *
ids_of (RpCache             *cache,
        const RpTicketQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = rp_cache_ticket_ids (cache, query, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_assert_true (g_str_has_prefix (id, "ticket:"));
      g_string_append_printf (out, "%s%s", i ? " " : "", id + strlen ("ticket:"));
    }
  return g_string_free (out, FALSE);
}

static void
test_lists (Fixture       *f,
            gconstpointer  data)
{
  RpTicketQuery query;
  char *ids;

  rp_ticket_query_init (&query);
  query.now_usec = f->now;

#define CHECK(expected) \
  ids = ids_of (f->cache, &query); \
  g_assert_cmpstr (ids, ==, expected); \
  g_free (ids)

  /* Every open ticket, soonest due first, none last */
  CHECK ("t4 t2 t3 t8 t1 t6");
  query.reverse = TRUE;
  CHECK ("t1 t8 t3 t2 t4 t6");
  query.reverse = FALSE;

  query.sort = RP_TICKET_SORT_PRIORITY;
  CHECK ("t6 t3 t4 t2 t8 t1");
  query.sort = RP_TICKET_SORT_AGE;
  CHECK ("t4 t2 t3 t8 t1 t6");
  query.reverse = TRUE;
  CHECK ("t6 t1 t8 t3 t2 t4");
  query.reverse = FALSE;
  query.sort = RP_TICKET_SORT_DUE;

  /* Each number of the queues view drills down to its tickets */
  query.queue = "billing";
  query.filter = RP_TICKET_FILTER_WAITING;
  CHECK ("t3 t1");
  query.filter = RP_TICKET_FILTER_BREACHED;
  CHECK ("t2");
  query.filter = RP_TICKET_FILTER_AT_RISK;
  CHECK ("t3 t8");
  query.filter = RP_TICKET_FILTER_FIRST_RESPONSE_OVERDUE;
  CHECK ("t1");
  query.queue = "delivery";
  query.filter = RP_TICKET_FILTER_BREACHED;
  CHECK ("t4");
  query.queue = "returns";
  query.filter = RP_TICKET_FILTER_OPEN;
  CHECK ("");

  /* By assignee, unassigned, and status */
  query.queue = NULL;
  query.assignee = "kato";
  CHECK ("t4 t2");
  query.assignee = "";
  CHECK ("t3 t1 t6");
  query.assignee = NULL;
  query.status = "new";
  CHECK ("t1 t6");
  query.status = "pending";
  CHECK ("t4");
#undef CHECK
}

static void
test_rows (Fixture       *f,
           gconstpointer  data)
{
  const char *ids[] = { "ticket:t3", "ticket:gone", "ticket:t6" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = rp_cache_ticket_rows (f->cache, ids, G_N_ELEMENTS (ids), &error);
  RpTicketRow *row;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->id, ==, "ticket:t3");
  g_assert_cmpstr (row->number, ==, "T-100003");
  g_assert_cmpstr (row->queue, ==, "billing");
  g_assert_null (row->assignee);
  g_assert_cmpstr (row->customer_id, ==, C2);
  g_assert_cmpstr (row->customer_name, ==, "Ken Mori");
  g_assert_cmpint (row->resolution_due_usec, ==, stamp ("2026-11-23T10:20:00Z"));
  g_assert_cmpint (row->created_usec, ==, stamp ("2026-11-23T06:00:00Z"));
  g_assert_null (g_ptr_array_index (rows, 1));
  row = g_ptr_array_index (rows, 2);
  g_assert_cmpstr (row->priority, ==, "urgent");
  g_assert_cmpint (row->resolution_due_usec, ==, 0);
}

static void
test_role (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *supervisor = rp_cache_agent_role (f->cache, "suzuki", NULL);
  g_autofree char *agent = rp_cache_agent_role (f->cache, "kato", NULL);
  g_autofree char *unknown = rp_cache_agent_role (f->cache, "sato", NULL);

  g_assert_cmpstr (supervisor, ==, "supervisor");
  g_assert_cmpstr (agent, ==, "agent");
  g_assert_null (unknown);
}

static GPtrArray *
take (RpCache    *cache,
      const char *agent,
      gint64      mark,
      gint64      now)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *notices = rp_cache_take_notices (cache, agent, mark, now, RP_DEFAULT_LEAD_USEC, &error);

  g_assert_no_error (error);
  g_assert_nonnull (notices);
  return notices;
}

static void
test_notices (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) restarted = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) sato = NULL;
  g_autoptr(GError) error = NULL;
  RpNotice *notice;
  gint64 mark;

  /* What was there at start-up is not news; kato's tickets are breached
   * already, none is about to */
  mark = rp_cache_arrival_mark (f->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mark, >, 0);
  first = take (f->cache, "kato", -1, f->now);
  g_assert_cmpuint (first->len, ==, 0);
  g_clear_pointer (&first, g_ptr_array_unref);

  /* Sync brings suzuki's reassignment of t8 (due 10:30) to kato */
  test_apply (f->cache,
              "[{\"_id\":\"ticket_event:e8b\",\"type\":\"ticket_event\",\"schema\":1,"
              "\"at\":\"2026-11-23T09:50:00Z\",\"ticket_id\":\"ticket:t8\",\"customer_id\":\"" C2 "\","
              "\"author\":\"suzuki\",\"changes\":{\"assignee\":\"kato\"}}]");
  first = take (f->cache, "kato", mark, f->now);
  g_assert_cmpuint (first->len, ==, 2);
  notice = g_ptr_array_index (first, 0);
  g_assert_cmpint (notice->kind, ==, RP_NOTICE_ASSIGNED);
  g_assert_cmpstr (notice->key, ==, "assigned:ticket_event:e8b");
  g_assert_cmpstr (notice->ticket_id, ==, "ticket:t8");
  g_assert_cmpstr (notice->customer_id, ==, C2);
  g_assert_cmpstr (notice->number, ==, "T-100008");
  g_assert_cmpstr (notice->subject, ==, "Card declined");
  notice = g_ptr_array_index (first, 1);
  g_assert_cmpint (notice->kind, ==, RP_NOTICE_BREACH_SOON);
  g_assert_cmpstr (notice->ticket_id, ==, "ticket:t8");
  g_assert_cmpint (notice->resolution_due_usec, ==, stamp ("2026-11-23T10:30:00Z"));

  /* Never twice: not on the next minute's check, not after a restart */
  again = take (f->cache, "kato", mark, stamp ("2026-11-23T10:01:00Z"));
  g_assert_cmpuint (again->len, ==, 0);
  g_clear_object (&f->cache);
  f->cache = rp_cache_open (f->path, &error);
  g_assert_no_error (error);
  restarted = take (f->cache, "kato", mark, stamp ("2026-11-23T10:02:00Z"));
  g_assert_cmpuint (restarted->len, ==, 0);

  /* Taking a ticket yourself is not news; sato lost t8, so nothing for them */
  mark = rp_cache_arrival_mark (f->cache, NULL);
  test_apply (f->cache,
              "[{\"_id\":\"ticket_event:e1b\",\"type\":\"ticket_event\",\"schema\":1,"
              "\"at\":\"2026-11-23T09:55:00Z\",\"ticket_id\":\"ticket:t1\",\"customer_id\":\"" C1 "\","
              "\"author\":\"kato\",\"changes\":{\"status\":\"open\",\"assignee\":\"kato\"}}]");
  mine = take (f->cache, "kato", mark, f->now);
  g_assert_cmpuint (mine->len, ==, 0);
  sato = take (f->cache, "sato", 0, f->now);
  g_assert_cmpuint (sato->len, ==, 0);
}

static void
test_cli_json (Fixture       *f,
               gconstpointer  data)
{
  const char *ctl = g_getenv ("RAPPORTCTL");
  const char *int_members[] = { "open", "waiting", "breached", "at_risk",
                                "first_response_overdue", "oldest_wait_s" };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *obj, *q;
  JsonArray *agents;

  if (ctl == NULL)
    {
      g_test_skip ("RAPPORTCTL is not set");
      return;
    }
  g_clear_object (&f->cache);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           ctl, "--cache", f->path, "queues", "--json", "--now", NOW_TEXT,
                           "--lead-minutes", "30", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  root = test_parse (out);
  obj = json_node_get_object (root);
  g_assert_cmpstr (rp_json_string (obj, "as_of"), ==, "2026-11-23T10:00:00Z");
  q = find_member (json_object_get_array_member (obj, "queues"), "queue", "billing");
  g_assert_nonnull (q);
  for (guint i = 0; i < G_N_ELEMENTS (int_members); i++)
    {
      JsonNode *member = json_object_get_member (q, int_members[i]);
      g_assert_nonnull (member);
      g_assert_cmpint (json_node_get_value_type (member), ==, G_TYPE_INT64);
    }
  g_assert_cmpint (rp_json_int (q, "at_risk", -1), ==, 2);
  agents = json_object_get_array_member (obj, "agents");
  g_assert_cmpstr (rp_json_string (json_array_get_object_element (agents, 0), "agent"), ==, "kato");
  g_assert_cmpint (rp_json_int (json_array_get_object_element (agents, 0), "load", -1), ==, 2);
  g_clear_object (&proc);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A shorter lead: t3 (due in 20 minutes) is at risk, t8 (30) is not */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           ctl, "--cache", f->path, "queues", "--json", "--now", NOW_TEXT,
                           "--lead-minutes", "25", NULL);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_clear_pointer (&root, json_node_unref);
  root = test_parse (out);
  q = find_member (json_object_get_array_member (json_node_get_object (root), "queues"), "queue", "billing");
  g_assert_cmpint (rp_json_int (q, "at_risk", -1), ==, 1);
  g_clear_object (&proc);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors exit 1 with one line */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           ctl, "--cache", f->path, "queues", "--now", "yesterday", NULL);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_nonnull (strstr (err, "--now"));
  g_clear_object (&proc);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The text form names the queues */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           ctl, "--cache", f->path, "queues", "--now", NOW_TEXT, NULL);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (out, "Billing & payments"));
  g_assert_null (strstr (out, "aya@example.com"));
}

int
main (int   argc,
      char *argv[])
{
  /* "Today" and hours are local: fix the zone so the fixture's day is UTC's */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/queues/sla-states", test_sla_states);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/queues/figures", test_figures);
  ADD ("/queues/clock-passes", test_clock_passes);
  ADD ("/queues/per-hour", test_per_hour);
  ADD ("/queues/lists", test_lists);
  ADD ("/queues/rows", test_rows);
  ADD ("/queues/role", test_role);
  ADD ("/queues/notices", test_notices);
  ADD ("/queues/cli-json", test_cli_json);
#undef ADD

  return g_test_run ();
}
