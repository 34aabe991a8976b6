/* rp-sync-client.c: pull one database of a CouchDB-protocol server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-sync-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "rp-doc.h"
#include "rp-json.h"
#include "rp-sync-client.h"

#define DEFAULT_BATCH_DOCS      1000
#define DEFAULT_BATCH_BYTES     (8 * 1024 * 1024)
#define DEFAULT_REQUEST_S       60
#define DEFAULT_LONGPOLL_S      50
#define MAX_ERROR_BODY          (64 * 1024)
#define LOCAL_CHECKPOINT_EVERY  (10 * G_USEC_PER_SEC)
#define STATUS_TOO_MANY_REQUESTS 429   /* not named in libsoup 3.2 */

struct _RpSyncClient
{
  GObject             parent_instance;

  RpCache            *cache;
  SoupSession        *session;
  char               *base;         /* scheme://host:port[/prefix], no trailing slash */
  char               *host;
  char               *db;
  char               *db_path;      /* the escaped database name */
  char               *replication_id;
  char               *checkpoint_key; /* server and database: a checkpoint
                                       * of one server means nothing to another */

  char               *user;
  char               *password;
  RpSyncAuth          auth;
  gboolean            logged_in;

  guint               batch_docs;
  gsize               batch_bytes;
  guint               request_s;
  guint               longpoll_s;

  RpSyncProgressFunc  progress_func;
  gpointer            progress_data;
  GDestroyNotify      progress_destroy;

  /* State of the pull, only touched by the syncing thread */
  GMutex              mutex;        /* one pull or longpoll at a time */
  JsonNode           *since;        /* the applied checkpoint, or NULL */
  char               *local_rev;
  gint64              local_written_usec;
  gboolean            local_dirty;
  guint               limit;        /* adapted to the byte bound */
  guint               retry_after;  /* atomic */
  gboolean            too_large;    /* the last answer went over the byte bound */
  gint                prepare_share; /* atomic: per mille of a page the fetching
                                      * thread prepares; the applying one does
                                      * the rest, so neither waits long */
};

G_DEFINE_FINAL_TYPE (RpSyncClient, rp_sync_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (rp-sync-error-quark, rp_sync_error)

/* One pulled batch, parsed off the applying thread */
typedef struct
{
  JsonNode  *root;
  GPtrArray *docs;           /* JsonNode, borrowed from root */
  GPtrArray *prepared;       /* RpPrepared of each of docs */
  JsonNode  *last_row_seq;   /* borrowed from root, NULL if no rows */
  gint64     pending;        /* -1 when the server does not say */
  GPtrArray *customers;      /* customer ids the batch touches */
  gsize      bytes;
  guint      n_rows;
  guint      limit;          /* the rows asked for: fewer means caught up */
} Batch;

static void
batch_free (Batch *batch)
{
  g_clear_pointer (&batch->docs, g_ptr_array_unref);
  g_clear_pointer (&batch->prepared, g_ptr_array_unref);
  g_clear_pointer (&batch->customers, g_ptr_array_unref);
  g_clear_pointer (&batch->root, json_node_unref);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

/* The overall deadline of a request.  libsoup's timeout is per read, so a
 * server that drips a byte at a time would never time out; a timer on a
 * private thread cancels the request when its deadline passes. */

typedef struct
{
  GCancellable *cancellable;
  int           expired;
} DeadlineData;

typedef struct
{
  DeadlineData *data;
  GSource      *timer;
  GCancellable *user;
  gulong        user_handler;
} Deadline;

static void
deadline_data_clear (DeadlineData *data)
{
  g_clear_object (&data->cancellable);
}

static void
deadline_data_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) deadline_data_clear);
}

static gpointer
watchdog_thread (gpointer data)
{
  GMainContext *context = data;

  for (;;)
    g_main_context_iteration (context, TRUE);

  return NULL;
}

static GMainContext *
watchdog_context (void)
{
  static GMainContext *context;

  if (g_once_init_enter (&context))
    {
      GMainContext *ctx = g_main_context_new ();

      g_thread_unref (g_thread_new ("rp-sync-watchdog", watchdog_thread, ctx));
      g_once_init_leave (&context, ctx);
    }

  return context;
}

static gboolean
deadline_expired_cb (gpointer user_data)
{
  DeadlineData *data = user_data;

  g_atomic_int_set (&data->expired, TRUE);
  g_cancellable_cancel (data->cancellable);

  return G_SOURCE_REMOVE;
}

