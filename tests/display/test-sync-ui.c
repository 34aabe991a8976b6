/* test-sync-ui.c: the window syncing from a real PouchDB Server under Xvfb
 *
 * The header's sync state, the first sync's progress, a document arriving
 * live in the open customer's timeline without moving what the agent is
 * reading, a server that goes away and Retry, and the preferences' test
 * of a connection with a wrong password.
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
#include "rp-customer-view.h"
#include "rp-doc.h"
#include "rp-preferences-window.h"
#include "rp-search-row.h"
#include "rp-sync-status.h"
#include "rp-sync-test-util.h"
#include "rp-timeline-item.h"
#include "rp-timeline-model.h"
#include "rp-timeline-row.h"
#include "rp-window.h"

#define DB "branch"

static RpApplication *app;
static char *tmpdir;

/* Screenshots of the Japanese run get a -ja suffix */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *file = rp_test_screenshot_name ("sync-", name);

  rp_test_screenshot (widget, file);
}

/* Helpers */

/* The part of a translated format before its first %: "Synced " */
static char *
format_prefix (const char *format)
{
  const char *percent = strchr (format, '%');

  return g_strndup (format, percent ? (gsize) (percent - format) : strlen (format));
}

static gboolean
is_synced (gpointer data)
{
  RpSyncManager *manager = data;

  return rp_sync_manager_get_state (manager) == RP_SYNC_STATE_IDLE
         && rp_sync_manager_get_last_sync (manager) > 0;
}

typedef struct
{
  RpSyncManager *manager;
  RpSyncState    state;
} StateWait;

static gboolean
is_state (gpointer data)
{
  StateWait *wait = data;

  return rp_sync_manager_get_state (wait->manager) == wait->state;
}

static void
wait_state (RpSyncManager *manager,
            RpSyncState    state)
{
  StateWait wait = { manager, state };

  rp_test_wait_until (is_state, &wait);
}

static void
seed_server (RpTestPeer *peer,
             guint       n_customers,
             guint       n_each)
{
  g_autoptr(JsonArray) docs = json_array_new ();

  for (guint i = 0; i < n_customers; i++)
    rp_test_add_customer (docs, i, i % 2 ? "Tanaka" : "Okada", n_each);
  rp_test_bulk_docs (peer->url, DB, docs);
}

static RpSyncManager *
manager_new (RpCache    *cache,
             RpTestPeer *peer)
{
  RpSyncManager *manager = rp_sync_manager_new (cache);
  const char *dbs[] = { DB, NULL };

  rp_sync_manager_set_server_url (manager, peer->url);
  rp_sync_manager_set_databases (manager, dbs);
  /* A client-side deadline well under the test's patience */
  rp_sync_manager_set_timeouts (manager, 10, 3);
  return manager;
}

