/* test-window.c: the agent window on a real cache under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "display-util.h"
#include "../unit/test-util.h"
#include "rp-application.h"
#include "rp-cache.h"
#include "rp-customer-view.h"
#include "rp-demo.h"
#include "rp-doc.h"
#include "rp-search-row.h"
#include "rp-timeline-item.h"
#include "rp-timeline-model.h"
#include "rp-timeline-row.h"
#include "rp-tooltip.h"
#include "rp-window.h"

#define YAMADA   "customer:11111111-1111-4111-8111-111111111111"
#define SMITH    "customer:22222222-2222-4222-8222-222222222222"
#define LONG     "customer:33333333-3333-4333-8333-333333333333"
#define N_LONG   10000

static RpApplication *app;
static char *tmpdir;

static void
screenshot (GtkWidget  *widget,
            const char *file)
{
  rp_test_settle (widget);
  rp_test_screenshot (widget, file);
}

/* Helpers */

static void
wait_loaded (RpWindow *window)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (rp_window_get_customer_view (window), "loaded",
                                G_CALLBACK (rp_test_flag_signal_cb), &done);
  rp_test_wait_for_flag (&done);
  g_signal_handler_disconnect (rp_window_get_customer_view (window), id);
}

static void
search_finished_cb (RpWindow *window,
                    guint     n,
                    gpointer  flag)
{
  g_test_message ("search \"%s\": %u hits",
                  gtk_editable_get_text (GTK_EDITABLE (rp_window_get_search_entry (window))), n);
  *(gboolean *) flag = TRUE;
}

static void
search_and_wait (RpWindow   *window,
                 const char *text)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (window, "search-finished", G_CALLBACK (search_finished_cb), &done);

  rp_window_search (window, text);
  rp_test_wait_for_flag (&done);
  g_signal_handler_disconnect (window, id);
}

