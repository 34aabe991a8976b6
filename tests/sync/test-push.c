/* test-push.c: the outbox reaches a real PouchDB Server exactly once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Agents work offline; what they did goes out when the server is back,
 * survives a push killed at any point, never arrives twice, and what the
 * server refuses stays with the agent.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "rp-actions.h"
#include "rp-doc.h"
#include "rp-push.h"
#include "rp-sync-manager.h"
#include "rp-sync-test-util.h"

#define DB "branch"

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
  fixture->peer = rp_test_peer_start (TRUE);
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

/* A customer and an open ticket, as the back office would have them */
static void
add_customer_and_ticket (JsonArray  *docs,
                         const char *ticket_id)
{
  g_autofree char *customer_id = rp_test_customer_id (1);
  JsonObject *ticket = json_object_new ();

  rp_test_add_customer (docs, 1, "Tanaka", 1);
  json_object_set_string_member (ticket, "_id", ticket_id);
  json_object_set_string_member (ticket, "type", "ticket");
  json_object_set_int_member (ticket, "schema", 1);
  json_object_set_string_member (ticket, "at", "2026-11-20T09:00:00Z");
  json_object_set_string_member (ticket, "customer_id", customer_id);
  json_object_set_string_member (ticket, "number", "T-100001");
  json_object_set_string_member (ticket, "subject", "Parcel not delivered");
  json_object_set_string_member (ticket, "channel", "phone");
  json_object_set_string_member (ticket, "queue", "delivery");
  json_object_set_string_member (ticket, "priority", "normal");
  json_object_set_string_member (ticket, "status", "open");
  json_object_set_null_member (ticket, "assignee");
  json_array_add_object_element (docs, ticket);
}

static void
load (RpCache   *cache,
      JsonArray *docs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (docs); i++)
    g_ptr_array_add (nodes, json_array_get_element (docs, i));
  rp_cache_apply (cache, (JsonNode **) nodes->pdata, nodes->len, NULL, NULL, NULL, NULL, NULL,
                  &error);
  g_assert_no_error (error);
}

