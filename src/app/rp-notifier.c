/* rp-notifier.c: desktop notifications for the agent
 *
 * A ticket newly assigned to the agent (by a document that arrived after
 * start-up), one of their tickets about to breach, and sync failing for a
 * long time.  The rules and the memory of what was already shown are the
 * core's (rp_cache_take_notices, rp_cache_mark_notified), so nothing is
 * shown twice, across restarts too.  Notifications carry the ticket number
 * and subject, never the customer's contact details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-notifier"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "rp-doc.h"
#include "rp-notifier.h"
#include "rp-queues.h"

#define CHECK_SECONDS 60
#define DEFAULT_SYNC_FAILURE_USEC (15 * G_TIME_SPAN_MINUTE)

struct _RpNotifier
{
  GObject        parent_instance;

  RpCache       *cache;
  RpSyncManager *sync_manager;
  GCancellable  *cancellable;
  RpNotifySink   sink;
  gpointer       sink_data;
  char          *agent;
  gint64         mark;            /* documents up to here were there before */
  gint64         lead_usec;
  gint64         sync_failure_usec;
  gint64         failing_since;   /* real time sync started failing, or 0 */
  gint64         now_usec;
  guint          check_id;
  gboolean       dnd;
  gboolean       checking;
  gboolean       check_again;
};

G_DEFINE_FINAL_TYPE (RpNotifier, rp_notifier, G_TYPE_OBJECT)

enum {
  OPEN_TICKET,
  CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char      *agent;
  gint64     since;
  gint64     mark;
  gint64     now_usec;
  gint64     lead_usec;
  GPtrArray *notices;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->agent);
  g_clear_pointer (&data->notices, g_ptr_array_unref);
  g_free (data);
}

static gint64
notifier_now (RpNotifier *self)
{
  return self->now_usec ? self->now_usec : g_get_real_time ();
}

typedef struct
{
  GWeakRef  notifier;
  char     *customer_id;
  char     *ticket_id;
} OpenData;

static void
open_data_free (gpointer user_data)
{
  OpenData *data = user_data;

  g_weak_ref_clear (&data->notifier);
  g_free (data->customer_id);
  g_free (data->ticket_id);
  g_free (data);
}

static void
open_action_cb (NotifyNotification *notification,
                char               *action,
                gpointer            user_data)
{
  OpenData *data = user_data;
  g_autoptr(RpNotifier) self = g_weak_ref_get (&data->notifier);

  if (self != NULL)
    g_signal_emit (self, signals[OPEN_TICKET], 0, data->customer_id, data->ticket_id);
}

static void
closed_cb (NotifyNotification *notification,
           gpointer            user_data)
{
  g_object_unref (notification);
}

static void
libnotify_show (RpNotifier *self,
                const char *kind,
                const char *title,
                const char *body,
                const char *customer_id,
                const char *ticket_id)
{
  g_autoptr(GError) error = NULL;
  NotifyNotification *notification;
  OpenData *data;

  if (!notify_is_initted () && !notify_init (_("Rapport")))
    return;

  notification = notify_notification_new (title, body, APP_ID);
  notify_notification_set_app_name (notification, _("Rapport"));
  notify_notification_set_hint_string (notification, "desktop-entry", APP_ID);
  notify_notification_set_category (notification, g_str_equal (kind, "sync-failing")
                                                    ? "network.error" : "im.received");
  if (g_str_equal (kind, "breach-soon"))
    notify_notification_set_urgency (notification, NOTIFY_URGENCY_CRITICAL);

  data = g_new0 (OpenData, 1);
  g_weak_ref_init (&data->notifier, self);
  data->customer_id = g_strdup (customer_id);
  data->ticket_id = g_strdup (ticket_id);
  notify_notification_add_action (notification, "default", _("Open"), open_action_cb, data, NULL);
  /* Freed with the notification: both actions share it */
  g_object_set_data_full (G_OBJECT (notification), "rp-open", data, open_data_free);
  notify_notification_add_action (notification, "open", _("Open"), open_action_cb, data, NULL);

  /* Kept until the server says it is closed, so its actions still work */
  g_signal_connect (notification, "closed", G_CALLBACK (closed_cb), NULL);
  if (!notify_notification_show (notification, &error))
    {
      g_debug ("Cannot show a notification: %s", error->message);
      g_object_unref (notification);
    }
}

