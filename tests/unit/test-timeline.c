/* test-timeline.c: order, kinds, channels and paging of the timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "rp-cache.h"
#include "rp-doc.h"
#include "test-util.h"

static char *dir;
static RpCache *cache;

#define N_EVENTS 1000

static void
seed (void)
{
  GString *docs = g_string_new ("[{\"_id\":\"" C1 "\",\"type\":\"customer\",\"schema\":1,"
                                "\"at\":\"2020-01-01T00:00:00Z\",\"name\":{\"family\":\"Ito\",\"given\":\"Aya\"}}");
  const char *channels[] = { "phone", "email", "chat" };

  /* Interleaved kinds; every tenth pair shares its time to exercise ties */
  for (guint i = 0; i < N_EVENTS; i++)
    {
      guint minute = i - (i % 10 == 1 ? 1 : 0);
      g_autoptr(GDateTime) at = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
      g_autoptr(GDateTime) t = g_date_time_add_minutes (at, minute * 7);
      g_autofree char *stamp = g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");

      if (i % 4 == 0)
        g_string_append_printf (docs, ",{\"_id\":\"note:%04u\",\"type\":\"note\",\"schema\":1,\"at\":\"%s\","
                                      "\"customer_id\":\"" C1 "\",\"body\":\"n%u\"}", i, stamp, i);
      else
        g_string_append_printf (docs, ",{\"_id\":\"interaction:%04u\",\"type\":\"interaction\",\"schema\":1,"
                                      "\"at\":\"%s\",\"customer_id\":\"" C1 "\",\"channel\":\"%s\","
                                      "\"direction\":\"inbound\",\"summary\":\"s%u\"}",
                                i, stamp, channels[i % 3], i);
    }
  g_string_append (docs, "]");
  test_apply (cache, docs->str);
  g_string_free (docs, TRUE);
}

static void
assert_newest_first (GPtrArray *events)
{
  for (guint i = 1; i < events->len; i++)
    {
      RpEvent *a = g_ptr_array_index (events, i - 1);
      RpEvent *b = g_ptr_array_index (events, i);
      g_assert_true (a->at_usec > b->at_usec || (a->at_usec == b->at_usec && a->rowid > b->rowid));
    }
}

static void
test_order (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = rp_cache_timeline (cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, N_EVENTS);
  assert_newest_first (all);
  /* The customer document itself is not an event */
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpint (((RpEvent *) g_ptr_array_index (all, i))->type, !=, RP_DOC_CUSTOMER);
}

static void
test_paging (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = rp_cache_timeline (cache, C1, RP_KIND_ALL, NULL, NULL, 0, &error);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  RpEvent *last = NULL;
  guint position = 0;

  /* Pages of 37 walk the same sequence as one query: nothing skipped, nothing twice */
  for (;;)
    {
      g_autoptr(GPtrArray) page = rp_cache_timeline (cache, C1, RP_KIND_ALL, NULL, last, 37, &error);

      g_assert_no_error (error);
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        {
          RpEvent *event = g_ptr_array_index (page, i);
          g_assert_cmpstr (event->id, ==, ((RpEvent *) g_ptr_array_index (all, position))->id);
          g_assert_false (g_hash_table_contains (seen, event->id));
          g_hash_table_add (seen, ((RpEvent *) g_ptr_array_index (all, position))->id);
          position++;
        }
      g_clear_pointer (&last, rp_event_free);
      last = rp_event_copy (g_ptr_array_index (page, page->len - 1));
    }
  g_clear_pointer (&last, rp_event_free);
  g_assert_cmpuint (position, ==, N_EVENTS);
}

static void
test_kinds_and_channels (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = rp_cache_timeline (cache, C1, RP_KIND_NOTES, NULL, NULL, 0, &error);
  g_autoptr(GPtrArray) phone = rp_cache_timeline (cache, C1, RP_KIND_INTERACTIONS, "phone", NULL, 0, &error);
  g_autoptr(GPtrArray) orders = rp_cache_timeline (cache, C1, RP_KIND_ORDERS, NULL, NULL, 0, &error);
  g_autoptr(GArray) index = rp_cache_timeline_index (cache, C1, RP_KIND_NOTES, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, N_EVENTS / 4);
  for (guint i = 0; i < notes->len; i++)
    g_assert_cmpint (((RpEvent *) g_ptr_array_index (notes, i))->type, ==, RP_DOC_NOTE);
  g_assert_cmpuint (phone->len, >, 0);
  for (guint i = 0; i < phone->len; i++)
    g_assert_cmpstr (((RpEvent *) g_ptr_array_index (phone, i))->channel, ==, "phone");
  g_assert_cmpuint (orders->len, ==, 0);

  /* The index gives the same rows as the query, for on-demand fetching */
  g_assert_cmpuint (index->len, ==, notes->len);
  {
    g_autofree gint64 *rowids = g_new (gint64, 3);
    g_autoptr(GPtrArray) fetched = NULL;

    for (guint i = 0; i < 3; i++)
      rowids[i] = g_array_index (index, RpTimelineEntry, i * 10).rowid;
    fetched = rp_cache_get_events (cache, rowids, 3, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 3; i++)
      g_assert_cmpstr (((RpEvent *) g_ptr_array_index (fetched, i))->id, ==,
                       ((RpEvent *) g_ptr_array_index (notes, i * 10))->id);
  }
}

static void
test_unknown_customer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = rp_cache_timeline (cache, "customer:nobody", RP_KIND_ALL, NULL, NULL, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_false (rp_cache_has_customer (cache, "customer:nobody", &error));
  g_assert_true (rp_cache_has_customer (cache, C1, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();
  path = g_build_filename (dir, "cache.db", NULL);
  cache = rp_cache_open (path, &error);
  g_assert_no_error (error);
  seed ();

  g_test_add_func ("/timeline/newest-first", test_order);
  g_test_add_func ("/timeline/paging", test_paging);
  g_test_add_func ("/timeline/kinds-and-channels", test_kinds_and_channels);
  g_test_add_func ("/timeline/unknown-customer", test_unknown_customer);

  status = g_test_run ();
  g_clear_object (&cache);
  test_remove_dir (dir);
  g_free (dir);
  return status;
}
