/* rp-context-card.c: who the customer is, at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-context-card"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rp-doc.h"
#include "rp-format.h"
#include "rp-context-card.h"
#include "rp-tooltip.h"


struct _RpContextCard
{
  GtkWidget     parent_instance;

  AdwAvatar    *avatar;
  GtkFlowBox   *consent_box;
  GtkGrid      *facts_grid;
  GtkFlowBox   *flags_box;
  GtkLabel     *kana_label;
  GtkLabel     *last_contact_heading;
  GtkLabel     *last_contact_label;
  GtkLabel     *name_label;
  GtkBox       *notes_box;
  GtkBox       *handoff_box;
  GtkLabel     *tickets_heading;
  GtkListBox   *tickets_list;
  GtkLabel     *tier_label;
};

G_DEFINE_FINAL_TYPE (RpContextCard, rp_context_card, GTK_TYPE_WIDGET)

static const char *purposes[] = {
  "marketing_email", "marketing_sms", "marketing_phone",
  "profiling", "third_party_sharing", "call_recording",
};

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

/* A string member, or the first of several names it may go by */
static const char *
string_of (JsonObject *obj,
           const char *first,
           ...)
{
  const char *name = first;
  va_list args;

  va_start (args, first);
  while (name != NULL)
    {
      const char *v = obj ? rp_json_string (obj, name) : NULL;

      if (v != NULL && *v != '\0')
        {
          va_end (args);
          return v;
        }
      name = va_arg (args, const char *);
    }
  va_end (args);

  return NULL;
}

static void
clear_children (GtkWidget *parent)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (parent)))
    {
      if (GTK_IS_FLOW_BOX (parent))
        gtk_flow_box_remove (GTK_FLOW_BOX (parent), child);
      else if (GTK_IS_LIST_BOX (parent))
        gtk_list_box_remove (GTK_LIST_BOX (parent), child);
      else if (GTK_IS_GRID (parent))
        gtk_grid_remove (GTK_GRID (parent), child);
      else
        gtk_box_remove (GTK_BOX (parent), child);
    }
}

static GtkWidget *
chip_new (const char *icon_name,
          const char *text,
          const char *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (box, "chip");
  if (css_class)
    gtk_widget_add_css_class (box, css_class);
  if (icon_name)
    {
      GtkWidget *image = gtk_image_new_from_icon_name (icon_name);
      gtk_image_set_pixel_size (GTK_IMAGE (image), 12);
      gtk_box_append (GTK_BOX (box), image);
    }
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);

  return box;
}

static void
add_fact (RpContextCard *self,
          int            row,
          const char    *key,
          const char    *value)
{
  GtkWidget *k, *v;

  k = gtk_label_new (key);
  gtk_label_set_xalign (GTK_LABEL (k), 0);
  gtk_widget_add_css_class (k, "dim-label");
  v = gtk_label_new (value ? value : "—");
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_grid_attach (self->facts_grid, k, 0, row, 1, 1);
  gtk_grid_attach (self->facts_grid, v, 1, row, 1, 1);
}

static void
fill_facts (RpContextCard *self,
            JsonObject    *show,
            GDateTime     *now)
{
  JsonObject *ltv = object_member (show, "lifetime_value");
  const char *member_since = rp_json_string (show, "member_since");
  g_autofree char *since = rp_format_date_string (member_since);
  g_autofree char *tenure = rp_format_tenure (member_since, now);
  g_autofree char *tenure_text = NULL;
  g_autofree char *money = NULL;
  const char *channel = string_of (show, "preferred_channel", NULL);
  int row = 0;

  clear_children (GTK_WIDGET (self->facts_grid));

  if (since && tenure)
    /* Translators: tenure, "since November 23, 2019 (7 years)" */
    tenure_text = g_strdup_printf (_("Since %s (%s)"), since, tenure);
  add_fact (self, row++, _("Member"), tenure_text);

  if (ltv != NULL)
    money = rp_format_money (rp_json_int (ltv, "amount", 0), rp_json_string (ltv, "currency"));
  add_fact (self, row++, _("Lifetime value"), money);
  add_fact (self, row++, _("Language"), rp_format_language (rp_json_string (show, "language")));
  add_fact (self, row++, _("Preferred channel"), rp_format_channel (channel));
}

