/* test-search.c: customer search as an agent types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "rp-cache.h"
#include "rp-import.h"
#include "test-util.h"

#define C3 "customer:0b1c2d3e-0000-4000-8000-000000000003"
#define C4 "customer:0b1c2d3e-0000-4000-8000-000000000004"
#define C5 "customer:0b1c2d3e-0000-4000-8000-000000000005"
#define C6 "customer:0b1c2d3e-0000-4000-8000-000000000006"
#define C7 "customer:0b1c2d3e-0000-4000-8000-000000000007"
#define C8 "customer:0b1c2d3e-0000-4000-8000-000000000008"

static char *dir;
static RpCache *cache;

static GPtrArray *
search (const char *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = rp_cache_search (cache, query, 20, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

static void
assert_finds (const char  *query,
              const char  *first_id,
              RpMatchKind  kind)
{
  g_autoptr(GPtrArray) hits = search (query);
  RpSearchHit *hit;

  if (hits->len == 0)
    g_error ("“%s” found nothing", query);
  hit = g_ptr_array_index (hits, 0);
  if (g_strcmp0 (hit->id, first_id) != 0)
    g_error ("“%s” found %s first, expected %s", query, hit->id, first_id);
  g_assert_cmpint (hit->match_kind, ==, kind);
}

static void
test_names (void)
{
  assert_finds ("山田", C1, RP_MATCH_NAME);
  assert_finds ("花子", C1, RP_MATCH_NAME);
  assert_finds ("山田花子", C1, RP_MATCH_NAME);
  assert_finds ("山田 花子", C1, RP_MATCH_NAME);
  assert_finds ("山", C1, RP_MATCH_NAME);
  assert_finds ("john", C2, RP_MATCH_NAME);
  assert_finds ("Smith", C2, RP_MATCH_NAME);
  assert_finds ("john smi", C2, RP_MATCH_NAME);
  assert_finds ("SMITH JOHN", C2, RP_MATCH_NAME);
  assert_finds ("mit", C2, RP_MATCH_NAME);   /* a substring of three */
  assert_finds ("ohn", C2, RP_MATCH_NAME);   /* … of the given name */
  assert_finds ("hnsm", C2, RP_MATCH_NAME);  /* … across both, given first */
  assert_finds ("ithjo", C2, RP_MATCH_NAME); /* … and family first */
}

static void
test_kana (void)
{
  assert_finds ("やまだ", C1, RP_MATCH_KANA);
  assert_finds ("ヤマダ", C1, RP_MATCH_KANA);
  assert_finds ("ﾔﾏﾀﾞ ﾊﾅｺ", C1, RP_MATCH_KANA);
  assert_finds ("はなこ", C1, RP_MATCH_KANA);
  assert_finds ("やま", C1, RP_MATCH_KANA);
  assert_finds ("まだは", C1, RP_MATCH_KANA);
  assert_finds ("ナコヤ", C1, RP_MATCH_KANA);
}

static void
test_email (void)
{
  RpSearchHit *hit;
  g_autoptr(GPtrArray) hits = NULL;

  assert_finds ("hanako.yamada@example.jp", C1, RP_MATCH_EMAIL);
  assert_finds ("HANAKO.Y", C1, RP_MATCH_EMAIL);
  assert_finds ("yamada@exa", C1, RP_MATCH_EMAIL);
  assert_finds ("John.Smith@Example.com", C2, RP_MATCH_EMAIL);

  hits = search ("hanako.yamada@example.jp");
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpstr (hit->matched, ==, "Hanako.Yamada@example.jp");
  g_assert_cmpstr (hit->name, ==, "山田 花子");
  g_assert_cmpstr (hit->kana, ==, "やまだ はなこ");
  g_assert_cmpstr (hit->tier, ==, "gold");
  g_assert_cmpstr (hit->emails[0], ==, "Hanako.Yamada@example.jp");
  g_assert_cmpstr (hit->phones[0], ==, "+819012345678");
}

static void
test_phone (void)
{
  assert_finds ("090-1234-5678", C1, RP_MATCH_PHONE);
  assert_finds ("+81 90 1234 5678", C1, RP_MATCH_PHONE);
  assert_finds ("9012345678", C1, RP_MATCH_PHONE);
  assert_finds ("+819012345678", C1, RP_MATCH_PHONE);
  assert_finds ("090 1234", C1, RP_MATCH_PHONE);
  assert_finds ("(415) 555-0123", C2, RP_MATCH_PHONE);
  assert_finds ("+1 415 555 0123", C2, RP_MATCH_PHONE);
}

static void
test_numbers (void)
{
  assert_finds ("JP-2611-004213", C1, RP_MATCH_ORDER);
  assert_finds ("jp-2611-0042", C1, RP_MATCH_ORDER);
  assert_finds ("004213", C1, RP_MATCH_ORDER);
  assert_finds ("US-2611", C2, RP_MATCH_ORDER);
  assert_finds ("T-104233", C1, RP_MATCH_TICKET);
  assert_finds ("t-1042", C1, RP_MATCH_TICKET);
  assert_finds ("104233", C1, RP_MATCH_TICKET);
  assert_finds ("233", C1, RP_MATCH_TICKET);
}

static void
test_ranking (void)
{
  g_autoptr(GPtrArray) hits = NULL;

  /* An exact e-mail beats a name that merely starts the same way … */
  assert_finds ("kato@example.com", C4, RP_MATCH_EMAIL);
  /* … an exact name beats an e-mail prefix … */
  assert_finds ("kato", C3, RP_MATCH_NAME);
  /* … and both customers are found */
  hits = search ("kato");
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpstr (((RpSearchHit *) g_ptr_array_index (hits, 1))->id, ==, C4);
}

