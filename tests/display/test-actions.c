/* test-actions.c: the agent's offline actions in a real window under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "display-util.h"
#include "rp-action-dialog.h"
#include "rp-application.h"
#include "rp-cache.h"
#include "rp-customer-actions.h"
#include "rp-customer-view.h"
#include "rp-doc.h"
#include "rp-offline-banner.h"
#include "rp-timeline-item.h"
#include "rp-timeline-model.h"

#define KATO     "customer:44444444-4444-4444-8444-444444444444"
#define TICKET   "ticket:44444444-0000-4000-8000-000000000001"

static char *tmpdir;

/* Screenshots of the Japanese run get a -ja suffix */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *file = rp_test_screenshot_name ("", name);

  rp_test_settle (widget);
  rp_test_screenshot (widget, file);
}

static void
apply_json (RpCache    *cache,
            const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  JsonArray *array;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (nodes, json_array_get_element (array, i));
  g_assert_true (rp_cache_apply (cache, (JsonNode *const *) nodes->pdata, nodes->len,
                                 NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* E-mail offers allowed, SMS withdrawn by phone, phone never asked,
 * profiling not granted; one open ticket */
static RpCache *
open_cache (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  RpCache *cache = rp_cache_open (path, &error);

  g_assert_no_error (error);
  apply_json (cache, "["
    "{\"_id\":\"" KATO "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2021-05-01T09:00:00Z\","
    " \"name\":{\"family\":\"Kato\",\"given\":\"Emi\"},\"emails\":[\"emi.kato@example.jp\"],"
    " \"phones\":[\"+819011112222\"],\"language\":\"en\",\"preferred_channel\":\"email\","
    " \"tier\":\"silver\",\"member_since\":\"2021-05-01\","
    " \"lifetime_value\":{\"amount\":230000,\"currency\":\"JPY\"},\"branch\":\"tokyo\",\"tags\":[]},"
    "{\"_id\":\"" TICKET "\",\"type\":\"ticket\",\"schema\":1,\"at\":\"2026-11-20T09:00:00Z\","
    " \"customer_id\":\"" KATO "\",\"number\":\"T-200001\",\"subject\":\"Wrong size delivered\","
    " \"channel\":\"phone\",\"queue\":\"returns\",\"priority\":\"normal\",\"status\":\"open\","
    " \"assignee\":\"sato\",\"tags\":[]},"
    "{\"_id\":\"consent:44444444-0000-4000-8000-000000000002\",\"type\":\"consent\",\"schema\":1,"
    " \"at\":\"2025-03-03T10:00:00Z\",\"customer_id\":\"" KATO "\",\"purpose\":\"marketing_email\","
    " \"state\":\"granted\",\"source\":\"web\",\"recorded_by\":\"web\",\"evidence\":\"signup\"},"
    "{\"_id\":\"consent:44444444-0000-4000-8000-000000000003\",\"type\":\"consent\",\"schema\":1,"
    " \"at\":\"2026-10-02T08:30:00Z\",\"customer_id\":\"" KATO "\",\"purpose\":\"marketing_sms\","
    " \"state\":\"withdrawn\",\"source\":\"phone\",\"recorded_by\":\"sato\",\"evidence\":\"call\"}"
    "]");

  return cache;
}

typedef struct
{
  GtkWindow         *window;
  RpCustomerView    *view;
  RpCustomerActions *actions;
  RpOfflineBanner   *banner;
} Ui;

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
wait_loaded (RpCustomerView *view)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (view, "loaded", G_CALLBACK (rp_test_flag_signal_cb), &done);

  rp_test_wait_for_flag (&done);
  g_signal_handler_disconnect (view, id);
}

static void
ui_open (Ui      *ui,
         RpCache *cache)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  ui->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (ui->window, 1100, 760);
  ui->banner = RP_OFFLINE_BANNER (rp_offline_banner_new ());
  rp_offline_banner_set_cache (ui->banner, cache);
  ui->view = RP_CUSTOMER_VIEW (rp_customer_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (ui->view), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ui->banner));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ui->view));
  adw_window_set_content (ADW_WINDOW (ui->window), box);
  rp_customer_view_set_cache (ui->view, cache);
  gtk_window_present (ui->window);

  rp_customer_view_load (ui->view, KATO);
  wait_loaded (ui->view);
  ui->actions = RP_CUSTOMER_ACTIONS (find_widget (GTK_WIDGET (ui->view),
                                                  RP_TYPE_CUSTOMER_ACTIONS));
  g_assert_nonnull (ui->actions);
}

