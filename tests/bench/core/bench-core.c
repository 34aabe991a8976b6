/* bench-core.c: bulk load, search and timeline at a million customers
 *
 * Run on demand (not in CI):
 *   _build/tests/bench/core/bench-core --customers 1000000 --dir /var/tmp
 *
 * Prints a Markdown table of medians and p99s and the ratio of the cache's
 * bulk load rate to a plain-table ceiling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "rp-cache.h"
#include "rp-demo.h"
#include "rp-doc.h"
#include "rp-import.h"

static int n_customers = 1000000;
static int n_queries = 500;
static int seed = 7;
static char *work_dir = NULL;
static gboolean keep = FALSE;
static gboolean search_only = FALSE;
static int passes = 1;

static GOptionEntry entries[] = {
  { "customers", 0, 0, G_OPTION_ARG_INT, &n_customers, "Customers to generate (default 1 000 000)", "N" },
  { "queries", 0, 0, G_OPTION_ARG_INT, &n_queries, "Queries of each kind (default 500)", "N" },
  { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Demo data seed", "S" },
  { "dir", 0, 0, G_OPTION_ARG_FILENAME, &work_dir, "Where to put the files (default: a temporary folder)", "DIR" },
  { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the generated files", NULL },
  { "search-only", 0, 0, G_OPTION_ARG_NONE, &search_only,
    "Only the reads, on the cache a --keep run left in --dir", NULL },
  { "passes", 0, 0, G_OPTION_ARG_INT, &passes,
    "Times to run the reads over the same sample (default 1: the first, coldest)", "N" },
  { NULL }
};

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static long
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
percentiles (GArray *ms,
             double *p50,
             double *p99)
{
  g_array_sort (ms, compare_double);
  *p50 = g_array_index (ms, double, ms->len / 2);
  *p99 = g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.99)));
}

/* Generation: the demo documents as NDJSON */

typedef struct
{
  FILE    *out;
  GString *line;
  guint64  docs;
  guint64  events;
} Writer;

static gboolean
write_doc (JsonNode  *doc,
           gpointer   user_data,
           GError   **error)
{
  Writer *w = user_data;
  const char *type = rp_json_string (json_node_get_object (doc), "type");

  g_string_truncate (w->line, 0);
  rp_json_append (w->line, doc, FALSE);
  g_string_append_c (w->line, '\n');
  fwrite (w->line->str, 1, w->line->len, w->out);
  w->docs++;
  if (rp_doc_type_kind (rp_doc_type_from_string (type)) != 0)
    w->events++;
  return TRUE;
}

/* When the last batch was applied: what follows is the deferred index builds */
static void
batch_done_cb (guint64  bytes_done,
               guint64  bytes_total,
               guint64  docs_done,
               gpointer user_data)
{
  *(double *) user_data = now_s ();
}

