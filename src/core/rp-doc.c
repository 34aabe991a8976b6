/* rp-doc.c: the document model of the sync contract
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-doc"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rp-doc.h"

static const char *type_names[RP_N_DOC_TYPES] = {
  [RP_DOC_UNKNOWN] = "unknown",
  [RP_DOC_CUSTOMER] = "customer",
  [RP_DOC_ORDER] = "order",
  [RP_DOC_TICKET] = "ticket",
  [RP_DOC_TICKET_EVENT] = "ticket_event",
  [RP_DOC_INTERACTION] = "interaction",
  [RP_DOC_CONSENT] = "consent",
  [RP_DOC_NOTE] = "note",
  [RP_DOC_SURVEY] = "survey",
  [RP_DOC_AGENT] = "agent",
  [RP_DOC_QUEUE] = "queue",
  [RP_DOC_MERGE] = "merge",
  [RP_DOC_ERASURE] = "erasure",
};

typedef enum
{
  F_STRING,
  F_STRING_OR_NULL,
  F_INT,
  F_BOOL,
  F_OBJECT,
  F_STRINGS,      /* array of strings */
  F_OBJECTS,      /* array of objects */
  F_TIMESTAMP,    /* RFC 3339 string */
  F_CUSTOMER,     /* "customer:<id>" */
  F_MONEY,        /* {amount: int, currency: string} */
  F_NAME,         /* {family: string, given: string} */
} FieldKind;

typedef struct
{
  const char *name;
  FieldKind   kind;
  gboolean    required;
  const char *const *allowed;  /* for strings: the enumeration, or NULL */
} Field;

#define ENUM(...) ((const char *const[]) { __VA_ARGS__, NULL })

static const char *const channels_order[] = { "web", "app", "store", "phone", NULL };
static const char *const channels_contact[] = { "phone", "email", "chat", "sms", "store", "web", "social", "app", NULL };
static const char *const purposes[] = { "marketing_email", "marketing_sms", "marketing_phone",
                                        "profiling", "third_party_sharing", "call_recording", NULL };

static const Field customer_fields[] = {
  { "name", F_NAME, TRUE, NULL },
  { "kana", F_NAME, FALSE, NULL },
  { "emails", F_STRINGS, FALSE, NULL },
  { "phones", F_STRINGS, FALSE, NULL },
  { "language", F_STRING, FALSE, NULL },
  { "preferred_channel", F_STRING, FALSE, NULL },
  { "tier", F_STRING, FALSE, ENUM ("standard", "silver", "gold", "platinum") },
  { "member_since", F_STRING, FALSE, NULL },
  { "lifetime_value", F_MONEY, FALSE, NULL },
  { "branch", F_STRING, FALSE, NULL },
  { "tags", F_STRINGS, FALSE, NULL },
  { NULL }
};

static const Field order_fields[] = {
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "number", F_STRING, TRUE, NULL },
  { "channel", F_STRING, FALSE, channels_order },
  { "store", F_STRING_OR_NULL, FALSE, NULL },
  { "status", F_STRING, FALSE, ENUM ("placed", "paid", "shipped", "delivered", "cancelled", "returned", "refunded") },
  { "items", F_OBJECTS, FALSE, NULL },
  { "total", F_INT, FALSE, NULL },
  { "currency", F_STRING, FALSE, NULL },
  { NULL }
};

static const Field ticket_fields[] = {
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "number", F_STRING, TRUE, NULL },
  { "subject", F_STRING, FALSE, NULL },
  { "channel", F_STRING, FALSE, NULL },
  { "queue", F_STRING, FALSE, NULL },
  { "priority", F_STRING, FALSE, ENUM ("low", "normal", "high", "urgent") },
  { "status", F_STRING, FALSE, ENUM ("new", "open", "pending", "solved", "closed") },
  { "assignee", F_STRING_OR_NULL, FALSE, NULL },
  { "first_response_due", F_TIMESTAMP, FALSE, NULL },
  { "resolution_due", F_TIMESTAMP, FALSE, NULL },
  { "tags", F_STRINGS, FALSE, NULL },
  { NULL }
};

