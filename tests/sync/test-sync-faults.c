/* test-sync-faults.c: the client against a server that misbehaves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A local SoupServer serves _changes pages of a known list of documents
 * and, from a chosen page on, one fault that a real peer cannot be made to
 * produce.  Whatever the fault: no crash, nothing partial applied, the
 * checkpoint never ahead of what was applied, a specific error.  It also
 * takes `_bulk_docs`, for the faults of a push.
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "rp-actions.h"
#include "rp-push.h"
#include "rp-sync-client.h"
#include "rp-sync-manager.h"
#include "rp-sync-test-util.h"

#define N_DOCS 25
#define BATCH  10

typedef enum
{
  MODE_OK,
  MODE_500,
  MODE_503,
  MODE_429,
  MODE_401,
  MODE_403,
  MODE_TRUNCATED,
  MODE_CHUNKED,
  MODE_INVALID_JSON,
  MODE_CONTENT_TYPE,
  MODE_NOT_A_LIST,
  MODE_NO_SEQ,
  MODE_RESET,
  MODE_DRIP,
} Mode;

typedef struct
{
  SoupServer *server;
  char       *url;
  Mode        mode;
  guint       ok_pages;    /* _changes pages served well before the fault */
  guint       pages;
  guint       faults;      /* faults served */
  guint       max_faults;  /* 0: every page after ok_pages fails */
  JsonArray  *docs;
  RpCache    *cache;
  char       *dir;
  GIOStream  *drip;
  guint       drip_id;
  gboolean    string_seqs;  /* CouchDB 2+ style opaque sequences */
  gboolean    no_pending;   /* PouchDB Server leaves `pending` out */
  gboolean    odd_last_seq; /* a last_seq that is not the last row's */
  GPtrArray  *sinces;      /* the `since` of every _changes request */
  guint       pushes;      /* _bulk_docs requests */
} Fixture;

static void
write_raw (SoupServerMessage *msg,
           const char        *data,
           gboolean           reset)
{
  g_autoptr(GIOStream) io = soup_server_message_steal_connection (msg);

  g_output_stream_write_all (g_io_stream_get_output_stream (io), data, strlen (data), NULL,
                             NULL, NULL);
  g_output_stream_flush (g_io_stream_get_output_stream (io), NULL, NULL);

  if (reset && G_IS_SOCKET_CONNECTION (io))
    {
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (io));
      struct linger linger = { 1, 0 };

      /* An RST instead of a FIN */
      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    }

  g_io_stream_close (io, NULL, NULL);
}

