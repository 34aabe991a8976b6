/* rp-window.c: the agent window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-window"

#include "config.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "rp-demo.h"
#include "rp-doc.h"
#include "rp-customer-view.h"
#include "rp-notifier.h"
#include "rp-queues.h"
#include "rp-search-row.h"
#include "rp-timeline-item.h"
#include "rp-offline-banner.h"
#include "rp-sync-status.h"
#include "rp-window.h"

#define SEARCH_LIMIT 30
#define DEMO_BATCH 1000
/* Batches land many times a second during a first sync: search again at
 * most this often */
#define RESEARCH_DELAY_MS 1000
/* How long the window rests after opening a customer before handing back
 * the memory that is free again */
#define TRIM_DELAY_MS 500

struct _RpWindow
{
  AdwApplicationWindow  parent_instance;

  RpCache              *cache;
  RpSyncManager        *sync_manager;
  GSettings            *settings;
  GCancellable         *search_cancellable;
  GCancellable         *cancellable;
  guint                 search_generation;
  guint                 search_idle_id;
  guint                 research_id;
  guint                 trim_id;
  gboolean              search_refresh;

  /* Demo seeding: the worker counts, a timeout shows the count */
  gint                  demo_done;
  guint                 demo_total;
  guint                 demo_progress_id;

  GtkStack             *content_stack;
  RpCustomerView       *customer_view;
  GtkButton            *demo_button;
  GtkProgressBar       *demo_progress;
  GtkStack             *main_stack;
  GtkMenuButton        *menu_button;
  RpOfflineBanner      *offline_banner;
  GtkListBox           *results_list;
  GtkStack             *results_stack;
  GtkSearchEntry       *search_entry;
  /* Queues, "My tickets" and notifications */
  RpTicketList         *my_tickets;
  RpNotifier           *notifier;
  RpQueuesPage         *queues_page;
  AdwViewStack         *view_stack;
  AdwViewSwitcher      *view_switcher;
  char                 *open_ticket;
  gulong                open_ticket_id;
  gboolean              queues_ready;
  RpSyncStatus         *sync_status;
};

G_DEFINE_FINAL_TYPE (RpWindow, rp_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CACHE,
  N_PROPS
};

enum {
  SEARCH_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char     *query;
  guint     generation;
  gboolean  refresh;    /* the same text again: keep the place */
} SearchData;

static void
search_data_free (SearchData *data)
{
  g_free (data->query);
  g_free (data);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchData *data = task_data;
  GError *error = NULL;
  GPtrArray *hits;

  /* A newer keystroke has already replaced this query */
  if (g_task_return_error_if_cancelled (task))
    return;

  hits = rp_cache_search (RP_CACHE (source_object), data->query, SEARCH_LIMIT, &error);
  if (hits == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hits, (GDestroyNotify) g_ptr_array_unref);
}

static void
clear_results (RpWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))))
    gtk_list_box_remove (self->results_list, child);
}

static void
search_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  SearchData *data = g_task_get_task_data (G_TASK (result));
  g_autofree char *selected_id = NULL;
  GtkListBoxRow *first;

  hits = g_task_propagate_pointer (G_TASK (result), &error);

  /* Stale: the text changed while this query ran */
  if (data->generation != self->search_generation ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (hits == NULL)
    {
      g_warning ("Search failed: %s", error->message);
      hits = g_ptr_array_new ();
    }

  /* New documents arrived: the agent keeps the result they had selected */
  if (data->refresh)
    {
      GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->results_list);

      if (selected != NULL && RP_IS_SEARCH_ROW (selected))
        selected_id = g_strdup (rp_search_row_get_customer_id (RP_SEARCH_ROW (selected)));
    }

  /* Refill the rows there are, add or drop the difference */
  for (guint i = 0; i < hits->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results_list, i);
      const RpSearchHit *hit = g_ptr_array_index (hits, i);

      if (row != NULL)
        rp_search_row_set_hit (RP_SEARCH_ROW (row), hit);
      else
        gtk_list_box_append (self->results_list, rp_search_row_new (hit));
    }
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (self->results_list, hits->len)); )
    gtk_list_box_remove (self->results_list, GTK_WIDGET (row));

  gtk_stack_set_visible_child_name (self->results_stack, hits->len > 0 ? "results" : "empty");
  if (!data->refresh)
    gtk_adjustment_set_value (gtk_list_box_get_adjustment (self->results_list), 0);

  /* Enter opens the best match; arrows move from there */
  first = gtk_list_box_get_row_at_index (self->results_list, 0);
  for (guint i = 0; selected_id != NULL && i < hits->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results_list, i);

      if (g_strcmp0 (rp_search_row_get_customer_id (RP_SEARCH_ROW (row)), selected_id) == 0)
        first = row;
    }
  if (first != NULL)
    gtk_list_box_select_row (self->results_list, first);

  g_signal_emit (self, signals[SEARCH_FINISHED], 0, hits->len);
}

