/* rp-sync-manager.c: the sync of a profile, for the app and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-sync-manager"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "rp-push.h"
#include "rp-sync-manager.h"

#define BACKOFF_MIN_S  1.0
#define BACKOFF_MAX_S  300.0

/* What the syncing threads share with the manager, which they never hold
 * a reference on: they report through a weak reference on its context. */
typedef struct
{
  GWeakRef      manager;
  GMainContext *context;
  guint         generation;
  GPtrArray    *clients;        /* RpSyncClient, one per database */
  GPtrArray    *pushes;         /* RpPush, one per database */

  /* Live mode */
  GMutex        mutex;
  GCond         cond;
  guint         wake_serial;
  gboolean      stopped;
  gboolean      network_up;
  gboolean      loopback;
  GCancellable *cancellable;
  GPtrArray    *rounds;         /* GCancellable or NULL, per client */
  GPtrArray    *threads;
} Hub;

typedef struct
{
  RpSyncState  state;
  char        *error;
  guint64      done;
  guint64      total;
} DbStatus;

struct _RpSyncManager
{
  GObject          parent_instance;

  RpCache         *cache;
  GMainContext    *context;

  char            *server_url;
  char            *user;
  char            *password;
  GStrv            databases;
  RpSyncAuth       auth;
  guint            batch_docs;
  gsize            batch_bytes;
  guint            request_s;
  guint            longpoll_s;

  guint            generation;
  Hub             *hub;          /* of the current configuration, or NULL */
  GArray          *status;       /* DbStatus per database */
  gboolean         live;

  RpSyncState      state;
  gint64           last_sync;
  char            *error_message;
  guint64          docs_done;
  guint64          docs_total;
  double           rate;
  gint64           run_started;
  RpSyncStats      stats;
  RpPushStats      push_stats;

  GNetworkMonitor *monitor;
  gulong           monitor_handler;
};

G_DEFINE_FINAL_TYPE (RpSyncManager, rp_sync_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CACHE,
  PROP_SERVER_URL,
  PROP_USER,
  PROP_DATABASES,
  PROP_STATE,
  PROP_LAST_SYNC,
  PROP_ERROR_MESSAGE,
  PROP_DOCS_DONE,
  PROP_DOCS_TOTAL,
  PROP_RATE,
  PROP_LIVE,
  N_PROPS
};

