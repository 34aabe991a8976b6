/* rp-action-dialog.c: one of the agent's actions, as a small form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saving writes the new documents to the cache and its outbox in one
 * durable transaction, off the main thread.  Only then does the dialog
 * close; when the write fails (a full disk) the error is shown and every
 * field keeps what the agent typed.
 */

#define G_LOG_DOMAIN "rp-action-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-action-dialog.h"
#include "rp-actions.h"
#include "rp-doc.h"
#include "rp-format.h"

struct _RpActionDialog
{
  AdwWindow       parent_instance;

  RpActionKind    kind;
  RpCache        *cache;
  char           *customer_id;
  JsonObject     *show;
  char           *agent;
  GCancellable   *cancellable;
  GHashTable     *field_widgets;   /* member name → widget */
  GPtrArray      *ticket_ids;      /* ids behind the "ticket" combo */
  char           *error;
  gboolean        saving;

  GtkTextView          *body_view;
  GtkLabel             *body_heading;
  GtkWidget            *body_frame;
  GtkLabel             *error_label;
  AdwPreferencesGroup  *extra;
  AdwPreferencesGroup  *fields;
  AdwActionRow         *recording_row;
  AdwWindowTitle       *window_title;
};

G_DEFINE_FINAL_TYPE (RpActionDialog, rp_action_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *channels[] = { "phone", "email", "chat", "sms", "store", "web", "social", NULL };
static const char *directions[] = { "inbound", "outbound", NULL };
static const char *sentiments[] = { "", "negative", "neutral", "positive", NULL };
static const char *priorities[] = { "low", "normal", "high", "urgent", NULL };
static const char *purposes[] = { "marketing_email", "marketing_sms", "marketing_phone",
                                  "profiling", "third_party_sharing", "call_recording", NULL };
static const char *states[] = { "granted", "withdrawn", NULL };
static const char *sources[] = { "phone", "store", "email", "web", "app", "agent", NULL };

static void update_valid (RpActionDialog *self);

/* Fields */

static void
changed_cb (RpActionDialog *self)
{
  update_valid (self);
}

static void
add_entry (RpActionDialog *self,
           const char     *name,
           const char     *title,
           const char     *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_connect_object (row, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->fields, row);
  g_hash_table_insert (self->field_widgets, g_strdup (name), row);
}

/* A choice of codes; @label_func gives each its translated label, and
 * the empty code @none_label ("Unchanged", "Not noted") */
static void
add_combo (RpActionDialog *self,
           const char     *name,
           const char     *title,
           const char    **codes,
           const char   *(*label_func) (const char *),
           const char     *none_label,
           const char     *selected)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();
  guint position = 0;

  for (guint i = 0; codes[i] != NULL; i++)
    {
      gtk_string_list_append (labels, *codes[i] == '\0' ? none_label : label_func (codes[i]));
      if (g_strcmp0 (codes[i], selected) == 0)
        position = i;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), position);
  g_object_set_data (G_OBJECT (row), "rp-codes", (gpointer) codes);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->fields, row);
  g_hash_table_insert (self->field_widgets, g_strdup (name), row);
}

static void
add_switch (RpActionDialog *self,
            const char     *name,
            const char     *title,
            const char     *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (self->extra, row);
  g_hash_table_insert (self->field_widgets, g_strdup (name), toggle);
}

static const char *
entry_text (RpActionDialog *self,
            const char     *name)
{
  GtkWidget *row = g_hash_table_lookup (self->field_widgets, name);

  return row != NULL ? gtk_editable_get_text (GTK_EDITABLE (row)) : NULL;
}

static char *
entry_stripped (RpActionDialog *self,
                const char     *name)
{
  const char *text = entry_text (self, name);

  return text != NULL ? g_strstrip (g_strdup (text)) : NULL;
}

static const char *
combo_code (RpActionDialog *self,
            const char     *name)
{
  GtkWidget *row = g_hash_table_lookup (self->field_widgets, name);
  const char **codes;
  guint selected;

  if (row == NULL)
    return NULL;
  codes = g_object_get_data (G_OBJECT (row), "rp-codes");
  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
  if (codes == NULL || selected == GTK_INVALID_LIST_POSITION)
    return NULL;

  return codes[selected];
}