static RpWindow *
window_new (RpCache       *cache,
            RpSyncManager *manager)
{
  RpWindow *window = rp_window_new (GTK_APPLICATION (app), cache);

  rp_window_set_sync_manager (window, manager);
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

/* The header bar, for screenshots of the sync state alone */
static GtkWidget *
header_of (RpWindow *window)
{
  return gtk_widget_get_ancestor (GTK_WIDGET (rp_window_get_sync_status (window)),
                                  ADW_TYPE_HEADER_BAR);
}

static const char *
header_text (RpWindow *window)
{
  return rp_sync_status_get_text (rp_window_get_sync_status (window));
}

/* Tests */

typedef struct
{
  RpSyncManager *manager;
  gboolean       saw_syncing;
  gboolean       saw_progress;
  gboolean       saw_header_syncing;
  RpWindow      *window;
} FirstSync;

static void
first_sync_notify_cb (RpSyncManager *manager,
                      GParamSpec    *pspec,
                      FirstSync     *watch)
{
  if (rp_sync_manager_get_state (manager) != RP_SYNC_STATE_SYNCING)
    return;

  watch->saw_syncing = TRUE;
  if (watch->window != NULL)
    {
      g_autofree char *syncing = format_prefix (_("Syncing… %d%%"));
      const char *progress = rp_sync_status_get_progress (rp_window_get_sync_status (watch->window));

      if (g_str_has_prefix (header_text (watch->window), syncing)
          || g_strcmp0 (header_text (watch->window), _("Syncing…")) == 0)
        watch->saw_header_syncing = TRUE;
      /* Once the rate is known, so the time left can be told too */
      if (progress != NULL && *progress != '\0' && rp_sync_manager_get_rate (manager) >= 1)
        watch->saw_progress = TRUE;
    }
}

static gboolean
progress_or_synced (gpointer data)
{
  FirstSync *watch = data;

  return watch->saw_progress || is_synced (watch->manager);
}

static void
search_finished_cb (RpWindow *window,
                    guint     n_hits,
                    gpointer  flag)
{
  *(gboolean *) flag = TRUE;
}

typedef struct
{
  gint64 last;
  gint64 longest;
} Stall;

static gboolean
stall_tick_cb (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  stall->longest = MAX (stall->longest, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

/* The application configured from GSettings: an empty profile fills from
 * the server while the window stays usable, the header going from syncing
 * to synced */
static void
test_first_sync (void)
{
  g_autoptr(RpTestPeer) peer = rp_test_peer_start (TRUE);
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *synced = format_prefix (_("Synced %s"));
  const char *dbs[] = { DB, NULL };
  FirstSync watch = { 0 };
  Stall stall = { 0 };
  gint64 longest;
  guint stall_id;
  RpSyncManager *manager;
  RpWindow *window;
  RpCache *cache;
  gulong id;

  if (peer == NULL)
    return;

  rp_test_create_db (peer->url, DB);
  seed_server (peer, 400, 4);

  settings = g_settings_new ("dev.rapport.Rapport");
  g_settings_set_string (settings, "server-url", peer->url);
  g_settings_set_strv (settings, "databases", dbs);
  g_settings_set_boolean (settings, "sync-enabled", TRUE);

  cache = rp_application_get_cache (app, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_cache_count_customers (cache), ==, 0);

  manager = rp_application_get_sync_manager (app);
  g_assert_nonnull (manager);
  g_assert_cmpstr (rp_sync_manager_get_server_url (manager), ==, peer->url);
  watch.manager = manager;
  id = g_signal_connect (manager, "notify", G_CALLBACK (first_sync_notify_cb), &watch);
  /* Small batches, so the first sync takes long enough to be seen */
  rp_sync_manager_set_batch_size (manager, 40, 0);
  g_assert_true (rp_sync_manager_get_live (manager));

  stall.last = g_get_monotonic_time ();
  stall_id = g_timeout_add (5, stall_tick_cb, &stall);
  g_application_activate (G_APPLICATION (app));
  window = RP_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  watch.window = window;
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  rp_test_wait_for_paint (GTK_WIDGET (window));
  stall.longest = 0;
  stall.last = g_get_monotonic_time ();

  rp_test_wait_until (progress_or_synced, &watch);
  longest = stall.longest;
  if (watch.saw_progress && !is_synced (manager))
    {
      GtkMenuButton *button = rp_sync_status_get_menu_button (rp_window_get_sync_status (window));
      gboolean found = FALSE;
      gulong search_id;

      /* The window is usable meanwhile: search answers */
      search_id = g_signal_connect (window, "search-finished", G_CALLBACK (search_finished_cb), &found);
      rp_window_search (window, "Okada");
      rp_test_wait_for_flag (&found);
      g_signal_handler_disconnect (window, search_id);
      g_test_message ("searched during the first sync at %" G_GUINT64_FORMAT " documents",
                      rp_sync_manager_get_docs_done (manager));

      screenshot (GTK_WIDGET (window), "first-progress");
      /* Documents, rate and time left, in the popover */
      gtk_menu_button_popup (button);
      screenshot (GTK_WIDGET (gtk_menu_button_get_popover (button)), "first-progress-details");
      gtk_menu_button_popdown (button);
      /* Screenshots stop the loop themselves: not counted */
      stall.last = g_get_monotonic_time ();
      stall.longest = 0;
    }

  rp_test_wait_until (is_synced, manager);
  g_signal_handler_disconnect (manager, id);
  g_source_remove (stall_id);
  /* A figure to look at, not a pass mark: the main loop while syncing */
  g_test_message ("first sync: %" G_GUINT64_FORMAT " documents; longest main-loop stall "
                  "once the window was shown: %.1f ms", rp_sync_manager_get_docs_done (manager),
                  MAX (longest, stall.longest) / 1000.0);

  g_assert_true (watch.saw_syncing);
  g_assert_true (watch.saw_header_syncing);
  g_assert_cmpint (rp_cache_count_customers (cache), ==, 400);
  g_assert_true (g_str_has_prefix (header_text (window), synced));
  /* The welcome page gave way once there were customers to search */
  g_assert_cmpstr (rp_window_get_page (window), ==, "main");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (rp_window_get_search_entry (window))));
  screenshot (header_of (window), "header-synced");

  /* Preferences: what is applied reaches GSettings and the running sync */
  {
    g_auto(GStrv) applied = NULL;
    RpPreferencesWindow *prefs = NULL;
    GtkMenuButton *button = rp_sync_status_get_menu_button (rp_window_get_sync_status (window));
    g_autofree char *details = NULL;
    const char *db_error = NULL;
    GListModel *toplevels;

    g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
    toplevels = gtk_window_get_toplevels ();
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && prefs == NULL; i++)
      {
        g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

        if (RP_IS_PREFERENCES_WINDOW (toplevel))
          prefs = RP_PREFERENCES_WINDOW (toplevel);
      }
    g_assert_nonnull (prefs);

    rp_preferences_window_set_fields (prefs, peer->url, "branch\nsecond", "", "");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.sync-now", NULL));
    applied = g_settings_get_strv (settings, "databases");
    g_assert_cmpuint (g_strv_length (applied), ==, 2);
    g_assert_cmpstr (applied[1], ==, "second");

    /* The second database is not on the server: said for it alone */
    wait_state (manager, RP_SYNC_STATE_ERROR);
    g_assert_cmpstr (rp_sync_manager_get_databases (manager)[1], ==, "second");
    g_assert_cmpint (rp_sync_manager_get_database_state (manager, 1, &db_error, NULL, NULL), ==,
                     RP_SYNC_STATE_ERROR);
    g_assert_nonnull (strstr (db_error, "second"));
    gtk_window_destroy (GTK_WINDOW (prefs));

    gtk_menu_button_popup (button);
    rp_test_settle (GTK_WIDGET (window));
    details = rp_test_text_of (GTK_WIDGET (gtk_menu_button_get_popover (button)));
    g_assert_nonnull (strstr (details, db_error));
    g_assert_nonnull (strstr (details, DB));
    screenshot (GTK_WIDGET (gtk_menu_button_get_popover (button)), "details-per-database");
    gtk_menu_button_popdown (button);
  }

  /* Turning sync off in preferences stops it */
  g_settings_set_boolean (settings, "sync-enabled", FALSE);
  while (rp_sync_manager_get_live (manager))
    g_main_context_iteration (NULL, TRUE);

  window_destroy (window);
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "databases");
  g_settings_reset (settings, "sync-enabled");
}

