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
is_string_node (JsonNode *node)
{
  return JSON_NODE_TYPE (node) == JSON_NODE_VALUE &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
check_field (JsonObject  *doc,
             const Field *field,
             GError     **error)
{
  JsonNode *node = json_object_get_member (doc, field->name);
  const char *str = NULL;

  if (node == NULL)
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
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      G_GNUC_FALLTHROUGH;
    case F_STRING:
    case F_TIMESTAMP:
    case F_CUSTOMER:
      if (!is_string_node (node))
        goto wrong_type;
      str = json_node_get_string (node);
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
      if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_INT64)
        goto wrong_type;
      return TRUE;

    case F_BOOL:
      if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        goto wrong_type;
      return TRUE;

    case F_OBJECT:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto wrong_type;
      return TRUE;

    case F_STRINGS:
    case F_OBJECTS:
      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto wrong_type;
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          {
            JsonNode *element = json_array_get_element (array, i);

            if (field->kind == F_STRINGS ? !is_string_node (element) : !JSON_NODE_HOLDS_OBJECT (element))
              goto wrong_type;
          }
      }
      return TRUE;

    case F_MONEY:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto wrong_type;
      {
        JsonObject *money = json_node_get_object (node);
        JsonNode *amount = json_object_get_member (money, "amount");

        if (amount == NULL || JSON_NODE_TYPE (amount) != JSON_NODE_VALUE ||
            json_node_get_value_type (amount) != G_TYPE_INT64 ||
            rp_json_string (money, "currency") == NULL)
          goto wrong_type;
      }
      return TRUE;

    case F_NAME:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto wrong_type;
      {
        JsonObject *name = json_node_get_object (node);
        JsonNode *family = json_object_get_member (name, "family");
        JsonNode *given = json_object_get_member (name, "given");

        if ((family && !is_string_node (family)) || (given && !is_string_node (given)) ||
            (family == NULL && given == NULL))
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
rp_doc_validate (JsonObject  *doc,
                 RpDocType   *out_type,
                 GError     **error)
{
  const char *id;
  const char *type_str;
  const char *colon;
  RpDocType type;
  const Field *fields;

  if (out_type)
    *out_type = RP_DOC_UNKNOWN;

  id = rp_json_string (doc, "_id");
  if (id == NULL || *id == '\0')
    {
      g_set_error_literal (error, RP_ERROR, RP_ERROR_INVALID, _("no “_id”"));
      return FALSE;
    }

  if (rp_json_bool (doc, "_deleted"))
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

  type_str = rp_json_string (doc, "type");
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
    const char *at = rp_json_string (doc, "at");
    JsonNode *at_node = json_object_get_member (doc, "at");

    if ((at_node != NULL && at == NULL) || (at != NULL && !rp_parse_timestamp (at, NULL)))
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
rp_doc_customer_id (JsonObject *doc,
                    RpDocType   type)
{
  switch (type)
    {
    case RP_DOC_CUSTOMER:
      return rp_json_string (doc, "_id");
    case RP_DOC_MERGE:
      return rp_json_string (doc, "survivor");
    case RP_DOC_ORDER:
    case RP_DOC_TICKET:
    case RP_DOC_TICKET_EVENT:
    case RP_DOC_INTERACTION:
    case RP_DOC_CONSENT:
    case RP_DOC_NOTE:
    case RP_DOC_SURVEY:
    case RP_DOC_ERASURE:
    case RP_DOC_UNKNOWN:   /* so an erasure reaches documents we do not show */
      return rp_json_string (doc, "customer_id");
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
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

void
rp_json_append (GString  *out,
                JsonNode *node,
                gboolean  sorted)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *obj = json_node_get_object (node);
        guint n = json_object_get_size (obj);
        g_autofree const char **names = g_new (const char *, n + 1);
        JsonObjectIter iter;
        const char *name;
        guint i = 0;

        json_object_iter_init_ordered (&iter, obj);
        while (json_object_iter_next_ordered (&iter, &name, NULL))
          names[i++] = name;
        if (sorted)
          qsort (names, n, sizeof (char *), compare_names);

        g_string_append_c (out, '{');
        for (i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_string (out, names[i]);
            g_string_append_c (out, ':');
            rp_json_append (out, json_object_get_member (obj, names[i]), sorted);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            rp_json_append (out, json_array_get_element (array, i), sorted);
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          append_int (out, json_node_get_int (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
          break;
        default:
          g_string_append (out, "null");
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
    }
}

char *
rp_json_canonical (JsonNode *node,
                   gsize    *out_len)
{
  GString *out = g_string_sized_new (512);

  rp_json_append (out, node, TRUE);
  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
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
display_name_of (JsonObject *customer,
                 const char *member)
{
  JsonNode *node = json_object_get_member (customer, member);
  JsonObject *name;
  const char *family;
  const char *given;
  const char *language;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  name = json_node_get_object (node);
  family = rp_json_string (name, "family");
  given = rp_json_string (name, "given");
  language = rp_json_string (customer, "language");

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
rp_customer_display_name (JsonObject *customer)
{
  char *name = display_name_of (customer, "name");
  return name ? name : g_strdup ("");
}

char *
rp_customer_display_kana (JsonObject *customer)
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
