/* bench-queues.c: queue figures, drill-down lists and the per-minute
 * refresh at 50 000 open tickets
 *
 * Run on demand (not in CI), under a display for the page's part:
 *   xvfb-run -a _build/tests/bench/queues/bench-queues [--tickets 50000]
 *
 * Prints a Markdown table of medians and p99s; asserts nothing about time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "rp-cache.h"
#include "rp-doc.h"
#include "rp-queues.h"
#include "rp-queues-page.h"
#include "rp-ticket-list.h"
#include "rp-ticket-model.h"

static int n_tickets = 50000;
static int n_runs = 50;
static gboolean no_page = FALSE;
static char *keep_dir = NULL;

static GOptionEntry entries[] = {
  { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets, "Open tickets to generate (default 50 000)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs of each measurement (default 50)", "N" },
  { "no-page", 0, 0, G_OPTION_ARG_NONE, &no_page, "Skip the part that needs a display", NULL },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir, "Keep the cache in this folder", "DIR" },
  { NULL }
};

static const char *queues[] = { "billing", "delivery", "returns", "technical", "account", "vip", "complaints" };
static const char *priorities[] = { "low", "normal", "normal", "normal", "high", "urgent" };
static const char *statuses[] = { "new", "open", "open", "pending" };

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *ms)
{
  double p50, p99;

  g_array_sort (ms, compare_double);
  p50 = g_array_index (ms, double, ms->len / 2);
  p99 = g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.99)));
  printf ("| %s | %.2f ms | %.2f ms | %u |\n", what, p50, p99, ms->len);
  fflush (stdout);
}

static char *
iso (gint64 usec)
{
  return rp_format_timestamp (usec);
}

/* Open tickets spread over queues, agents and due times around now */
static void
seed (RpCache *cache,
      gint64   now)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (11);
  RpApplyStats stats = { 0 };
  int n_customers = MAX (1, n_tickets / 5);
  gint64 started = g_get_monotonic_time ();

  rp_cache_begin_bulk (cache, 0, RP_CACHE_BULK_SOLE, &error);
  g_assert_no_error (error);

  for (int i = 0; i < n_customers + n_tickets; i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      char id[64];

      json_builder_begin_object (b);
      if (i < n_customers)
        {
          g_snprintf (id, sizeof id, "customer:00000000-0000-4000-8000-%012d", i);
          json_builder_set_member_name (b, "_id"); json_builder_add_string_value (b, id);
          json_builder_set_member_name (b, "type"); json_builder_add_string_value (b, "customer");
          json_builder_set_member_name (b, "schema"); json_builder_add_int_value (b, 1);
          json_builder_set_member_name (b, "at"); json_builder_add_string_value (b, "2020-01-01T00:00:00Z");
          json_builder_set_member_name (b, "name");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "family"); json_builder_add_string_value (b, "Customer");
          json_builder_set_member_name (b, "given"); json_builder_add_string_value (b, id + 30);
          json_builder_end_object (b);
        }
      else
        {
          int t = i - n_customers;
          gint64 created = now - g_rand_int_range (rand, 0, 10 * 24 * 60) * G_TIME_SPAN_MINUTE;
          gint64 due = created + g_rand_int_range (rand, 60, 3 * 24 * 60) * G_TIME_SPAN_MINUTE;
          g_autofree char *created_s = iso (created);
          g_autofree char *due_s = iso (due);
          g_autofree char *fr_s = iso (created + 60 * G_TIME_SPAN_MINUTE);
          char customer[64], number[32], agent[16];

          g_snprintf (id, sizeof id, "ticket:00000000-0000-4000-9000-%012d", t);
          g_snprintf (customer, sizeof customer, "customer:00000000-0000-4000-8000-%012d",
                      g_rand_int_range (rand, 0, n_customers));
          g_snprintf (number, sizeof number, "T-%06d", 100000 + t);
          g_snprintf (agent, sizeof agent, "agent-%02d", g_rand_int_range (rand, 0, 30));
          json_builder_set_member_name (b, "_id"); json_builder_add_string_value (b, id);
          json_builder_set_member_name (b, "type"); json_builder_add_string_value (b, "ticket");
          json_builder_set_member_name (b, "schema"); json_builder_add_int_value (b, 1);
          json_builder_set_member_name (b, "at"); json_builder_add_string_value (b, created_s);
          json_builder_set_member_name (b, "customer_id"); json_builder_add_string_value (b, customer);
          json_builder_set_member_name (b, "number"); json_builder_add_string_value (b, number);
          json_builder_set_member_name (b, "subject"); json_builder_add_string_value (b, "Where is my order?");
          json_builder_set_member_name (b, "channel"); json_builder_add_string_value (b, "email");
          json_builder_set_member_name (b, "queue");
          json_builder_add_string_value (b, queues[g_rand_int_range (rand, 0, G_N_ELEMENTS (queues))]);
          json_builder_set_member_name (b, "priority");
          json_builder_add_string_value (b, priorities[g_rand_int_range (rand, 0, G_N_ELEMENTS (priorities))]);
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))]);
          json_builder_set_member_name (b, "assignee");
          if (g_rand_int_range (rand, 0, 4) == 0)
            json_builder_add_null_value (b);
          else
            json_builder_add_string_value (b, agent);
          json_builder_set_member_name (b, "first_response_due"); json_builder_add_string_value (b, fr_s);
          json_builder_set_member_name (b, "resolution_due"); json_builder_add_string_value (b, due_s);
        }
      json_builder_end_object (b);
      g_ptr_array_add (batch, json_builder_get_root (b));

      if (batch->len == 2000 || i == n_customers + n_tickets - 1)
        {
          rp_cache_apply (cache, (JsonNode *const *) batch->pdata, batch->len, NULL, NULL, NULL,
                          NULL, &stats, &error);
          g_assert_no_error (error);
          g_ptr_array_set_size (batch, 0);
        }
    }
  rp_cache_end_bulk (cache, &error);
  g_assert_no_error (error);
  g_rand_free (rand);
  printf ("Seeded %d open tickets and %d customers in %.1f s\n\n", n_tickets, n_customers,
          (g_get_monotonic_time () - started) / 1e6);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_core (RpCache *cache,
            gint64   now)
{
  g_autoptr(GArray) figures = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < n_runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(JsonObject) obj = rp_cache_queues (cache, now + i * G_TIME_SPAN_MINUTE, 0, &error);
      double ms = ms_since (start);

      g_assert_no_error (error);
      g_assert_nonnull (obj);
      g_array_append_val (figures, ms);
    }
  report ("queue figures (`rp_cache_queues`)", figures);

  /* A sort or filter change: the ids in order, then the rows GtkListView
   * binds first (the model reads 200 in its worker) */
  for (int i = 0; i < n_runs; i++)
    {
      RpTicketQuery query;
      g_autoptr(GPtrArray) ids = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      gint64 start;
      double ms;

      rp_ticket_query_init (&query);
      query.now_usec = now;
      query.sort = i % 3;
      query.reverse = (i / 3) % 2;
      query.filter = i % 5;
      query.queue = (i % 4 == 0) ? NULL : queues[i % G_N_ELEMENTS (queues)];
      start = g_get_monotonic_time ();
      ids = rp_cache_ticket_ids (cache, &query, &error);
      g_assert_no_error (error);
      rows = rp_cache_ticket_rows (cache, (const char *const *) ids->pdata, MIN (ids->len, 200), &error);
      g_assert_no_error (error);
      ms = ms_since (start);
      g_array_append_val (pages, ms);
    }
  report ("drill-down ids + first 200 rows after a sort/filter change", pages);
}