static const Field ticket_event_fields[] = {
  { "ticket_id", F_STRING, TRUE, NULL },
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "author", F_STRING, FALSE, NULL },
  { "changes", F_OBJECT, FALSE, NULL },
  { "comment", F_STRING_OR_NULL, FALSE, NULL },
  { "handoff", F_STRING_OR_NULL, FALSE, NULL },
  { NULL }
};

static const Field interaction_fields[] = {
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "ticket_id", F_STRING_OR_NULL, FALSE, NULL },
  { "channel", F_STRING, TRUE, channels_contact },
  { "direction", F_STRING, FALSE, ENUM ("inbound", "outbound") },
  { "agent", F_STRING_OR_NULL, FALSE, NULL },
  { "summary", F_STRING, FALSE, NULL },
  { "body", F_STRING_OR_NULL, FALSE, NULL },
  { "duration_s", F_INT, FALSE, NULL },
  { "sentiment", F_STRING_OR_NULL, FALSE, ENUM ("negative", "neutral", "positive") },
  { NULL }
};

static const Field consent_fields[] = {
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "purpose", F_STRING, TRUE, purposes },
  { "state", F_STRING, TRUE, ENUM ("granted", "withdrawn") },
  { "source", F_STRING, FALSE, NULL },
  { "recorded_by", F_STRING_OR_NULL, FALSE, NULL },
  { "evidence", F_STRING_OR_NULL, FALSE, NULL },
  { NULL }
};

static const Field note_fields[] = {
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "author", F_STRING, FALSE, NULL },
  { "body", F_STRING, TRUE, NULL },
  { "pinned", F_BOOL, FALSE, NULL },
  { NULL }
};

static const Field survey_fields[] = {
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "ticket_id", F_STRING_OR_NULL, FALSE, NULL },
  { "kind", F_STRING, TRUE, ENUM ("csat", "nps") },
  { "score", F_INT, TRUE, NULL },
  { "comment", F_STRING_OR_NULL, FALSE, NULL },
  { NULL }
};

static const Field agent_fields[] = {
  { "name", F_STRING, FALSE, NULL },
  { "team", F_STRING, FALSE, NULL },
  { "role", F_STRING, FALSE, ENUM ("agent", "supervisor") },
  { "queues", F_STRINGS, FALSE, NULL },
  { NULL }
};

static const Field queue_fields[] = {
  { "display_name", F_STRING, FALSE, NULL },
  { "sla", F_OBJECT, FALSE, NULL },
  { NULL }
};

static const Field merge_fields[] = {
  { "survivor", F_CUSTOMER, TRUE, NULL },
  { "merged", F_STRINGS, TRUE, NULL },
  { "author", F_STRING, FALSE, NULL },
  { "reason", F_STRING_OR_NULL, FALSE, NULL },
  { "undo", F_STRING_OR_NULL, FALSE, NULL },
  { NULL }
};

static const Field erasure_fields[] = {
  { "customer_id", F_CUSTOMER, TRUE, NULL },
  { "requested_by", F_STRING_OR_NULL, FALSE, NULL },
  { NULL }
};

static const Field *type_fields[RP_N_DOC_TYPES] = {
  [RP_DOC_CUSTOMER] = customer_fields,
  [RP_DOC_ORDER] = order_fields,
  [RP_DOC_TICKET] = ticket_fields,
  [RP_DOC_TICKET_EVENT] = ticket_event_fields,
  [RP_DOC_INTERACTION] = interaction_fields,
  [RP_DOC_CONSENT] = consent_fields,
  [RP_DOC_NOTE] = note_fields,
  [RP_DOC_SURVEY] = survey_fields,
  [RP_DOC_AGENT] = agent_fields,
  [RP_DOC_QUEUE] = queue_fields,
  [RP_DOC_MERGE] = merge_fields,
  [RP_DOC_ERASURE] = erasure_fields,
};

const char *
rp_doc_type_to_string (RpDocType type)
{
  if (type >= RP_N_DOC_TYPES)
    return type_names[RP_DOC_UNKNOWN];
  return type_names[type];
}