static void
show (RpNotifier *self,
      const char *kind,
      const char *title,
      const char *body,
      const char *customer_id,
      const char *ticket_id)
{
  if (self->sink != NULL)
    self->sink (kind, title, body, customer_id, ticket_id, self->sink_data);
  else
    libnotify_show (self, kind, title, body, customer_id, ticket_id);
}

static char *
countdown (gint64 due_usec,
           gint64 now_usec)
{
  int minutes = MAX (1, (due_usec - now_usec + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Breaches in %d min", "Breaches in %d min",
                                       minutes), minutes);
}

static void
show_notice (RpNotifier     *self,
             const RpNotice *notice,
             gint64          now_usec)
{
  /* TRANSLATORS: a notification's body: ticket number · subject */
  g_autofree char *ticket = g_strdup_printf (_("%s · %s"), notice->number ? notice->number : "",
                                             notice->subject ? notice->subject : "");

  if (notice->kind == RP_NOTICE_ASSIGNED)
    show (self, "assigned", _("Ticket Assigned to You"), ticket,
          notice->customer_id, notice->ticket_id);
  else
    {
      g_autofree char *when = countdown (notice->resolution_due_usec, now_usec);
      g_autofree char *body = g_strdup_printf ("%s\n%s", ticket, when);

      show (self, "breach-soon", _("Ticket About to Breach"), body,
            notice->customer_id, notice->ticket_id);
    }
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  RpNotifier *self = source_object;
  CheckData *data = task_data;
  GError *error = NULL;

  /* The mark first: what arrives meanwhile is looked at again next time,
   * and rp_cache_take_notices never returns a notice twice */
  data->mark = rp_cache_arrival_mark (self->cache, &error);
  if (data->mark < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  data->notices = rp_cache_take_notices (self->cache, data->agent, data->since,
                                         data->now_usec, data->lead_usec, &error);
  if (data->notices == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
check_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  RpNotifier *self = RP_NOTIFIER (object);
  CheckData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Cannot look for notifications: %s", error->message);
    }
  else
    {
      if (data->mark > self->mark)
        self->mark = data->mark;
      for (guint i = 0; i < data->notices->len; i++)
        show_notice (self, g_ptr_array_index (data->notices, i), data->now_usec);
    }

  self->checking = FALSE;
  if (self->check_again)
    {
      self->check_again = FALSE;
      rp_notifier_check (self);
      return;
    }
  g_signal_emit (self, signals[CHECKED], 0);
}

static void
check_sync (RpNotifier *self)
{
  g_autofree char *key = NULL;
  g_autofree char *body = NULL;
  gint64 now = notifier_now (self);
  int minutes;

  if (self->failing_since == 0 || now - self->failing_since < self->sync_failure_usec)
    return;

  /* Once per spell of failure */
  key = g_strdup_printf ("sync-failing:%" G_GINT64_FORMAT, self->failing_since);
  if (!rp_cache_mark_notified (self->cache, key, NULL))
    return;

  minutes = (now - self->failing_since) / G_TIME_SPAN_MINUTE;
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Rapport could not sync for %d minute. Your changes are kept on this computer and will be sent later.",
                                       "Rapport could not sync for %d minutes. Your changes are kept on this computer and will be sent later.",
                                       minutes), minutes);
  show (self, "sync-failing", _("Sync Is Failing"), body, NULL, NULL);
}

static void
sync_state_cb (RpNotifier *self)
{
  if (rp_sync_manager_get_state (self->sync_manager) == RP_SYNC_STATE_ERROR)
    {
      if (self->failing_since == 0)
        self->failing_since = notifier_now (self);
    }
  else if (rp_sync_manager_get_state (self->sync_manager) != RP_SYNC_STATE_SYNCING)
    /* Synced or offline: offline is not a failure, and a retry in progress
     * does not end one */
    self->failing_since = 0;
}

static void
sync_changed_cb (RpNotifier *self)
{
  rp_notifier_check (self);
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  rp_notifier_check (user_data);
  return G_SOURCE_CONTINUE;
}

static void
rp_notifier_dispose (GObject *object)
{
  RpNotifier *self = (RpNotifier *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->sync_manager)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
  g_clear_object (&self->sync_manager);

  G_OBJECT_CLASS (rp_notifier_parent_class)->dispose (object);
}

static void
rp_notifier_finalize (GObject *object)
{
  RpNotifier *self = (RpNotifier *)object;

  g_clear_object (&self->cache);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->agent, g_free);

  G_OBJECT_CLASS (rp_notifier_parent_class)->finalize (object);
}

