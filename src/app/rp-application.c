/* rp-application.c: the Rapport application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-application"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-application.h"
#include "rp-preferences-window.h"
#include "rp-secret.h"
#include "rp-window.h"

struct _RpApplication
{
  AdwApplication  parent_instance;

  RpCache        *cache;
  RpSyncManager  *sync_manager;
  GSettings      *settings;
  GCancellable   *cancellable;
  guint           configure_id;

  /* The cache opens in a worker; a notice shows if that takes a while */
  gboolean        opening;
  gboolean        quit_when_opened;
  guint           notice_id;
  GtkWindow      *notice;

  /* --server, --db, --user: override GSettings for this run */
  char           *server_override;
  GStrv           db_override;
  char           *user_override;
};

G_DEFINE_FINAL_TYPE (RpApplication, rp_application, ADW_TYPE_APPLICATION)

/* A sync fills the writer's page cache, which is right for writing in
 * bulk; once it is over, the agent's window has no use for those pages */
static void
sync_state_cb (RpSyncManager *manager,
               GParamSpec    *pspec,
               RpApplication *self)
{
  if (self->cache != NULL && rp_sync_manager_get_state (manager) != RP_SYNC_STATE_SYNCING)
    rp_cache_release_memory (self->cache);
}

static void
show_error (RpApplication *self,
            const char    *heading,
            const char    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (NULL, heading, body);

  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

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

/* Sync */

static void
start_live (RpApplication *self)
{
  const char *url = rp_sync_manager_get_server_url (self->sync_manager);
  const char *const *dbs = rp_sync_manager_get_databases (self->sync_manager);

  if (url == NULL || *url == '\0' || dbs == NULL || dbs[0] == NULL)
    return;

  /* First a catch-up pull, then the longpoll feed: both in start_live */
  g_debug ("Starting live sync of %u databases", g_strv_length ((char **) dbs));
  rp_sync_manager_start_live (self->sync_manager);
}

static void
password_looked_up_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(RpApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = rp_secret_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->sync_manager == NULL)
    {
      rp_secret_free (password);
      return;
    }

  /* No keyring at all: keep what preferences may have given this run */
  if (error != NULL)
    g_message ("No password from the keyring: %s", error->message);
  else
    rp_sync_manager_set_password (self->sync_manager, password);
  rp_secret_free (password);
  start_live (self);
}

static gboolean
sync_enabled (RpApplication *self)
{
  if (self->server_override != NULL)
    return TRUE;
  return self->settings != NULL && g_settings_get_boolean (self->settings, "sync-enabled");
}

/* Applies the settings (or the command line) to the sync manager, and
 * starts or stops live sync to match */