enum {
  CHANGED,
  PUSHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GType
rp_sync_state_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { RP_SYNC_STATE_IDLE, "RP_SYNC_STATE_IDLE", "idle" },
        { RP_SYNC_STATE_SYNCING, "RP_SYNC_STATE_SYNCING", "syncing" },
        { RP_SYNC_STATE_OFFLINE, "RP_SYNC_STATE_OFFLINE", "offline" },
        { RP_SYNC_STATE_ERROR, "RP_SYNC_STATE_ERROR", "error" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static (g_intern_static_string ("RpSyncState"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/* A round's slot is NULL between rounds */
static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
hub_clear (Hub *hub)
{
  g_weak_ref_clear (&hub->manager);
  g_main_context_unref (hub->context);
  g_ptr_array_unref (hub->clients);
  g_ptr_array_unref (hub->pushes);
  g_mutex_clear (&hub->mutex);
  g_cond_clear (&hub->cond);
  g_clear_object (&hub->cancellable);
  g_clear_pointer (&hub->rounds, g_ptr_array_unref);
  g_clear_pointer (&hub->threads, g_ptr_array_unref);
}

static Hub *
hub_ref (Hub *hub)
{
  return g_atomic_rc_box_acquire (hub);
}

static void
hub_unref (gpointer hub)
{
  g_atomic_rc_box_release_full (hub, (GDestroyNotify) hub_clear);
}

/* Reports from the syncing threads, handled on the manager's context */

typedef enum
{
  REPORT_STARTED,
  REPORT_PROGRESS,
  REPORT_DONE,
  REPORT_FAILED,
  REPORT_OFFLINE,
  REPORT_IDLE,
} ReportKind;

typedef struct
{
  Hub         *hub;
  guint        index;
  ReportKind   kind;
  guint64      done;
  guint64      total;
  GStrv        customers;
  char        *error;
  RpSyncStats  stats;
} Report;

/* Runs @func on the manager's context, always later and never in the
 * calling thread: g_main_context_invoke () would run it right here when
 * the context happens to be free, which puts the manager's bookkeeping,
 * its notifications and whatever a window does with them (GTK) on a
 * syncing thread. */
static void
hub_dispatch (Hub            *hub,
              GSourceFunc     func,
              gpointer        data,
              GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[rapport] sync report");
  g_source_attach (source, hub->context);
}

static void
report_free (gpointer data)
{
  Report *report = data;

  hub_unref (report->hub);
  g_strfreev (report->customers);
  g_free (report->error);
  g_free (report);
}

static void
update_state (RpSyncManager *self)
{
  RpSyncState state = RP_SYNC_STATE_IDLE;
  const char *error = NULL;
  guint64 done = 0, total = 0;
  double rate = 0;

  for (guint i = 0; i < self->status->len; i++)
    {
      DbStatus *status = &g_array_index (self->status, DbStatus, i);

      done += status->done;
      total += status->total;
      if (status->state == RP_SYNC_STATE_ERROR && state != RP_SYNC_STATE_ERROR)
        {
          state = RP_SYNC_STATE_ERROR;
          error = status->error;
        }
      else if (status->state == RP_SYNC_STATE_SYNCING && state == RP_SYNC_STATE_IDLE)
        state = RP_SYNC_STATE_SYNCING;
      else if (status->state == RP_SYNC_STATE_OFFLINE && state != RP_SYNC_STATE_ERROR)
        state = RP_SYNC_STATE_OFFLINE;
    }

  if (self->run_started > 0)
    {
      double elapsed = (g_get_monotonic_time () - self->run_started) / (double) G_USEC_PER_SEC;

      if (elapsed > 0.2)
        rate = done / elapsed;
    }

  g_object_freeze_notify (G_OBJECT (self));

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (self->error_message, error) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
  if (self->docs_done != done)
    {
      self->docs_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCS_DONE]);
    }
  if (self->docs_total != total)
    {
      self->docs_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCS_TOTAL]);
    }
  if (self->rate != rate)
    {
      self->rate = rate;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
report_dispatch_cb (gpointer data)
{
  Report *report = data;
  g_autoptr(RpSyncManager) self = g_weak_ref_get (&report->hub->manager);
  DbStatus *status;

  if (self == NULL || self->generation != report->hub->generation
      || report->index >= self->status->len)
    return G_SOURCE_REMOVE;

  status = &g_array_index (self->status, DbStatus, report->index);

  switch (report->kind)
    {
    case REPORT_STARTED:
      status->state = RP_SYNC_STATE_SYNCING;
      if (self->run_started == 0)
        self->run_started = g_get_monotonic_time ();
      break;

    case REPORT_PROGRESS:
      status->state = RP_SYNC_STATE_SYNCING;
      status->done = report->done;
      status->total = report->total;
      break;

    case REPORT_DONE:
      status->state = RP_SYNC_STATE_IDLE;
      g_clear_pointer (&status->error, g_free);
      self->last_sync = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      break;

    case REPORT_FAILED:
      status->state = RP_SYNC_STATE_ERROR;
      g_free (status->error);
      status->error = g_strdup (report->error);
      break;

    case REPORT_OFFLINE:
      status->state = RP_SYNC_STATE_OFFLINE;
      g_clear_pointer (&status->error, g_free);
      break;

    case REPORT_IDLE:
      if (status->state == RP_SYNC_STATE_SYNCING)
        status->state = RP_SYNC_STATE_IDLE;
      break;

    default:
      g_assert_not_reached ();
    }

  self->stats.applied.inserted += report->stats.applied.inserted;
  self->stats.applied.updated += report->stats.applied.updated;
  self->stats.applied.deleted += report->stats.applied.deleted;
  self->stats.applied.erased += report->stats.applied.erased;
  self->stats.applied.skipped += report->stats.applied.skipped;
  self->stats.received += report->stats.received;
  self->stats.bytes += report->stats.bytes;
  self->stats.batches += report->stats.batches;
  self->stats.changed |= report->stats.changed;

  update_state (self);

  if (report->customers != NULL && report->customers[0] != NULL)
    g_signal_emit (self, signals[CHANGED], 0, report->customers);

  return G_SOURCE_REMOVE;
}

static void
hub_report (Hub               *hub,
            guint              index,
            ReportKind         kind,
            const GError      *error,
            const RpSyncStats *stats)
{
  Report *report = g_new0 (Report, 1);

  report->hub = hub_ref (hub);
  report->index = index;
  report->kind = kind;
  report->error = error ? g_strdup (error->message) : NULL;
  if (stats != NULL)
    report->stats = *stats;

  hub_dispatch (hub, report_dispatch_cb, report, report_free);
}

typedef struct
{
  Hub         *hub;
  RpPushStats  stats;
} PushReport;

static void
push_report_free (gpointer data)
{
  PushReport *report = data;

  hub_unref (report->hub);
  g_free (report);
}

static gboolean
push_report_dispatch_cb (gpointer data)
{
  PushReport *report = data;
  g_autoptr(RpSyncManager) self = g_weak_ref_get (&report->hub->manager);

  if (self == NULL || self->generation != report->hub->generation)
    return G_SOURCE_REMOVE;

  self->push_stats.confirmed += report->stats.confirmed;
  self->push_stats.rejected += report->stats.rejected;
  self->push_stats.failed += report->stats.failed;
  self->push_stats.batches += report->stats.batches;

  g_signal_emit (self, signals[PUSHED], 0, report->stats.confirmed, report->stats.rejected);

  return G_SOURCE_REMOVE;
}

/* Sends what the outbox holds for database @index, before any pull */
static gboolean
hub_push (Hub           *hub,
          guint          index,
          GCancellable  *cancellable,
          GError       **error)
{
  RpPush *push = g_ptr_array_index (hub->pushes, index);
  PushReport *report;
  RpPushStats stats = { 0 };
  gboolean ok;

  if (!rp_push_has_pending (push))
    return TRUE;

  ok = rp_push_run (push, &stats, cancellable, error);

  if (stats.confirmed > 0 || stats.rejected > 0)
    {
      report = g_new0 (PushReport, 1);
      report->hub = hub_ref (hub);
      report->stats = stats;
      hub_dispatch (hub, push_report_dispatch_cb, report, push_report_free);
    }

  return ok;
}

static void
client_progress_cb (RpSyncClient *client,
                    guint64       done,
                    guint64       total,
                    GPtrArray    *customer_ids,
                    gpointer      user_data)
{
  Hub *hub = user_data;
  Report *report = g_new0 (Report, 1);

  report->hub = hub_ref (hub);
  report->index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (client), "rp-index"));
  report->kind = REPORT_PROGRESS;
  report->done = done;
  report->total = total;
  if (customer_ids != NULL && customer_ids->len > 0)
    {
      report->customers = g_new0 (char *, customer_ids->len + 1);
      for (guint i = 0; i < customer_ids->len; i++)
        report->customers[i] = g_strdup (g_ptr_array_index (customer_ids, i));
    }