static void
collect_tooltips (GtkWidget *widget,
                  GString   *out)
{
  const char *tip = rp_tooltip_get_text (widget);

  if (tip == NULL)
    tip = gtk_widget_get_tooltip_text (widget);
  if (tip)
    {
      /* Written when the pointer asks: the widget must say it has one */
      g_assert_true (gtk_widget_get_has_tooltip (widget));
      g_string_append (out, tip);
      g_string_append_c (out, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_tooltips (child, out);
}

/* Test data: small, hand-written, so every expectation is known */

static char *
iso (gint64 usec)
{
  return rp_format_timestamp (usec);
}

static void
apply_json (RpCache    *cache,
            const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  RpApplyStats stats = { 0 };
  JsonArray *array;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (nodes, json_array_get_element (array, i));

  g_assert_true (rp_cache_apply (cache, (JsonNode *const *) nodes->pdata, nodes->len,
                                 NULL, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.skipped, ==, 0);
}

static void
seed (RpCache *cache)
{
  gint64 now = g_get_real_time ();
  g_autofree char *d1 = iso (now - 2 * G_TIME_SPAN_HOUR);
  g_autofree char *d2 = iso (now - 1 * G_TIME_SPAN_HOUR);
  g_autofree char *d2b = iso (now - 30 * G_TIME_SPAN_MINUTE);
  g_autofree char *d3 = iso (now - 3 * G_TIME_SPAN_DAY);
  g_autofree char *d4 = iso (now - 40 * G_TIME_SPAN_DAY);
  g_autofree char *d5 = iso (now - 400 * G_TIME_SPAN_DAY);
  g_autofree char *due = iso (now + 10 * G_TIME_SPAN_MINUTE);
  g_autofree char *docs = NULL;
  GString *many;

  docs = g_strdup_printf ("["
    "{\"_id\":\"" YAMADA "\",\"type\":\"customer\",\"schema\":1,\"at\":\"%s\","
    " \"name\":{\"family\":\"山田\",\"given\":\"太郎\"},\"kana\":{\"family\":\"ヤマダ\",\"given\":\"タロウ\"},"
    " \"emails\":[\"taro.yamada@example.jp\"],\"phones\":[\"+819012345678\"],\"language\":\"ja\","
    " \"preferred_channel\":\"phone\",\"tier\":\"gold\",\"member_since\":\"2019-04-01\","
    " \"lifetime_value\":{\"amount\":1284000,\"currency\":\"JPY\"},\"branch\":\"tokyo\",\"tags\":[]},"
    "{\"_id\":\"" SMITH "\",\"type\":\"customer\",\"schema\":1,\"at\":\"%s\","
    " \"name\":{\"family\":\"Smith\",\"given\":\"John\"},\"emails\":[\"john.smith@example.com\"],"
    " \"phones\":[\"+14155550123\"],\"language\":\"en\",\"preferred_channel\":\"email\",\"tier\":\"standard\","
    " \"member_since\":\"2024-02-10\",\"lifetime_value\":{\"amount\":45050,\"currency\":\"USD\"},\"branch\":\"tokyo\",\"tags\":[]},"
    "{\"_id\":\"order:JP-1001\",\"type\":\"order\",\"schema\":1,\"at\":\"%s\",\"customer_id\":\"" YAMADA "\","
    " \"number\":\"JP-1001\",\"channel\":\"web\",\"status\":\"delivered\",\"currency\":\"JPY\",\"total\":12800,"
    " \"items\":[{\"sku\":\"T-1\",\"name\":\"急須\",\"quantity\":1,\"unit_price\":9800},"
    "          {\"sku\":\"G-2\",\"name\":\"煎茶\",\"quantity\":2,\"unit_price\":1500}]},"
    "{\"_id\":\"ticket:aaaaaaaa-0000-4000-8000-000000000001\",\"type\":\"ticket\",\"schema\":1,\"at\":\"%s\","
    " \"customer_id\":\"" YAMADA "\",\"number\":\"T-104233\",\"subject\":\"急須が割れて届いた\",\"channel\":\"phone\","
    " \"queue\":\"returns\",\"priority\":\"high\",\"status\":\"open\",\"assignee\":\"sato\","
    " \"first_response_due\":\"%s\",\"resolution_due\":\"%s\",\"tags\":[]},"
    "{\"_id\":\"ticket_event:aaaaaaaa-0000-4000-8000-000000000002\",\"type\":\"ticket_event\",\"schema\":1,\"at\":\"%s\","
    " \"ticket_id\":\"ticket:aaaaaaaa-0000-4000-8000-000000000001\",\"customer_id\":\"" YAMADA "\",\"author\":\"sato\","
    " \"changes\":{\"priority\":\"urgent\"},\"comment\":\"交換品を手配\",\"handoff\":\"18時以降に電話希望\"},"
    "{\"_id\":\"interaction:aaaaaaaa-0000-4000-8000-000000000003\",\"type\":\"interaction\",\"schema\":1,\"at\":\"%s\","
    " \"customer_id\":\"" YAMADA "\",\"channel\":\"phone\",\"direction\":\"inbound\",\"agent\":\"sato\","
    " \"summary\":\"急須の破損を連絡\",\"body\":\"箱を開けたら注ぎ口が割れていた。\",\"duration_s\":310,\"sentiment\":\"negative\"},"
    "{\"_id\":\"consent:aaaaaaaa-0000-4000-8000-000000000004\",\"type\":\"consent\",\"schema\":1,\"at\":\"%s\","
    " \"customer_id\":\"" YAMADA "\",\"purpose\":\"marketing_email\",\"state\":\"granted\",\"source\":\"web\","
    " \"recorded_by\":\"web\",\"evidence\":\"signup form v3\"},"
    "{\"_id\":\"consent:aaaaaaaa-0000-4000-8000-000000000005\",\"type\":\"consent\",\"schema\":1,\"at\":\"%s\","
    " \"customer_id\":\"" YAMADA "\",\"purpose\":\"marketing_sms\",\"state\":\"withdrawn\",\"source\":\"phone\","
    " \"recorded_by\":\"sato\",\"evidence\":\"call recording\"},"
    "{\"_id\":\"note:aaaaaaaa-0000-4000-8000-000000000006\",\"type\":\"note\",\"schema\":1,\"at\":\"%s\","
    " \"customer_id\":\"" YAMADA "\",\"author\":\"suzuki\",\"body\":\"日本語で対応。夕方の電話を希望。\",\"pinned\":true},"
    "{\"_id\":\"survey:aaaaaaaa-0000-4000-8000-000000000007\",\"type\":\"survey\",\"schema\":1,\"at\":\"%s\","
    " \"customer_id\":\"" YAMADA "\",\"kind\":\"csat\",\"score\":2,\"comment\":\"対応が遅い\"},"
    "{\"_id\":\"interaction:bbbbbbbb-0000-4000-8000-000000000001\",\"type\":\"interaction\",\"schema\":1,\"at\":\"%s\","
    " \"customer_id\":\"" SMITH "\",\"channel\":\"email\",\"direction\":\"inbound\",\"agent\":\"lee\","
    " \"summary\":\"Asked about delivery\",\"body\":\"Where is my parcel?\",\"duration_s\":0}"
    "]",
    d5, d4, d3, d1, d1, due, d2b, d2, d5, d4, d5, d3, d4);
  apply_json (cache, docs);

  /* A customer with a long history: N_LONG interactions over four years */
  many = g_string_new ("[{\"_id\":\"" LONG "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
                       "\"name\":{\"family\":\"Longhistory\",\"given\":\"Lena\"},\"emails\":[\"lena@example.org\"],"
                       "\"phones\":[],\"language\":\"en\",\"preferred_channel\":\"chat\",\"tier\":\"platinum\","
                       "\"member_since\":\"2020-01-01\",\"lifetime_value\":{\"amount\":9912300,\"currency\":\"JPY\"},"
                       "\"branch\":\"osaka\",\"tags\":[]}");
  for (guint i = 0; i < N_LONG; i++)
    {
      static const char *channels[] = { "chat", "email", "phone", "sms" };
      g_autofree char *at = iso (now - (gint64) (i + 1) * 3 * G_TIME_SPAN_HOUR - 7 * G_TIME_SPAN_MINUTE);

      g_string_append_printf (many,
                              ",{\"_id\":\"interaction:cccccccc-0000-4000-8000-%012u\",\"type\":\"interaction\","
                              "\"schema\":1,\"at\":\"%s\",\"customer_id\":\"" LONG "\",\"channel\":\"%s\","
                              "\"direction\":\"inbound\",\"agent\":\"kim\",\"summary\":\"Question %u\","
                              "\"body\":\"Body %u\",\"duration_s\":60}",
                              i, at, channels[i % 4], i, i);
    }
  g_string_append (many, "]");
  apply_json (cache, many->str);
  g_string_free (many, TRUE);
}

static RpCache *
open_cache (const char *name,
            gboolean    seeded)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  RpCache *cache = rp_cache_open (path, &error);

  g_assert_no_error (error);
  if (seeded)
    seed (cache);
  return cache;
}

static RpCache *
shared_cache (void)
{
  static RpCache *cache;

  if (cache == NULL)
    cache = open_cache ("shared.db", TRUE);
  return cache;
}

static RpWindow *
window_new (RpCache *cache)
{
  RpWindow *window = rp_window_new (GTK_APPLICATION (app), cache);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  rp_test_wait_for_paint (GTK_WIDGET (window));
  return window;
}

static void
window_destroy (RpWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static RpTimelineItem *
model_item (RpCustomerView *view,
            guint           position)
{
  return g_list_model_get_item (G_LIST_MODEL (rp_customer_view_get_model (view)), position);
}

/* Tests */

static void
test_welcome (void)
{
  g_autoptr(RpCache) cache = open_cache ("empty.db", FALSE);
  RpWindow *window = window_new (cache);
  g_autofree char *text = NULL;

  g_assert_cmpstr (rp_window_get_page (window), ==, "welcome");
  text = rp_test_text_of (GTK_WIDGET (window));
  g_assert_nonnull (strstr (text, "Explore with Demo Data"));
  g_assert_true (gtk_widget_has_focus (gtk_window_get_focus (GTK_WINDOW (window))));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (rp_window_get_search_entry (window))));
  screenshot (GTK_WIDGET (window), "welcome.png");

  window_destroy (window);
}

static void
page_changed_cb (GObject    *stack,
                 GParamSpec *pspec,
                 gpointer    flag)
{
  *(gboolean *) flag = TRUE;
}

static void
test_welcome_demo (void)
{
  g_autoptr(RpCache) cache = open_cache ("demo.db", FALSE);
  RpWindow *window = window_new (cache);
  GtkWidget *stack = gtk_widget_get_ancestor (gtk_widget_get_parent (GTK_WIDGET (rp_window_get_customer_view (window))),
                                              GTK_TYPE_BOX);
  gboolean changed = FALSE;
  gulong id;

  g_assert_cmpstr (rp_window_get_page (window), ==, "welcome");

  /* The main stack is the one whose page names are welcome and main */
  while (stack && !(GTK_IS_STACK (stack) && gtk_stack_get_child_by_name (GTK_STACK (stack), "welcome")))
    stack = gtk_widget_get_parent (stack);
  g_assert_nonnull (stack);
  id = g_signal_connect (stack, "notify::visible-child-name", G_CALLBACK (page_changed_cb), &changed);

  /* The button's action seeds on a worker thread; the window stays live */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.load-demo", NULL));
  rp_test_wait_for_flag (&changed);
  g_signal_handler_disconnect (stack, id);

  g_assert_cmpstr (rp_window_get_page (window), ==, "main");
  g_assert_cmpint (rp_cache_count_customers (cache), >, 0);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (rp_window_get_search_entry (window))));

  window_destroy (window);
}

