/* test-queues.c: the queues page, drill-down, ticket lists and notifications
 * on a real cache under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "display-util.h"
#include "rp-application.h"
#include "rp-cache.h"
#include "rp-chart.h"
#include "rp-demo.h"
#include "rp-doc.h"
#include "rp-notifier.h"
#include "rp-preferences-window.h"
#include "rp-queues.h"
#include "rp-queues-page.h"
#include "rp-ticket-item.h"
#include "rp-ticket-list.h"
#include "rp-timeline-item.h"
#include "rp-timeline-model.h"
#include "rp-window.h"

#define C1 "customer:0b1c2d3e-0000-4000-8000-000000000001"
#define C2 "customer:0b1c2d3e-0000-4000-8000-000000000002"
/* The fixture's clock (tests/unit/fixtures/queues.json) */
#define FIXTURE_NOW "2026-11-23T10:00:00Z"
/* The demo's: 14:32 in Tokyo */
#define DEMO_NOW "2026-11-23T05:32:00Z"

static char *tmpdir;

static void
screenshot (GtkWidget  *widget,
            const char *file)
{
  rp_test_settle (widget);
  rp_test_screenshot (widget, file);
}

/* Helpers */

static gint64
stamp (const char *text)
{
  gint64 usec = 0;

  g_assert_true (rp_parse_timestamp (text, &usec));
  return usec;
}

static void
apply_json (RpCache    *cache,
            const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  RpApplyStats stats = { 0 };
  JsonArray *array;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (nodes, json_array_get_element (array, i));
  rp_cache_apply (cache, (JsonNode *const *) nodes->pdata, nodes->len, NULL, NULL, NULL, NULL,
                  &stats, &error);
  g_assert_no_error (error);
}

static RpCache *
fixture_cache (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "unit", "fixtures", "queues.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  RpCache *cache = rp_cache_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (fixture, &json, NULL, &error));
  apply_json (cache, json);
  return cache;
}

typedef struct
{
  RpCache   *cache;
  GPtrArray *batch;
} DemoData;

static gboolean
demo_emit (JsonNode  *doc,
           gpointer   user_data,
           GError   **error)
{
  DemoData *data = user_data;
  RpApplyStats stats = { 0 };

  g_ptr_array_add (data->batch, json_node_copy (doc));
  if (data->batch->len < 1000)
    return TRUE;
  rp_cache_apply (data->cache, (JsonNode *const *) data->batch->pdata, data->batch->len,
                  NULL, NULL, NULL, NULL, &stats, error);
  g_ptr_array_set_size (data->batch, 0);
  return TRUE;
}

static RpCache *
demo_cache (void)
{
  static RpCache *cache;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  RpDemoOptions options;
  DemoData data;
  RpApplyStats stats = { 0 };

  if (cache != NULL)
    return cache;

  path = g_build_filename (tmpdir, "demo.db", NULL);
  cache = rp_cache_open (path, &error);
  g_assert_no_error (error);
  rp_demo_options_init (&options);
  options.now_usec = stamp (DEMO_NOW);
  options.n_heavy = 0;
  data.cache = cache;
  data.batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_assert_true (rp_demo_generate (&options, demo_emit, &data, &error));
  g_assert_no_error (error);
  rp_cache_apply (cache, (JsonNode *const *) data.batch->pdata, data.batch->len,
                  NULL, NULL, NULL, NULL, &stats, &error);
  g_assert_no_error (error);
  g_ptr_array_unref (data.batch);
  return cache;
}

static GtkWindow *
page_window (RpCache       *cache,
             gint64         now,
             RpQueuesPage **out_page)
{
  GtkWindow *window = GTK_WINDOW (adw_window_new ());
  GtkWidget *page = rp_queues_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_set_default_size (window, 1280, 860);

  rp_queues_page_set_now (RP_QUEUES_PAGE (page), now);
  rp_queues_page_set_cache (RP_QUEUES_PAGE (page), cache);
  gtk_window_present (window);
  if (rp_queues_page_get_figures (RP_QUEUES_PAGE (page)) == NULL)
    rp_test_wait_signal (page, "updated");
  *out_page = RP_QUEUES_PAGE (page);
  return window;
}

