/* rp-sync-test-util.c: a real PouchDB Server per test, and test documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "rp-sync-test-util.h"

static char *
pouchdb_server_path (void)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  const char *env = g_getenv ("RAPPORT_POUCHDB_SERVER");
  g_autofree char *root = NULL;

  /* build-aux/run-tests says where it installed it */
  if (env != NULL && *env != '\0')
    return g_strdup (env);

  root = srcdir ? g_build_filename (srcdir, "..", NULL) : g_strdup (".");
  return g_build_filename (root, "build-aux", "pouchdb", "node_modules", "pouchdb-server",
                           "bin", "pouchdb-server", NULL);
}

guint
rp_test_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A test that aborts skips its teardown: the server goes with it */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
peer_spawn (RpTestPeer *peer)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = pouchdb_server_path ();
  g_autofree char *port = g_strdup_printf ("%u", peer->port);
  g_autofree char *config = g_build_filename (peer->dir, "config.json", NULL);
  g_autofree char *root = g_strdup_printf ("%s/", peer->url);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_cwd (launcher, peer->dir);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (peer->in_memory)
    peer->process = g_subprocess_launcher_spawn (launcher, &error, "node", server, "--in-memory",
                                                 "--no-stdout-logs", "--port", port,
                                                 "--host", "127.0.0.1", "--config", config,
                                                 NULL);
  else
    peer->process = g_subprocess_launcher_spawn (launcher, &error, "node", server,
                                                 "--dir", peer->dir, "--no-stdout-logs",
                                                 "--port", port, "--host", "127.0.0.1",
                                                 "--config", config, NULL);
  g_assert_no_error (error);

  /* Ready when it answers */
  for (guint i = 0; i < 600; i++)
    {
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      answer = rp_test_http ("GET", root, NULL, &status);
      if (status == 200)
        return;
      g_usleep (50 * 1000);
    }

  g_error ("PouchDB Server did not start on port %u", peer->port);
}

RpTestPeer *
rp_test_peer_start (gboolean in_memory)
{
  g_autofree char *server = pouchdb_server_path ();
  g_autofree char *node = g_find_program_in_path ("node");
  RpTestPeer *peer;

  if (!g_file_test (server, G_FILE_TEST_EXISTS) || node == NULL)
    {
      g_test_skip ("PouchDB Server is not installed (build-aux/run-tests installs it)");
      return NULL;
    }

  peer = g_new0 (RpTestPeer, 1);
  peer->dir = g_dir_make_tmp ("rapport-peer-XXXXXX", NULL);
  peer->in_memory = in_memory;
  peer->port = rp_test_free_port ();
  peer->url = g_strdup_printf ("http://127.0.0.1:%u", peer->port);
  peer_spawn (peer);

  return peer;
}

void
rp_test_peer_kill (RpTestPeer *peer)
{
  if (peer->process == NULL)
    return;

  g_subprocess_force_exit (peer->process);
  g_subprocess_wait (peer->process, NULL, NULL);
  g_clear_object (&peer->process);
}

void
rp_test_peer_restart (RpTestPeer *peer)
{
  rp_test_peer_kill (peer);
  peer_spawn (peer);
}

void
rp_test_peer_free (RpTestPeer *peer)
{
  rp_test_peer_kill (peer);
  rp_test_rm_rf (peer->dir);
  g_free (peer->dir);
  g_free (peer->url);
  g_free (peer);
}

static SoupSession *
test_session (void)
{
  static GPrivate key = G_PRIVATE_INIT (g_object_unref);
  SoupSession *session = g_private_get (&key);

  if (session == NULL)
    {
      session = soup_session_new_with_options ("timeout", 60, NULL);
      g_private_set (&key, session);
    }

  return session;
}

JsonNode *
rp_test_http (const char *method,
              const char *url,
              const char *body,
              guint      *out_status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer = soup_session_send_and_read (test_session (), msg, NULL, &error);
  if (answer == NULL)
    {
      *out_status = 0;
      return NULL;
    }

  *out_status = soup_message_get_status (msg);
  return json_from_string (g_bytes_get_data (answer, NULL), NULL);
}