static void
test_search_select (void)
{
  RpWindow *window = window_new (shared_cache ());
  RpCustomerView *view = rp_window_get_customer_view (window);
  GtkListBoxRow *row;
  g_autofree char *card = NULL;
  g_autofree char *tips = NULL;
  g_autoptr(RpTimelineItem) first = NULL;
  g_autoptr(RpTimelineItem) second = NULL;
  g_autofree char *title = NULL;
  GString *tip_out = g_string_new (NULL);

  g_assert_cmpstr (rp_window_get_page (window), ==, "main");
  g_assert_cmpstr (rp_window_get_results_page (window), ==, "hint");

  /* Kana typed in hiragana finds the katakana reading */
  search_and_wait (window, "やまだ");
  g_assert_cmpstr (rp_window_get_results_page (window), ==, "results");
  row = gtk_list_box_get_row_at_index (rp_window_get_results_list (window), 0);
  g_assert_nonnull (row);
  g_assert_cmpstr (rp_search_row_get_customer_id (RP_SEARCH_ROW (row)), ==, YAMADA);
  g_assert_cmpstr (rp_search_row_get_name (RP_SEARCH_ROW (row)), ==, "山田 太郎");

  /* A phone number matches and shows what matched */
  search_and_wait (window, "090-1234-5678");
  row = gtk_list_box_get_row_at_index (rp_window_get_results_list (window), 0);
  g_assert_nonnull (row);
  g_assert_cmpstr (rp_search_row_get_customer_id (RP_SEARCH_ROW (row)), ==, YAMADA);
  {
    g_autoptr(GString) tips = g_string_new (NULL);

    collect_tooltips (GTK_WIDGET (row), tips);
    g_assert_nonnull (strstr (tips->str, _("Matched phone")));
  }

  search_and_wait (window, "zzzzqqqq");
  g_assert_cmpstr (rp_window_get_results_page (window), ==, "empty");

  search_and_wait (window, "yamada");
  screenshot (GTK_WIDGET (window), "results.png");

  /* Enter in the entry opens the selected (first) result */
  g_signal_emit_by_name (rp_window_get_search_entry (window), "activate");
  wait_loaded (window);
  g_assert_cmpstr (rp_customer_view_get_customer_id (view), ==, YAMADA);

  card = rp_test_text_of (GTK_WIDGET (rp_customer_view_get_card (view)));
  g_assert_nonnull (strstr (card, "山田 太郎"));
  g_assert_nonnull (strstr (card, "ヤマダ タロウ"));
  g_assert_nonnull (strstr (card, "Gold"));
  g_assert_nonnull (strstr (card, "¥1,284,000"));
  g_assert_nonnull (strstr (card, "Since April 1, 2019"));
  g_assert_nonnull (strstr (card, "Japanese"));
  g_assert_nonnull (strstr (card, "Marketing e-mail: Granted"));
  g_assert_nonnull (strstr (card, "Marketing SMS: Withdrawn"));
  g_assert_nonnull (strstr (card, "Profiling: Unknown"));
  g_assert_nonnull (strstr (card, "T-104233"));
  g_assert_nonnull (strstr (card, "SLA at risk"));
  g_assert_nonnull (strstr (card, "18時以降に電話希望"));
  g_assert_nonnull (strstr (card, "日本語で対応"));
  g_assert_nonnull (strstr (card, "急須の破損を連絡"));

  collect_tooltips (GTK_WIDGET (rp_customer_view_get_card (view)), tip_out);
  tips = g_string_free (tip_out, FALSE);
  g_assert_nonnull (strstr (tips, "source: Web"));
  g_assert_nonnull (strstr (tips, "source: Phone"));

  /* Newest first, grouped by day: a header, then the ticket event */
  g_assert_cmpuint (rp_timeline_model_get_n_events (rp_customer_view_get_model (view)), ==, 8);
  first = model_item (view, 0);
  second = model_item (view, 1);
  g_assert_true (rp_timeline_item_is_header (first));
  g_assert_false (rp_timeline_item_is_header (second));
  g_assert_cmpint (rp_timeline_item_get_event (second)->type, ==, RP_DOC_TICKET_EVENT);
  title = rp_timeline_describe (second, NULL);
  g_assert_nonnull (strstr (title, "Urgent"));

  /* The last customer is remembered */
  {
    g_autoptr(GSettings) settings = g_settings_new ("dev.rapport.Rapport");
    g_autofree char *last = g_settings_get_string (settings, "last-customer");
    g_assert_cmpstr (last, ==, YAMADA);
  }

  window_destroy (window);
}

