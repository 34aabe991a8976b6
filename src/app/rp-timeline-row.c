/* rp-timeline-row.c: the widget showing one timeline item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-timeline-row"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "rp-doc.h"
#include "rp-format.h"
#include "rp-timeline-row.h"

struct _RpTimelineRow
{
  GtkWidget       parent_instance;

  RpTimelineItem *item;
  gulong          expanded_handler;
  gboolean        details_built;
  gboolean        shown_expanded;

  GtkRevealer    *details_revealer;
  GtkBox         *details_box;
  GtkButton      *expand_button;
  GtkBox         *event_box;
  GtkBox         *header_box;
  GtkLabel       *header_count_label;
  GtkInscription *header_label;
  GtkImage       *icon;
  GtkInscription *subtitle_label;
  GtkLabel       *sync_label;
  GtkLabel       *time_label;
  GtkInscription *title_label;
};

G_DEFINE_FINAL_TYPE (RpTimelineRow, rp_timeline_row, GTK_TYPE_WIDGET)

static const char *kind_classes[] = {
  "kind-order", "kind-ticket", "kind-interaction", "kind-consent",
  "kind-note", "kind-survey", "kind-other",
};

static const char *
str_or (const char *s,
        const char *fallback)
{
  return (s != NULL && *s != '\0') ? s : fallback;
}

static void
join (GString    *out,
      const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (out->len > 0)
    /* Translators: separator between parts of a summary line */
    g_string_append (out, _(" · "));
  g_string_append (out, part);
}

static char *
first_line (const char *text)
{
  const char *nl;

  if (text == NULL)
    return NULL;
  nl = strchr (text, '\n');
  return nl ? g_strndup (text, nl - text) : g_strdup (text);
}

static char *
describe_changes (JsonObject *changes)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *v;

  if (changes == NULL)
    return NULL;

  if ((v = rp_json_string (changes, "status")))
    {
      g_autofree char *s = g_strdup_printf (_("Status: %s"), rp_format_ticket_status (v));
      join (out, s);
    }
  if ((v = rp_json_string (changes, "priority")))
    {
      g_autofree char *s = g_strdup_printf (_("Priority: %s"), rp_format_priority (v));
      join (out, s);
    }
  if ((v = rp_json_string (changes, "queue")))
    {
      g_autofree char *s = g_strdup_printf (_("Queue: %s"), v);
      join (out, s);
    }
  if (json_object_has_member (changes, "assignee"))
    {
      g_autofree char *s = NULL;

      v = rp_json_string (changes, "assignee");
      s = v ? g_strdup_printf (_("Assigned to %s"), v) : g_strdup (_("Unassigned"));
      join (out, s);
    }

  return out->len ? g_strdup (out->str) : NULL;
}

static JsonObject *
object_member (JsonObject *obj,
               const char *member)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, member))
    return NULL;
  node = json_object_get_member (obj, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *obj,
              const char *member)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, member))
    return NULL;
  node = json_object_get_member (obj, member);
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

