/* rp-customer-view.c: the context card and the unified timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-customer-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rp-doc.h"
#include "rp-customer-actions.h"
#include "rp-customer-view.h"
#include "rp-timeline-item.h"
#include "rp-timeline-row.h"

/* GtkListView 4.8 builds a row widget for each of the 200 rows after the
 * one scrolled to, at once, whatever the window shows: about half a
 * millisecond each to build, bind and measure.  When a customer opens,
 * the first rows are built in that frame and the others get a bare
 * placeholder of about their height, made real a few per frame, from
 * the frame after the first rows are painted, as they come within a
 * screen of the visible part of the list. */
#define ROWS_AT_ONCE    32
#define ROWS_PER_FRAME  24

struct _RpCustomerView
{
  GtkWidget         parent_instance;

  RpCache          *cache;
  RpTimelineModel  *model;
  GCancellable     *cancellable;
  char             *customer_id;
  char             *kind_filter;
  char             *channel_filter;
  guint             pending;
  gboolean          show_queued;
  gboolean          scroll_to_top;
  guint             row_budget;     /* rows that may still be built now */
  GPtrArray        *deferred;       /* GtkListItem showing a placeholder */
  guint             build_tick_id;
  gint64            build_after;    /* the frame from which to build them */
  int               row_height[2];  /* of an event and a day header, for placeholders */

  RpCustomerActions *actions;
  RpContextCard    *card;
  GtkScrolledWindow *card_scroller;
  GtkWidget        *channel_chips;
  GtkWidget        *kind_chips;
  GtkLabel         *timeline_heading;
  GtkScrolledWindow *timeline_scroller;
  GtkStack         *timeline_stack;
  GtkListView      *timeline_view;
};

G_DEFINE_FINAL_TYPE (RpCustomerView, rp_customer_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CUSTOMER_ID,
  PROP_KIND_FILTER,
  PROP_CHANNEL_FILTER,
  N_PROPS
};

enum {
  LOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Once the list has taken in its new rows (it keeps its anchor item in
 * view on an insertion, so the adjustment alone would not move it) */
static gboolean
scroll_to_top_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  gtk_widget_activate_action (widget, "list.scroll-to-item", "u", 0);

  return G_SOURCE_REMOVE;
}

static void
finish_one (RpCustomerView *self)
{
  g_assert (self->pending > 0);

  if (--self->pending == 0)
    {
      /* The agent's own new row is the newest: bring it into view */
      if (self->scroll_to_top)
        {
          self->scroll_to_top = FALSE;
          gtk_widget_add_tick_callback (GTK_WIDGET (self->timeline_view), scroll_to_top_cb,
                                        NULL, NULL);
        }
      g_signal_emit (self, signals[LOADED], 0);
    }
}

static void
update_timeline_state (RpCustomerView *self)
{
  guint n = rp_timeline_model_get_n_events (self->model);
  g_autofree char *heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Timeline: %u event",
                                                           "Timeline: %u events", n), n);

  gtk_label_set_text (self->timeline_heading, heading);
  gtk_stack_set_visible_child_name (self->timeline_stack, n > 0 ? "list" : "empty");

}

static void start_show (RpCustomerView *self);

/* Real rows to build in the frame that shows a customer: those the list
 * has room for, and a few more; past them, placeholders (see
 * build_deferred_cb).  At most ROWS_AT_ONCE, the number before the list
 * has a size or a row has been measured. */
static guint
rows_at_once (RpCustomerView *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->timeline_view));
  int row_height = self->row_height[0] > 0 && self->row_height[1] > 0
                   ? MIN (self->row_height[0], self->row_height[1]) : 0;

  if (height <= 0 || row_height <= 0)
    return ROWS_AT_ONCE;
  return MIN (ROWS_AT_ONCE, (guint) (height / row_height) + 4);
}

static void
timeline_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RpCustomerView) self = user_data;
  g_autoptr(GError) error = NULL;

  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  /* Cancelled: for a customer no longer shown, so nothing is pending for it */
  if (g_cancellable_is_cancelled (cancellable))
    return;

  /* A refresh reads the card again once the timeline is read, so two
   * refreshes in a row read it once */
  if (self->show_queued)
    start_show (self);

  /* Superseded by a newer filter: that load will fill the model */
  self->row_budget = rows_at_once (self);
  if (!rp_timeline_model_load_finish (RP_TIMELINE_MODEL (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot load the timeline: %s", error->message);
  self->row_budget = G_MAXUINT;

  update_timeline_state (self);
  finish_one (self);
}

static void
show_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RpCache *cache = source_object;
  const char *customer_id = task_data;
  GError *error = NULL;
  JsonObject *show;

  show = rp_cache_show (cache, customer_id, g_get_real_time (), &error);
  if (show == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, show, (GDestroyNotify) json_object_unref);
}

static void
show_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RpCustomerView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) show = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  show = g_task_propagate_pointer (G_TASK (result), &error);
  if (show == NULL)
    {
      g_warning ("Cannot load the customer: %s", error->message);
      finish_one (self);
      return;
    }

  rp_context_card_set_data (self->card, show, g_get_real_time ());
  rp_customer_actions_set_customer (self->actions, self->customer_id, show);
  finish_one (self);
}