static void
fill_consent (RpContextCard *self,
              JsonObject    *show)
{
  JsonObject *consent = object_member (show, "consent");

  clear_children (GTK_WIDGET (self->consent_box));

  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    {
      JsonObject *c = object_member (consent, purposes[i]);
      const char *state = c ? rp_json_string (c, "state") : NULL;
      const char *icon;
      g_autofree char *text = NULL;
      g_autofree char *tooltip = NULL;
      g_autofree char *css = NULL;
      GtkWidget *chip;

      if (state == NULL)
        state = "unknown";

      if (g_str_equal (state, "granted"))
        icon = "emblem-ok-symbolic";
      else if (g_str_equal (state, "withdrawn"))
        icon = "action-unavailable-symbolic";
      else
        icon = NULL;  /* "Unknown" says it; a question mark read as a glyph error */

      /* Translators: a consent chip, "Marketing e-mail: Granted" */
      text = g_strdup_printf (_("%s: %s"), rp_format_purpose (purposes[i]),
                              rp_format_consent_state (state));

      if (c != NULL && rp_json_string (c, "at") != NULL)
        {
          g_autofree char *when = rp_format_date_string (rp_json_string (c, "at"));
          const char *source = rp_format_source (rp_json_string (c, "source"));

          /* Translators: consent tooltip, "Granted since March 3, 2025 (source: Web)" */
          tooltip = g_strdup_printf (_("%s since %s (source: %s)"),
                                     rp_format_consent_state (state),
                                     when ? when : "?", source ? source : _("unknown"));
        }
      else
        tooltip = g_strdup (_("Never recorded: treated as not granted"));

      css = g_strconcat ("consent-", state, NULL);
      chip = chip_new (icon, text, css);
      rp_tooltip_set_text (chip, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (chip),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                      -1);
      gtk_flow_box_append (self->consent_box, chip);
      gtk_widget_set_focusable (gtk_widget_get_parent (chip), FALSE);
    }
}

static GtkWidget *
ticket_row_new (JsonObject *ticket,
                gint64      now_usec)
{
  const char *status = rp_json_string (ticket, "status");
  const char *assignee = rp_json_string (ticket, "assignee");
  const char *sla_text = NULL;
  const char *sla_css = NULL;
  const char *sla_icon = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *due_text = NULL;
  g_autoptr(GDateTime) due = rp_date_time_parse (rp_json_string (ticket, "resolution_due"));
  GtkWidget *row;
  GtkWidget *box, *vbox, *label;
  RpSlaState sla = RP_SLA_NONE;
  const char *sla_name = rp_json_string (ticket, "sla");
  gint64 due_usec;

  /* The core's verdict when it gave one, else the same rule here */
  if (sla_name != NULL)
    {
      for (RpSlaState s = RP_SLA_NONE; s <= RP_SLA_BREACHED; s++)
        if (g_strcmp0 (rp_sla_state_to_string (s), sla_name) == 0)
          sla = s;
    }
  else if (rp_parse_timestamp (rp_json_string (ticket, "resolution_due"), &due_usec))
    sla = rp_sla_state (status, due_usec, now_usec, RP_DEFAULT_LEAD_USEC);
  switch (sla)
    {
    case RP_SLA_BREACHED:
      sla_text = _("SLA breached");
      sla_css = "sla-breached";
      sla_icon = "dialog-error-symbolic";
      break;
    case RP_SLA_AT_RISK:
      sla_text = _("SLA at risk");
      sla_css = "sla-at-risk";
      sla_icon = "dialog-warning-symbolic";
      break;
    case RP_SLA_ON_TIME:
      sla_text = _("On time");
      sla_css = "sla-on-time";
      sla_icon = "emblem-ok-symbolic";
      break;
    case RP_SLA_NONE:
    default:
      break;
    }

  title = g_strdup_printf ("%s %s", rp_json_string (ticket, "number") ?: "",
                           rp_json_string (ticket, "subject") ?: "");
  /* Translators: status · priority · queue · assignee of a ticket */
  subtitle = g_strdup_printf (_("%s · %s priority · %s · %s"),
                              rp_format_ticket_status (status) ?: "",
                              rp_format_priority (rp_json_string (ticket, "priority")) ?: "",
                              rp_json_string (ticket, "queue") ?: "",
                              assignee ? assignee : _("Unassigned"));

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (box, "ticket-row");
  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (vbox, TRUE);

  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  rp_tooltip_set_text (label, title);
  gtk_box_append (GTK_BOX (vbox), label);

  label = gtk_label_new (subtitle);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (vbox), label);
  gtk_box_append (GTK_BOX (box), vbox);

  if (sla_text != NULL)
    {
      GtkWidget *chip = chip_new (sla_icon, sla_text, sla_css);

      gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
      if (due != NULL)
        {
          g_autofree char *when = rp_format_date_time (due);
          due_text = g_strdup_printf (_("Resolution due %s"), when);
          rp_tooltip_set_text (chip, due_text);
        }
      gtk_box_append (GTK_BOX (box), chip);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  {
    g_autofree char *a11y = g_strjoin (", ", title, subtitle, sla_text ? sla_text : "", NULL);
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  }

  return row;
}