char *
rp_timeline_describe (RpTimelineItem  *item,
                      char           **out_subtitle)
{
  const RpEvent *event = rp_timeline_item_get_event (item);
  JsonObject *doc = rp_timeline_item_get_doc (item);
  g_autoptr(GString) sub = g_string_new (NULL);
  g_autofree char *title = NULL;
  const char *type = event ? event->type_name : NULL;

  if (event == NULL || event->type == RP_DOC_UNKNOWN || doc == NULL)
    {
      if (out_subtitle)
        *out_subtitle = g_strdup ("");
      return g_strdup (_("Removed"));
    }

  switch (event->type)
    {
    case RP_DOC_ORDER:
      {
        const char *currency = rp_json_string (doc, "currency");
        g_autofree char *money = NULL;

        title = g_strdup_printf (_("Order %s"), str_or (rp_json_string (doc, "number"), ""));
        join (sub, rp_format_order_status (rp_json_string (doc, "status")));
        if (json_object_has_member (doc, "total"))
          money = rp_format_money (rp_json_int (doc, "total", 0), currency);
        join (sub, money);
        join (sub, rp_format_channel (rp_json_string (doc, "channel")));
        join (sub, rp_json_string (doc, "store"));
      }
      break;

    case RP_DOC_TICKET:
      title = g_strdup_printf ("%s %s", str_or (rp_json_string (doc, "number"), ""),
                               str_or (rp_json_string (doc, "subject"), ""));
      join (sub, rp_format_ticket_status (rp_json_string (doc, "status")));
      join (sub, rp_format_priority (rp_json_string (doc, "priority")));
      join (sub, rp_json_string (doc, "queue"));
      break;

    case RP_DOC_TICKET_EVENT:
      {
        g_autofree char *changes = describe_changes (object_member (doc, "changes"));
        const char *handoff = rp_json_string (doc, "handoff");

        title = g_strdup (changes ? changes : _("Ticket updated"));
        if (handoff && *handoff)
          {
            g_autofree char *s = g_strdup_printf (_("Handoff: %s"), handoff);
            join (sub, s);
          }
        else
          join (sub, rp_json_string (doc, "comment"));
        join (sub, rp_json_string (doc, "author"));
      }
      break;

    case RP_DOC_INTERACTION:
      title = g_strdup (str_or (rp_json_string (doc, "summary"), str_or (event->title, "")));
      join (sub, rp_format_channel (rp_json_string (doc, "channel")));
      join (sub, rp_format_direction (rp_json_string (doc, "direction")));
      join (sub, rp_json_string (doc, "agent"));
      if (g_strcmp0 (rp_json_string (doc, "sentiment"), "negative") == 0)
        join (sub, _("Negative sentiment"));
      break;

    case RP_DOC_CONSENT:
      /* Translators: consent purpose and its new state, "Marketing e-mail: Withdrawn" */
      title = g_strdup_printf (_("%s: %s"), rp_format_purpose (rp_json_string (doc, "purpose")),
                               rp_format_consent_state (rp_json_string (doc, "state")));
      {
        const char *source = rp_json_string (doc, "source");
        g_autofree char *s = source ? g_strdup_printf (_("Source: %s"), rp_format_source (source)) : NULL;
        join (sub, s);
      }
      join (sub, rp_json_string (doc, "recorded_by"));
      break;

    case RP_DOC_NOTE:
      title = first_line (str_or (rp_json_string (doc, "body"), ""));
      if (rp_json_bool (doc, "pinned"))
        join (sub, _("Pinned"));
      join (sub, rp_json_string (doc, "author"));
      break;

    case RP_DOC_SURVEY:
      {
        const char *kind = rp_json_string (doc, "kind");
        gint64 score = rp_json_int (doc, "score", 0);

        if (g_strcmp0 (kind, "nps") == 0)
          title = g_strdup_printf (_("NPS %d of 10"), (int) score);
        else
          title = g_strdup_printf (_("Satisfaction %d of 5"), (int) score);
        join (sub, rp_json_string (doc, "comment"));
      }
      break;

    case RP_DOC_MERGE:
      title = g_strdup (_("Customer records merged"));
      join (sub, rp_json_string (doc, "reason"));
      break;

    default:
      title = g_strdup (str_or (event->title, rp_format_doc_type (type)));
      break;
    }

  if (out_subtitle)
    *out_subtitle = g_strdup (sub->str);

  return g_steal_pointer (&title);
}

static GtkWidget *
add_text (GtkBox     *box,
          const char *text,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);

  return label;
}

static void
add_field (GtkBox     *box,
           const char *key,
           const char *value)
{
  GtkWidget *row;
  GtkWidget *label;

  if (value == NULL || *value == '\0')
    return;

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  label = gtk_label_new (key);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_width_chars (GTK_LABEL (label), 14);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (row), label);

  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (row), label);

  gtk_box_append (box, row);
}

static void
add_when (GtkBox     *box,
          const char *key,
          const char *at)
{
  g_autoptr(GDateTime) dt = rp_date_time_parse (at);
  g_autofree char *text = dt ? rp_format_date_time (dt) : NULL;

  add_field (box, key, text);
}

static void
build_order_details (GtkBox     *box,
                     JsonObject *doc)
{
  const char *currency = rp_json_string (doc, "currency");
  JsonArray *items = array_member (doc, "items");
  g_autofree char *total = NULL;

  add_field (box, _("Status"), rp_format_order_status (rp_json_string (doc, "status")));
  add_field (box, _("Channel"), rp_format_channel (rp_json_string (doc, "channel")));
  add_field (box, _("Store"), rp_json_string (doc, "store"));

  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *it;
      gint64 qty;
      g_autofree char *price = NULL;
      g_autofree char *line = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      it = json_node_get_object (node);
      qty = rp_json_int (it, "quantity", 1);
      price = rp_format_money (qty * rp_json_int (it, "unit_price", 0), currency);
      /* Translators: an order line: quantity, item name, line total */
      line = g_strdup_printf (_("%d × %s — %s"), (int) qty,
                              str_or (rp_json_string (it, "name"), rp_json_string (it, "sku")),
                              price);
      add_field (box, i == 0 ? _("Items") : "", line);
    }

  if (json_object_has_member (doc, "total"))
    total = rp_format_money (rp_json_int (doc, "total", 0), currency);
  add_field (box, _("Total"), total);
}