static void
rp_notifier_class_init (RpNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_notifier_dispose;
  object_class->finalize = rp_notifier_finalize;

  /* A notification's "Open": the customer and ticket to show */
  signals[OPEN_TICKET] = g_signal_new ("open-ticket", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* A check is done and what it found was shown */
  signals[CHECKED] = g_signal_new ("checked", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
rp_notifier_init (RpNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->mark = -1;
  self->lead_usec = RP_DEFAULT_LEAD_USEC;
  self->sync_failure_usec = DEFAULT_SYNC_FAILURE_USEC;
  self->check_id = g_timeout_add_seconds (CHECK_SECONDS, check_timeout_cb, self);
}

RpNotifier *
rp_notifier_new (RpCache *cache)
{
  RpNotifier *self;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);

  self = g_object_new (RP_TYPE_NOTIFIER, NULL);
  self->cache = g_object_ref (cache);
  return self;
}

void
rp_notifier_set_sink (RpNotifier   *self,
                      RpNotifySink  sink,
                      gpointer      user_data)
{
  g_return_if_fail (RP_IS_NOTIFIER (self));
  self->sink = sink;
  self->sink_data = user_data;
}

void
rp_notifier_set_sync_manager (RpNotifier    *self,
                              RpSyncManager *manager)
{
  g_return_if_fail (RP_IS_NOTIFIER (self));

  if (self->sync_manager == manager)
    return;
  if (self->sync_manager)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
  g_set_object (&self->sync_manager, manager);
  self->failing_since = 0;
  if (manager != NULL)
    {
      g_signal_connect_swapped (manager, "changed", G_CALLBACK (sync_changed_cb), self);
      g_signal_connect_swapped (manager, "notify::state", G_CALLBACK (sync_state_cb), self);
      sync_state_cb (self);
    }
}

void
rp_notifier_set_agent (RpNotifier *self,
                       const char *agent)
{
  g_return_if_fail (RP_IS_NOTIFIER (self));

  if (agent != NULL && agent[0] == '\0')
    agent = NULL;
  if (g_strcmp0 (self->agent, agent) == 0)
    return;
  g_free (self->agent);
  self->agent = g_strdup (agent);
  /* Someone else's tickets from before are not news to the new agent */
  self->mark = -1;
  rp_notifier_check (self);
}

void
rp_notifier_set_lead (RpNotifier *self,
                      gint64      lead_usec)
{
  g_return_if_fail (RP_IS_NOTIFIER (self));
  self->lead_usec = lead_usec > 0 ? lead_usec : RP_DEFAULT_LEAD_USEC;
}

void
rp_notifier_set_sync_failure_delay (RpNotifier *self,
                                    gint64      usec)
{
  g_return_if_fail (RP_IS_NOTIFIER (self));
  self->sync_failure_usec = usec > 0 ? usec : DEFAULT_SYNC_FAILURE_USEC;
}

void
rp_notifier_set_do_not_disturb (RpNotifier *self,
                                gboolean    dnd)
{
  g_return_if_fail (RP_IS_NOTIFIER (self));

  self->dnd = !!dnd;
  /* What was held back is looked at now */
  if (!self->dnd)
    rp_notifier_check (self);
}

void
rp_notifier_set_now (RpNotifier *self,
                     gint64      now_usec)
{
  g_return_if_fail (RP_IS_NOTIFIER (self));
  self->now_usec = now_usec;
}

void
rp_notifier_check (RpNotifier *self)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (RP_IS_NOTIFIER (self));

  /* Held back, not dropped: nothing is taken, so it shows afterwards */
  if (self->dnd)
    {
      g_signal_emit (self, signals[CHECKED], 0);
      return;
    }

  check_sync (self);

  if (self->agent == NULL)
    {
      g_signal_emit (self, signals[CHECKED], 0);
      return;
    }
  if (self->checking)
    {
      self->check_again = TRUE;
      return;
    }
  self->checking = TRUE;

  data = g_new0 (CheckData, 1);
  data->agent = g_strdup (self->agent);
  data->since = self->mark;
  data->now_usec = notifier_now (self);
  data->lead_usec = self->lead_usec;

  task = g_task_new (self, self->cancellable, check_done_cb, NULL);
  g_task_set_source_tag (task, rp_notifier_check);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
}