  hub_dispatch (hub, report_dispatch_cb, report, report_free);
}

static gboolean
is_loopback (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  return host != NULL && (g_str_has_prefix (host, "127.") || g_str_equal (host, "::1")
                          || g_ascii_strcasecmp (host, "localhost") == 0);
}

static void
drop_hub (RpSyncManager *self)
{
  rp_sync_manager_stop (self);
  g_clear_pointer (&self->hub, hub_unref);
}

static void
config_changed (RpSyncManager *self)
{
  gboolean was_live = self->live;

  drop_hub (self);
  self->generation++;

  for (guint i = 0; i < self->status->len; i++)
    g_free (g_array_index (self->status, DbStatus, i).error);
  g_array_set_size (self->status, 0);
  self->run_started = 0;
  update_state (self);

  if (was_live)
    rp_sync_manager_start_live (self);
}

/* Builds the clients of the current configuration */
static Hub *
ensure_hub (RpSyncManager  *self,
            GError        **error)
{
  g_autoptr(GPtrArray) clients = NULL;
  g_autoptr(GPtrArray) pushes = NULL;
  Hub *hub;

  if (self->hub != NULL)
    return self->hub;

  if (self->server_url == NULL || *self->server_url == '\0')
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_USAGE, _("No sync server is set."));
      return NULL;
    }
  if (self->databases == NULL || self->databases[0] == NULL)
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_USAGE, _("No database to sync is set."));
      return NULL;
    }

  clients = g_ptr_array_new_with_free_func (g_object_unref);
  pushes = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; self->databases[i] != NULL; i++)
    {
      RpSyncClient *client;
      RpPush *push;

      client = rp_sync_client_new (self->cache, self->server_url, self->databases[i], error);
      if (client == NULL)
        return NULL;
      rp_sync_client_set_credentials (client, self->user, self->password);
      rp_sync_client_set_auth (client, self->auth);
      rp_sync_client_set_batch_size (client, self->batch_docs, self->batch_bytes);
      rp_sync_client_set_timeouts (client, self->request_s, self->longpoll_s);
      g_object_set_data (G_OBJECT (client), "rp-index", GUINT_TO_POINTER (i));
      g_ptr_array_add (clients, client);

      /* Outbox items that name no database go to the first */
      push = rp_push_new (self->cache, self->server_url, self->databases[i], i == 0, error);
      if (push == NULL)
        return NULL;
      rp_push_set_credentials (push, self->user, self->password);
      rp_push_set_auth (push, self->auth);
      rp_push_set_batch_size (push, self->batch_docs);
      if (self->request_s > 0)
        rp_push_set_timeout (push, self->request_s);
      g_ptr_array_add (pushes, push);
    }

  hub = g_atomic_rc_box_new0 (Hub);
  g_weak_ref_init (&hub->manager, self);
  hub->context = g_main_context_ref (self->context);
  hub->generation = self->generation;
  hub->clients = g_steal_pointer (&clients);
  hub->pushes = g_steal_pointer (&pushes);
  g_mutex_init (&hub->mutex);
  g_cond_init (&hub->cond);
  /* A machine without a default route still reaches its own loopback;
   * a monitor given by the caller is trusted as it is. */
  hub->loopback = is_loopback (self->server_url)
                  && self->monitor == g_network_monitor_get_default ();
  hub->network_up = TRUE;

  /* No reference: the hub owns its clients, and a client reports only
   * while a job holding the hub runs it (a reference here would be a
   * cycle, and neither would ever be freed) */
  for (guint i = 0; i < hub->clients->len; i++)
    rp_sync_client_set_progress_func (g_ptr_array_index (hub->clients, i),
                                      client_progress_cb, hub, NULL);

  g_array_set_size (self->status, hub->clients->len);
  self->hub = hub;

  return hub;
}