static gboolean
switch_active (RpActionDialog *self,
               const char     *name)
{
  GtkWidget *toggle = g_hash_table_lookup (self->field_widgets, name);

  return toggle != NULL && gtk_switch_get_active (GTK_SWITCH (toggle));
}

static char *
body_text (RpActionDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return g_strstrip (text);
}

/* The consent a customer gave for @purpose: "granted", "withdrawn" or NULL */
static JsonObject *
consent_of (RpActionDialog *self,
            const char     *purpose)
{
  JsonObject *consent;

  if (self->show == NULL || !json_object_has_member (self->show, "consent"))
    return NULL;
  consent = json_object_get_object_member (self->show, "consent");
  if (consent == NULL || !json_object_has_member (consent, purpose)
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (consent, purpose)))
    return NULL;

  return json_object_get_object_member (consent, purpose);
}

static void
update_recording_row (RpActionDialog *self)
{
  const char *channel = combo_code (self, "channel");
  JsonObject *consent;
  const char *state;

  if (self->recording_row == NULL)
    return;

  if (channel == NULL && self->kind == RP_ACTION_OFFER_PHONE)
    channel = "phone";
  gtk_widget_set_visible (GTK_WIDGET (self->recording_row), g_strcmp0 (channel, "phone") == 0);

  consent = consent_of (self, "call_recording");
  state = consent ? rp_json_string (consent, "state") : NULL;
  if (g_strcmp0 (state, "granted") == 0)
    adw_action_row_set_subtitle (self->recording_row, _("Granted: the call may be recorded"));
  else if (g_strcmp0 (state, "withdrawn") == 0)
    adw_action_row_set_subtitle (self->recording_row, _("Withdrawn: do not record this call"));
  else
    adw_action_row_set_subtitle (self->recording_row,
                                 _("Not given: ask before recording this call"));
}

