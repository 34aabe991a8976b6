/* test-sync-pouchdb.c: sync against a real PouchDB Server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test starts its own PouchDB Server (in memory unless it must
 * survive a restart) on a free loopback port.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rp-doc.h"
#include "rp-sync-client.h"
#include "rp-sync-manager.h"
#include "rp-sync-test-util.h"

typedef struct
{
  RpTestPeer *peer;
  RpCache    *cache;
  char       *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->peer = rp_test_peer_start (data == NULL);
  fixture->cache = rp_test_cache_new (&fixture->dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->peer, rp_test_peer_free);
  g_clear_object (&fixture->cache);
  rp_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static JsonObject *
server_get (Fixture    *fixture,
            const char *path,
            guint      *out_status)
{
  g_autofree char *url = g_strdup_printf ("%s/%s", fixture->peer->url, path);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = rp_test_http ("GET", url, NULL, &status);
  if (out_status != NULL)
    *out_status = status;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_object_ref (json_node_get_object (node));
}

static char *
server_update_seq (Fixture    *fixture,
                   const char *db)
{
  g_autoptr(JsonObject) info = server_get (fixture, db, NULL);
  g_autoptr(JsonNode) seq = json_node_copy (json_object_get_member (info, "update_seq"));

  return json_to_string (seq, FALSE);
}

static gint64
server_doc_count (Fixture    *fixture,
                  const char *db)
{
  g_autoptr(JsonObject) info = server_get (fixture, db, NULL);

  return json_object_get_int_member (info, "doc_count");
}

static void
seed (Fixture    *fixture,
      const char *db,
      guint       first,
      guint       n_customers,
      guint       n_each)
{
  g_autoptr(JsonArray) docs = json_array_new ();

  for (guint i = first; i < first + n_customers; i++)
    rp_test_add_customer (docs, i, "Seedling", n_each);
  rp_test_bulk_docs (fixture->peer->url, db, docs);
}

typedef struct
{
  RpSyncClient *client;
  RpSyncStats   stats;
  GError       *error;
  gboolean      ok;
} PullRun;

static gboolean
pull (RpSyncClient  *client,
      RpSyncStats   *stats,
      GError       **error)
{
  RpSyncStats local = { 0 };

  return rp_sync_client_pull (client, stats ? stats : &local, NULL, error);
}

static RpSyncClient *
new_client (Fixture    *fixture,
            const char *db,
            guint       batch)
{
  g_autoptr(GError) error = NULL;
  RpSyncClient *client = rp_sync_client_new (fixture->cache, fixture->peer->url, db, &error);

  g_assert_no_error (error);
  rp_sync_client_set_batch_size (client, batch, 0);
  rp_sync_client_set_timeouts (client, 30, 2);

  return client;
}

static char *
checkpoint (Fixture    *fixture,
            const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpSyncClient) client = rp_sync_client_new (fixture->cache, fixture->peer->url, db, &error);
  char *seq = rp_cache_get_checkpoint (fixture->cache, rp_sync_client_get_checkpoint_key (client),
                                       NULL, &error);

  g_assert_no_error (error);
  return seq;
}

static void
assert_same_document (Fixture    *fixture,
                      const char *db,
                      const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", db, id);
  g_autoptr(JsonObject) remote = server_get (fixture, path, NULL);
  g_autoptr(JsonObject) local = NULL;
  g_autoptr(GError) error = NULL;
  GList *members;

  local = rp_cache_get_document (fixture->cache, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (local);
  g_assert_nonnull (remote);

  /* Every field the server holds (but its revision) arrived intact */
  members = json_object_get_members (remote);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      if (g_str_equal (name, "_rev"))
        continue;
      g_assert_true (json_object_has_member (local, name));
      a = rp_json_canonical (json_object_get_member (remote, name), NULL);
      b = rp_json_canonical (json_object_get_member (local, name), NULL);
      g_assert_cmpstr (a, ==, b);
    }
  g_list_free (members);
}

