/* rp-ticket-list.c: a sortable, filterable ticket list with SLA countdowns
 *
 * Sorting and filtering are SQLite's (rp_cache_ticket_ids); the model makes
 * rows on demand.  The countdowns are redrawn from the rows' due times by
 * a timer, so the clock passing costs no query.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-ticket-list"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-doc.h"
#include "rp-format.h"
#include "rp-ticket-item.h"
#include "rp-ticket-list.h"

#define TICK_SECONDS 20

struct _RpTicketList
{
  GtkWidget       parent_instance;

  RpCache        *cache;
  RpTicketModel  *model;
  GCancellable   *cancellable;
  GCancellable   *life;         /* cancelled in dispose */
  GHashTable     *bound;        /* row widgets on screen */
  GPtrArray      *queue_values; /* queue names by drop-down position; [0] NULL: any */
  GPtrArray      *agent_values; /* logins; [0] NULL: anyone, [1] "": unassigned */
  gint64          now_usec;
  gint64          lead_usec;
  guint           tick_id;
  gboolean        updating;
  char           *choices_key;  /* the queues and agents offered, to refill only on change */
  GHashTable     *queue_names;  /* queue → display name */
  guint           pending;      /* queries running */

  GtkDropDown    *assignee_dropdown;
  GtkBox         *box;
  GtkLabel       *count_label;
  GtkStack       *list_stack;
  GtkListView    *list_view;
  GtkDropDown    *queue_dropdown;
  GtkToggleButton *reverse_button;
  GtkDropDown    *sort_dropdown;
  GtkDropDown    *state_dropdown;
  GtkDropDown    *status_dropdown;
  GtkLabel       *title_label;
};

G_DEFINE_FINAL_TYPE (RpTicketList, rp_ticket_list, GTK_TYPE_WIDGET)

enum {
  TICKET_ACTIVATED,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *statuses[] = { NULL, "new", "open", "pending" };

static gint64
list_now (RpTicketList *self)
{
  return self->now_usec ? self->now_usec : g_get_real_time ();
}

char *
rp_ticket_list_format_countdown (gint64 due_usec,
                                 gint64 now_usec)
{
  gint64 delta;
  int n;

  if (due_usec <= 0)
    return g_strdup (_("No due time"));

  if (due_usec <= now_usec)
    {
      delta = (now_usec - due_usec) / G_USEC_PER_SEC;
      if (delta < 60)
        return g_strdup (_("Breached just now"));
      if (delta < 3600)
        {
          n = delta / 60;
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Breached %d min ago",
                                               "Breached %d min ago", n), n);
        }
      if (delta < 2 * 86400)
        {
          n = delta / 3600;
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Breached %d h ago",
                                               "Breached %d h ago", n), n);
        }
      n = delta / 86400;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Breached %d day ago",
                                           "Breached %d days ago", n), n);
    }

  /* Rounded up: "in 0 min" would read as breached */
  delta = (due_usec - now_usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  if (delta < 3600)
    {
      n = (delta + 59) / 60;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Breaches in %d min",
                                           "Breaches in %d min", n), n);
    }
  if (delta < 2 * 86400)
    {
      n = delta / 3600;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Breaches in %d h",
                                           "Breaches in %d h", n), n);
    }
  n = delta / 86400;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Breaches in %d day",
                                       "Breaches in %d days", n), n);
}

/* Rows */

static GtkWidget *
add_label (GtkBox     *box,
           const char *name,
           int         width_chars,
           gboolean    expand,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (width_chars > 0)
    {
      gtk_label_set_width_chars (GTK_LABEL (label), width_chars);
      gtk_label_set_max_width_chars (GTK_LABEL (label), width_chars);
    }
  gtk_widget_set_hexpand (label, expand);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  g_object_set_data (G_OBJECT (box), name, label);
  return label;
}

/* Two lines: subject and countdown; priority, details and assignee */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkBox *row = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 2));
  GtkBox *top = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
  GtkBox *bottom = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  GtkWidget *label;

  gtk_widget_add_css_class (GTK_WIDGET (row), "ticket-row");
  gtk_box_append (row, GTK_WIDGET (top));
  gtk_box_append (row, GTK_WIDGET (bottom));

  g_object_set_data (G_OBJECT (row), "subject", add_label (top, "subject", 0, TRUE, "heading"));
  label = add_label (top, "countdown", 0, FALSE, "countdown");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  g_object_set_data (G_OBJECT (row), "countdown", label);

  g_object_set_data (G_OBJECT (row), "priority", add_label (bottom, "priority", 0, FALSE, "priority"));
  g_object_set_data (G_OBJECT (row), "details", add_label (bottom, "details", 0, TRUE, "dim-label"));
  label = add_label (bottom, "assignee", 0, FALSE, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  g_object_set_data (G_OBJECT (row), "assignee", label);

  gtk_list_item_set_child (list_item, GTK_WIDGET (row));
}

