/* rp-preferences-window.c: the server, the agent and the local cache
 *
 * Each entry takes effect when applied (its check button or Enter), not
 * at every keystroke, since a new server address restarts the sync.  The
 * connection test uses what the rows say right now, applied or not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-preferences-window.h"
#include "rp-secret.h"

struct _RpPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  RpCache              *cache;
  RpSyncManager        *manager;
  RpSyncManager        *test_manager;
  GSettings            *settings;
  GCancellable         *cancellable;
  GCancellable         *test_cancellable;
  char                 *test_result;

  AdwEntryRow          *agent_row;
  AdwActionRow         *customers_row;
  AdwEntryRow          *databases_row;
  GtkSwitch            *dnd_switch;
  GtkSpinButton        *failure_spin;
  GtkSpinButton        *lead_spin;
  AdwActionRow         *location_row;
  AdwPasswordEntryRow  *password_row;
  GtkSwitch            *queues_switch;
  AdwEntryRow          *server_row;
  GtkSwitch            *sync_switch;
  GtkButton            *test_button;
  GtkImage             *test_icon;
  AdwActionRow         *test_row;
  GtkSpinner           *test_spinner;
  AdwEntryRow          *user_row;
};

G_DEFINE_FINAL_TYPE (RpPreferencesWindow, rp_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

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

static const char *
row_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* "rapport-tokyo, rapport-osaka" (or one per line, or spaces) → a list */
static GStrv
parse_databases (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_regex_split_simple ("[,;\\s]+", text ? text : "", 0, 0);

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);

  return g_strv_builder_end (builder);
}

static char *
strip_copy (const char *text)
{
  return g_strstrip (g_strdup (text ? text : ""));
}

/* Keyring */

static void
apply_user (RpPreferencesWindow *self)
{
  g_autofree char *user = strip_copy (row_text (self->user_row));

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "username", user);
}

static void
password_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RpPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!rp_secret_store_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot keep the password in the keyring: %s", error->message);

  /* Only now: the application looks the password up when the user changes */
  if (self != NULL)
    apply_user (self);
}

/* With @then_apply_user, the user name setting changes once the keyring
 * has the password, not before */
static void
store_password (RpPreferencesWindow *self,
                gboolean             then_apply_user)
{
  g_autofree char *url = strip_copy (row_text (self->server_row));
  g_autofree char *user = strip_copy (row_text (self->user_row));
  const char *password = row_text (self->password_row);

  if (*url == '\0' || *user == '\0')
    {
      if (then_apply_user)
        apply_user (self);
      return;
    }

  /* Not cancelled with the window: closing it must not lose the password */
  rp_secret_store_async (url, user, password, NULL, password_stored_cb,
                         then_apply_user ? g_object_ref (self) : NULL);
  if (self->manager != NULL)
    rp_sync_manager_set_password (self->manager, *password ? password : NULL);
}

static void
password_looked_up_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(RpPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password = rp_secret_lookup_finish (result, &error);

  if (password != NULL && !g_cancellable_is_cancelled (self->cancellable)
      && *row_text (self->password_row) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  rp_secret_free (password);
}

/* Applying rows */

static void
server_applied_cb (RpPreferencesWindow *self)
{
  g_autofree char *url = strip_copy (row_text (self->server_row));
  g_autofree char *before = NULL;

  if (self->settings == NULL)
    return;

  /* Setting a server up for the first time means syncing with it; the
   * switch stays the agent's to turn off */
  before = g_settings_get_string (self->settings, "server-url");
  g_settings_set_string (self->settings, "server-url", url);
  if (*before == '\0' && *url != '\0')
    g_settings_set_boolean (self->settings, "sync-enabled", TRUE);
}

static void
databases_applied_cb (RpPreferencesWindow *self)
{
  g_auto(GStrv) dbs = parse_databases (row_text (self->databases_row));
  g_autofree char *joined = g_strjoinv (", ", dbs);

  gtk_editable_set_text (GTK_EDITABLE (self->databases_row), joined);
  if (self->settings != NULL)
    g_settings_set_strv (self->settings, "databases", (const char *const *) dbs);
}

static void
user_applied_cb (RpPreferencesWindow *self)
{
  if (*row_text (self->password_row) != '\0')
    store_password (self, TRUE);
  else
    apply_user (self);
}

static void
password_applied_cb (RpPreferencesWindow *self)
{
  store_password (self, FALSE);
}

static void
agent_applied_cb (RpPreferencesWindow *self)
{
  g_autofree char *login = strip_copy (row_text (self->agent_row));

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "agent-login", login);
}

