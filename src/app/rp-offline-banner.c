/* rp-offline-banner.c: "Offline — 3 changes waiting", and refused changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2 has no AdwBanner: this is the same strip, a revealer
 * with a label and a button.  It tells the agent that their work is safe
 * while the server is unreachable, and lists what the server refused so
 * nothing is dropped silently.
 */

#define G_LOG_DOMAIN "rp-offline-banner"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rp-format.h"
#include "rp-offline-banner.h"

struct _RpOfflineBanner
{
  GtkWidget      parent_instance;

  RpCache       *cache;
  RpSyncManager *manager;
  gboolean       offline;
  gboolean       failing;       /* the server is not answering as it should */
  gint64         pending;
  gint64         rejected;
  char          *text;

  GtkRevealer   *revealer;
  GtkLabel      *label;
  GtkButton     *review_button;
  GtkWindow     *rejected_window;
};

G_DEFINE_FINAL_TYPE (RpOfflineBanner, rp_offline_banner, GTK_TYPE_WIDGET)

static void
show_toast (RpOfflineBanner *self,
            const char      *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

static void
render (RpOfflineBanner *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->offline)
    {
      if (self->pending > 0)
        /* Translators: the offline banner; %d is a count of the agent's saved changes */
        g_string_printf (text, g_dngettext (GETTEXT_PACKAGE, "Offline — %d change waiting",
                                            "Offline — %d changes waiting", self->pending),
                         (int) self->pending);
      else
        g_string_assign (text, _("Offline — changes are kept on this computer"));
    }
  else if (self->failing && self->pending > 0)
    /* Translators: the banner while sync fails (server down, refused login);
     * %d is a count of the agent's saved changes */
    g_string_printf (text, g_dngettext (GETTEXT_PACKAGE, "Not syncing — %d change waiting",
                                        "Not syncing — %d changes waiting", self->pending),
                     (int) self->pending);
  if (self->rejected > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%d change refused by the server",
                                                 "%d changes refused by the server",
                                                 self->rejected),
                              (int) self->rejected);
    }

  g_free (self->text);
  self->text = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_label_set_text (self->label, self->text);
  gtk_widget_set_visible (GTK_WIDGET (self->review_button), self->rejected > 0);
  gtk_revealer_set_reveal_child (self->revealer, *self->text != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self), *self->text != '\0');
}

static void
state_changed_cb (RpSyncManager   *manager,
                  GParamSpec      *pspec,
                  RpOfflineBanner *self)
{
  RpSyncState state = rp_sync_manager_get_state (manager);

  self->failing = state == RP_SYNC_STATE_ERROR;
  rp_offline_banner_set_offline (self, state == RP_SYNC_STATE_OFFLINE);
  render (self);
}

static void
pushed_cb (RpSyncManager   *manager,
           guint            confirmed,
           guint            rejected,
           RpOfflineBanner *self)
{
  g_autofree char *title = NULL;

  rp_offline_banner_update (self);

  if (rejected > 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u change sent; %u refused by the server",
                                          "%u changes sent; %u refused by the server",
                                          confirmed),
                             confirmed, rejected);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change sent to the server",
                                          "%u changes sent to the server", confirmed),
                             confirmed);
  show_toast (self, title);
}

/* The list of refused changes */

static void fill_rejected (RpOfflineBanner *self);

static void
retry_clicked_cb (GtkButton       *button,
                  RpOfflineBanner *self)
{
  gint64 seq = *(gint64 *) g_object_get_data (G_OBJECT (button), "rp-seq");
  g_autoptr(GError) error = NULL;

  if (!rp_cache_outbox_retry (self->cache, seq, &error))
    g_warning ("Cannot retry a change: %s", error->message);
  if (self->manager != NULL)
    rp_sync_manager_push_now (self->manager);
  rp_offline_banner_update (self);
  fill_rejected (self);
}

static void
discard_clicked_cb (GtkButton       *button,
                    RpOfflineBanner *self)
{
  gint64 seq = *(gint64 *) g_object_get_data (G_OBJECT (button), "rp-seq");
  g_autoptr(GError) error = NULL;

  if (!rp_cache_outbox_discard (self->cache, seq, &error))
    g_warning ("Cannot discard a change: %s", error->message);
  rp_offline_banner_update (self);
  fill_rejected (self);
}

static GtkWidget *
item_button (RpOfflineBanner *self,
             const char      *label,
             gint64           seq,
             GCallback        callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  gint64 *data = g_new (gint64, 1);

  *data = seq;
  g_object_set_data_full (G_OBJECT (button), "rp-seq", data, g_free);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", callback, self, 0);

  return button;
}