typedef struct
{
  guint max_removed;
  guint calls;
} ChangeWatch;

static void
items_changed_cb (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  ChangeWatch *watch)
{
  watch->calls++;
  watch->max_removed = MAX (watch->max_removed, removed);
}

/* The event shown at (x, y) of the timeline, and where its row is */
static const char *
event_at (GtkWidget *list,
          double     y,
          double    *out_row_y)
{
  GtkWidget *picked = gtk_widget_pick (list, gtk_widget_get_width (list) / 2.0, y,
                                       GTK_PICK_DEFAULT);
  GtkWidget *row = picked ? gtk_widget_get_ancestor (picked, RP_TYPE_TIMELINE_ROW) : NULL;
  RpTimelineItem *item;
  graphene_point_t point;

  g_assert_nonnull (row);
  item = rp_timeline_row_get_item (RP_TIMELINE_ROW (row));
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_compute_point (row, list, &GRAPHENE_POINT_INIT (0, 0), &point));
  *out_row_y = point.y;

  return rp_timeline_item_is_header (item) ? "header" : rp_timeline_item_get_event (item)->id;
}

typedef struct
{
  RpTimelineModel *model;
  guint            n_events;
} CountWait;

static gboolean
has_events (gpointer data)
{
  CountWait *wait = data;

  return rp_timeline_model_get_n_events (wait->model) >= wait->n_events;
}

