/* rp-sync-status.c: the sync state in the header bar
 *
 * Says in words what the sync is doing (synced when, syncing, offline, the
 * error), so the state never rests on a colour or an icon alone; the
 * popover has the details, the first sync's progress and the buttons.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-sync-status"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rp-format.h"
#include "rp-sync-status.h"

/* "Synced 2 minutes ago" stays true without a sync to refresh it */
#define REFRESH_SECONDS 20

struct _RpSyncStatus
{
  GtkWidget       parent_instance;

  RpSyncManager  *manager;
  GCancellable   *cancellable;
  char           *text;
  char           *progress;
  char           *databases_key;
  guint           refresh_id;

  GtkListBox     *databases_list;
  GtkLabel       *error_label;
  GtkLabel       *heading;
  GtkImage       *icon;
  GtkLabel       *label;
  GtkMenuButton  *menu_button;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkButton      *retry_button;
  GtkSpinner     *spinner;
  GtkButton      *sync_now_button;
};

G_DEFINE_FINAL_TYPE (RpSyncStatus, rp_sync_status, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_configured (RpSyncManager *manager)
{
  const char *url = rp_sync_manager_get_server_url (manager);
  const char *const *dbs = rp_sync_manager_get_databases (manager);

  return url != NULL && *url != '\0' && dbs != NULL && dbs[0] != NULL;
}

static char *
format_count (guint64 n)
{
  /* %' groups digits the locale's way: 12,345 */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static char *
progress_text (RpSyncManager *manager)
{
  guint64 done = rp_sync_manager_get_docs_done (manager);
  guint64 total = rp_sync_manager_get_docs_total (manager);
  double rate = rp_sync_manager_get_rate (manager);
  g_autofree char *done_s = format_count (done);
  g_autofree char *total_s = format_count (MAX (total, done));
  g_autofree char *rate_s = NULL;
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          /* Translators: "1,200 of 40,000 documents" */
                          g_dngettext (GETTEXT_PACKAGE, "%s of %s document",
                                       "%s of %s documents", (gulong) MAX (total, done)),
                          done_s, total_s);
  if (rate >= 1)
    {
      g_autofree char *per_s = format_count ((guint64) rate);

      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s document a second",
                                                 "%s documents a second", (gulong) rate),
                              per_s);
      if (total > done)
        {
          g_autofree char *left = rp_format_duration ((gint64) ((total - done) / rate) + 1);

          g_string_append (text, " · ");
          /* Translators: time left of the first sync, "about 3 minutes left" */
          g_string_append_printf (text, _("about %s left"), left);
        }
    }

  return g_string_free (text, FALSE);
}

static void
set_text (RpSyncStatus *self,
          const char   *text)
{
  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  gtk_label_set_text (self->label, text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/* What one database is doing, in words */
static char *
database_text (RpSyncManager *manager,
               guint          index)
{
  const char *error = NULL;
  guint64 done = 0, total = 0;

  switch (rp_sync_manager_get_database_state (manager, index, &error, &done, &total))
    {
    case RP_SYNC_STATE_SYNCING:
      if (total > 0)
        {
          g_autofree char *done_s = format_count (done);
          g_autofree char *total_s = format_count (MAX (total, done));

          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s document",
                                               "%s of %s documents", (gulong) MAX (total, done)),
                                  done_s, total_s);
        }
      return g_strdup (_("Syncing…"));

    case RP_SYNC_STATE_OFFLINE:
      return g_strdup (_("Offline"));

    case RP_SYNC_STATE_ERROR:
      return g_strdup (error ? error : _("Sync failed."));

    case RP_SYNC_STATE_IDLE:
    default:
      if (rp_sync_manager_get_last_sync (manager) > 0)
        return g_strdup (_("Up to date"));
      return g_strdup (_("Not Synced Yet"));
    }
}