static void
fill_rejected (RpOfflineBanner *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  AdwPreferencesPage *page;
  AdwPreferencesGroup *group;

  if (self->rejected_window == NULL)
    return;

  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_description (group,
                                         _("The server refused these changes. They stay on this "
                                           "computer until you retry or discard them."));
  adw_preferences_page_add (page, group);

  items = rp_cache_outbox_list (self->cache, NULL, "rejected", 0, &error);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      RpOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (item->created_usec
                                                                      / G_USEC_PER_SEC);
      g_autofree char *when = rp_format_date_time (created);
      g_autofree char *type = g_strndup (item->doc_id, strcspn (item->doc_id, ":"));
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *discard;

      /* Translators: a refused change, "Note, saved 2 Oct 2026 10:20" */
      title = g_strdup_printf (_("%s, saved %s"), rp_format_doc_type (type), when);
      /* Translators: %s is the server's reason, in its own words */
      subtitle = g_strdup_printf (_("Server: %s"), item->error ? item->error : "?");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 item_button (self, _("_Retry"), item->seq,
                                              G_CALLBACK (retry_clicked_cb)));
      discard = item_button (self, _("_Discard"), item->seq, G_CALLBACK (discard_clicked_cb));
      gtk_widget_add_css_class (discard, "destructive-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
      adw_preferences_group_add (group, row);
    }
  if (items == NULL || items->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing was refused"));
      adw_preferences_group_add (group, row);
    }

  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
    gtk_widget_set_vexpand (GTK_WIDGET (page), TRUE);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (page));
    adw_window_set_content (ADW_WINDOW (self->rejected_window), box);
  }
}

static void
review_clicked_cb (RpOfflineBanner *self)
{
  gtk_window_present (rp_offline_banner_show_rejected (self));
}

static void
rp_offline_banner_dispose (GObject *object)
{
  RpOfflineBanner *self = (RpOfflineBanner *) object;
  GtkWidget *child;

  if (self->rejected_window != NULL)
    gtk_window_destroy (self->rejected_window);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->cache);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (rp_offline_banner_parent_class)->dispose (object);
}

static void
rp_offline_banner_finalize (GObject *object)
{
  RpOfflineBanner *self = (RpOfflineBanner *) object;

  g_free (self->text);

  G_OBJECT_CLASS (rp_offline_banner_parent_class)->finalize (object);
}

static void
rp_offline_banner_class_init (RpOfflineBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_offline_banner_dispose;
  object_class->finalize = rp_offline_banner_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "offlinebanner");
}

static void
rp_offline_banner_init (RpOfflineBanner *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("network-offline-symbolic");

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));

  gtk_widget_add_css_class (box, "offline-banner");
  gtk_box_append (GTK_BOX (box), icon);

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "heading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));

  self->review_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Review")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->review_button),
                               _("See what the server refused, and retry or discard it"));
  g_signal_connect_swapped (self->review_button, "clicked", G_CALLBACK (review_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->review_button));

  gtk_revealer_set_child (self->revealer, box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sync status"), -1);
  render (self);
}

/* Public API */

GtkWidget *
rp_offline_banner_new (void)
{
  return g_object_new (RP_TYPE_OFFLINE_BANNER, NULL);
}

void
rp_offline_banner_set_cache (RpOfflineBanner *self,
                             RpCache         *cache)
{
  g_return_if_fail (RP_IS_OFFLINE_BANNER (self));

  g_set_object (&self->cache, cache);
  rp_offline_banner_update (self);
}

void
rp_offline_banner_set_sync_manager (RpOfflineBanner *self,
                                    RpSyncManager   *manager)
{
  g_return_if_fail (RP_IS_OFFLINE_BANNER (self));

  if (self->manager == manager)
    return;
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_set_object (&self->manager, manager);
  if (manager != NULL)
    {
      g_signal_connect_object (manager, "notify::state", G_CALLBACK (state_changed_cb), self, 0);
      g_signal_connect_object (manager, "pushed", G_CALLBACK (pushed_cb), self, 0);
      state_changed_cb (manager, NULL, self);
    }
}

void
rp_offline_banner_set_offline (RpOfflineBanner *self,
                               gboolean         offline)
{
  g_return_if_fail (RP_IS_OFFLINE_BANNER (self));

  if (self->offline == !!offline)
    return;
  self->offline = !!offline;
  rp_offline_banner_update (self);
}

void
rp_offline_banner_update (RpOfflineBanner *self)
{
  g_return_if_fail (RP_IS_OFFLINE_BANNER (self));

  /* Two counts on the reading connection over a queue of a few rows */
  self->pending = self->cache ? MAX (rp_cache_outbox_count (self->cache, "pending"), 0) : 0;
  self->rejected = self->cache ? MAX (rp_cache_outbox_count (self->cache, "rejected"), 0) : 0;
  render (self);
}

const char *
rp_offline_banner_get_text (RpOfflineBanner *self)
{
  g_return_val_if_fail (RP_IS_OFFLINE_BANNER (self), NULL);
  return self->text;
}

GtkWindow *
rp_offline_banner_show_rejected (RpOfflineBanner *self)
{
  GtkRoot *root;

  g_return_val_if_fail (RP_IS_OFFLINE_BANNER (self), NULL);

  if (self->rejected_window == NULL)
    {
      self->rejected_window = GTK_WINDOW (adw_window_new ());
      g_object_add_weak_pointer (G_OBJECT (self->rejected_window),
                                 (gpointer *) &self->rejected_window);
      gtk_window_set_title (self->rejected_window, _("Refused Changes"));
      gtk_window_set_default_size (self->rejected_window, 560, 420);
      gtk_window_set_modal (self->rejected_window, TRUE);
      gtk_window_set_hide_on_close (self->rejected_window, FALSE);
      root = gtk_widget_get_root (GTK_WIDGET (self));
      if (GTK_IS_WINDOW (root))
        gtk_window_set_transient_for (self->rejected_window, GTK_WINDOW (root));
    }
  fill_rejected (self);

  return self->rejected_window;
}