static void
test_initial_pull (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) local_doc = NULL;
  g_autofree char *seq = NULL;
  g_autofree char *update_seq = NULL;
  g_autofree char *local_path = NULL;
  g_autofree char *last_seq = NULL;
  g_autofree char *id = NULL;
  RpSyncStats stats = { 0 };
  guint status;

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, "branch");
  seed (fixture, "branch", 0, 150, 3);

  client = new_client (fixture, "branch", 100);
  g_assert_true (pull (client, &stats, &error));
  g_assert_no_error (error);

  g_assert_cmpint (server_doc_count (fixture, "branch"), ==, 150 * 7);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 150 * 7);
  g_assert_cmpuint (stats.applied.inserted, ==, 150 * 7);
  g_assert_cmpuint (stats.applied.skipped, ==, 0);
  g_assert_cmpuint (stats.batches, >=, 11);

  for (guint i = 0; i < 150; i += 49)
    {
      g_autofree char *customer = rp_test_customer_id (i);
      g_autofree char *order = g_strdup_printf ("order:T%u-2", i);

      assert_same_document (fixture, "branch", customer);
      assert_same_document (fixture, "branch", order);
    }

  /* The checkpoint is the server's own sequence, stored exactly */
  seq = checkpoint (fixture, "branch");
  update_seq = server_update_seq (fixture, "branch");
  g_assert_cmpstr (seq, ==, update_seq);

  /* …and the server can see how far this desktop got */
  local_path = g_strdup_printf ("branch/_local/%s", rp_sync_client_get_replication_id (client));
  local_doc = server_get (fixture, local_path, &status);
  g_assert_cmpuint (status, ==, 200);
  last_seq = json_to_string (json_object_get_member (local_doc, "last_seq"), FALSE);
  g_assert_cmpstr (last_seq, ==, update_seq);
  g_assert_nonnull (json_object_get_string_member (local_doc, "at"));

  /* Nothing new: a second pull receives nothing */
  memset (&stats, 0, sizeof stats);
  g_assert_true (pull (client, &stats, &error));
  g_assert_cmpuint (stats.received, ==, 0);

  id = rp_test_customer_id (0);
  g_assert_true (rp_cache_has_customer (fixture->cache, id, &error));

  /* The same database under another address may be another server: its
   * pull starts from the beginning instead of resuming from this one's
   * sequence, and finds everything already there */
  {
    g_autoptr(GString) other = g_string_new (fixture->peer->url);
    g_autoptr(RpSyncClient) elsewhere = NULL;

    g_assert_cmpint (g_string_replace (other, "127.0.0.1", "localhost", 1), ==, 1);
    elsewhere = rp_sync_client_new (fixture->cache, other->str, "branch", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (rp_sync_client_get_checkpoint_key (elsewhere), !=,
                     rp_sync_client_get_checkpoint_key (client));
    memset (&stats, 0, sizeof stats);
    g_assert_true (pull (elsewhere, &stats, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (stats.received, ==, 150 * 7);
    g_assert_cmpuint (stats.applied.inserted + stats.applied.updated, ==, 0);
  }
}

static void
test_incremental_and_deletion (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autofree char *seq = NULL;
  g_autofree char *update_seq = NULL;
  RpSyncStats stats = { 0 };

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, "branch");
  seed (fixture, "branch", 0, 20, 1);
  client = new_client (fixture, "branch", 25);
  g_assert_true (pull (client, &stats, &error));
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 60);

  seed (fixture, "branch", 100, 2, 1);
  rp_test_delete_doc (fixture->peer->url, "branch", "order:T3-0");

  memset (&stats, 0, sizeof stats);
  g_assert_true (pull (client, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.received, ==, 7);
  g_assert_cmpuint (stats.applied.inserted, ==, 6);
  g_assert_cmpuint (stats.applied.deleted, ==, 1);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 65);

  gone = rp_cache_get_document (fixture->cache, "order:T3-0", &error);
  g_assert_null (gone);
  g_clear_error (&error);

  seq = checkpoint (fixture, "branch");
  update_seq = server_update_seq (fixture, "branch");
  g_assert_cmpstr (seq, ==, update_seq);
}

/* The back office deletes everything of a customer and writes an erasure:
 * afterwards no byte of them is left in the cache file or its WAL. */
