/* rp-push.c: send the outbox of one database to a CouchDB-protocol server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Agents only create documents, each with a revision made from its own
 * canonical body (`1-<md5>`), so `_bulk_docs` with `new_edits: false`
 * stores exactly that revision: a retry after a lost answer is a no-op on
 * the server and nothing is ever created twice.  An item leaves the
 * outbox only once the server's answer for it has been read.
 */

#define G_LOG_DOMAIN "rp-push"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "rp-doc.h"
#include "rp-http.h"
#include "rp-push.h"

#define DEFAULT_BATCH_DOCS  500
#define DEFAULT_REQUEST_S   60
#define MAX_BATCH_BYTES     (4 * 1024 * 1024)
/* An answer has at most an entry of id, rev and reason per document */
#define MAX_ANSWER_BYTES(n) (64 * 1024 + (gsize) (n) * 1024)

struct _RpPush
{
  GObject      parent_instance;

  RpCache     *cache;
  RpHttp      *http;
  gboolean     default_db;

  guint        batch_docs;
  guint        request_s;
};

G_DEFINE_FINAL_TYPE (RpPush, rp_push, G_TYPE_OBJECT)

static gboolean
is_mine (RpPush       *self,
         RpOutboxItem *item)
{
  return g_strcmp0 (item->db, rp_http_get_db (self->http)) == 0
         || (item->db == NULL && self->default_db);
}

/* {"new_edits":false,"docs":[…]}: the stored canonical bodies with their
 * revision spliced in, without parsing them again */
static GBytes *
build_request (GPtrArray *batch)
{
  GString *out = g_string_sized_new (4096);

  g_string_append (out, "{\"new_edits\":false,\"docs\":[");
  for (guint i = 0; i < batch->len; i++)
    {
      RpOutboxItem *item = g_ptr_array_index (batch, i);
      const char *body = item->body;

      g_assert (body[0] == '{');
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"_rev\":\"");
      g_string_append (out, item->rev);
      g_string_append_c (out, '"');
      if (body[1] != '}')
        g_string_append_c (out, ',');
      g_string_append (out, body + 1);
    }
  g_string_append (out, "]}");

  return g_string_free_to_bytes (out);
}

static gboolean
is_refusal (const char *error_name)
{
  return g_strcmp0 (error_name, "forbidden") == 0
         || g_strcmp0 (error_name, "unauthorized") == 0
         || g_strcmp0 (error_name, "bad_request") == 0
         || g_strcmp0 (error_name, "invalid") == 0
         || g_strcmp0 (error_name, "doc_validation") == 0;
}

static char *
reason_of (JsonObject *object,
           guint       status)
{
  const char *reason = rp_json_string (object, "reason");
  const char *name = rp_json_string (object, "error");

  if (reason != NULL && *reason != '\0')
    return g_strdup (reason);
  if (name != NULL)
    return g_strdup (name);
  /* TRANSLATORS: why the server refused a change, when it gave no reason */
  return g_strdup_printf (_("Refused by the server (HTTP %u)"), status);
}

/* A failure that will be retried: the items stay pending, with the reason */
static void
mark_failed (RpPush      *self,
             GPtrArray   *batch,
             RpPushStats *stats,
             const char  *reason)
{
  g_autofree gint64 *seqs = g_new (gint64, batch->len);

  for (guint i = 0; i < batch->len; i++)
    seqs[i] = ((RpOutboxItem *) g_ptr_array_index (batch, i))->seq;
  rp_cache_outbox_failed (self->cache, seqs, batch->len, reason, NULL);
  stats->failed += batch->len;
}

/* Sends one batch and settles every item of it.  FALSE with @error when
 * the request as a whole failed: its items stay pending. */