static guint
count_events_where (RpCustomerView *view,
                    gboolean      (*pred) (const RpEvent *event, JsonObject *doc))
{
  GListModel *model = G_LIST_MODEL (rp_customer_view_get_model (view));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(RpTimelineItem) item = g_list_model_get_item (model, i);

      if (!rp_timeline_item_is_header (item) &&
          pred (rp_timeline_item_get_event (item), rp_timeline_item_get_doc (item)))
        n++;
    }
  return n;
}

static gboolean
is_order (const RpEvent *event, JsonObject *doc)
{
  return event->type == RP_DOC_ORDER;
}

static gboolean
is_not_order (const RpEvent *event, JsonObject *doc)
{
  return event->type != RP_DOC_ORDER;
}

static gboolean
is_phone (const RpEvent *event, JsonObject *doc)
{
  /* A consent's channel is where it was given */
  return g_strcmp0 (rp_json_string (doc, "channel"), "phone") == 0 ||
         g_strcmp0 (rp_json_string (doc, "source"), "phone") == 0;
}

static gboolean
is_not_phone (const RpEvent *event, JsonObject *doc)
{
  return !is_phone (event, doc);
}

static void
test_filters (void)
{
  RpWindow *window = window_new (shared_cache ());
  RpCustomerView *view = rp_window_get_customer_view (window);
  RpTimelineModel *model;
  g_autoptr(RpTimelineItem) item = NULL;
  GtkWidget *row;
  g_autofree char *details = NULL;

  rp_window_open_customer (window, YAMADA);
  wait_loaded (window);
  model = rp_customer_view_get_model (view);
  g_assert_cmpuint (rp_timeline_model_get_n_events (model), ==, 8);

  /* The chips are actions: activating one is what a click or Space does */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "customer.kind", "s", "orders"));
  wait_loaded (window);
  g_assert_cmpuint (rp_timeline_model_get_n_events (model), ==, 1);
  g_assert_cmpuint (count_events_where (view, is_order), ==, 1);
  g_assert_cmpuint (count_events_where (view, is_not_order), ==, 0);

  /* The order expands into its lines and total */
  item = model_item (view, 1);
  row = rp_timeline_row_new ();
  g_object_ref_sink (row);
  rp_timeline_row_set_item (RP_TIMELINE_ROW (row), item);
  rp_timeline_item_set_expanded (item, TRUE);
  details = rp_test_text_of (row);
  g_assert_nonnull (strstr (details, "1 × 急須 — ¥9,800"));
  g_assert_nonnull (strstr (details, "2 × 煎茶 — ¥3,000"));
  g_assert_nonnull (strstr (details, "¥12,800"));
  rp_timeline_row_set_item (RP_TIMELINE_ROW (row), NULL);
  g_object_unref (row);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "customer.kind", "s", "all"));
  wait_loaded (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "customer.channel", "s", "phone"));
  wait_loaded (window);
  g_assert_cmpuint (rp_timeline_model_get_n_events (model), ==, 3);
  g_assert_cmpuint (count_events_where (view, is_phone), ==, 3);
  g_assert_cmpuint (count_events_where (view, is_not_phone), ==, 0);

  /* Nothing matches: the empty state, not an empty list */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "customer.kind", "s", "surveys"));
  wait_loaded (window);
  g_assert_cmpuint (rp_timeline_model_get_n_events (model), ==, 0);

  window_destroy (window);
}

