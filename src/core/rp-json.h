/* rp-json.h: a fast, strict JSON reader and the flat trees it builds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  RP_JSON_NULL,
  RP_JSON_BOOL,
  RP_JSON_INT,
  RP_JSON_DOUBLE,
  RP_JSON_STRING,
  RP_JSON_ARRAY,
  RP_JSON_OBJECT,
} RpJsonKind;

/* One value of a tree.  An object's members and an array's elements lie
 * side by side in @v.items, in the order they were written; a member
 * carries its @name.  Everything lives as long as the tree. */
typedef struct _RpJsonValue RpJsonValue;
struct _RpJsonValue
{
  const char *name;   /* a member's name, NULL elsewhere */
  guint32     kind;   /* RpJsonKind */
  guint32     len;    /* bytes of a string; members of an object; elements */
  union
  {
    gboolean           b;
    gint64             i;
    double             d;
    const char        *s;      /* NUL-terminated, valid UTF-8 */
    const RpJsonValue *items;
  } v;
};

/* A parsed document: its values in a few large blocks, so building and
 * freeing one costs a handful of allocations, not one per value. */
typedef struct _RpJsonTree RpJsonTree;

/* Parses exactly one JSON value (RFC 8259) from @data, surrounded by
 * nothing but white space.  Invalid UTF-8, nesting deeper than 64, and
 * trailing bytes are errors (G_IO_ERROR_INVALID_DATA, with the byte
 * offset; never the content). */
RpJsonTree        *rp_json_tree_parse         (const char         *data,
                                               gsize               len,
                                               GError            **error);
RpJsonTree        *rp_json_tree_new_from_node (JsonNode           *node);
RpJsonTree        *rp_json_tree_ref           (RpJsonTree         *tree);
void               rp_json_tree_unref         (RpJsonTree         *tree);
const RpJsonValue *rp_json_tree_get_root      (RpJsonTree         *tree);

/* A member of @object (the last one of that name, as json-glib keeps),
 * or NULL when @object is no object or has none */
const RpJsonValue *rp_json_value_get_member   (const RpJsonValue  *object,
                                               const char         *name);
/* A member's string or boolean, NULL or FALSE when it is something else */
const char        *rp_json_value_get_string   (const RpJsonValue  *object,
                                               const char         *name);
gboolean           rp_json_value_get_bool     (const RpJsonValue  *object,
                                               const char         *name);
JsonNode          *rp_json_value_to_node      (const RpJsonValue  *value);

/* As rp_json_tree_parse(), for the callers that want json-glib nodes */
JsonNode          *rp_json_parse              (const char         *data,
                                               gsize               len,
                                               GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpJsonTree, rp_json_tree_unref)

G_END_DECLS