static void
build_ticket_details (GtkBox     *box,
                      RpCache    *cache,
                      JsonObject *doc)
{
  g_autoptr(JsonObject) folded = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *history;
  const char *id = rp_json_string (doc, "_id");
  JsonObject *ticket = doc;

  if (cache != NULL && id != NULL)
    {
      /* One ticket and its few events, an indexed read */
      folded = rp_cache_get_ticket (cache, id, &error);
      if (folded == NULL)
        g_debug ("Cannot fold ticket: %s", error->message);
      else
        ticket = folded;
    }

  add_field (box, _("Subject"), rp_json_string (ticket, "subject"));
  add_field (box, _("Status"), rp_format_ticket_status (rp_json_string (ticket, "status")));
  add_field (box, _("Priority"), rp_format_priority (rp_json_string (ticket, "priority")));
  add_field (box, _("Queue"), rp_json_string (ticket, "queue"));
  add_field (box, _("Assignee"), str_or (rp_json_string (ticket, "assignee"), _("Unassigned")));
  add_field (box, _("Channel"), rp_format_channel (rp_json_string (ticket, "channel")));
  add_when (box, _("Resolution due"), rp_json_string (ticket, "resolution_due"));

  history = array_member (ticket, "history");
  if (history && json_array_get_length (history) > 0)
    add_text (box, _("History"), "heading");

  for (guint i = 0; history && i < json_array_get_length (history); i++)
    {
      JsonNode *node = json_array_get_element (history, i);
      JsonObject *ev;
      g_autoptr(GDateTime) dt = NULL;
      g_autofree char *when = NULL;
      g_autofree char *changes = NULL;
      g_autofree char *line = NULL;
      const char *comment, *handoff;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      ev = json_node_get_object (node);
      dt = rp_date_time_parse (rp_json_string (ev, "at"));
      when = dt ? rp_format_date_time (dt) : g_strdup ("");
      changes = describe_changes (object_member (ev, "changes"));
      line = g_strdup_printf ("%s — %s%s%s", when, str_or (rp_json_string (ev, "author"), "?"),
                              changes ? ": " : "", changes ? changes : "");
      add_text (box, line, "caption-heading");

      comment = rp_json_string (ev, "comment");
      if (comment && *comment)
        add_text (box, comment, NULL);
      handoff = rp_json_string (ev, "handoff");
      if (handoff && *handoff)
        {
          g_autofree char *h = g_strdup_printf (_("Handoff: %s"), handoff);
          add_text (box, h, "handoff");
        }
    }
}