/* A database file and the journals beside it */
static void
remove_database (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* The ceiling: the same bodies into one plain table, same pragmas, same
 * batches, through the WAL or through the rollback journal a command-line
 * load writes with */
static double
plain_table_rate (const char *ndjson,
                  const char *db_path,
                  const char *journal_mode,
                  guint64     docs)
{
  g_autofree char *setup = g_strdup_printf ("PRAGMA journal_mode = %s; PRAGMA synchronous = NORMAL;"
                                            "CREATE TABLE plain (body TEXT NOT NULL);", journal_mode);
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (ndjson, FALSE, NULL);
  const char *data = g_mapped_file_get_contents (mapped);
  gsize len = g_mapped_file_get_length (mapped);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint in_batch = 0;
  double t0;

  sqlite3_open (db_path, &db);
  sqlite3_exec (db, setup, NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO plain (body) VALUES (?1)", -1, &stmt, NULL);

  t0 = now_s ();
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  for (gsize pos = 0; pos < len;)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize end = nl ? (gsize) (nl - data) : len;

      sqlite3_bind_text (stmt, 1, data + pos, end - pos, SQLITE_STATIC);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
      pos = end + 1;
      if (++in_batch == RP_IMPORT_BATCH)
        {
          sqlite3_exec (db, "COMMIT; BEGIN", NULL, NULL, NULL);
          in_batch = 0;
        }
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  t0 = now_s () - t0;

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  remove_database (db_path);
  sync ();
  return docs / t0;
}

/* Queries drawn from real customers of the cache */

typedef enum { Q_KANJI, Q_KANA, Q_LATIN, Q_EMAIL, Q_PHONE, Q_ORDER, Q_TICKET, N_QUERY_KINDS } QueryKind;
static const char *query_kind_names[] = {
  "name (kanji)", "name (kana)", "name (Latin)", "e-mail prefix", "phone (national, dashed)",
  "order number", "ticket number prefix",
};

static GPtrArray *
sample_queries (const char *db_path,
                QueryKind   kind,
                guint       n)
{
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (kind + 1);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *sql;

  /* "+type": walk the table from a random row to the next of the type,
   * rather than the type index, whose rows for a type are in time order
   * and would all be read and sorted for each sample */
  switch (kind)
    {
    case Q_ORDER:
      sql = "SELECT body FROM docs WHERE +type = 'order' AND rowid >= ?1 ORDER BY rowid LIMIT 1";
      break;
    case Q_TICKET:
      sql = "SELECT body FROM docs WHERE +type = 'ticket' AND rowid >= ?1 ORDER BY rowid LIMIT 1";
      break;
    default:
      sql = "SELECT body FROM docs WHERE +type = 'customer' AND rowid >= ?1 ORDER BY rowid LIMIT 1";
    }

  sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL);
  sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  {
    sqlite3_stmt *max = NULL;
    gint64 max_rowid = 1;
    guint attempts = 0;

    sqlite3_prepare_v2 (db, "SELECT max(rowid) FROM docs", -1, &max, NULL);
    if (sqlite3_step (max) == SQLITE_ROW)
      max_rowid = sqlite3_column_int64 (max, 0);
    sqlite3_finalize (max);

    while (queries->len < n && attempts++ < n * 50)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        JsonObject *doc, *name;
        const char *text = NULL;
        char *query = NULL;

        sqlite3_bind_int64 (stmt, 1, g_rand_int_range (rand, 1, (gint32) MIN (max_rowid, G_MAXINT32)));
        if (sqlite3_step (stmt) != SQLITE_ROW ||
            !json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 0), -1, NULL))
          {
            sqlite3_reset (stmt);
            continue;
          }
        sqlite3_reset (stmt);
        doc = json_node_get_object (json_parser_get_root (parser));

        switch (kind)
          {
          case Q_KANJI:
          case Q_LATIN:
            name = json_object_get_object_member (doc, "name");
            text = rp_json_string (name, "family");
            if (text && ((kind == Q_KANJI) == ((guchar) text[0] >= 0x80)))
              query = g_strdup (text);
            break;
          case Q_KANA:
            if (json_object_has_member (doc, "kana"))
              {
                name = json_object_get_object_member (doc, "kana");
                text = rp_json_string (name, "family");
                if (text)
                  query = g_strdup (text);
              }
            break;
          case Q_EMAIL:
            if (json_array_get_length (json_object_get_array_member (doc, "emails")) > 0)
              query = g_utf8_substring (json_array_get_string_element (json_object_get_array_member (doc, "emails"), 0), 0, 6);
            break;
          case Q_PHONE:
            if (json_array_get_length (json_object_get_array_member (doc, "phones")) > 0)
              {
                const char *e164 = json_array_get_string_element (json_object_get_array_member (doc, "phones"), 0);
                if (g_str_has_prefix (e164, "+81") && strlen (e164) == 13)
                  query = g_strdup_printf ("0%.2s-%.4s-%.4s", e164 + 3, e164 + 5, e164 + 9);
                else if (g_str_has_prefix (e164, "+1") && strlen (e164) == 12)
                  query = g_strdup_printf ("(%.3s) %.3s-%.4s", e164 + 2, e164 + 5, e164 + 8);
              }
            break;
          case Q_ORDER:
            query = g_strdup (rp_json_string (doc, "number"));
            break;
          case Q_TICKET:
            text = rp_json_string (doc, "number");
            if (text && strlen (text) > 4)
              query = g_strndup (text, strlen (text) - 2);
            break;
          case N_QUERY_KINDS:
          default:
            break;
          }
        if (query)
          g_ptr_array_add (queries, query);
      }
  }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return queries;
}

