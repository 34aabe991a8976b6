/* rp-application.c: the Rapport application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-application"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-application.h"
#include "rp-window.h"

struct _RpApplication
{
  AdwApplication  parent_instance;

  RpCache        *cache;
};

G_DEFINE_FINAL_TYPE (RpApplication, rp_application, ADW_TYPE_APPLICATION)

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

static void
rp_application_activate (GApplication *app)
{
  RpApplication *self = RP_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  RpCache *cache;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      cache = rp_application_get_cache (self, &error);
      if (cache == NULL)
        {
          g_warning ("Cannot open the cache: %s", error->message);
          show_error (self, _("Cannot Open the Customer Cache"), error->message);
          return;
        }
      window = GTK_WINDOW (rp_window_new (GTK_APPLICATION (app), cache));
    }

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
  AdwPreferencesWindow *prefs;
  AdwPreferencesPage *page;
  AdwPreferencesGroup *group;
  GtkWidget *row;
  g_autofree char *count = NULL;

  prefs = ADW_PREFERENCES_WINDOW (adw_preferences_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (prefs),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_set_modal (GTK_WINDOW (prefs), TRUE);

  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_set_title (page, _("General"));
  adw_preferences_page_set_icon_name (page, "emblem-system-symbolic");

  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Local Cache"));
  adw_preferences_group_set_description (group, _("Customer data is kept on this computer so the desktop keeps working without a network."));

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Location"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), self->cache ? rp_cache_get_path (self->cache) : "");
  adw_preferences_group_add (group, row);

  if (self->cache)
    {
      gint64 n = rp_cache_count_customers (self->cache);
      count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d customer", "%d customers", (int) n), (int) n);
    }
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Customers"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), count ? count : "");
  adw_preferences_group_add (group, row);
  adw_preferences_page_add (page, group);

  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Server"));
  adw_preferences_group_set_description (group, _("Sync with a CouchDB server is set up with “rapportctl sync” for now."));
  adw_preferences_page_add (page, group);

  adw_preferences_window_add (prefs, page);
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

  G_APPLICATION_CLASS (rp_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  /* Every application accelerator, in one place */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.focus-search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
}

static void
rp_application_finalize (GObject *object)
{
  RpApplication *self = (RpApplication *)object;

  g_clear_object (&self->cache);

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
}

static void
rp_application_init (RpApplication *self)
{
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