static void
update_countdown (RpTicketList *self,
                  GtkWidget    *row)
{
  RpTicketItem *item = g_object_get_data (G_OBJECT (row), "item");
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "countdown");
  const RpTicketRow *ticket = item ? rp_ticket_item_get_row (item) : NULL;
  g_autofree char *text = NULL;
  gint64 now = list_now (self);
  RpSlaState state;

  if (ticket == NULL)
    {
      gtk_label_set_text (GTK_LABEL (label), "");
      return;
    }

  state = rp_sla_state (ticket->status, ticket->resolution_due_usec, now, self->lead_usec);
  text = rp_ticket_list_format_countdown (ticket->resolution_due_usec, now);
  gtk_label_set_text (GTK_LABEL (label), text);
  /* Text says it; colour only repeats it */
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "dim-label");
  if (state == RP_SLA_BREACHED)
    gtk_widget_add_css_class (label, "error");
  else if (state == RP_SLA_AT_RISK)
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_add_css_class (label, "dim-label");
}

static void
fill_row (RpTicketList *self,
          GtkWidget    *row)
{
  RpTicketItem *item = g_object_get_data (G_OBJECT (row), "item");
  const RpTicketRow *ticket = rp_ticket_item_get_row (item);
  GtkWidget *priority = g_object_get_data (G_OBJECT (row), "priority");
  g_autofree char *details = NULL;
  g_autofree char *age = NULL;
  const char *queue_name = NULL;

  if (ticket != NULL && ticket->queue != NULL)
    queue_name = g_hash_table_lookup (self->queue_names, ticket->queue);

  if (ticket == NULL)
    {
      gtk_label_set_text (g_object_get_data (G_OBJECT (row), "subject"), _("Ticket no longer available"));
      gtk_label_set_text (g_object_get_data (G_OBJECT (row), "details"), "");
      gtk_label_set_text (g_object_get_data (G_OBJECT (row), "assignee"), "");
      gtk_label_set_text (GTK_LABEL (priority), "");
      update_countdown (self, row);
      return;
    }

  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "subject"),
                      ticket->subject ? ticket->subject : "");
  {
    g_autoptr(GDateTime) created = rp_date_time_from_usec (ticket->created_usec);
    g_autoptr(GDateTime) now = rp_date_time_from_usec (list_now (self));

    age = created ? rp_format_relative (created, now) : g_strdup ("");
  }
  /* TRANSLATORS: a ticket row: number · status · queue · customer · opened when */
  details = g_strdup_printf (_("%s · %s · %s · %s · opened %s"),
                             ticket->number ? ticket->number : "",
                             rp_format_ticket_status (ticket->status),
                             queue_name ? queue_name : (ticket->queue ? ticket->queue : ""),
                             ticket->customer_name ? ticket->customer_name : "",
                             age);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "details"), details);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "assignee"),
                      ticket->assignee ? ticket->assignee : _("Unassigned"));

  gtk_label_set_text (GTK_LABEL (priority), rp_format_priority (ticket->priority));
  gtk_widget_remove_css_class (priority, "priority-urgent");
  gtk_widget_remove_css_class (priority, "priority-high");
  if (g_strcmp0 (ticket->priority, "urgent") == 0)
    gtk_widget_add_css_class (priority, "priority-urgent");
  else if (g_strcmp0 (ticket->priority, "high") == 0)
    gtk_widget_add_css_class (priority, "priority-high");

  update_countdown (self, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  RpTicketList *self = user_data;
  GtkWidget *row = gtk_list_item_get_child (list_item);

  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (gtk_list_item_get_item (list_item)),
                          g_object_unref);
  g_hash_table_add (self->bound, row);
  fill_row (self, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  RpTicketList *self = user_data;
  GtkWidget *row = gtk_list_item_get_child (list_item);

  g_hash_table_remove (self->bound, row);
  g_object_set_data (G_OBJECT (row), "item", NULL);
}

static void
teardown_row_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  RpTicketList *self = user_data;
  GtkWidget *row = gtk_list_item_get_child (list_item);

  if (row)
    g_hash_table_remove (self->bound, row);
}