static void
build_details (RpTimelineRow *self)
{
  RpTimelineItem *item = self->item;
  const RpEvent *event = rp_timeline_item_get_event (item);
  JsonObject *doc = rp_timeline_item_get_doc (item);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_box))))
    gtk_box_remove (self->details_box, child);

  self->details_built = TRUE;

  if (event == NULL || doc == NULL)
    return;

  switch (event->type)
    {
    case RP_DOC_ORDER:
      build_order_details (self->details_box, doc);
      break;

    case RP_DOC_TICKET:
      build_ticket_details (self->details_box, rp_timeline_item_get_cache (item), doc);
      break;

    case RP_DOC_TICKET_EVENT:
      {
        g_autofree char *changes = describe_changes (object_member (doc, "changes"));
        add_field (self->details_box, _("Ticket"), rp_json_string (doc, "ticket_id") ? _("Update to a ticket") : NULL);
        add_field (self->details_box, _("Changes"), changes);
        add_field (self->details_box, _("Author"), rp_json_string (doc, "author"));
        add_field (self->details_box, _("Comment"), rp_json_string (doc, "comment"));
        add_field (self->details_box, _("Handoff"), rp_json_string (doc, "handoff"));
      }
      break;

    case RP_DOC_INTERACTION:
      {
        g_autofree char *duration = NULL;

        if (json_object_has_member (doc, "duration_s"))
          duration = rp_format_duration (rp_json_int (doc, "duration_s", 0));
        add_field (self->details_box, _("Channel"), rp_format_channel (rp_json_string (doc, "channel")));
        add_field (self->details_box, _("Direction"), rp_format_direction (rp_json_string (doc, "direction")));
        add_field (self->details_box, _("Agent"), rp_json_string (doc, "agent"));
        add_field (self->details_box, _("Duration"), duration);
        add_field (self->details_box, _("Sentiment"), rp_format_sentiment (rp_json_string (doc, "sentiment")));
        add_text (self->details_box, str_or (rp_json_string (doc, "body"), ""), "interaction-body");
      }
      break;

    case RP_DOC_CONSENT:
      add_field (self->details_box, _("Purpose"), rp_format_purpose (rp_json_string (doc, "purpose")));
      add_field (self->details_box, _("State"), rp_format_consent_state (rp_json_string (doc, "state")));
      add_field (self->details_box, _("Source"), rp_format_source (rp_json_string (doc, "source")));
      add_field (self->details_box, _("Recorded by"), rp_json_string (doc, "recorded_by"));
      add_field (self->details_box, _("Evidence"), rp_json_string (doc, "evidence"));
      break;

    case RP_DOC_NOTE:
      add_field (self->details_box, _("Author"), rp_json_string (doc, "author"));
      add_text (self->details_box, str_or (rp_json_string (doc, "body"), ""), NULL);
      break;

    case RP_DOC_SURVEY:
      add_field (self->details_box, _("Comment"), rp_json_string (doc, "comment"));
      break;

    default:
      add_field (self->details_box, _("Reason"), rp_json_string (doc, "reason"));
      add_field (self->details_box, _("Author"), rp_json_string (doc, "author"));
      break;
    }
}

static void
update_expanded (RpTimelineRow *self)
{
  gboolean expanded = self->item && rp_timeline_item_get_expanded (self->item);
  const char *tip = expanded ? _("Hide Details") : _("Show Details");

  if (expanded && !self->details_built)
    build_details (self);

  gtk_revealer_set_reveal_child (self->details_revealer, expanded);

  if (expanded == self->shown_expanded)
    return;
  self->shown_expanded = expanded;
  gtk_button_set_icon_name (self->expand_button, expanded ? "pan-up-symbolic" : "pan-down-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->expand_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->expand_button),
                               GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
}

static void
expanded_changed_cb (RpTimelineRow  *self,
                     GParamSpec     *pspec,
                     RpTimelineItem *item)
{
  update_expanded (self);
}

static void
toggle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  RpTimelineRow *self = RP_TIMELINE_ROW (widget);

  if (self->item && !rp_timeline_item_is_header (self->item))
    rp_timeline_item_set_expanded (self->item, !rp_timeline_item_get_expanded (self->item));
}

/* Tooltips are written when asked for, not set on every bind:
 * gtk_widget_set_tooltip_text() asks the display where the pointer is, a
 * round trip to the X server, and rows are built and bound by the hundred */
static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  RpTimelineRow *self = RP_TIMELINE_ROW (gtk_widget_get_ancestor (widget, RP_TYPE_TIMELINE_ROW));
  const RpEvent *event;
  g_autofree char *text = NULL;

  if (self->item == NULL || rp_timeline_item_is_header (self->item))
    return FALSE;
  event = rp_timeline_item_get_event (self->item);

  if (widget == GTK_WIDGET (self->expand_button))
    text = g_strdup (self->shown_expanded ? _("Hide Details") : _("Show Details"));
  else if (widget == GTK_WIDGET (self->icon))
    text = g_strdup (rp_format_doc_type (event->type_name));
  else if (widget == GTK_WIDGET (self->time_label))
    {
      g_autoptr(GDateTime) dt = rp_date_time_from_usec (rp_timeline_item_get_at_usec (self->item));

      text = dt ? rp_format_date_time (dt) : NULL;
    }

  if (text == NULL || *text == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
rp_timeline_row_dispose (GObject *object)
{
  RpTimelineRow *self = (RpTimelineRow *)object;
  GtkWidget *child;

  rp_timeline_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_TIMELINE_ROW);
  /* The template's root box is not bound to a field: unparent it too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (rp_timeline_row_parent_class)->dispose (object);
}

static void
rp_timeline_row_class_init (RpTimelineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_timeline_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-timeline-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timelinerow");
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, details_box);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, details_revealer);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, event_box);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, expand_button);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, header_box);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, header_count_label);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, header_label);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, icon);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, RpTimelineRow, title_label);

  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);

  gtk_widget_class_install_action (widget_class, "row.toggle", NULL, toggle_action);
}

static void
rp_timeline_row_init (RpTimelineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The row itself takes focus, so Tab enters the timeline and arrows move
   * between rows; Enter reaches the list item's activation */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
}