static void
window_destroy (GtkWindow *window)
{
  gtk_window_destroy (window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
ids_shown (RpTicketList *list)
{
  GListModel *model = G_LIST_MODEL (rp_ticket_list_get_model (list));
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(RpTicketItem) item = g_list_model_get_item (model, i);
      g_string_append_printf (out, "%s%s", i ? " " : "",
                              rp_ticket_item_get_id (item) + strlen ("ticket:"));
    }
  return g_string_free (out, FALSE);
}

/* Tests */

static void
activated_cb (RpQueuesPage *page,
              const char   *customer_id,
              const char   *ticket_id,
              char        **out)
{
  *out = g_strdup_printf ("%s %s", customer_id, ticket_id);
}

static void
test_figures_and_drill_down (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("figures.db");
  g_autofree char *activated = NULL;
  g_autofree char *ids = NULL;
  RpQueuesPage *page;
  RpTicketList *list;
  GtkWindow *window = page_window (cache, stamp (FIXTURE_NOW), &page);
  GtkWidget *button;

  list = rp_queues_page_get_list (page);

  /* The numbers worked out by hand in the unit suite */
  button = rp_queues_page_get_figure_button (page, "billing", "open");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "4");
  button = rp_queues_page_get_figure_button (page, "billing", "at_risk");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "2");
  button = rp_queues_page_get_figure_button (page, "billing", "oldest_wait_s");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "4 h");
  g_assert_true (g_str_has_prefix (rp_queues_page_get_freshness (page), "As of "));

  /* A number drills down to its tickets */
  button = rp_queues_page_get_figure_button (page, "billing", "at_risk");
  g_signal_emit_by_name (button, "clicked");
  rp_test_wait_signal (list, "loaded");
  ids = ids_shown (list);
  g_assert_cmpstr (ids, ==, "t3 t8");
  g_clear_pointer (&ids, g_free);

  button = rp_queues_page_get_figure_button (page, "delivery", "breached");
  g_signal_emit_by_name (button, "clicked");
  rp_test_wait_signal (list, "loaded");
  ids = ids_shown (list);
  g_assert_cmpstr (ids, ==, "t4");
  g_clear_pointer (&ids, g_free);

  /* Activating a row names the customer and the ticket to open */
  g_signal_connect (page, "ticket-activated", G_CALLBACK (activated_cb), &activated);
  g_signal_emit_by_name (rp_ticket_list_get_list_view (list), "activate", 0);
  g_assert_cmpstr (activated, ==, C2 " ticket:t4");

  /* Sorting is SQLite's: priority first */
  rp_queues_page_drill_down (page, RP_TICKET_FILTER_OPEN, NULL, NULL);
  rp_test_wait_signal (list, "loaded");
  gtk_drop_down_set_selected (rp_ticket_list_get_sort_dropdown (list), RP_TICKET_SORT_PRIORITY);
  rp_test_wait_signal (list, "loaded");
  ids = ids_shown (list);
  g_assert_cmpstr (ids, ==, "t6 t3 t4 t2 t8 t1");

  window_destroy (window);
}

static void
test_live (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("live.db");
  RpQueuesPage *page;
  GtkWindow *window = page_window (cache, stamp (FIXTURE_NOW), &page);
  GtkWidget *button;

  /* The clock passes t3's due time (10:20): breached, no longer at risk */
  rp_queues_page_set_now (page, stamp ("2026-11-23T10:25:00Z"));
  rp_test_wait_signal (page, "updated");
  button = rp_queues_page_get_figure_button (page, "billing", "breached");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "2");
  button = rp_queues_page_get_figure_button (page, "billing", "at_risk");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "1");

  /* New documents: a refresh shows them */
  apply_json (cache,
              "[{\"_id\":\"ticket:t9\",\"type\":\"ticket\",\"schema\":1,\"at\":\"2026-11-23T10:10:00Z\","
              "\"customer_id\":\"" C1 "\",\"number\":\"T-100009\",\"subject\":\"Lost parcel\","
              "\"channel\":\"phone\",\"queue\":\"returns\",\"priority\":\"high\",\"status\":\"new\","
              "\"assignee\":null,\"resolution_due\":\"2026-11-23T10:40:00Z\"}]");
  rp_queues_page_refresh (page);
  rp_test_wait_signal (page, "updated");
  button = rp_queues_page_get_figure_button (page, "returns", "open");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "1");
  button = rp_queues_page_get_figure_button (page, "returns", "at_risk");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "1");

  window_destroy (window);
}