static RpKindMask
kind_mask (const char *kind)
{
  if (kind == NULL || g_str_equal (kind, "all"))
    return RP_KIND_ALL;
  return rp_kind_from_string (kind);
}

static void
reload_timeline (RpCustomerView *self)
{
  const char *channel = self->channel_filter;

  if (self->customer_id == NULL || self->cache == NULL)
    return;

  if (g_strcmp0 (channel, "all") == 0)
    channel = NULL;

  self->pending++;
  rp_timeline_model_load_async (self->model, self->customer_id,
                                kind_mask (self->kind_filter), channel,
                                self->cancellable, timeline_loaded_cb,
                                g_object_ref (self));
}

/* Gives @list_item a real row for its item; its placeholder goes */
static void
build_row (RpCustomerView *self,
           GtkListItem    *list_item)
{
  RpTimelineItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = rp_timeline_row_new ();
  gboolean header = rp_timeline_item_is_header (item);

  gtk_list_item_set_child (list_item, row);
  rp_timeline_row_set_item (RP_TIMELINE_ROW (row), item);

  /* How tall the placeholders of such rows should be, measured once */
  if (self->row_height[header] == 0)
    gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, -1, NULL, &self->row_height[header], NULL, NULL);
}

static void
make_placeholder (RpCustomerView *self,
                  GtkListItem    *list_item)
{
  RpTimelineItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *placeholder = gtk_list_item_get_child (list_item);

  if (placeholder == NULL || RP_IS_TIMELINE_ROW (placeholder))
    {
      placeholder = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_list_item_set_child (list_item, placeholder);
    }
  gtk_widget_set_size_request (placeholder, -1,
                               self->row_height[rp_timeline_item_is_header (item)]);
}

/* Whether a row waiting for its real widget is within a screen of what the
 * list shows.  GTK 4.8's GtkListView neither allocates nor shows the rows
 * it keeps out of view, so their bounds say nothing: where a row is comes
 * from its position and the scroll offset, in rows of the list's average
 * height (the one GtkListView estimates its length with). */
static gboolean
near_view (RpCustomerView *self,
           GtkListItem    *list_item,
           int             height)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->timeline_scroller);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  double row_height, first, screen, position;

  if (gtk_widget_get_child_visible (gtk_widget_get_parent (child)))
    return TRUE;
  if (n == 0 || gtk_adjustment_get_upper (vadj) <= 0)
    return TRUE;

  row_height = MAX (1.0, gtk_adjustment_get_upper (vadj) / n);
  first = gtk_adjustment_get_value (vadj) / row_height;
  screen = MAX (height, gtk_adjustment_get_page_size (vadj)) / row_height;
  position = gtk_list_item_get_position (list_item);

  return position + 1 >= first - screen && position <= first + 2 * screen;
}

static gboolean
build_deferred_cb (GtkWidget     *widget,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  RpCustomerView *self = user_data;
  int height = gtk_widget_get_height (widget);
  gboolean more = FALSE;
  guint built = 0;

  /* Not in the frame that paints the first rows */
  if (gdk_frame_clock_get_frame_counter (clock) < self->build_after)
    return G_SOURCE_CONTINUE;

  for (guint i = 0; i < self->deferred->len; )
    {
      GtkListItem *list_item = g_ptr_array_index (self->deferred, i);
      GtkWidget *child = gtk_list_item_get_child (list_item);

      /* Unbound, or already rebound to a real row, since */
      if (gtk_list_item_get_item (list_item) == NULL || child == NULL || RP_IS_TIMELINE_ROW (child))
        {
          g_ptr_array_remove_index (self->deferred, i);
          continue;
        }

      if (!near_view (self, list_item, height))
        {
          i++;
          continue;
        }

      if (built == ROWS_PER_FRAME)
        {
          more = TRUE;
          break;
        }
      build_row (self, list_item);
      g_ptr_array_remove_index (self->deferred, i);
      built++;
    }

  if (more)
    return G_SOURCE_CONTINUE;

  /* The rest wait until the list is scrolled near them */
  self->build_tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
scrolled_cb (RpCustomerView *self)
{
  if (self->deferred->len > 0 && self->build_tick_id == 0)
    {
      self->build_after = 0;
      self->build_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->timeline_view),
                                                          build_deferred_cb, self, NULL);
    }
}