static gboolean
push_batch (RpPush        *self,
            GPtrArray     *batch,
            RpPushStats   *stats,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GBytes) body = build_request (batch);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) failed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(RpHttpAnswer) reply = { 0 };
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *failure = NULL;
  guint status;

  path = g_strconcat (rp_http_get_db_path (self->http), "/_bulk_docs", NULL);
  answer = rp_http_request (self->http, "POST", path, body, JSON_NODE_ARRAY, self->request_s,
                            MAX_ANSWER_BYTES (batch->len), &reply, cancellable, &local_error);
  status = reply.status;

  stats->batches++;

  if (answer == NULL)
    {
      /* A whole request refused by validation names no document: find
       * the culprit by sending the items one by one.  Only the server's
       * own JSON says it was validation, not a proxy in the way. */
      if ((status == SOUP_STATUS_FORBIDDEN || status == SOUP_STATUS_BAD_REQUEST)
          && reply.error_body != NULL)
        {
          if (batch->len > 1)
            {
              for (guint i = 0; i < batch->len; i++)
                {
                  g_autoptr(GPtrArray) one = g_ptr_array_new ();

                  g_ptr_array_add (one, g_ptr_array_index (batch, i));
                  if (!push_batch (self, one, stats, cancellable, error))
                    return FALSE;
                }
              return TRUE;
            }
          else
            {
              RpOutboxItem *item = g_ptr_array_index (batch, 0);
              JsonObject *object = JSON_NODE_HOLDS_OBJECT (reply.error_body)
                                   ? json_node_get_object (reply.error_body) : NULL;
              g_autofree char *reason = reason_of (object, status);

              g_debug ("%s refused by the server", item->doc_id);
              if (!rp_cache_outbox_reject (self->cache, item->seq, reason, error))
                return FALSE;
              stats->rejected++;
              return TRUE;
            }
        }

      /* A lost or cut answer says nothing about what the server stored:
       * the items stay and the retry is harmless */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mark_failed (self, batch, stats, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* CouchDB answers new_edits:false with [] or with the failures only;
   * PouchDB Server with one entry per document.  No error for an id
   * means the server stored it. */
  for (guint i = 0; i < batch->len; i++)
    {
      RpOutboxItem *item = g_ptr_array_index (batch, i);
      g_hash_table_insert (by_id, item->doc_id, item);
    }

  {
    JsonArray *results = json_node_get_array (answer);

    for (guint i = 0; i < json_array_get_length (results); i++)
      {
        JsonNode *node = json_array_get_element (results, i);
        JsonObject *result;
        RpOutboxItem *item;
        const char *name;

        if (!JSON_NODE_HOLDS_OBJECT (node))
          continue;
        result = json_node_get_object (node);
        name = rp_json_string (result, "error");
        if (name == NULL || rp_json_string (result, "id") == NULL)
          continue;
        item = g_hash_table_lookup (by_id, rp_json_string (result, "id"));
        if (item == NULL)
          continue;
        g_hash_table_remove (by_id, item->doc_id);

        if (is_refusal (name))
          {
            g_autofree char *reason = reason_of (result, status);

            g_debug ("%s refused by the server", item->doc_id);
            if (!rp_cache_outbox_reject (self->cache, item->seq, reason, error))
              return FALSE;
            stats->rejected++;
          }
        else
          {
            g_array_append_val (failed, item->seq);
            if (failure == NULL)
              failure = reason_of (result, status);
          }
      }
  }

  for (guint i = 0; i < batch->len; i++)
    {
      RpOutboxItem *item = g_ptr_array_index (batch, i);

      if (g_hash_table_contains (by_id, item->doc_id))
        g_array_append_val (done, item->seq);
    }

  if (done->len > 0
      && !rp_cache_outbox_done (self->cache, (gint64 *) done->data, done->len, error))
    return FALSE;
  stats->confirmed += done->len;

  if (failed->len > 0)
    {
      rp_cache_outbox_failed (self->cache, (gint64 *) failed->data, failed->len, failure, NULL);
      stats->failed += failed->len;
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_SERVER,
                   _("The server %s did not store every change: %s"),
                   rp_http_get_host (self->http), failure);
      return FALSE;
    }

  return TRUE;
}

static void
rp_push_finalize (GObject *object)
{
  RpPush *self = (RpPush *) object;

  g_clear_object (&self->cache);
  g_clear_pointer (&self->http, rp_http_free);

  G_OBJECT_CLASS (rp_push_parent_class)->finalize (object);
}

