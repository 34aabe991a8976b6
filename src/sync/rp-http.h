/* rp-http.h: requests to one database of a CouchDB-protocol server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to src/sync: the one place that talks HTTP, for the puller
 * (RpSyncClient) and the pusher (RpPush) alike, so both check answers,
 * log in, time out and word their errors the same way.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rp-json.h"
#include "rp-sync-client.h"

G_BEGIN_DECLS

typedef struct _RpHttp RpHttp;

/* What a request learnt besides its result */
typedef struct
{
  guint     status;       /* the HTTP status, 0 when no answer came */
  gsize     bytes;        /* body bytes read */
  gboolean  too_large;    /* a successful answer went over the byte bound */
  JsonNode *error_body;   /* the JSON of an error answer, when it was JSON */
} RpHttpAnswer;

void        rp_http_answer_clear      (RpHttpAnswer  *answer);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RpHttpAnswer, rp_http_answer_clear)

RpHttp     *rp_http_new               (const char    *server_url,
                                       const char    *db,
                                       GError       **error);
void        rp_http_free              (RpHttp        *self);

/* scheme://host:port[/prefix], no trailing slash, no credentials */
const char *rp_http_get_base          (RpHttp        *self);
/* host[:port], for messages */
const char *rp_http_get_host          (RpHttp        *self);
const char *rp_http_get_db            (RpHttp        *self);
/* The database name escaped for a path */
const char *rp_http_get_db_path       (RpHttp        *self);

/* Not thread-safe against a request under way: callers serialise */
void        rp_http_set_credentials   (RpHttp        *self,
                                       const char    *user,
                                       const char    *password);
void        rp_http_set_auth          (RpHttp        *self,
                                       RpSyncAuth     auth);
/* The longest wait for one read, and the deadline of a login */
void        rp_http_set_timeout       (RpHttp        *self,
                                       guint          request_s);

/* Seconds the server asked to wait (Retry-After) in its last 429 or 503 */
guint       rp_http_get_retry_after   (RpHttp        *self);
void        rp_http_reset_retry_after (RpHttp        *self);

/* Blocks.  Sends one request to {base}/{path}, logging in first with
 * session auth and once more when the session has expired, and returns
 * the answer's JSON, whose root must be of type @expect.
 *
 * Nothing of the answer is trusted: the status, the content type, the
 * length of the body and the JSON must all be right, within @deadline_s
 * seconds for the whole exchange (however slowly the server drips it),
 * and a successful answer must fit in @max_bytes.  Any failure returns
 * NULL with an RP_SYNC_ERROR (or G_IO_ERROR_CANCELLED); @answer, when
 * given, still tells the status and holds the JSON of an error answer. */
RpJsonTree *rp_http_request_tree      (RpHttp        *self,
                                       const char    *method,
                                       const char    *path,
                                       GBytes        *body,
                                       JsonNodeType   expect,
                                       guint          deadline_s,
                                       gsize          max_bytes,
                                       RpHttpAnswer  *answer,
                                       GCancellable  *cancellable,
                                       GError       **error);
/* The two halves of rp_http_request_tree(): the checked body of a
 * successful answer, then its JSON.  A body does not depend on the JSON
 * of the one before, so the next request can go out while it is read. */
GBytes     *rp_http_request_bytes     (RpHttp        *self,
                                       const char    *method,
                                       const char    *path,
                                       GBytes        *body,
                                       guint          deadline_s,
                                       gsize          max_bytes,
                                       RpHttpAnswer  *answer,
                                       GCancellable  *cancellable,
                                       GError       **error);
RpJsonTree *rp_http_parse_tree        (RpHttp        *self,
                                       GBytes        *bytes,
                                       JsonNodeType   expect,
                                       GError       **error);
/* The same, for callers that want json-glib nodes */
JsonNode   *rp_http_request           (RpHttp        *self,
                                       const char    *method,
                                       const char    *path,
                                       GBytes        *body,
                                       JsonNodeType   expect,
                                       guint          deadline_s,
                                       gsize          max_bytes,
                                       RpHttpAnswer  *answer,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* RP_SYNC_ERROR_MALFORMED, worded like every other malformed answer */
void        rp_http_set_malformed     (GError       **error,
                                       const char    *detail);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpHttp, rp_http_free)

G_END_DECLS