static void
start_search (RpWindow   *self,
              const char *text)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *query = g_strstrip (g_strdup (text));
  gboolean refresh = self->search_refresh;
  SearchData *data;

  self->search_refresh = FALSE;
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->search_generation++;

  if (query[0] == '\0')
    {
      clear_results (self);
      gtk_stack_set_visible_child_name (self->results_stack, "hint");
      g_signal_emit (self, signals[SEARCH_FINISHED], 0, 0);
      return;
    }

  self->search_cancellable = g_cancellable_new ();
  data = g_new0 (SearchData, 1);
  data->query = g_steal_pointer (&query);
  data->generation = self->search_generation;
  data->refresh = refresh;

  task = g_task_new (self->cache, self->search_cancellable, search_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_search);
  g_task_set_task_data (task, data, (GDestroyNotify) search_data_free);
  g_task_run_in_thread (task, search_thread);
}

static gboolean
search_idle_cb (gpointer user_data)
{
  RpWindow *self = user_data;

  self->search_idle_id = 0;
  start_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  return G_SOURCE_REMOVE;
}

static void
search_text_changed_cb (RpWindow       *self,
                        GtkSearchEntry *entry)
{
  /* Replacing the text changes it twice (deleted, then inserted): search
   * once for what the entry holds when the main loop next turns.  What is
   * still running for the old text is stale from now on. */
  self->search_generation++;
  g_cancellable_cancel (self->search_cancellable);
  if (self->search_idle_id == 0)
    self->search_idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, search_idle_cb, self, NULL);
}

static void
move_selection (RpWindow *self,
                int       delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->results_list);
  int index = row ? gtk_list_box_row_get_index (row) + delta : 0;
  GtkListBoxRow *next;

  if (index < 0)
    index = 0;
  next = gtk_list_box_get_row_at_index (self->results_list, index);
  if (next == NULL)
    return;

  gtk_list_box_select_row (self->results_list, next);
  /* Keep the selected row in view while the focus stays in the entry */
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self->results_list),
                                                   GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
    graphene_rect_t bounds;

    if (gtk_widget_compute_bounds (GTK_WIDGET (next), GTK_WIDGET (self->results_list), &bounds))
      {
        double top = bounds.origin.y;
        double bottom = top + bounds.size.height;
        double value = gtk_adjustment_get_value (adj);
        double page = gtk_adjustment_get_page_size (adj);

        if (top < value)
          gtk_adjustment_set_value (adj, top);
        else if (bottom > value + page)
          gtk_adjustment_set_value (adj, bottom - page);
      }
  }
}

static gboolean
search_key_pressed_cb (RpWindow              *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Page_Down:
      move_selection (self, 8);
      return GDK_EVENT_STOP;

    case GDK_KEY_Page_Up:
      move_selection (self, -8);
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
open_row (RpWindow      *self,
          GtkListBoxRow *row)
{
  if (row == NULL || !RP_IS_SEARCH_ROW (row))
    return;
  rp_window_open_customer (self, rp_search_row_get_customer_id (RP_SEARCH_ROW (row)));
}

static void
search_activate_cb (RpWindow       *self,
                    GtkSearchEntry *entry)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->results_list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->results_list, 0);
  open_row (self, row);
}