static void
user_cancelled_cb (GCancellable *user,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
deadline_begin (Deadline     *deadline,
                guint         seconds,
                GCancellable *user)
{
  deadline->data = g_atomic_rc_box_new0 (DeadlineData);
  deadline->data->cancellable = g_cancellable_new ();

  deadline->timer = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (deadline->timer, deadline_expired_cb,
                         g_atomic_rc_box_acquire (deadline->data), deadline_data_unref);
  g_source_attach (deadline->timer, watchdog_context ());

  if (user != NULL)
    {
      deadline->user = g_object_ref (user);
      deadline->user_handler = g_cancellable_connect (user, G_CALLBACK (user_cancelled_cb),
                                                      g_object_ref (deadline->data->cancellable),
                                                      g_object_unref);
    }
}

static gboolean
deadline_end (Deadline *deadline)
{
  gboolean expired;

  if (deadline->user != NULL)
    {
      g_cancellable_disconnect (deadline->user, deadline->user_handler);
      g_clear_object (&deadline->user);
    }
  g_source_destroy (deadline->timer);
  g_clear_pointer (&deadline->timer, g_source_unref);
  expired = g_atomic_int_get (&deadline->data->expired);
  g_clear_pointer (&deadline->data, deadline_data_unref);

  return expired;
}

/* Errors */

gboolean
rp_sync_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != RP_SYNC_ERROR)
    return FALSE;

  switch ((RpSyncError) error->code)
    {
    case RP_SYNC_ERROR_UNREACHABLE:
    case RP_SYNC_ERROR_DNS:
    case RP_SYNC_ERROR_SERVER:
    case RP_SYNC_ERROR_BUSY:
    case RP_SYNC_ERROR_MALFORMED:
    case RP_SYNC_ERROR_TIMEOUT:
    case RP_SYNC_ERROR_OFFLINE:
      return TRUE;

    case RP_SYNC_ERROR_FAILED:
    case RP_SYNC_ERROR_TLS:
    case RP_SYNC_ERROR_UNAUTHORIZED:
    case RP_SYNC_ERROR_FORBIDDEN:
    case RP_SYNC_ERROR_NOT_FOUND:
    case RP_SYNC_ERROR_CACHE:
    case RP_SYNC_ERROR_USAGE:
    default:
      return FALSE;
    }
}

static void
set_malformed (GError     **error,
               const char  *detail)
{
  g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_MALFORMED,
               _("The server sent an incomplete or malformed response (%s)."), detail);
}

static void
set_timeout (RpSyncClient  *self,
             GError       **error)
{
  g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_TIMEOUT,
               _("The server %s did not answer in time."), self->host);
}

/* Maps a transport error to one of ours; @got_headers tells a dropped
 * connection from one that never opened. */
static void
map_transport_error (RpSyncClient  *self,
                     GError        *in,
                     gboolean       expired,
                     gboolean       got_headers,
                     GError       **error)
{
  if (expired)
    set_timeout (self, error);
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (in));
  else if (in->domain == G_RESOLVER_ERROR)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_DNS,
                 _("The server name “%s” could not be found. Check the address."), self->host);
  else if (in->domain == G_TLS_ERROR)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_TLS,
                 _("The secure connection to %s failed: its certificate is not trusted or the "
                   "TLS handshake failed."), self->host);
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    set_timeout (self, error);
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    set_malformed (error, _("the body ended early"));
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_OFFLINE,
                 _("No network connection to reach %s."), self->host);
  else if (got_headers)
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNREACHABLE,
                 _("The connection to %s was lost during a transfer."), self->host);
  else
    g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNREACHABLE,
                 _("Cannot reach the sync server %s. Check the address and the network "
                   "connection."), self->host);

  g_debug ("Request to %s failed: %s", self->host, in->message);
}

static void
map_status (RpSyncClient  *self,
            guint          status,
            GError       **error)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNAUTHORIZED,
                   _("The server %s rejected the user name or password."), self->host);
      break;

    case SOUP_STATUS_FORBIDDEN:
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_FORBIDDEN,
                   _("This account has no access to the database “%s”."), self->db);
      break;

    case SOUP_STATUS_NOT_FOUND:
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_NOT_FOUND,
                   _("The database “%s” does not exist on %s."), self->db, self->host);
      break;

    case STATUS_TOO_MANY_REQUESTS:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_BUSY,
                   _("The server %s is busy (HTTP %u); sync will try again later."),
                   self->host, status);
      break;

    default:
      if (status >= 500)
        g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_SERVER,
                     _("The server %s had an internal error (HTTP %u)."), self->host, status);
      else
        g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_FAILED,
                     _("The server %s refused the request (HTTP %u)."), self->host, status);
      break;
    }
}

static guint
parse_retry_after (SoupMessage *msg)
{
  const char *value;
  GDateTime *when;
  guint seconds = 0;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  if (value == NULL)
    return 0;

  if (g_ascii_isdigit (*value))
    {
      guint64 n = g_ascii_strtoull (value, NULL, 10);
      seconds = (guint) MIN (n, 3600);
    }
  else if ((when = soup_date_time_new_from_http_string (value)) != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      GTimeSpan diff = g_date_time_difference (when, now);

      seconds = diff > 0 ? (guint) MIN (diff / G_TIME_SPAN_SECOND, 3600) : 0;
      g_date_time_unref (when);
    }

  return seconds;
}