static void
test_countdowns (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("countdown.db");
  gint64 now = stamp (FIXTURE_NOW);
  gint64 due = stamp ("2026-11-23T10:12:00Z");
  char *text;
  RpQueuesPage *page;
  GtkWindow *window;
  RpTicketList *list;
  gboolean loaded = FALSE;
  gulong id;

#define CHECK(due_usec, now_usec, expected) \
  text = rp_ticket_list_format_countdown (due_usec, now_usec); \
  g_assert_cmpstr (text, ==, expected); \
  g_free (text)

  CHECK (due, now, "Breaches in 12 min");
  CHECK (due, now + 30 * G_USEC_PER_SEC, "Breaches in 12 min");
  CHECK (due, due - 1, "Breaches in 1 min");
  CHECK (due, due + 30 * G_USEC_PER_SEC, "Breached just now");
  CHECK (due, due + 2 * G_TIME_SPAN_HOUR + 5 * G_TIME_SPAN_MINUTE, "Breached 2 h ago");
  CHECK (due, due - 3 * G_TIME_SPAN_HOUR, "Breaches in 3 h");
  CHECK (due, due + 3 * G_TIME_SPAN_DAY, "Breached 3 days ago");
  CHECK (0, now, "No due time");
#undef CHECK

  /* Rows tick without a query: no "loaded" while the clock moves */
  window = page_window (cache, now, &page);
  list = rp_queues_page_get_list (page);
  rp_queues_page_drill_down (page, RP_TICKET_FILTER_AT_RISK, "billing", NULL);
  rp_test_wait_signal (list, "loaded");
  rp_test_settle (GTK_WIDGET (window));
  id = g_signal_connect (list, "loaded", G_CALLBACK (rp_test_flag_signal_cb), &loaded);
  rp_ticket_list_set_now (list, stamp ("2026-11-23T10:25:00Z"));
  g_assert_false (loaded);
  g_signal_handler_disconnect (list, id);
  {
    GString *labels = g_string_new (NULL);
    GtkWidget *view = GTK_WIDGET (rp_ticket_list_get_list_view (list));
    GPtrArray *stack = g_ptr_array_new ();

    g_ptr_array_add (stack, view);
    while (stack->len > 0)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
        if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_widget_get_name (w), "countdown") == 0)
          g_string_append_printf (labels, "[%s]", gtk_label_get_text (GTK_LABEL (w)));
        for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
    /* t3 (due 10:20) has breached, t8 (10:30) is 5 minutes off */
    g_assert_nonnull (strstr (labels->str, "[Breached 5 min ago]"));
    g_assert_nonnull (strstr (labels->str, "[Breaches in 5 min]"));
    g_string_free (labels, TRUE);
  }

  window_destroy (window);
}

typedef struct
{
  GPtrArray *kinds;
  GString   *all;
} Sink;

static void
sink_cb (const char *kind,
         const char *title,
         const char *body,
         const char *customer_id,
         const char *ticket_id,
         gpointer    user_data)
{
  Sink *sink = user_data;

  g_ptr_array_add (sink->kinds, g_strdup_printf ("%s %s", kind, ticket_id ? ticket_id : "-"));
  g_string_append_printf (sink->all, "%s\n%s\n", title, body);
}

static void
check_and_wait (RpNotifier *notifier)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (notifier, "checked", G_CALLBACK (rp_test_flag_signal_cb), &done);

  rp_notifier_check (notifier);
  rp_test_wait_for_flag (&done);
  g_signal_handler_disconnect (notifier, id);
}

