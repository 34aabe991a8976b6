/* rp-customer-actions.c: what the agent can do for the customer shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every action works offline: the dialog writes to the cache and its
 * outbox, the sync manager sends it when it can.  Marketing actions are
 * offered only with the matching consent; otherwise they say why not.
 */

#define G_LOG_DOMAIN "rp-customer-actions"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rp-customer-actions.h"
#include "rp-doc.h"
#include "rp-format.h"
#include "rp-tooltip.h"

struct _RpCustomerActions
{
  GtkWidget     parent_instance;

  RpCache      *cache;
  char         *customer_id;
  JsonObject   *show;
  GSettings    *settings;
  char         *reasons[3];      /* e-mail, SMS, phone offers: why not, or NULL */

  GtkWidget    *box;
  AdwActionRow *offer_email_row;
  AdwActionRow *offer_phone_row;
  AdwActionRow *offer_sms_row;
  GtkMenuButton *offers_button;
  AdwActionRow *suggestion_row;
  GtkMenuButton *ticket_button;
};

G_DEFINE_FINAL_TYPE (RpCustomerActions, rp_customer_actions, GTK_TYPE_WIDGET)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *offer_purposes[] = { "marketing_email", "marketing_sms", "marketing_phone" };

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "dev.rapport.Rapport", TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

static JsonObject *
consent_of (JsonObject *show,
            const char *purpose)
{
  JsonObject *consent;
  JsonNode *node;

  if (show == NULL || !json_object_has_member (show, "consent"))
    return NULL;
  consent = json_object_get_object_member (show, "consent");
  node = consent ? json_object_get_member (consent, purpose) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* "Withdrawn on 2026-10-02 via phone", or NULL when granted */
static char *
reason_for (JsonObject *show,
            const char *purpose)
{
  JsonObject *consent = consent_of (show, purpose);
  const char *state = consent ? rp_json_string (consent, "state") : NULL;
  const char *at = consent ? rp_json_string (consent, "at") : NULL;
  const char *source = consent ? rp_json_string (consent, "source") : NULL;
  g_autofree char *day = NULL;
  g_autofree char *via = NULL;

  if (g_strcmp0 (state, "granted") == 0)
    return NULL;

  if (g_strcmp0 (state, "withdrawn") != 0)
    return g_strdup (_("No consent recorded"));

  day = at != NULL && strlen (at) >= 10 ? g_strndup (at, 10) : g_strdup ("?");
  if (source == NULL)
    /* Translators: why an offer cannot be sent; %s is a date like 2026-10-02 */
    return g_strdup_printf (_("Withdrawn on %s"), day);

  via = g_utf8_strdown (rp_format_source (source), -1);
  /* Translators: why an offer cannot be sent, "Withdrawn on 2026-10-02 via phone" */
  return g_strdup_printf (_("Withdrawn on %s via %s"), day, via);
}

static void
update_offer (RpCustomerActions *self,
              guint              index,
              AdwActionRow      *row,
              const char        *action)
{
  g_clear_pointer (&self->reasons[index], g_free);
  self->reasons[index] = self->customer_id ? reason_for (self->show, offer_purposes[index])
                                           : g_strdup (_("No customer"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), action, self->reasons[index] == NULL);
  adw_action_row_set_subtitle (row, self->reasons[index] ? self->reasons[index]
                                                        : _("Consent granted"));
  rp_tooltip_set_text (GTK_WIDGET (row), self->reasons[index]);
}

static void
update_state (RpCustomerActions *self)
{
  static const char *plain[] = { "actions.note", "actions.interaction", "actions.ticket",
                                 "actions.update", "actions.handoff", "actions.consent" };
  JsonObject *profiling = consent_of (self->show, "profiling");
  gboolean has_customer = self->customer_id != NULL && self->cache != NULL;
  gboolean open_tickets = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), plain[i], has_customer);

  if (self->show != NULL && json_object_has_member (self->show, "open_tickets"))
    open_tickets = json_array_get_length (json_object_get_array_member (self->show,
                                                                         "open_tickets")) > 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "actions.update", has_customer && open_tickets);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "actions.handoff", has_customer && open_tickets);

  update_offer (self, 0, self->offer_email_row, "actions.offer-email");
  update_offer (self, 1, self->offer_sms_row, "actions.offer-sms");
  update_offer (self, 2, self->offer_phone_row, "actions.offer-phone");

  /* Suggestions come from profiling: without that consent, none */
  if (profiling != NULL && g_strcmp0 (rp_json_string (profiling, "state"), "granted") == 0)
    {
      const char *channel = rp_json_string (self->show, "preferred_channel");
      g_autofree char *subtitle = NULL;

      /* Translators: a suggestion, %s is a channel like "E-mail" */
      subtitle = g_strdup_printf (_("Prefers %s; offer what matches recent orders"),
                                  channel ? rp_format_channel (channel) : _("no channel"));
      adw_action_row_set_subtitle (self->suggestion_row, subtitle);
      gtk_widget_set_visible (GTK_WIDGET (self->suggestion_row), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->suggestion_row), FALSE);
}