static void
fill_tickets (RpContextCard *self,
              JsonObject    *show,
              gint64         now_usec)
{
  JsonArray *tickets = array_member (show, "open_tickets");
  guint n = tickets ? json_array_get_length (tickets) : 0;
  g_autofree char *heading = NULL;

  clear_children (GTK_WIDGET (self->tickets_list));

  if (n == 0)
    heading = g_strdup (_("No Open Tickets"));
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Open Ticket",
                                            "%u Open Tickets", n), n);
  gtk_label_set_text (self->tickets_heading, heading);
  gtk_widget_set_visible (GTK_WIDGET (self->tickets_list), n > 0);

  for (guint i = 0; i < n && i < 5; i++)
    {
      JsonNode *node = json_array_get_element (tickets, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        gtk_list_box_append (self->tickets_list,
                             ticket_row_new (json_node_get_object (node), now_usec));
    }
}

static void
fill_last_contact (RpContextCard *self,
                   JsonObject    *show,
                   GDateTime     *now)
{
  JsonObject *lc = object_member (show, "last_contact");
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;
  const char *channel, *who, *what;

  if (lc == NULL)
    {
      gtk_label_set_text (self->last_contact_label, _("No contact yet"));
      rp_tooltip_set_text (GTK_WIDGET (self->last_contact_label), NULL);
      return;
    }

  dt = rp_date_time_parse (rp_json_string (lc, "at"));
  when = dt ? rp_format_relative (dt, now) : g_strdup ("");
  channel = rp_format_channel (rp_json_string (lc, "channel"));
  who = string_of (lc, "agent", "author", NULL);
  what = string_of (lc, "summary", "title", "body", NULL);

  /* Translators: last contact: when, channel, agent, then what was said */
  text = g_strdup_printf (_("%s via %s with %s: “%s”"),
                          when, channel ? channel : "?", who ? who : "?", what ? what : "");
  gtk_label_set_text (self->last_contact_label, text);
  if (dt)
    {
      g_autofree char *abs = rp_format_date_time (dt);
      rp_tooltip_set_text (GTK_WIDGET (self->last_contact_label), abs);
    }
}

static GtkWidget *
note_new (const char *heading,
          const char *body,
          const char *meta,
          const char *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label;

  gtk_widget_add_css_class (box, css_class);

  label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (body);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (label), 3);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);

  if (meta && *meta)
    {
      label = gtk_label_new (meta);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }

  return box;
}

static char *
meta_line (JsonObject *obj,
           GDateTime  *now)
{
  g_autoptr(GDateTime) dt = rp_date_time_parse (rp_json_string (obj, "at"));
  g_autofree char *when = dt ? rp_format_relative (dt, now) : NULL;
  const char *who = string_of (obj, "author", "agent", NULL);

  if (who && when)
    /* Translators: who wrote a note and when, "sato, 3 days ago" */
    return g_strdup_printf (_("%s, %s"), who, when);
  return g_strdup (who ? who : when);
}

static void
fill_notes (RpContextCard *self,
            JsonObject    *show,
            GDateTime     *now)
{
  JsonArray *pinned = array_member (show, "pinned_notes");
  JsonObject *handoff = object_member (show, "latest_handoff");

  if (handoff == NULL)
    handoff = object_member (show, "handoff");

  clear_children (GTK_WIDGET (self->notes_box));
  clear_children (GTK_WIDGET (self->handoff_box));

  if (handoff != NULL)
    {
      g_autofree char *meta = meta_line (handoff, now);
      const char *body = string_of (handoff, "handoff", "note", "body", "comment", NULL);

      if (body != NULL)
        {
          /* Above everything else: whoever opens the customer next reads it first */
          GtkWidget *note = note_new (_("Latest Handoff"), body, meta, "handoff-note");

          gtk_widget_add_css_class (note, "handoff-banner");
          gtk_box_append (self->handoff_box, note);
        }
    }

  for (guint i = 0; pinned && i < json_array_get_length (pinned) && i < 3; i++)
    {
      JsonNode *node = json_array_get_element (pinned, i);
      g_autofree char *meta = NULL;
      const char *body = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          body = rp_json_string (json_node_get_object (node), "body");
          meta = meta_line (json_node_get_object (node), now);
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        body = json_node_get_string (node);

      if (body != NULL)
        gtk_box_append (self->notes_box, note_new (_("Pinned Note"), body, meta, "pinned-note"));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->handoff_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->handoff_box)) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->notes_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->notes_box)) != NULL);
}