/* One-shot sync and connection test */

typedef struct
{
  Hub      *hub;
  gboolean  test_only;
} OnceData;

static void
once_data_free (gpointer data)
{
  OnceData *once = data;

  hub_unref (once->hub);
  g_free (once);
}

static void
once_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OnceData *once = task_data;
  Hub *hub = once->hub;
  GError *first_error = NULL;

  for (guint i = 0; i < hub->clients->len; i++)
    {
      RpSyncClient *client = g_ptr_array_index (hub->clients, i);
      g_autoptr(GError) error = NULL;
      RpSyncStats stats = { 0 };
      gboolean ok;

      if (once->test_only)
        {
          g_autoptr(JsonObject) info = rp_sync_client_check (client, cancellable, &error);

          ok = info != NULL;
        }
      else
        {
          g_autoptr(GError) push_error = NULL;

          hub_report (hub, i, REPORT_STARTED, NULL, NULL);
          /* Push first: what the agent did matters more than what is new */
          if (!hub_push (hub, i, cancellable, &push_error)
              && g_error_matches (push_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_clear_error (&first_error);
              g_task_return_error (task, g_steal_pointer (&push_error));
              return;
            }
          ok = rp_sync_client_pull (client, &stats, cancellable, &error);
          if (ok && push_error != NULL)
            {
              ok = FALSE;
              error = g_steal_pointer (&push_error);
            }
          hub_report (hub, i, ok ? REPORT_DONE : REPORT_FAILED, error, &stats);
        }

      if (!ok)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_clear_error (&first_error);
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          if (first_error == NULL)
            first_error = g_steal_pointer (&error);
        }
    }

  if (first_error != NULL)
    g_task_return_error (task, first_error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_once (RpSyncManager       *self,
          gboolean             test_only,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  OnceData *once;
  Hub *hub;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  hub = ensure_hub (self, &error);
  if (hub == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!test_only)
    {
      memset (&self->stats, 0, sizeof self->stats);
      memset (&self->push_stats, 0, sizeof self->push_stats);
      self->run_started = 0;
      for (guint i = 0; i < self->status->len; i++)
        {
          g_array_index (self->status, DbStatus, i).done = 0;
          g_array_index (self->status, DbStatus, i).total = 0;
        }
      update_state (self);

      /* A live feed waiting on the same database would hold it for a
       * whole longpoll: end its round so the pull goes now. */
      rp_sync_manager_retry_now (self);
    }

  once = g_new0 (OnceData, 1);
  once->hub = hub_ref (hub);
  once->test_only = test_only;
  g_task_set_task_data (task, once, once_data_free);
  g_task_run_in_thread (task, once_thread);
}

/* Live */

static void
cancel_forward_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

typedef struct
{
  Hub   *hub;
  guint  index;
} LiveJob;

/* Waits until @seconds passed, or the network came back, retry_now() or
 * stop happened since @serial was read (so a wake-up is never lost) */
static void
hub_wait (Hub    *hub,
          double  seconds,
          guint   serial)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  g_mutex_lock (&hub->mutex);
  while (!hub->stopped && hub->wake_serial == serial)
    if (!g_cond_wait_until (&hub->cond, &hub->mutex, end))
      break;
  g_mutex_unlock (&hub->mutex);
}

