/* rp-sync-client.h: pull one database of a CouchDB-protocol server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rp-cache.h"

G_BEGIN_DECLS

#define RP_SYNC_ERROR (rp_sync_error_quark ())

/* Every failure of a request maps to one of these, each with its own
 * translated message.  G_IO_ERROR_CANCELLED is passed through as is. */
typedef enum
{
  RP_SYNC_ERROR_FAILED,
  RP_SYNC_ERROR_UNREACHABLE,    /* refused, reset, no route */
  RP_SYNC_ERROR_DNS,            /* the host name does not resolve */
  RP_SYNC_ERROR_TLS,            /* certificate not trusted, handshake failed */
  RP_SYNC_ERROR_UNAUTHORIZED,   /* 401: wrong user name or password */
  RP_SYNC_ERROR_FORBIDDEN,      /* 403: no access to this database */
  RP_SYNC_ERROR_NOT_FOUND,      /* 404: no such database */
  RP_SYNC_ERROR_SERVER,         /* 5xx */
  RP_SYNC_ERROR_BUSY,           /* 429 or 503: try again later (see retry-after) */
  RP_SYNC_ERROR_MALFORMED,      /* not JSON, incomplete, wrong shape */
  RP_SYNC_ERROR_TIMEOUT,        /* the request's deadline passed */
  RP_SYNC_ERROR_OFFLINE,        /* no network */
  RP_SYNC_ERROR_CACHE,          /* the local cache refused the batch */
  RP_SYNC_ERROR_USAGE,          /* a bad server URL or database name */
} RpSyncError;

typedef enum
{
  RP_SYNC_AUTH_BASIC,           /* HTTP Basic on every request */
  RP_SYNC_AUTH_SESSION,         /* CouchDB _session cookie */
} RpSyncAuth;

typedef struct
{
  RpApplyStats applied;         /* summed over the batches */
  guint64      received;        /* rows received */
  guint64      bytes;           /* response bytes */
  guint        batches;
  gboolean     changed;         /* something was inserted, updated or erased */
} RpSyncStats;

#define RP_TYPE_SYNC_CLIENT (rp_sync_client_get_type ())

G_DECLARE_FINAL_TYPE (RpSyncClient, rp_sync_client, RP, SYNC_CLIENT, GObject)

/* Called on the syncing thread after each applied batch.  @customer_ids
 * holds the customers the batch touched (for views to refresh). */
typedef void (*RpSyncProgressFunc) (RpSyncClient *client,
                                    guint64       docs_done,
                                    guint64       docs_total,
                                    GPtrArray    *customer_ids,
                                    gpointer      user_data);

GQuark        rp_sync_error_quark                (void);
gboolean      rp_sync_error_is_transient         (const GError       *error);

RpSyncClient *rp_sync_client_new                 (RpCache            *cache,
                                                  const char         *server_url,
                                                  const char         *db,
                                                  GError            **error);
const char   *rp_sync_client_get_db              (RpSyncClient       *self);
const char   *rp_sync_client_get_server          (RpSyncClient       *self);
const char   *rp_sync_client_get_replication_id  (RpSyncClient       *self);
/* What the cache keeps this pull's checkpoint under: the server's address
 * and the database, so pointing a profile at another server starts over */
const char   *rp_sync_client_get_checkpoint_key  (RpSyncClient       *self);
void          rp_sync_client_set_credentials     (RpSyncClient       *self,
                                                  const char         *user,
                                                  const char         *password);
void          rp_sync_client_set_auth            (RpSyncClient       *self,
                                                  RpSyncAuth          auth);
void          rp_sync_client_set_batch_size      (RpSyncClient       *self,
                                                  guint               max_docs,
                                                  gsize               max_bytes);
void          rp_sync_client_set_timeouts        (RpSyncClient       *self,
                                                  guint               request_s,
                                                  guint               longpoll_s);
void          rp_sync_client_set_progress_func   (RpSyncClient       *self,
                                                  RpSyncProgressFunc  func,
                                                  gpointer            user_data,
                                                  GDestroyNotify      destroy);
/* Seconds the server asked to wait (Retry-After) in its last answer, or 0 */
guint         rp_sync_client_get_retry_after     (RpSyncClient       *self);

/* All of these block: run them on a worker thread. */

/* GET /{db}: checks address, credentials and access.  Returns the
 * database's info object. */
JsonObject   *rp_sync_client_check               (RpSyncClient       *self,
                                                  GCancellable       *cancellable,
                                                  GError            **error);
/* Pulls until the server has nothing more, applying each batch with its
 * checkpoint.  Stats are added to @stats. */
gboolean      rp_sync_client_pull                (RpSyncClient       *self,
                                                  RpSyncStats        *stats,
                                                  GCancellable       *cancellable,
                                                  GError            **error);
/* One longpoll round: waits (at most the longpoll deadline) for changes
 * after the checkpoint and applies them.  Returns FALSE on error only. */
gboolean      rp_sync_client_wait_changes        (RpSyncClient       *self,
                                                  RpSyncStats        *stats,
                                                  GCancellable       *cancellable,
                                                  GError            **error);

G_END_DECLS