/* Connection test */

static void
set_test_result (RpPreferencesWindow *self,
                 const char          *text,
                 gboolean             failed)
{
  g_free (self->test_result);
  self->test_result = g_strdup (text);
  adw_action_row_set_subtitle (self->test_row, text ? text : "");

  /* The words say it; the icon and its colour only draw the eye */
  gtk_widget_set_visible (GTK_WIDGET (self->test_icon), failed);
}

static void
test_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RpPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  RpSyncManager *manager = RP_SYNC_MANAGER (object);
  gboolean ok = rp_sync_manager_test_connection_finish (manager, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || manager != self->test_manager)
    return;

  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.test-connection", TRUE);

  if (ok)
    {
      guint n = g_strv_length ((char **) rp_sync_manager_get_databases (manager));
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Connected: the database is reachable.",
                                      "Connected: all %u databases are reachable.", n), n);

      set_test_result (self, text, FALSE);
    }
  else
    {
      /* Translators: the connection test failed; %s says why */
      g_autofree char *text = g_strdup_printf (_("Failed: %s"), error->message);

      set_test_result (self, text, TRUE);
    }

  g_clear_object (&self->test_manager);
}

static void
test_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  RpPreferencesWindow *self = RP_PREFERENCES_WINDOW (widget);
  g_autofree char *url = strip_copy (row_text (self->server_row));
  g_autofree char *user = strip_copy (row_text (self->user_row));
  g_auto(GStrv) dbs = parse_databases (row_text (self->databases_row));
  const char *password = row_text (self->password_row);

  if (*url == '\0' || dbs[0] == NULL)
    {
      set_test_result (self, _("Enter the server address and at least one database first."), TRUE);
      return;
    }

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  /* A manager of its own, so testing an address never disturbs the sync */
  g_clear_object (&self->test_manager);
  self->test_manager = rp_sync_manager_new (self->cache);
  rp_sync_manager_set_server_url (self->test_manager, url);
  rp_sync_manager_set_databases (self->test_manager, (const char *const *) dbs);
  rp_sync_manager_set_user (self->test_manager, *user ? user : NULL);
  rp_sync_manager_set_password (self->test_manager, *password ? password : NULL);

  set_test_result (self, _("Testing…"), FALSE);
  g_free (self->test_result);
  self->test_result = g_strdup ("");
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_set_spinning (self->test_spinner, TRUE);
  gtk_widget_action_set_enabled (widget, "prefs.test-connection", FALSE);

  rp_sync_manager_test_connection_async (self->test_manager, self->test_cancellable,
                                         test_done_cb, g_object_ref (self));
}