static gboolean
drip_cb (gpointer user_data)
{
  Fixture *fixture = user_data;

  if (g_output_stream_write (g_io_stream_get_output_stream (fixture->drip), "{", 1, NULL,
                             NULL) < 0)
    {
      fixture->drip_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* Announces a body and sends it a byte a second: each read succeeds well
 * within libsoup's per-read timeout, so only an overall deadline ends it */
static void
start_drip (Fixture           *fixture,
            SoupServerMessage *msg)
{
  const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: 4096\r\n\r\n";

  fixture->drip = soup_server_message_steal_connection (msg);
  g_output_stream_write_all (g_io_stream_get_output_stream (fixture->drip), head,
                             strlen (head), NULL, NULL, NULL);
  fixture->drip_id = g_timeout_add_seconds (1, drip_cb, fixture);
}

static void
add_seq (Fixture     *fixture,
         JsonBuilder *builder,
         guint        seq)
{
  if (fixture->string_seqs)
    {
      g_autofree char *text = g_strdup_printf ("%u-g1AAAAxyz/+=%u", seq, seq * 7);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_int_value (builder, seq);
}

static char *
changes_page (Fixture *fixture,
              guint    since,
              guint    limit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = json_array_get_length (fixture->docs);
  guint end = MIN (n, since + limit);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = since; i < end; i++)
    {
      JsonObject *doc = json_array_get_object_element (fixture->docs, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "seq");
      add_seq (fixture, builder, i + 1);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, json_object_get_string_member (doc, "_id"));
      json_builder_set_member_name (builder, "doc");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), doc));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  /* Like CouchDB's, the last row's seq */
  json_builder_set_member_name (builder, "last_seq");
  add_seq (fixture, builder, fixture->odd_last_seq && end > 1 ? end - 1 : end);
  if (!fixture->no_pending)
    {
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, n - end);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static void
set_json (SoupServerMessage *msg,
          guint              status,
          const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *since_s = query ? g_hash_table_lookup (query, "since") : NULL;
  const char *limit_s = query ? g_hash_table_lookup (query, "limit") : NULL;
  g_autofree char *page = NULL;
  gboolean fault;

  if (g_str_has_prefix (path, "/db/_local/"))
    {
      set_json (msg, 201, "{\"ok\":true,\"rev\":\"0-1\"}");
      return;
    }

  if (g_str_equal (path, "/db/_bulk_docs"))
    {
      fixture->pushes++;
      if (fixture->mode == MODE_DRIP)
        start_drip (fixture, msg);
      else
        set_json (msg, 201, "[]");
      return;
    }

  if (fixture->mode == MODE_401)
    {
      set_json (msg, 401, "{\"error\":\"unauthorized\",\"reason\":\"Name or password is incorrect.\"}");
      return;
    }
  if (fixture->mode == MODE_403)
    {
      set_json (msg, 403, "{\"error\":\"forbidden\",\"reason\":\"You are not allowed.\"}");
      return;
    }

  if (g_str_equal (path, "/db"))
    {
      g_autofree char *info = g_strdup_printf ("{\"db_name\":\"db\",\"update_seq\":%u}",
                                               json_array_get_length (fixture->docs));
      set_json (msg, 200, info);
      return;
    }

  if (!g_str_equal (path, "/db/_changes"))
    {
      set_json (msg, 404, "{\"error\":\"not_found\",\"reason\":\"missing\"}");
      return;
    }

  fixture->pages++;
  g_ptr_array_add (fixture->sinces, g_strdup (since_s ? since_s : ""));
  fault = fixture->mode != MODE_OK && fixture->pages > fixture->ok_pages
          && (fixture->max_faults == 0 || fixture->faults < fixture->max_faults);
  page = changes_page (fixture, since_s ? atoi (since_s) : 0, limit_s ? atoi (limit_s) : 1000);

  if (!fault)
    {
      set_json (msg, 200, page);
      return;
    }

  fixture->faults++;
  switch (fixture->mode)
    {
    case MODE_500:
      set_json (msg, 500, "{\"error\":\"internal\"}");
      break;

    case MODE_503:
      set_json (msg, 503, "{\"error\":\"unavailable\"}");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "7");
      break;

    case MODE_429:
      set_json (msg, 429, "{\"error\":\"too_many_requests\"}");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      break;

    case MODE_TRUNCATED:
      {
        /* Announces the whole page, sends half of it, hangs up */
        g_autofree char *raw = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                                "Content-Type: application/json\r\n"
                                                "Content-Length: %zu\r\n\r\n%.*s",
                                                strlen (page), (int) strlen (page) / 2, page);
        write_raw (msg, raw, FALSE);
      }
      break;

    case MODE_CHUNKED:
      {
        /* Chunks that stop mid-document, without the last chunk */
        g_autofree char *raw = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                                "Content-Type: application/json\r\n"
                                                "Transfer-Encoding: chunked\r\n\r\n"
                                                "%zx\r\n%.*s\r\n",
                                                strlen (page) / 2, (int) strlen (page) / 2,
                                                page);
        write_raw (msg, raw, FALSE);
      }
      break;

    case MODE_INVALID_JSON:
      set_json (msg, 200, "{\"results\":[{\"seq\":11,\"id\":\"x\",,]}");
      break;

    case MODE_CONTENT_TYPE:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY,
                                        "<html>proxy login</html>", 24);
      break;

    case MODE_NOT_A_LIST:
      set_json (msg, 200, "{\"results\":{\"seq\":11},\"last_seq\":11}");
      break;

    case MODE_NO_SEQ:
      {
        /* A good row, then one without its sequence: the whole page is refused */
        g_autoptr(JsonNode) node = json_from_string (page, NULL);
        JsonArray *results = json_object_get_array_member (json_node_get_object (node),
                                                           "results");
        g_autofree char *text = NULL;

        json_object_remove_member (json_array_get_object_element (results, 1), "seq");
        text = json_to_string (node, FALSE);
        set_json (msg, 200, text);
      }
      break;

    case MODE_RESET:
      write_raw (msg, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", TRUE);
      break;

    case MODE_DRIP:
      start_drip (fixture, msg);
      break;

    case MODE_OK:
    case MODE_401:
    case MODE_403:
    default:
      g_assert_not_reached ();
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture->docs = json_array_new ();
  for (guint i = 0; json_array_get_length (fixture->docs) < N_DOCS; i++)
    rp_test_add_customer (fixture->docs, i, "Faultline", 1);
  while (json_array_get_length (fixture->docs) > N_DOCS)
    json_array_remove_element (fixture->docs, json_array_get_length (fixture->docs) - 1);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fixture->cache = rp_test_cache_new (&fixture->dir);
  fixture->sinces = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_handle_id (&fixture->drip_id, g_source_remove);
  if (fixture->drip != NULL)
    g_io_stream_close (fixture->drip, NULL, NULL);
  g_clear_object (&fixture->drip);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->cache);
  g_clear_pointer (&fixture->docs, json_array_unref);
  g_clear_pointer (&fixture->sinces, g_ptr_array_unref);
  rp_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->url);
}

