/* bench-app.c: how fast the agent window answers, on a big cache
 *
 * Measures, under Xvfb with GSK_RENDERER=cairo:
 *  - keystroke to search results painted,
 *  - customer selected to context card and first timeline rows painted,
 *    for a customer with 5 000 events,
 *  - process start to first frame, against a bare AdwApplicationWindow,
 *  - resident memory after opening 10 customers.
 * Prints medians and 99th percentiles; asserts nothing about time.
 *
 * Usage: bench-app --cache FILE [--customers N] [--iterations N]
 * A missing cache is first seeded with N demo customers (default 1 000 000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <malloc.h>
#include <sqlite3.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "rp-application.h"
#include "rp-cache.h"
#include "rp-doc.h"
#include "rp-customer-view.h"
#include "rp-demo.h"
#include "rp-search-row.h"
#include "rp-window.h"

#define HEAVY_ID  "customer:b0000000-0000-4000-8000-000000005000"
#define HEAVY_N   5000

static char *cache_path;
static int iterations = 20;
static int n_customers = -1;
static gboolean child_app;
static gboolean child_bare;
static gboolean skip_keystrokes;

static const GOptionEntry entries[] = {
  { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache_path, "Cache to measure on", "FILE" },
  { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Repetitions of each measurement", "N" },
  { "customers", 0, 0, G_OPTION_ARG_INT, &n_customers, "Demo customers to seed a missing cache with", "N" },
  { "skip-keystrokes", 0, 0, G_OPTION_ARG_NONE, &skip_keystrokes, "Skip the search measurement", NULL },
  { "child-app", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child_app, NULL, NULL },
  { "child-bare", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child_bare, NULL, NULL },
  { NULL }
};

/* Statistics */

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *samples_ms)
{
  double median, p99, first;
  guint n = samples_ms->len;

  /* The first of a kind pays for what the process does once (icons,
   * styles, pages never read): worth telling apart from the rest */
  first = g_array_index (samples_ms, double, 0);
  g_array_sort (samples_ms, cmp_double);
  median = n % 2 ? g_array_index (samples_ms, double, n / 2)
                 : (g_array_index (samples_ms, double, n / 2 - 1) + g_array_index (samples_ms, double, n / 2)) / 2;
  /* Nearest rank */
  p99 = g_array_index (samples_ms, double, MIN (n - 1, (guint) ((n * 99 + 99) / 100) - 1));
  printf ("%-48s n=%-5u median=%8.1f ms  p99=%8.1f ms  max=%8.1f ms  first=%8.1f ms\n",
          what, n, median, p99, g_array_index (samples_ms, double, n - 1), first);
  fflush (stdout);
}

/* The @top slowest of @samples_ms, with what each was for: the p99 is
 * theirs to explain */
static void
print_slowest (GArray    *samples_ms,
               GPtrArray *what,
               guint      top)
{
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < samples_ms->len; i++)
    g_array_append_val (order, i);
  for (guint n = 0; n < MIN (top, order->len); n++)
    {
      guint *slot = &g_array_index (order, guint, n);

      for (guint j = n + 1; j < order->len; j++)
        if (g_array_index (samples_ms, double, g_array_index (order, guint, j)) >
            g_array_index (samples_ms, double, *slot))
          {
            guint swap = *slot;
            *slot = g_array_index (order, guint, j);
            g_array_index (order, guint, j) = swap;
          }
      printf ("%-48s %8.1f ms  \"%s\" (#%u)\n", n == 0 ? "  slowest" : "",
              g_array_index (samples_ms, double, *slot),
              (const char *) g_ptr_array_index (what, *slot), *slot + 1);
    }
}

/* Waiting */

static void
set_true (gpointer flag)
{
  *(gboolean *) flag = TRUE;
}

static void
wait_for (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       flag)
{
  *(gboolean *) flag = TRUE;
}

static void
wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);

  wait_for (&painted);
  g_signal_handler_disconnect (clock, id);
}

static void
idle_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_true, &done);
  wait_for (&done);
}

static void
search_finished_cb (RpWindow *window,
                    guint     n,
                    gpointer  flag)
{
  *(gboolean *) flag = TRUE;
}