static void
activate_cb (RpTicketList *self,
             guint         position,
             GtkListView  *view)
{
  g_autoptr(RpTicketItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  const RpTicketRow *ticket = item ? rp_ticket_item_get_row (item) : NULL;

  if (ticket != NULL && ticket->customer_id != NULL)
    g_signal_emit (self, signals[TICKET_ACTIVATED], 0, ticket->customer_id, ticket->id);
}

/* Queries */

static void
update_count (RpTicketList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u ticket", "%u tickets", n), n);

  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RpTicketList) self = user_data;
  g_autoptr(GError) error = NULL;

  self->pending--;
  if (!rp_ticket_model_query_finish (RP_TICKET_MODEL (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list tickets: %s", error->message);
      return;
    }

  /* A newer query is still running: it has the final word */
  if (self->pending > 0)
    return;
  update_count (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
run_query (RpTicketList        *self,
           const RpTicketQuery *query)
{
  if (self->cache == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending++;
  rp_ticket_model_query_async (self->model, query, self->cancellable, query_done_cb,
                               g_object_ref (self));
}

static void
query_from_filters (RpTicketList  *self,
                    RpTicketQuery *query)
{
  guint pos;

  rp_ticket_query_init (query);
  query->filter = gtk_drop_down_get_selected (self->state_dropdown);
  if (query->filter > RP_TICKET_FILTER_FIRST_RESPONSE_OVERDUE)
    query->filter = RP_TICKET_FILTER_OPEN;
  pos = gtk_drop_down_get_selected (self->status_dropdown);
  query->status = pos < G_N_ELEMENTS (statuses) ? statuses[pos] : NULL;
  pos = gtk_drop_down_get_selected (self->queue_dropdown);
  query->queue = pos < self->queue_values->len ? g_ptr_array_index (self->queue_values, pos) : NULL;
  pos = gtk_drop_down_get_selected (self->assignee_dropdown);
  query->assignee = pos < self->agent_values->len ? g_ptr_array_index (self->agent_values, pos) : NULL;
  query->sort = gtk_drop_down_get_selected (self->sort_dropdown);
  if (query->sort > RP_TICKET_SORT_AGE)
    query->sort = RP_TICKET_SORT_DUE;
  query->reverse = gtk_toggle_button_get_active (self->reverse_button);
  query->now_usec = self->now_usec;
  query->lead_usec = self->lead_usec;
}

static void
filters_changed_cb (RpTicketList *self)
{
  RpTicketQuery query;

  if (self->updating)
    return;
  query_from_filters (self, &query);
  run_query (self, &query);
}

static guint
find_value (GPtrArray  *values,
            const char *value)
{
  for (guint i = 0; i < values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (values, i), value) == 0)
      return i;
  return 0;
}

/* Adds @value to the choices when it is not there (a queue with no document) */
static guint
ensure_value (GtkDropDown *dropdown,
              GPtrArray   *values,
              const char  *value)
{
  guint pos = find_value (values, value);

  if (value != NULL && pos == 0 && g_ptr_array_index (values, 0) != value)
    {
      g_ptr_array_add (values, g_strdup (value));
      gtk_string_list_append (GTK_STRING_LIST (gtk_drop_down_get_model (dropdown)), value);
      pos = values->len - 1;
    }
  return pos;
}

static gboolean
tick_cb (gpointer user_data)
{
  rp_ticket_list_tick (user_data);
  return G_SOURCE_CONTINUE;
}

static void
rp_ticket_list_dispose (GObject *object)
{
  RpTicketList *self = (RpTicketList *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->life);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_TICKET_LIST);

  G_OBJECT_CLASS (rp_ticket_list_parent_class)->dispose (object);
}

static void
rp_ticket_list_finalize (GObject *object)
{
  RpTicketList *self = (RpTicketList *)object;

  g_clear_object (&self->cache);
  g_clear_object (&self->model);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->life);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->queue_values, g_ptr_array_unref);
  g_clear_pointer (&self->agent_values, g_ptr_array_unref);
  g_clear_pointer (&self->choices_key, g_free);
  g_clear_pointer (&self->queue_names, g_hash_table_unref);

  G_OBJECT_CLASS (rp_ticket_list_parent_class)->finalize (object);
}

static void
rp_ticket_list_class_init (RpTicketListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_ticket_list_dispose;
  object_class->finalize = rp_ticket_list_finalize;

  /* A row was activated: the customer and ticket to open */
  signals[TICKET_ACTIVATED] = g_signal_new ("ticket-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* A query's result is on screen */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-ticket-list.ui");
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, assignee_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, box);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, count_label);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, list_stack);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, list_view);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, queue_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, reverse_button);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RpTicketList, title_label);
}