static void
create (RpCache    *cache,
        JsonObject *doc)
{
  g_autoptr(JsonNode) node = rp_action_node (doc);
  g_autoptr(GError) error = NULL;

  g_assert_true (rp_cache_create (cache, &node, 1, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* One of the agent's actions, of the kind @i picks */
static void
make_action (RpCache    *cache,
             guint       i,
             const char *ticket_id)
{
  g_autofree char *customer_id = rp_test_customer_id (1);
  g_autofree char *text = g_strdup_printf ("Action %u", i);

  switch (i % 5)
    {
    case 0:
      create (cache, rp_action_note (customer_id, "agent.k", text, i % 2 == 0));
      break;
    case 1:
      create (cache, rp_action_interaction (customer_id, ticket_id, "phone", "inbound", "agent.k",
                                            text, "Asked where the parcel is", "neutral", 95));
      break;
    case 2:
      create (cache, rp_action_ticket_event (ticket_id, customer_id, "agent.k", "pending", NULL,
                                             NULL, NULL, text, NULL));
      break;
    case 3:
      create (cache, rp_action_consent (customer_id, "marketing_email",
                                        i % 2 ? "withdrawn" : "granted", "phone", "agent.k",
                                        text));
      break;
    default:
      create (cache, rp_action_ticket (customer_id, text, "phone", "delivery", "high", NULL,
                                       60, 1440));
      break;
    }
}

/* Every local outbox body, by id */
static GHashTable *
outbox_bodies (RpCache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = rp_cache_outbox_list (cache, NULL, NULL, 0, &error);
  GHashTable *bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      RpOutboxItem *item = g_ptr_array_index (items, i);
      g_hash_table_insert (bodies, g_strdup (item->doc_id), g_strdup (item->body));
    }

  return bodies;
}

/* The server's documents (design documents aside), each checked to have
 * one revision only: a document stored twice would show as a conflict.
 * With @check_rev, every revision must be the one made from the body. */
static GHashTable *
server_bodies (RpTestPeer *peer,
               const char *db,
               gboolean    check_rev)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/_all_docs?include_docs=true&conflicts=true",
                                          peer->url, db);
  g_autoptr(JsonNode) answer = NULL;
  GHashTable *bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *rows;
  guint status;

  answer = rp_test_http ("GET", url, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  rows = json_object_get_array_member (json_node_get_object (answer), "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      JsonObject *doc = json_object_get_object_member (row, "doc");
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *body = NULL;
      g_autofree char *rev = NULL;

      if (g_str_has_prefix (json_object_get_string_member (row, "id"), "_design/"))
        continue;
      g_assert_false (json_object_has_member (doc, "_conflicts"));
      rev = g_strdup (json_object_get_string_member (doc, "_rev"));
      g_assert_true (g_str_has_prefix (rev, "1-"));
      json_object_remove_member (doc, "_rev");
      node = json_node_init_object (json_node_alloc (), doc);
      body = rp_json_canonical (node, NULL);
      /* The revision is the one the desktop made from the same body */
      {
        g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, body, -1);
        if (check_rev)
          g_assert_cmpstr (rev + 2, ==, md5);
      }
      g_hash_table_insert (bodies, g_strdup (json_object_get_string_member (row, "id")),
                           g_steal_pointer (&body));
    }

  return bodies;
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
sync_once (RpSyncManager  *manager,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rp_sync_manager_sync_once_async (manager, NULL, sync_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return rp_sync_manager_sync_once_finish (manager, result, error);
}

static RpSyncManager *
new_manager (RpCache    *cache,
             const char *url)
{
  const char *dbs[] = { DB, NULL };
  RpSyncManager *manager = rp_sync_manager_new (cache);

  rp_sync_manager_set_server_url (manager, url);
  rp_sync_manager_set_databases (manager, dbs);
  rp_sync_manager_set_timeouts (manager, 10, 5);

  return manager;
}

/* Twenty actions while the server is down; all arrive once it is back */
static void
test_offline_then_online (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(RpSyncManager) manager = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) remote = NULL;
  g_autoptr(GError) error = NULL;
  const char *ticket_id = "ticket:00000000-0000-4000-8000-000000000001";
  GHashTableIter iter;
  gpointer id, body;
  RpPushStats pushed;

  if (fixture->peer == NULL)
    return;

  add_customer_and_ticket (docs, ticket_id);
  load (fixture->cache, docs);

  rp_test_peer_kill (fixture->peer);
  manager = new_manager (fixture->cache, fixture->peer->url);
  for (guint i = 0; i < 20; i++)
    make_action (fixture->cache, i, ticket_id);
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, "pending"), ==, 20);

  /* Unreachable: nothing is lost, nothing leaves the outbox */
  g_assert_false (sync_once (manager, &error));
  g_assert_true (rp_sync_error_is_transient (error));
  g_clear_error (&error);
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, "pending"), ==, 20);
  local = outbox_bodies (fixture->cache);

  rp_test_peer_restart (fixture->peer);
  rp_test_create_db (fixture->peer->url, DB);
  g_assert_true (sync_once (manager, &error));
  g_assert_no_error (error);
  rp_sync_manager_get_push_stats (manager, &pushed);
  g_assert_cmpuint (pushed.confirmed, ==, 20);
  g_assert_cmpuint (pushed.rejected, ==, 0);
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, NULL), ==, 0);

  remote = server_bodies (fixture->peer, DB, TRUE);
  g_assert_cmpuint (g_hash_table_size (remote), ==, 20);
  g_hash_table_iter_init (&iter, local);
  while (g_hash_table_iter_next (&iter, &id, &body))
    g_assert_cmpstr (g_hash_table_lookup (remote, id), ==, body);

  /* A second sync sends nothing and the server still holds twenty */
  g_assert_true (sync_once (manager, &error));
  rp_sync_manager_get_push_stats (manager, &pushed);
  g_assert_cmpuint (pushed.confirmed, ==, 0);
  g_clear_pointer (&remote, g_hash_table_unref);
  remote = server_bodies (fixture->peer, DB, TRUE);
  g_assert_cmpuint (g_hash_table_size (remote), ==, 20);
}