static double
backoff_delay (guint failures)
{
  double delay = BACKOFF_MIN_S * (1 << MIN (failures, 10));

  delay = MIN (delay, BACKOFF_MAX_S);

  /* Full jitter keeps a room of desktops from retrying in step */
  return delay / 2 + g_random_double_range (0, delay / 2);
}

static gpointer
live_thread (gpointer data)
{
  LiveJob *job = data;
  Hub *hub = job->hub;
  RpSyncClient *client = g_ptr_array_index (hub->clients, job->index);
  gboolean need_pull = TRUE;
  guint failures = 0;

  for (;;)
    {
      g_autoptr(GCancellable) round = NULL;
      g_autoptr(GError) error = NULL;
      RpSyncStats stats = { 0 };
      gboolean online, ok;
      guint serial;

      g_mutex_lock (&hub->mutex);
      if (hub->stopped)
        {
          g_mutex_unlock (&hub->mutex);
          break;
        }
      online = hub->network_up || hub->loopback;
      serial = hub->wake_serial;
      round = g_cancellable_new ();
      g_ptr_array_index (hub->rounds, job->index) = g_object_ref (round);
      g_mutex_unlock (&hub->mutex);

      if (!online)
        {
          hub_report (hub, job->index, REPORT_OFFLINE, NULL, NULL);
          hub_wait (hub, BACKOFF_MAX_S, serial);
          need_pull = TRUE;
        }
      else
        {
          gulong handler = g_cancellable_connect (hub->cancellable,
                                                  G_CALLBACK (cancel_forward_cb),
                                                  g_object_ref (round), g_object_unref);

          /* Push first, whenever the outbox holds something */
          ok = hub_push (hub, job->index, round, &error);
          if (!ok)
            ;
          else if (need_pull)
            {
              hub_report (hub, job->index, REPORT_STARTED, NULL, NULL);
              ok = rp_sync_client_pull (client, &stats, round, &error);
            }
          else
            ok = rp_sync_client_wait_changes (client, &stats, round, &error);
          g_cancellable_disconnect (hub->cancellable, handler);

          if (ok)
            {
              failures = 0;
              need_pull = FALSE;
              hub_report (hub, job->index, REPORT_DONE, NULL, &stats);
            }
          else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              /* stop() or retry_now(): go round again with a catch-up */
              need_pull = TRUE;
              hub_report (hub, job->index, REPORT_IDLE, NULL, &stats);
            }
          else
            {
              guint retry_after = MAX (rp_sync_client_get_retry_after (client),
                                       rp_push_get_retry_after (g_ptr_array_index (hub->pushes,
                                                                                   job->index)));
              double delay;

              need_pull = TRUE;
              failures++;
              g_mutex_lock (&hub->mutex);
              online = hub->network_up || hub->loopback;
              g_mutex_unlock (&hub->mutex);
              hub_report (hub, job->index, online ? REPORT_FAILED : REPORT_OFFLINE, error,
                          &stats);

              delay = retry_after > 0 ? retry_after : backoff_delay (failures);
              g_debug ("Retrying %s in %.1f s", rp_sync_client_get_db (client), delay);
              hub_wait (hub, delay, serial);
            }
        }

      g_mutex_lock (&hub->mutex);
      g_clear_object (&g_ptr_array_index (hub->rounds, job->index));
      g_mutex_unlock (&hub->mutex);
    }

  hub_unref (hub);
  g_free (job);

  return NULL;
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    RpSyncManager   *self)
{
  Hub *hub = self->hub;
  gboolean was_up;

  if (hub == NULL)
    return;

  g_mutex_lock (&hub->mutex);
  was_up = hub->network_up;
  hub->network_up = available;
  g_mutex_unlock (&hub->mutex);

  /* Back online: go at once instead of waiting out the backoff */
  if (available && !was_up)
    rp_sync_manager_retry_now (self);
  else if (!available && was_up && !hub->loopback)
    {
      for (guint i = 0; i < self->status->len; i++)
        g_array_index (self->status, DbStatus, i).state = RP_SYNC_STATE_OFFLINE;
      update_state (self);
      rp_sync_manager_retry_now (self);
    }
}