RpDocType
rp_doc_type_from_string (const char *str)
{
  if (str == NULL)
    return RP_DOC_UNKNOWN;
  for (guint i = 1; i < RP_N_DOC_TYPES; i++)
    if (strcmp (str, type_names[i]) == 0)
      return i;
  return RP_DOC_UNKNOWN;
}

RpKindMask
rp_doc_type_kind (RpDocType type)
{
  switch (type)
    {
    case RP_DOC_ORDER: return RP_KIND_ORDERS;
    case RP_DOC_TICKET:
    case RP_DOC_TICKET_EVENT: return RP_KIND_TICKETS;
    case RP_DOC_INTERACTION: return RP_KIND_INTERACTIONS;
    case RP_DOC_CONSENT: return RP_KIND_CONSENT;
    case RP_DOC_NOTE: return RP_KIND_NOTES;
    case RP_DOC_SURVEY: return RP_KIND_SURVEYS;
    case RP_DOC_MERGE: return RP_KIND_OTHER;
    case RP_DOC_UNKNOWN:
    case RP_DOC_CUSTOMER:
    case RP_DOC_AGENT:
    case RP_DOC_QUEUE:
    case RP_DOC_ERASURE:
    case RP_N_DOC_TYPES:
    default:
      return 0;
    }
}

RpKindMask
rp_kind_from_string (const char *str)
{
  static const struct { const char *name; RpKindMask mask; } kinds[] = {
    { "all", RP_KIND_ALL },
    { "orders", RP_KIND_ORDERS }, { "order", RP_KIND_ORDERS },
    { "tickets", RP_KIND_TICKETS }, { "ticket", RP_KIND_TICKETS }, { "ticket_event", RP_KIND_TICKETS },
    { "interactions", RP_KIND_INTERACTIONS }, { "interaction", RP_KIND_INTERACTIONS },
    { "consent", RP_KIND_CONSENT }, { "consents", RP_KIND_CONSENT },
    { "notes", RP_KIND_NOTES }, { "note", RP_KIND_NOTES },
    { "surveys", RP_KIND_SURVEYS }, { "survey", RP_KIND_SURVEYS },
    { "other", RP_KIND_OTHER }, { "merge", RP_KIND_OTHER },
  };

  if (str == NULL)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_ascii_strcasecmp (str, kinds[i].name) == 0)
      return kinds[i].mask;
  return 0;
}

gboolean
rp_parse_timestamp (const char *text,
                    gint64     *out_usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;

  /* RFC 3339 needs a date, a time and an offset */
  if (strlen (text) < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't'))
    return FALSE;

  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;

  if (out_usec)
    *out_usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

