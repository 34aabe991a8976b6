/* test-util.h: what the unit suites share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "rp-cache.h"

/* A fresh folder per test, removed afterwards */
static inline char *
test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("rapport-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        test_remove_dir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static inline JsonNode *
test_parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

/* Applies documents given as one JSON array text; returns the stats */
static inline RpApplyStats
test_apply (RpCache    *cache,
            const char *json_array)
{
  g_autoptr(JsonNode) root = test_parse (json_array);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  RpApplyStats stats = { 0 };
  JsonArray *array = json_node_get_array (root);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (nodes, json_array_get_element (array, i));
  rp_cache_apply (cache, (JsonNode *const *) nodes->pdata, nodes->len, NULL, NULL,
                  NULL, NULL, &stats, &error);
  g_assert_no_error (error);
  return stats;
}

static inline char *
test_fixture_path (const char *name)
{
  /* G_TEST_SRCDIR is tests/ under meson, tests/unit/ when run by hand */
  char *path = g_test_build_filename (G_TEST_DIST, "unit", "fixtures", name, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  g_free (path);
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

/* Does @needle occur anywhere in the file's bytes? */
static inline gboolean
test_file_contains (const char *path,
                    const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0, n = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

#define C1 "customer:0b1c2d3e-0000-4000-8000-000000000001"
#define C2 "customer:0b1c2d3e-0000-4000-8000-000000000002"