static void
rp_sync_manager_dispose (GObject *object)
{
  RpSyncManager *self = (RpSyncManager *) object;

  drop_hub (self);
  g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (rp_sync_manager_parent_class)->dispose (object);
}

static void
rp_sync_manager_finalize (GObject *object)
{
  RpSyncManager *self = (RpSyncManager *) object;

  for (guint i = 0; i < self->status->len; i++)
    g_free (g_array_index (self->status, DbStatus, i).error);
  g_array_unref (self->status);
  g_clear_object (&self->cache);
  g_main_context_unref (self->context);
  g_free (self->server_url);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_strfreev (self->databases);
  g_free (self->error_message);

  G_OBJECT_CLASS (rp_sync_manager_parent_class)->finalize (object);
}

static void
rp_sync_manager_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  RpSyncManager *self = RP_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;

    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;

    case PROP_USER:
      g_value_set_string (value, self->user);
      break;

    case PROP_DATABASES:
      g_value_set_boxed (value, self->databases);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_DOCS_DONE:
      g_value_set_uint64 (value, self->docs_done);
      break;

    case PROP_DOCS_TOTAL:
      g_value_set_uint64 (value, self->docs_total);
      break;

    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;

    case PROP_LIVE:
      g_value_set_boolean (value, self->live);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_sync_manager_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  RpSyncManager *self = RP_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;

    case PROP_SERVER_URL:
      rp_sync_manager_set_server_url (self, g_value_get_string (value));
      break;

    case PROP_USER:
      rp_sync_manager_set_user (self, g_value_get_string (value));
      break;

    case PROP_DATABASES:
      rp_sync_manager_set_databases (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_sync_manager_class_init (RpSyncManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_sync_manager_dispose;
  object_class->finalize = rp_sync_manager_finalize;
  object_class->get_property = rp_sync_manager_get_property;
  object_class->set_property = rp_sync_manager_set_property;

  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, RP_TYPE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATABASES] =
    g_param_spec_boxed ("databases", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, RP_TYPE_SYNC_STATE, RP_SYNC_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOCS_DONE] =
    g_param_spec_uint64 ("docs-done", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOCS_TOTAL] =
    g_param_spec_uint64 ("docs-total", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RpSyncManager::changed:
   * @customer_ids: the customers whose documents arrived, changed or went
   *
   * Emitted on the manager's main context after each applied batch.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);

  /**
   * RpSyncManager::pushed:
   * @confirmed: outbox items the server stored
   * @rejected: outbox items the server refused (kept for the agent)
   *
   * Emitted on the manager's main context after a push that settled
   * something.
   */
  signals[PUSHED] =
    g_signal_new ("pushed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
rp_sync_manager_init (RpSyncManager *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->status = g_array_new (FALSE, TRUE, sizeof (DbStatus));
  self->auth = RP_SYNC_AUTH_BASIC;
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->monitor_handler = g_signal_connect (self->monitor, "network-changed",
                                            G_CALLBACK (network_changed_cb), self);
}

/* Public API */

RpSyncManager *
rp_sync_manager_new (RpCache *cache)
{
  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);

  return g_object_new (RP_TYPE_SYNC_MANAGER, "cache", cache, NULL);
}

RpCache *
rp_sync_manager_get_cache (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), NULL);
  return self->cache;
}