static GPtrArray *
heavy_customers (const char *db_path)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL);
  sqlite3_prepare_v2 (db,
                      "SELECT c.id FROM (SELECT cust, count(*) AS n FROM docs WHERE cust IS NOT NULL"
                      " GROUP BY cust HAVING n >= 5000) h JOIN customers c ON c.cid = h.cust",
                      -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ids;
}

static gint64
file_size (const char *path)
{
  struct stat st;
  return g_stat (path, &st) == 0 ? st.st_size : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— Rapport cache benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(GPtrArray) heavy = NULL;
  g_autofree char *ndjson = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *plain_path = NULL;
  RpDemoOptions options;
  RpApplyStats stats = { 0 };
  Writer w = { 0 };
  double t, gen_rate, load_rate, ceiling, ceiling_wal, ceiling_journal, last_batch, end_phase;
  double p50, p99;
  GPtrArray *samples[N_QUERY_KINDS] = { NULL };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (work_dir == NULL)
    work_dir = g_dir_make_tmp ("rapport-bench-XXXXXX", NULL);
  g_mkdir_with_parents (work_dir, 0700);
  ndjson = g_build_filename (work_dir, "demo.ndjson", NULL);
  cache_path = g_build_filename (work_dir, "cache.db", NULL);
  plain_path = g_build_filename (work_dir, "plain.db", NULL);
  if (search_only)
    {
      if (!g_file_test (cache_path, G_FILE_TEST_EXISTS))
        {
          g_printerr ("No cache in %s: run once with --keep first\n", work_dir);
          return 1;
        }
      keep = TRUE;
      cache = rp_cache_open (cache_path, &error);
      g_assert_no_error (error);
      printf ("\n| measure | value |\n|---|---|\n");
      goto reads;
    }

  remove_database (cache_path);
  remove_database (plain_path);

  /* 1. Generate */
  rp_demo_options_init (&options);
  options.n_customers = n_customers;
  options.seed = seed;
  options.now_usec = G_GINT64_CONSTANT (1795420800) * G_USEC_PER_SEC;  /* 2026-11-23T08:00:00Z */
  w.out = fopen (ndjson, "w");
  w.line = g_string_sized_new (4096);
  t = now_s ();
  if (!rp_demo_generate (&options, write_doc, &w, &error))
    g_error ("%s", error->message);
  fclose (w.out);
  t = now_s () - t;
  /* Each phase starts with the disk's writeback of the one before done */
  sync ();
  gen_rate = w.docs / t;
  g_printerr ("generated %" G_GUINT64_FORMAT " documents (%" G_GUINT64_FORMAT " events) in %.1f s\n",
              w.docs, w.events, t);

  /* 2. The ceiling */
  ceiling_wal = plain_table_rate (ndjson, plain_path, "WAL", w.docs);
  ceiling_journal = plain_table_rate (ndjson, plain_path, "DELETE", w.docs);
  ceiling = MAX (ceiling_wal, ceiling_journal);
  g_printerr ("plain table: %.0f documents/s through the WAL, %.0f through a rollback journal\n",
              ceiling_wal, ceiling_journal);

  /* 3. The real load: parse, validate, index, fold */
  cache = rp_cache_open (cache_path, &error);
  g_assert_no_error (error);
  t = now_s ();
  last_batch = t;
  if (!rp_import_file (cache, ndjson, NULL, batch_done_cb, &last_batch, &stats, &error))
    g_error ("%s", error->message);
  end_phase = now_s () - last_batch;
  t = now_s () - t;
  load_rate = stats.inserted / t;
  g_printerr ("cache: %u documents in %.1f s (%.0f/s): applying %.1f s (%.0f/s), "
              "then indexes and search index %.1f s\n", stats.inserted, t, load_rate,
              t - end_phase, stats.inserted / (t - end_phase), end_phase);

  printf ("\n| measure | value |\n|---|---|\n");
  printf ("| customers / documents / events | %d / %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT " |\n",
           n_customers, w.docs, w.events);
  printf ("| demo generation | %.0f documents/s |\n", gen_rate);
  printf ("| plain-table ceiling (WAL / rollback journal) | %.0f / %.0f documents/s |\n",
          ceiling_wal, ceiling_journal);
  printf ("| bulk load into the cache (validated, indexed, folded) | %.0f documents/s (%.2f × ceiling) |\n",
           load_rate, load_rate / ceiling);
  printf ("| of which applying / building indexes at the end | %.1f s / %.1f s |\n",
           t - end_phase, end_phase);

reads:
  /* 4. Search: every kind of query an agent types; later passes run the
   * same queries again, as on a desktop whose files stay in memory */
  for (int pass = 1; pass <= MAX (passes, 1); pass++)
  for (QueryKind k = 0; k < N_QUERY_KINDS; k++)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      GPtrArray *queries;
      guint found = 0;

      if (samples[k] == NULL)
        samples[k] = sample_queries (cache_path, k, n_queries);
      queries = samples[k];

      for (guint i = 0; i < queries->len; i++)
        {
          g_autoptr(GPtrArray) hits = NULL;
          double t0 = now_s (), dt;

          hits = rp_cache_search (cache, g_ptr_array_index (queries, i), 20, &error);
          dt = (now_s () - t0) * 1000;
          g_assert_no_error (error);
          g_array_append_val (ms, dt);
          found += hits->len > 0;
        }
      if (ms->len == 0)
        continue;
      percentiles (ms, &p50, &p99);
      printf ("| search, %s (%u queries, %u found%s) | p50 %.2f ms, p99 %.2f ms |\n",
               query_kind_names[k], ms->len, found, pass > 1 ? ", again" : "", p50, p99);
    }

  /* 5. The first page of a heavy customer's timeline */
  heavy = heavy_customers (cache_path);
  if (heavy->len > 0)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

      for (int i = 0; i < n_queries; i++)
        {
          g_autoptr(GPtrArray) page = NULL;
          double t0 = now_s (), dt;

          page = rp_cache_timeline (cache, g_ptr_array_index (heavy, i % heavy->len), RP_KIND_ALL,
                                    NULL, NULL, 200, &error);
          dt = (now_s () - t0) * 1000;
          g_assert_no_error (error);
          g_assert_cmpuint (page->len, ==, 200);
          g_array_append_val (ms, dt);
        }
      percentiles (ms, &p50, &p99);
      printf ("| timeline, first 200 events of a ≥ 5 000-event customer | p50 %.2f ms, p99 %.2f ms |\n",
               p50, p99);

      g_array_set_size (ms, 0);
      for (int i = 0; i < n_queries / 5; i++)
        {
          g_autoptr(JsonObject) card = NULL;
          double t0 = now_s (), dt;

          card = rp_cache_show (cache, g_ptr_array_index (heavy, i % heavy->len), 0, &error);
          dt = (now_s () - t0) * 1000;
          g_assert_no_error (error);
          g_array_append_val (ms, dt);
        }
      percentiles (ms, &p50, &p99);
      printf ("| context card of a ≥ 5 000-event customer | p50 %.2f ms, p99 %.2f ms |\n", p50, p99);
    }

  g_clear_object (&cache);
  for (QueryKind k = 0; k < N_QUERY_KINDS; k++)
    g_clear_pointer (&samples[k], g_ptr_array_unref);
  if (!search_only)
    {
      g_autofree char *wal = g_strconcat (cache_path, "-wal", NULL);
      gint64 size = file_size (cache_path) + file_size (wal);

      printf ("| cache file size | %.1f MiB, %.0f bytes per document |\n",
               size / 1048576.0, (double) size / w.docs);
    }
  printf ("| peak RSS | %ld MiB |\n", peak_rss_mb ());

  if (!keep)
    {
      g_unlink (ndjson);
      remove_database (cache_path);
      remove_database (plain_path);
    }
  return 0;
}