static gboolean
is_json_content_type (SoupMessage *msg)
{
  const char *type;

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

static gboolean
ensure_session_login (RpSyncClient  *self,
                      GCancellable  *cancellable,
                      GError       **error);

/* Sends one request and returns the response's JSON object.  Nothing of
 * the response is trusted: the status, the content type, the length of the
 * body (libsoup does not always report a truncated body) and the JSON must
 * all be right, within an overall deadline. */
static JsonNode *
client_request_once (RpSyncClient  *self,
                     const char    *method,
                     const char    *path,
                     GBytes        *body,
                     guint          deadline_s,
                     gsize          max_bytes,
                     guint         *out_status,
                     gsize         *out_bytes,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  g_autofree char *uri = NULL;
  SoupMessageHeaders *headers;
  Deadline deadline = { 0 };
  gboolean expired;
  guint status;
  goffset length = -1;
  gsize limit;

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

  deadline_begin (&deadline, deadline_s, cancellable);

  stream = soup_session_send (self->session, msg, deadline.data->cancellable, &local_error);
  if (stream == NULL)
    {
      expired = deadline_end (&deadline);
      map_transport_error (self, local_error, expired, FALSE, error);
      return NULL;
    }

  status = soup_message_get_status (msg);
  *out_status = status;
  if (status == STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    g_atomic_int_set (&self->retry_after, parse_retry_after (msg));

  limit = SOUP_STATUS_IS_SUCCESSFUL (status) ? max_bytes : MAX_ERROR_BODY;
  if (soup_message_headers_get_encoding (soup_message_get_response_headers (msg))
      == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                       "Content-Encoding") == NULL)
    length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));

  buffer = g_byte_array_sized_new (length > 0 && (gsize) length < limit ? (guint) length + 1
                                                                         : 64 * 1024);
  for (;;)
    {
      guint8 chunk[64 * 1024];
      gssize n;

      n = g_input_stream_read (stream, chunk, sizeof chunk, deadline.data->cancellable,
                               &local_error);
      if (n < 0)
        break;
      if (n == 0)
        break;
      if (buffer->len + (gsize) n > limit)
        {
          if (SOUP_STATUS_IS_SUCCESSFUL (status))
            {
              deadline_end (&deadline);
              self->too_large = TRUE;
              set_malformed (error, _("the answer is too large"));
              return NULL;
            }
          break;
        }
      g_byte_array_append (buffer, chunk, n);
    }

  g_input_stream_close (stream, NULL, NULL);
  expired = deadline_end (&deadline);

  if (out_bytes != NULL)
    *out_bytes = buffer->len;

  if (local_error != NULL)
    {
      map_transport_error (self, local_error, expired, TRUE, error);
      return NULL;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      map_status (self, status, error);
      return NULL;
    }

  if (length >= 0 && (gsize) length != buffer->len)
    {
      set_malformed (error, _("the body is shorter than announced"));
      return NULL;
    }

  /* libsoup 3.2 reports a connection reset in the middle of the headers
   * as a success with an empty body */
  if (buffer->len == 0)
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNREACHABLE,
                   _("The connection to %s was lost during a transfer."), self->host);
      return NULL;
    }

  if (!is_json_content_type (msg))
    {
      set_malformed (error, _("not JSON"));
      return NULL;
    }

  /* The reader rejects an unterminated document, which is what catches a
   * chunked body that stopped without its last chunk; it is several times
   * faster than JsonParser, and every pulled document goes through it. */
  root = rp_json_parse ((const char *) buffer->data, buffer->len, &local_error);
  if (root == NULL)
    {
      g_debug ("Invalid JSON from %s: %s", self->host, local_error->message);
      set_malformed (error, _("invalid JSON"));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      json_node_unref (root);
      set_malformed (error, _("not a JSON object"));
      return NULL;
    }

  return root;
}

