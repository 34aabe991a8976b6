/* rp-queues-page.c: the supervisor's queues, agent load and charts
 *
 * The figures are computed off the main thread (rp_cache_queues) whenever
 * sync lands documents and once a minute as the clock passes due times;
 * the main thread only sets labels and hands the charts their numbers.
 * Every number is a button that shows its tickets in the drill-down list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-queues-page"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-chart.h"
#include "rp-doc.h"
#include "rp-format.h"
#include "rp-queues.h"
#include "rp-queues-page.h"

#define REFRESH_SECONDS 60

/* The figures of a queue, in their columns */
static const struct {
  const char     *member;
  RpTicketFilter  filter;
  RpTicketSort    sort;
} figures[] = {
  { "open", RP_TICKET_FILTER_OPEN, RP_TICKET_SORT_DUE },
  { "waiting", RP_TICKET_FILTER_WAITING, RP_TICKET_SORT_AGE },
  { "oldest_wait_s", RP_TICKET_FILTER_WAITING, RP_TICKET_SORT_AGE },
  { "at_risk", RP_TICKET_FILTER_AT_RISK, RP_TICKET_SORT_DUE },
  { "breached", RP_TICKET_FILTER_BREACHED, RP_TICKET_SORT_DUE },
  { "first_response_overdue", RP_TICKET_FILTER_FIRST_RESPONSE_OVERDUE, RP_TICKET_SORT_AGE },
};

struct _RpQueuesPage
{
  GtkWidget      parent_instance;

  RpCache       *cache;
  RpSyncManager *sync_manager;
  GSettings     *settings;
  GCancellable  *cancellable;
  JsonObject    *figures;
  GPtrArray     *queue_rows;   /* GtkWidget *[1 + G_N_ELEMENTS (figures)] per queue */
  GPtrArray     *agent_rows;   /* GtkWidget *[3] per agent */
  RpChart       *backlog_chart;
  RpChart       *hourly_chart;
  char          *freshness;
  gint64         now_usec;
  gint64         lead_usec;
  gint64         update_usec;
  guint          refresh_id;
  gboolean       refreshing;
  gboolean       refresh_again;

  GtkGrid       *agent_grid;
  GtkBox        *backlog_box;
  GtkBox        *box;
  RpTicketList  *drill_list;
  GtkLabel      *freshness_label;
  GtkBox        *hourly_box;
  GtkGrid       *queue_grid;
};

G_DEFINE_FINAL_TYPE (RpQueuesPage, rp_queues_page, GTK_TYPE_WIDGET)

enum {
  UPDATED,
  TICKET_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  gint64      now_usec;
  gint64      lead_usec;
  JsonObject *figures;
  guint       hourly[24];
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_pointer (&data->figures, json_object_unref);
  g_free (data);
}

static gint64
page_now (RpQueuesPage *self)
{
  return self->now_usec ? self->now_usec : g_get_real_time ();
}

static char *
format_wait (gint64 seconds)
{
  int n;

  if (seconds <= 0)
    return g_strdup ("—");
  if (seconds < 3600)
    {
      n = MAX (1, seconds / 60);
      return g_strdup_printf (_("%d min"), n);
    }
  if (seconds < 2 * 86400)
    {
      n = seconds / 3600;
      /* TRANSLATORS: a waiting time in hours, keep it short */
      return g_strdup_printf (_("%d h"), n);
    }
  n = seconds / 86400;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", n), n);
}

static void
figure_clicked_cb (GtkButton    *button,
                   RpQueuesPage *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "figure"));
  const char *queue = g_object_get_data (G_OBJECT (button), "queue");
  const char *assignee = g_object_get_data (G_OBJECT (button), "assignee");

  if (assignee != NULL)
    rp_queues_page_drill_down (self, RP_TICKET_FILTER_OPEN, NULL, assignee);
  else if (column < G_N_ELEMENTS (figures))
    rp_queues_page_drill_down (self, figures[column].filter, queue, NULL);
}

static GtkWidget *
header_label (const char *text,
              gboolean    numeric)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1 : 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), numeric ? GTK_JUSTIFY_RIGHT : GTK_JUSTIFY_LEFT);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkWidget *
figure_button (RpQueuesPage *self)
{
  GtkWidget *button = gtk_button_new_with_label ("");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "numeric");
  gtk_widget_add_css_class (button, "figure");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  g_signal_connect (button, "clicked", G_CALLBACK (figure_clicked_cb), self);
  return button;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))))
    gtk_grid_remove (grid, child);
}

static void
build_queue_grid (RpQueuesPage *self,
                  guint         n_queues)
{
  const char *headers[] = {
    N_("Open"), N_("Waiting"), N_("Oldest wait"), N_("At risk"), N_("Breached"),
    N_("First response overdue"),
  };

  clear_grid (self->queue_grid);
  g_ptr_array_set_size (self->queue_rows, 0);

  gtk_grid_attach (self->queue_grid, header_label (_("Queue"), FALSE), 0, 0, 1, 1);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    gtk_grid_attach (self->queue_grid, header_label (_(headers[c]), TRUE), c + 1, 0, 1, 1);

  for (guint r = 0; r < n_queues; r++)
    {
      GtkWidget **cells = g_new0 (GtkWidget *, 1 + G_N_ELEMENTS (figures));
      GtkWidget *name = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (name, TRUE);
      cells[0] = name;
      gtk_grid_attach (self->queue_grid, name, 0, r + 1, 1, 1);
      for (guint c = 0; c < G_N_ELEMENTS (figures); c++)
        {
          cells[c + 1] = figure_button (self);
          g_object_set_data (G_OBJECT (cells[c + 1]), "figure", GUINT_TO_POINTER (c));
          gtk_grid_attach (self->queue_grid, cells[c + 1], c + 1, r + 1, 1, 1);
        }
      g_ptr_array_add (self->queue_rows, cells);
    }
}

static void
build_agent_grid (RpQueuesPage *self,
                  guint         n_agents)
{
  clear_grid (self->agent_grid);
  g_ptr_array_set_size (self->agent_rows, 0);

  gtk_grid_attach (self->agent_grid, header_label (_("Agent"), FALSE), 0, 0, 1, 1);
  gtk_grid_attach (self->agent_grid, header_label (_("Load"), TRUE), 1, 0, 1, 1);
  gtk_grid_attach (self->agent_grid, header_label (_("Handled today"), TRUE), 2, 0, 1, 1);

  for (guint r = 0; r < n_agents; r++)
    {
      GtkWidget **cells = g_new0 (GtkWidget *, 3);

      cells[0] = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (cells[0]), 0);
      gtk_label_set_ellipsize (GTK_LABEL (cells[0]), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (cells[0], TRUE);
      cells[1] = figure_button (self);
      cells[2] = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (cells[2]), 1);
      gtk_widget_add_css_class (cells[2], "numeric");
      gtk_widget_set_margin_end (cells[2], 12);
      for (guint c = 0; c < 3; c++)
        gtk_grid_attach (self->agent_grid, cells[c], c, r + 1, 1, 1);
      g_ptr_array_add (self->agent_rows, cells);
    }
}

/* The figures change now and then, the widgets mostly not: touching only
 * what changed keeps the minute's refresh cheap (every CSS class or
 * tooltip set restyles or re-lays out the widget) */
static void
set_button (GtkWidget  *button,
            const char *text,
            const char *tooltip)
{
  if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), text) != 0)
    gtk_button_set_label (GTK_BUTTON (button), text);
  if (g_strcmp0 (gtk_widget_get_tooltip_text (button), tooltip) != 0)
    gtk_widget_set_tooltip_text (button, tooltip);
}

static void
set_label (GtkWidget  *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) != 0)
    gtk_label_set_text (GTK_LABEL (label), text);
}

static void
set_class (GtkWidget  *widget,
           const char *css_class,
           gboolean    set)
{
  if (set != gtk_widget_has_css_class (widget, css_class))
    {
      if (set)
        gtk_widget_add_css_class (widget, css_class);
      else
        gtk_widget_remove_css_class (widget, css_class);
    }
}

static void
set_data_string (GtkWidget  *widget,
                 const char *key,
                 const char *value)
{
  if (g_strcmp0 (g_object_get_data (G_OBJECT (widget), key), value) != 0)
    g_object_set_data_full (G_OBJECT (widget), key, g_strdup (value), g_free);
}