static void
test_erasure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(JsonArray) erasure = json_array_new ();
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *id = rp_test_customer_id (7);
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  JsonObject *doc;
  RpSyncStats stats = { 0 };

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, "branch");
  seed (fixture, "branch", 0, 5, 2);
  rp_test_add_customer (docs, 7, "Quixotegarden", 2);
  rp_test_bulk_docs (fixture->peer->url, "branch", docs);
  seed (fixture, "branch", 10, 5, 2);

  client = new_client (fixture, "branch", 10);
  g_assert_true (pull (client, &stats, &error));
  g_assert_no_error (error);
  hits = rp_cache_search (fixture->cache, "Quixotegarden", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);

  rp_test_delete_doc (fixture->peer->url, "branch", id);
  rp_test_delete_doc (fixture->peer->url, "branch", "order:T7-0");
  rp_test_delete_doc (fixture->peer->url, "branch", "order:T7-1");
  rp_test_delete_doc (fixture->peer->url, "branch", "interaction:00000000-0000-4000-9000-000007000000");
  rp_test_delete_doc (fixture->peer->url, "branch", "interaction:00000000-0000-4000-9000-000007000001");
  doc = json_object_new ();
  json_object_set_string_member (doc, "_id", "erasure:00000000-0000-4000-8000-000000000007");
  json_object_set_string_member (doc, "type", "erasure");
  json_object_set_int_member (doc, "schema", 1);
  json_object_set_string_member (doc, "at", "2024-03-01T00:00:00Z");
  json_object_set_string_member (doc, "customer_id", id);
  json_object_set_string_member (doc, "requested_by", "agent:dpo");
  json_array_add_object_element (erasure, doc);
  rp_test_bulk_docs (fixture->peer->url, "branch", erasure);

  memset (&stats, 0, sizeof stats);
  g_assert_true (pull (client, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.applied.erased, >=, 1);
  g_assert_false (rp_cache_has_customer (fixture->cache, id, &error));
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = rp_cache_search (fixture->cache, "Quixotegarden", 10, &error);
  g_assert_cmpuint (hits->len, ==, 0);

  path = g_build_filename (fixture->dir, "cache.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  g_assert_false (rp_test_file_contains (path, "Quixotegarden"));
  g_assert_false (rp_test_file_contains (path, "Quixotegarden.7@example.com"));
  g_assert_false (rp_test_file_contains (wal, "Quixotegarden"));

  /* Still gone once the cache is closed */
  g_clear_object (&client);
  g_clear_object (&fixture->cache);
  g_assert_false (rp_test_file_contains (path, "Quixotegarden"));
  g_assert_false (rp_test_file_contains (wal, "Quixotegarden"));
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *url = NULL;
  guint status;

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, "branch");
  seed (fixture, "branch", 0, 3, 1);
  url = g_strdup_printf ("%s/_config/admins/keeper", fixture->peer->url);
  answer = rp_test_http ("PUT", url, "\"s3cret\"", &status);
  g_assert_cmpuint (status, ==, 200);

  client = new_client (fixture, "branch", 100);
  rp_sync_client_set_credentials (client, "keeper", "wrong");
  g_assert_false (pull (client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 0);
  g_clear_error (&error);

  rp_sync_client_set_auth (client, RP_SYNC_AUTH_SESSION);
  g_assert_false (pull (client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* The right password works both ways */
  rp_sync_client_set_credentials (client, "keeper", "s3cret");
  g_assert_true (pull (client, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 9);
}

static void
test_missing_database (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(RpSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->peer == NULL)
    return;

  client = new_client (fixture, "no-such-branch", 100);
  g_assert_false (pull (client, NULL, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-branch"));
}

static void
sync_once_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (rp_sync_manager_sync_once_finish (RP_SYNC_MANAGER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
changed_cb (RpSyncManager  *manager,
            GStrv           ids,
            GHashTable     *seen)
{
  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (seen, g_strdup (ids[i]));
}

/* A branch and the head office, each with its own checkpoint */
static void
test_several_databases (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(RpSyncManager) manager = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *seq_a = NULL;
  g_autofree char *seq_b = NULL;
  g_autofree char *update_a = NULL;
  g_autofree char *update_b = NULL;
  g_autofree char *id = rp_test_customer_id (205);
  const char *dbs[] = { "rapport-tokyo", "rapport-head", NULL };
  gboolean done = FALSE;
  RpSyncStats stats;

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, "rapport-tokyo");
  rp_test_create_db (fixture->peer->url, "rapport-head");
  seed (fixture, "rapport-tokyo", 0, 30, 1);
  seed (fixture, "rapport-head", 200, 10, 2);

  manager = rp_sync_manager_new (fixture->cache);
  rp_sync_manager_set_server_url (manager, fixture->peer->url);
  rp_sync_manager_set_databases (manager, dbs);
  rp_sync_manager_set_batch_size (manager, 16, 0);
  g_signal_connect (manager, "changed", G_CALLBACK (changed_cb), seen);

  rp_sync_manager_sync_once_async (manager, NULL, sync_once_cb, &done);
  rp_test_wait_for (&done);

  g_assert_cmpint (rp_sync_manager_get_state (manager), ==, RP_SYNC_STATE_IDLE);
  g_assert_cmpint (rp_sync_manager_get_last_sync (manager), >, 0);
  g_assert_cmpuint (rp_sync_manager_get_docs_done (manager), ==, 90 + 50);
  rp_sync_manager_get_stats (manager, &stats);
  g_assert_cmpuint (stats.applied.inserted, ==, 140);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 140);
  g_assert_true (g_hash_table_contains (seen, id));
  g_assert_cmpuint (g_hash_table_size (seen), ==, 40);

  seq_a = checkpoint (fixture, "rapport-tokyo");
  seq_b = checkpoint (fixture, "rapport-head");
  update_a = server_update_seq (fixture, "rapport-tokyo");
  update_b = server_update_seq (fixture, "rapport-head");
  g_assert_cmpstr (seq_a, ==, update_a);
  g_assert_cmpstr (seq_b, ==, update_b);
  g_signal_handlers_disconnect_by_data (manager, seen);
}

typedef struct
{
  const char *want;
  gboolean    seen;
  gboolean    synced;
} LiveWatch;

static void
live_changed_cb (RpSyncManager *manager,
                 GStrv          ids,
                 LiveWatch     *watch)
{
  if (watch->want != NULL && g_strv_contains ((const char *const *) ids, watch->want))
    watch->seen = TRUE;
}

static void
live_synced_cb (RpSyncManager *manager,
                GParamSpec    *pspec,
                LiveWatch     *watch)
{
  watch->synced = TRUE;
}

/* Live: a document written on the server arrives without asking */
static void
test_live (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(RpSyncManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = rp_test_customer_id (42);
  const char *dbs[] = { "branch", NULL };
  LiveWatch watch = { 0 };

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, "branch");
  seed (fixture, "branch", 0, 5, 1);

  manager = rp_sync_manager_new (fixture->cache);
  rp_sync_manager_set_server_url (manager, fixture->peer->url);
  rp_sync_manager_set_databases (manager, dbs);
  rp_sync_manager_set_timeouts (manager, 30, 2);
  g_signal_connect (manager, "changed", G_CALLBACK (live_changed_cb), &watch);
  g_signal_connect (manager, "notify::last-sync", G_CALLBACK (live_synced_cb), &watch);

  rp_sync_manager_start_live (manager);
  rp_test_wait_for (&watch.synced);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 15);

  watch.want = id;
  seed (fixture, "branch", 42, 1, 1);
  rp_test_wait_for (&watch.seen);
  g_assert_true (rp_cache_has_customer (fixture->cache, id, &error));

  rp_sync_manager_stop (manager);
  g_signal_handlers_disconnect_by_data (manager, &watch);
}

typedef struct
{
  RpTestPeer *peer;
  gboolean    killed;
  gboolean    done;
  guint64     target;
  RpCache    *cache;
} RestartWatch;

static void
restart_progress_cb (RpSyncManager *manager,
                     GParamSpec    *pspec,
                     RestartWatch  *watch)
{
  if (!watch->killed && rp_sync_manager_get_docs_done (manager) > 0)
    {
      /* Mid-sync: the server goes away, comes back with its data */
      watch->killed = TRUE;
      rp_test_peer_restart (watch->peer);
    }
  else if (watch->killed && (guint64) rp_test_cache_documents (watch->cache) == watch->target)
    watch->done = TRUE;
}

static void
test_server_restart (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(RpSyncManager) manager = NULL;
  g_autofree char *seq = NULL;
  g_autofree char *update_seq = NULL;
  const char *dbs[] = { "branch", NULL };
  RestartWatch watch = { 0 };

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, "branch");
  seed (fixture, "branch", 0, 300, 2);

  watch.peer = fixture->peer;
  watch.target = 1500;
  watch.cache = fixture->cache;

  manager = rp_sync_manager_new (fixture->cache);
  rp_sync_manager_set_server_url (manager, fixture->peer->url);
  rp_sync_manager_set_databases (manager, dbs);
  rp_sync_manager_set_batch_size (manager, 20, 0);
  rp_sync_manager_set_timeouts (manager, 10, 2);
  g_signal_connect (manager, "notify::docs-done", G_CALLBACK (restart_progress_cb), &watch);
  g_signal_connect (manager, "notify::last-sync", G_CALLBACK (restart_progress_cb), &watch);

  rp_sync_manager_start_live (manager);
  rp_test_wait_for (&watch.done);
  rp_sync_manager_stop (manager);
  g_signal_handlers_disconnect_by_data (manager, &watch);

  g_assert_true (watch.killed);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 1500);
  seq = checkpoint (fixture, "branch");
  update_seq = server_update_seq (fixture, "branch");
  g_assert_cmpstr (seq, ==, update_seq);
}

/* rapportctl killed mid-sync and run again: no batch twice, none missing */
static void
test_kill_and_resume (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "cache.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *seq = NULL;
  g_autofree char *update_seq = NULL;
  g_autoptr(JsonNode) summary = NULL;
  const char *rapportctl = g_getenv ("RAPPORTCTL");
  gint64 before;

  if (fixture->peer == NULL)
    return;
  if (rapportctl == NULL || !g_file_test (rapportctl, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("RAPPORTCTL is not built");
      return;
    }

  rp_test_create_db (fixture->peer->url, "branch");
  seed (fixture, "branch", 0, 400, 3);

  /* A cache that already holds a document commits batch by batch; a first
   * load into an empty one commits in large transactions, which a kill
   * simply rolls back (covered by the core's bulk-load tests) */
  {
    g_autoptr(JsonNode) agent = json_from_string ("{\"_id\":\"agent:resume\",\"type\":\"agent\","
                                                  "\"schema\":1,\"name\":\"R\"}", NULL);
    g_assert_true (rp_cache_apply (fixture->cache, &agent, 1, NULL, NULL, NULL, NULL, NULL, &error));
  }

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                            &error, rapportctl, "--cache", path, "sync",
                            "--server", fixture->peer->url, "--db", "branch",
                            "--batch-size", "25", "--once", NULL);
  g_assert_no_error (error);

  /* Killed once the first batches are in, well before the end */
  for (;;)
    {
      g_autofree char *current = checkpoint (fixture, "branch");

      if (current != NULL && rp_test_cache_documents (fixture->cache) >= 101)
        break;
      /* Reaped: it ended before it could be killed */
      g_assert_nonnull (g_subprocess_get_identifier (child));
      g_usleep (5 * 1000);
    }
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);

  before = rp_test_cache_documents (fixture->cache) - 1;
  g_test_message ("killed with %" G_GINT64_FORMAT " of 2800 documents", before);
  g_assert_cmpint (before, <, 2800);

  g_clear_object (&child);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, rapportctl, "--cache", path,
                            "sync", "--server", fixture->peer->url, "--db", "branch",
                            "--batch-size", "25", "--json", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);

  summary = json_from_string (out, &error);
  g_assert_no_error (error);
  /* It asked for exactly what the killed run had not applied: nothing
   * twice, nothing skipped */
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "received"), ==,
                   2800 - before);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "inserted"), ==,
                   2800 - before);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "updated"), ==, 0);
  g_assert_cmpint (rp_test_cache_documents (fixture->cache), ==, 2801);

  seq = checkpoint (fixture, "branch");
  update_seq = server_update_seq (fixture, "branch");
  g_assert_cmpstr (seq, ==, update_seq);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, on_disk) \
  g_test_add (path, Fixture, on_disk, fixture_set_up, func, fixture_tear_down)

  ADD ("/sync/pouchdb/initial-pull", test_initial_pull, NULL);
  ADD ("/sync/pouchdb/incremental-and-deletion", test_incremental_and_deletion, NULL);
  ADD ("/sync/pouchdb/erasure-leaves-no-bytes", test_erasure, NULL);
  ADD ("/sync/pouchdb/wrong-password", test_wrong_password, NULL);
  ADD ("/sync/pouchdb/missing-database", test_missing_database, NULL);
  ADD ("/sync/pouchdb/several-databases", test_several_databases, NULL);
  ADD ("/sync/pouchdb/live", test_live, NULL);
  ADD ("/sync/pouchdb/server-restart", test_server_restart, "on-disk");
  ADD ("/sync/pouchdb/kill-and-resume", test_kill_and_resume, NULL);

#undef ADD

  return g_test_run ();
}