/* rapportctl sync killed at thirty random points of a push */
static void
test_kill_during_push (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(GHashTable) local = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) remote = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "cache.db", NULL);
  const char *ticket_id = "ticket:00000000-0000-4000-8000-000000000001";
  const char *rapportctl = g_getenv ("RAPPORTCTL");
  guint made = 0, killed_midway = 0;
  GHashTableIter iter;
  gpointer id, body;

  if (fixture->peer == NULL)
    return;
  if (rapportctl == NULL || !g_file_test (rapportctl, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("RAPPORTCTL is not built");
      return;
    }

  rp_test_create_db (fixture->peer->url, DB);
  add_customer_and_ticket (docs, ticket_id);
  load (fixture->cache, docs);

  for (guint round = 0; round < 30; round++)
    {
      g_autoptr(GHashTable) queued = NULL;
      gint64 before;
      GHashTableIter it;
      gpointer k, v;

      for (guint i = 0; i < 15; i++)
        make_action (fixture->cache, made++, ticket_id);
      queued = outbox_bodies (fixture->cache);
      g_hash_table_iter_init (&it, queued);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_hash_table_replace (local, g_strdup (k), g_strdup (v));
      before = rp_cache_outbox_count (fixture->cache, NULL);

      g_clear_object (&child);
      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                &error, rapportctl, "--cache", path, "sync",
                                "--server", fixture->peer->url, "--db", DB,
                                "--batch-size", "3", "--once", NULL);
      g_assert_no_error (error);
      g_usleep (g_test_rand_int_range (0, 120 * 1000));
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, NULL);

      if (rp_cache_outbox_count (fixture->cache, NULL) < before
          && rp_cache_outbox_count (fixture->cache, NULL) > 0)
        killed_midway++;
    }
  g_test_message ("%u of 30 kills fell in the middle of a push", killed_midway);

  g_clear_object (&child);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, rapportctl,
                            "--cache", path, "sync", "--server", fixture->peer->url,
                            "--db", DB, "--once", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (child, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, NULL), ==, 0);
  remote = server_bodies (fixture->peer, DB, TRUE);
  g_assert_cmpuint (g_hash_table_size (remote), ==, made);
  g_assert_cmpuint (g_hash_table_size (local), ==, made);
  g_hash_table_iter_init (&iter, local);
  while (g_hash_table_iter_next (&iter, &id, &body))
    g_assert_cmpstr (g_hash_table_lookup (remote, id), ==, body);
}

/* Two desktops change the same ticket while both are offline */
static void
test_two_desktops (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(RpCache) other = NULL;
  g_autofree char *other_dir = NULL;
  g_autoptr(RpSyncManager) a = NULL;
  g_autoptr(RpSyncManager) b = NULL;
  g_autoptr(GHashTable) remote = NULL;
  g_autoptr(JsonObject) ticket_a = NULL;
  g_autoptr(JsonObject) ticket_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *customer_id = rp_test_customer_id (1);
  g_autofree char *event_a = NULL;
  g_autofree char *event_b = NULL;
  const char *ticket_id = "ticket:00000000-0000-4000-8000-000000000001";
  JsonObject *doc;

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, DB);
  add_customer_and_ticket (docs, ticket_id);
  rp_test_bulk_docs (fixture->peer->url, DB, docs);

  other = rp_test_cache_new (&other_dir);
  a = new_manager (fixture->cache, fixture->peer->url);
  b = new_manager (other, fixture->peer->url);
  g_assert_true (sync_once (a, &error));
  g_assert_true (sync_once (b, &error));
  g_assert_no_error (error);

  /* Offline: one desktop escalates, the other hands it to billing */
  doc = rp_action_ticket_event (ticket_id, customer_id, "agent.a", NULL, "urgent", NULL,
                                "agent.a", "Customer is upset", NULL);
  event_a = g_strdup (json_object_get_string_member (doc, "_id"));
  create (fixture->cache, doc);
  g_usleep (2000);
  doc = rp_action_ticket_event (ticket_id, customer_id, "agent.b", "pending", NULL, "billing",
                                "", NULL, "Refund approved; please confirm the bank details");
  event_b = g_strdup (json_object_get_string_member (doc, "_id"));
  create (other, doc);

  g_assert_true (sync_once (a, &error));
  g_assert_true (sync_once (b, &error));
  g_assert_true (sync_once (a, &error));
  g_assert_no_error (error);

  remote = server_bodies (fixture->peer, DB, FALSE);
  g_assert_true (g_hash_table_contains (remote, event_a));
  g_assert_true (g_hash_table_contains (remote, event_b));

  ticket_a = rp_cache_get_ticket (fixture->cache, ticket_id, &error);
  g_assert_no_error (error);
  ticket_b = rp_cache_get_ticket (other, ticket_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_json_string (ticket_a, "status"), ==, "pending");
  g_assert_cmpstr (rp_json_string (ticket_a, "priority"), ==, "urgent");
  g_assert_cmpstr (rp_json_string (ticket_a, "queue"), ==, "billing");
  g_assert_cmpstr (rp_json_string (ticket_a, "status"), ==, rp_json_string (ticket_b, "status"));
  g_assert_cmpstr (rp_json_string (ticket_a, "priority"), ==,
                   rp_json_string (ticket_b, "priority"));
  g_assert_cmpstr (rp_json_string (ticket_a, "queue"), ==, rp_json_string (ticket_b, "queue"));
  g_assert_cmpstr (rp_json_string (ticket_a, "assignee"), ==,
                   rp_json_string (ticket_b, "assignee"));
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, NULL), ==, 0);
  g_assert_cmpint (rp_cache_outbox_count (other, NULL), ==, 0);

  g_clear_object (&b);
  g_clear_object (&other);
  rp_test_rm_rf (other_dir);
}