typedef struct
{
  GtkListBox *list;
  int         n;
} CountRows;

static gboolean
has_rows (gpointer data)
{
  CountRows *rows = data;

  return gtk_list_box_get_row_at_index (rows->list, rows->n - 1) != NULL;
}

static gboolean
view_hidden (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static gboolean
results_shown (gpointer data)
{
  return g_strcmp0 (rp_window_get_results_page (data), "results") == 0;
}

/* A document added on the server appears in the open customer's timeline
 * and card; the rows the agent is reading stay where they are */
static void
test_live_timeline (void)
{
  g_autoptr(RpTestPeer) peer = rp_test_peer_start (TRUE);
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(RpSyncManager) manager = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *customer = rp_test_customer_id (1);
  g_autofree char *before_id = NULL;
  g_autofree char *card = NULL;
  g_autofree char *now = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(RpTimelineItem) first = NULL;
  RpCustomerView *view;
  RpTimelineModel *model;
  GtkWidget *list;
  GtkAdjustment *adj;
  ChangeWatch changes = { 0 };
  CountWait count;
  double before_y, after_y, value;
  const char *after_id;
  RpWindow *window;
  guint n_before, status;
  gulong id;

  if (peer == NULL)
    return;

  rp_test_create_db (peer->url, DB);
  seed_server (peer, 3, 150);

  cache = rp_test_cache_new (&cache_dir);
  manager = manager_new (cache, peer);
  rp_sync_manager_start_live (manager);
  rp_test_wait_until (is_synced, manager);

  window = window_new (cache, manager);
  view = rp_window_get_customer_view (window);
  model = rp_customer_view_get_model (view);
  list = GTK_WIDGET (rp_customer_view_get_list_view (view));
  {
    gboolean loaded = FALSE;
    gulong loaded_id = g_signal_connect (view, "loaded", G_CALLBACK (rp_test_flag_signal_cb), &loaded);

    rp_window_open_customer (window, customer);
    rp_test_wait_for_flag (&loaded);
    g_signal_handler_disconnect (view, loaded_id);
  }
  n_before = rp_timeline_model_get_n_events (model);
  g_assert_cmpuint (n_before, ==, 300);

  /* Read somewhere in the middle of the history */
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  rp_test_settle (GTK_WIDGET (window));
  gtk_adjustment_set_value (adj, (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj)) / 2);
  rp_test_settle (GTK_WIDGET (window));
  value = gtk_adjustment_get_value (adj);
  g_assert_cmpfloat (value, >, 0);
  before_id = g_strdup (event_at (list, 60, &before_y));
  g_test_message ("reading %s at y=%.0f, scrolled to %.0f", before_id, before_y, value);

  /* A search with no match yet */
  {
    gboolean found = FALSE;
    gulong search_id = g_signal_connect (window, "search-finished",
                                        G_CALLBACK (search_finished_cb), &found);

    rp_window_search (window, "Quokka");
    rp_test_wait_for_flag (&found);
    g_signal_handler_disconnect (window, search_id);
    g_assert_cmpstr (rp_window_get_results_page (window), ==, "empty");
  }

  /* A colleague logs a call: it is the newest event of the customer */
  id = g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  now = rp_format_timestamp (g_get_real_time ());
  body = g_strdup_printf ("{\"_id\":\"interaction:00000000-0000-4000-a000-000000000001\","
                          "\"type\":\"interaction\",\"schema\":1,\"at\":\"%s\","
                          "\"customer_id\":\"%s\",\"channel\":\"phone\",\"direction\":\"inbound\","
                          "\"agent\":\"kim\",\"summary\":\"Called about the replacement kettle\","
                          "\"duration_s\":95}", now, customer);
  url = g_strdup_printf ("%s/%s", peer->url, DB);
  answer = rp_test_http ("POST", url, body, &status);
  g_assert_cmpuint (status, ==, 201);

  count.model = model;
  count.n_events = n_before + 1;
  rp_test_wait_until (has_events, &count);
  rp_test_settle (GTK_WIDGET (window));
  g_signal_handler_disconnect (model, id);

  /* Only what changed was announced: no reset of 300 rows */
  g_assert_cmpuint (changes.calls, >=, 1);
  g_assert_cmpuint (changes.max_removed, <=, 2);
  first = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_assert_false (rp_timeline_item_is_header (first));
  g_assert_cmpstr (rp_timeline_item_get_event (first)->id, ==,
                   "interaction:00000000-0000-4000-a000-000000000001");

  /* The same row under the same point: the agent's place is kept */
  after_id = event_at (list, 60, &after_y);
  g_assert_cmpstr (after_id, ==, before_id);
  g_assert_cmpfloat (ABS (after_y - before_y), <, 1.0);

  /* Visible search results follow what arrives */
  {
    g_autoptr(JsonArray) docs = json_array_new ();

    rp_test_add_customer (docs, 77, "Quokka", 0);
    rp_test_bulk_docs (peer->url, DB, docs);
    rp_test_wait_until (results_shown, window);
  }

  /* Refreshed results keep the one the agent selected */
  {
    g_autoptr(JsonArray) docs = json_array_new ();
    GtkListBox *results = rp_window_get_results_list (window);
    gboolean found = FALSE;
    gulong search_id = g_signal_connect (window, "search-finished",
                                         G_CALLBACK (search_finished_cb), &found);
    g_autofree char *selected = NULL;
    GtkListBoxRow *row;
    CountRows rows = { results, 3 };

    rp_window_search (window, "Okada");
    rp_test_wait_for_flag (&found);
    g_signal_handler_disconnect (window, search_id);
    row = gtk_list_box_get_row_at_index (results, 1);
    g_assert_nonnull (row);
    gtk_list_box_select_row (results, row);
    selected = g_strdup (rp_search_row_get_customer_id (RP_SEARCH_ROW (row)));

    rp_test_add_customer (docs, 90, "Okada", 0);
    rp_test_bulk_docs (peer->url, DB, docs);
    rp_test_wait_until (has_rows, &rows);
    row = gtk_list_box_get_selected_row (results);
    g_assert_nonnull (row);
    g_assert_cmpstr (rp_search_row_get_customer_id (RP_SEARCH_ROW (row)), ==, selected);
  }

  /* The card's last contact follows too */
  {
    gboolean loaded = FALSE;
    gulong loaded_id = g_signal_connect (view, "loaded", G_CALLBACK (rp_test_flag_signal_cb), &loaded);

    card = rp_test_text_of (GTK_WIDGET (rp_customer_view_get_card (view)));
    if (strstr (card, "Called about the replacement kettle") == NULL)
      {
        rp_test_wait_for_flag (&loaded);
        g_free (card);
        card = rp_test_text_of (GTK_WIDGET (rp_customer_view_get_card (view)));
      }
    g_signal_handler_disconnect (view, loaded_id);
  }
  g_assert_nonnull (strstr (card, "Called about the replacement kettle"));
  screenshot (GTK_WIDGET (window), "live-timeline");

  /* Erased on the server: the customer leaves the screen */
  {
    g_autofree char *erasure = NULL;
    g_autoptr(JsonNode) erased = NULL;

    erasure = g_strdup_printf ("{\"_id\":\"erasure:%s\",\"type\":\"erasure\",\"schema\":1,"
                               "\"at\":\"%s\",\"customer_id\":\"%s\",\"requested_by\":\"dpo\"}",
                               customer + strlen ("customer:"), now, customer);
    erased = rp_test_http ("POST", url, erasure, &status);
    g_assert_cmpuint (status, ==, 201);
    rp_test_wait_until (view_hidden, view);
    g_assert_cmpuint (rp_timeline_model_get_n_events (model), ==, 0);
    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, _("Rapport"));
  }

  rp_sync_manager_stop (manager);
  window_destroy (window);
  g_clear_object (&manager);
  g_clear_object (&cache);
  rp_test_rm_rf (cache_dir);
}