/* When the view last said its card and first rows were read */
static gint64 loaded_at;

static void
loaded_cb (RpCustomerView *view,
           gpointer        flag)
{
  loaded_at = g_get_monotonic_time ();
  *(gboolean *) flag = TRUE;
}

typedef struct
{
  RpCache   *cache;
  GPtrArray *batch;
  guint      customers;
} Seed;

static gboolean
seed_flush (Seed    *seed,
            GError **error)
{
  RpApplyStats stats = { 0 };
  gboolean ok = TRUE;

  if (seed->batch->len > 0)
    ok = rp_cache_apply (seed->cache, (JsonNode *const *) seed->batch->pdata, seed->batch->len,
                         NULL, NULL, NULL, NULL, &stats, error);
  g_ptr_array_set_size (seed->batch, 0);
  return ok;
}

static gboolean
seed_emit (JsonNode  *doc,
           gpointer   user_data,
           GError   **error)
{
  Seed *seed = user_data;

  if (g_strcmp0 (rp_json_string (json_node_get_object (doc), "type"), "customer") == 0 &&
      ++seed->customers % 50000 == 0)
    {
      printf ("  %u customers\n", seed->customers);
      fflush (stdout);
    }
  g_ptr_array_add (seed->batch, json_node_copy (doc));
  return seed->batch->len < 5000 || seed_flush (seed, error);
}

static void
seed_cache (RpCache *cache)
{
  RpDemoOptions options;
  Seed seed = { cache, g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref), 0 };
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  rp_demo_options_init (&options);
  options.n_customers = n_customers;
  printf ("seeding %d demo customers\n", n_customers);
  if (!rp_demo_generate (&options, seed_emit, &seed, &error) || !seed_flush (&seed, &error))
    g_error ("Cannot seed: %s", error->message);
  g_ptr_array_unref (seed.batch);
  printf ("seeded in %.0f s\n", (g_get_monotonic_time () - t0) / 1e6);
}

/* A customer with HEAVY_N events, the same every run */
static void
ensure_heavy_customer (RpCache *cache)
{
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  static const char *types[] = { "interaction", "order", "interaction", "note" };
  RpApplyStats stats = { 0 };

  if (rp_cache_has_customer (cache, HEAVY_ID, NULL))
    return;

  for (guint i = 0; i <= HEAVY_N; i++)
    {
      g_autofree char *json = NULL;
      g_autofree char *at = rp_format_timestamp (now - (gint64) i * 5 * G_TIME_SPAN_HOUR);

      if (i == 0)
        json = g_strdup_printf ("{\"_id\":\"%s\",\"type\":\"customer\",\"schema\":1,\"at\":\"%s\","
                                "\"name\":{\"family\":\"Benchmark\",\"given\":\"Heavy\"},"
                                "\"emails\":[\"heavy@example.org\"],\"phones\":[],\"language\":\"en\","
                                "\"preferred_channel\":\"email\",\"tier\":\"gold\",\"member_since\":\"2015-01-01\","
                                "\"lifetime_value\":{\"amount\":12345600,\"currency\":\"JPY\"},"
                                "\"branch\":\"tokyo\",\"tags\":[]}", HEAVY_ID, at);
      else if (g_str_equal (types[i % 4], "order"))
        json = g_strdup_printf ("{\"_id\":\"order:BENCH-%06u\",\"type\":\"order\",\"schema\":1,\"at\":\"%s\","
                                "\"customer_id\":\"%s\",\"number\":\"BENCH-%06u\",\"channel\":\"web\","
                                "\"status\":\"delivered\",\"currency\":\"JPY\",\"total\":3200,"
                                "\"items\":[{\"sku\":\"S\",\"name\":\"Tea\",\"quantity\":2,\"unit_price\":1600}]}",
                                i, at, HEAVY_ID, i);
      else
        json = g_strdup_printf ("{\"_id\":\"%s:b0000000-0000-4000-9000-%012u\",\"type\":\"%s\",\"schema\":1,"
                                "\"at\":\"%s\",\"customer_id\":\"%s\",\"channel\":\"chat\",\"direction\":\"inbound\","
                                "\"agent\":\"bench\",\"summary\":\"Question %u\",\"body\":\"Body %u\","
                                "\"author\":\"bench\",\"pinned\":false}",
                                types[i % 4], i, types[i % 4], at, HEAVY_ID, i, i);
      g_ptr_array_add (docs, json_from_string (json, NULL));
    }

  if (!rp_cache_apply (cache, (JsonNode *const *) docs->pdata, docs->len,
                       NULL, NULL, NULL, NULL, &stats, &error))
    g_error ("Cannot add the heavy customer: %s", error->message);
}