static void
test_ticket_details (void)
{
  RpWindow *window = window_new (shared_cache ());
  RpCustomerView *view = rp_window_get_customer_view (window);
  GListModel *model;
  GtkWidget *row = NULL;
  g_autofree char *details = NULL;

  rp_window_open_customer (window, YAMADA);
  wait_loaded (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "customer.kind", "s", "tickets"));
  wait_loaded (window);

  model = G_LIST_MODEL (rp_customer_view_get_model (view));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(RpTimelineItem) item = g_list_model_get_item (model, i);

      if (!rp_timeline_item_is_header (item) && rp_timeline_item_get_event (item)->type == RP_DOC_TICKET)
        {
          row = g_object_ref_sink (rp_timeline_row_new ());
          rp_timeline_row_set_item (RP_TIMELINE_ROW (row), item);
          rp_timeline_item_set_expanded (item, TRUE);
          details = rp_test_text_of (row);
          rp_timeline_row_set_item (RP_TIMELINE_ROW (row), NULL);
          g_object_unref (row);
        }
    }

  /* Folded state and the history with its handoff note */
  g_assert_nonnull (details);
  g_assert_nonnull (strstr (details, "Urgent"));
  g_assert_nonnull (strstr (details, "交換品を手配"));
  g_assert_nonnull (strstr (details, "Handoff: 18時以降に電話希望"));

  window_destroy (window);
}

