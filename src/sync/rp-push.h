/* rp-push.h: send the outbox of one database to a CouchDB-protocol server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "rp-cache.h"
#include "rp-sync-client.h"

G_BEGIN_DECLS

typedef struct
{
  guint confirmed;   /* the server has them; they left the outbox */
  guint rejected;    /* refused (403, validation): kept for the agent */
  guint failed;      /* sent in a request that failed; kept, retried later */
  guint batches;
} RpPushStats;

#define RP_TYPE_PUSH (rp_push_get_type ())

G_DECLARE_FINAL_TYPE (RpPush, rp_push, RP, PUSH, GObject)

/* @default_db: also push outbox items that name no database */
RpPush   *rp_push_new             (RpCache       *cache,
                                   const char    *server_url,
                                   const char    *db,
                                   gboolean       default_db,
                                   GError       **error);
const char *rp_push_get_db        (RpPush        *self);
void      rp_push_set_credentials (RpPush        *self,
                                   const char    *user,
                                   const char    *password);
void      rp_push_set_auth        (RpPush        *self,
                                   RpSyncAuth     auth);
void      rp_push_set_batch_size  (RpPush        *self,
                                   guint          max_docs);
void      rp_push_set_timeout     (RpPush        *self,
                                   guint          request_s);
/* Seconds the server asked to wait (Retry-After) in its last answer, or 0 */
guint     rp_push_get_retry_after (RpPush        *self);
/* TRUE when items for this database wait to be sent */
gboolean  rp_push_has_pending     (RpPush        *self);

/* Blocks: run it on a worker thread.  Sends every pending item in
 * batches; stops at the first failed request (the caller backs off). */
gboolean  rp_push_run             (RpPush        *self,
                                   RpPushStats   *stats,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
