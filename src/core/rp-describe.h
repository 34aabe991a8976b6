/* rp-describe.h: one-line, translated descriptions of documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "rp-types.h"

G_BEGIN_DECLS

/* "¥12,800", "$1,234.50": amount in minor units of an ISO 4217 currency */
char       *rp_format_money         (gint64      amount,
                                     const char *currency);

/* A translated label for an enumeration value of the contract
 * ("phone" → "Phone", "marketing_email" → "Marketing e-mail", …) */
const char *rp_describe_value       (const char *value);

/* "Order JP-2611-004213: Green tea, Teapot (¥12,800)" */
char       *rp_describe_document    (RpDocType   type,
                                     JsonObject *doc);

G_END_DECLS