static void
collect_focus_chain (GtkWidget *window,
                     GPtrArray *seen)
{
  GtkWidget *start;

  start = gtk_window_get_focus (GTK_WINDOW (window));
  for (guint i = 0; i < 400; i++)
    {
      GtkWidget *focus;

      /* What Tab does: at the end of the chain, wrap to the start */
      if (!gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD))
        {
          gtk_window_set_focus (GTK_WINDOW (window), NULL);
          gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD);
        }
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      if (focus == NULL)
        continue;
      g_ptr_array_add (seen, focus);
      if (g_getenv ("RP_DEBUG_FOCUS"))
        g_printerr ("focus %u: %s %s\n", i, G_OBJECT_TYPE_NAME (focus),
                    RP_IS_SEARCH_ROW (focus) ? rp_search_row_get_name (RP_SEARCH_ROW (focus)) : GTK_IS_LABEL (focus) ? gtk_label_get_text (GTK_LABEL (focus)) :
                    GTK_IS_BUTTON (focus) && gtk_button_get_label (GTK_BUTTON (focus)) ? gtk_button_get_label (GTK_BUTTON (focus)) : "");
      if (focus == start)
        break;
    }
}

static gboolean
reached (GPtrArray *seen,
         GtkWidget *target)
{
  for (guint i = 0; i < seen->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (seen, i);
      if (w == target || gtk_widget_is_ancestor (w, target))
        return TRUE;
    }
  return FALSE;
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_by_type (c, type);
      if (found)
        return found;
    }
  return NULL;
}

static void
find_toggles (GtkWidget *root,
              GPtrArray *out)
{
  /* The filter chips, not the toggles inside menu buttons */
  if (GTK_IS_TOGGLE_BUTTON (root) && gtk_widget_has_css_class (root, "filter-chip"))
    g_ptr_array_add (out, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    find_toggles (c, out);
}

static void
test_keyboard (void)
{
  RpWindow *window = window_new (shared_cache ());
  RpCustomerView *view = rp_window_get_customer_view (window);
  GtkSearchEntry *entry = rp_window_get_search_entry (window);
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GPtrArray) chips = g_ptr_array_new ();
  g_autofree char **accels = NULL;
  GtkEventController *keys = NULL;
  GListModel *controllers;
  GtkListBoxRow *selected;
  gboolean handled = FALSE;

  /* Ctrl+K and Ctrl+F focus the search */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.focus-search");
  g_assert_true (g_strv_contains ((const char *const *) accels, "<Control>k"));
  g_assert_true (g_strv_contains ((const char *const *) accels, "<Control>f"));
  gtk_widget_grab_focus (GTK_WIDGET (rp_customer_view_get_list_view (view)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-search", NULL));
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (window)), GTK_WIDGET (entry)) ||
                 gtk_window_get_focus (GTK_WINDOW (window)) == GTK_WIDGET (entry));

  /* Down moves through the results without leaving the entry; Enter opens */
  search_and_wait (window, "example");
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (rp_window_get_results_list (window))), ==, 0);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (entry));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_KEY (c) && gtk_event_controller_get_propagation_phase (c) == GTK_PHASE_CAPTURE)
        keys = c;
    }
  g_object_unref (controllers);
  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
  g_assert_true (handled);
  selected = gtk_list_box_get_selected_row (rp_window_get_results_list (window));
  g_assert_cmpint (gtk_list_box_row_get_index (selected), ==, 1);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Up, 0, 0, &handled);
  selected = gtk_list_box_get_selected_row (rp_window_get_results_list (window));
  g_assert_cmpint (gtk_list_box_row_get_index (selected), ==, 0);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
  selected = gtk_list_box_get_selected_row (rp_window_get_results_list (window));
  g_signal_emit_by_name (entry, "activate");
  wait_loaded (window);
  g_assert_cmpstr (rp_customer_view_get_customer_id (view), ==,
                   rp_search_row_get_customer_id (RP_SEARCH_ROW (selected)));

  /* Tab reaches every control: search, menu, results, every chip, the timeline */
  rp_test_settle (GTK_WIDGET (window));
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  collect_focus_chain (GTK_WIDGET (window), seen);
  g_assert_true (reached (seen, GTK_WIDGET (entry)));
  g_assert_true (reached (seen, find_by_type (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON)));
  g_assert_true (reached (seen, GTK_WIDGET (rp_window_get_results_list (window))));
  g_assert_true (reached (seen, GTK_WIDGET (rp_customer_view_get_list_view (view))));
  find_toggles (GTK_WIDGET (view), chips);
  g_assert_cmpuint (chips->len, ==, 7 + 9);
  for (guint i = 0; i < chips->len; i++)
    g_assert_true (reached (seen, g_ptr_array_index (chips, i)));

  window_destroy (window);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return GTK_WINDOW (w);
    }
  return NULL;
}