/* A validate_doc_update refuses one note: it stays, with the reason, until
 * the agent discards it; the others go */
static void
test_rejected (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(RpSyncManager) manager = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(GHashTable) remote = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *customer_id = rp_test_customer_id (1);
  g_autofree char *url = NULL;
  g_autofree char *bad_id = NULL;
  const char *ticket_id = "ticket:00000000-0000-4000-8000-000000000001";
  RpOutboxItem *item;
  RpPushStats pushed;
  JsonObject *doc;
  guint status;

  if (fixture->peer == NULL)
    return;

  rp_test_create_db (fixture->peer->url, DB);
  url = g_strdup_printf ("%s/%s/_design/rules", fixture->peer->url, DB);
  answer = rp_test_http ("PUT", url,
                         "{\"validate_doc_update\": \"function (doc) { if (doc.type === 'note' "
                         "&& doc.pinned) throw ({forbidden: 'Only supervisors may pin notes'}); }\"}",
                         &status);
  g_assert_cmpuint (status, ==, 201);

  add_customer_and_ticket (docs, ticket_id);
  load (fixture->cache, docs);
  create (fixture->cache, rp_action_note (customer_id, "agent.k", "Prefers e-mail", FALSE));
  doc = rp_action_note (customer_id, "agent.k", "VIP: always call back", TRUE);
  bad_id = g_strdup (json_object_get_string_member (doc, "_id"));
  create (fixture->cache, doc);
  create (fixture->cache, rp_action_note (customer_id, "agent.k", "Called twice", FALSE));

  manager = new_manager (fixture->cache, fixture->peer->url);
  g_assert_true (sync_once (manager, &error));
  g_assert_no_error (error);
  rp_sync_manager_get_push_stats (manager, &pushed);
  g_assert_cmpuint (pushed.confirmed, ==, 2);
  g_assert_cmpuint (pushed.rejected, ==, 1);

  rejected = rp_cache_outbox_list (fixture->cache, NULL, "rejected", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected->len, ==, 1);
  item = g_ptr_array_index (rejected, 0);
  g_assert_cmpstr (item->doc_id, ==, bad_id);
  g_assert_cmpstr (item->error, ==, "Only supervisors may pin notes");
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, "pending"), ==, 0);

  /* Not retried behind the agent's back */
  g_assert_true (sync_once (manager, &error));
  rp_sync_manager_get_push_stats (manager, &pushed);
  g_assert_cmpuint (pushed.batches, ==, 0);
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, "rejected"), ==, 1);

  /* Retried on request: refused again, still kept */
  g_assert_true (rp_cache_outbox_retry (fixture->cache, item->seq, &error));
  g_assert_true (sync_once (manager, &error));
  rp_sync_manager_get_push_stats (manager, &pushed);
  g_assert_cmpuint (pushed.rejected, ==, 1);
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, "rejected"), ==, 1);

  /* Discarded: gone from the outbox and the cache, never on the server */
  g_assert_true (rp_cache_outbox_discard (fixture->cache, item->seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_cache_outbox_count (fixture->cache, NULL), ==, 0);
  remote = server_bodies (fixture->peer, DB, TRUE);
  g_assert_cmpuint (g_hash_table_size (remote), ==, 2);
  g_assert_false (g_hash_table_contains (remote, bad_id));
}

