/* rp-search-row.c: one customer in the search results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-search-row"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-format.h"
#include "rp-search-row.h"
#include "rp-tooltip.h"

struct _RpSearchRow
{
  GtkListBoxRow  parent_instance;

  char          *customer_id;
  char          *name;

  GtkLabel      *kana_label;
  GtkImage      *match_icon;
  GtkLabel      *match_label;
  GtkLabel      *name_label;
  GtkLabel      *tier_label;
};

G_DEFINE_FINAL_TYPE (RpSearchRow, rp_search_row, GTK_TYPE_LIST_BOX_ROW)

static const char *
match_description (RpMatchKind kind)
{
  switch (kind)
    {
    case RP_MATCH_EMAIL:
      return _("Matched e-mail");
    case RP_MATCH_PHONE:
      return _("Matched phone");
    case RP_MATCH_ORDER:
      return _("Matched order");
    case RP_MATCH_TICKET:
      return _("Matched ticket");
    case RP_MATCH_NAME:
    case RP_MATCH_KANA:
    default:
      return NULL;
    }
}

static void
rp_search_row_finalize (GObject *object)
{
  RpSearchRow *self = (RpSearchRow *)object;

  g_clear_pointer (&self->customer_id, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (rp_search_row_parent_class)->finalize (object);
}

static void
rp_search_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), RP_TYPE_SEARCH_ROW);

  G_OBJECT_CLASS (rp_search_row_parent_class)->dispose (object);
}

static void
rp_search_row_class_init (RpSearchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_search_row_dispose;
  object_class->finalize = rp_search_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-search-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RpSearchRow, kana_label);
  gtk_widget_class_bind_template_child (widget_class, RpSearchRow, match_icon);
  gtk_widget_class_bind_template_child (widget_class, RpSearchRow, match_label);
  gtk_widget_class_bind_template_child (widget_class, RpSearchRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, RpSearchRow, tier_label);

}

static void
rp_search_row_init (RpSearchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static const char *
match_icon_name (RpMatchKind kind)
{
  switch (kind)
    {
    case RP_MATCH_EMAIL:
      return "mail-unread-symbolic";
    case RP_MATCH_PHONE:
      return "call-start-symbolic";
    case RP_MATCH_ORDER:
      return "package-x-generic-symbolic";
    case RP_MATCH_TICKET:
      return "task-due-symbolic";
    case RP_MATCH_NAME:
    case RP_MATCH_KANA:
    default:
      return NULL;
    }
}

GtkWidget *
rp_search_row_new (const RpSearchHit *hit)
{
  RpSearchRow *self = g_object_new (RP_TYPE_SEARCH_ROW, NULL);

  rp_search_row_set_hit (self, hit);

  return GTK_WIDGET (self);
}

/* Rows are refilled in place while the agent types: building fifty rows
 * from their template on every keystroke costs more than the query */
void
rp_search_row_set_hit (RpSearchRow       *self,
                       const RpSearchHit *hit)
{
  static const char *tiers[] = { "tier-standard", "tier-silver", "tier-gold", "tier-platinum" };
  const char *icon_name;
  const char *matched = hit->matched;
  const char *tier;
  g_autofree char *a11y = NULL;
  g_autofree char *tier_css = NULL;

  g_return_if_fail (RP_IS_SEARCH_ROW (self));
  g_return_if_fail (hit != NULL);

  g_free (self->customer_id);
  self->customer_id = g_strdup (hit->id);
  g_free (self->name);
  self->name = g_strdup (hit->name);

  gtk_label_set_text (self->name_label, hit->name ? hit->name : "");
  gtk_label_set_text (self->kana_label, hit->kana ? hit->kana : "");
  gtk_widget_set_visible (GTK_WIDGET (self->kana_label), hit->kana && *hit->kana);

  tier = rp_format_tier (hit->tier);
  gtk_label_set_text (self->tier_label, tier ? tier : "");
  gtk_widget_set_visible (GTK_WIDGET (self->tier_label), tier != NULL);
  tier_css = hit->tier ? g_strconcat ("tier-", hit->tier, NULL) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (tiers); i++)
    {
      if (g_strcmp0 (tier_css, tiers[i]) == 0)
        gtk_widget_add_css_class (GTK_WIDGET (self->tier_label), tiers[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->tier_label), tiers[i]);
    }

  /* Show what matched; for a name match, the first e-mail helps tell
   * namesakes apart. */
  icon_name = match_icon_name (hit->match_kind);
  if (matched == NULL || icon_name == NULL)
    {
      matched = (hit->emails && hit->emails[0]) ? hit->emails[0] : NULL;
      icon_name = matched ? "mail-unread-symbolic" : NULL;
    }
  gtk_label_set_text (self->match_label, matched ? matched : "");
  gtk_widget_set_visible (GTK_WIDGET (self->match_label), matched != NULL);
  gtk_image_set_from_icon_name (self->match_icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->match_icon), icon_name != NULL);
  rp_tooltip_set_text (GTK_WIDGET (self->match_icon), match_description (hit->match_kind));

  a11y = g_strjoin (", ", hit->name ? hit->name : "", hit->kana ? hit->kana : "",
                    tier ? tier : "", matched ? matched : "", NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

const char *
rp_search_row_get_customer_id (RpSearchRow *self)
{
  g_return_val_if_fail (RP_IS_SEARCH_ROW (self), NULL);
  return self->customer_id;
}

const char *
rp_search_row_get_name (RpSearchRow *self)
{
  g_return_val_if_fail (RP_IS_SEARCH_ROW (self), NULL);
  return self->name;
}