static void
configure_sync (RpApplication *self)
{
  g_autofree char *url = NULL;
  g_autofree char *user = NULL;
  g_auto(GStrv) dbs = NULL;

  if (self->sync_manager == NULL)
    return;

  if (self->server_override != NULL)
    url = g_strdup (self->server_override);
  else if (self->settings != NULL)
    url = g_settings_get_string (self->settings, "server-url");

  if (self->db_override != NULL)
    dbs = g_strdupv (self->db_override);
  else if (self->settings != NULL)
    dbs = g_settings_get_strv (self->settings, "databases");

  if (self->user_override != NULL)
    user = g_strdup (self->user_override);
  else if (self->settings != NULL)
    user = g_settings_get_string (self->settings, "username");

  if (!sync_enabled (self))
    {
      rp_sync_manager_stop (self->sync_manager);
      g_clear_pointer (&url, g_free);
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  rp_sync_manager_set_server_url (self->sync_manager, url);
  rp_sync_manager_set_databases (self->sync_manager, (const char *const *) dbs);
  rp_sync_manager_set_user (self->sync_manager, user && *user ? user : NULL);

  if (url == NULL || *url == '\0')
    return;

  /* The password lives in the keyring; without a user there is none */
  if (user != NULL && *user != '\0')
    rp_secret_lookup_async (url, user, self->cancellable, password_looked_up_cb,
                            g_object_ref (self));
  else
    {
      rp_sync_manager_set_password (self->sync_manager, NULL);
      start_live (self);
    }
}

static gboolean
configure_idle_cb (gpointer user_data)
{
  RpApplication *self = user_data;

  self->configure_id = 0;
  configure_sync (self);

  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (RpApplication *self,
                     const char    *key,
                     GSettings     *settings)
{
  static const char *sync_keys[] = { "server-url", "databases", "username", "sync-enabled", NULL };

  /* Several keys change together when preferences are applied: once */
  if (g_strv_contains (sync_keys, key) && self->configure_id == 0)
    self->configure_id = g_idle_add (configure_idle_cb, self);
}

/* Opening the cache */

/* An open that takes longer than this is bringing an old cache up to date
 * or finishing a first sync that was cut short: say so */
#define RP_OPEN_NOTICE_MS 250

static GtkWindow *
new_main_window (RpApplication *self)
{
  GtkWindow *window = GTK_WINDOW (rp_window_new (GTK_APPLICATION (self), self->cache));

  rp_window_set_sync_manager (RP_WINDOW (window), rp_application_get_sync_manager (self));
  return window;
}

static gboolean
notice_close_request_cb (GtkWindow     *notice,
                         RpApplication *self)
{
  /* The work goes on, as it must for the cache to stay whole; no window
   * opens when it is done */
  self->quit_when_opened = TRUE;
  return FALSE;
}

static gboolean
show_notice_cb (gpointer user_data)
{
  RpApplication *self = user_data;
  GtkWidget *window, *box, *status, *spinner;

  self->notice_id = 0;

  window = adw_application_window_new (GTK_APPLICATION (self));
  gtk_window_set_title (GTK_WINDOW (window), _("Rapport"));
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 500);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  status = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "emblem-synchronizing-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Preparing the Customer Cache"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("Rapport is bringing its cache up to date. With a large cache "
                                     "this can take a few minutes; the window opens when it is done."));
  gtk_widget_set_vexpand (status, TRUE);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Preparing the customer cache"),
                                  -1);
  adw_status_page_set_child (ADW_STATUS_PAGE (status), spinner);
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  g_signal_connect (window, "close-request", G_CALLBACK (notice_close_request_cb), self);
  self->notice = GTK_WINDOW (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->notice);
  gtk_window_present (GTK_WINDOW (window));

  return G_SOURCE_REMOVE;
}

static void
cache_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RpApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = rp_cache_open_finish (result, &error);

  self->opening = FALSE;
  g_clear_handle_id (&self->notice_id, g_source_remove);

  if (cache == NULL)
    {
      g_warning ("Cannot open the cache: %s", error->message);
      if (!self->quit_when_opened)
        show_error (self, _("Cannot Open the Customer Cache"), error->message);
    }
  else
    {
      /* Someone asked for the cache meanwhile: theirs is the one */
      if (self->cache == NULL)
        self->cache = g_steal_pointer (&cache);
      if (!self->quit_when_opened)
        gtk_window_present (new_main_window (self));
    }

  /* The new window keeps the application alive before the notice goes */
  if (self->notice != NULL)
    gtk_window_destroy (self->notice);
  g_application_release (G_APPLICATION (self));
}

