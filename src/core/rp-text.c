/* rp-text.c: normalisation for search keys and queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-text"

#include "config.h"

#include <string.h>

#include "rp-text.h"

/* Katakana (ァ U+30A1 … ヶ U+30F6) folds to hiragana 0x60 below it, so
 * ヤマダ and やまだ meet; half-width forms were already widened by NFKC. */
static gunichar
fold_kana (gunichar c)
{
  if (c >= 0x30A1 && c <= 0x30F6)
    return c - 0x60;
  return c;
}

char *
rp_text_fold (const char *text)
{
  g_autofree char *nfkc = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (nfkc == NULL)
    return g_strdup ("");
  folded = g_utf8_casefold (nfkc, -1);
  out = g_string_sized_new (strlen (folded));

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* White space and the name separators people type are not part of a key */
      if (g_unichar_isspace (c) || c == 0x30FB || c == 0x00B7)
        continue;
      g_string_append_unichar (out, fold_kana (c));
    }

  return g_string_free (out, FALSE);
}

char *
rp_text_phone_digits (const char *text)
{
  g_autofree char *nfkc = NULL;
  GString *digits;

  if (text == NULL)
    return NULL;

  nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (nfkc == NULL)
    return NULL;

  digits = g_string_new (NULL);
  for (const char *p = nfkc; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (strchr (" +-.()/", *p) == NULL)
        {
          g_string_free (digits, TRUE);
          return NULL;
        }
    }

  if (digits->len < 4)
    {
      g_string_free (digits, TRUE);
      return NULL;
    }

  return g_string_free (digits, FALSE);
}

/* Length of the ITU country calling code at the start of @digits */
static guint
country_code_length (const char *digits)
{
  static const char two[][3] = {
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43",
    "44", "45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56",
    "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
    "86", "90", "91", "92", "93", "94", "95", "98",
  };

  if (digits[0] == '1' || digits[0] == '7')
    return 1;
  for (guint i = 0; i < G_N_ELEMENTS (two); i++)
    if (strncmp (digits, two[i], 2) == 0)
      return 2;
  return 3;
}

GStrv
rp_text_phone_keys (const char *e164)
{
  g_autofree char *digits = rp_text_phone_digits (e164);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint cc;

  if (digits == NULL)
    return g_strv_builder_end (builder);

  g_strv_builder_add (builder, digits);

  /* Only a number written with its country code has a national form */
  if (e164 != NULL && strchr (e164, '+') != NULL && strlen (digits) > 6)
    {
      const char *nsn;

      cc = country_code_length (digits);
      nsn = digits + cc;
      g_strv_builder_add (builder, nsn);
      if (cc != 1)
        {
          g_autofree char *trunk = g_strconcat ("0", nsn, NULL);
          g_strv_builder_add (builder, trunk);
        }
    }

  return g_strv_builder_end (builder);
}