const char *
rp_sync_manager_get_server_url (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), NULL);
  return self->server_url;
}

void
rp_sync_manager_set_server_url (RpSyncManager *self,
                                const char    *server_url)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  if (g_strcmp0 (self->server_url, server_url) == 0)
    return;

  g_free (self->server_url);
  self->server_url = g_strdup (server_url);
  config_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
}

const char *
rp_sync_manager_get_user (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), NULL);
  return self->user;
}

void
rp_sync_manager_set_user (RpSyncManager *self,
                          const char    *user)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  if (g_strcmp0 (self->user, user) == 0)
    return;

  g_free (self->user);
  self->user = g_strdup (user);
  config_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

const char *const *
rp_sync_manager_get_databases (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), NULL);
  return (const char *const *) self->databases;
}

void
rp_sync_manager_set_databases (RpSyncManager     *self,
                               const char *const *databases)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  if (self->databases != NULL && databases != NULL
      && g_strv_equal ((const char *const *) self->databases, databases))
    return;

  g_strfreev (self->databases);
  self->databases = g_strdupv ((char **) databases);
  config_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASES]);
}

void
rp_sync_manager_set_password (RpSyncManager *self,
                              const char    *password)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  if (g_strcmp0 (self->password, password) == 0)
    return;

  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  config_changed (self);
}

void
rp_sync_manager_set_network_monitor (RpSyncManager   *self,
                                     GNetworkMonitor *monitor)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));
  g_return_if_fail (G_IS_NETWORK_MONITOR (monitor));

  if (self->monitor == monitor)
    return;

  g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_set_object (&self->monitor, monitor);
  self->monitor_handler = g_signal_connect (self->monitor, "network-changed",
                                            G_CALLBACK (network_changed_cb), self);
  config_changed (self);
}

void
rp_sync_manager_set_auth (RpSyncManager *self,
                          RpSyncAuth     auth)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  if (self->auth == auth)
    return;
  self->auth = auth;
  config_changed (self);
}

void
rp_sync_manager_set_batch_size (RpSyncManager *self,
                                guint          max_docs,
                                gsize          max_bytes)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  self->batch_docs = max_docs;
  self->batch_bytes = max_bytes;
  config_changed (self);
}

void
rp_sync_manager_set_timeouts (RpSyncManager *self,
                              guint          request_s,
                              guint          longpoll_s)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  self->request_s = request_s;
  self->longpoll_s = longpoll_s;
  config_changed (self);
}

RpSyncState
rp_sync_manager_get_state (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), RP_SYNC_STATE_IDLE);
  return self->state;
}

gint64
rp_sync_manager_get_last_sync (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), 0);
  return self->last_sync;
}

const char *
rp_sync_manager_get_error_message (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), NULL);
  return self->error_message;
}

guint64
rp_sync_manager_get_docs_done (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), 0);
  return self->docs_done;
}

guint64
rp_sync_manager_get_docs_total (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), 0);
  return self->docs_total;
}

double
rp_sync_manager_get_rate (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), 0);
  return self->rate;
}

RpSyncState
rp_sync_manager_get_database_state (RpSyncManager  *self,
                                    guint           index,
                                    const char    **error_message,
                                    guint64        *done,
                                    guint64        *total)
{
  const DbStatus *status;

  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), RP_SYNC_STATE_IDLE);

  if (error_message != NULL)
    *error_message = NULL;
  if (done != NULL)
    *done = 0;
  if (total != NULL)
    *total = 0;

  /* Before the first sync of a configuration there is no status yet */
  if (index >= self->status->len)
    return RP_SYNC_STATE_IDLE;

  status = &g_array_index (self->status, DbStatus, index);
  if (error_message != NULL)
    *error_message = status->error;
  if (done != NULL)
    *done = status->done;
  if (total != NULL)
    *total = status->total;

  return status->state;
}

