/* bench-offline.c: saving an agent's action and pushing the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-offline [--saves N] [--push N] [--batch N]
 *
 * 1. Saves N actions one by one (rp_cache_create: apply + outbox in one
 *    synchronous=FULL transaction) into a cache of 1 000 customers and
 *    reports the median and p99 of each save.
 * 2. Queues N documents, starts PouchDB Server on loopback and pushes them
 *    with _bulk_docs (new_edits: false), reporting documents per second
 *    and checking the server holds every one.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "rp-actions.h"
#include "rp-push.h"
#include "rp-sync-test-util.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *usec,
               double  p)
{
  guint index = (guint) (p * (usec->len - 1) + 0.5);
  return g_array_index (usec, gint64, index) / 1000.0;
}

static void
load_customers (RpCache *cache,
                guint    n)
{
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    rp_test_add_customer (docs, i, "Bench", 2);
  for (guint i = 0; i < json_array_get_length (docs); i++)
    g_ptr_array_add (nodes, json_array_get_element (docs, i));
  if (!rp_cache_apply (cache, (JsonNode **) nodes->pdata, nodes->len, NULL, NULL, NULL, NULL,
                       NULL, &error))
    g_error ("load: %s", error->message);
}

static JsonObject *
action (guint i)
{
  g_autofree char *customer = rp_test_customer_id (i % 1000);

  if (i % 2 == 0)
    return rp_action_note (customer, "agent.bench", "Called back about the delivery date; "
                           "the parcel leaves the warehouse tomorrow morning.", FALSE);
  return rp_action_interaction (customer, NULL, "phone", "inbound", "agent.bench",
                                "Asked about the delivery date",
                                "The customer wants the parcel before the weekend.",
                                "neutral", 140);
}

static void
bench_saves (guint n)
{
  g_autofree char *dir = NULL;
  g_autoptr(RpCache) cache = rp_test_cache_new (&dir);
  g_autoptr(GArray) times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  load_customers (cache, 1000);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonNode) node = rp_action_node (action (i));
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      if (!rp_cache_create (cache, &node, 1, NULL, NULL, &error))
        g_error ("save: %s", error->message);
      g_array_append_val (times, (gint64) { g_get_monotonic_time () - start });
    }
  g_array_sort (times, compare_gint64);
  printf ("save an action (durable): %u saves, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
          n, percentile_ms (times, 0.5), percentile_ms (times, 0.99),
          percentile_ms (times, 1.0));
  rp_test_rm_rf (dir);
}

static void
bench_push (guint n,
            guint batch)
{
  g_autofree char *dir = NULL;
  g_autoptr(RpCache) cache = rp_test_cache_new (&dir);
  g_autoptr(RpTestPeer) peer = NULL;
  g_autoptr(RpPush) push = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autofree char *url = NULL;
  RpPushStats stats = { 0 };
  gint64 start, elapsed;
  guint status;

  load_customers (cache, 1000);
  for (guint i = 0; i < n; i += 500)
    {
      JsonNode *nodes[500];
      guint k = MIN (500, n - i);

      for (guint j = 0; j < k; j++)
        nodes[j] = rp_action_node (action (i + j));
      if (!rp_cache_create (cache, nodes, k, NULL, NULL, &error))
        g_error ("queue: %s", error->message);
      for (guint j = 0; j < k; j++)
        json_node_unref (nodes[j]);
    }

  peer = rp_test_peer_start (TRUE);
  if (peer == NULL)
    g_error ("PouchDB Server is not installed (build-aux/run-tests installs it)");
  rp_test_create_db (peer->url, "bench");
  push = rp_push_new (cache, peer->url, "bench", TRUE, &error);
  rp_push_set_batch_size (push, batch);

  start = g_get_monotonic_time ();
  if (!rp_push_run (push, &stats, NULL, &error))
    g_error ("push: %s", error->message);
  elapsed = g_get_monotonic_time () - start;

  url = g_strdup_printf ("%s/bench", peer->url);
  info = rp_test_http ("GET", url, NULL, &status);
  printf ("push %u queued docs, batches of %u: %.2f s, %.0f docs/s; server holds %"
          G_GINT64_FORMAT ", outbox left %" G_GINT64_FORMAT "\n",
          n, batch, elapsed / 1e6, stats.confirmed / (elapsed / 1e6),
          json_object_get_int_member (json_node_get_object (info), "doc_count"),
          rp_cache_outbox_count (cache, NULL));
  g_clear_object (&cache);
  rp_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  guint saves = 2000, pushes = 10000, batch = 500;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (g_str_equal (argv[i], "--saves"))
        saves = atoi (argv[i + 1]);
      else if (g_str_equal (argv[i], "--push"))
        pushes = atoi (argv[i + 1]);
      else if (g_str_equal (argv[i], "--batch"))
        batch = atoi (argv[i + 1]);
    }

  if (saves > 0)
    bench_saves (saves);
  if (pushes > 0)
    bench_push (pushes, batch);

  return 0;
}