static JsonNode *
client_request (RpSyncClient  *self,
                const char    *method,
                const char    *path,
                GBytes        *body,
                guint          deadline_s,
                gsize          max_bytes,
                guint         *out_status,
                gsize         *out_bytes,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;
  guint status = 0;

  if (!ensure_session_login (self, cancellable, error))
    return NULL;

  node = client_request_once (self, method, path, body, deadline_s, max_bytes,
                              &status, out_bytes, cancellable, &local_error);

  /* A session cookie expires; log in again once */
  if (node == NULL && status == SOUP_STATUS_UNAUTHORIZED
      && self->auth == RP_SYNC_AUTH_SESSION && self->logged_in)
    {
      self->logged_in = FALSE;
      g_clear_error (&local_error);
      if (!ensure_session_login (self, cancellable, error))
        return NULL;
      node = client_request_once (self, method, path, body, deadline_s, max_bytes,
                                  &status, out_bytes, cancellable, &local_error);
    }

  if (out_status != NULL)
    *out_status = status;
  if (node == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return node;
}

static gboolean
ensure_session_login (RpSyncClient  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  char *text;
  gsize len;
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
  request = json_builder_get_root (builder);
  text = json_to_string (request, FALSE);
  len = strlen (text);
  body = g_bytes_new_take (text, len);

  answer = client_request_once (self, "POST", "_session", body, self->request_s, MAX_ERROR_BODY,
                                &status, NULL, cancellable, &local_error);
  if (answer == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->logged_in = TRUE;
  return TRUE;
}

/* Sequences are opaque: a string goes back as it came, anything else as
 * its JSON text. */
static char *
seq_to_param (JsonNode *seq)
{
  g_autofree char *text = NULL;

  if (seq == NULL)
    return g_strdup ("0");

  if (JSON_NODE_HOLDS_VALUE (seq) && json_node_get_value_type (seq) == G_TYPE_STRING)
    return g_uri_escape_string (json_node_get_string (seq), NULL, FALSE);

  text = json_to_string (seq, FALSE);
  return g_uri_escape_string (text, NULL, FALSE);
}

/* The leading integer of a sequence (CouchDB's "123-g1AAA…", PouchDB's
 * 123), used only for progress estimates */
static gint64
seq_number (JsonNode *seq)
{
  if (seq == NULL || !JSON_NODE_HOLDS_VALUE (seq))
    return -1;

  if (json_node_get_value_type (seq) == G_TYPE_INT64)
    return json_node_get_int (seq);

  if (json_node_get_value_type (seq) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (seq);

      if (g_ascii_isdigit (*s))
        return g_ascii_strtoll (s, NULL, 10);
    }

  return -1;
}

static void
collect_customer_ids (JsonObject *doc,
                      GHashTable *ids)
{
  const char *id = rp_json_string (doc, "_id");
  const char *customer = rp_json_string (doc, "customer_id");
  const char *survivor = rp_json_string (doc, "survivor");

  if (id != NULL && g_str_has_prefix (id, "customer:"))
    g_hash_table_add (ids, g_strdup (id));
  if (customer != NULL)
    g_hash_table_add (ids, g_strdup (customer));
  if (survivor != NULL)
    g_hash_table_add (ids, g_strdup (survivor));

  if (json_object_has_member (doc, "merged")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (doc, "merged")))
    {
      JsonArray *merged = json_object_get_array_member (doc, "merged");

      for (guint i = 0; i < json_array_get_length (merged); i++)
        {
          JsonNode *node = json_array_get_element (merged, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_hash_table_add (ids, g_strdup (json_node_get_string (node)));
        }
    }
}

/* Checks the shape of a _changes answer.  The protocol's own fields must be
 * right or the whole batch is refused; a bad document inside a row is left
 * to the cache, which skips it alone. */
static Batch *
parse_changes (RpSyncClient  *self,
               JsonNode      *root,
               gsize          bytes,
               GError       **error)
{
  g_autoptr(Batch) batch = g_new0 (Batch, 1);
  JsonObject *object = json_node_get_object (root);
  JsonNode *results_node;
  JsonArray *results;
  guint n;

  batch->root = json_node_ref (root);
  batch->bytes = bytes;
  batch->pending = -1;

  results_node = json_object_get_member (object, "results");
  if (results_node == NULL || !JSON_NODE_HOLDS_ARRAY (results_node))
    {
      set_malformed (error, _("no list of changes"));
      return NULL;
    }
  if (json_object_has_member (object, "pending"))
    {
      JsonNode *pending = json_object_get_member (object, "pending");

      if (JSON_NODE_HOLDS_VALUE (pending) && json_node_get_value_type (pending) == G_TYPE_INT64)
        batch->pending = MAX (0, json_node_get_int (pending));
    }

  results = json_node_get_array (results_node);
  n = json_array_get_length (results);
  batch->docs = g_ptr_array_new_full (n, NULL);
  batch->n_rows = n;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *row_node = json_array_get_element (results, i);
      JsonObject *row;
      JsonNode *seq, *doc, *id;

      if (!JSON_NODE_HOLDS_OBJECT (row_node))
        {
          set_malformed (error, _("a change is not an object"));
          return NULL;
        }
      row = json_node_get_object (row_node);
      seq = json_object_get_member (row, "seq");
      id = json_object_get_member (row, "id");
      if (seq == NULL || JSON_NODE_HOLDS_NULL (seq) || JSON_NODE_HOLDS_OBJECT (seq)
          || id == NULL || !JSON_NODE_HOLDS_VALUE (id)
          || json_node_get_value_type (id) != G_TYPE_STRING)
        {
          set_malformed (error, _("a change without its sequence or id"));
          return NULL;
        }
      batch->last_row_seq = seq;

      /* Design documents and other servers' internals are not ours */
      if (g_str_has_prefix (json_node_get_string (id), "_design/"))
        continue;

      doc = json_object_get_member (row, "doc");
      if (rp_json_bool (row, "deleted"))
        {
          /* A tombstone needs no more than its id; keep the one the
           * server gave when it is well formed. */
          if (doc == NULL || !JSON_NODE_HOLDS_OBJECT (doc))
            {
              JsonObject *stub = json_object_new ();

              json_object_set_string_member (stub, "_id", json_node_get_string (id));
              json_object_set_boolean_member (stub, "_deleted", TRUE);
              doc = json_node_init_object (json_node_alloc (), stub);
              json_object_set_member (row, "doc", doc);
              json_object_unref (stub);
            }
          else if (!rp_json_bool (json_node_get_object (doc), "_deleted"))
            json_object_set_boolean_member (json_node_get_object (doc), "_deleted", TRUE);
        }
      else if (doc == NULL || !JSON_NODE_HOLDS_OBJECT (doc))
        {
          /* Left for the cache to reject and log with its id */
          JsonObject *stub = json_object_new ();

          json_object_set_string_member (stub, "_id", json_node_get_string (id));
          doc = json_node_init_object (json_node_alloc (), stub);
          json_object_set_member (row, "doc", doc);
          json_object_unref (stub);
        }

      g_ptr_array_add (batch->docs, doc);
    }

  /* Here on the fetching thread rather than on the applying one */
  {
    g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter iter;
    gpointer key;

    for (guint i = 0; i < batch->docs->len; i++)
      collect_customer_ids (json_node_get_object (g_ptr_array_index (batch->docs, i)), ids);

    batch->customers = g_ptr_array_new_full (g_hash_table_size (ids), g_free);
    g_hash_table_iter_init (&iter, ids);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        g_ptr_array_add (batch->customers, key);
        g_hash_table_iter_steal (&iter);
      }
  }

  /* So is all of the apply path that needs no database */
  {
    guint n = batch->docs->len;
    guint share = n * (guint) g_atomic_int_get (&self->prepare_share) / 1000;

    batch->prepared = g_ptr_array_new_full (n, (GDestroyNotify) rp_prepared_free);
    for (guint i = 0; i < n; i++)
      g_ptr_array_add (batch->prepared,
                       i < share ? rp_prepared_new (g_ptr_array_index (batch->docs, i)) : NULL);
  }

  return g_steal_pointer (&batch);
}