static void
rp_ticket_list_init (RpTicketList *self)
{
  GtkListItemFactory *factory;
  g_autoptr(GtkStringList) queues = NULL;
  g_autoptr(GtkStringList) agents = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->lead_usec = RP_DEFAULT_LEAD_USEC;
  self->bound = g_hash_table_new (NULL, NULL);
  self->life = g_cancellable_new ();
  self->queue_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->queue_values = g_ptr_array_new_with_free_func (g_free);
  self->agent_values = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->queue_values, NULL);
  g_ptr_array_add (self->agent_values, NULL);
  g_ptr_array_add (self->agent_values, g_strdup (""));

  queues = gtk_string_list_new (NULL);
  gtk_string_list_append (queues, _("Any queue"));
  gtk_drop_down_set_model (self->queue_dropdown, G_LIST_MODEL (queues));
  agents = gtk_string_list_new (NULL);
  gtk_string_list_append (agents, _("Anyone"));
  gtk_string_list_append (agents, _("Unassigned"));
  gtk_drop_down_set_model (self->assignee_dropdown, G_LIST_MODEL (agents));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->state_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->status_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->assignee_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sort_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reverse_button, "toggled", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);

  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
}

GtkWidget *
rp_ticket_list_new (void)
{
  return g_object_new (RP_TYPE_TICKET_LIST, NULL);
}

static void
choices_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  JsonObject *queues = rp_cache_queues (task_data, 0, 0, &error);

  if (queues == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, queues, (GDestroyNotify) json_object_unref);
}

static void
choices_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RpTicketList *self = RP_TICKET_LIST (object);
  g_autoptr(JsonObject) queues = g_task_propagate_pointer (G_TASK (result), NULL);

  /* A page that shows figures may have handed over its own meanwhile */
  if (queues != NULL && self->choices_key == NULL)
    rp_ticket_list_set_choices (self, queues);
}

void
rp_ticket_list_set_cache (RpTicketList *self,
                          RpCache      *cache)
{
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_return_if_fail (RP_IS_TICKET_LIST (self));
  g_return_if_fail (RP_IS_CACHE (cache));

  if (!g_set_object (&self->cache, cache))
    return;

  g_clear_object (&self->model);
  self->model = rp_ticket_model_new (cache);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model))));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_list_view_set_model (self->list_view, selection);

  /* The queues and agents to offer as filters, read off the main thread */
  {
    g_autoptr(GTask) task = g_task_new (self, self->life, choices_done_cb, NULL);

    g_task_set_source_tag (task, rp_ticket_list_set_cache);
    g_task_set_task_data (task, g_object_ref (cache), g_object_unref);
    g_task_run_in_thread (task, choices_thread);
  }
}

void
rp_ticket_list_set_title (RpTicketList *self,
                          const char   *title)
{
  g_return_if_fail (RP_IS_TICKET_LIST (self));
  gtk_label_set_text (self->title_label, title ? title : "");
}