static void
ui_close (Ui *ui)
{
  gtk_window_destroy (ui->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
saved_cb (RpCustomerActions *actions,
          GStrv              ids,
          gpointer           flag)
{
  *(gboolean *) flag = TRUE;
}

/* Fills and saves a dialog, then waits for the view to show the result */
static void
save_and_wait (Ui             *ui,
               RpActionDialog *dialog)
{
  gboolean saved = FALSE, loaded = FALSE;
  gulong saved_id = g_signal_connect (ui->actions, "saved", G_CALLBACK (saved_cb), &saved);
  gulong loaded_id = g_signal_connect (ui->view, "loaded", G_CALLBACK (rp_test_flag_signal_cb), &loaded);

  rp_action_dialog_save (dialog);
  rp_test_wait_for_flag (&saved);
  rp_test_wait_for_flag (&loaded);
  g_signal_handler_disconnect (ui->actions, saved_id);
  g_signal_handler_disconnect (ui->view, loaded_id);
}

/* What the offers menu shows: enabled, or off with the reason */
static gboolean
action_enabled (RpCustomerActions *actions,
                RpActionKind       kind)
{
  return rp_customer_actions_get_reason (actions, kind) == NULL;
}

static void
test_consent_gating (void)
{
  g_autoptr(RpCache) cache = open_cache ("gating.db");
  RpActionDialog *dialog;
  Ui ui = { 0 };

  ui_open (&ui, cache);

  g_assert_true (action_enabled (ui.actions, RP_ACTION_OFFER_EMAIL));
  g_assert_false (action_enabled (ui.actions, RP_ACTION_OFFER_SMS));
  g_assert_false (action_enabled (ui.actions, RP_ACTION_OFFER_PHONE));
  g_assert_cmpstr (rp_customer_actions_get_reason (ui.actions, RP_ACTION_OFFER_SMS), ==,
                   "Withdrawn on 2026-10-02 via phone");
  g_assert_cmpstr (rp_customer_actions_get_reason (ui.actions, RP_ACTION_OFFER_PHONE), ==,
                   "No consent recorded");
  /* A withdrawn consent cannot be worked around through the dialog */
  g_assert_null (rp_customer_actions_open (ui.actions, RP_ACTION_OFFER_SMS));
  g_assert_false (rp_customer_actions_get_suggestions_visible (ui.actions));

  /* The customer agrees on the phone to calls and to profiling */
  dialog = rp_customer_actions_open (ui.actions, RP_ACTION_CONSENT);
  gtk_window_present (GTK_WINDOW (dialog));
  adw_combo_row_set_selected (ADW_COMBO_ROW (rp_action_dialog_get_field (dialog, "purpose")), 2);
  adw_combo_row_set_selected (ADW_COMBO_ROW (rp_action_dialog_get_field (dialog, "state")), 0);
  gtk_editable_set_text (GTK_EDITABLE (rp_action_dialog_get_field (dialog, "evidence")),
                         "Agreed on the phone");
  screenshot (GTK_WIDGET (dialog), "action-consent");
  save_and_wait (&ui, dialog);
  g_assert_true (action_enabled (ui.actions, RP_ACTION_OFFER_PHONE));

  dialog = rp_customer_actions_open (ui.actions, RP_ACTION_CONSENT);
  gtk_window_present (GTK_WINDOW (dialog));
  adw_combo_row_set_selected (ADW_COMBO_ROW (rp_action_dialog_get_field (dialog, "purpose")), 3);
  adw_combo_row_set_selected (ADW_COMBO_ROW (rp_action_dialog_get_field (dialog, "state")), 0);
  save_and_wait (&ui, dialog);
  g_assert_true (rp_customer_actions_get_suggestions_visible (ui.actions));
  g_assert_cmpint (rp_cache_outbox_count (cache, "pending"), ==, 2);

  /* Withdrawn again: the phone offer goes away with the reason */
  dialog = rp_customer_actions_open (ui.actions, RP_ACTION_CONSENT);
  gtk_window_present (GTK_WINDOW (dialog));
  adw_combo_row_set_selected (ADW_COMBO_ROW (rp_action_dialog_get_field (dialog, "purpose")), 2);
  adw_combo_row_set_selected (ADW_COMBO_ROW (rp_action_dialog_get_field (dialog, "state")), 1);
  save_and_wait (&ui, dialog);
  g_assert_false (action_enabled (ui.actions, RP_ACTION_OFFER_PHONE));
  g_assert_true (g_str_has_prefix (rp_customer_actions_get_reason (ui.actions,
                                                                   RP_ACTION_OFFER_PHONE),
                                   "Withdrawn on "));
  screenshot (GTK_WIDGET (ui.window), "actions-offers");

  ui_close (&ui);
}

static gboolean
timeline_has_waiting (RpCustomerView *view,
                      const char     *title)
{
  GListModel *model = G_LIST_MODEL (rp_customer_view_get_model (view));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(RpTimelineItem) item = g_list_model_get_item (model, i);
      const RpEvent *event;

      if (rp_timeline_item_is_header (item))
        continue;
      event = rp_timeline_item_get_event (item);
      if (event != NULL && g_strcmp0 (event->title, title) == 0)
        return g_strcmp0 (event->outbox_state, "pending") == 0;
    }
  return FALSE;
}

static void
test_disk_full (void)
{
  g_autoptr(RpCache) cache = open_cache ("full.db");
  g_autoptr(GString) text = g_string_new ("Customer called about the wrong size. ");
  g_autofree char *typed = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  RpActionDialog *dialog;
  Ui ui = { 0 };

  ui_open (&ui, cache);
  dialog = rp_customer_actions_open (ui.actions, RP_ACTION_NOTE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  /* Large enough to need new pages */
  while (text->len < 300 * 1024)
    g_string_append (text, "The exchange parcel should go out tomorrow. ");
  buffer = rp_action_dialog_get_body_buffer (dialog);
  gtk_text_buffer_set_text (buffer, text->str, -1);

  rp_cache_set_max_pages (cache, 1);
  rp_action_dialog_save (dialog);
  while (rp_action_dialog_get_error (dialog) == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (rp_action_dialog_get_error (dialog), ==,
                   _("Not saved: the disk is full. What you typed is kept here; free some "
                     "space and save again."));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  typed = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (typed, ==, text->str);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpint (rp_cache_outbox_count (cache, NULL), ==, 0);
  screenshot (GTK_WIDGET (dialog), "action-disk-full");
  gtk_text_buffer_set_text (buffer, "Customer called about the wrong size; exchange sent.", -1);

  /* Room again: the same dialog saves, closes, and the note shows at once,
   * waiting to sync, with the banner counting it */
  rp_cache_set_max_pages (cache, 0);
  save_and_wait (&ui, dialog);
  g_assert_null (dialog);
  g_assert_cmpint (rp_cache_outbox_count (cache, "pending"), ==, 1);
  g_assert_true (timeline_has_waiting (ui.view,
                                       "Customer called about the wrong size; exchange sent."));

  rp_offline_banner_set_offline (ui.banner, TRUE);
  rp_offline_banner_update (ui.banner);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ui.banner)));
  {
    g_autofree char *expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "Offline — %d change waiting",
                                                              "Offline — %d changes waiting", 1),
                                                 1);
    g_assert_cmpstr (rp_offline_banner_get_text (ui.banner), ==, expected);
  }
  screenshot (GTK_WIDGET (ui.window), "offline-banner");

  ui_close (&ui);
}