static void
update_freshness (RpQueuesPage *self)
{
  g_autoptr(GDateTime) as_of = NULL;
  g_autoptr(GDateTime) now = rp_date_time_from_usec (page_now (self));
  g_autofree char *time = NULL;
  gint64 synced_usec = 0;

  if (self->figures == NULL)
    return;

  as_of = rp_date_time_parse (rp_json_string (self->figures, "as_of"));
  time = as_of ? g_date_time_format (as_of, "%H:%M") : g_strdup ("");
  if (self->sync_manager != NULL)
    synced_usec = rp_sync_manager_get_last_sync (self->sync_manager);
  if (synced_usec <= 0 && rp_json_string (self->figures, "synced_at") != NULL)
    rp_parse_timestamp (rp_json_string (self->figures, "synced_at"), &synced_usec);

  g_free (self->freshness);
  if (synced_usec > 0)
    {
      g_autoptr(GDateTime) synced = rp_date_time_from_usec (synced_usec);
      g_autofree char *ago = rp_format_relative (synced, now);

      /* TRANSLATORS: "As of 14:32 (synced 2 minutes ago)" */
      self->freshness = g_strdup_printf (_("As of %s (synced %s)"), time, ago);
    }
  else
    /* TRANSLATORS: "As of 14:32 (never synced)": demo or imported data */
    self->freshness = g_strdup_printf (_("As of %s (never synced)"), time);
  gtk_label_set_text (self->freshness_label, self->freshness);
}

static void
apply_figures (RpQueuesPage *self,
               RefreshData  *data)
{
  JsonArray *queues = json_object_get_array_member (data->figures, "queues");
  JsonArray *agents = json_object_get_array_member (data->figures, "agents");
  guint n_queues = json_array_get_length (queues);
  guint n_agents = json_array_get_length (agents);
  gint64 started = g_get_monotonic_time ();
  GDateTime *now;

  g_clear_pointer (&self->figures, json_object_unref);
  self->figures = json_object_ref (data->figures);

  /* Rebuilt only when queues or agents come or go; otherwise labels change */
  if (self->queue_rows->len != n_queues)
    build_queue_grid (self, n_queues);
  if (self->agent_rows->len != n_agents)
    build_agent_grid (self, n_agents);

  for (guint r = 0; r < n_queues; r++)
    {
      JsonObject *q = json_array_get_object_element (queues, r);
      GtkWidget **cells = g_ptr_array_index (self->queue_rows, r);
      const char *name = rp_json_string (q, "display_name");

      set_label (cells[0], name);
      for (guint c = 0; c < G_N_ELEMENTS (figures); c++)
        {
          g_autofree char *text = NULL;
          g_autofree char *tip = NULL;
          gint64 value = rp_json_int (q, figures[c].member, 0);

          if (c == 2)
            text = format_wait (value);
          else
            text = g_strdup_printf ("%" G_GINT64_FORMAT, value);
          /* TRANSLATORS: tooltip of a figure button: "Show the tickets: Billing" */
          tip = g_strdup_printf (_("Show these tickets of %s"), name);
          set_button (cells[c + 1], text, tip);
          set_data_string (cells[c + 1], "queue", rp_json_string (q, "queue"));
          if (c == 4 || c == 5)
            set_class (cells[c + 1], "error", value > 0);
          else if (c == 3)
            set_class (cells[c + 1], "warning", value > 0);
        }
    }

  for (guint r = 0; r < n_agents; r++)
    {
      JsonObject *a = json_array_get_object_element (agents, r);
      GtkWidget **cells = g_ptr_array_index (self->agent_rows, r);
      g_autofree char *load = g_strdup_printf ("%" G_GINT64_FORMAT, rp_json_int (a, "load", 0));
      g_autofree char *handled = g_strdup_printf ("%" G_GINT64_FORMAT, rp_json_int (a, "handled_today", 0));
      g_autofree char *tip = g_strdup_printf (_("Show the open tickets of %s"), rp_json_string (a, "display_name"));

      set_label (cells[0], rp_json_string (a, "display_name"));
      set_button (cells[1], load, tip);
      set_data_string (cells[1], "assignee", rp_json_string (a, "agent"));
      set_label (cells[2], handled);
    }

  rp_chart_set_backlog (self->backlog_chart, queues);
  now = g_date_time_new_from_unix_local (data->now_usec / G_USEC_PER_SEC);
  rp_chart_set_hourly (self->hourly_chart, data->hourly, g_date_time_get_hour (now));
  g_date_time_unref (now);

  rp_ticket_list_set_choices (self->drill_list, data->figures);
  update_freshness (self);

  self->update_usec = g_get_monotonic_time () - started;
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RpQueuesPage *self = source_object;
  RefreshData *data = task_data;
  GError *error = NULL;

  data->figures = rp_cache_queues (self->cache, data->now_usec, data->lead_usec, &error);
  if (data->figures == NULL ||
      !rp_cache_tickets_per_hour (self->cache, data->now_usec, data->hourly, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
refresh_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RpQueuesPage *self = RP_QUEUES_PAGE (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Cannot compute the queue figures: %s", error->message);
    }
  else
    apply_figures (self, g_task_get_task_data (G_TASK (result)));

  self->refreshing = FALSE;
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      rp_queues_page_refresh (self);
      return;
    }
  g_signal_emit (self, signals[UPDATED], 0);
}

static gboolean
minute_cb (gpointer user_data)
{
  RpQueuesPage *self = user_data;
  const RpTicketQuery *query;

  /* Not shown yet: nothing to keep current */
  if (self->cache == NULL)
    return G_SOURCE_CONTINUE;

  query = rp_ticket_model_get_query (rp_ticket_list_get_model (self->drill_list));
  rp_queues_page_refresh (self);
  /* Countdowns tick by themselves; lists of a time-bound state change members */
  if (query->filter == RP_TICKET_FILTER_OPEN || query->filter == RP_TICKET_FILTER_WAITING)
    rp_ticket_list_tick (self->drill_list);
  else
    rp_ticket_list_refresh (self->drill_list);
  return G_SOURCE_CONTINUE;
}

static void
sync_changed_cb (RpQueuesPage  *self,
                 GStrv          customer_ids,
                 RpSyncManager *manager)
{
  rp_queues_page_refresh (self);
  rp_ticket_list_refresh (self->drill_list);
}

static void
last_sync_cb (RpQueuesPage *self)
{
  update_freshness (self);
}

static void
lead_changed_cb (RpQueuesPage *self,
                 const char   *key,
                 GSettings    *settings)
{
  rp_queues_page_set_lead (self, g_settings_get_uint (settings, "sla-lead-minutes") * G_TIME_SPAN_MINUTE);
}

static void
list_activated_cb (RpQueuesPage *self,
                   const char   *customer_id,
                   const char   *ticket_id)
{
  g_signal_emit (self, signals[TICKET_ACTIVATED], 0, customer_id, ticket_id);
}

static void
cells_free (gpointer cells)
{
  g_free (cells);
}

static void
rp_queues_page_dispose (GObject *object)
{
  RpQueuesPage *self = (RpQueuesPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->sync_manager)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
  g_clear_object (&self->sync_manager);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_QUEUES_PAGE);

  G_OBJECT_CLASS (rp_queues_page_parent_class)->dispose (object);
}