static void
rp_application_activate (GApplication *app)
{
  RpApplication *self = RP_APPLICATION (app);
  GtkWindow *window;

  if (self->opening)
    {
      /* Started again while the cache opens: the notice, if it shows */
      self->quit_when_opened = FALSE;
      if (self->notice != NULL)
        gtk_window_present (self->notice);
      return;
    }

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL && self->cache == NULL)
    {
      g_autofree char *path = rp_cache_default_path ();

      self->opening = TRUE;
      self->quit_when_opened = FALSE;
      g_application_hold (app);
      self->notice_id = g_timeout_add (RP_OPEN_NOTICE_MS, show_notice_cb, self);
      rp_cache_open_async (path, NULL, cache_opened_cb, g_object_ref (self));
      return;
    }

  if (window == NULL)
    window = new_main_window (self);
  gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Rapport developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Rapport"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Rapport developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Every purchase, ticket, conversation and consent of a customer, at a glance, online or offline."),
                        "website", "https://rapport.dev",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  RpApplication *self = user_data;
  RpPreferencesWindow *prefs;

  prefs = rp_preferences_window_new (self->cache, self->sync_manager);
  gtk_window_set_transient_for (GTK_WINDOW (prefs),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_set_modal (GTK_WINDOW (prefs), TRUE);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Close, not destroy, so each window keeps its size in GSettings */
  for (GList *l = windows; l != NULL; )
    {
      GList *next = l->next;
      gtk_window_close (GTK_WINDOW (l->data));
      l = next;
    }
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
rp_application_startup (GApplication *app)
{
  static const char *search_accels[] = { "<Control>k", "<Control>f", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  RpApplication *self = RP_APPLICATION (app);

  G_APPLICATION_CLASS (rp_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  /* Every application accelerator, in one place */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.focus-search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);

  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed",
                             G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
rp_application_shutdown (GApplication *app)
{
  RpApplication *self = RP_APPLICATION (app);

  g_clear_handle_id (&self->configure_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->sync_manager != NULL)
    rp_sync_manager_stop (self->sync_manager);

  G_APPLICATION_CLASS (rp_application_parent_class)->shutdown (app);
}

static int
rp_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  RpApplication *self = RP_APPLICATION (app);
  const char *server = NULL, *user = NULL;
  g_autofree const char **dbs = NULL;

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    self->server_override = g_strdup (server);
  if (g_variant_dict_lookup (options, "db", "^a&s", &dbs))
    self->db_override = g_strdupv ((char **) dbs);
  if (g_variant_dict_lookup (options, "user", "&s", &user))
    self->user_override = g_strdup (user);

  if (self->server_override != NULL && self->db_override == NULL)
    {
      g_printerr ("%s\n", _("--server needs at least one --db"));
      return 1;
    }

  return -1;
}

static void
rp_application_finalize (GObject *object)
{
  RpApplication *self = (RpApplication *)object;

  g_clear_handle_id (&self->configure_id, g_source_remove);
  g_clear_object (&self->sync_manager);
  g_clear_object (&self->cache);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->server_override, g_free);
  g_clear_pointer (&self->db_override, g_strfreev);
  g_clear_pointer (&self->user_override, g_free);

  G_OBJECT_CLASS (rp_application_parent_class)->finalize (object);
}

static void
rp_application_class_init (RpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = rp_application_finalize;
  app_class->activate = rp_application_activate;
  app_class->startup = rp_application_startup;
  app_class->shutdown = rp_application_shutdown;
  app_class->handle_local_options = rp_application_handle_local_options;
}

static void
rp_application_init (RpApplication *self)
{
  static const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Sync with the server at URL (instead of the one in Preferences)"), N_("URL") },
    { "db", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      N_("A database to sync with --server (repeat for several)"), N_("NAME") },
    { "user", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The user name on --server; the password comes from the keyring"), N_("USER") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

RpApplication *
rp_application_new (void)
{
  return g_object_new (RP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The same resources for the .Devel flavour */
                       "resource-base-path", APP_PATH,
                       NULL);
}

RpCache *
rp_application_get_cache (RpApplication  *self,
                          GError        **error)
{
  g_return_val_if_fail (RP_IS_APPLICATION (self), NULL);

  if (self->cache == NULL)
    {
      g_autofree char *path = rp_cache_default_path ();

      self->cache = rp_cache_open (path, error);
    }

  return self->cache;
}

RpSyncManager *
rp_application_get_sync_manager (RpApplication *self)
{
  g_return_val_if_fail (RP_IS_APPLICATION (self), NULL);

  /* One manager for the cache, made with it and configured at once */
  if (self->sync_manager == NULL && self->cache != NULL)
    {
      self->sync_manager = rp_sync_manager_new (self->cache);
      g_signal_connect_object (self->sync_manager, "notify::state",
                               G_CALLBACK (sync_state_cb), self, 0);
      configure_sync (self);
    }

  return self->sync_manager;
}