/* Every dialog, for a look: keyboard focus lands in the form */
static void
test_dialogs (void)
{
  g_autoptr(RpCache) cache = open_cache ("dialogs.db");
  static const struct { RpActionKind kind; const char *name; } kinds[] = {
    { RP_ACTION_NOTE, "action-note" },
    { RP_ACTION_INTERACTION, "action-interaction" },
    { RP_ACTION_TICKET, "action-ticket" },
    { RP_ACTION_UPDATE_TICKET, "action-update" },
    { RP_ACTION_HANDOFF, "action-handoff" },
    { RP_ACTION_OFFER_EMAIL, "action-offer-email" },
  };
  Ui ui = { 0 };

  ui_open (&ui, cache);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      RpActionDialog *dialog = rp_customer_actions_open (ui.actions, kinds[i].kind);

      g_assert_nonnull (dialog);
      gtk_window_present (GTK_WINDOW (dialog));
      if (kinds[i].kind == RP_ACTION_HANDOFF)
        {
          /* The handoff note is required */
          gtk_editable_set_text (GTK_EDITABLE (rp_action_dialog_get_field (dialog, "queue")),
                                 "billing");
          g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL)
                          && rp_action_dialog_get_error (dialog) != NULL);
          gtk_text_buffer_set_text (rp_action_dialog_get_body_buffer (dialog),
                                    "Refund approved; confirm the bank details and close.", -1);
        }
      screenshot (GTK_WIDGET (dialog), kinds[i].name);
      if (kinds[i].kind == RP_ACTION_HANDOFF)
        save_and_wait (&ui, dialog);
      else
        gtk_window_destroy (GTK_WINDOW (dialog));
    }

  /* The handoff is what the next agent reads first */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) show = rp_cache_show (cache, KATO, g_get_real_time (), &error);
    JsonObject *handoff = json_object_get_object_member (show, "latest_handoff");

    g_assert_nonnull (handoff);
    g_assert_cmpstr (rp_json_string (handoff, "note"), ==,
                     "Refund approved; confirm the bank details and close.");
  }
  screenshot (GTK_WIDGET (ui.window), "customer-after-handoff");

  ui_close (&ui);
}