static gboolean
is_valid (RpActionDialog *self)
{
  g_autofree char *body = body_text (self);
  g_autofree char *summary = entry_stripped (self, "summary");
  g_autofree char *subject = entry_stripped (self, "subject");
  g_autofree char *queue = entry_stripped (self, "queue");
  g_autofree char *assignee = entry_stripped (self, "assignee");

  switch (self->kind)
    {
    case RP_ACTION_NOTE:
      return *body != '\0';

    case RP_ACTION_INTERACTION:
    case RP_ACTION_OFFER_EMAIL:
    case RP_ACTION_OFFER_SMS:
    case RP_ACTION_OFFER_PHONE:
      return summary != NULL && *summary != '\0';

    case RP_ACTION_TICKET:
      return *subject != '\0' && *queue != '\0';

    case RP_ACTION_UPDATE_TICKET:
      return self->ticket_ids->len > 0
             && (*body != '\0' || *queue != '\0' || *assignee != '\0'
                 || *combo_code (self, "status") != '\0'
                 || *combo_code (self, "priority") != '\0');

    case RP_ACTION_HANDOFF:
      /* The note is what the next agent reads first: it is required */
      return self->ticket_ids->len > 0 && *body != '\0' && (*queue != '\0' || *assignee != '\0');

    case RP_ACTION_CONSENT:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static void
update_valid (RpActionDialog *self)
{
  update_recording_row (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save",
                                 !self->saving && is_valid (self));
}

static const char *
ticket_id (RpActionDialog *self)
{
  GtkWidget *row = g_hash_table_lookup (self->field_widgets, "ticket");
  guint selected;

  if (row == NULL)
    return NULL;
  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
  if (selected >= self->ticket_ids->len)
    return NULL;

  return g_ptr_array_index (self->ticket_ids, selected);
}

static void
add_ticket_combo (RpActionDialog *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  JsonArray *tickets = NULL;
  GtkWidget *row = adw_combo_row_new ();

  if (self->show != NULL && json_object_has_member (self->show, "open_tickets"))
    tickets = json_object_get_array_member (self->show, "open_tickets");

  for (guint i = 0; tickets != NULL && i < json_array_get_length (tickets); i++)
    {
      JsonObject *ticket = json_array_get_object_element (tickets, i);
      g_autofree char *label = NULL;

      /* Translators: a ticket in a list, "T-104233 — Parcel not delivered" */
      label = g_strdup_printf (_("%s — %s"), rp_json_string (ticket, "number"),
                               rp_json_string (ticket, "subject"));
      gtk_string_list_append (labels, label);
      g_ptr_array_add (self->ticket_ids, g_strdup (rp_json_string (ticket, "id")));
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Ticket"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->fields, row);
  g_hash_table_insert (self->field_widgets, g_strdup ("ticket"), row);

  if (self->ticket_ids->len == 0)
    {
      gtk_label_set_text (self->error_label, _("This customer has no open ticket."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
}

static void
build_form (RpActionDialog *self)
{
  const char *title = NULL;
  const char *body = NULL;

  switch (self->kind)
    {
    case RP_ACTION_NOTE:
      title = _("Add Note");
      body = _("_Note");
      add_switch (self, "pinned", _("_Pin to the Card"),
                  _("Pinned notes are shown to every agent who opens this customer"));
      break;

    case RP_ACTION_INTERACTION:
      title = _("Log Interaction");
      body = _("_Details");
      add_combo (self, "channel", _("_Channel"), channels, rp_format_channel, NULL, "phone");
      add_combo (self, "direction", _("_Direction"), directions, rp_format_direction, NULL,
                 "inbound");
      add_entry (self, "summary", _("_Summary"), NULL);
      add_combo (self, "sentiment", _("S_entiment"), sentiments, rp_format_sentiment,
                 _("Not noted"), "");
      break;

    case RP_ACTION_OFFER_EMAIL:
      title = _("Send Offer by E-mail");
      body = _("_Offer");
      add_entry (self, "summary", _("_Summary"), _("Sent an offer by e-mail"));
      break;

    case RP_ACTION_OFFER_SMS:
      title = _("Send Offer by SMS");
      body = _("_Offer");
      add_entry (self, "summary", _("_Summary"), _("Sent an offer by SMS"));
      break;

    case RP_ACTION_OFFER_PHONE:
      title = _("Call About an Offer");
      body = _("_Notes on the Call");
      add_entry (self, "summary", _("_Summary"), _("Called about an offer"));
      break;

    case RP_ACTION_TICKET:
      title = _("New Ticket");
      body = _("_Description");
      add_entry (self, "subject", _("_Subject"), NULL);
      add_combo (self, "channel", _("_Channel"), channels, rp_format_channel, NULL, "phone");
      add_entry (self, "queue", _("_Queue"), NULL);
      add_combo (self, "priority", _("_Priority"), priorities, rp_format_priority, NULL,
                 "normal");
      add_switch (self, "assign_me", _("_Assign to Me"), NULL);
      break;

    case RP_ACTION_UPDATE_TICKET:
      {
        static const char *u_statuses[] = { "", "new", "open", "pending", "solved", "closed", NULL };
        static const char *u_priorities[] = { "", "low", "normal", "high", "urgent", NULL };

        title = _("Update Ticket");
        body = _("_Comment");
        add_ticket_combo (self);
        add_combo (self, "status", _("S_tatus"), u_statuses, rp_format_ticket_status,
                   _("Unchanged"), "");
        add_combo (self, "priority", _("_Priority"), u_priorities, rp_format_priority,
                   _("Unchanged"), "");
        add_entry (self, "queue", _("_Queue (empty: unchanged)"), NULL);
        add_entry (self, "assignee", _("_Assignee (empty: unchanged)"), NULL);
      }
      break;

    case RP_ACTION_HANDOFF:
      title = _("Hand Off Ticket");
      body = _("_Handoff Note (required)");
      add_ticket_combo (self);
      add_entry (self, "queue", _("To _Queue"), NULL);
      add_entry (self, "assignee", _("To _Agent"), NULL);
      break;

    case RP_ACTION_CONSENT:
      title = _("Record Consent");
      body = NULL;
      add_combo (self, "purpose", _("_Purpose"), purposes, rp_format_purpose, NULL,
                 "marketing_email");
      add_combo (self, "state", _("_Decision"), states, rp_format_consent_state, NULL,
                 "withdrawn");
      add_combo (self, "source", _("_Given Through"), sources, rp_format_source, NULL, "phone");
      add_entry (self, "evidence", _("_Evidence"), NULL);
      break;

    default:
      g_assert_not_reached ();
    }

  if (self->kind == RP_ACTION_INTERACTION || self->kind == RP_ACTION_OFFER_PHONE)
    {
      self->recording_row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->recording_row),
                                     _("Call Recording Consent"));
      gtk_widget_add_css_class (GTK_WIDGET (self->recording_row), "property");
      adw_preferences_group_add (self->extra, GTK_WIDGET (self->recording_row));
    }

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  if (body != NULL)
    gtk_label_set_text_with_mnemonic (self->body_heading, body);
  gtk_widget_set_visible (GTK_WIDGET (self->body_heading), body != NULL);
  gtk_widget_set_visible (self->body_frame, body != NULL);
}

/* Saving */

static JsonObject *
build_document (RpActionDialog *self)
{
  g_autofree char *body = body_text (self);
  g_autofree char *summary = entry_stripped (self, "summary");
  g_autofree char *subject = entry_stripped (self, "subject");
  g_autofree char *queue = entry_stripped (self, "queue");
  g_autofree char *assignee = entry_stripped (self, "assignee");
  g_autofree char *evidence = entry_stripped (self, "evidence");
  const char *ticket = ticket_id (self);

  switch (self->kind)
    {
    case RP_ACTION_NOTE:
      return rp_action_note (self->customer_id, self->agent, body,
                             switch_active (self, "pinned"));

    case RP_ACTION_INTERACTION:
      return rp_action_interaction (self->customer_id, NULL, combo_code (self, "channel"),
                                    combo_code (self, "direction"), self->agent, summary, body,
                                    combo_code (self, "sentiment"), 0);

    case RP_ACTION_OFFER_EMAIL:
    case RP_ACTION_OFFER_SMS:
    case RP_ACTION_OFFER_PHONE:
      return rp_action_interaction (self->customer_id, NULL,
                                    self->kind == RP_ACTION_OFFER_EMAIL ? "email"
                                    : self->kind == RP_ACTION_OFFER_SMS ? "sms" : "phone",
                                    "outbound", self->agent, summary, body, NULL, 0);

    case RP_ACTION_TICKET:
      {
        JsonObject *doc;

        doc = rp_action_ticket (self->customer_id, subject, combo_code (self, "channel"), queue,
                                combo_code (self, "priority"),
                                switch_active (self, "assign_me") ? self->agent : NULL, 60, 1440);
        if (*body != '\0')
          json_object_set_string_member (doc, "description", body);
        return doc;
      }

    case RP_ACTION_UPDATE_TICKET:
      return rp_action_ticket_event (ticket, self->customer_id, self->agent,
                                     combo_code (self, "status"), combo_code (self, "priority"),
                                     queue, *assignee ? assignee : NULL, body, NULL);

    case RP_ACTION_HANDOFF:
      /* Handed to a queue: nobody holds it until someone there takes it */
      return rp_action_ticket_event (ticket, self->customer_id, self->agent, NULL, NULL, queue,
                                     *assignee ? assignee : (*queue ? "" : NULL), NULL, body);

    case RP_ACTION_CONSENT:
      return rp_action_consent (self->customer_id, combo_code (self, "purpose"),
                                combo_code (self, "state"), combo_code (self, "source"),
                                self->agent, evidence);

    default:
      g_assert_not_reached ();
    }
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RpCache *cache = source_object;
  JsonNode *node = task_data;
  GError *error = NULL;

  if (!rp_cache_create (cache, &node, 1, NULL, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
show_error (RpActionDialog *self,
            const char     *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(RpActionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *ids[2] = { g_object_get_data (G_OBJECT (result), "rp-id"), NULL };

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->saving = FALSE;
      update_valid (self);
      if (g_error_matches (error, RP_ERROR, RP_ERROR_FULL))
        message = g_strdup (_("Not saved: the disk is full. What you typed is kept here; free "
                              "some space and save again."));
      else
        /* Translators: %s is the reason the cache gave */
        message = g_strdup_printf (_("Not saved: %s. What you typed is kept here; try again."),
                                   error->message);
      show_error (self, message);
      return;
    }

  self->saving = FALSE;
  g_signal_emit (self, signals[SAVED], 0, ids);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  rp_action_dialog_save (RP_ACTION_DIALOG (widget));
}

static void
rp_action_dialog_dispose (GObject *object)
{
  RpActionDialog *self = (RpActionDialog *) object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_ACTION_DIALOG);

  G_OBJECT_CLASS (rp_action_dialog_parent_class)->dispose (object);
}

static void
rp_action_dialog_finalize (GObject *object)
{
  RpActionDialog *self = (RpActionDialog *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->cache);
  g_clear_pointer (&self->show, json_object_unref);
  g_clear_pointer (&self->field_widgets, g_hash_table_unref);
  g_clear_pointer (&self->ticket_ids, g_ptr_array_unref);
  g_free (self->customer_id);
  g_free (self->agent);
  g_free (self->error);

  G_OBJECT_CLASS (rp_action_dialog_parent_class)->finalize (object);
}

static void
rp_action_dialog_class_init (RpActionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_action_dialog_dispose;
  object_class->finalize = rp_action_dialog_finalize;

  /**
   * RpActionDialog::saved:
   * @ids: the ids of the documents written
   *
   * Emitted once the action is durable in the cache and its outbox.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/rapport/Rapport/ui/rp-action-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RpActionDialog, body_frame);
  gtk_widget_class_bind_template_child (widget_class, RpActionDialog, body_heading);
  gtk_widget_class_bind_template_child (widget_class, RpActionDialog, body_view);
  gtk_widget_class_bind_template_child (widget_class, RpActionDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RpActionDialog, extra);
  gtk_widget_class_bind_template_child (widget_class, RpActionDialog, fields);
  gtk_widget_class_bind_template_child (widget_class, RpActionDialog, window_title);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rp_action_dialog_init (RpActionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->field_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ticket_ids = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
}

/* Public API */

RpActionDialog *
rp_action_dialog_new (RpActionKind  kind,
                      RpCache      *cache,
                      const char   *customer_id,
                      JsonObject   *show,
                      const char   *agent)
{
  RpActionDialog *self;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (customer_id != NULL, NULL);

  self = g_object_new (RP_TYPE_ACTION_DIALOG, NULL);
  self->kind = kind;
  self->cache = g_object_ref (cache);
  self->customer_id = g_strdup (customer_id);
  self->show = show ? json_object_ref (show) : NULL;
  self->agent = g_strdup (agent && *agent ? agent : g_get_user_name ());

  build_form (self);
  update_valid (self);

  /* Typing starts where the agent has most to say */
  if (kind == RP_ACTION_NOTE || kind == RP_ACTION_HANDOFF || kind == RP_ACTION_UPDATE_TICKET)
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->body_view));
  else if (g_hash_table_lookup (self->field_widgets, "summary") != NULL)
    gtk_window_set_focus (GTK_WINDOW (self), g_hash_table_lookup (self->field_widgets, "summary"));
  else if (g_hash_table_lookup (self->field_widgets, "subject") != NULL)
    gtk_window_set_focus (GTK_WINDOW (self), g_hash_table_lookup (self->field_widgets, "subject"));

  return self;
}

RpActionKind
rp_action_dialog_get_kind (RpActionDialog *self)
{
  g_return_val_if_fail (RP_IS_ACTION_DIALOG (self), 0);
  return self->kind;
}

GtkTextBuffer *
rp_action_dialog_get_body_buffer (RpActionDialog *self)
{
  g_return_val_if_fail (RP_IS_ACTION_DIALOG (self), NULL);
  return gtk_text_view_get_buffer (self->body_view);
}

GtkWidget *
rp_action_dialog_get_field (RpActionDialog *self,
                            const char     *name)
{
  g_return_val_if_fail (RP_IS_ACTION_DIALOG (self), NULL);
  return g_hash_table_lookup (self->field_widgets, name);
}

const char *
rp_action_dialog_get_error (RpActionDialog *self)
{
  g_return_val_if_fail (RP_IS_ACTION_DIALOG (self), NULL);
  return self->error;
}

void
rp_action_dialog_save (RpActionDialog *self)
{
  g_autoptr(GTask) task = NULL;
  JsonObject *doc;

  g_return_if_fail (RP_IS_ACTION_DIALOG (self));

  if (self->saving || !is_valid (self))
    return;

  self->saving = TRUE;
  update_valid (self);
  show_error (self, NULL);

  doc = build_document (self);
  task = g_task_new (self->cache, self->cancellable, saved_cb, g_object_ref (self));
  g_task_set_source_tag (task, rp_action_dialog_save);
  g_object_set_data_full (G_OBJECT (task), "rp-id",
                          g_strdup (json_object_get_string_member (doc, "_id")), g_free);
  g_task_set_task_data (task, rp_action_node (doc), (GDestroyNotify) json_node_unref);
  g_task_run_in_thread (task, save_thread);
}