/* The app's side: the model's query round trip, and the page's main-thread time */

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  rp_ticket_model_query_finish (RP_TICKET_MODEL (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
flag_cb (gpointer instance,
         gpointer flag)
{
  *(gboolean *) flag = TRUE;
}

static void
spin_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static void
bench_app (RpCache *cache,
           gint64   now)
{
  g_autoptr(GArray) model_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) minute_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) tick_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(RpTicketModel) model = rp_ticket_model_new (cache);
  GtkWindow *window;
  GtkWidget *page;
  RpTicketList *list;

  for (int i = 0; i < n_runs; i++)
    {
      RpTicketQuery query;
      gboolean done = FALSE;
      gint64 start;
      double ms;

      rp_ticket_query_init (&query);
      query.now_usec = now;
      query.sort = i % 3;
      query.filter = i % 5;
      query.queue = (i % 4 == 0) ? NULL : queues[i % G_N_ELEMENTS (queues)];
      start = g_get_monotonic_time ();
      rp_ticket_model_query_async (model, &query, NULL, query_done_cb, &done);
      spin_until (&done);
      ms = ms_since (start);
      g_array_append_val (model_ms, ms);
    }
  report ("drill-down model: query to items ready (worker + main thread)", model_ms);

  window = GTK_WINDOW (adw_window_new ());
  page = rp_queues_page_new ();
  adw_window_set_content (ADW_WINDOW (window), page);
  gtk_window_set_default_size (window, 1280, 860);
  rp_queues_page_set_now (RP_QUEUES_PAGE (page), now);
  rp_queues_page_set_cache (RP_QUEUES_PAGE (page), cache);
  gtk_window_present (window);
  list = rp_queues_page_get_list (RP_QUEUES_PAGE (page));
  {
    gboolean done = FALSE;
    gulong id = g_signal_connect (page, "updated", G_CALLBACK (flag_cb), &done);
    spin_until (&done);
    g_signal_handler_disconnect (page, id);
  }

  /* What the minute timer does on the main thread: new labels and charts
   * from figures computed in a worker, and the countdowns' tick */
  for (int i = 0; i < n_runs; i++)
    {
      gboolean done = FALSE;
      gulong id = g_signal_connect (page, "updated", G_CALLBACK (flag_cb), &done);
      double ms;
      gint64 start;

      rp_queues_page_set_now (RP_QUEUES_PAGE (page), now + (i + 1) * G_TIME_SPAN_MINUTE);
      spin_until (&done);
      g_signal_handler_disconnect (page, id);
      ms = rp_queues_page_get_update_usec (RP_QUEUES_PAGE (page)) / 1000.0;
      g_array_append_val (minute_ms, ms);

      start = g_get_monotonic_time ();
      rp_ticket_list_tick (list);
      ms = ms_since (start);
      g_array_append_val (tick_ms, ms);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  report ("per-minute refresh, main thread: labels and charts", minute_ms);
  report ("per-minute refresh, main thread: countdown tick of the rows on screen", tick_ms);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- queues benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gint64 now = g_get_real_time ();

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  dir = keep_dir ? g_strdup (keep_dir) : g_dir_make_tmp ("rapport-bench-queues-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "cache.db", NULL);
  cache = rp_cache_open (path, &error);
  g_assert_no_error (error);
  seed (cache, now);

  printf ("| what (%d open tickets) | p50 | p99 | runs |\n|---|---|---|---|\n", n_tickets);
  bench_core (cache, now);
  if (!no_page && gtk_init_check ())
    {
      adw_init ();
      bench_app (cache, now);
    }
  else
    printf ("\n(no display: the app's rows were skipped)\n");

  g_clear_object (&cache);
  if (keep_dir == NULL)
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);
        g_unlink (file);
      }
    g_rmdir (dir);
  }
  return 0;
}