/* One row per database: its state and the server it comes from */
static void
fill_databases (RpSyncStatus *self)
{
  const char *const *dbs = self->manager ? rp_sync_manager_get_databases (self->manager) : NULL;
  const char *url = self->manager ? rp_sync_manager_get_server_url (self->manager) : NULL;
  g_autofree char *joined = NULL;
  g_autofree char *key = NULL;
  GtkWidget *child;
  guint i = 0;

  /* Rows are made again only when the configuration changed */
  joined = dbs ? g_strjoinv ("\n", (char **) dbs) : g_strdup ("");
  key = g_strdup_printf ("%s\n%s", url ? url : "", joined);
  if (g_strcmp0 (key, self->databases_key) != 0)
    {
      g_free (self->databases_key);
      self->databases_key = g_steal_pointer (&key);

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->databases_list))))
        gtk_list_box_remove (self->databases_list, child);

      for (guint j = 0; dbs != NULL && dbs[j] != NULL; j++)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dbs[j]);
          gtk_list_box_append (self->databases_list, row);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->databases_list), dbs != NULL && dbs[0] != NULL);
    }

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->databases_list));
       child != NULL && self->manager != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    {
      g_autofree char *state = database_text (self->manager, i);
      g_autofree char *subtitle = NULL;

      /* Translators: a database in the sync popover: its state, then its server */
      subtitle = g_strdup_printf (_("%s · %s"), state, url ? url : "");

      if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (child)), subtitle) != 0)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (child), subtitle);
    }
}

static void
update (RpSyncStatus *self)
{
  RpSyncState state = RP_SYNC_STATE_IDLE;
  const char *icon = "emblem-synchronizing-symbolic";
  const char *error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *progress = NULL;
  gboolean configured = self->manager != NULL && is_configured (self->manager);
  gboolean syncing = FALSE;
  guint64 done = 0, total = 0;

  if (!configured)
    {
      text = g_strdup (_("Not Syncing"));
      heading = g_strdup (_("No server is set up. Customer data stays on this computer."));
      icon = "network-server-symbolic";
    }
  else
    {
      state = rp_sync_manager_get_state (self->manager);
      done = rp_sync_manager_get_docs_done (self->manager);
      total = rp_sync_manager_get_docs_total (self->manager);

      switch (state)
        {
        case RP_SYNC_STATE_SYNCING:
          syncing = TRUE;
          if (total > done && total > 0)
            /* Translators: the header while syncing, "Syncing… 45%" */
            text = g_strdup_printf (_("Syncing… %d%%"), (int) (100.0 * done / total));
          else
            text = g_strdup (_("Syncing…"));
          heading = g_strdup (_("Syncing with the server"));
          break;

        case RP_SYNC_STATE_OFFLINE:
          text = g_strdup (_("Offline"));
          heading = g_strdup (_("Offline: changes will be sent and received when the network is back."));
          icon = "network-offline-symbolic";
          break;

        case RP_SYNC_STATE_ERROR:
          error = rp_sync_manager_get_error_message (self->manager);
          if (error == NULL || *error == '\0')
            error = _("Sync failed.");
          text = g_strdup (error);
          heading = g_strdup (_("Sync failed"));
          icon = "dialog-warning-symbolic";
          break;

        case RP_SYNC_STATE_IDLE:
        default:
          {
            gint64 last = rp_sync_manager_get_last_sync (self->manager);

            if (last > 0)
              {
                g_autoptr(GDateTime) when = rp_date_time_from_usec (last);
                g_autoptr(GDateTime) now = g_date_time_new_now_local ();
                g_autofree char *relative = rp_format_relative (when, now);
                g_autofree char *exact = rp_format_date_time (when);

                /* Translators: the header, "Synced 2 minutes ago" */
                text = g_strdup_printf (_("Synced %s"), relative);
                /* Translators: the sync popover, "Last synced November 23, 2026 at 14:05" */
                heading = g_strdup_printf (_("Last synced %s"), exact);
                icon = "emblem-ok-symbolic";
              }
            else
              {
                text = g_strdup (_("Not Synced Yet"));
                heading = g_strdup (_("Waiting for the first sync"));
              }
          }
          break;
        }

      if (syncing && total > 0)
        progress = progress_text (self->manager);
    }

  set_text (self, text);
  gtk_label_set_text (self->heading, heading);
  /* GTK 4.8 trips over a tooltip replaced while it shows: only on change */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (self->menu_button)), text) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), text);
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), !syncing);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), syncing);
  gtk_spinner_set_spinning (self->spinner, syncing);

  if (state == RP_SYNC_STATE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self->label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          configured && (state == RP_SYNC_STATE_ERROR || state == RP_SYNC_STATE_OFFLINE));

  gtk_label_set_text (self->error_label, error ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);

  g_free (self->progress);
  self->progress = g_strdup (progress ? progress : "");
  gtk_label_set_text (self->progress_label, self->progress);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), progress != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), progress != NULL);
  if (progress != NULL)
    gtk_progress_bar_set_fraction (self->progress_bar, total ? MIN (1.0, (double) done / total) : 0);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync-status.retry", configured);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync-status.sync-now", configured && !syncing);

  fill_databases (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  update (RP_SYNC_STATUS (user_data));
  return G_SOURCE_CONTINUE;
}

