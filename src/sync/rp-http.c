/* rp-http.c: requests to one database of a CouchDB-protocol server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-http"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "rp-http.h"
#include "rp-json.h"

#define DEFAULT_REQUEST_S        60
#define MAX_ERROR_BODY           (64 * 1024)
#define STATUS_TOO_MANY_REQUESTS 429   /* not named in libsoup 3.2 */

struct _RpHttp
{
  SoupSession *session;
  char        *base;         /* scheme://host:port[/prefix], no trailing slash */
  char        *host;
  char        *db;
  char        *db_path;      /* the escaped database name */

  char        *user;
  char        *password;
  RpSyncAuth   auth;
  gboolean     logged_in;

  guint        request_s;
  guint        retry_after;  /* atomic */
};

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

void
rp_http_set_malformed (GError     **error,
                       const char  *detail)
{
  g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_MALFORMED,
               _("The server sent an incomplete or malformed response (%s)."), detail);
}

static void
set_timeout (RpHttp  *self,
             GError **error)
{
  g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_TIMEOUT,
               _("The server %s did not answer in time."), self->host);
}

/* Maps a transport error to one of ours; @got_headers tells a dropped
 * connection from one that never opened. */
static void
map_transport_error (RpHttp    *self,
                     GError    *in,
                     gboolean   expired,
                     gboolean   got_headers,
                     GError   **error)
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
    rp_http_set_malformed (error, _("the body ended early"));
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
map_status (RpHttp  *self,
            guint    status,
            GError **error)
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

/* The reason of a refusal (a 403's validation message, say) is in the
 * JSON of the error answer; it is kept only when that came whole */
static JsonNode *
parse_error_body (SoupMessage *msg,
                  GByteArray  *buffer,
                  goffset      length)
{
  if (buffer->len == 0 || (length >= 0 && (gsize) length != buffer->len)
      || !is_json_content_type (msg))
    return NULL;

  return rp_json_parse ((const char *) buffer->data, buffer->len, NULL);
}

/* One request, with no login: see rp_http_request_bytes() */
static GBytes *
request_once (RpHttp        *self,
              const char    *method,
              const char    *path,
              GBytes        *body,
              guint          deadline_s,
              gsize          max_bytes,
              RpHttpAnswer  *answer,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri = NULL;
  SoupMessageHeaders *headers;
  Deadline deadline = { 0 };
  gboolean expired;
  guint status;
  goffset length = -1;
  gsize limit;

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
  answer->status = status;
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
              answer->too_large = TRUE;
              rp_http_set_malformed (error, _("the answer is too large"));
              return NULL;
            }
          break;
        }
      g_byte_array_append (buffer, chunk, n);
    }

  g_input_stream_close (stream, NULL, NULL);
  expired = deadline_end (&deadline);

  answer->bytes = buffer->len;

  if (local_error != NULL)
    {
      map_transport_error (self, local_error, expired, TRUE, error);
      return NULL;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      answer->error_body = parse_error_body (msg, buffer, length);
      map_status (self, status, error);
      return NULL;
    }

  if (length >= 0 && (gsize) length != buffer->len)
    {
      rp_http_set_malformed (error, _("the body is shorter than announced"));
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
      rp_http_set_malformed (error, _("not JSON"));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static gboolean
ensure_session_login (RpHttp        *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_auto(RpHttpAnswer) answer = { 0 };
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(RpJsonTree) root = NULL;
  g_autoptr(GBytes) answer_body = NULL;
  g_autoptr(GBytes) body = NULL;
  char *text;

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
  body = g_bytes_new_take (text, strlen (text));

  answer_body = request_once (self, "POST", "_session", body, self->request_s, MAX_ERROR_BODY,
                              &answer, cancellable, error);
  if (answer_body != NULL)
    root = rp_http_parse_tree (self, answer_body, JSON_NODE_OBJECT, error);
  if (root == NULL)
    return FALSE;

  self->logged_in = TRUE;
  return TRUE;
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

/* API */

void
rp_http_answer_clear (RpHttpAnswer *answer)
{
  g_clear_pointer (&answer->error_body, json_node_unref);
  answer->status = 0;
  answer->bytes = 0;
  answer->too_large = FALSE;
}

RpHttp *
rp_http_new (const char  *server_url,
             const char  *db,
             GError     **error)
{
  g_autoptr(RpHttp) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) base = NULL;
  const char *scheme;

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

  self = g_new0 (RpHttp, 1);
  self->db = g_strdup (db);
  self->db_path = g_uri_escape_string (db, NULL, FALSE);
  self->auth = RP_SYNC_AUTH_BASIC;
  self->request_s = DEFAULT_REQUEST_S;

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

  self->host = g_uri_get_port (uri) > 0
             ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
             : g_strdup (g_uri_get_host (uri));
  self->base = g_string_free (g_steal_pointer (&base), FALSE);

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

void
rp_http_free (RpHttp *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->session);
  g_free (self->base);
  g_free (self->host);
  g_free (self->db);
  g_free (self->db_path);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self);
}