static void
find_buttons (GtkWidget *widget,
              GPtrArray *out)
{
  if (GTK_IS_BUTTON (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    find_buttons (child, out);
}

static GtkWidget *
button_labelled (GtkWidget  *root,
                 const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  find_buttons (root, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

/* What the server refused is listed with its reason; Retry queues it
 * again, Discard removes it */
static void
test_rejected (void)
{
  g_autoptr(RpCache) cache = open_cache ("rejected.db");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  RpActionDialog *dialog;
  GtkWindow *list;
  Ui ui = { 0 };

  ui_open (&ui, cache);
  dialog = rp_customer_actions_open (ui.actions, RP_ACTION_NOTE);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_text_buffer_set_text (rp_action_dialog_get_body_buffer (dialog), "VIP: call back first", -1);
  save_and_wait (&ui, dialog);

  items = rp_cache_outbox_list (cache, NULL, NULL, 0, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_true (rp_cache_outbox_reject (cache, ((RpOutboxItem *) items->pdata[0])->seq,
                                         "Only supervisors may pin notes", &error));
  rp_offline_banner_update (ui.banner);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ui.banner)));

  list = rp_offline_banner_show_rejected (ui.banner);
  gtk_window_present (list);
  screenshot (GTK_WIDGET (list), "rejected-changes");
  g_assert_nonnull (button_labelled (GTK_WIDGET (list), _("_Discard")));

  g_signal_emit_by_name (button_labelled (GTK_WIDGET (list), _("_Retry")), "clicked");
  g_assert_cmpint (rp_cache_outbox_count (cache, "pending"), ==, 1);
  g_assert_true (rp_cache_outbox_reject (cache, ((RpOutboxItem *) items->pdata[0])->seq,
                                         "Only supervisors may pin notes", &error));
  list = rp_offline_banner_show_rejected (ui.banner);
  g_signal_emit_by_name (button_labelled (GTK_WIDGET (list), _("_Discard")), "clicked");
  g_assert_cmpint (rp_cache_outbox_count (cache, NULL), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ui.banner)));

  gtk_window_destroy (list);
  ui_close (&ui);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpApplication) app = NULL;
  int ret;

  rp_test_display_init (&argc, &argv);

  tmpdir = g_dir_make_tmp ("rapport-actions-XXXXXX", &error);
  g_assert_no_error (error);

  /* The application's style sheet and icons */
  app = rp_test_application_new ();

  if (setlocale (LC_MESSAGES, NULL) == NULL || !g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "ja"))
    {
      g_test_add_func ("/display/actions/consent-gating", test_consent_gating);
    }
  g_test_add_func ("/display/actions/disk-full", test_disk_full);
  g_test_add_func ("/display/actions/dialogs", test_dialogs);
  g_test_add_func ("/display/actions/rejected", test_rejected);

  ret = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_remove (path);
      }
    g_rmdir (tmpdir);
  }

  return ret;
}
