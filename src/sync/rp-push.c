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
#include "rp-push.h"

#define DEFAULT_BATCH_DOCS  500
#define DEFAULT_REQUEST_S   60
#define MAX_BATCH_BYTES     (4 * 1024 * 1024)
#define STATUS_TOO_MANY_REQUESTS 429

struct _RpPush
{
  GObject      parent_instance;

  RpCache     *cache;
  SoupSession *session;
  char        *base;
  char        *host;
  char        *db;
  char        *db_path;
  gboolean     default_db;

  char        *user;
  char        *password;
  RpSyncAuth   auth;
  gboolean     logged_in;

  guint        batch_docs;
  guint        request_s;
  guint        retry_after;   /* atomic */
};

G_DEFINE_FINAL_TYPE (RpPush, rp_push, G_TYPE_OBJECT)

static gboolean
is_mine (RpPush       *self,
         RpOutboxItem *item)
{
  return g_strcmp0 (item->db, self->db) == 0 || (item->db == NULL && self->default_db);
}

static guint
parse_retry_after (SoupMessage *msg)
{
  const char *value;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  if (value == NULL || !g_ascii_isdigit (*value))
    return 0;

  return (guint) MIN (g_ascii_strtoull (value, NULL, 10), 3600);
}

static void
map_transport_error (RpPush  *self,
                     GError  *in,
                     GError **error)
{
  if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (in));
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_TIMEOUT,
                 _("The server %s did not answer in time."), self->host);
  else if (in->domain == G_RESOLVER_ERROR)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_DNS,
                 _("The server name “%s” could not be found. Check the address."), self->host);
  else if (in->domain == G_TLS_ERROR)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_TLS,
                 _("The secure connection to %s failed: its certificate is not trusted or the "
                   "TLS handshake failed."), self->host);
  else
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNREACHABLE,
                 _("Cannot reach the sync server %s. Check the address and the network "
                   "connection."), self->host);

  g_debug ("Push to %s failed: %s", self->host, in->message);
}

static void
map_status (RpPush  *self,
            guint    status,
            GError **error)
{
  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNAUTHORIZED,
                 _("The server %s rejected the user name or password."), self->host);
  else if (status == SOUP_STATUS_FORBIDDEN)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_FORBIDDEN,
                 _("This account has no access to the database “%s”."), self->db);
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_NOT_FOUND,
                 _("The database “%s” does not exist on %s."), self->db, self->host);
  else if (status == STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_BUSY,
                 _("The server %s is busy (HTTP %u); sync will try again later."),
                 self->host, status);
  else if (status >= 500)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_SERVER,
                 _("The server %s had an internal error (HTTP %u)."), self->host, status);
  else
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_FAILED,
                 _("The server %s refused the request (HTTP %u)."), self->host, status);
}

/* One request; returns the parsed answer (also for an error status, when
 * it is JSON, so a 403's reason can be shown) and the status. */
static JsonNode *
request (RpPush        *self,
         const char    *method,
         const char    *path,
         GBytes        *body,
         guint         *out_status,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *uri = NULL;
  SoupMessageHeaders *headers;
  const char *type;
  goffset length;
  gsize size;
  const char *data;
  guint status;

  *out_status = 0;
  uri = g_strconcat (self->base, "/", path, NULL);
  msg = soup_message_new (method, uri);
  if (msg == NULL)
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_USAGE,
                   _("The server address is not a valid URL."));
      return NULL;
    }

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->auth == RP_SYNC_AUTH_BASIC && self->user != NULL)
    {
      g_autofree char *pair = g_strconcat (self->user, ":", self->password ? self->password : "",
                                           NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *value = g_strconcat ("Basic ", encoded, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  answer = soup_session_send_and_read (self->session, msg, cancellable, &local_error);
  if (answer == NULL)
    {
      map_transport_error (self, local_error, error);
      return NULL;
    }

  status = soup_message_get_status (msg);
  *out_status = status;
  if (status == STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    g_atomic_int_set (&self->retry_after, parse_retry_after (msg));

  data = g_bytes_get_data (answer, &size);
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

  /* A lost or cut answer says nothing about what the server stored: the
   * items stay and the retry is harmless */
  if (size == 0 || (length > 0 && (gsize) length != size)
      || type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_MALFORMED,
                       _("The server sent an incomplete or malformed response (%s)."),
                       size == 0 ? _("the body ended early") : _("not JSON"));
          return NULL;
        }
      map_status (self, status, error);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, NULL)
      || json_parser_get_root (parser) == NULL)
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_MALFORMED,
                     _("The server sent an incomplete or malformed response (%s)."),
                     _("invalid JSON"));
      else
        map_status (self, status, error);
      return NULL;
    }

  return json_parser_steal_root (parser);
}