static void
rp_queues_page_finalize (GObject *object)
{
  RpQueuesPage *self = (RpQueuesPage *)object;

  g_clear_object (&self->cache);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->figures, json_object_unref);
  g_clear_pointer (&self->queue_rows, g_ptr_array_unref);
  g_clear_pointer (&self->agent_rows, g_ptr_array_unref);
  g_clear_pointer (&self->freshness, g_free);

  G_OBJECT_CLASS (rp_queues_page_parent_class)->finalize (object);
}

static void
rp_queues_page_class_init (RpQueuesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_queues_page_dispose;
  object_class->finalize = rp_queues_page_finalize;

  /* The figures on screen are new */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  /* A ticket of the drill-down was activated: the customer and ticket */
  signals[TICKET_ACTIVATED] = g_signal_new ("ticket-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  g_type_ensure (RP_TYPE_TICKET_LIST);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-queues-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RpQueuesPage, agent_grid);
  gtk_widget_class_bind_template_child (widget_class, RpQueuesPage, backlog_box);
  gtk_widget_class_bind_template_child (widget_class, RpQueuesPage, box);
  gtk_widget_class_bind_template_child (widget_class, RpQueuesPage, drill_list);
  gtk_widget_class_bind_template_child (widget_class, RpQueuesPage, freshness_label);
  gtk_widget_class_bind_template_child (widget_class, RpQueuesPage, hourly_box);
  gtk_widget_class_bind_template_child (widget_class, RpQueuesPage, queue_grid);
}

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "dev.rapport.Rapport", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "sla-lead-minutes"))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static void
rp_queues_page_init (RpQueuesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->queue_rows = g_ptr_array_new_with_free_func (cells_free);
  self->agent_rows = g_ptr_array_new_with_free_func (cells_free);
  self->lead_usec = RP_DEFAULT_LEAD_USEC;

  self->backlog_chart = RP_CHART (rp_chart_new (RP_CHART_BACKLOG));
  gtk_box_append (self->backlog_box, GTK_WIDGET (self->backlog_chart));
  self->hourly_chart = RP_CHART (rp_chart_new (RP_CHART_HOURLY));
  gtk_box_append (self->hourly_box, GTK_WIDGET (self->hourly_chart));

  rp_ticket_list_set_title (self->drill_list, _("All Open Tickets"));
  g_signal_connect_object (self->drill_list, "ticket-activated",
                           G_CALLBACK (list_activated_cb), self, G_CONNECT_SWAPPED);

  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::sla-lead-minutes",
                               G_CALLBACK (lead_changed_cb), self, G_CONNECT_SWAPPED);
      self->lead_usec = g_settings_get_uint (self->settings, "sla-lead-minutes") * G_TIME_SPAN_MINUTE;
      rp_ticket_list_set_lead (self->drill_list, self->lead_usec);
    }

  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, minute_cb, self);
}

