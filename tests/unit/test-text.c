/* test-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "rp-text.h"

static void
test_fold (void)
{
  struct { const char *in, *out; } cases[] = {
    { "ヤマダ ハナコ", "やまだはなこ" },
    { "ﾔﾏﾀﾞ", "やまだ" },            /* half-width katakana */
    { "John  SMITH", "johnsmith" },
    { "Ｊｏｈｎ", "john" },           /* full-width Latin */
    { "山田　花子", "山田花子" },       /* ideographic space */
    { "T-104233", "t-104233" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = rp_text_fold (cases[i].in);
      g_assert_cmpstr (folded, ==, cases[i].out);
    }
}

static void
test_phone_digits (void)
{
  g_autofree char *a = rp_text_phone_digits ("090-1234-5678");
  g_autofree char *b = rp_text_phone_digits ("+81 90 1234 5678");
  g_autofree char *c = rp_text_phone_digits ("(415) 555-0123");
  g_autofree char *d = rp_text_phone_digits ("yamada");
  g_autofree char *e = rp_text_phone_digits ("12");
  g_autofree char *f = rp_text_phone_digits ("０９０１２３４５６７８");

  g_assert_cmpstr (a, ==, "09012345678");
  g_assert_cmpstr (b, ==, "819012345678");
  g_assert_cmpstr (c, ==, "4155550123");
  g_assert_null (d);
  g_assert_null (e);
  g_assert_cmpstr (f, ==, "09012345678");
}

static void
test_phone_keys (void)
{
  g_auto(GStrv) jp = rp_text_phone_keys ("+819012345678");
  g_auto(GStrv) us = rp_text_phone_keys ("+14155550123");
  g_auto(GStrv) uk = rp_text_phone_keys ("+447700900123");

  g_assert_true (g_strv_contains ((const char *const *) jp, "819012345678"));
  g_assert_true (g_strv_contains ((const char *const *) jp, "9012345678"));
  g_assert_true (g_strv_contains ((const char *const *) jp, "09012345678"));
  g_assert_true (g_strv_contains ((const char *const *) us, "14155550123"));
  g_assert_true (g_strv_contains ((const char *const *) us, "4155550123"));
  g_assert_false (g_strv_contains ((const char *const *) us, "04155550123"));
  g_assert_true (g_strv_contains ((const char *const *) uk, "07700900123"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/fold", test_fold);
  g_test_add_func ("/text/phone-digits", test_phone_digits);
  g_test_add_func ("/text/phone-keys", test_phone_keys);

  return g_test_run ();
}