static gboolean
ensure_login (RpPush        *self,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GBytes) body = NULL;
  char *text;
  guint status;

  if (self->auth != RP_SYNC_AUTH_SESSION || self->user == NULL || self->logged_in)
    return TRUE;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->password ? self->password : "");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  text = json_to_string (node, FALSE);
  body = g_bytes_new_take (text, strlen (text));

  answer = request (self, "POST", "_session", body, &status, cancellable, error);
  if (answer == NULL)
    return FALSE;
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      map_status (self, status, error);
      return FALSE;
    }

  self->logged_in = TRUE;
  return TRUE;
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
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *failure = NULL;
  guint status = 0;

  if (!ensure_login (self, cancellable, error))
    return FALSE;

  path = g_strconcat (self->db_path, "/_bulk_docs", NULL);
  answer = request (self, "POST", path, body, &status, cancellable, &local_error);
  if (answer == NULL && status == SOUP_STATUS_UNAUTHORIZED
      && self->auth == RP_SYNC_AUTH_SESSION && self->logged_in)
    {
      /* The session expired: log in again once */
      self->logged_in = FALSE;
      g_clear_error (&local_error);
      if (!ensure_login (self, cancellable, error))
        return FALSE;
      answer = request (self, "POST", path, body, &status, cancellable, &local_error);
    }

  stats->batches++;

  if (answer == NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mark_failed (self, batch, stats, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;

      /* A whole request refused by validation names no document: find
       * the culprit by sending the items one by one */
      if (status == SOUP_STATUS_FORBIDDEN || status == SOUP_STATUS_BAD_REQUEST)
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
              g_autofree char *reason = object ? reason_of (object, status)
                                               : reason_of (NULL, status);

              g_debug ("%s refused by the server", item->doc_id);
              if (!rp_cache_outbox_reject (self->cache, item->seq, reason, error))
                return FALSE;
              stats->rejected++;
              return TRUE;
            }
        }

      map_status (self, status, &local_error);
      mark_failed (self, batch, stats, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (answer))
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_MALFORMED,
                   _("The server sent an incomplete or malformed response (%s)."),
                   _("not a JSON array"));
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
                   _("The server %s did not store every change: %s"), self->host, failure);
      return FALSE;
    }

  return TRUE;
}

static void
rp_push_finalize (GObject *object)
{
  RpPush *self = (RpPush *) object;

  g_clear_object (&self->cache);
  g_clear_object (&self->session);
  g_free (self->base);
  g_free (self->host);
  g_free (self->db);
  g_free (self->db_path);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);

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
  self->auth = RP_SYNC_AUTH_BASIC;
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
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) base = NULL;
  const char *scheme;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (db != NULL, NULL);

  uri = g_uri_parse (server_url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_USAGE,
                   _("The server address must be an http:// or https:// URL."));
      return NULL;
    }

  self = g_object_new (RP_TYPE_PUSH, NULL);
  self->cache = g_object_ref (cache);
  self->db = g_strdup (db);
  self->db_path = g_uri_escape_string (db, NULL, FALSE);
  self->default_db = default_db;

  /* Credentials never come from the URL: they would end up in logs */
  base = g_string_new (scheme);
  g_string_append (base, "://");
  if (strchr (g_uri_get_host (uri), ':') != NULL)
    g_string_append_printf (base, "[%s]", g_uri_get_host (uri));
  else
    g_string_append (base, g_uri_get_host (uri));
  if (g_uri_get_port (uri) > 0)
    g_string_append_printf (base, ":%d", g_uri_get_port (uri));
  g_string_append (base, g_uri_get_path (uri));
  while (base->len > 0 && base->str[base->len - 1] == '/')
    g_string_truncate (base, base->len - 1);
  self->base = g_string_free (g_steal_pointer (&base), FALSE);
  self->host = g_uri_get_port (uri) > 0
             ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
             : g_strdup (g_uri_get_host (uri));

  self->session = soup_session_new_with_options ("user-agent", "Rapport/" PACKAGE_VERSION,
                                                 "timeout", DEFAULT_REQUEST_S,
                                                 "idle-timeout", 60,
                                                 NULL);
  soup_session_add_feature_by_type (self->session, SOUP_TYPE_COOKIE_JAR);

  return g_steal_pointer (&self);
}

const char *
rp_push_get_db (RpPush *self)
{
  g_return_val_if_fail (RP_IS_PUSH (self), NULL);
  return self->db;
}

void
rp_push_set_credentials (RpPush     *self,
                         const char *user,
                         const char *password)
{
  g_return_if_fail (RP_IS_PUSH (self));

  g_free (self->user);
  self->user = g_strdup (user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  self->logged_in = FALSE;
}

void
rp_push_set_auth (RpPush     *self,
                  RpSyncAuth  auth)
{
  g_return_if_fail (RP_IS_PUSH (self));
  self->auth = auth;
  self->logged_in = FALSE;
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
  g_object_set (self->session, "timeout", self->request_s, NULL);
}

guint
rp_push_get_retry_after (RpPush *self)
{
  g_return_val_if_fail (RP_IS_PUSH (self), 0);
  return g_atomic_int_get (&self->retry_after);
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

  g_atomic_int_set (&self->retry_after, 0);

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
