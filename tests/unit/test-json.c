/* test-json.c: the fast JSON reader agrees with json-glib and refuses bad input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <gio/gio.h>

#include "rp-doc.h"
#include "rp-json.h"

static const char *valid[] = {
  "{}",
  "[]",
  "  {\"a\": 1, \"b\": [true, false, null], \"c\": {\"d\": \"e\"}}  ",
  "{\"n\": -0, \"m\": 12345678901234, \"x\": 1.5e3, \"y\": -2.25, \"z\": 1E-2}",
  "{\"s\": \"tab\\there \\\"quoted\\\" \\\\ \\/ \\u00e9 \\u65e5\\u672c \\ud83d\\ude00\"}",
  "{\"kanji\": \"山田 花子\", \"empty\": \"\"}",
  "\"just a string\"",
  "42",
  "[[[[[[]]]]]]",
};

static void
test_agrees (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonNode) ours = rp_json_parse (valid[i], strlen (valid[i]), &error);
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (ours);
      g_assert_true (json_parser_load_from_data (parser, valid[i], -1, NULL));
      a = rp_json_canonical (ours, NULL);
      b = rp_json_canonical (json_parser_get_root (parser), NULL);
      g_assert_cmpstr (a, ==, b);
    }
}

static void
test_refuses (void)
{
  const char *invalid[] = {
    "", "   ", "{", "[1, 2", "{\"a\" 1}", "{\"a\": 1,}", "[1,]", "{a: 1}", "'x'",
    "{\"a\": 1} x", "[01]", "[1.]", "[-]", "[1e]", "tru", "nul", "\"unterminated",
    "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\u0000\"",
    "\"raw\ncontrol\"", "\"\xff\xfe\"", "\"\xe6\x97\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = rp_json_parse (invalid[i], strlen (invalid[i]), &error);

      if (node != NULL)
        g_error ("accepted invalid JSON #%u", i);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_depth (void)
{
  GString *deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  node = rp_json_parse (deep->str, deep->len, &error);
  g_assert_null (node);
  g_assert_nonnull (strstr (error->message, "deep"));
  g_string_free (deep, TRUE);
}

static void
test_every_cut (void)
{
  const char *doc = "{\"_id\":\"note:1\",\"type\":\"note\",\"body\":\"日本\\u00e9\",\"n\":[1,2.5,true,null]}";
  gsize len = strlen (doc);

  /* Every proper prefix is refused; none crashes */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = rp_json_parse (doc, cut, &error);

      g_assert_null (node);
      g_assert_nonnull (error);
    }
}

static void
test_tree (void)
{
  const char *text = "{\"_rev\":\"2-b\",\"z\":[1,{\"_rev\":\"kept\"}],\"a\":\"first\",\"a\":\"last\",\"_id\":\"note:1\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(RpJsonTree) tree = rp_json_tree_parse (text, strlen (text), &error);
  g_autoptr(JsonNode) node = NULL;
  const RpJsonValue *root;
  g_autofree char *canonical = NULL;
  g_autofree char *from_node = NULL;

  g_assert_no_error (error);
  root = rp_json_tree_get_root (tree);
  g_assert_cmpint (root->kind, ==, RP_JSON_OBJECT);

  /* A repeated member: the last one counts, as with json-glib */
  g_assert_cmpstr (rp_json_value_get_string (root, "a"), ==, "last");
  g_assert_null (rp_json_value_get_string (root, "z"));
  g_assert_false (rp_json_value_get_bool (root, "a"));
  g_assert_null (rp_json_value_get_member (rp_json_value_get_member (root, "a"), "x"));

  /* Sorted, once per name, and only the outermost `_rev` left out */
  canonical = rp_json_value_canonical (root, "_rev", NULL);
  g_assert_cmpstr (canonical, ==, "{\"_id\":\"note:1\",\"a\":\"last\",\"z\":[1,{\"_rev\":\"kept\"}]}");

  /* The trip through json-glib keeps every value */
  node = rp_json_value_to_node (root);
  from_node = rp_json_canonical (node, NULL);
  g_assert_cmpstr (from_node, ==, "{\"_id\":\"note:1\",\"_rev\":\"2-b\",\"a\":\"last\",\"z\":[1,{\"_rev\":\"kept\"}]}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/agrees-with-json-glib", test_agrees);
  g_test_add_func ("/json/refuses-invalid", test_refuses);
  g_test_add_func ("/json/depth-limit", test_depth);
  g_test_add_func ("/json/every-cut", test_every_cut);
  g_test_add_func ("/json/tree", test_tree);

  return g_test_run ();
}