void
rp_test_create_db (const char *server,
                   const char *db)
{
  g_autofree char *url = g_strdup_printf ("%s/%s", server, db);
  g_autoptr(JsonNode) answer = NULL;
  guint status;

  answer = rp_test_http ("PUT", url, NULL, &status);
  g_assert_cmpuint (status, ==, 201);
}

void
rp_test_bulk_docs (const char *server,
                   const char *db,
                   JsonArray  *docs)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/_bulk_docs", server, db);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  guint status;

  json_object_set_array_member (body, "docs", json_array_ref (docs));
  json_node_set_object (node, body);
  text = json_to_string (node, FALSE);
  answer = rp_test_http ("POST", url, text, &status);
  g_assert_cmpuint (status, ==, 201);
}

void
rp_test_delete_doc (const char *server,
                    const char *db,
                    const char *id)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", server, db, id);
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *del = NULL;
  guint status;

  doc = rp_test_http ("GET", url, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  del = g_strdup_printf ("%s?rev=%s", url,
                         json_object_get_string_member (json_node_get_object (doc), "_rev"));
  answer = rp_test_http ("DELETE", del, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

char *
rp_test_customer_id (guint index)
{
  return g_strdup_printf ("customer:00000000-0000-4000-8000-%012u", index);
}

void
rp_test_add_customer (JsonArray  *docs,
                      guint       index,
                      const char *family,
                      guint       n_each)
{
  g_autofree char *id = rp_test_customer_id (index);
  JsonObject *customer = json_object_new ();
  JsonObject *name = json_object_new ();
  JsonArray *emails = json_array_new ();
  g_autofree char *given = g_strdup_printf ("Given%u", index);
  g_autofree char *email = g_strdup_printf ("%s.%u@example.com", family, index);

  json_object_set_string_member (customer, "_id", id);
  json_object_set_string_member (customer, "type", "customer");
  json_object_set_int_member (customer, "schema", 1);
  json_object_set_string_member (customer, "at", "2024-01-02T03:04:05Z");
  json_object_set_string_member (name, "family", family);
  json_object_set_string_member (name, "given", given);
  json_object_set_object_member (customer, "name", name);
  json_array_add_string_element (emails, email);
  json_object_set_array_member (customer, "emails", emails);
  json_object_set_string_member (customer, "tier", "gold");
  json_array_add_object_element (docs, customer);

  for (guint i = 0; i < n_each; i++)
    {
      JsonObject *order = json_object_new ();
      JsonObject *interaction = json_object_new ();
      g_autofree char *order_id = g_strdup_printf ("order:T%u-%u", index, i);
      g_autofree char *number = g_strdup_printf ("T%u-%u", index, i);
      g_autofree char *interaction_id = g_strdup_printf ("interaction:00000000-0000-4000-9000-%06u%06u",
                                                         index, i);
      g_autofree char *at = g_strdup_printf ("2024-02-%02uT10:00:00Z", 1 + i % 28);

      json_object_set_string_member (order, "_id", order_id);
      json_object_set_string_member (order, "type", "order");
      json_object_set_int_member (order, "schema", 1);
      json_object_set_string_member (order, "at", at);
      json_object_set_string_member (order, "customer_id", id);
      json_object_set_string_member (order, "number", number);
      json_object_set_string_member (order, "channel", "web");
      json_object_set_string_member (order, "status", "paid");
      json_object_set_int_member (order, "total", 1200 + i);
      json_object_set_string_member (order, "currency", "JPY");
      json_array_add_object_element (docs, order);

      json_object_set_string_member (interaction, "_id", interaction_id);
      json_object_set_string_member (interaction, "type", "interaction");
      json_object_set_int_member (interaction, "schema", 1);
      json_object_set_string_member (interaction, "at", at);
      json_object_set_string_member (interaction, "customer_id", id);
      json_object_set_string_member (interaction, "channel", "phone");
      json_object_set_string_member (interaction, "direction", "inbound");
      json_object_set_string_member (interaction, "summary", "Asked about delivery");
      json_object_set_int_member (interaction, "duration_s", 120);
      json_array_add_object_element (docs, interaction);
    }
}

RpCache *
rp_test_cache_new (char **out_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rapport-sync-XXXXXX", &error);
  g_autofree char *path = NULL;
  RpCache *cache;

  g_assert_no_error (error);
  path = g_build_filename (dir, "cache.db", NULL);
  cache = rp_cache_open (path, &error);
  g_assert_no_error (error);

  *out_dir = g_steal_pointer (&dir);
  return cache;
}

gint64
rp_test_cache_documents (RpCache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = rp_cache_status (cache, &error);

  g_assert_no_error (error);
  return json_object_get_int_member (status, "documents");
}

void
rp_test_wait_for (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
rp_test_file_contains (const char *path,
                       const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  gsize needle_len = strlen (needle);

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;

  if (len < needle_len)
    return FALSE;
  for (gsize i = 0; i + needle_len <= len; i++)
    if (contents[i] == needle[0] && memcmp (contents + i, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

void
rp_test_rm_rf (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        rp_test_rm_rf (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* Running a pull or a push beside the main loop */

typedef struct
{
  RpSyncClient *client;
  RpSyncStats  *pull_stats;
  RpPush       *push;
  RpPushStats  *push_stats;
  GError       *error;
  gboolean      ok;
  gboolean      done;
} Run;

static gpointer
run_thread (gpointer data)
{
  Run *run = data;

  if (run->client != NULL)
    run->ok = rp_sync_client_pull (run->client, run->pull_stats, NULL, &run->error);
  else
    run->ok = rp_push_run (run->push, run->push_stats, NULL, &run->error);
  g_atomic_int_set (&run->done, TRUE);
  g_main_context_wakeup (NULL);

  return NULL;
}

static gboolean
run_beside_loop (Run     *run,
                 GError **error)
{
  GThread *thread = g_thread_new ("run", run_thread, run);

  while (!g_atomic_int_get (&run->done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  if (run->error != NULL)
    g_propagate_error (error, run->error);

  return run->ok;
}

gboolean
rp_test_pull_beside_loop (RpSyncClient *client,
                          RpSyncStats  *stats,
                          GError      **error)
{
  RpSyncStats got = { 0 };
  Run run = { client, &got, NULL, NULL, NULL, FALSE, FALSE };
  gboolean ok = run_beside_loop (&run, error);

  if (stats != NULL)
    *stats = got;
  return ok;
}

gboolean
rp_test_push_beside_loop (RpPush       *push,
                          RpPushStats  *stats,
                          GError      **error)
{
  RpPushStats got = { 0 };
  Run run = { NULL, NULL, push, &got, NULL, FALSE, FALSE };
  gboolean ok = run_beside_loop (&run, error);

  if (stats != NULL)
    *stats = got;
  return ok;
}

/* A network monitor the test switches by hand */

struct _TestMonitor
{
  GObject  parent_instance;
  gboolean available;
};

enum { MON_PROP_0, MON_PROP_AVAILABLE, MON_PROP_METERED, MON_PROP_CONNECTIVITY };

static void test_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_monitor_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      test_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                      test_monitor_iface_init))

static gboolean
test_monitor_initable_init_fn (GInitable     *initable,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init_fn;
}

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestMonitor *self = TEST_MONITOR (object);

  switch (prop_id)
    {
    case MON_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case MON_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case MON_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
test_monitor_can_reach (GNetworkMonitor     *monitor,
                        GSocketConnectable  *connectable,
                        GCancellable        *cancellable,
                        GError             **error)
{
  return TRUE;
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = test_monitor_can_reach;
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, MON_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, MON_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, MON_PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
  self->available = TRUE;
}

void
test_monitor_set_available (TestMonitor *self,
                            gboolean     available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