/* VmRSS, or one of its parts: RssAnon, RssFile, RssShmem */
static double
status_mb (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat (field, ":", NULL);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, key);
  return line ? g_ascii_strtod (line + strlen (key), NULL) / 1024.0 : -1;
}

static double
rss_mb (void)
{
  return status_mb ("VmRSS");
}

typedef struct
{
  char  *name;
  gint64 rss_kb;
} Mapping;

static int
cmp_mapping (gconstpointer a,
             gconstpointer b)
{
  const Mapping *x = a, *y = b;
  return (y->rss_kb > x->rss_kb) - (y->rss_kb < x->rss_kb);
}

/* The resident memory of each file, and of anonymous memory, largest first */
static void
print_mappings (guint top)
{
  g_autofree char *smaps = NULL;
  g_autoptr(GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Mapping));
  g_auto(GStrv) lines = NULL;
  const char *current = "[anonymous]";
  GHashTableIter iter;
  gpointer key, value;

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      const char *dash = strchr (line, '-'), *space = strchr (line, ' ');

      if (g_ascii_isxdigit (line[0]) && dash && space && dash < space)
        {
          /* "start-end perms offset dev inode   path": the path is the sixth field */
          const char *p = line;

          for (int field = 0; field < 5 && p; field++)
            p = strchr (p, ' ') ? strchr (p, ' ') + 1 : NULL;
          while (p && *p == ' ')
            p++;
          current = p && *p ? p : "[anonymous]";
          if (!g_hash_table_contains (by_name, current))
            g_hash_table_insert (by_name, g_strdup (current), GINT_TO_POINTER (0));
        }
      else if (g_str_has_prefix (line, "Rss:"))
        {
          gint64 kb = g_ascii_strtoll (line + 4, NULL, 10);
          gint64 sum = GPOINTER_TO_INT (g_hash_table_lookup (by_name, current)) + kb;

          g_hash_table_insert (by_name, g_strdup (current), GINT_TO_POINTER ((int) sum));
        }
    }

  g_hash_table_iter_init (&iter, by_name);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_array_append_val (rows, ((Mapping) { key, GPOINTER_TO_INT (value) }));
  g_array_sort (rows, cmp_mapping);
  for (guint i = 0; i < MIN (top, rows->len); i++)
    {
      Mapping *m = &g_array_index (rows, Mapping, i);
      const char *base = strrchr (m->name, '/');

      printf ("%-48s %6.1f MB  %s\n", i == 0 ? "  largest mappings" : "",
              m->rss_kb / 1024.0, base ? base + 1 : m->name);
    }
}

/* Child processes for the start-up measurement: print when the first
 * frame is painted, then leave at once */

static void
child_painted_cb (GdkFrameClock *clock,
                  gpointer       user_data)
{
  printf ("painted\n");
  fflush (stdout);
  _exit (0);
}

static void
child_realized_cb (GtkWidget *window,
                   gpointer   user_data)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (child_painted_cb), NULL);
}

static void
child_window_added_cb (GtkApplication *app,
                       GtkWindow      *window,
                       gpointer        user_data)
{
  g_signal_connect (window, "realize", G_CALLBACK (child_realized_cb), NULL);
}