GtkWidget *
rp_queues_page_new (void)
{
  return g_object_new (RP_TYPE_QUEUES_PAGE, NULL);
}

void
rp_queues_page_set_cache (RpQueuesPage *self,
                          RpCache      *cache)
{
  RpTicketQuery query;

  g_return_if_fail (RP_IS_QUEUES_PAGE (self));
  g_return_if_fail (RP_IS_CACHE (cache));

  if (!g_set_object (&self->cache, cache))
    return;

  rp_ticket_list_set_cache (self->drill_list, cache);
  rp_ticket_query_init (&query);
  query.now_usec = self->now_usec;
  query.lead_usec = self->lead_usec;
  rp_ticket_list_set_query (self->drill_list, &query);
  rp_queues_page_refresh (self);
}

void
rp_queues_page_set_sync_manager (RpQueuesPage  *self,
                                 RpSyncManager *manager)
{
  g_return_if_fail (RP_IS_QUEUES_PAGE (self));

  if (self->sync_manager == manager)
    return;
  if (self->sync_manager)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
  g_set_object (&self->sync_manager, manager);
  if (manager != NULL)
    {
      g_signal_connect_swapped (manager, "changed", G_CALLBACK (sync_changed_cb), self);
      g_signal_connect_swapped (manager, "notify::last-sync", G_CALLBACK (last_sync_cb), self);
    }
  update_freshness (self);
}

void
rp_queues_page_refresh (RpQueuesPage *self)
{
  g_autoptr(GTask) task = NULL;
  RefreshData *data;

  g_return_if_fail (RP_IS_QUEUES_PAGE (self));

  if (self->cache == NULL)
    return;
  /* One at a time; a request meanwhile runs once more afterwards */
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;

  data = g_new0 (RefreshData, 1);
  data->now_usec = page_now (self);
  data->lead_usec = self->lead_usec;

  task = g_task_new (self, self->cancellable, refresh_done_cb, NULL);
  g_task_set_source_tag (task, rp_queues_page_refresh);
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);
  g_task_run_in_thread (task, refresh_thread);
}

void
rp_queues_page_set_now (RpQueuesPage *self,
                        gint64        now_usec)
{
  g_return_if_fail (RP_IS_QUEUES_PAGE (self));

  self->now_usec = now_usec;
  rp_ticket_list_set_now (self->drill_list, now_usec);
  rp_queues_page_refresh (self);
}

void
rp_queues_page_set_lead (RpQueuesPage *self,
                         gint64        lead_usec)
{
  g_return_if_fail (RP_IS_QUEUES_PAGE (self));

  self->lead_usec = lead_usec > 0 ? lead_usec : RP_DEFAULT_LEAD_USEC;
  rp_ticket_list_set_lead (self->drill_list, self->lead_usec);
  rp_queues_page_refresh (self);
}