static gboolean
pull (Fixture       *fixture,
      RpSyncClient  *client,
      RpSyncStats   *stats,
      GError       **error)
{
  return rp_test_pull_beside_loop (client, stats, error);
}

static RpSyncClient *
new_client (Fixture    *fixture,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  RpSyncClient *client;

  client = rp_sync_client_new (fixture->cache, url ? url : fixture->url, "db", &error);
  g_assert_no_error (error);
  rp_sync_client_set_batch_size (client, BATCH, 0);
  rp_sync_client_set_timeouts (client, 3, 3);

  return client;
}

static char *
checkpoint (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpSyncClient) client = rp_sync_client_new (fixture->cache, fixture->url, "db", &error);
  char *seq = rp_cache_get_checkpoint (fixture->cache, rp_sync_client_get_checkpoint_key (client),
                                       NULL, &error);

  g_assert_no_error (error);
  return seq;
}

static void
test_ok (Fixture       *fixture,
         gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *seq = NULL;
  RpSyncStats stats = { 0 };

  g_assert_true (pull (fixture, client, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS);
  g_assert_cmpuint (stats.received, ==, N_DOCS);
  g_assert_cmpuint (stats.applied.inserted, ==, N_DOCS);
  g_assert_cmpuint (stats.batches, ==, 3);
  seq = checkpoint (fixture);
  g_assert_cmpstr (seq, ==, "25");
}

/* One good page, then the fault: the good page and its checkpoint stay,
 * nothing of the bad one lands, and the error says what happened. */
static void
check_fault (Fixture     *fixture,
             Mode         mode,
             int          code)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *seq = NULL;
  g_autofree char *seq_after = NULL;
  RpSyncStats stats = { 0 };

  fixture->mode = mode;
  fixture->ok_pages = 1;

  g_assert_false (pull (fixture, client, &stats, &error));
  g_assert_error (error, RP_SYNC_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("%s", error->message);

  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, BATCH);
  seq = checkpoint (fixture);
  g_assert_cmpstr (seq, ==, "10");

  /* The fault gone, the next pull resumes where the last good one ended */
  fixture->mode = MODE_OK;
  g_clear_error (&error);
  g_assert_true (pull (fixture, client, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS);
  g_assert_cmpuint (stats.applied.updated, ==, 0);
  seq_after = checkpoint (fixture);
  g_assert_cmpstr (seq_after, ==, "25");
}

static void
test_server_error (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_500, RP_SYNC_ERROR_SERVER);
}

static void
test_unavailable (Fixture *fixture, gconstpointer data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;

  fixture->mode = MODE_503;
  fixture->ok_pages = 0;
  g_assert_false (pull (fixture, client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_BUSY);
  g_assert_cmpuint (rp_sync_client_get_retry_after (client), ==, 7);
  g_assert_true (rp_sync_error_is_transient (error));
}

static void
test_too_many_requests (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_429, RP_SYNC_ERROR_BUSY);
}

static void
test_truncated (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_TRUNCATED, RP_SYNC_ERROR_MALFORMED);
}

static void
test_unterminated_chunked (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_CHUNKED, RP_SYNC_ERROR_MALFORMED);
}

static void
test_invalid_json (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_INVALID_JSON, RP_SYNC_ERROR_MALFORMED);
}

static void
test_content_type (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_CONTENT_TYPE, RP_SYNC_ERROR_MALFORMED);
}

static void
test_not_a_list (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_NOT_A_LIST, RP_SYNC_ERROR_MALFORMED);
}

static void
test_no_seq (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_NO_SEQ, RP_SYNC_ERROR_MALFORMED);
}

static void
test_reset (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_RESET, RP_SYNC_ERROR_UNREACHABLE);
}

static void
test_drip (Fixture *fixture, gconstpointer data)
{
  check_fault (fixture, MODE_DRIP, RP_SYNC_ERROR_TIMEOUT);
}