char *
rp_format_timestamp (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  int frac = (int) (usec % G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("");
  if (frac == 0)
    return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
  else
    {
      g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
      if (frac % 1000 == 0)
        return g_strdup_printf ("%s.%03dZ", base, frac / 1000);
      return g_strdup_printf ("%s.%06dZ", base, frac);
    }
}

const char *
rp_json_string (JsonObject *obj,
                const char *member)
{
  JsonNode *node;

  if (obj == NULL)
    return NULL;
  node = json_object_get_member (obj, member);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
rp_json_int (JsonObject *obj,
             const char *member,
             gint64      fallback)
{
  JsonNode *node;

  if (obj == NULL)
    return fallback;
  node = json_object_get_member (obj, member);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

gboolean
rp_json_bool (JsonObject *obj,
              const char *member)
{
  JsonNode *node;

  if (obj == NULL)
    return FALSE;
  node = json_object_get_member (obj, member);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

static gboolean
is_string (const RpJsonValue *value)
{
  return value != NULL && value->kind == RP_JSON_STRING;
}

static gboolean
check_field (const RpJsonValue  *doc,
             const Field        *field,
             GError            **error)
{
  const RpJsonValue *value = rp_json_value_get_member (doc, field->name);
  const char *str = NULL;

  if (value == NULL)
    {
      if (field->required)
        {
          g_set_error (error, RP_ERROR, RP_ERROR_INVALID, _("missing field “%s”"), field->name);
          return FALSE;
        }
      return TRUE;
    }

  switch (field->kind)
    {
    case F_STRING_OR_NULL:
      if (value->kind == RP_JSON_NULL)
        return TRUE;
      G_GNUC_FALLTHROUGH;
    case F_STRING:
    case F_TIMESTAMP:
    case F_CUSTOMER:
      if (!is_string (value))
        goto wrong_type;
      str = value->v.s;
      if (field->kind == F_TIMESTAMP && !rp_parse_timestamp (str, NULL))
        goto wrong_type;
      if (field->kind == F_CUSTOMER && (!g_str_has_prefix (str, "customer:") || str[9] == '\0'))
        goto wrong_type;
      if (field->allowed != NULL && !g_strv_contains ((const char *const *) field->allowed, str))
        {
          g_set_error (error, RP_ERROR, RP_ERROR_INVALID,
                       _("field “%s” has an unknown value"), field->name);
          return FALSE;
        }
      return TRUE;

    case F_INT:
      if (value->kind != RP_JSON_INT)
        goto wrong_type;
      return TRUE;

    case F_BOOL:
      if (value->kind != RP_JSON_BOOL)
        goto wrong_type;
      return TRUE;

    case F_OBJECT:
      if (value->kind != RP_JSON_OBJECT)
        goto wrong_type;
      return TRUE;

    case F_STRINGS:
    case F_OBJECTS:
      if (value->kind != RP_JSON_ARRAY)
        goto wrong_type;
      for (guint i = 0; i < value->len; i++)
        if (value->v.items[i].kind != (field->kind == F_STRINGS ? RP_JSON_STRING : RP_JSON_OBJECT))
          goto wrong_type;
      return TRUE;

    case F_MONEY:
      {
        const RpJsonValue *amount = rp_json_value_get_member (value, "amount");

        if (amount == NULL || amount->kind != RP_JSON_INT ||
            rp_json_value_get_string (value, "currency") == NULL)
          goto wrong_type;
      }
      return TRUE;

    case F_NAME:
      {
        const RpJsonValue *family = rp_json_value_get_member (value, "family");
        const RpJsonValue *given = rp_json_value_get_member (value, "given");

        if (value->kind != RP_JSON_OBJECT || (family && !is_string (family)) ||
            (given && !is_string (given)) || (family == NULL && given == NULL))
          goto wrong_type;
      }
      return TRUE;

    default:
      g_assert_not_reached ();
    }

wrong_type:
  g_set_error (error, RP_ERROR, RP_ERROR_INVALID, _("field “%s” has the wrong type"), field->name);
  return FALSE;
}

gboolean
rp_doc_validate (const RpJsonValue  *doc,
                 RpDocType          *out_type,
                 GError            **error)
{
  const char *id;
  const char *type_str;
  const char *colon;
  RpDocType type;
  const Field *fields;

  if (out_type)
    *out_type = RP_DOC_UNKNOWN;

  if (doc == NULL || doc->kind != RP_JSON_OBJECT)
    {
      g_set_error_literal (error, RP_ERROR, RP_ERROR_INVALID, _("not a JSON object"));
      return FALSE;
    }

  id = rp_json_value_get_string (doc, "_id");
  if (id == NULL || *id == '\0')
    {
      g_set_error_literal (error, RP_ERROR, RP_ERROR_INVALID, _("no “_id”"));
      return FALSE;
    }

  if (rp_json_value_get_bool (doc, "_deleted"))
    {
      /* A tombstone: its type is the one its id names */
      colon = strchr (id, ':');
      if (colon != NULL)
        {
          g_autofree char *prefix = g_strndup (id, colon - id);
          if (out_type)
            *out_type = rp_doc_type_from_string (prefix);
        }
      return TRUE;
    }

  type_str = rp_json_value_get_string (doc, "type");
  if (type_str == NULL)
    {
      g_set_error_literal (error, RP_ERROR, RP_ERROR_INVALID, _("no “type”"));
      return FALSE;
    }

  type = rp_doc_type_from_string (type_str);
  if (type == RP_DOC_UNKNOWN)
    return TRUE;  /* stored, never shown */

  colon = strchr (id, ':');
  if (colon == NULL || (gsize) (colon - id) != strlen (type_str) ||
      strncmp (id, type_str, colon - id) != 0 || colon[1] == '\0')
    {
      g_set_error (error, RP_ERROR, RP_ERROR_INVALID,
                   _("“_id” does not have the form “%s:<id>”"), type_str);
      return FALSE;
    }

  {
    const char *at = rp_json_value_get_string (doc, "at");
    const RpJsonValue *at_value = rp_json_value_get_member (doc, "at");

    if ((at_value != NULL && at == NULL) || (at != NULL && !rp_parse_timestamp (at, NULL)))
      {
        g_set_error_literal (error, RP_ERROR, RP_ERROR_INVALID,
                             _("“at” is not an RFC 3339 time"));
        return FALSE;
      }
    if (at == NULL && type != RP_DOC_AGENT && type != RP_DOC_QUEUE)
      {
        g_set_error (error, RP_ERROR, RP_ERROR_INVALID, _("missing field “%s”"), "at");
        return FALSE;
      }
  }

  fields = type_fields[type];
  for (guint i = 0; fields[i].name != NULL; i++)
    if (!check_field (doc, &fields[i], error))
      return FALSE;

  if (out_type)
    *out_type = type;
  return TRUE;
}

const char *
rp_doc_customer_id (const RpJsonValue *doc,
                    RpDocType          type)
{
  switch (type)
    {
    case RP_DOC_CUSTOMER:
      return rp_json_value_get_string (doc, "_id");
    case RP_DOC_MERGE:
      return rp_json_value_get_string (doc, "survivor");
    case RP_DOC_ORDER:
    case RP_DOC_TICKET:
    case RP_DOC_TICKET_EVENT:
    case RP_DOC_INTERACTION:
    case RP_DOC_CONSENT:
    case RP_DOC_NOTE:
    case RP_DOC_SURVEY:
    case RP_DOC_ERASURE:
    case RP_DOC_UNKNOWN:   /* so an erasure reaches documents we do not show */
      return rp_json_value_get_string (doc, "customer_id");
    case RP_DOC_AGENT:
    case RP_DOC_QUEUE:
    case RP_N_DOC_TYPES:
    default:
      return NULL;
    }
}

/* Compact JSON.  Canonical (members sorted by name, strings escaped the
 * one way) is what is stored and what push revisions hash; insertion
 * order is what the demo export writes, readable as generated. */
static void
append_string (GString    *out,
               const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p; p++)
    {
      guchar ch = (guchar) *p;

      if (ch >= 0x20 && ch != '"' && ch != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      switch (ch)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default: g_string_append_printf (out, "\\u%04x", ch); break;
        }
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
append_int (GString *out,
            gint64   value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 v = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v > 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, buf + sizeof buf - p);
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  const RpJsonValue *x = *(const RpJsonValue *const *) a;
  const RpJsonValue *y = *(const RpJsonValue *const *) b;
  int cmp = strcmp (x->name, y->name);

  /* Of members with one name, the last written is the one kept */
  return cmp != 0 ? cmp : (x < y ? -1 : x > y);
}

static void
append_object (GString           *out,
               const RpJsonValue *object,
               gboolean           sorted,
               const char        *without)
{
  const RpJsonValue *stack_members[32];
  const RpJsonValue **members = stack_members;
  gboolean first = TRUE;
  guint n = object->len;

  if (n > G_N_ELEMENTS (stack_members))
    members = g_new (const RpJsonValue *, n);
  for (guint i = 0; i < n; i++)
    members[i] = &object->v.items[i];
  if (sorted)
    qsort (members, n, sizeof (RpJsonValue *), compare_members);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (sorted && i + 1 < n && strcmp (members[i]->name, members[i + 1]->name) == 0)
        continue;
      if (without != NULL && strcmp (members[i]->name, without) == 0)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_string (out, members[i]->name);
      g_string_append_c (out, ':');
      rp_json_value_append (out, members[i], sorted, NULL);
    }
  g_string_append_c (out, '}');

  if (members != stack_members)
    g_free (members);
}

void
rp_json_value_append (GString           *out,
                      const RpJsonValue *value,
                      gboolean           sorted,
                      const char        *without)
{
  switch ((RpJsonKind) value->kind)
    {
    case RP_JSON_OBJECT:
      append_object (out, value, sorted, without);
      break;

    case RP_JSON_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < value->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          rp_json_value_append (out, &value->v.items[i], sorted, NULL);
        }
      g_string_append_c (out, ']');
      break;

    case RP_JSON_STRING:
      append_string (out, value->v.s);
      break;

    case RP_JSON_INT:
      append_int (out, value->v.i);
      break;

    case RP_JSON_BOOL:
      g_string_append (out, value->v.b ? "true" : "false");
      break;

    case RP_JSON_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append (out, g_ascii_dtostr (buf, sizeof buf, value->v.d));
      }
      break;

    case RP_JSON_NULL:
    default:
      g_string_append (out, "null");
    }
}

void
rp_json_append (GString  *out,
                JsonNode *node,
                gboolean  sorted)
{
  g_autoptr(RpJsonTree) tree = rp_json_tree_new_from_node (node);

  rp_json_value_append (out, rp_json_tree_get_root (tree), sorted, NULL);
}

char *
rp_json_value_canonical (const RpJsonValue *value,
                         const char        *without,
                         gsize             *out_len)
{
  GString *out = g_string_sized_new (512);

  rp_json_value_append (out, value, TRUE, without);
  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}

char *
rp_json_canonical (JsonNode *node,
                   gsize    *out_len)
{
  g_autoptr(RpJsonTree) tree = rp_json_tree_new_from_node (node);

  return rp_json_value_canonical (rp_json_tree_get_root (tree), NULL, out_len);
}

static gboolean
has_cjk (const char *text)
{
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF))
        return TRUE;
    }
  return FALSE;
}