const char *
rp_http_get_base (RpHttp *self)
{
  return self->base;
}

const char *
rp_http_get_host (RpHttp *self)
{
  return self->host;
}

const char *
rp_http_get_db (RpHttp *self)
{
  return self->db;
}

const char *
rp_http_get_db_path (RpHttp *self)
{
  return self->db_path;
}

void
rp_http_set_credentials (RpHttp     *self,
                         const char *user,
                         const char *password)
{
  g_free (self->user);
  self->user = (user != NULL && *user != '\0') ? g_strdup (user) : NULL;
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  self->logged_in = FALSE;
}

void
rp_http_set_auth (RpHttp     *self,
                  RpSyncAuth  auth)
{
  self->auth = auth;
  self->logged_in = FALSE;
}

void
rp_http_set_timeout (RpHttp *self,
                     guint   request_s)
{
  self->request_s = request_s > 0 ? request_s : DEFAULT_REQUEST_S;
  g_object_set (self->session, "timeout", self->request_s, NULL);
}

guint
rp_http_get_retry_after (RpHttp *self)
{
  return g_atomic_int_get (&self->retry_after);
}

void
rp_http_reset_retry_after (RpHttp *self)
{
  g_atomic_int_set (&self->retry_after, 0);
}

GBytes *
rp_http_request_bytes (RpHttp        *self,
                       const char    *method,
                       const char    *path,
                       GBytes        *body,
                       guint          deadline_s,
                       gsize          max_bytes,
                       RpHttpAnswer  *answer,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_auto(RpHttpAnswer) local_answer = { 0 };
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (method != NULL && path != NULL, NULL);
  g_return_val_if_fail (deadline_s > 0, NULL);

  if (answer == NULL)
    answer = &local_answer;
  rp_http_answer_clear (answer);

  if (!ensure_session_login (self, cancellable, error))
    return NULL;

  bytes = request_once (self, method, path, body, deadline_s, max_bytes, answer, cancellable,
                        &local_error);

  /* A session cookie expires; log in again once */
  if (bytes == NULL && answer->status == SOUP_STATUS_UNAUTHORIZED
      && self->auth == RP_SYNC_AUTH_SESSION && self->logged_in)
    {
      self->logged_in = FALSE;
      g_clear_error (&local_error);
      rp_http_answer_clear (answer);
      if (!ensure_session_login (self, cancellable, error))
        return NULL;
      bytes = request_once (self, method, path, body, deadline_s, max_bytes, answer,
                            cancellable, &local_error);
    }

  if (bytes == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return bytes;
}

RpJsonTree *
rp_http_parse_tree (RpHttp        *self,
                    GBytes        *bytes,
                    JsonNodeType   expect,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  RpJsonTree *tree;
  RpJsonKind kind;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  /* The reader rejects an unterminated document, which is what catches a
   * chunked body that stopped without its last chunk; it is several times
   * faster than JsonParser, and every pulled document goes through it. */
  tree = rp_json_tree_parse (data, len, &local_error);
  if (tree == NULL)
    {
      g_debug ("Invalid JSON from %s: %s", self->host, local_error->message);
      rp_http_set_malformed (error, _("invalid JSON"));
      return NULL;
    }

  kind = rp_json_tree_get_root (tree)->kind;
  if (kind != (expect == JSON_NODE_ARRAY ? RP_JSON_ARRAY : RP_JSON_OBJECT))
    {
      rp_json_tree_unref (tree);
      if (expect == JSON_NODE_ARRAY)
        rp_http_set_malformed (error, _("not a JSON array"));
      else
        rp_http_set_malformed (error, _("not a JSON object"));
      return NULL;
    }

  return tree;
}

RpJsonTree *
rp_http_request_tree (RpHttp        *self,
                      const char    *method,
                      const char    *path,
                      GBytes        *body,
                      JsonNodeType   expect,
                      guint          deadline_s,
                      gsize          max_bytes,
                      RpHttpAnswer  *answer,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GBytes) bytes = rp_http_request_bytes (self, method, path, body, deadline_s,
                                                   max_bytes, answer, cancellable, error);

  return bytes ? rp_http_parse_tree (self, bytes, expect, error) : NULL;
}

JsonNode *
rp_http_request (RpHttp        *self,
                 const char    *method,
                 const char    *path,
                 GBytes        *body,
                 JsonNodeType   expect,
                 guint          deadline_s,
                 gsize          max_bytes,
                 RpHttpAnswer  *answer,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(RpJsonTree) tree = rp_http_request_tree (self, method, path, body, expect, deadline_s,
                                                     max_bytes, answer, cancellable, error);

  return tree ? rp_json_value_to_node (rp_json_tree_get_root (tree)) : NULL;
}