static void
rp_push_class_init (RpPushClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_push_finalize;
}

static void
rp_push_init (RpPush *self)
{
  self->batch_docs = DEFAULT_BATCH_DOCS;
  self->request_s = DEFAULT_REQUEST_S;
}

/* Public API */

RpPush *
rp_push_new (RpCache     *cache,
             const char  *server_url,
             const char  *db,
             gboolean     default_db,
             GError     **error)
{
  g_autoptr(RpPush) self = NULL;
  g_autoptr(RpHttp) http = NULL;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (db != NULL, NULL);

  http = rp_http_new (server_url, db, error);
  if (http == NULL)
    return NULL;

  self = g_object_new (RP_TYPE_PUSH, NULL);
  self->cache = g_object_ref (cache);
  self->http = g_steal_pointer (&http);
  self->default_db = default_db;

  return g_steal_pointer (&self);
}

const char *
rp_push_get_db (RpPush *self)
{
  g_return_val_if_fail (RP_IS_PUSH (self), NULL);
  return rp_http_get_db (self->http);
}

void
rp_push_set_credentials (RpPush     *self,
                         const char *user,
                         const char *password)
{
  g_return_if_fail (RP_IS_PUSH (self));

  rp_http_set_credentials (self->http, user, password);
}

void
rp_push_set_auth (RpPush     *self,
                  RpSyncAuth  auth)
{
  g_return_if_fail (RP_IS_PUSH (self));
  rp_http_set_auth (self->http, auth);
}

void
rp_push_set_batch_size (RpPush *self,
                        guint   max_docs)
{
  g_return_if_fail (RP_IS_PUSH (self));
  self->batch_docs = max_docs > 0 ? max_docs : DEFAULT_BATCH_DOCS;
}

void
rp_push_set_timeout (RpPush *self,
                     guint   request_s)
{
  g_return_if_fail (RP_IS_PUSH (self));
  self->request_s = request_s > 0 ? request_s : DEFAULT_REQUEST_S;
  rp_http_set_timeout (self->http, self->request_s);
}

guint
rp_push_get_retry_after (RpPush *self)
{
  g_return_val_if_fail (RP_IS_PUSH (self), 0);
  return rp_http_get_retry_after (self->http);
}

gboolean
rp_push_has_pending (RpPush *self)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_val_if_fail (RP_IS_PUSH (self), FALSE);

  if (rp_cache_outbox_count (self->cache, "pending") <= 0)
    return FALSE;

  items = rp_cache_outbox_list (self->cache, NULL, "pending", 0, NULL);
  for (guint i = 0; items != NULL && i < items->len; i++)
    if (is_mine (self, g_ptr_array_index (items, i)))
      return TRUE;

  return FALSE;
}

gboolean
rp_push_run (RpPush        *self,
             RpPushStats   *stats,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  RpPushStats local_stats = { 0 };
  gsize bytes = 0;

  g_return_val_if_fail (RP_IS_PUSH (self), FALSE);

  if (stats == NULL)
    stats = &local_stats;

  rp_http_reset_retry_after (self->http);

  /* Items queued while this runs go out on the next round */
  items = rp_cache_outbox_list (self->cache, NULL, "pending", 0, error);
  if (items == NULL)
    return FALSE;

  for (guint i = 0; i <= items->len; i++)
    {
      RpOutboxItem *item = i < items->len ? g_ptr_array_index (items, i) : NULL;

      if (item != NULL && !is_mine (self, item))
        continue;

      if (batch->len > 0
          && (item == NULL || batch->len >= self->batch_docs
              || bytes + strlen (item->body) > MAX_BATCH_BYTES))
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (!push_batch (self, batch, stats, cancellable, error))
            return FALSE;
          g_ptr_array_set_size (batch, 0);
          bytes = 0;
        }

      if (item != NULL)
        {
          g_ptr_array_add (batch, item);
          bytes += strlen (item->body) + 64;
        }
    }

  return TRUE;
}
