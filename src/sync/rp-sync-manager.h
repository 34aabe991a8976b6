/* rp-sync-manager.h: the sync of a profile, for the app and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "rp-cache.h"
#include "rp-push.h"
#include "rp-sync-client.h"

G_BEGIN_DECLS

typedef enum
{
  RP_SYNC_STATE_IDLE,      /* synced (see last-sync), or never synced */
  RP_SYNC_STATE_SYNCING,
  RP_SYNC_STATE_OFFLINE,
  RP_SYNC_STATE_ERROR,     /* see error-message */
} RpSyncState;

#define RP_TYPE_SYNC_STATE (rp_sync_state_get_type ())
#define RP_TYPE_SYNC_MANAGER (rp_sync_manager_get_type ())

G_DECLARE_FINAL_TYPE (RpSyncManager, rp_sync_manager, RP, SYNC_MANAGER, GObject)

GType          rp_sync_state_get_type                (void) G_GNUC_CONST;

RpSyncManager *rp_sync_manager_new                   (RpCache              *cache);
RpCache       *rp_sync_manager_get_cache             (RpSyncManager        *self);
const char    *rp_sync_manager_get_server_url        (RpSyncManager        *self);
void           rp_sync_manager_set_server_url        (RpSyncManager        *self,
                                                      const char           *server_url);
const char    *rp_sync_manager_get_user              (RpSyncManager        *self);
void           rp_sync_manager_set_user              (RpSyncManager        *self,
                                                      const char           *user);
const char   *const *rp_sync_manager_get_databases   (RpSyncManager        *self);
void           rp_sync_manager_set_databases         (RpSyncManager        *self,
                                                      const char   *const  *databases);
/* Not a property: it must not show up in notify or in GSettings bindings */
void           rp_sync_manager_set_password          (RpSyncManager        *self,
                                                      const char           *password);
/* GNetworkMonitor's default unless set (tests give their own) */
void           rp_sync_manager_set_network_monitor   (RpSyncManager        *self,
                                                      GNetworkMonitor      *monitor);
void           rp_sync_manager_set_auth              (RpSyncManager        *self,
                                                      RpSyncAuth            auth);
void           rp_sync_manager_set_batch_size        (RpSyncManager        *self,
                                                      guint                 max_docs,
                                                      gsize                 max_bytes);
void           rp_sync_manager_set_timeouts          (RpSyncManager        *self,
                                                      guint                 request_s,
                                                      guint                 longpoll_s);

RpSyncState    rp_sync_manager_get_state             (RpSyncManager        *self);
gint64         rp_sync_manager_get_last_sync         (RpSyncManager        *self);
const char    *rp_sync_manager_get_error_message     (RpSyncManager        *self);
guint64        rp_sync_manager_get_docs_done         (RpSyncManager        *self);
guint64        rp_sync_manager_get_docs_total        (RpSyncManager        *self);
double         rp_sync_manager_get_rate              (RpSyncManager        *self);
/* The state of the @index-th database of get_databases(); the overall
 * state above is the worst of them */
RpSyncState    rp_sync_manager_get_database_state    (RpSyncManager        *self,
                                                      guint                 index,
                                                      const char          **error_message,
                                                      guint64              *done,
                                                      guint64              *total);
gboolean       rp_sync_manager_get_live              (RpSyncManager        *self);
/* Totals of the last sync_once, or since start_live */
void           rp_sync_manager_get_stats             (RpSyncManager        *self,
                                                      RpSyncStats          *stats);

void           rp_sync_manager_sync_once_async       (RpSyncManager        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean       rp_sync_manager_sync_once_finish      (RpSyncManager        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void           rp_sync_manager_test_connection_async (RpSyncManager        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean       rp_sync_manager_test_connection_finish (RpSyncManager       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void           rp_sync_manager_start_live            (RpSyncManager        *self);
void           rp_sync_manager_stop                  (RpSyncManager        *self);
/* Ends any wait between retries at once (a "Retry" button) */
void           rp_sync_manager_retry_now             (RpSyncManager        *self);
/* Totals of the pushes of the last sync_once, or since start_live */
void           rp_sync_manager_get_push_stats        (RpSyncManager        *self,
                                                      RpPushStats          *stats);
/* The outbox gained items: when live, send them now */
void           rp_sync_manager_push_now              (RpSyncManager        *self);

G_END_DECLS