static void
manager_notify_cb (RpSyncStatus *self,
                   GParamSpec   *pspec,
                   GObject      *manager)
{
  update (self);
}

static void
sync_once_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The manager's state shows the outcome; only the log keeps the detail */
  if (!rp_sync_manager_sync_once_finish (RP_SYNC_MANAGER (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Sync failed: %s", error->message);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  RpSyncStatus *self = RP_SYNC_STATUS (widget);

  if (self->manager == NULL)
    return;

  if (rp_sync_manager_get_live (self->manager))
    rp_sync_manager_retry_now (self->manager);
  else
    rp_sync_manager_sync_once_async (self->manager, self->cancellable, sync_once_cb, NULL);
}

static void
rp_sync_status_dispose (GObject *object)
{
  RpSyncStatus *self = (RpSyncStatus *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_SYNC_STATUS);
  /* The template's root box is not bound to a field: unparent it too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (rp_sync_status_parent_class)->dispose (object);
}

static void
rp_sync_status_finalize (GObject *object)
{
  RpSyncStatus *self = (RpSyncStatus *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->progress, g_free);
  g_clear_pointer (&self->databases_key, g_free);

  G_OBJECT_CLASS (rp_sync_status_parent_class)->finalize (object);
}

static void
rp_sync_status_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  RpSyncStatus *self = RP_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_sync_status_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  RpSyncStatus *self = RP_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      rp_sync_status_set_manager (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_sync_status_class_init (RpSyncStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_sync_status_dispose;
  object_class->finalize = rp_sync_status_finalize;
  object_class->get_property = rp_sync_status_get_property;
  object_class->set_property = rp_sync_status_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, RP_TYPE_SYNC_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/rapport/Rapport/ui/rp-sync-status.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, databases_list);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, error_label);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, heading);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, icon);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, label);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, menu_button);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, retry_button);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, spinner);
  gtk_widget_class_bind_template_child (widget_class, RpSyncStatus, sync_now_button);

  /* Both end any wait: live sync catches up at once, otherwise one pass */
  gtk_widget_class_install_action (widget_class, "sync-status.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "sync-status.sync-now", NULL, retry_action);
}

static void
rp_sync_status_init (RpSyncStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
  /* Per database states change without the overall one: fresh when opened */
  g_signal_connect_object (gtk_menu_button_get_popover (self->menu_button), "show",
                           G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

GtkWidget *
rp_sync_status_new (void)
{
  return g_object_new (RP_TYPE_SYNC_STATUS, NULL);
}

RpSyncManager *
rp_sync_status_get_manager (RpSyncStatus *self)
{
  g_return_val_if_fail (RP_IS_SYNC_STATUS (self), NULL);
  return self->manager;
}

void
rp_sync_status_set_manager (RpSyncStatus  *self,
                            RpSyncManager *manager)
{
  g_return_if_fail (RP_IS_SYNC_STATUS (self));
  g_return_if_fail (!manager || RP_IS_SYNC_MANAGER (manager));

  if (self->manager == manager)
    return;

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_func (self->manager, manager_notify_cb, self);
  g_set_object (&self->manager, manager);

  if (manager != NULL)
    g_signal_connect_object (manager, "notify", G_CALLBACK (manager_notify_cb), self,
                             G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANAGER]);
}

const char *
rp_sync_status_get_text (RpSyncStatus *self)
{
  g_return_val_if_fail (RP_IS_SYNC_STATUS (self), NULL);
  return self->text;
}

const char *
rp_sync_status_get_progress (RpSyncStatus *self)
{
  g_return_val_if_fail (RP_IS_SYNC_STATUS (self), NULL);
  return self->progress;
}

GtkButton *
rp_sync_status_get_retry_button (RpSyncStatus *self)
{
  g_return_val_if_fail (RP_IS_SYNC_STATUS (self), NULL);
  return self->retry_button;
}

GtkMenuButton *
rp_sync_status_get_menu_button (RpSyncStatus *self)
{
  g_return_val_if_fail (RP_IS_SYNC_STATUS (self), NULL);
  return self->menu_button;
}