static void
search_stop_cb (RpWindow       *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
row_activated_cb (RpWindow      *self,
                  GtkListBoxRow *row,
                  GtkListBox    *list)
{
  open_row (self, row);
}

/* Opening a customer allocates and frees a few MB (rows, documents, query
 * results), mostly from worker threads' malloc arenas, which keep free
 * memory mapped.  Once the window rests, give back what is free. */
static gboolean
trim_cb (gpointer user_data)
{
  RpWindow *self = user_data;

  self->trim_id = 0;
#ifdef __GLIBC__
  malloc_trim (0);
#endif

  return G_SOURCE_REMOVE;
}

static void
customer_loaded_cb (RpWindow       *self,
                    RpCustomerView *view)
{
  RpContextCard *card = rp_customer_view_get_card (view);
  const char *name = rp_context_card_get_name (card);
  g_autofree char *title = NULL;

  if (name != NULL && *name != '\0')
    /* Translators: window title, the customer's name then the app name */
    title = g_strdup_printf (_("%s — Rapport"), name);
  gtk_window_set_title (GTK_WINDOW (self), title ? title : _("Rapport"));

  g_clear_handle_id (&self->trim_id, g_source_remove);
  self->trim_id = g_timeout_add_full (G_PRIORITY_LOW, TRIM_DELAY_MS, trim_cb, self, NULL);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  RpWindow *self = RP_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "main") != 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* Demo data */

typedef struct
{
  RpCache   *cache;
  GPtrArray *batch;
  gint      *done;
} DemoData;

static gboolean
apply_batch (DemoData  *data,
             GError   **error)
{
  RpApplyStats stats = { 0 };
  gboolean ok;

  if (data->batch->len == 0)
    return TRUE;
  ok = rp_cache_apply (data->cache, (JsonNode *const *) data->batch->pdata, data->batch->len,
                       NULL, NULL, NULL, NULL, &stats, error);
  g_ptr_array_set_size (data->batch, 0);
  return ok;
}

static gboolean
demo_emit (JsonNode  *doc,
           gpointer   user_data,
           GError   **error)
{
  DemoData *data = user_data;
  JsonObject *obj = json_node_get_object (doc);

  if (g_strcmp0 (rp_json_string (obj, "type"), "customer") == 0)
    g_atomic_int_inc (data->done);

  g_ptr_array_add (data->batch, json_node_copy (doc));
  if (data->batch->len >= DEMO_BATCH)
    return apply_batch (data, error);
  return TRUE;
}

static void
demo_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RpWindow *self = source_object;
  RpDemoOptions options;
  DemoData data;
  GError *error = NULL;
  gboolean ok;

  rp_demo_options_init (&options);
  data.cache = self->cache;
  data.batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  data.done = &self->demo_done;

  ok = rp_demo_generate (&options, demo_emit, &data, &error) && apply_batch (&data, &error);
  g_ptr_array_unref (data.batch);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
demo_progress_cb (gpointer user_data)
{
  RpWindow *self = user_data;
  double fraction = self->demo_total ? (double) g_atomic_int_get (&self->demo_done) / self->demo_total : 0;
  g_autofree char *text = g_strdup_printf (_("Creating demo customers… %d%%"),
                                           (int) (MIN (fraction, 1.0) * 100));

  gtk_progress_bar_set_fraction (self->demo_progress, MIN (fraction, 1.0));
  gtk_progress_bar_set_text (self->demo_progress, text);

  return G_SOURCE_CONTINUE;
}

static void
show_main (RpWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), TRUE);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
demo_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RpWindow *self = RP_WINDOW (object);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->demo_progress_id, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.load-demo", TRUE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          AdwMessageDialog *dialog;

          g_warning ("Cannot create the demo data: %s", error->message);
          dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                               _("Cannot Create Demo Data"),
                                                               error->message));
          adw_message_dialog_add_response (dialog, "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      return;
    }

  show_main (self);
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  RpWindow *self = RP_WINDOW (widget);
  g_autoptr(GTask) task = NULL;
  RpDemoOptions options;

  rp_demo_options_init (&options);
  self->demo_total = options.n_customers;
  g_atomic_int_set (&self->demo_done, 0);

  gtk_widget_action_set_enabled (widget, "win.load-demo", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), TRUE);
  demo_progress_cb (self);
  self->demo_progress_id = g_timeout_add (100, demo_progress_cb, self);

  task = g_task_new (self, self->cancellable, demo_done_cb, NULL);
  g_task_set_source_tag (task, load_demo_action);
  g_task_run_in_thread (task, demo_thread);
}