static void
sync_once_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!rp_sync_manager_sync_once_finish (RP_SYNC_MANAGER (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Sync failed: %s", error->message);
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  RpPreferencesWindow *self = RP_PREFERENCES_WINDOW (widget);

  /* What was typed but not applied yet counts */
  server_applied_cb (self);
  databases_applied_cb (self);
  user_applied_cb (self);

  if (self->manager == NULL)
    return;

  if (rp_sync_manager_get_live (self->manager))
    rp_sync_manager_retry_now (self->manager);
  else
    rp_sync_manager_sync_once_async (self->manager, NULL, sync_once_cb, NULL);
}

static void
fill (RpPreferencesWindow *self)
{
  g_autofree char *count = NULL;

  adw_action_row_set_subtitle (self->location_row,
                               self->cache ? rp_cache_get_path (self->cache) : "");
  if (self->cache != NULL)
    {
      gint64 n = rp_cache_count_customers (self->cache);

      count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d customer", "%d customers",
                                            (int) n), (int) n);
    }
  adw_action_row_set_subtitle (self->customers_row, count ? count : "");

  if (self->settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *user = g_settings_get_string (self->settings, "username");
      g_autofree char *login = g_settings_get_string (self->settings, "agent-login");
      g_auto(GStrv) dbs = g_settings_get_strv (self->settings, "databases");
      g_autofree char *joined = g_strjoinv (", ", dbs);

      gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
      gtk_editable_set_text (GTK_EDITABLE (self->databases_row), joined);
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
      gtk_editable_set_text (GTK_EDITABLE (self->agent_row), login);
      g_settings_bind (self->settings, "sync-enabled", self->sync_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);

      if (*url != '\0' && *user != '\0')
        rp_secret_lookup_async (url, user, self->cancellable, password_looked_up_cb,
                                g_object_ref (self));
    }
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->sync_switch), FALSE);

}

static void
rp_preferences_window_dispose (GObject *object)
{
  RpPreferencesWindow *self = (RpPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (rp_preferences_window_parent_class)->dispose (object);
}

static void
rp_preferences_window_finalize (GObject *object)
{
  RpPreferencesWindow *self = (RpPreferencesWindow *)object;

  g_clear_object (&self->cache);
  g_clear_object (&self->manager);
  g_clear_object (&self->test_manager);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_pointer (&self->test_result, g_free);

  G_OBJECT_CLASS (rp_preferences_window_parent_class)->finalize (object);
}

static void
rp_preferences_window_class_init (RpPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_preferences_window_dispose;
  object_class->finalize = rp_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/rapport/Rapport/ui/rp-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, agent_row);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, customers_row);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, databases_row);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, dnd_switch);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, failure_spin);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, lead_spin);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, location_row);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, queues_switch);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, sync_switch);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, test_icon);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, test_row);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, RpPreferencesWindow, user_row);

  gtk_widget_class_install_action (widget_class, "prefs.test-connection", NULL,
                                   test_connection_action);
  gtk_widget_class_install_action (widget_class, "prefs.sync-now", NULL, sync_now_action);
}

static void
rp_preferences_window_init (RpPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = settings_new_if_installed ();

  g_signal_connect_object (self->server_row, "apply", G_CALLBACK (server_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->databases_row, "apply", G_CALLBACK (databases_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->user_row, "apply", G_CALLBACK (user_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->password_row, "apply", G_CALLBACK (password_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->agent_row, "apply", G_CALLBACK (agent_applied_cb), self,
                           G_CONNECT_SWAPPED);

  /* Notifications and queues take effect at once */
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "do-not-disturb", self->dnd_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "show-queues", self->queues_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "sla-lead-minutes", self->lead_spin, "value", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "sync-failure-minutes", self->failure_spin, "value",
                       G_SETTINGS_BIND_DEFAULT);
    }
}

RpPreferencesWindow *
rp_preferences_window_new (RpCache       *cache,
                           RpSyncManager *manager)
{
  RpPreferencesWindow *self;

  g_return_val_if_fail (!cache || RP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (!manager || RP_IS_SYNC_MANAGER (manager), NULL);

  self = g_object_new (RP_TYPE_PREFERENCES_WINDOW, NULL);
  self->cache = cache ? g_object_ref (cache) : NULL;
  self->manager = manager ? g_object_ref (manager) : NULL;
  fill (self);

  return self;
}

void
rp_preferences_window_set_fields (RpPreferencesWindow *self,
                                  const char          *server_url,
                                  const char          *databases,
                                  const char          *user,
                                  const char          *password)
{
  g_return_if_fail (RP_IS_PREFERENCES_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url ? server_url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->databases_row), databases ? databases : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user ? user : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password ? password : "");
}

const char *
rp_preferences_window_get_test_result (RpPreferencesWindow *self)
{
  g_return_val_if_fail (RP_IS_PREFERENCES_WINDOW (self), NULL);
  return self->test_result;
}