static void
defer_row (RpCustomerView *self,
           GtkListItem    *list_item)
{
  make_placeholder (self, list_item);
  g_ptr_array_add (self->deferred, g_object_ref (list_item));

  if (self->build_tick_id == 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->timeline_view));

      self->build_after = clock ? gdk_frame_clock_get_frame_counter (clock) + 2 : 0;
      self->build_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->timeline_view),
                                                          build_deferred_cb, self, NULL);
    }
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             RpCustomerView           *self)
{
  RpTimelineItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);

  /* Day headers stay focusable (activating one does nothing): GTK 4.8
   * gives keyboard focus to a list only through an item that takes it,
   * and the first item is always a header */
  gtk_list_item_set_activatable (list_item, TRUE);
  gtk_list_item_set_selectable (list_item, FALSE);

  if (row != NULL && RP_IS_TIMELINE_ROW (row))
    rp_timeline_row_set_item (RP_TIMELINE_ROW (row), item);
  else if (self->row_budget > 0 || self->row_height[rp_timeline_item_is_header (item)] == 0)
    {
      if (self->row_budget != G_MAXUINT && self->row_budget > 0)
        self->row_budget--;
      build_row (self, list_item);
    }
  else
    defer_row (self, list_item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               RpCustomerView           *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  if (row != NULL && RP_IS_TIMELINE_ROW (row))
    rp_timeline_row_set_item (RP_TIMELINE_ROW (row), NULL);
}

static void
timeline_activate_cb (RpCustomerView *self,
                      guint           position,
                      GtkListView    *view)
{
  g_autoptr(RpTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (item != NULL && !rp_timeline_item_is_header (item))
    rp_timeline_item_set_expanded (item, !rp_timeline_item_get_expanded (item));
}

static void
set_filter (RpCustomerView  *self,
            char           **field,
            const char      *value,
            GParamSpec      *pspec)
{
  if (value == NULL)
    value = "all";
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
  reload_timeline (self);
}

static void
action_saved_cb (RpCustomerView *self)
{
  self->scroll_to_top = TRUE;
  rp_customer_view_refresh (self);
}

static void
rp_customer_view_dispose (GObject *object)
{
  RpCustomerView *self = (RpCustomerView *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->build_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->timeline_view), self->build_tick_id);
  self->build_tick_id = 0;
  g_clear_pointer (&self->deferred, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_CUSTOMER_VIEW);
  /* The template's root box is not bound to a field: unparent it too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->model);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (rp_customer_view_parent_class)->dispose (object);
}

static void
rp_customer_view_finalize (GObject *object)
{
  RpCustomerView *self = (RpCustomerView *)object;

  g_clear_pointer (&self->customer_id, g_free);
  g_clear_pointer (&self->kind_filter, g_free);
  g_clear_pointer (&self->channel_filter, g_free);

  G_OBJECT_CLASS (rp_customer_view_parent_class)->finalize (object);
}

static void
rp_customer_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RpCustomerView *self = RP_CUSTOMER_VIEW (object);

  switch (prop_id)
    {
    case PROP_CUSTOMER_ID:
      g_value_set_string (value, self->customer_id);
      break;

    case PROP_KIND_FILTER:
      g_value_set_string (value, self->kind_filter);
      break;

    case PROP_CHANNEL_FILTER:
      g_value_set_string (value, self->channel_filter);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_customer_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RpCustomerView *self = RP_CUSTOMER_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND_FILTER:
      set_filter (self, &self->kind_filter, g_value_get_string (value), pspec);
      break;

    case PROP_CHANNEL_FILTER:
      set_filter (self, &self->channel_filter, g_value_get_string (value), pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_customer_view_class_init (RpCustomerViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_customer_view_dispose;
  object_class->finalize = rp_customer_view_finalize;
  object_class->get_property = rp_customer_view_get_property;
  object_class->set_property = rp_customer_view_set_property;

  properties[PROP_CUSTOMER_ID] =
    g_param_spec_string ("customer-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_KIND_FILTER] =
    g_param_spec_string ("kind-filter", NULL, NULL, "all",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CHANNEL_FILTER] =
    g_param_spec_string ("channel-filter", NULL, NULL, "all",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (RP_TYPE_CONTEXT_CARD);
  g_type_ensure (RP_TYPE_CUSTOMER_ACTIONS);
  g_type_ensure (ADW_TYPE_STATUS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-customer-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, actions);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, card);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, card_scroller);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, channel_chips);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, kind_chips);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, timeline_heading);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, timeline_scroller);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, timeline_stack);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerView, timeline_view);

  gtk_widget_class_install_property_action (widget_class, "customer.kind", "kind-filter");
  gtk_widget_class_install_property_action (widget_class, "customer.channel", "channel-filter");
}

static void
rp_customer_view_init (RpCustomerView *self)
{
  GtkListItemFactory *factory;

  self->kind_filter = g_strdup ("all");
  self->channel_filter = g_strdup ("all");
  self->cancellable = g_cancellable_new ();
  self->row_budget = G_MAXUINT;
  self->deferred = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Rows are built on bind (see ROWS_AT_ONCE) */
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->timeline_view, factory);
  g_object_unref (factory);

  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->timeline_scroller);

    g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (adjustment, "changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
  }
  g_signal_connect_object (self->timeline_view, "activate",
                           G_CALLBACK (timeline_activate_cb), self, G_CONNECT_SWAPPED);
  /* A saved action shows at once, marked as waiting to sync */
  g_signal_connect_object (self->actions, "saved",
                           G_CALLBACK (action_saved_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
rp_customer_view_new (void)
{
  return g_object_new (RP_TYPE_CUSTOMER_VIEW, NULL);
}

void
rp_customer_view_set_cache (RpCustomerView *self,
                            RpCache        *cache)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (RP_IS_CUSTOMER_VIEW (self));
  g_return_if_fail (RP_IS_CACHE (cache));

  if (!g_set_object (&self->cache, cache))
    return;

  rp_customer_actions_set_cache (self->actions, cache);
  g_clear_object (&self->model);
  self->model = rp_timeline_model_new (cache);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_list_view_set_model (self->timeline_view, GTK_SELECTION_MODEL (selection));
}

void
rp_customer_view_load (RpCustomerView *self,
                       const char     *customer_id)
{
  g_return_if_fail (RP_IS_CUSTOMER_VIEW (self));
  g_return_if_fail (customer_id != NULL);
  g_return_if_fail (self->cache != NULL);

  /* Whatever was on its way for the previous customer is dropped */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending = 0;

  g_free (self->customer_id);
  self->customer_id = g_strdup (customer_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CUSTOMER_ID]);

  /* The rows stay until the new ones replace them in one change, so the
   * list keeps its row widgets (see RpTimelineModel) */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->timeline_scroller), 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->card_scroller), 0);

  /* The cache has a pool of readers: the card and the timeline are read
   * side by side */
  self->pending++;
  self->show_queued = FALSE;
  start_show (self);
  reload_timeline (self);
}