static char *
changes_path (RpSyncClient *self,
              const char   *since_param,
              guint         limit,
              gboolean      longpoll)
{
  if (longpoll)
    return g_strdup_printf ("%s/_changes?feed=longpoll&style=main_only&include_docs=true"
                            "&since=%s&limit=%u&timeout=%u",
                            self->db_path, since_param, limit, self->longpoll_s * 1000);

  return g_strdup_printf ("%s/_changes?style=main_only&include_docs=true&since=%s&limit=%u",
                          self->db_path, since_param, limit);
}

static Batch *
fetch_changes (RpSyncClient  *self,
               JsonNode      *since,
               guint          limit,
               gboolean       longpoll,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *since_param = seq_to_param (since);
  g_autofree char *path = NULL;
  Batch *batch;
  guint status;
  gsize bytes = 0;
  guint deadline;

  path = changes_path (self, since_param, limit, longpoll);
  deadline = longpoll ? self->longpoll_s + MIN (self->request_s, 15) : self->request_s;

  /* Twice the bound leaves room for a few large documents; past it the
   * page is refused and asked for again with half as many rows. */
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      self->too_large = FALSE;
      root = client_request (self, "GET", path, NULL, deadline, self->batch_bytes * 2 + 1024,
                             &status, &bytes, cancellable, &local_error);
      if (root != NULL)
        break;
      if (!self->too_large || limit <= 1)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      limit /= 2;
      g_free (path);
      path = changes_path (self, since_param, limit, longpoll);
    }

  batch = parse_changes (self, root, bytes, error);
  if (batch != NULL)
    batch->limit = limit;

  return batch;
}

static void
skip_cb (const char *doc_id,
         const char *reason,
         gpointer    user_data)
{
  /* Ids carry no personal data (DESIGN §3); the reason names the field */
  g_message ("Skipped document %s: %s", doc_id, reason);
}

static gboolean
apply_batch (RpSyncClient  *self,
             Batch         *batch,
             RpSyncStats   *stats,
             GPtrArray    **out_customers,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  RpApplyStats applied = { 0 };

  if (batch->last_row_seq == NULL)
    return TRUE;

  for (guint i = 0; i < batch->prepared->len; i++)
    if (g_ptr_array_index (batch->prepared, i) == NULL)
      g_ptr_array_index (batch->prepared, i) = rp_prepared_new (g_ptr_array_index (batch->docs, i));

  if (!rp_cache_apply_prepared (self->cache, (RpPrepared *const *) batch->prepared->pdata,
                                batch->prepared->len, self->checkpoint_key, batch->last_row_seq,
                                skip_cb, self, &applied, &local_error))
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_CACHE,
                   _("Could not save the synced documents: %s"), local_error->message);
      return FALSE;
    }

  g_clear_pointer (&self->since, json_node_unref);
  self->since = json_node_copy (batch->last_row_seq);
  self->local_dirty = TRUE;

  stats->applied.inserted += applied.inserted;
  stats->applied.updated += applied.updated;
  stats->applied.deleted += applied.deleted;
  stats->applied.erased += applied.erased;
  stats->applied.skipped += applied.skipped;
  stats->received += batch->n_rows;
  stats->bytes += batch->bytes;
  stats->batches++;
  if (applied.inserted + applied.updated + applied.deleted + applied.erased > 0)
    stats->changed = TRUE;

  *out_customers = g_steal_pointer (&batch->customers);

  return TRUE;
}

static gboolean
load_checkpoint (RpSyncClient  *self,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  text = rp_cache_get_checkpoint (self->cache, self->checkpoint_key, NULL, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_CACHE,
                   _("Could not read the sync checkpoint: %s"), local_error->message);
      return FALSE;
    }

  g_clear_pointer (&self->since, json_node_unref);
  if (text != NULL)
    {
      self->since = json_from_string (text, &local_error);
      if (self->since == NULL)
        {
          g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_CACHE,
                       _("The stored sync checkpoint is damaged."));
          return FALSE;
        }
    }

  return TRUE;
}

