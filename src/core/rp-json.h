/* rp-json.h: a fast, strict JSON reader producing json-glib nodes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Parses exactly one JSON value (RFC 8259) from @data, surrounded by
 * nothing but white space.  Several times faster than JsonParser, which
 * matters where every synced or imported document goes through it.
 * Invalid UTF-8, nesting deeper than 64, and trailing bytes are errors
 * (G_IO_ERROR_INVALID_DATA, with the byte offset; never the content). */
JsonNode *rp_json_parse (const char  *data,
                         gsize        len,
                         GError     **error);

G_END_DECLS