/* Offline, then a server that went away: the header says so in words,
 * and Retry brings it back */
static void
test_offline_error_retry (void)
{
  g_autoptr(RpTestPeer) peer = rp_test_peer_start (TRUE);
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(RpSyncManager) manager = NULL;
  g_autoptr(TestMonitor) monitor = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *synced = format_prefix (_("Synced %s"));
  g_autofree char *popover = NULL;
  const char *message;
  GtkButton *retry;
  RpWindow *window;

  if (peer == NULL)
    return;

  rp_test_create_db (peer->url, DB);
  seed_server (peer, 20, 2);

  cache = rp_test_cache_new (&cache_dir);
  monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  manager = manager_new (cache, peer);
  rp_sync_manager_set_network_monitor (manager, G_NETWORK_MONITOR (monitor));

  window = window_new (cache, manager);
  retry = rp_sync_status_get_retry_button (rp_window_get_sync_status (window));
  g_assert_cmpstr (header_text (window), ==, _("Not Synced Yet"));

  rp_sync_manager_start_live (manager);
  rp_test_wait_until (is_synced, manager);
  g_assert_true (g_str_has_prefix (header_text (window), synced));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (retry)));
  screenshot (header_of (window), "header-live");

  /* The network goes */
  test_monitor_set_available (monitor, FALSE);
  wait_state (manager, RP_SYNC_STATE_OFFLINE);
  g_assert_cmpstr (header_text (window), ==, _("Offline"));
  screenshot (header_of (window), "header-offline");

  /* And comes back: sync goes on at once */
  test_monitor_set_available (monitor, TRUE);
  rp_test_wait_until (is_synced, manager);
  g_assert_true (g_str_has_prefix (header_text (window), synced));

  /* The server goes away */
  rp_test_peer_kill (peer);
  rp_sync_manager_retry_now (manager);
  wait_state (manager, RP_SYNC_STATE_ERROR);
  message = rp_sync_manager_get_error_message (manager);
  g_assert_nonnull (message);
  g_test_message ("error: %s", message);
  g_assert_cmpstr (header_text (window), ==, message);
  /* Which words depends on where the request was when the server died
   * (refused, reset, cut short); there are always some */
  g_assert_cmpstr (message, !=, "");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (retry)));
  screenshot (header_of (window), "header-error");

  /* The popover has the message and the database */
  gtk_menu_button_popup (rp_sync_status_get_menu_button (rp_window_get_sync_status (window)));
  rp_test_settle (GTK_WIDGET (window));
  popover = rp_test_text_of (GTK_WIDGET (gtk_menu_button_get_popover (rp_sync_status_get_menu_button (rp_window_get_sync_status (window)))));
  /* The live sync may have retried meanwhile, with other words */
  message = rp_sync_manager_get_error_message (manager);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (popover, message));
  g_assert_nonnull (strstr (popover, DB));
  screenshot (GTK_WIDGET (gtk_menu_button_get_popover (rp_sync_status_get_menu_button (rp_window_get_sync_status (window)))),
              "error-details");
  gtk_menu_button_popdown (rp_sync_status_get_menu_button (rp_window_get_sync_status (window)));

  /* The server is back; Retry does not wait out the backoff */
  rp_test_peer_restart (peer);
  rp_test_create_db (peer->url, DB);
  seed_server (peer, 30, 1);
  g_assert_true (gtk_widget_activate (GTK_WIDGET (retry)));
  rp_test_wait_until (is_synced, manager);
  g_assert_true (g_str_has_prefix (header_text (window), synced));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (retry)));

  rp_sync_manager_stop (manager);
  window_destroy (window);
  g_clear_object (&manager);
  g_clear_object (&cache);
  rp_test_rm_rf (cache_dir);
}