void
rp_queues_page_drill_down (RpQueuesPage   *self,
                           RpTicketFilter  filter,
                           const char     *queue,
                           const char     *assignee)
{
  RpTicketQuery query;
  const char *queue_name = queue;
  const char *state = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (RP_IS_QUEUES_PAGE (self));

  rp_ticket_query_init (&query);
  query.filter = filter;
  query.queue = queue;
  query.assignee = assignee;
  query.now_usec = self->now_usec;
  query.lead_usec = self->lead_usec;
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    if (figures[i].filter == filter)
      {
        query.sort = figures[i].sort;
        break;
      }

  /* The title says what the number was */
  if (self->figures != NULL && queue != NULL)
    {
      JsonArray *queues = json_object_get_array_member (self->figures, "queues");
      for (guint i = 0; i < json_array_get_length (queues); i++)
        {
          JsonObject *q = json_array_get_object_element (queues, i);
          if (g_strcmp0 (rp_json_string (q, "queue"), queue) == 0)
            queue_name = rp_json_string (q, "display_name");
        }
    }
  switch (filter)
    {
    case RP_TICKET_FILTER_WAITING: state = _("Waiting"); break;
    case RP_TICKET_FILTER_AT_RISK: state = _("At risk"); break;
    case RP_TICKET_FILTER_BREACHED: state = _("Breached"); break;
    case RP_TICKET_FILTER_FIRST_RESPONSE_OVERDUE: state = _("First response overdue"); break;
    case RP_TICKET_FILTER_OPEN:
    default: state = _("Open"); break;
    }
  if (assignee != NULL && self->figures != NULL)
    {
      JsonArray *agents = json_object_get_array_member (self->figures, "agents");
      const char *who = assignee;

      for (guint i = 0; i < json_array_get_length (agents); i++)
        {
          JsonObject *a = json_array_get_object_element (agents, i);
          if (g_strcmp0 (rp_json_string (a, "agent"), assignee) == 0)
            who = rp_json_string (a, "display_name");
        }
      /* TRANSLATORS: drill-down title: the open tickets of an agent */
      title = g_strdup_printf (_("Open tickets of %s"), who);
    }
  else if (assignee != NULL)
    title = g_strdup_printf (_("Open tickets of %s"), assignee);
  else if (queue_name != NULL)
    /* TRANSLATORS: drill-down title: "Billing & payments: Breached" */
    title = g_strdup_printf (_("%s: %s"), queue_name, state);
  else
    title = g_strdup (state);
  rp_ticket_list_set_title (self->drill_list, title);
  rp_ticket_list_set_query (self->drill_list, &query);
}

JsonObject *
rp_queues_page_get_figures (RpQueuesPage *self)
{
  g_return_val_if_fail (RP_IS_QUEUES_PAGE (self), NULL);
  return self->figures;
}

RpTicketList *
rp_queues_page_get_list (RpQueuesPage *self)
{
  g_return_val_if_fail (RP_IS_QUEUES_PAGE (self), NULL);
  return self->drill_list;
}

GtkWidget *
rp_queues_page_get_figure_button (RpQueuesPage *self,
                                  const char   *queue,
                                  const char   *figure)
{
  JsonArray *queues;

  g_return_val_if_fail (RP_IS_QUEUES_PAGE (self), NULL);

  if (self->figures == NULL)
    return NULL;
  queues = json_object_get_array_member (self->figures, "queues");
  for (guint r = 0; r < json_array_get_length (queues) && r < self->queue_rows->len; r++)
    if (g_strcmp0 (rp_json_string (json_array_get_object_element (queues, r), "queue"), queue) == 0)
      for (guint c = 0; c < G_N_ELEMENTS (figures); c++)
        if (g_strcmp0 (figures[c].member, figure) == 0)
          return ((GtkWidget **) g_ptr_array_index (self->queue_rows, r))[c + 1];
  return NULL;
}

const char *
rp_queues_page_get_freshness (RpQueuesPage *self)
{
  g_return_val_if_fail (RP_IS_QUEUES_PAGE (self), NULL);
  return self->freshness;
}

gint64
rp_queues_page_get_update_usec (RpQueuesPage *self)
{
  g_return_val_if_fail (RP_IS_QUEUES_PAGE (self), 0);
  return self->update_usec;
}