void
rp_ticket_list_set_choices (RpTicketList *self,
                            JsonObject   *queues)
{
  GtkStringList *queue_list, *agent_list;
  JsonArray *array;
  RpTicketQuery query;
  g_autofree char *queue = NULL;
  g_autofree char *agent = NULL;

  g_return_if_fail (RP_IS_TICKET_LIST (self));
  g_return_if_fail (queues != NULL);

  /* The figures change every minute, the queues and agents hardly ever:
   * new drop-down models only when those do */
  {
    GString *key = g_string_new (NULL);
    const char *arrays[] = { "queues", "agents" };
    const char *members[][2] = { { "queue", "display_name" }, { "agent", "display_name" } };

    for (guint k = 0; k < G_N_ELEMENTS (arrays); k++)
      {
        array = json_object_get_array_member (queues, arrays[k]);
        for (guint i = 0; array && i < json_array_get_length (array); i++)
          {
            JsonObject *o = json_array_get_object_element (array, i);
            g_string_append_printf (key, "%s\x1f%s\x1e", rp_json_string (o, members[k][0]),
                                    rp_json_string (o, members[k][1]));
          }
        g_string_append_c (key, '\x1d');
      }
    if (g_strcmp0 (key->str, self->choices_key) == 0)
      {
        g_string_free (key, TRUE);
        return;
      }
    g_free (self->choices_key);
    self->choices_key = g_string_free (key, FALSE);
  }

  /* Keep what is chosen across the refill */
  query_from_filters (self, &query);
  queue = g_strdup (query.queue);
  agent = g_strdup (query.assignee);

  self->updating = TRUE;
  queue_list = gtk_string_list_new (NULL);
  gtk_string_list_append (queue_list, _("Any queue"));
  g_ptr_array_set_size (self->queue_values, 1);
  array = json_object_get_array_member (queues, "queues");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *q = json_array_get_object_element (array, i);
      g_ptr_array_add (self->queue_values, g_strdup (rp_json_string (q, "queue")));
      g_hash_table_replace (self->queue_names, g_strdup (rp_json_string (q, "queue")),
                            g_strdup (rp_json_string (q, "display_name")));
      gtk_string_list_append (queue_list, rp_json_string (q, "display_name"));
    }
  gtk_drop_down_set_model (self->queue_dropdown, G_LIST_MODEL (queue_list));
  g_object_unref (queue_list);

  agent_list = gtk_string_list_new (NULL);
  gtk_string_list_append (agent_list, _("Anyone"));
  gtk_string_list_append (agent_list, _("Unassigned"));
  g_ptr_array_set_size (self->agent_values, 2);
  array = json_object_get_array_member (queues, "agents");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *a = json_array_get_object_element (array, i);
      g_ptr_array_add (self->agent_values, g_strdup (rp_json_string (a, "agent")));
      gtk_string_list_append (agent_list, rp_json_string (a, "display_name"));
    }
  gtk_drop_down_set_model (self->assignee_dropdown, G_LIST_MODEL (agent_list));
  g_object_unref (agent_list);

  gtk_drop_down_set_selected (self->queue_dropdown,
                              ensure_value (self->queue_dropdown, self->queue_values, queue));
  gtk_drop_down_set_selected (self->assignee_dropdown,
                              ensure_value (self->assignee_dropdown, self->agent_values, agent));
  self->updating = FALSE;

  /* Rows on screen show queues by their new names */
  {
    GHashTableIter iter;
    gpointer row;

    g_hash_table_iter_init (&iter, self->bound);
    while (g_hash_table_iter_next (&iter, &row, NULL))
      fill_row (self, row);
  }
}

void
rp_ticket_list_set_query (RpTicketList        *self,
                          const RpTicketQuery *query)
{
  RpTicketQuery q;
  guint status_pos = 0;

  g_return_if_fail (RP_IS_TICKET_LIST (self));
  g_return_if_fail (query != NULL);

  for (guint i = 1; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (statuses[i], query->status) == 0)
      status_pos = i;

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->state_dropdown, query->filter);
  gtk_drop_down_set_selected (self->status_dropdown, status_pos);
  gtk_drop_down_set_selected (self->queue_dropdown,
                              ensure_value (self->queue_dropdown, self->queue_values, query->queue));
  gtk_drop_down_set_selected (self->assignee_dropdown,
                              ensure_value (self->assignee_dropdown, self->agent_values, query->assignee));
  gtk_drop_down_set_selected (self->sort_dropdown, query->sort);
  gtk_toggle_button_set_active (self->reverse_button, query->reverse);
  self->updating = FALSE;

  query_from_filters (self, &q);
  run_query (self, &q);
}

void
rp_ticket_list_refresh (RpTicketList *self)
{
  g_return_if_fail (RP_IS_TICKET_LIST (self));
  filters_changed_cb (self);
}

void
rp_ticket_list_set_now (RpTicketList *self,
                        gint64        now_usec)
{
  g_return_if_fail (RP_IS_TICKET_LIST (self));
  self->now_usec = now_usec;
  rp_ticket_list_tick (self);
}

void
rp_ticket_list_set_lead (RpTicketList *self,
                         gint64        lead_usec)
{
  g_return_if_fail (RP_IS_TICKET_LIST (self));
  self->lead_usec = lead_usec > 0 ? lead_usec : RP_DEFAULT_LEAD_USEC;
}

void
rp_ticket_list_tick (RpTicketList *self)
{
  GHashTableIter iter;
  gpointer row;

  g_return_if_fail (RP_IS_TICKET_LIST (self));

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    update_countdown (self, row);
}

RpTicketModel *
rp_ticket_list_get_model (RpTicketList *self)
{
  g_return_val_if_fail (RP_IS_TICKET_LIST (self), NULL);
  return self->model;
}

GtkListView *
rp_ticket_list_get_list_view (RpTicketList *self)
{
  g_return_val_if_fail (RP_IS_TICKET_LIST (self), NULL);
  return self->list_view;
}

gboolean
rp_ticket_list_is_loading (RpTicketList *self)
{
  g_return_val_if_fail (RP_IS_TICKET_LIST (self), FALSE);
  return self->pending > 0;
}

GtkDropDown *
rp_ticket_list_get_sort_dropdown (RpTicketList *self)
{
  g_return_val_if_fail (RP_IS_TICKET_LIST (self), NULL);
  return self->sort_dropdown;
}