/* Tells the server how far this desktop has applied, so an operator can
 * see when it is safe to purge after an erasure.  Not worth failing a sync
 * over: a reader may lack the right to write it. */
static void
write_local_checkpoint (RpSyncClient *self,
                        GCancellable *cancellable)
{
  g_autofree char *path = NULL;

  if (!self->local_dirty || self->since == NULL)
    return;

  path = g_strdup_printf ("%s/_local/%s", self->db_path, self->replication_id);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) doc = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *now = rp_format_timestamp (g_get_real_time ());
      char *text;
      guint status = 0;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "_id");
      json_builder_add_string_value (builder, path + strlen (self->db_path) + 1);
      if (self->local_rev != NULL)
        {
          json_builder_set_member_name (builder, "_rev");
          json_builder_add_string_value (builder, self->local_rev);
        }
      json_builder_set_member_name (builder, "last_seq");
      json_builder_add_value (builder, json_node_copy (self->since));
      json_builder_set_member_name (builder, "at");
      json_builder_add_string_value (builder, now);
      json_builder_set_member_name (builder, "client");
      json_builder_add_string_value (builder, "Rapport " PACKAGE_VERSION);
      json_builder_end_object (builder);
      doc = json_builder_get_root (builder);
      text = json_to_string (doc, FALSE);
      body = g_bytes_new_take (text, strlen (text));

      answer = client_request (self, "PUT", path, body, self->request_s, MAX_ERROR_BODY,
                               &status, NULL, cancellable, &local_error);
      if (answer != NULL)
        {
          const char *rev = rp_json_string (json_node_get_object (answer), "rev");

          g_free (self->local_rev);
          self->local_rev = g_strdup (rev);
          self->local_dirty = FALSE;
          self->local_written_usec = g_get_monotonic_time ();
          return;
        }

      if (status != SOUP_STATUS_CONFLICT)
        {
          g_debug ("Could not write the checkpoint on the server: %s", local_error->message);
          return;
        }

      /* Someone (this desktop, before a crash) wrote it: learn its rev */
      {
        g_autoptr(JsonNode) current = NULL;

        current = client_request (self, "GET", path, NULL, self->request_s, MAX_ERROR_BODY,
                                  &status, NULL, cancellable, NULL);
        g_free (self->local_rev);
        self->local_rev = current ? g_strdup (rp_json_string (json_node_get_object (current),
                                                              "_rev"))
                                  : NULL;
      }
    }
}

static void
report_progress (RpSyncClient *self,
                 guint64       done,
                 guint64       total,
                 GPtrArray    *customers)
{
  if (self->progress_func != NULL)
    self->progress_func (self, done, MAX (done, total), customers, self->progress_data);
}

static guint
next_limit (RpSyncClient *self,
            Batch        *batch)
{
  guint limit = self->limit;

  /* Keep batches within the byte bound as documents grow or shrink */
  if (batch->n_rows > 0)
    {
      gsize per_doc = MAX (batch->bytes / batch->n_rows, 1);
      gsize fits = MAX (self->batch_bytes / per_doc, 1);

      limit = (guint) MIN (fits, self->batch_docs);
      limit = MAX (limit, 1);
    }

  return limit;
}

typedef struct
{
  RpSyncClient *self;
  JsonNode     *since;
  guint         limit;
  GCancellable *cancellable;
  Batch        *batch;
  GError       *error;
} Prefetch;

static gpointer
prefetch_thread (gpointer user_data)
{
  Prefetch *prefetch = user_data;

  prefetch->batch = fetch_changes (prefetch->self, prefetch->since, prefetch->limit, FALSE,
                                   prefetch->cancellable, &prefetch->error);
  return NULL;
}

static void
client_finalize (GObject *object)
{
  RpSyncClient *self = (RpSyncClient *) object;

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);

  g_clear_object (&self->cache);
  g_clear_object (&self->session);
  g_clear_pointer (&self->since, json_node_unref);
  g_clear_pointer (&self->password, g_free);
  g_free (self->base);
  g_free (self->host);
  g_free (self->db);
  g_free (self->db_path);
  g_free (self->replication_id);
  g_free (self->checkpoint_key);
  g_free (self->user);
  g_free (self->local_rev);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (rp_sync_client_parent_class)->finalize (object);
}

static void
rp_sync_client_class_init (RpSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = client_finalize;
}

static void
rp_sync_client_init (RpSyncClient *self)
{
  g_mutex_init (&self->mutex);
  self->batch_docs = DEFAULT_BATCH_DOCS;
  self->batch_bytes = DEFAULT_BATCH_BYTES;
  self->prepare_share = 500;
  self->request_s = DEFAULT_REQUEST_S;
  self->longpoll_s = DEFAULT_LONGPOLL_S;
  self->limit = DEFAULT_BATCH_DOCS;
  self->auth = RP_SYNC_AUTH_BASIC;
}