static void
test_substrings_fill (void)
{
  g_autoptr(GPtrArray) all = search ("kawa");
  g_autoptr(GPtrArray) two = NULL;
  g_autoptr(GError) error = NULL;
  RpSearchHit *first, *hit;

  /* The name that starts with the query ranks first; the three that hold
   * it further in are found too … */
  g_assert_cmpuint (all->len, ==, 4);
  first = g_ptr_array_index (all, 0);
  g_assert_cmpstr (first->id, ==, C5);
  for (guint i = 1; i < all->len; i++)
    {
      hit = g_ptr_array_index (all, i);
      g_assert_true (g_str_equal (hit->id, C6) || g_str_equal (hit->id, C7) || g_str_equal (hit->id, C8));
      g_assert_cmpint (hit->match_kind, ==, RP_MATCH_NAME);
      g_assert_cmpint (hit->score, >, first->score);
    }

  /* … but only as many as the page has room for */
  two = rp_cache_search (cache, "kawa", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_cmpstr (((RpSearchHit *) g_ptr_array_index (two, 0))->id, ==, C5);
  hit = g_ptr_array_index (two, 1);
  g_assert_true (g_str_equal (hit->id, C6) || g_str_equal (hit->id, C7) || g_str_equal (hit->id, C8));
}

static void
add_customers (const char *family,
               guint       first,
               guint       n)
{
  g_autoptr(GString) json = g_string_new ("[");

  for (guint i = first; i < first + n; i++)
    g_string_append_printf (json,
                            "%s{\"_id\":\"customer:0b1c2d3e-0000-4000-8000-%012u\",\"type\":\"customer\","
                            "\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
                            "\"name\":{\"family\":\"%s\",\"given\":\"Yu\"}}",
                            i > first ? "," : "", i, family);
  g_string_append_c (json, ']');
  test_apply (cache, json->str);
}

static void
test_substring_lookalikes (void)
{
  g_autoptr(GPtrArray) few = NULL;
  g_autoptr(GPtrArray) many = NULL;

  /* “Sakukura” holds every trigram of “sakura” but not “sakura” itself:
   * whether the trigrams alone are asked for (a few such keys) … */
  add_customers ("Sakukura", 100, 3);
  add_customers ("Osakura", 103, 1);
  few = search ("sakura");
  g_assert_cmpuint (few->len, ==, 1);
  g_assert_cmpstr (((RpSearchHit *) g_ptr_array_index (few, 0))->id, ==,
                   "customer:0b1c2d3e-0000-4000-8000-000000000103");

  /* … or the phrase is (too many), only the key that holds it is found */
  add_customers ("Kamumura", 200, 40);
  add_customers ("Okamura", 240, 1);
  many = search ("kamura");
  g_assert_cmpuint (many->len, ==, 1);
  g_assert_cmpstr (((RpSearchHit *) g_ptr_array_index (many, 0))->id, ==,
                   "customer:0b1c2d3e-0000-4000-8000-000000000240");
}

static void
test_nothing (void)
{
  g_autoptr(GPtrArray) none = search ("zzzzqq");
  g_autoptr(GPtrArray) empty = search ("   ");
  g_autoptr(GPtrArray) quote = search ("\"山田");
  g_autoptr(GPtrArray) star = search ("*");

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (quote->len, ==, 0);
  g_assert_cmpuint (star->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *fixture = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();
  path = g_build_filename (dir, "cache.db", NULL);
  cache = rp_cache_open (path, &error);
  g_assert_no_error (error);
  fixture = test_fixture_path ("small.ndjson");
  rp_import_file (cache, fixture, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  test_apply (cache,
              "[{\"_id\":\"" C3 "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
              "\"name\":{\"family\":\"Kato\",\"given\":\"Ken\"},\"language\":\"en\"},"
              "{\"_id\":\"" C4 "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
              "\"name\":{\"family\":\"Brown\",\"given\":\"Alice\"},\"emails\":[\"kato@example.com\"]},"
              "{\"_id\":\"" C5 "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
              "\"name\":{\"family\":\"Kawada\",\"given\":\"Mio\"}},"
              "{\"_id\":\"" C6 "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
              "\"name\":{\"family\":\"Ishikawa\",\"given\":\"Ren\"}},"
              "{\"_id\":\"" C7 "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
              "\"name\":{\"family\":\"Okawa\",\"given\":\"Sho\"}},"
              "{\"_id\":\"" C8 "\",\"type\":\"customer\",\"schema\":1,\"at\":\"2020-01-01T00:00:00Z\","
              "\"name\":{\"family\":\"Yoshikawa\",\"given\":\"Aoi\"}}]");

  g_test_add_func ("/search/names", test_names);
  g_test_add_func ("/search/kana", test_kana);
  g_test_add_func ("/search/email", test_email);
  g_test_add_func ("/search/phone", test_phone);
  g_test_add_func ("/search/order-and-ticket-numbers", test_numbers);
  g_test_add_func ("/search/ranking", test_ranking);
  g_test_add_func ("/search/substrings-fill-the-page", test_substrings_fill);
  g_test_add_func ("/search/substring-lookalikes", test_substring_lookalikes);
  g_test_add_func ("/search/nothing", test_nothing);

  status = g_test_run ();
  g_clear_object (&cache);
  test_remove_dir (dir);
  g_free (dir);
  return status;
}