static void
bare_activate_cb (GtkApplication *app,
                  gpointer        user_data)
{
  GtkWidget *window = adw_application_window_new (app);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), gtk_label_new ("Rapport"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_child (void)
{
  g_autoptr(GtkApplication) app = NULL;
  char *args[] = { (char *) "bench-app", NULL };

  if (child_app)
    app = GTK_APPLICATION (rp_application_new ());
  else
    {
      app = GTK_APPLICATION (adw_application_new ("dev.rapport.Rapport.Bare", G_APPLICATION_DEFAULT_FLAGS));
      g_signal_connect (app, "activate", G_CALLBACK (bare_activate_cb), NULL);
    }
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (child_window_added_cb), NULL);

  return g_application_run (G_APPLICATION (app), 1, args);
}

static double
spawn_until_painted (const char *self_path,
                     const char *mode)
{
  const char *argv[] = { self_path, mode, NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  gint64 t0 = g_get_monotonic_time ();
  double ms;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (proc == NULL)
    g_error ("Cannot start %s: %s", self_path, error->message);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  if (g_strcmp0 (line, "painted") != 0)
    g_error ("%s %s did not paint", self_path, mode);
  g_subprocess_wait (proc, NULL, NULL);

  return ms;
}

int
main (int   argc,
      char *argv[])
{
  static const char *queries[] = {
    "sato", "yamada", "tanaka", "suzuki", "takahashi", "smith", "さとう", "やまだ",
    "090", "example", "T-10", "nakamura", "kobayashi", "watanabe", "ito",
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) keystroke = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) typed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) select_heavy = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) heavy_read = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) heavy_paint = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) start_app = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) start_bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RpApplication) app = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autofree char *self_path = NULL;
  RpWindow *window;
  RpCustomerView *view;
  gulong search_id, loaded_id;
  gboolean flag;
  gint64 t0;
  double median_app, median_bare;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (child_app || child_bare)
    return run_child ();

  if (n_customers < 0)
    n_customers = g_getenv ("RAPPORT_BENCH_CUSTOMERS") ? atoi (g_getenv ("RAPPORT_BENCH_CUSTOMERS")) : 1000000;

  if (cache_path == NULL)
    {
      g_printerr ("Usage: bench-app --cache FILE [--iterations N]\n");
      return 1;
    }

  g_setenv ("RAPPORT_CACHE", cache_path, TRUE);
  gtk_init ();
  adw_init ();

  /* Seeding and counting go through a cache handle of their own, closed
   * before the window opens its own: counting a million customers fills a
   * reader's page cache, which the agent's window never would */
  {
    gboolean fresh = !g_file_test (cache_path, G_FILE_TEST_EXISTS);
    g_autoptr(RpCache) setup = rp_cache_open (cache_path, &error);

    if (setup == NULL)
      g_error ("%s", error->message);
    if (fresh)
      seed_cache (setup);
    ensure_heavy_customer (setup);
    printf ("cache: %s, %" G_GINT64_FORMAT " customers, renderer %s\n",
            cache_path, rp_cache_count_customers (setup), g_getenv ("GSK_RENDERER") ?: "default");
  }
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  cache = rp_cache_open (cache_path, &error);
  if (cache == NULL)
    g_error ("%s", error->message);

  app = rp_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  window = rp_window_new (GTK_APPLICATION (app), cache);
  view = rp_window_get_customer_view (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  wait_painted (GTK_WIDGET (window));
  printf ("%-48s %.1f MB\n", "RSS with the window shown", rss_mb ());

  /* 1. Keystroke to results painted, one keystroke at a time */
  search_id = g_signal_connect (window, "search-finished", G_CALLBACK (search_finished_cb), &flag);
  for (int round = 0; round < (skip_keystrokes ? 0 : MAX (1, iterations / 10)); round++)
    for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
      {
        const char *query = queries[q];
        glong len = g_utf8_strlen (query, -1);

        for (glong i = 1; i <= len; i++)
          {
            g_autofree char *prefix = g_utf8_substring (query, 0, i);

            flag = FALSE;
            t0 = g_get_monotonic_time ();
            rp_window_search (window, prefix);
            wait_for (&flag);
            wait_painted (GTK_WIDGET (window));
            g_array_append_val (keystroke, *(double[]) { (g_get_monotonic_time () - t0) / 1000.0 });
            g_ptr_array_add (typed, g_steal_pointer (&prefix));
          }

        /* Remember some customers for the memory measurement */
        if (others->len < 9)
          {
            GtkListBoxRow *row = gtk_list_box_get_row_at_index (rp_window_get_results_list (window), 0);
            if (row)
              g_ptr_array_add (others, g_strdup (rp_search_row_get_customer_id (RP_SEARCH_ROW (row))));
          }
      }
  g_signal_handler_disconnect (window, search_id);
  if (keystroke->len > 0)
    {
      print_slowest (keystroke, typed, 5);
      report ("keystroke to results painted", keystroke);
    }

  /* 2. Selecting a 5 000-event customer, alternating with a small one */
  loaded_id = g_signal_connect (view, "loaded", G_CALLBACK (loaded_cb), &flag);
  for (int i = 0; i < iterations; i++)
    {
      flag = FALSE;
      t0 = g_get_monotonic_time ();
      rp_window_open_customer (window, HEAVY_ID);
      wait_for (&flag);
      wait_painted (GTK_WIDGET (window));
      g_array_append_val (select_heavy, *(double[]) { (g_get_monotonic_time () - t0) / 1000.0 });
      g_array_append_val (heavy_read, *(double[]) { (loaded_at - t0) / 1000.0 });
      g_array_append_val (heavy_paint, *(double[]) { (g_get_monotonic_time () - loaded_at) / 1000.0 });

      if (others->len > 0)
        {
          flag = FALSE;
          rp_window_open_customer (window, g_ptr_array_index (others, i % others->len));
          wait_for (&flag);
          wait_painted (GTK_WIDGET (window));
        }
    }
  report ("select 5000-event customer to card+rows painted", select_heavy);
  /* Where that goes: the workers' reads and the rows built in the frame
   * that shows them, then the layout and paint after */
  report ("  of which to card and rows read and built", heavy_read);
  report ("  of which laid out and painted", heavy_paint);

  /* 3. Memory after ten customers, the heavy one among them */
  for (guint i = 0; i < others->len; i++)
    {
      flag = FALSE;
      rp_window_open_customer (window, g_ptr_array_index (others, i));
      wait_for (&flag);
      wait_painted (GTK_WIDGET (window));
    }
  flag = FALSE;
  rp_window_open_customer (window, HEAVY_ID);
  wait_for (&flag);
  wait_painted (GTK_WIDGET (window));
  g_signal_handler_disconnect (view, loaded_id);
  idle_ms (1000);
  printf ("%-48s %.1f MB (%u customers opened)\n", "idle RSS after opening customers",
          rss_mb (), others->len + 1);
  {
    struct mallinfo2 mi = mallinfo2 ();

    /* Where it is: SQLite's own heap (page caches), and malloc's */
    printf ("%-48s anonymous %.1f MB, files %.1f MB, shared %.1f MB\n", "  of which",
            status_mb ("RssAnon"), status_mb ("RssFile"), status_mb ("RssShmem"));
    printf ("%-48s SQLite %.1f MB, malloc in use %.1f MB, malloc free %.1f MB\n", "  heap",
            sqlite3_memory_used () / 1048576.0, mi.uordblks / 1048576.0, mi.fordblks / 1048576.0);
    print_mappings (10);
  }

  gtk_window_destroy (GTK_WINDOW (window));

  /* 4. Start to first frame, warm: the first run of each is not counted */
  self_path = g_file_read_link ("/proc/self/exe", NULL);
  spawn_until_painted (self_path, "--child-app");
  spawn_until_painted (self_path, "--child-bare");
  for (int i = 0; i < MAX (5, iterations / 2); i++)
    {
      g_array_append_val (start_app, *(double[]) { spawn_until_painted (self_path, "--child-app") });
      g_array_append_val (start_bare, *(double[]) { spawn_until_painted (self_path, "--child-bare") });
    }
  report ("start to first frame, Rapport", start_app);
  report ("start to first frame, bare AdwApplicationWindow", start_bare);
  median_app = g_array_index (start_app, double, start_app->len / 2);
  median_bare = g_array_index (start_bare, double, start_bare->len / 2);
  printf ("%-48s %.2f\n", "start-up ratio (medians)", median_app / median_bare);

  return 0;
}