/* Sync: what arrives shows up where the agent is looking */

static gboolean
research_cb (gpointer user_data)
{
  RpWindow *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  self->research_id = 0;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->results_stack), "hint") != 0
      && *text != '\0')
    {
      self->search_refresh = TRUE;
      start_search (self, text);
    }

  return G_SOURCE_REMOVE;
}

static void
sync_changed_cb (RpWindow      *self,
                 GStrv          customer_ids,
                 RpSyncManager *manager)
{
  const char *shown = rp_customer_view_get_customer_id (self->customer_view);

  /* The first customers arrived: there is something to search now */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "welcome") == 0
      && rp_cache_has_customers (self->cache))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), FALSE);
      show_main (self);
    }

  if (shown != NULL && customer_ids != NULL
      && g_strv_contains ((const char *const *) customer_ids, shown)
      && g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "customer") == 0)
    {
      /* Erased (or merged away) on the server: nothing of them may stay
       * on screen, and the window must not reopen them */
      if (!rp_cache_has_customer (self->cache, shown, NULL))
        {
          gtk_stack_set_visible_child_name (self->content_stack, "none");
          rp_timeline_model_clear (rp_customer_view_get_model (self->customer_view));
          gtk_window_set_title (GTK_WINDOW (self), _("Rapport"));
          if (self->settings != NULL)
            g_settings_set_string (self->settings, "last-customer", "");
        }
      else
        rp_customer_view_refresh (self->customer_view);
    }

  if (self->research_id == 0)
    self->research_id = g_timeout_add (RESEARCH_DELAY_MS, research_cb, self);
}

/* On the welcome page, a first sync shows its progress where the demo
 * button would */
static void
sync_progress_cb (RpWindow      *self,
                  GParamSpec    *pspec,
                  RpSyncManager *manager)
{
  gboolean welcome = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "welcome") == 0;
  gboolean syncing = rp_sync_manager_get_state (manager) == RP_SYNC_STATE_SYNCING;
  const char *progress = rp_sync_status_get_progress (self->sync_status);

  /* Results on screen are searched again when a sync ends: a first pull
   * into an empty cache makes what it brought searchable only then */
  if (!syncing && !welcome && self->research_id == 0)
    self->research_id = g_timeout_add (RESEARCH_DELAY_MS, research_cb, self);

  if (!welcome || self->demo_progress_id != 0)
    return;

  /* A first pull into an empty cache may make its customers searchable
   * only at its end, after the last batch was announced */
  if (!syncing && rp_cache_has_customers (self->cache))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), FALSE);
      show_main (self);
      return;
    }

  if (syncing && progress != NULL && *progress != '\0')
    {
      guint64 done = rp_sync_manager_get_docs_done (manager);
      guint64 total = rp_sync_manager_get_docs_total (manager);

      gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), TRUE);
      gtk_progress_bar_set_fraction (self->demo_progress, total ? MIN (1.0, (double) done / total) : 0);
      gtk_progress_bar_set_text (self->demo_progress, progress);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), FALSE);
}

/* Window state */