static gboolean
valid_db_name (const char *db)
{
  /* CouchDB: a lowercase letter, then lowercase letters, digits, _$()+-/ */
  if (db == NULL || !g_ascii_islower (*db))
    return FALSE;
  for (const char *p = db; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && strchr ("_$()+-/", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* Public API */

RpSyncClient *
rp_sync_client_new (RpCache     *cache,
                    const char  *server_url,
                    const char  *db,
                    GError     **error)
{
  g_autoptr(RpSyncClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) base = NULL;
  g_autofree char *key = NULL;
  g_autofree char *hash = NULL;
  const char *scheme;
  const char *path;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  uri = g_uri_parse (server_url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_USAGE,
                   _("The server address must be an http:// or https:// URL."));
      return NULL;
    }
  if (!valid_db_name (db))
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_USAGE,
                   _("“%s” is not a valid database name."), db ? db : "");
      return NULL;
    }

  self = g_object_new (RP_TYPE_SYNC_CLIENT, NULL);
  self->cache = g_object_ref (cache);
  self->db = g_strdup (db);
  self->db_path = g_uri_escape_string (db, NULL, FALSE);

  /* Credentials never come from the URL: they would end up in logs */
  base = g_string_new (scheme);
  g_string_append (base, "://");
  if (strchr (g_uri_get_host (uri), ':') != NULL)
    g_string_append_printf (base, "[%s]", g_uri_get_host (uri));
  else
    g_string_append (base, g_uri_get_host (uri));
  if (g_uri_get_port (uri) > 0)
    g_string_append_printf (base, ":%d", g_uri_get_port (uri));
  path = g_uri_get_path (uri);
  g_string_append (base, path);
  while (base->len > 0 && base->str[base->len - 1] == '/')
    g_string_truncate (base, base->len - 1);

  self->host = g_uri_get_port (uri) > 0
             ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
             : g_strdup (g_uri_get_host (uri));
  self->base = g_string_free (g_steal_pointer (&base), FALSE);

  /* Stable per cache, server and database, and free of personal data */
  key = g_strdup_printf ("%s\n%s\n%s", rp_cache_get_path (cache), self->base, db);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  self->replication_id = g_strdup_printf ("rapport-%.32s", hash);
  self->checkpoint_key = g_strdup_printf ("%s/%s", self->base, db);

  self->session = soup_session_new_with_options ("user-agent", "Rapport/" PACKAGE_VERSION,
                                                 "timeout", DEFAULT_REQUEST_S,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 4,
                                                 NULL);
  soup_session_add_feature_by_type (self->session, SOUP_TYPE_COOKIE_JAR);
  /* Compressing a page costs PouchDB Server more than the bytes it saves
   * on a LAN (it halves the pull rate), and an identity body can always
   * be checked against its Content-Length. */
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);

  return g_steal_pointer (&self);
}

const char *
rp_sync_client_get_db (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);
  return self->db;
}

const char *
rp_sync_client_get_server (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);
  return self->base;
}

const char *
rp_sync_client_get_checkpoint_key (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);

  return self->checkpoint_key;
}

const char *
rp_sync_client_get_replication_id (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);
  return self->replication_id;
}

void
rp_sync_client_set_credentials (RpSyncClient *self,
                                const char   *user,
                                const char   *password)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  g_mutex_lock (&self->mutex);
  g_free (self->user);
  self->user = (user != NULL && *user != '\0') ? g_strdup (user) : NULL;
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  self->logged_in = FALSE;
  g_mutex_unlock (&self->mutex);
}

void
rp_sync_client_set_auth (RpSyncClient *self,
                         RpSyncAuth    auth)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  self->auth = auth;
  self->logged_in = FALSE;
}

void
rp_sync_client_set_batch_size (RpSyncClient *self,
                               guint         max_docs,
                               gsize         max_bytes)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  self->batch_docs = max_docs > 0 ? max_docs : DEFAULT_BATCH_DOCS;
  self->batch_bytes = max_bytes > 0 ? max_bytes : DEFAULT_BATCH_BYTES;
  self->limit = self->batch_docs;
}

void
rp_sync_client_set_timeouts (RpSyncClient *self,
                             guint         request_s,
                             guint         longpoll_s)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  self->request_s = request_s > 0 ? request_s : DEFAULT_REQUEST_S;
  self->longpoll_s = longpoll_s > 0 ? longpoll_s : DEFAULT_LONGPOLL_S;
  g_object_set (self->session, "timeout", self->request_s, NULL);
}

void
rp_sync_client_set_progress_func (RpSyncClient       *self,
                                  RpSyncProgressFunc  func,
                                  gpointer            user_data,
                                  GDestroyNotify      destroy)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

guint
rp_sync_client_get_retry_after (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), 0);
  return g_atomic_int_get (&self->retry_after);
}

JsonObject *
rp_sync_client_check (RpSyncClient  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  guint status;

  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);

  g_atomic_int_set (&self->retry_after, 0);
  root = client_request (self, "GET", self->db_path, NULL, self->request_s, MAX_ERROR_BODY * 4,
                         &status, NULL, cancellable, error);
  if (root == NULL)
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