static void
dialog_saved_cb (RpActionDialog    *dialog,
                 GStrv              ids,
                 RpCustomerActions *self)
{
  g_signal_emit (self, signals[SAVED], 0, ids);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpCustomerActions *self = RP_CUSTOMER_ACTIONS (widget);
  static const struct { const char *name; RpActionKind kind; } map[] = {
    { "actions.note", RP_ACTION_NOTE },
    { "actions.interaction", RP_ACTION_INTERACTION },
    { "actions.ticket", RP_ACTION_TICKET },
    { "actions.update", RP_ACTION_UPDATE_TICKET },
    { "actions.handoff", RP_ACTION_HANDOFF },
    { "actions.consent", RP_ACTION_CONSENT },
    { "actions.offer-email", RP_ACTION_OFFER_EMAIL },
    { "actions.offer-sms", RP_ACTION_OFFER_SMS },
    { "actions.offer-phone", RP_ACTION_OFFER_PHONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (action_name, map[i].name))
      {
        RpActionDialog *dialog = rp_customer_actions_open (self, map[i].kind);

        if (dialog != NULL)
          gtk_window_present (GTK_WINDOW (dialog));
        return;
      }
}

static void
rp_customer_actions_dispose (GObject *object)
{
  RpCustomerActions *self = (RpCustomerActions *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_CUSTOMER_ACTIONS);
  g_clear_object (&self->cache);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rp_customer_actions_parent_class)->dispose (object);
}

static void
rp_customer_actions_finalize (GObject *object)
{
  RpCustomerActions *self = (RpCustomerActions *) object;

  g_clear_pointer (&self->show, json_object_unref);
  g_free (self->customer_id);
  for (guint i = 0; i < G_N_ELEMENTS (self->reasons); i++)
    g_free (self->reasons[i]);

  G_OBJECT_CLASS (rp_customer_actions_parent_class)->finalize (object);
}

static void
rp_customer_actions_class_init (RpCustomerActionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const char *actions[] = { "actions.note", "actions.interaction", "actions.ticket",
                            "actions.update", "actions.handoff", "actions.consent",
                            "actions.offer-email", "actions.offer-sms", "actions.offer-phone" };

  object_class->dispose = rp_customer_actions_dispose;
  object_class->finalize = rp_customer_actions_finalize;

  /**
   * RpCustomerActions::saved:
   * @ids: the documents an action wrote (durable, waiting to sync)
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  g_type_ensure (ADW_TYPE_ACTION_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/rapport/Rapport/ui/rp-customer-actions.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerActions, box);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerActions, offer_email_row);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerActions, offer_phone_row);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerActions, offer_sms_row);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerActions, offers_button);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerActions, suggestion_row);
  gtk_widget_class_bind_template_child (widget_class, RpCustomerActions, ticket_button);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, open_action);
}

static void
rp_customer_actions_init (RpCustomerActions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = settings_new_if_installed ();
  update_state (self);
}

/* Public API */

GtkWidget *
rp_customer_actions_new (void)
{
  return g_object_new (RP_TYPE_CUSTOMER_ACTIONS, NULL);
}

void
rp_customer_actions_set_cache (RpCustomerActions *self,
                               RpCache           *cache)
{
  g_return_if_fail (RP_IS_CUSTOMER_ACTIONS (self));

  g_set_object (&self->cache, cache);
  update_state (self);
}

void
rp_customer_actions_set_customer (RpCustomerActions *self,
                                  const char        *customer_id,
                                  JsonObject        *show)
{
  g_return_if_fail (RP_IS_CUSTOMER_ACTIONS (self));

  g_free (self->customer_id);
  self->customer_id = g_strdup (customer_id);
  g_clear_pointer (&self->show, json_object_unref);
  self->show = show ? json_object_ref (show) : NULL;
  update_state (self);
}

const char *
rp_customer_actions_get_reason (RpCustomerActions *self,
                                RpActionKind       kind)
{
  g_return_val_if_fail (RP_IS_CUSTOMER_ACTIONS (self), NULL);

  switch (kind)
    {
    case RP_ACTION_OFFER_EMAIL:
      return self->reasons[0];
    case RP_ACTION_OFFER_SMS:
      return self->reasons[1];
    case RP_ACTION_OFFER_PHONE:
      return self->reasons[2];
    default:
      return NULL;
    }
}

gboolean
rp_customer_actions_get_suggestions_visible (RpCustomerActions *self)
{
  g_return_val_if_fail (RP_IS_CUSTOMER_ACTIONS (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->suggestion_row));
}

RpActionDialog *
rp_customer_actions_open (RpCustomerActions *self,
                          RpActionKind       kind)
{
  g_autofree char *agent = NULL;
  RpActionDialog *dialog;
  GtkRoot *root;

  g_return_val_if_fail (RP_IS_CUSTOMER_ACTIONS (self), NULL);

  if (self->cache == NULL || self->customer_id == NULL)
    return NULL;
  /* The buttons are off then, but a shortcut or a test may still ask */
  if (rp_customer_actions_get_reason (self, kind) != NULL)
    return NULL;

  if (self->settings != NULL)
    agent = g_settings_get_string (self->settings, "agent-login");
  if (agent == NULL || *agent == '\0')
    {
      g_free (agent);
      agent = g_strdup (g_getenv ("RAPPORT_AGENT") ? g_getenv ("RAPPORT_AGENT")
                                                   : g_get_user_name ());
    }

  dialog = rp_action_dialog_new (kind, self->cache, self->customer_id, self->show, agent);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (dialog_saved_cb), self, 0);

  return dialog;
}