static void
restore_state (RpWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
restore_last_customer (RpWindow *self)
{
  g_autofree char *last = NULL;

  if (self->settings == NULL)
    return;

  last = g_settings_get_string (self->settings, "last-customer");
  /* The customer may have been erased or merged away since */
  if (last[0] != '\0' && rp_cache_has_customer (self->cache, last, NULL))
    rp_window_open_customer (self, last);
}

static gboolean
rp_window_close_request (GtkWindow *window)
{
  RpWindow *self = RP_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (rp_window_parent_class)->close_request (window);
}

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running uninstalled without the compiled schema must not abort */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "dev.rapport.Rapport", TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema not installed; window state is not kept");
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/* An agent's action is durable in the outbox: count it, and send it now
 * when the server is reachable */
static void
action_saved_cb (RpWindow *self)
{
  rp_offline_banner_update (self->offline_banner);
  if (self->sync_manager != NULL)
    rp_sync_manager_push_now (self->sync_manager);
}

/* Queues, "My tickets" and notifications */

static void
expand_ticket_cb (RpWindow       *self,
                  RpCustomerView *view)
{
  g_autoptr(RpEvent) event = NULL;
  g_autofree char *ticket_id = g_steal_pointer (&self->open_ticket);
  RpTimelineModel *model = rp_customer_view_get_model (view);
  guint position;

  g_clear_signal_handler (&self->open_ticket_id, view);
  if (ticket_id == NULL)
    return;

  /* One primary-key read for the ticket's place in the timeline */
  event = rp_cache_get_event (self->cache, ticket_id, NULL);
  position = event ? rp_timeline_model_find_rowid (model, event->rowid) : G_MAXUINT;
  if (position != G_MAXUINT)
    {
      g_autoptr(RpTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

      rp_timeline_item_set_expanded (item, TRUE);
      gtk_widget_activate_action (GTK_WIDGET (rp_customer_view_get_list_view (view)),
                                  "list.scroll-to-item", "u", position);
    }
}

static void
ticket_activated_cb (RpWindow   *self,
                     const char *customer_id,
                     const char *ticket_id)
{
  rp_window_open_ticket (self, customer_id, ticket_id);
}

static void
notification_open_cb (RpWindow   *self,
                      const char *customer_id,
                      const char *ticket_id)
{
  if (customer_id != NULL)
    rp_window_open_ticket (self, customer_id, ticket_id);
  gtk_window_present (GTK_WINDOW (self));
}

/* Who is at the desk decides which views show: supervisors (by their
 * `agent` document, or the show-queues preference) get the queues, an
 * agent with a login their own tickets */
static void
update_views (RpWindow *self)
{
  g_autofree char *login = NULL;
  g_autofree char *role = NULL;
  gboolean show_queues = FALSE, show_mine;
  gint64 lead = RP_DEFAULT_LEAD_USEC;

  if (self->settings != NULL)
    {
      login = g_settings_get_string (self->settings, "agent-login");
      show_queues = g_settings_get_boolean (self->settings, "show-queues");
      lead = g_settings_get_uint (self->settings, "sla-lead-minutes") * G_TIME_SPAN_MINUTE;
      rp_notifier_set_lead (self->notifier, lead);
      rp_notifier_set_sync_failure_delay (self->notifier,
                                          g_settings_get_uint (self->settings, "sync-failure-minutes")
                                          * G_TIME_SPAN_MINUTE);
      rp_notifier_set_do_not_disturb (self->notifier,
                                      g_settings_get_boolean (self->settings, "do-not-disturb"));
    }
  role = rp_cache_agent_role (self->cache, login, NULL);
  show_queues = show_queues || g_strcmp0 (role, "supervisor") == 0;
  show_mine = login != NULL && login[0] != '\0';

  /* The page computes nothing until it is first shown */
  if (show_queues && !self->queues_ready)
    {
      self->queues_ready = TRUE;
      rp_queues_page_set_lead (self->queues_page, lead);
      rp_queues_page_set_sync_manager (self->queues_page, self->sync_manager);
      rp_queues_page_set_cache (self->queues_page, self->cache);
    }
  if (show_mine)
    {
      RpTicketQuery query;

      rp_ticket_query_init (&query);
      query.assignee = login;
      query.lead_usec = lead;
      rp_ticket_list_set_lead (self->my_tickets, lead);
      rp_ticket_list_set_query (self->my_tickets, &query);
    }

  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack,
                                                            GTK_WIDGET (self->queues_page)),
                                   show_queues);
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack,
                                                            GTK_WIDGET (self->my_tickets)),
                                   show_mine);
  gtk_widget_set_visible (GTK_WIDGET (self->view_switcher), show_queues || show_mine);
  rp_notifier_set_agent (self->notifier, login);
}