static void
test_notifications (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("notify.db");
  g_autoptr(RpNotifier) notifier = rp_notifier_new (cache);
  Sink sink = { g_ptr_array_new_with_free_func (g_free), g_string_new (NULL) };

  rp_notifier_set_sink (notifier, sink_cb, &sink);
  rp_notifier_set_now (notifier, stamp (FIXTURE_NOW));
  rp_notifier_set_agent (notifier, "kato");
  check_and_wait (notifier);
  /* What was there at start: kato's tickets are breached, none about to */
  g_assert_cmpuint (sink.kinds->len, ==, 0);

  /* Sync lands suzuki's reassignment of t8 (due 10:30) to kato */
  apply_json (cache,
              "[{\"_id\":\"ticket_event:e8b\",\"type\":\"ticket_event\",\"schema\":1,"
              "\"at\":\"2026-11-23T09:50:00Z\",\"ticket_id\":\"ticket:t8\",\"customer_id\":\"" C2 "\","
              "\"author\":\"suzuki\",\"changes\":{\"assignee\":\"kato\"}}]");
  check_and_wait (notifier);
  g_assert_cmpuint (sink.kinds->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (sink.kinds, 0), ==, "assigned ticket:t8");
  g_assert_cmpstr (g_ptr_array_index (sink.kinds, 1), ==, "breach-soon ticket:t8");
  g_assert_nonnull (strstr (sink.all->str, "T-100008 · Card declined"));
  g_assert_nonnull (strstr (sink.all->str, "Breaches in 30 min"));
  /* Number and subject only: no customer name or contact details */
  g_assert_null (strstr (sink.all->str, "Mori"));
  g_assert_null (strstr (sink.all->str, "@"));

  /* Never twice */
  check_and_wait (notifier);
  g_assert_cmpuint (sink.kinds->len, ==, 2);

  /* Do not disturb holds back; turning it off shows what was held */
  rp_notifier_set_do_not_disturb (notifier, TRUE);
  apply_json (cache,
              "[{\"_id\":\"ticket_event:e1c\",\"type\":\"ticket_event\",\"schema\":1,"
              "\"at\":\"2026-11-23T09:58:00Z\",\"ticket_id\":\"ticket:t1\",\"customer_id\":\"" C1 "\","
              "\"author\":\"suzuki\",\"changes\":{\"assignee\":\"kato\"}}]");
  check_and_wait (notifier);
  g_assert_cmpuint (sink.kinds->len, ==, 2);
  {
    gboolean done = FALSE;
    gulong id = g_signal_connect (notifier, "checked", G_CALLBACK (rp_test_flag_signal_cb), &done);

    rp_notifier_set_do_not_disturb (notifier, FALSE);
    rp_test_wait_for_flag (&done);
    g_signal_handler_disconnect (notifier, id);
  }
  g_assert_cmpuint (sink.kinds->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (sink.kinds, 2), ==, "assigned ticket:t1");

  g_ptr_array_unref (sink.kinds);
  g_string_free (sink.all, TRUE);
}