static gboolean
test_finished (gpointer data)
{
  const char *result = rp_preferences_window_get_test_result (data);

  return result != NULL && *result != '\0';
}

static void
run_connection_test (RpPreferencesWindow *prefs)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.test-connection", NULL));
  g_assert_cmpstr (rp_preferences_window_get_test_result (prefs), ==, "");
  rp_test_wait_until (test_finished, prefs);
}

/* The connection test says what is wrong, in words the agent can act on */
static void
test_preferences_connection (void)
{
  g_autoptr(RpTestPeer) peer = rp_test_peer_start (TRUE);
  g_autoptr(RpCache) cache = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *failed = format_prefix (_("Failed: %s"));
  g_autoptr(JsonNode) answer = NULL;
  RpPreferencesWindow *prefs;
  const char *result;
  guint status;

  if (peer == NULL)
    return;

  rp_test_create_db (peer->url, DB);
  seed_server (peer, 2, 1);
  url = g_strdup_printf ("%s/_config/admins/keeper", peer->url);
  answer = rp_test_http ("PUT", url, "\"s3cret\"", &status);
  g_assert_cmpuint (status, ==, 200);

  cache = rp_test_cache_new (&cache_dir);
  prefs = rp_preferences_window_new (cache, NULL);
  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 860);
  gtk_window_present (GTK_WINDOW (prefs));
  rp_test_wait_for_paint (GTK_WIDGET (prefs));

  rp_preferences_window_set_fields (prefs, peer->url, DB, "keeper", "wrong");
  run_connection_test (prefs);
  result = rp_preferences_window_get_test_result (prefs);
  g_test_message ("wrong password: %s", result);
  g_assert_true (g_str_has_prefix (result, failed));
  /* The client's own words for a 401 */
  g_assert_nonnull (strstr (result, "127.0.0.1"));
  rp_test_settle (GTK_WIDGET (prefs));
  screenshot (GTK_WIDGET (prefs), "preferences-wrong-password");

  /* A database that is not there is named */
  rp_preferences_window_set_fields (prefs, peer->url, "branch, nowhere", "keeper", "s3cret");
  run_connection_test (prefs);
  result = rp_preferences_window_get_test_result (prefs);
  g_test_message ("missing database: %s", result);
  g_assert_true (g_str_has_prefix (result, failed));
  g_assert_nonnull (strstr (result, "nowhere"));

  rp_preferences_window_set_fields (prefs, peer->url, DB, "keeper", "s3cret");
  run_connection_test (prefs);
  result = rp_preferences_window_get_test_result (prefs);
  g_test_message ("right password: %s", result);
  g_assert_false (g_str_has_prefix (result, failed));
  rp_test_settle (GTK_WIDGET (prefs));
  screenshot (GTK_WIDGET (prefs), "preferences");

  /* A first setup turns sync on: typing the address is meaning it */
  {
    g_autoptr(GSettings) settings = g_settings_new ("dev.rapport.Rapport");
    g_autofree char *applied_url = NULL;
    g_auto(GStrv) dbs = NULL;

    g_settings_reset (settings, "server-url");
    g_settings_reset (settings, "sync-enabled");
    rp_preferences_window_set_fields (prefs, peer->url, "branch, head", "", "");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.sync-now", NULL));
    g_assert_true (g_settings_get_boolean (settings, "sync-enabled"));
    applied_url = g_settings_get_string (settings, "server-url");
    g_assert_cmpstr (applied_url, ==, peer->url);
    dbs = g_settings_get_strv (settings, "databases");
    g_assert_cmpuint (g_strv_length (dbs), ==, 2);
    g_assert_cmpstr (dbs[1], ==, "head");

    g_settings_reset (settings, "server-url");
    g_settings_reset (settings, "databases");
    g_settings_reset (settings, "sync-enabled");
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&cache);
  rp_test_rm_rf (cache_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* The application's own cache lives in a private data directory */
  tmpdir = g_dir_make_tmp ("rapport-sync-ui-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_unsetenv ("RAPPORT_CACHE");

  rp_test_display_init (&argc, &argv);

  app = rp_test_application_new ();

  g_test_add_func ("/sync-ui/first-sync", test_first_sync);
  g_test_add_func ("/sync-ui/live-timeline", test_live_timeline);
  g_test_add_func ("/sync-ui/offline-error-retry", test_offline_error_retry);
  g_test_add_func ("/sync-ui/preferences-connection", test_preferences_connection);

  ret = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_object_unref (app);
  rp_test_rm_rf (tmpdir);
  g_free (tmpdir);

  return ret;
}