gboolean
rp_sync_client_pull (RpSyncClient  *self,
                     RpSyncStats   *stats,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(Batch) batch = NULL;
  Batch *applied = NULL;
  gint64 update_seq;
  guint64 done = 0;
  gboolean ok = TRUE;
  gboolean bulk = FALSE;

  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  g_atomic_int_set (&self->retry_after, 0);

  if (!load_checkpoint (self, error))
    return FALSE;
  self->local_written_usec = g_get_monotonic_time ();

  /* Tells a missing database or a wrong password apart before any
   * _changes, and gives the estimate for the progress bar */
  info = rp_sync_client_check (self, cancellable, error);
  if (info == NULL)
    return FALSE;
  update_seq = seq_number (json_object_get_member (info, "update_seq"));

  batch = fetch_changes (self, self->since, self->limit, FALSE, cancellable, error);
  if (batch == NULL)
    return FALSE;

  /* A first pull of more than a page fills an empty cache: the cache then
   * builds its query indexes once at the end instead of row by row (it
   * does nothing of the kind when it already holds documents) */
  if (self->since == NULL && batch->n_rows >= batch->limit && batch->pending != 0)
    {
      if (!rp_cache_begin_bulk (self->cache, error))
        return FALSE;
      bulk = TRUE;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) customers = NULL;
      g_autoptr(GError) apply_error = NULL;
      GThread *thread = NULL;
      Prefetch prefetch = { 0 };
      gboolean more;
      guint64 total;

      /* A full page means there may be more: fetch it while this one is
       * applied, since the next `since` is already known. */
      more = batch->n_rows > 0 && batch->n_rows >= batch->limit && batch->pending != 0;
      self->limit = next_limit (self, batch);

      /* Between requests, so the session has one request at a time */
      if (g_get_monotonic_time () - self->local_written_usec > LOCAL_CHECKPOINT_EVERY)
        write_local_checkpoint (self, cancellable);

      if (more)
        {
          prefetch.self = self;
          prefetch.since = batch->last_row_seq;
          prefetch.limit = self->limit;
          prefetch.cancellable = g_cancellable_new ();
          if (cancellable != NULL)
            g_signal_connect_object (cancellable, "cancelled",
                                     G_CALLBACK (g_cancellable_cancel),
                                     prefetch.cancellable, G_CONNECT_SWAPPED);
          thread = g_thread_new ("rp-sync-fetch", prefetch_thread, &prefetch);
        }

      ok = apply_batch (self, batch, stats, &customers, &apply_error);

      /* Freeing a page of documents costs about as much as parsing it:
       * the applying side has the time to spare while the next one comes */
      g_clear_pointer (&applied, batch_free);

      if (thread != NULL)
        {
          gint64 waited = g_get_monotonic_time ();
          gint share = g_atomic_int_get (&self->prepare_share);

          if (!ok)
            g_cancellable_cancel (prefetch.cancellable);
          g_thread_join (thread);

          /* Waiting here means the fetching thread has too much to do */
          waited = g_get_monotonic_time () - waited;
          share += waited > G_TIME_SPAN_MILLISECOND ? -50 : 50;
          g_atomic_int_set (&self->prepare_share, CLAMP (share, 0, 1000));
          if (cancellable != NULL)
            g_signal_handlers_disconnect_by_data (cancellable, prefetch.cancellable);
          g_clear_object (&prefetch.cancellable);
        }

      if (!ok)
        {
          g_clear_error (&prefetch.error);
          g_clear_pointer (&prefetch.batch, batch_free);
          g_propagate_error (error, g_steal_pointer (&apply_error));
          break;
        }

      done += batch->n_rows;
      if (batch->pending >= 0)
        total = done + (guint64) batch->pending;
      else if (update_seq >= 0 && seq_number (self->since) >= 0)
        total = done + (guint64) MAX (0, update_seq - seq_number (self->since));
      else
        total = done;
      if (batch->n_rows > 0)
        report_progress (self, done, total, customers);

      if (thread == NULL)
        break;

      g_clear_pointer (&applied, batch_free);
      applied = g_steal_pointer (&batch);
      if (prefetch.batch == NULL)
        {
          g_propagate_error (error, prefetch.error);
          ok = FALSE;
          break;
        }
      batch = prefetch.batch;
    }

  g_clear_pointer (&applied, batch_free);
  if (bulk && !rp_cache_end_bulk (self->cache, ok ? error : NULL))
    ok = FALSE;
  write_local_checkpoint (self, cancellable);

  return ok;
}

gboolean
rp_sync_client_wait_changes (RpSyncClient  *self,
                             RpSyncStats   *stats,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) customers = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(Batch) batch = NULL;
  gboolean full;

  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  g_atomic_int_set (&self->retry_after, 0);

  if (!load_checkpoint (self, error))
    return FALSE;

  batch = fetch_changes (self, self->since, self->limit, TRUE, cancellable, &local_error);
  if (batch == NULL)
    {
      /* PouchDB Server ignores `timeout`: the deadline is how a quiet
       * longpoll ends, and it is not a failure. */
      if (g_error_matches (local_error, RP_SYNC_ERROR, RP_SYNC_ERROR_TIMEOUT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!apply_batch (self, batch, stats, &customers, error))
    return FALSE;
  if (batch->n_rows > 0)
    report_progress (self, batch->n_rows, batch->n_rows, customers);

  full = batch->n_rows >= batch->limit;
  write_local_checkpoint (self, cancellable);
  g_clear_pointer (&locker, g_mutex_locker_free);

  if (full)
    return rp_sync_client_pull (self, stats, cancellable, error);

  return TRUE;
}