static void
test_window (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("window.db");
  g_autoptr(RpApplication) app = rp_test_application_new ();
  g_autoptr(GSettings) settings = g_settings_new ("dev.rapport.Rapport");
  g_autoptr(GError) error = NULL;
  g_autoptr(RpEvent) event = NULL;
  g_autofree char *ids = NULL;
  RpTimelineModel *model;
  RpCustomerView *view;
  RpQueuesPage *page;
  RpTicketList *list;
  RpWindow *window;
  guint position;

  /* An agent without the supervisor role: only their own tickets */
  g_settings_set_string (settings, "agent-login", "kato");
  g_settings_set_boolean (settings, "show-queues", FALSE);
  g_settings_set_string (settings, "last-customer", "");
  window = rp_window_new (GTK_APPLICATION (app), cache);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_false (rp_window_get_view_visible (window, "queues"));
  g_assert_true (rp_window_get_view_visible (window, "my-tickets"));
  list = rp_window_get_my_tickets (window);
  if (rp_ticket_list_is_loading (list))
    rp_test_wait_signal (list, "loaded");
  ids = ids_shown (list);
  g_assert_cmpstr (ids, ==, "t4 t2");

  /* suzuki is a supervisor by their agent document */
  g_settings_set_string (settings, "agent-login", "suzuki");
  g_assert_true (rp_window_get_view_visible (window, "queues"));
  g_assert_true (rp_window_get_view_visible (window, "my-tickets"));
  rp_window_show_view (window, "queues");
  page = rp_window_get_queues_page (window);
  if (rp_queues_page_get_figures (page) == NULL)
    rp_test_wait_signal (page, "updated");
  screenshot (GTK_WIDGET (window), "queues-window.png");

  /* A drilled-down ticket opens its customer with the ticket expanded */
  rp_queues_page_drill_down (page, RP_TICKET_FILTER_BREACHED, "billing", NULL);
  rp_test_wait_signal (rp_queues_page_get_list (page), "loaded");
  view = rp_window_get_customer_view (window);
  {
    gboolean loaded = FALSE;
    gulong id = g_signal_connect (view, "loaded", G_CALLBACK (rp_test_flag_signal_cb), &loaded);

    g_signal_emit_by_name (rp_ticket_list_get_list_view (rp_queues_page_get_list (page)), "activate", 0);
    rp_test_wait_for_flag (&loaded);
    g_signal_handler_disconnect (view, id);
  }
  g_assert_cmpstr (rp_window_get_view (window), ==, "customers");
  g_assert_cmpstr (rp_customer_view_get_customer_id (view), ==, C1);
  model = rp_customer_view_get_model (view);
  event = rp_cache_get_event (cache, "ticket:t2", &error);
  g_assert_no_error (error);
  position = rp_timeline_model_find_rowid (model, event->rowid);
  g_assert_cmpuint (position, !=, G_MAXUINT);
  {
    g_autoptr(RpTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);
    g_assert_true (rp_timeline_item_get_expanded (item));
  }
  screenshot (GTK_WIDGET (window), "queues-open-ticket.png");

  g_settings_set_string (settings, "agent-login", "");
  window_destroy (GTK_WINDOW (window));
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      flag)
{
  rp_sync_manager_sync_once_finish (RP_SYNC_MANAGER (object), result, NULL);
  *(gboolean *) flag = TRUE;
}

static void
test_sync_failing (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("sync-failing.db");
  g_autoptr(RpNotifier) notifier = rp_notifier_new (cache);
  g_autoptr(RpSyncManager) manager = rp_sync_manager_new (cache);
  const char *dbs[] = { "branch", NULL };
  Sink sink = { g_ptr_array_new_with_free_func (g_free), g_string_new (NULL) };
  gint64 start = g_get_real_time ();
  gboolean done = FALSE;

  rp_notifier_set_sink (notifier, sink_cb, &sink);
  rp_notifier_set_now (notifier, start);
  rp_notifier_set_sync_failure_delay (notifier, 15 * G_TIME_SPAN_MINUTE);
  rp_notifier_set_sync_manager (notifier, manager);

  /* Nothing listens on the discard port: every attempt fails */
  rp_sync_manager_set_server_url (manager, "http://127.0.0.1:9");
  rp_sync_manager_set_databases (manager, dbs);
  rp_sync_manager_sync_once_async (manager, NULL, sync_done_cb, &done);
  rp_test_wait_for_flag (&done);
  if (rp_sync_manager_get_state (manager) != RP_SYNC_STATE_ERROR)
    {
      g_test_skip ("the failed sync did not end in the error state here");
      goto out;
    }

  /* Failing, but not for long enough yet */
  rp_notifier_set_now (notifier, start + 10 * G_TIME_SPAN_MINUTE);
  check_and_wait (notifier);
  g_assert_cmpuint (sink.kinds->len, ==, 0);

  /* Past the delay: once, and only once */
  rp_notifier_set_now (notifier, start + 16 * G_TIME_SPAN_MINUTE);
  check_and_wait (notifier);
  g_assert_cmpuint (sink.kinds->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (sink.kinds, 0), ==, "sync-failing -");
  g_assert_nonnull (strstr (sink.all->str, "16 minutes"));
  rp_notifier_set_now (notifier, start + 30 * G_TIME_SPAN_MINUTE);
  check_and_wait (notifier);
  g_assert_cmpuint (sink.kinds->len, ==, 1);

out:
  rp_notifier_set_sync_manager (notifier, NULL);
  g_ptr_array_unref (sink.kinds);
  g_string_free (sink.all, TRUE);
}

/* The real libnotify path, against python3-dbusmock's notification daemon
 * on the test's private session bus */