void
rp_customer_view_refresh (RpCustomerView *self)
{
  g_return_if_fail (RP_IS_CUSTOMER_VIEW (self));

  if (self->customer_id == NULL || self->cache == NULL)
    return;

  /* Unlike load, the timeline is not cleared nor scrolled: the model
   * announces only the rows that changed, so the agent keeps their place */
  if (!self->show_queued)
    {
      self->pending++;
      self->show_queued = TRUE;
    }
  reload_timeline (self);
}

static void
start_show (RpCustomerView *self)
{
  g_autoptr(GTask) task = NULL;

  self->show_queued = FALSE;
  task = g_task_new (self->cache, self->cancellable, show_loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_show);
  g_task_set_task_data (task, g_strdup (self->customer_id), g_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, show_thread);
}

const char *
rp_customer_view_get_customer_id (RpCustomerView *self)
{
  g_return_val_if_fail (RP_IS_CUSTOMER_VIEW (self), NULL);
  return self->customer_id;
}

RpCustomerActions *
rp_customer_view_get_actions (RpCustomerView *self)
{
  g_return_val_if_fail (RP_IS_CUSTOMER_VIEW (self), NULL);
  return self->actions;
}

RpContextCard *
rp_customer_view_get_card (RpCustomerView *self)
{
  g_return_val_if_fail (RP_IS_CUSTOMER_VIEW (self), NULL);
  return self->card;
}

RpTimelineModel *
rp_customer_view_get_model (RpCustomerView *self)
{
  g_return_val_if_fail (RP_IS_CUSTOMER_VIEW (self), NULL);
  return self->model;
}

GtkListView *
rp_customer_view_get_list_view (RpCustomerView *self)
{
  g_return_val_if_fail (RP_IS_CUSTOMER_VIEW (self), NULL);
  return self->timeline_view;
}

void
rp_customer_view_set_filters (RpCustomerView *self,
                              const char     *kind,
                              const char     *channel)
{
  g_return_if_fail (RP_IS_CUSTOMER_VIEW (self));

  g_object_set (self, "kind-filter", kind, "channel-filter", channel, NULL);
}