static gboolean
push (Fixture      *fixture,
      RpPush       *push,
      RpPushStats  *stats,
      GError      **error)
{
  return rp_test_push_beside_loop (push, stats, error);
}

/* A _bulk_docs answer that never ends is cut at the request's deadline,
 * and what it was to confirm stays in the outbox for the next push */
static void
test_push_drip (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(RpPush) pusher = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *customer_id = rp_test_customer_id (0);
  RpPushStats stats = { 0 };
  gint64 start, elapsed;

  g_assert_true (pull (fixture, client, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("Note %u", i);
      g_autoptr(JsonNode) node = rp_action_node (rp_action_note (customer_id, "agent.k", text,
                                                                 FALSE));

      g_assert_true (rp_cache_create (fixture->cache, &node, 1, NULL, NULL, &error));
      g_assert_no_error (error);
    }

  pusher = rp_push_new (fixture->cache, fixture->url, "db", TRUE, &error);
  g_assert_no_error (error);
  rp_push_set_timeout (pusher, 3);

  fixture->mode = MODE_DRIP;
  start = g_get_monotonic_time ();
  g_assert_false (push (fixture, pusher, &stats, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_TIMEOUT);
  g_assert_true (rp_sync_error_is_transient (error));
  g_test_message ("%s (after %.1f s)", error->message, elapsed / (double) G_USEC_PER_SEC);
  /* The deadline, and at most the second of a seconds timer's slack */
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (fixture->pushes, ==, 1);
  g_assert_cmpuint (stats.confirmed, ==, 0);
  g_assert_cmpuint (stats.failed, ==, 3);
  g_clear_error (&error);

  items = rp_cache_outbox_list (fixture->cache, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  for (guint i = 0; i < items->len; i++)
    {
      RpOutboxItem *item = g_ptr_array_index (items, i);

      g_assert_cmpstr (item->state, ==, "pending");
      g_assert_cmpint (item->attempts, ==, 1);
      g_assert_nonnull (item->error);
    }

  /* The server well again, the same items go and leave the outbox */
  fixture->mode = MODE_OK;
  g_assert_true (push (fixture, pusher, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.confirmed, ==, 3);
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, NULL), ==, 0);
}

static void
test_unauthorized (Fixture *fixture, gconstpointer data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;

  fixture->mode = MODE_401;
  rp_sync_client_set_credentials (client, "agent", "wrong");
  g_assert_false (pull (fixture, client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNAUTHORIZED);
  g_assert_false (rp_sync_error_is_transient (error));
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 0);
}

static void
test_forbidden (Fixture *fixture, gconstpointer data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;

  fixture->mode = MODE_403;
  g_assert_false (pull (fixture, client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "db"));
}

static void
test_unreachable (Fixture *fixture, gconstpointer data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", rp_test_free_port ());
  g_autoptr(RpSyncClient) client = new_client (fixture, url);
  g_autoptr(GError) error = NULL;

  g_assert_false (pull (fixture, client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNREACHABLE);
}

static void
test_dns (Fixture *fixture, gconstpointer data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, "http://rapport-test.invalid:5984");
  g_autoptr(GError) error = NULL;

  g_assert_false (pull (fixture, client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_DNS);
  g_assert_nonnull (strstr (error->message, "rapport-test.invalid"));
}

/* A certificate nobody vouches for is refused, with no way to accept it */
static void
test_tls (Fixture *fixture, gconstpointer data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(RpSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = g_build_filename (fixture->dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->dir, "key.pem", NULL);
  g_autofree char *url = NULL;
  GSList *uris;
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is needed to make a self-signed certificate");
      return;
    }

  {
    g_autofree char *command = g_strdup_printf ("%s req -x509 -newkey rsa:2048 -nodes -days 1 "
                                                "-subj /CN=127.0.0.1 -keyout %s -out %s",
                                                openssl, key, cert);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_spawn_command_line_sync (command, &out, &err, &status, &error);
    g_assert_no_error (error);
  }

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  client = new_client (fixture, url);
  g_assert_false (pull (fixture, client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_TLS);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 0);
  soup_server_disconnect (server);
}

/* A document of the wrong shape is skipped alone; its batch and the
 * checkpoint go through. */
static void
test_bad_document (Fixture *fixture, gconstpointer data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *seq = NULL;
  JsonObject *order = json_array_get_object_element (fixture->docs, 1);
  JsonObject *customer = json_array_get_object_element (fixture->docs, 3);
  RpSyncStats stats = { 0 };

  json_object_set_string_member (order, "total", "a lot");
  json_object_set_int_member (customer, "name", 42);

  g_test_expect_message ("rp-sync-client", G_LOG_LEVEL_MESSAGE, "*Skipped document order:*");
  g_test_expect_message ("rp-sync-client", G_LOG_LEVEL_MESSAGE, "*Skipped document customer:*");
  g_assert_true (pull (fixture, client, &stats, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (stats.applied.skipped, ==, 2);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS - 2);
  seq = checkpoint (fixture);
  g_assert_cmpstr (seq, ==, "25");
}

/* Sequences are opaque: stored and sent back exactly as the server gave
 * them, whatever characters they hold */
static void
test_opaque_sequences (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *seq = NULL;

  fixture->string_seqs = TRUE;
  g_assert_true (pull (fixture, client, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS);

  g_assert_cmpuint (fixture->sinces->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fixture->sinces, 0), ==, "0");
  g_assert_cmpstr (g_ptr_array_index (fixture->sinces, 1), ==, "10-g1AAAAxyz/+=70");
  g_assert_cmpstr (g_ptr_array_index (fixture->sinces, 2), ==, "20-g1AAAAxyz/+=140");
  seq = checkpoint (fixture);
  g_assert_cmpstr (seq, ==, "\"25-g1AAAAxyz/+=175\"");
}

/* The page after one is asked for from the last_seq at the end of its
 * body, before the body is read.  A last_seq that is not the last row's
 * seq sends that early request to the wrong place: its answer is dropped,
 * and the page is asked for again from the last row (DESIGN §4), with no
 * document missing or applied twice. */
static void
test_last_seq_not_last_row (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *seq = NULL;
  RpSyncStats stats = { 0 };
  guint from_rows = 0;

  fixture->odd_last_seq = TRUE;
  fixture->no_pending = TRUE;
  g_assert_true (pull (fixture, client, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS);
  g_assert_cmpuint (stats.received, ==, N_DOCS);
  g_assert_cmpuint (stats.applied.inserted, ==, N_DOCS);
  g_assert_cmpuint (stats.applied.updated, ==, 0);
  g_assert_cmpuint (stats.batches, ==, 3);
  seq = checkpoint (fixture);
  g_assert_cmpstr (seq, ==, "25");

  /* Every page was asked for from its last row, whatever else was asked */
  for (guint i = 0; i < fixture->sinces->len; i++)
    {
      const char *since = g_ptr_array_index (fixture->sinces, i);

      if (g_str_equal (since, "10") || g_str_equal (since, "20"))
        from_rows++;
    }
  g_assert_cmpuint (from_rows, ==, 2);
}

/* Pages over the byte bound are asked for again with fewer rows */
static void
test_byte_bound (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *seq = NULL;
  RpSyncStats stats = { 0 };

  rp_sync_client_set_batch_size (client, BATCH, 1);
  g_assert_true (pull (fixture, client, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS);
  g_assert_cmpuint (stats.received, ==, N_DOCS);
  g_assert_cmpuint (stats.batches, >, 3);
  seq = checkpoint (fixture);
  g_assert_cmpstr (seq, ==, "25");
}

typedef struct
{
  gboolean  failed;
  gboolean  synced;
  GPtrArray *changed;
} LiveWatch;

static void
state_cb (RpSyncManager *manager,
          GParamSpec    *pspec,
          LiveWatch     *watch)
{
  if (rp_sync_manager_get_state (manager) == RP_SYNC_STATE_ERROR)
    watch->failed = TRUE;
}

static void
last_sync_cb (RpSyncManager *manager,
              GParamSpec    *pspec,
              LiveWatch     *watch)
{
  if (watch->failed)
    watch->synced = TRUE;
}

/* Live: a 429 with Retry-After is reported, waited out and recovered from */
static void
test_live_retry_after (Fixture *fixture, gconstpointer data)
{
  g_autoptr(RpSyncManager) manager = rp_sync_manager_new (fixture->cache);
  const char *dbs[] = { "db", NULL };
  LiveWatch watch = { 0 };

  fixture->mode = MODE_429;
  fixture->ok_pages = 1;
  fixture->max_faults = 1;

  rp_sync_manager_set_server_url (manager, fixture->url);
  rp_sync_manager_set_databases (manager, dbs);
  rp_sync_manager_set_batch_size (manager, BATCH, 0);
  rp_sync_manager_set_timeouts (manager, 3, 1);
  g_signal_connect (manager, "notify::state", G_CALLBACK (state_cb), &watch);
  g_signal_connect (manager, "notify::last-sync", G_CALLBACK (last_sync_cb), &watch);

  rp_sync_manager_start_live (manager);
  rp_test_wait_for (&watch.failed);
  g_assert_nonnull (rp_sync_manager_get_error_message (manager));
  rp_test_wait_for (&watch.synced);
  g_assert_cmpint (rp_sync_manager_get_state (manager), ==, RP_SYNC_STATE_IDLE);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS);
  rp_sync_manager_stop (manager);
  g_signal_handlers_disconnect_by_data (manager, &watch);
}

typedef struct
{
  gboolean offline;
  gboolean synced;
} OfflineWatch;

static void
offline_state_cb (RpSyncManager *manager,
                  GParamSpec    *pspec,
                  OfflineWatch  *watch)
{
  if (rp_sync_manager_get_state (manager) == RP_SYNC_STATE_OFFLINE)
    watch->offline = TRUE;
}

static void
offline_synced_cb (RpSyncManager *manager,
                   GParamSpec    *pspec,
                   OfflineWatch  *watch)
{
  watch->synced = TRUE;
}

/* No network: live sync waits without a request; the network back, it
 * goes at once instead of at the end of a backoff. */
static void
test_offline_pause_resume (Fixture *fixture, gconstpointer data)
{
  g_autoptr(RpSyncManager) manager = rp_sync_manager_new (fixture->cache);
  g_autoptr(TestMonitor) monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  const char *dbs[] = { "db", NULL };
  OfflineWatch watch = { 0 };

  test_monitor_set_available (monitor, FALSE);
  rp_sync_manager_set_network_monitor (manager, G_NETWORK_MONITOR (monitor));
  rp_sync_manager_set_server_url (manager, fixture->url);
  rp_sync_manager_set_databases (manager, dbs);
  rp_sync_manager_set_batch_size (manager, BATCH, 0);
  rp_sync_manager_set_timeouts (manager, 3, 1);
  g_signal_connect (manager, "notify::state", G_CALLBACK (offline_state_cb), &watch);
  g_signal_connect (manager, "notify::last-sync", G_CALLBACK (offline_synced_cb), &watch);

  rp_sync_manager_start_live (manager);
  rp_test_wait_for (&watch.offline);
  g_assert_cmpuint (fixture->pages, ==, 0);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 0);

  test_monitor_set_available (monitor, TRUE);
  rp_test_wait_for (&watch.synced);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, N_DOCS);
  g_assert_cmpint (rp_sync_manager_get_state (manager), ==, RP_SYNC_STATE_IDLE);

  rp_sync_manager_stop (manager);
  g_signal_handlers_disconnect_by_data (manager, &watch);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/sync/faults/ok", test_ok);
  ADD ("/sync/faults/byte-bound", test_byte_bound);
  ADD ("/sync/faults/opaque-sequences", test_opaque_sequences);
  ADD ("/sync/faults/last-seq-not-last-row", test_last_seq_not_last_row);
  ADD ("/sync/faults/server-error", test_server_error);
  ADD ("/sync/faults/unavailable-retry-after", test_unavailable);
  ADD ("/sync/faults/too-many-requests", test_too_many_requests);
  ADD ("/sync/faults/truncated-content-length", test_truncated);
  ADD ("/sync/faults/unterminated-chunked", test_unterminated_chunked);
  ADD ("/sync/faults/invalid-json", test_invalid_json);
  ADD ("/sync/faults/wrong-content-type", test_content_type);
  ADD ("/sync/faults/results-not-a-list", test_not_a_list);
  ADD ("/sync/faults/row-without-seq", test_no_seq);
  ADD ("/sync/faults/connection-reset", test_reset);
  ADD ("/sync/faults/drip-past-deadline", test_drip);
  ADD ("/sync/faults/push-drip-past-deadline", test_push_drip);
  ADD ("/sync/faults/unauthorized", test_unauthorized);
  ADD ("/sync/faults/forbidden", test_forbidden);
  ADD ("/sync/faults/unreachable", test_unreachable);
  ADD ("/sync/faults/dns", test_dns);
  ADD ("/sync/faults/tls-untrusted", test_tls);
  ADD ("/sync/faults/bad-document-skipped", test_bad_document);
  ADD ("/sync/faults/live-retry-after", test_live_retry_after);
  ADD ("/sync/faults/offline-pause-resume", test_offline_pause_resume);

#undef ADD

  return g_test_run ();
}