static char *
display_name_of (const RpJsonValue *customer,
                 const char        *member)
{
  const RpJsonValue *name = rp_json_value_get_member (customer, member);
  const char *family;
  const char *given;
  const char *language;

  if (name == NULL || name->kind != RP_JSON_OBJECT)
    return NULL;

  family = rp_json_value_get_string (name, "family");
  given = rp_json_value_get_string (name, "given");
  language = rp_json_value_get_string (customer, "language");

  if (family == NULL || *family == '\0')
    return given ? g_strdup (given) : NULL;
  if (given == NULL || *given == '\0')
    return g_strdup (family);

  /* Family name first for Japanese (and other CJK) names */
  if ((language && (g_str_has_prefix (language, "ja") || g_str_has_prefix (language, "zh") ||
                    g_str_has_prefix (language, "ko"))) ||
      has_cjk (family))
    return g_strdup_printf ("%s %s", family, given);

  return g_strdup_printf ("%s %s", given, family);
}

char *
rp_customer_display_name (const RpJsonValue *customer)
{
  char *name = display_name_of (customer, "name");
  return name ? name : g_strdup ("");
}

char *
rp_customer_display_kana (const RpJsonValue *customer)
{
  return display_name_of (customer, "kana");
}

char *
rp_uuid_new (void)
{
  return g_uuid_string_random ();
}

gboolean
rp_ticket_status_is_open (const char *status)
{
  return g_strcmp0 (status, "new") == 0 || g_strcmp0 (status, "open") == 0 ||
         g_strcmp0 (status, "pending") == 0;
}

RpSlaState
rp_sla_state (const char *status,
              gint64      resolution_due_usec,
              gint64      now_usec,
              gint64      lead_usec)
{
  if (!rp_ticket_status_is_open (status) || resolution_due_usec == 0)
    return RP_SLA_NONE;
  if (resolution_due_usec <= now_usec)
    return RP_SLA_BREACHED;
  if (resolution_due_usec <= now_usec + lead_usec)
    return RP_SLA_AT_RISK;
  return RP_SLA_ON_TIME;
}

const char *
rp_sla_state_to_string (RpSlaState state)
{
  switch (state)
    {
    case RP_SLA_ON_TIME: return "on_time";
    case RP_SLA_AT_RISK: return "at_risk";
    case RP_SLA_BREACHED: return "breached";
    case RP_SLA_NONE:
    default:
      return "none";
    }
}