GtkWidget *
rp_timeline_row_new (void)
{
  return g_object_new (RP_TYPE_TIMELINE_ROW, NULL);
}

RpTimelineItem *
rp_timeline_row_get_item (RpTimelineRow *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ROW (self), NULL);
  return self->item;
}

static void
bind_event (RpTimelineRow *self)
{
  const RpEvent *event = rp_timeline_item_get_event (self->item);
  JsonObject *doc = rp_timeline_item_get_doc (self->item);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) dt = rp_date_time_from_usec (rp_timeline_item_get_at_usec (self->item));
  g_autofree char *subtitle = NULL;
  g_autofree char *title = rp_timeline_describe (self->item, &subtitle);
  g_autofree char *relative = dt ? rp_format_relative (dt, now) : NULL;
  g_autofree char *absolute = dt ? rp_format_date_time (dt) : NULL;
  g_autofree char *a11y = NULL;
  const char *icon_name = NULL;
  const char *kind_label;
  const char *sync_text = NULL;
  RpKindMask kind;

  if (event->type == RP_DOC_INTERACTION)
    icon_name = rp_format_channel_icon (rp_json_string (doc, "channel"));
  if (icon_name == NULL)
    icon_name = rp_format_doc_type_icon (event->type_name);
  gtk_image_set_from_icon_name (self->icon, icon_name);

  kind = rp_doc_type_kind (event->type);
  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    {
      if (kind & (1 << i))
        gtk_widget_add_css_class (GTK_WIDGET (self->icon), kind_classes[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->icon), kind_classes[i]);
    }

  kind_label = rp_format_doc_type (event->type_name);
  gtk_inscription_set_text (self->title_label, title);
  gtk_inscription_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle && *subtitle);
  gtk_label_set_text (self->time_label, relative ? relative : "");

  if (g_strcmp0 (event->outbox_state, "rejected") == 0)
    sync_text = _("Refused by the server");
  else if (event->outbox_state != NULL)
    sync_text = _("Waiting to sync");
  gtk_label_set_text (self->sync_label, sync_text ? sync_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_label), sync_text != NULL);

  a11y = g_strdup_printf ("%s: %s, %s%s%s", kind_label ? kind_label : "", title,
                          absolute ? absolute : "", sync_text ? ", " : "",
                          sync_text ? sync_text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->expand_button), event->type != RP_DOC_UNKNOWN);
}

static void
bind_header (RpTimelineRow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) dt = rp_date_time_from_usec (rp_timeline_item_get_at_usec (self->item));
  g_autofree char *day = dt ? rp_format_day (dt, now) : g_strdup ("");
  guint n = rp_timeline_item_get_n_events (self->item);
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u event", "%u events", n), n);

  gtk_inscription_set_text (self->header_label, day);
  gtk_label_set_text (self->header_count_label, count);
}

void
rp_timeline_row_set_item (RpTimelineRow  *self,
                          RpTimelineItem *item)
{
  g_return_if_fail (RP_IS_TIMELINE_ROW (self));

  if (self->item == item)
    return;

  if (self->item != NULL)
    {
      g_clear_signal_handler (&self->expanded_handler, self->item);
      g_clear_object (&self->item);
    }

  self->details_built = FALSE;

  if (item == NULL)
    return;

  self->item = g_object_ref (item);

  gtk_widget_set_visible (GTK_WIDGET (self->header_box), rp_timeline_item_is_header (item));
  gtk_widget_set_visible (GTK_WIDGET (self->event_box), !rp_timeline_item_is_header (item));

  if (rp_timeline_item_is_header (item))
    {
      bind_header (self);
      return;
    }

  bind_event (self);
  self->expanded_handler = g_signal_connect_object (item, "notify::expanded",
                                                    G_CALLBACK (expanded_changed_cb),
                                                    self, G_CONNECT_SWAPPED);
  /* A recycled row must not animate into its new item's state */
  gtk_revealer_set_transition_duration (self->details_revealer, 0);
  update_expanded (self);
  gtk_revealer_set_transition_duration (self->details_revealer, 200);
}
