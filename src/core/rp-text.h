/* rp-text.h: normalisation for search keys and queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NFKC, case-folded, katakana folded to hiragana, white space removed.
 * Used for names, kana readings, e-mails, order and ticket numbers. */
char      *rp_text_fold          (const char *text);

/* The digits of @text if it looks like a phone number as people type one
 * (digits, spaces, +, -, ., parentheses, at least 4 digits), else NULL. */
char      *rp_text_phone_digits  (const char *text);

/* Search keys for a stored E.164 number: the full digits, the national
 * significant number and the national form with a trunk 0. */
GStrv      rp_text_phone_keys    (const char *e164);

G_END_DECLS