/* A SoupServer for what PouchDB does not do: refuse a whole request, fail
 * with a 500, answer and then lose the connection */
typedef struct
{
  guint mode;
  guint requests;
} FakeServer;

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FakeServer *fake = user_data;
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
  const char *text = g_bytes_get_data (bytes, NULL);

  fake->requests++;
  if (fake->mode == 403)
    {
      /* Refuses any request holding the pinned note, as a proxy would */
      if (strstr (text, "\"pinned\":true") != NULL)
        {
          soup_server_message_set_status (msg, 403, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                            "{\"error\":\"forbidden\",\"reason\":\"Read-only\"}",
                                            42);
        }
      else
        {
          soup_server_message_set_status (msg, 201, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                            "[]", 2);
        }
    }
  else
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"unknown\"}", 19);
    }
}

/* The SoupServer answers on this thread's main context: push from another */
static gboolean
run_push (RpPush       *push,
          RpPushStats  *stats,
          GError      **error)
{
  return rp_test_push_beside_loop (push, stats, error);
}

static void
test_refused_request (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(RpPush) push = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *customer_id = rp_test_customer_id (1);
  FakeServer fake = { 403, 0 };
  RpPushStats stats = { 0 };

  soup_server_add_handler (server, NULL, fake_handler, &fake, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  cache = rp_test_cache_new (&dir);
  add_customer_and_ticket (docs, "ticket:00000000-0000-4000-8000-000000000001");
  load (cache, docs);
  create (cache, rp_action_note (customer_id, "agent.k", "One", FALSE));
  create (cache, rp_action_note (customer_id, "agent.k", "Two", TRUE));
  create (cache, rp_action_note (customer_id, "agent.k", "Three", FALSE));

  push = rp_push_new (cache, url, DB, TRUE, &error);
  g_assert_no_error (error);

  /* A whole request refused: the items are tried one by one, and only
   * the one the server refuses is kept, with its reason */
  g_assert_true (run_push (push, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.confirmed, ==, 2);
  g_assert_cmpuint (stats.rejected, ==, 1);
  items = rp_cache_outbox_list (cache, NULL, "rejected", 0, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((RpOutboxItem *) g_ptr_array_index (items, 0))->error, ==, "Read-only");

  /* A 500: the item stays pending, its attempt is counted */
  fake.mode = 500;
  g_assert_true (rp_cache_outbox_retry (cache, ((RpOutboxItem *) g_ptr_array_index (items, 0))->seq,
                                        &error));
  memset (&stats, 0, sizeof stats);
  g_assert_false (run_push (push, &stats, &error));
  g_assert_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_SERVER);
  g_assert_true (rp_sync_error_is_transient (error));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = rp_cache_outbox_list (cache, NULL, NULL, 0, NULL);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((RpOutboxItem *) g_ptr_array_index (items, 0))->state, ==, "pending");
  g_assert_cmpint (((RpOutboxItem *) g_ptr_array_index (items, 0))->attempts, >=, 1);
  g_assert_nonnull (((RpOutboxItem *) g_ptr_array_index (items, 0))->error);

  g_clear_object (&push);
  g_clear_object (&cache);
  rp_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/sync/push/offline-then-online", test_offline_then_online);
  ADD ("/sync/push/kill-during-push", test_kill_during_push);
  ADD ("/sync/push/two-desktops", test_two_desktops);
  ADD ("/sync/push/rejected", test_rejected);

#undef ADD

  g_test_add_func ("/sync/push/refused-request", test_refused_request);

  return g_test_run ();
}