static const char *
flag_label (const char *flag)
{
  static const struct { const char *key; const char *label; } flags[] = {
    { "sla_breached", N_("SLA breached") },
    { "negative_sentiment", N_("Negative sentiment") },
    { "repeat_contact", N_("Repeat contact") },
    { "detractor", N_("Detractor") },
    { "low_csat", N_("Low satisfaction") },
    { "recent_return", N_("Recent return") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (g_strcmp0 (flags[i].key, flag) == 0)
      return _(flags[i].label);
  return flag;
}

static void
fill_flags (RpContextCard *self,
            JsonObject    *show)
{
  JsonArray *flags = array_member (show, "flags");
  guint n = flags ? json_array_get_length (flags) : 0;

  clear_children (GTK_WIDGET (self->flags_box));
  gtk_widget_set_visible (GTK_WIDGET (self->flags_box), n > 0);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (flags, i);
      const char *flag = NULL;
      const char *reason = NULL;
      GtkWidget *chip;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *obj = json_node_get_object (node);
          flag = string_of (obj, "flag", "code", "kind", "id", NULL);
          reason = string_of (obj, "reason", "text", NULL);
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        flag = json_node_get_string (node);

      if (flag == NULL)
        continue;

      chip = chip_new ("dialog-warning-symbolic", flag_label (flag), "risk-flag");
      rp_tooltip_set_text (chip, reason);
      if (reason)
        {
          g_autofree char *text = g_strdup_printf ("%s: %s", flag_label (flag), reason);
          GtkWidget *label = gtk_widget_get_last_child (chip);
          gtk_label_set_text (GTK_LABEL (label), text);
        }
      gtk_flow_box_append (self->flags_box, chip);
      gtk_widget_set_focusable (gtk_widget_get_parent (chip), FALSE);
    }
}

static void
rp_context_card_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), RP_TYPE_CONTEXT_CARD);
  /* The template's root box is not bound to a field: unparent it too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (rp_context_card_parent_class)->dispose (object);
}

static void
rp_context_card_class_init (RpContextCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_context_card_dispose;

  g_type_ensure (ADW_TYPE_AVATAR);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-context-card.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, avatar);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, consent_box);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, facts_grid);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, flags_box);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, kana_label);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, last_contact_heading);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, last_contact_label);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, notes_box);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, handoff_box);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, tickets_heading);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, tickets_list);
  gtk_widget_class_bind_template_child (widget_class, RpContextCard, tier_label);
}

static void
rp_context_card_init (RpContextCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
rp_context_card_new (void)
{
  return g_object_new (RP_TYPE_CONTEXT_CARD, NULL);
}

void
rp_context_card_set_data (RpContextCard *self,
                          JsonObject    *show,
                          gint64         now_usec)
{
  g_autoptr(GDateTime) now = rp_date_time_from_usec (now_usec);
  const char *name, *kana, *tier, *tier_text;

  g_return_if_fail (RP_IS_CONTEXT_CARD (self));
  g_return_if_fail (show != NULL);

  name = rp_json_string (show, "name");
  kana = rp_json_string (show, "kana");
  tier = rp_json_string (show, "tier");
  tier_text = rp_format_tier (tier);

  gtk_label_set_text (self->name_label, name ? name : "");
  adw_avatar_set_text (self->avatar, name);
  gtk_label_set_text (self->kana_label, kana ? kana : "");
  gtk_widget_set_visible (GTK_WIDGET (self->kana_label), kana && *kana);

  gtk_label_set_text (self->tier_label, tier_text ? tier_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->tier_label), tier_text != NULL);
  for (const char *const *t = (const char *const[]) { "standard", "silver", "gold", "platinum", NULL }; *t; t++)
    {
      g_autofree char *css = g_strconcat ("tier-", *t, NULL);
      if (g_strcmp0 (tier, *t) == 0)
        gtk_widget_add_css_class (GTK_WIDGET (self->tier_label), css);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->tier_label), css);
    }

  fill_flags (self, show);
  fill_facts (self, show, now);
  fill_consent (self, show);
  fill_tickets (self, show, now_usec);
  fill_last_contact (self, show, now);
  fill_notes (self, show, now);
}

const char *
rp_context_card_get_name (RpContextCard *self)
{
  g_return_val_if_fail (RP_IS_CONTEXT_CARD (self), NULL);
  return gtk_label_get_text (self->name_label);
}