static void
test_menu_and_state (void)
{
  RpWindow *window = window_new (shared_cache ());
  g_autoptr(GSettings) settings = g_settings_new ("dev.rapport.Rapport");
  GtkWindow *about, *prefs;
  GtkShortcutsWindow *overlay;

  /* The shortcuts window comes from gtk/help-overlay.ui by itself */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  gtk_window_destroy (prefs);
  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);

  /* Closing keeps the size for the next start */
  gtk_window_set_default_size (GTK_WINDOW (window), 1111, 777);
  gtk_window_close (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1111);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 777);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_rapid_keystrokes (void)
{
  RpWindow *window = window_new (shared_cache ());
  GtkEditable *entry = GTK_EDITABLE (rp_window_get_search_entry (window));
  static const char text[] = "yamada taro example 0901234 smith john longhistory lena ";
  GString *typed = g_string_new (NULL);
  GtkListBoxRow *row;

  gtk_widget_grab_focus (GTK_WIDGET (entry));
  for (guint i = 0; i < 200; i++)
    {
      /* Type, with an occasional backspace, and let the loop run a little */
      if (i % 17 == 16 && typed->len > 0)
        g_string_truncate (typed, typed->len - 1);
      else
        g_string_append_c (typed, text[i % (sizeof text - 1)]);
      if (typed->len > 12)
        g_string_erase (typed, 0, typed->len - 12);
      gtk_editable_set_text (entry, typed->str);
      if (i % 3 == 0)
        g_main_context_iteration (NULL, FALSE);
    }

  /* The last query wins, whatever finished in between */
  search_and_wait (window, "Longhistory");
  row = gtk_list_box_get_row_at_index (rp_window_get_results_list (window), 0);
  g_assert_nonnull (row);
  g_assert_cmpstr (rp_search_row_get_customer_id (RP_SEARCH_ROW (row)), ==, LONG);
  g_assert_null (gtk_list_box_get_row_at_index (rp_window_get_results_list (window), 1));

  g_string_free (typed, TRUE);
  window_destroy (window);
}

/* Rows with their real widget among those the list keeps; whether every
 * row it shows has one (the others may still be placeholders) */
static guint
count_real_rows (GtkListView *list,
                 gboolean    *shown_are_real)
{
  guint n = 0;

  *shown_are_real = TRUE;
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (list)); item;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *child = gtk_widget_get_first_child (item);
      gboolean real = child != NULL && RP_IS_TIMELINE_ROW (child);

      if (child == NULL)
        continue;
      n += real;
      if (gtk_widget_get_child_visible (item) && gtk_widget_get_mapped (child) && !real)
        *shown_are_real = FALSE;
    }
  return n;
}