gboolean
rp_sync_manager_get_live (RpSyncManager *self)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), FALSE);
  return self->live;
}

void
rp_sync_manager_get_stats (RpSyncManager *self,
                           RpSyncStats   *stats)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}

void
rp_sync_manager_get_push_stats (RpSyncManager *self,
                                RpPushStats   *stats)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));
  g_return_if_fail (stats != NULL);

  *stats = self->push_stats;
}

void
rp_sync_manager_push_now (RpSyncManager *self)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  /* A live round waiting on a longpoll would sit on the new items for
   * a whole poll: end it so the loop goes round and pushes first */
  if (self->live)
    rp_sync_manager_retry_now (self);
}

void
rp_sync_manager_sync_once_async (RpSyncManager       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_once (self, FALSE, rp_sync_manager_sync_once_async, cancellable, callback, user_data);
}

gboolean
rp_sync_manager_sync_once_finish (RpSyncManager  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
rp_sync_manager_test_connection_async (RpSyncManager       *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (RP_IS_SYNC_MANAGER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_once (self, TRUE, rp_sync_manager_test_connection_async, cancellable, callback,
            user_data);
}

gboolean
rp_sync_manager_test_connection_finish (RpSyncManager  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (RP_IS_SYNC_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
rp_sync_manager_start_live (RpSyncManager *self)
{
  g_autoptr(GError) error = NULL;
  Hub *hub;

  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  if (self->live)
    return;

  hub = ensure_hub (self, &error);
  if (hub == NULL)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error->message);
      self->state = RP_SYNC_STATE_ERROR;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      return;
    }

  g_mutex_lock (&hub->mutex);
  hub->stopped = FALSE;
  hub->network_up = g_network_monitor_get_network_available (self->monitor);
  g_clear_object (&hub->cancellable);
  hub->cancellable = g_cancellable_new ();
  g_clear_pointer (&hub->rounds, g_ptr_array_unref);
  hub->rounds = g_ptr_array_new_full (hub->clients->len, unref_if_set);
  g_ptr_array_set_size (hub->rounds, hub->clients->len);
  g_clear_pointer (&hub->threads, g_ptr_array_unref);
  hub->threads = g_ptr_array_new_with_free_func ((GDestroyNotify) g_thread_unref);
  g_mutex_unlock (&hub->mutex);

  memset (&self->stats, 0, sizeof self->stats);
  memset (&self->push_stats, 0, sizeof self->push_stats);
  self->run_started = 0;

  for (guint i = 0; i < hub->clients->len; i++)
    {
      LiveJob *job = g_new0 (LiveJob, 1);

      job->hub = hub_ref (hub);
      job->index = i;
      g_ptr_array_add (hub->threads, g_thread_new ("rp-sync-live", live_thread, job));
    }

  self->live = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
}

void
rp_sync_manager_stop (RpSyncManager *self)
{
  Hub *hub;

  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  hub = self->hub;
  if (!self->live || hub == NULL)
    return;

  g_mutex_lock (&hub->mutex);
  hub->stopped = TRUE;
  hub->wake_serial++;
  g_cond_broadcast (&hub->cond);
  g_mutex_unlock (&hub->mutex);
  g_cancellable_cancel (hub->cancellable);

  /* The threads end on their own once their request is cancelled; they
   * hold the hub, not the manager.  The next start gets a fresh hub so a
   * thread still winding down cannot pick up again. */
  g_clear_pointer (&hub->threads, g_ptr_array_unref);
  g_clear_pointer (&self->hub, hub_unref);

  self->live = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
}

void
rp_sync_manager_retry_now (RpSyncManager *self)
{
  Hub *hub;

  g_return_if_fail (RP_IS_SYNC_MANAGER (self));

  hub = self->hub;
  if (hub == NULL)
    return;

  g_mutex_lock (&hub->mutex);
  hub->wake_serial++;
  g_cond_broadcast (&hub->cond);
  if (hub->rounds != NULL)
    for (guint i = 0; i < hub->rounds->len; i++)
      if (g_ptr_array_index (hub->rounds, i) != NULL)
        g_cancellable_cancel (g_ptr_array_index (hub->rounds, i));
  g_mutex_unlock (&hub->mutex);
}