/* Sync may bring tickets assigned to the agent, or take some away */
static void
my_tickets_sync_cb (RpWindow *self)
{
  if (rp_window_get_view_visible (self, "my-tickets"))
    rp_ticket_list_refresh (self->my_tickets);
}

static void
setup_queues (RpWindow *self)
{
  self->notifier = rp_notifier_new (self->cache);
  g_signal_connect_object (self->notifier, "open-ticket",
                           G_CALLBACK (notification_open_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queues_page, "ticket-activated",
                           G_CALLBACK (ticket_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->my_tickets, "ticket-activated",
                           G_CALLBACK (ticket_activated_cb), self, G_CONNECT_SWAPPED);
  rp_ticket_list_set_cache (self->my_tickets, self->cache);
  rp_ticket_list_set_title (self->my_tickets, _("My Open Tickets"));
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (update_views), self,
                             G_CONNECT_SWAPPED);
  update_views (self);
}

static void
rp_window_constructed (GObject *object)
{
  RpWindow *self = (RpWindow *)object;

  G_OBJECT_CLASS (rp_window_parent_class)->constructed (object);

  g_assert (self->cache != NULL);

  rp_customer_view_set_cache (self->customer_view, self->cache);
  setup_queues (self);
  rp_offline_banner_set_cache (self->offline_banner, self->cache);
  g_signal_connect_object (rp_customer_view_get_actions (self->customer_view), "saved",
                           G_CALLBACK (action_saved_cb), self, G_CONNECT_SWAPPED);
  restore_state (self);

  if (!rp_cache_has_customers (self->cache))
    {
      /* Nothing to search yet */
      gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), FALSE);
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->main_stack, "main");
      restore_last_customer (self);
    }

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "main") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->demo_button));
}

static void
rp_window_dispose (GObject *object)
{
  RpWindow *self = (RpWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_handle_id (&self->demo_progress_id, g_source_remove);
  g_clear_handle_id (&self->search_idle_id, g_source_remove);
  g_clear_handle_id (&self->research_id, g_source_remove);
  g_clear_handle_id (&self->trim_id, g_source_remove);
  if (self->sync_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
  g_clear_object (&self->sync_manager);

  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_WINDOW);

  G_OBJECT_CLASS (rp_window_parent_class)->dispose (object);
}

static void
rp_window_finalize (GObject *object)
{
  RpWindow *self = (RpWindow *)object;

  g_clear_object (&self->cache);
  g_clear_object (&self->settings);
  g_clear_object (&self->notifier);
  g_clear_pointer (&self->open_ticket, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->search_cancellable);

  G_OBJECT_CLASS (rp_window_parent_class)->finalize (object);
}

static void
rp_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RpWindow *self = RP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  RpWindow *self = RP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_window_class_init (RpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = rp_window_constructed;
  object_class->dispose = rp_window_dispose;
  object_class->finalize = rp_window_finalize;
  object_class->get_property = rp_window_get_property;
  object_class->set_property = rp_window_set_property;

  window_class->close_request = rp_window_close_request;

  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, RP_TYPE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when search results (or the hint) are on screen, with their count */
  signals[SEARCH_FINISHED] = g_signal_new ("search-finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (RP_TYPE_CUSTOMER_VIEW);
  g_type_ensure (RP_TYPE_QUEUES_PAGE);
  g_type_ensure (RP_TYPE_TICKET_LIST);
  g_type_ensure (RP_TYPE_SYNC_STATUS);
  g_type_ensure (RP_TYPE_OFFLINE_BANNER);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RpWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, customer_view);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, demo_button);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, demo_progress);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, offline_banner);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, results_list);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, results_stack);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, my_tickets);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, queues_page);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, sync_status);

  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "win.load-demo", NULL, load_demo_action);
}