static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         flag)
{
  *(gboolean *) flag = TRUE;
}

static void
checked_cb (RpNotifier *notifier,
            gpointer    flag)
{
  *(gboolean *) flag = TRUE;
}

static void
test_libnotify (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("libnotify.db");
  g_autoptr(RpNotifier) notifier = rp_notifier_new (cache);
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) calls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean appeared = FALSE, timed_out = FALSE, checked = FALSE;
  const char *python = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3" : "python3";
  guint watch, timeout;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    {
      g_test_skip ("no session bus");
      return;
    }
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             python, "-m", "dbusmock", "--template", "notification_daemon", NULL);
  if (daemon == NULL)
    {
      g_test_skip ("python3-dbusmock cannot start");
      return;
    }
  watch = g_bus_watch_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &appeared, NULL);
  timeout = g_timeout_add_once (15000, rp_test_set_flag_cb, &timed_out);
  while (!appeared && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_bus_unwatch_name (watch);
  if (!timed_out)
    g_source_remove (timeout);
  if (!appeared)
    {
      g_subprocess_force_exit (daemon);
      g_test_skip ("python3-dbusmock is not installed");
      return;
    }

  rp_notifier_set_now (notifier, stamp (FIXTURE_NOW));
  rp_notifier_set_agent (notifier, "kato");
  g_signal_connect (notifier, "checked", G_CALLBACK (checked_cb), &checked);
  rp_test_wait_for_flag (&checked);
  apply_json (cache,
              "[{\"_id\":\"ticket_event:e8b\",\"type\":\"ticket_event\",\"schema\":1,"
              "\"at\":\"2026-11-23T09:50:00Z\",\"ticket_id\":\"ticket:t8\",\"customer_id\":\"" C2 "\","
              "\"author\":\"suzuki\",\"changes\":{\"assignee\":\"kato\"}}]");
  checked = FALSE;
  rp_notifier_check (notifier);
  rp_test_wait_for_flag (&checked);

  calls = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                       "org.freedesktop.DBus.Mock", "GetCalls", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  text = g_variant_print (calls, FALSE);
  g_test_message ("calls: %s", text);
  /* Summary, body and an "Open" action reached the daemon; the customer's
   * name did not */
  g_assert_nonnull (strstr (text, "'Notify'"));
  g_assert_nonnull (strstr (text, "Ticket Assigned to You"));
  g_assert_nonnull (strstr (text, "Ticket About to Breach"));
  g_assert_nonnull (strstr (text, "T-100008 · Card declined"));
  g_assert_nonnull (strstr (text, "'open'"));
  g_assert_null (strstr (text, "Mori"));

  /* The desktop says "Open" was clicked on the first one */
  {
    g_autofree char *opened = NULL;
    g_autoptr(GVariant) reply = NULL;

    g_signal_connect (notifier, "open-ticket", G_CALLBACK (activated_cb), &opened);
    {
      GVariantBuilder args;

      g_variant_builder_init (&args, G_VARIANT_TYPE ("av"));
      g_variant_builder_add (&args, "v", g_variant_new_uint32 (1));
      g_variant_builder_add (&args, "v", g_variant_new_string ("open"));
      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                           "org.freedesktop.DBus.Mock", "EmitSignal",
                                           g_variant_new ("(sssav)", "org.freedesktop.Notifications",
                                                          "ActionInvoked", "us", &args),
                                           NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
      g_assert_no_error (error);
    }
    timed_out = FALSE;
    timeout = g_timeout_add_once (15000, rp_test_set_flag_cb, &timed_out);
    while (opened == NULL && !timed_out)
      g_main_context_iteration (NULL, TRUE);
    if (!timed_out)
      g_source_remove (timeout);
    g_assert_cmpstr (opened, ==, C2 " ticket:t8");
  }

  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type,
              guint      nth)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  guint seen = 0;

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, 0);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && seen++ == nth)
        return w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  return NULL;
}

