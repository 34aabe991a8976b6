/* test-import.c: the three file layouts and what goes wrong with files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "rp-cache.h"
#include "rp-import.h"
#include "test-util.h"

#define NOTE(n) "{\"_id\":\"note:" #n "\",\"type\":\"note\",\"schema\":1,\"at\":\"2026-11-01T00:00:00Z\"," \
                "\"customer_id\":\"" C1 "\",\"body\":\"b, [x] {y} \\\"z\\\"\"}"

typedef struct
{
  char    *dir;
  RpCache *cache;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *path = NULL;

  f->dir = test_make_dir ();
  path = g_build_filename (f->dir, "cache.db", NULL);
  f->cache = rp_cache_open (path, NULL);
  g_assert_nonnull (f->cache);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->cache);
  test_remove_dir (f->dir);
  g_free (f->dir);
}

static gboolean
import_text (Fixture       *f,
             const char    *text,
             RpApplyStats  *stats,
             GError       **error)
{
  g_autofree char *file = g_build_filename (f->dir, "input.json", NULL);

  memset (stats, 0, sizeof *stats);
  g_assert_true (g_file_set_contents (file, text, -1, NULL));
  return rp_import_file (f->cache, file, NULL, NULL, NULL, stats, error);
}

static void
test_layouts (Fixture       *f,
              gconstpointer  data)
{
  const char *inputs[] = {
    "[" NOTE (1) "," NOTE (2) "," NOTE (3) "]",
    "\xef\xbb\xbf  [\n" NOTE (1) ",\n" NOTE (2) ",\n" NOTE (3) "\n]\n",
    "{\"docs\": [" NOTE (1) "," NOTE (2) "," NOTE (3) "]}",
    "{\"docs\":[\n" NOTE (1) ",\n" NOTE (2) ",\n" NOTE (3) "\n]}\n",
    NOTE (1) "\n" NOTE (2) "\n\n" NOTE (3) "\n",
    NOTE (1) "\n" NOTE (2) "\n" NOTE (3),
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      RpApplyStats stats;

      test_apply (f->cache, "[{\"_id\":\"note:1\",\"_deleted\":true},{\"_id\":\"note:2\",\"_deleted\":true},"
                            "{\"_id\":\"note:3\",\"_deleted\":true}]");
      g_assert_true (import_text (f, inputs[i], &stats, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (stats.inserted, ==, 3);
      g_assert_cmpuint (stats.skipped, ==, 0);
    }
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = NULL;
  RpApplyStats stats;

  g_assert_false (import_text (f, "[" NOTE (1) "," NOTE (2) ",{\"_id\":\"note:3\",\"type\":\"no", &stats, &error));
  g_assert_error (error, RP_ERROR, RP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "middle"));
  g_clear_error (&error);
  /* What came before the cut was loaded */
  g_assert_cmpuint (stats.inserted, ==, 2);
  first = rp_cache_get_document (f->cache, "note:1", &error);
  g_assert_no_error (error);
}

static void
test_broken_lines (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RpApplyStats stats;

  g_assert_true (import_text (f, NOTE (1) "\n{\"_id\":\"note:2\", \"body\": \"oops\n" NOTE (3) "\nnot json\n", &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, 2);
  g_assert_cmpuint (stats.skipped, ==, 2);
}

static void
test_missing_and_empty (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RpApplyStats stats = { 0 };
  g_autofree char *missing = g_build_filename (f->dir, "missing.json", NULL);

  g_assert_false (rp_import_file (f->cache, missing, NULL, NULL, NULL, &stats, &error));
  g_assert_error (error, RP_ERROR, RP_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (import_text (f, "", &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, 0);

  g_assert_true (import_text (f, "[]", &stats, &error));
  g_assert_no_error (error);
}

static void
test_large_batches (Fixture       *f,
                    gconstpointer  data)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  RpApplyStats stats;
  const guint n = RP_IMPORT_BATCH * 2 + 17;

  /* Several batches through the parser thread; every document arrives once */
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "{\"_id\":\"note:%u\",\"type\":\"note\",\"schema\":1,"
                                  "\"at\":\"2026-11-01T00:00:00Z\",\"customer_id\":\"" C1 "\","
                                  "\"body\":\"%u\"}\n", i, i);
  g_assert_true (import_text (f, text->str, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, n);
  g_string_free (text, TRUE);
}

#define CUSTOMER(family, email, phone) \
  "{\"_id\":\"" C1 "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\"," \
  "\"name\":{\"family\":\"" family "\",\"given\":\"Rin\"},\"emails\":[\"" email "\"]," \
  "\"phones\":[\"" phone "\"]}\n"

static guint
hits_for (Fixture    *f,
          const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = rp_cache_search (f->cache, query, 10, &error);

  g_assert_no_error (error);
  return hits->len;
}

static void
test_same_document_twice (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RpApplyStats stats;

  /* A first load inserts without looking: the second version of a
   * document must still replace the first, search keys and all */
  g_assert_true (import_text (f, CUSTOMER ("Okada", "rin.okada@example.com", "+819012345678")
                                 NOTE (1) "\n"
                                 CUSTOMER ("Morimoto", "rin.m@example.org", "+819087654321"),
                              &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, 2);
  g_assert_cmpuint (stats.updated, ==, 1);

  g_assert_cmpuint (hits_for (f, "okada"), ==, 0);
  g_assert_cmpuint (hits_for (f, "rin.okada"), ==, 0);
  g_assert_cmpuint (hits_for (f, "090-1234-5678"), ==, 0);
  g_assert_cmpuint (hits_for (f, "morimoto"), ==, 1);
  g_assert_cmpuint (hits_for (f, "rimo"), ==, 1);          /* a substring */
  g_assert_cmpuint (hits_for (f, "m@example.or"), ==, 1);  /* a substring */
  g_assert_cmpuint (hits_for (f, "090-8765-4321"), ==, 1);
  g_assert_cmpuint (hits_for (f, "0908765"), ==, 1);       /* a prefix */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/import/layouts", Fixture, NULL, setup, test_layouts, teardown);
  g_test_add ("/import/truncated", Fixture, NULL, setup, test_truncated, teardown);
  g_test_add ("/import/broken-lines", Fixture, NULL, setup, test_broken_lines, teardown);
  g_test_add ("/import/missing-and-empty", Fixture, NULL, setup, test_missing_and_empty, teardown);
  g_test_add ("/import/large-batches", Fixture, NULL, setup, test_large_batches, teardown);
  g_test_add ("/import/same-document-twice", Fixture, NULL, setup, test_same_document_twice, teardown);

  return g_test_run ();
}