static void
rp_window_init (RpWindow *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = settings_new_if_installed ();

  /* "changed", not "search-changed": results follow every keystroke, and
   * stale queries are cancelled rather than delayed */
  g_signal_connect_object (self->search_entry, "changed",
                           G_CALLBACK (search_text_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate",
                           G_CALLBACK (search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "stop-search",
                           G_CALLBACK (search_stop_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results_list, "row-activated",
                           G_CALLBACK (row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->customer_view, "loaded",
                           G_CALLBACK (customer_loaded_cb), self, G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed",
                           G_CALLBACK (search_key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

RpWindow *
rp_window_new (GtkApplication *application,
               RpCache        *cache)
{
  return g_object_new (RP_TYPE_WINDOW,
                       "application", application,
                       "cache", cache,
                       NULL);
}

void
rp_window_set_sync_manager (RpWindow      *self,
                            RpSyncManager *manager)
{
  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (!manager || RP_IS_SYNC_MANAGER (manager));

  if (self->sync_manager == manager)
    return;

  if (self->sync_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
  g_set_object (&self->sync_manager, manager);
  rp_sync_status_set_manager (self->sync_status, manager);
  rp_notifier_set_sync_manager (self->notifier, manager);
  if (self->queues_ready)
    rp_queues_page_set_sync_manager (self->queues_page, manager);
  if (manager != NULL)
    g_signal_connect_swapped (manager, "changed", G_CALLBACK (my_tickets_sync_cb), self);
  rp_offline_banner_set_sync_manager (self->offline_banner, manager);

  if (manager != NULL)
    {
      g_signal_connect_object (manager, "changed", G_CALLBACK (sync_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (manager, "notify::docs-done", G_CALLBACK (sync_progress_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (manager, "notify::state", G_CALLBACK (sync_progress_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

RpSyncStatus *
rp_window_get_sync_status (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->sync_status;
}

RpCache *
rp_window_get_cache (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->cache;
}

void
rp_window_open_customer (RpWindow   *self,
                         const char *customer_id)
{
  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (customer_id != NULL);

  show_main (self);
  adw_view_stack_set_visible_child_name (self->view_stack, "customers");
  gtk_stack_set_visible_child_name (self->content_stack, "customer");
  rp_customer_view_load (self->customer_view, customer_id);

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-customer", customer_id);
}

void
rp_window_search (RpWindow   *self,
                  const char *text)
{
  g_return_if_fail (RP_IS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
}

GtkSearchEntry *
rp_window_get_search_entry (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->search_entry;
}

GtkListBox *
rp_window_get_results_list (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->results_list;
}

RpCustomerView *
rp_window_get_customer_view (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->customer_view;
}

const char *
rp_window_get_page (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

const char *
rp_window_get_results_page (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->results_stack);
}

void
rp_window_open_ticket (RpWindow   *self,
                       const char *customer_id,
                       const char *ticket_id)
{
  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (customer_id != NULL);

  g_free (self->open_ticket);
  self->open_ticket = g_strdup (ticket_id);
  if (self->open_ticket_id == 0 && ticket_id != NULL)
    self->open_ticket_id = g_signal_connect_swapped (self->customer_view, "loaded",
                                                     G_CALLBACK (expand_ticket_cb), self);
  rp_window_open_customer (self, customer_id);
}

void
rp_window_show_view (RpWindow   *self,
                     const char *name)
{
  g_return_if_fail (RP_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

const char *
rp_window_get_view (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

gboolean
rp_window_get_view_visible (RpWindow   *self,
                            const char *name)
{
  GtkWidget *child;

  g_return_val_if_fail (RP_IS_WINDOW (self), FALSE);

  child = adw_view_stack_get_child_by_name (self->view_stack, name);
  return child != NULL && adw_view_stack_page_get_visible (adw_view_stack_get_page (self->view_stack, child));
}

RpQueuesPage *
rp_window_get_queues_page (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->queues_page;
}

RpTicketList *
rp_window_get_my_tickets (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->my_tickets;
}