static void
test_preferences (void)
{
  g_autoptr(RpCache) cache = fixture_cache ("prefs.db");
  g_autoptr(GSettings) settings = g_settings_new ("dev.rapport.Rapport");
  RpPreferencesWindow *prefs = rp_preferences_window_new (cache, NULL);
  GtkSpinButton *lead;
  GtkSwitch *dnd;

  gtk_window_present (GTK_WINDOW (prefs));
  g_settings_set_boolean (settings, "do-not-disturb", FALSE);
  g_settings_set_uint (settings, "sla-lead-minutes", 30);

  /* The first switch of the notifications group is do-not-disturb, the
   * first spin button the lead time */
  lead = GTK_SPIN_BUTTON (find_by_type (GTK_WIDGET (prefs), GTK_TYPE_SPIN_BUTTON, 0));
  g_assert_nonnull (lead);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (lead), ==, 30);
  gtk_spin_button_set_value (lead, 45);
  g_assert_cmpuint (g_settings_get_uint (settings, "sla-lead-minutes"), ==, 45);

  for (guint i = 0; (dnd = GTK_SWITCH (find_by_type (GTK_WIDGET (prefs), GTK_TYPE_SWITCH, i))); i++)
    {
      GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (dnd), ADW_TYPE_ACTION_ROW);
      if (row && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), _("_Do Not Disturb")) == 0)
        break;
    }
  g_assert_nonnull (dnd);
  gtk_switch_set_active (dnd, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "do-not-disturb"));
  screenshot (GTK_WIDGET (prefs), "preferences-notifications.png");

  g_settings_set_boolean (settings, "do-not-disturb", FALSE);
  g_settings_set_uint (settings, "sla-lead-minutes", 30);
  window_destroy (GTK_WINDOW (prefs));
}

static void
screenshots (const char *suffix)
{
  RpQueuesPage *page;
  GtkWindow *window = page_window (demo_cache (), stamp (DEMO_NOW), &page);
  g_autofree char *name = NULL;
  JsonArray *queues = json_object_get_array_member (rp_queues_page_get_figures (page), "queues");
  const char *busiest = NULL;
  gint64 most = -1;

  g_assert_cmpuint (json_array_get_length (queues), ==, 7);
  for (guint i = 0; i < json_array_get_length (queues); i++)
    {
      JsonObject *q = json_array_get_object_element (queues, i);
      if (rp_json_int (q, "breached", 0) > most)
        {
          most = rp_json_int (q, "breached", 0);
          busiest = rp_json_string (q, "queue");
        }
    }

  name = g_strdup_printf ("queues%s.png", suffix);
  if (rp_ticket_list_is_loading (rp_queues_page_get_list (page)))
    rp_test_wait_signal (rp_queues_page_get_list (page), "loaded");
  screenshot (GTK_WIDGET (window), name);

  g_signal_emit_by_name (rp_queues_page_get_figure_button (page, busiest, "breached"), "clicked");
  rp_test_wait_signal (rp_queues_page_get_list (page), "loaded");
  g_free (name);
  name = g_strdup_printf ("queues-drill-down%s.png", suffix);
  screenshot (GTK_WIDGET (window), name);

  window_destroy (window);
}

static void
test_screenshots (void)
{
  screenshots ("");
}

static void
test_dark (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshots ("-dark");
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_japanese (void)
{
  if (!g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "ja"))
    {
      g_test_skip ("needs LANG=ja_JP.UTF-8");
      return;
    }
  screenshots ("-ja");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  rp_test_display_init (&argc, &argv);
  {
    /* The application would load it; these tests show the page alone */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/dev/rapport/Rapport/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  tmpdir = g_dir_make_tmp ("rapport-queues-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/queues/figures-and-drill-down", test_figures_and_drill_down);
  g_test_add_func ("/queues/live", test_live);
  g_test_add_func ("/queues/countdowns", test_countdowns);
  g_test_add_func ("/queues/notifications", test_notifications);
  g_test_add_func ("/queues/sync-failing", test_sync_failing);
  g_test_add_func ("/queues/libnotify", test_libnotify);
  g_test_add_func ("/queues/window", test_window);
  g_test_add_func ("/queues/preferences", test_preferences);
  g_test_add_func ("/queues/screenshots", test_screenshots);
  g_test_add_func ("/queues/dark", test_dark);
  g_test_add_func ("/queues/japanese", test_japanese);

  ret = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
  }
  return ret;
}
