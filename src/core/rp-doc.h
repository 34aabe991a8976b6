/* rp-doc.h: the document model of the sync contract
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "rp-json.h"
#include "rp-types.h"

G_BEGIN_DECLS

#define RP_SCHEMA_VERSION 1

/* Largest canonical body accepted: a larger one is a mistake or an attack,
 * and one of them must not stall a batch (CouchDB's own limit is 8 MB). */
#define RP_DOC_MAX_BYTES (1024 * 1024)

const char *rp_doc_type_to_string   (RpDocType    type);
RpDocType   rp_doc_type_from_string (const char  *str);
RpKindMask  rp_doc_type_kind        (RpDocType    type);
RpKindMask  rp_kind_from_string     (const char  *str);

/* Checks a document against DESIGN §3: an object with a string `_id` of the
 * form `<type>:<id>`, a known or unknown `type`, RFC 3339 `at`, and, for
 * known types, every field of the right JSON type.  Tombstones (`_deleted`)
 * only need an `_id`.  Sets @out_type (RP_DOC_UNKNOWN for other types). */
gboolean    rp_doc_validate         (const RpJsonValue  *doc,
                                     RpDocType          *out_type,
                                     GError            **error);

/* The customer id (`customer:<uuid>`) a document is about, or NULL */
const char *rp_doc_customer_id      (const RpJsonValue  *doc,
                                     RpDocType           type);

/* Parses an RFC 3339 timestamp into a UTC unix time in microseconds */
gboolean    rp_parse_timestamp      (const char  *text,
                                     gint64      *out_usec);
char       *rp_format_timestamp     (gint64       usec);

/* Accessors that tolerate missing members */
const char *rp_json_string          (JsonObject  *obj,
                                     const char  *member);
gint64      rp_json_int             (JsonObject  *obj,
                                     const char  *member,
                                     gint64       fallback);
gboolean    rp_json_bool            (JsonObject  *obj,
                                     const char  *member);

/* Serialises compactly with members in sorted order (the canonical body
 * used for revisions and for storage). */
char       *rp_json_canonical       (JsonNode    *node,
                                     gsize       *out_len);
/* Compact JSON appended to @out; @sorted gives the canonical member order,
 * otherwise members keep the order they were added in */
void        rp_json_append          (GString     *out,
                                     JsonNode    *node,
                                     gboolean     sorted);
/* The same for a tree's value; @without names a member of the outermost
 * object to leave out (`_rev`), or is NULL */
void        rp_json_value_append    (GString           *out,
                                     const RpJsonValue *value,
                                     gboolean           sorted,
                                     const char        *without);
char       *rp_json_value_canonical (const RpJsonValue *value,
                                     const char        *without,
                                     gsize             *out_len);

/* Display name, family name first when the customer's language is Japanese
 * or the name is written in CJK script. */
char       *rp_customer_display_name (const RpJsonValue *customer);
char       *rp_customer_display_kana (const RpJsonValue *customer);

/* Queue terms (DESIGN §6), the same in the app, the CLI and the tests */
typedef enum
{
  RP_SLA_NONE,       /* not open, or no resolution due */
  RP_SLA_ON_TIME,
  RP_SLA_AT_RISK,    /* resolution due within the lead time */
  RP_SLA_BREACHED,   /* resolution due has passed */
} RpSlaState;

#define RP_DEFAULT_LEAD_USEC (30 * G_TIME_SPAN_MINUTE)

gboolean    rp_ticket_status_is_open (const char *status);
RpSlaState  rp_sla_state             (const char *status,
                                      gint64      resolution_due_usec,
                                      gint64      now_usec,
                                      gint64      lead_usec);
const char *rp_sla_state_to_string   (RpSlaState  state);

/* A fresh lowercase UUIDv4 */
char       *rp_uuid_new              (void);

G_END_DECLS