static void
test_long_timeline (void)
{
  RpWindow *window = window_new (shared_cache ());
  RpCustomerView *view = rp_window_get_customer_view (window);
  GtkListView *list = rp_customer_view_get_list_view (view);
  GtkAdjustment *adj;
  GListModel *model;
  guint n, real;
  gboolean shown_are_real;
  g_autoptr(RpTimelineItem) last = NULL;

  /* After another customer, so the rows built at once are sized to the list */
  rp_window_open_customer (window, YAMADA);
  wait_loaded (window);
  rp_test_wait_for_paint (GTK_WIDGET (window));

  search_and_wait (window, "longhistory");
  g_signal_emit_by_name (rp_window_get_search_entry (window), "activate");
  wait_loaded (window);

  /* The first frame shows real rows, not placeholders */
  rp_test_wait_for_paint (GTK_WIDGET (window));
  count_real_rows (list, &shown_are_real);
  g_assert_true (shown_are_real);

  model = G_LIST_MODEL (rp_customer_view_get_model (view));
  g_assert_cmpuint (rp_timeline_model_get_n_events (rp_customer_view_get_model (view)), ==, N_LONG);
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, >, N_LONG);  /* day headers */
  screenshot (GTK_WIDGET (window), "customer-long.png");

  /* GtkListView keeps about 200 rows; only those near the view are built */
  for (int i = 0; i < 5; i++)
    rp_test_wait_for_paint (GTK_WIDGET (window));
  real = count_real_rows (list, &shown_are_real);
  g_assert_cmpuint (real, >, 0);
  g_assert_cmpuint (real, <, 100);
  g_assert_true (shown_are_real);

  /* Scroll to the far end and back: rows are made on demand */
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  rp_test_wait_for_paint (GTK_WIDGET (window));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) / 2);
  rp_test_wait_for_paint (GTK_WIDGET (window));
  /* A step down from there: rows the list had kept come into view */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj));
  for (int i = 0; i < 5; i++)
    rp_test_wait_for_paint (GTK_WIDGET (window));
  count_real_rows (list, &shown_are_real);
  g_assert_true (shown_are_real);
  gtk_adjustment_set_value (adj, 0);
  rp_test_wait_for_paint (GTK_WIDGET (window));

  last = g_list_model_get_item (model, n - 1);
  g_assert_false (rp_timeline_item_is_header (last));
  g_assert_cmpstr (rp_json_string (rp_timeline_item_get_doc (last), "summary"), ==, "Question 9999");

  window_destroy (window);
}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  RpWindow *window;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  window = window_new (shared_cache ());
  rp_window_open_customer (window, YAMADA);
  wait_loaded (window);
  search_and_wait (window, "example");
  g_assert_true (adw_style_manager_get_dark (style));
  screenshot (GTK_WIDGET (window), "dark.png");

  window_destroy (window);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_japanese (void)
{
  RpWindow *window;
  g_autofree char *text = NULL;
  g_autofree char *card = NULL;
  const char *lang = setlocale (LC_MESSAGES, NULL);

  if (lang == NULL || !g_str_has_prefix (lang, "ja"))
    {
      g_test_skip ("needs LC_ALL=ja_JP.UTF-8 (the window-ja test)");
      return;
    }

  window = window_new (shared_cache ());
  search_and_wait (window, "やまだ");
  g_signal_emit_by_name (rp_window_get_search_entry (window), "activate");
  wait_loaded (window);

  card = rp_test_text_of (GTK_WIDGET (rp_customer_view_get_card (rp_window_get_customer_view (window))));
  g_assert_nonnull (strstr (card, "山田 太郎"));
  g_assert_nonnull (strstr (card, "¥1,284,000"));
  g_assert_nonnull (strstr (card, "2019年4月1日"));
  g_assert_nonnull (strstr (card, "ゴールド"));
  g_assert_nonnull (strstr (card, "日本語"));
  g_assert_nonnull (strstr (card, "同意"));

  text = rp_test_text_of (GTK_WIDGET (window));
  g_assert_nonnull (strstr (text, "すべて"));
  g_assert_null (strstr (text, "Timeline"));
  g_assert_null (strstr (text, "Consent"));
  screenshot (GTK_WIDGET (window), "japanese.png");

  window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  rp_test_display_init (&argc, &argv);

  tmpdir = g_dir_make_tmp ("rapport-display-XXXXXX", &error);
  g_assert_no_error (error);

  app = rp_test_application_new ();

  g_test_add_func ("/display/welcome", test_welcome);
  g_test_add_func ("/display/welcome/demo", test_welcome_demo);
  g_test_add_func ("/display/search/select", test_search_select);
  g_test_add_func ("/display/timeline/filters", test_filters);
  g_test_add_func ("/display/timeline/ticket-details", test_ticket_details);
  g_test_add_func ("/display/keyboard", test_keyboard);
  g_test_add_func ("/display/search/rapid-keystrokes", test_rapid_keystrokes);
  g_test_add_func ("/display/menu-and-state", test_menu_and_state);
  g_test_add_func ("/display/timeline/long", test_long_timeline);
  g_test_add_func ("/display/dark", test_dark);
  g_test_add_func ("/display/japanese", test_japanese);

  ret = g_test_run ();

  g_object_unref (app);
  test_remove_dir (tmpdir);

  return ret;
}
