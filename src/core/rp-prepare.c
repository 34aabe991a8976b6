/* rp-prepare.c: what the apply path derives from a document, worked out
 * before the writer's turn
 *
 * The cache has one writer, so everything that needs no database runs
 * where the document was parsed: validation, the canonical body, the
 * timeline's title and the folded search keys.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-cache"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rp-doc.h"
#include "rp-prepare.h"
#include "rp-id-map.h"
#include "rp-text.h"

static char *
make_title (const RpJsonValue *doc,
            RpDocType          type)
{
  const char *text = NULL;

  switch (type)
    {
    case RP_DOC_ORDER:
      {
        const RpJsonValue *items = rp_json_value_get_member (doc, "items");
        GString *names = g_string_new (NULL);

        for (guint i = 0; items && items->kind == RP_JSON_ARRAY && i < items->len && names->len < 120; i++)
          {
            const char *name = rp_json_value_get_string (&items->v.items[i], "name");
            if (name)
              {
                if (names->len)
                  g_string_append (names, ", ");
                g_string_append (names, name);
              }
          }
        return g_string_free (names, FALSE);
      }
    case RP_DOC_TICKET: text = rp_json_value_get_string (doc, "subject"); break;
    case RP_DOC_TICKET_EVENT:
      text = rp_json_value_get_string (doc, "handoff");
      if (text == NULL || *text == '\0')
        text = rp_json_value_get_string (doc, "comment");
      break;
    case RP_DOC_INTERACTION: text = rp_json_value_get_string (doc, "summary"); break;
    case RP_DOC_CONSENT: text = rp_json_value_get_string (doc, "state"); break;
    case RP_DOC_NOTE: text = rp_json_value_get_string (doc, "body"); break;
    case RP_DOC_SURVEY: text = rp_json_value_get_string (doc, "comment"); break;
    case RP_DOC_MERGE: text = rp_json_value_get_string (doc, "reason"); break;
    case RP_DOC_UNKNOWN:
    case RP_DOC_CUSTOMER:
    case RP_DOC_AGENT:
    case RP_DOC_QUEUE:
    case RP_DOC_ERASURE:
    case RP_N_DOC_TYPES:
    default:
      break;
    }

  if (text == NULL)
    return NULL;

  /* First words only: the body stays in the body */
  if (g_utf8_strlen (text, 200) >= 160)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, 160);
      return g_strconcat (cut, "…", NULL);
    }
  return g_strdup (text);
}

static const char *
channel_of (const RpJsonValue *doc,
            RpDocType          type)
{
  switch (type)
    {
    case RP_DOC_CONSENT: return rp_json_value_get_string (doc, "source");
    case RP_DOC_ORDER:
    case RP_DOC_TICKET:
    case RP_DOC_INTERACTION: return rp_json_value_get_string (doc, "channel");
    default: return NULL;
    }
}

/* Search keys */

static void
add_key (RpPrepared *p,
         const char *text,
         int         kind,
         const char *label,
         gboolean    sub)
{
  RpPreparedKey key;

  if (text == NULL)
    return;

  key = (RpPreparedKey) { rp_text_fold (text), label, kind, sub };
  if (*key.key == '\0')
    {
      g_free (key.key);
      return;
    }

  /* A handful per document: a scan beats a hash table */
  for (guint i = 0; i < p->keys->len; i++)
    if (strcmp (g_array_index (p->keys, RpPreparedKey, i).key, key.key) == 0)
      {
        g_free (key.key);
        return;
      }

  g_array_append_val (p->keys, key);
}

static void
add_name_keys (RpPrepared *p,
               const char *member,
               int         kind)
{
  const RpJsonValue *name = rp_json_value_get_member (p->doc, member);
  const char *family, *given;

  if (name == NULL || name->kind != RP_JSON_OBJECT)
    return;
  family = rp_json_value_get_string (name, "family");
  given = rp_json_value_get_string (name, "given");

  /* Both orders of the whole name first: they hold every substring of
   * either part, so the parts alone need not go into the trigram index,
   * where they were a third of the keys.  The parts stay in the key
   * index, where a search for one of them finds it exactly. */
  if (family && given)
    {
      g_autofree char *fg = g_strconcat (family, given, NULL);
      g_autofree char *gf = g_strconcat (given, family, NULL);

      add_key (p, fg, kind, NULL, TRUE);
      add_key (p, gf, kind, NULL, TRUE);
    }
  if (family)
    add_key (p, family, kind, NULL, given == NULL);
  if (given)
    add_key (p, given, kind, NULL, family == NULL);
}

/* The strings of an array member; validation made sure they are */
static const char *
string_at (const RpJsonValue *array,
           guint              i)
{
  return array->v.items[i].kind == RP_JSON_STRING ? array->v.items[i].v.s : NULL;
}

static void
add_customer_keys (RpPrepared *p)
{
  const RpJsonValue *emails, *phones;

  add_name_keys (p, "name", RP_MATCH_NAME);
  add_name_keys (p, "kana", RP_MATCH_KANA);

  emails = rp_json_value_get_member (p->doc, "emails");
  for (guint i = 0; emails && emails->kind == RP_JSON_ARRAY && i < emails->len; i++)
    add_key (p, string_at (emails, i), RP_MATCH_EMAIL, string_at (emails, i), TRUE);

  /* Phones are found by their whole digits, national number or trunk
   * form, and by any prefix of them.  Digit trigrams are few and their
   * lists long: substring matching would cost the trigram index more than
   * every other kind of key together. */
  phones = rp_json_value_get_member (p->doc, "phones");
  for (guint i = 0; phones && phones->kind == RP_JSON_ARRAY && i < phones->len; i++)
    {
      const char *phone = string_at (phones, i);
      g_auto(GStrv) keys = phone ? rp_text_phone_keys (phone) : NULL;

      for (guint k = 0; keys && keys[k]; k++)
        add_key (p, keys[k], RP_MATCH_PHONE, phone, FALSE);
    }
}

static void
key_clear (RpPreparedKey *key)
{
  g_free (key->key);
}

RpPrepared *
rp_prepared_new (RpJsonTree        *tree,
                 const RpJsonValue *doc)
{
  RpPrepared *p = g_new0 (RpPrepared, 1);

  g_return_val_if_fail (tree != NULL && doc != NULL, p);

  p->tree = rp_json_tree_ref (tree);
  p->doc = doc;
  p->id = rp_json_value_get_string (doc, "_id");
  return p;
}

RpPrepared *
rp_prepared_new_from_node (JsonNode *node)
{
  g_autoptr(RpJsonTree) tree = rp_json_tree_new_from_node (node);

  return rp_prepared_new (tree, rp_json_tree_get_root (tree));
}

void
rp_prepared_prepare (RpPrepared *p)
{
  g_autoptr(GError) local_error = NULL;

  g_return_if_fail (p != NULL);

  if (p->prepared)
    return;
  p->prepared = TRUE;

  if (!rp_doc_validate (p->doc, &p->type, &local_error))
    {
      p->error = g_strdup (local_error->message);
      return;
    }

  p->id_hash = p->id ? rp_id_map_hash (p->id) : 0;
  p->deleted = rp_json_value_get_bool (p->doc, "_deleted");
  if (p->deleted || p->type == RP_DOC_ERASURE)
    return;

  /* Revisions mean nothing to a client that never edits; without them a
   * document pulled back after its own push is the same bytes */
  p->body = rp_json_value_canonical (p->doc, "_rev", &p->body_len);
  if (p->body_len > RP_DOC_MAX_BYTES)
    {
      p->error = g_strdup (_("larger than the 1 MiB a document may have"));
      return;
    }

  p->type_str = rp_json_value_get_string (p->doc, "type");
  p->customer_id = rp_doc_customer_id (p->doc, p->type);
  if (p->customer_id != NULL && !g_str_has_prefix (p->customer_id, "customer:"))
    p->customer_id = NULL;
  rp_parse_timestamp (rp_json_value_get_string (p->doc, "at"), &p->at);
  p->title = make_title (p->doc, p->type);
  p->channel = channel_of (p->doc, p->type);
  if (p->type == RP_DOC_TICKET_EVENT || p->type == RP_DOC_INTERACTION || p->type == RP_DOC_SURVEY)
    p->ticket = rp_json_value_get_string (p->doc, "ticket_id");
  if (p->type == RP_DOC_CONSENT)
    p->purpose = rp_json_value_get_string (p->doc, "purpose");

  p->keys = g_array_new (FALSE, FALSE, sizeof (RpPreparedKey));
  g_array_set_clear_func (p->keys, (GDestroyNotify) key_clear);
  switch (p->type)
    {
    case RP_DOC_CUSTOMER:
      p->name = rp_customer_display_name (p->doc);
      p->kana = rp_customer_display_kana (p->doc);
      p->tier = rp_json_value_get_string (p->doc, "tier");
      add_customer_keys (p);
      break;

    case RP_DOC_ORDER:
    case RP_DOC_TICKET:
      {
        const char *number = rp_json_value_get_string (p->doc, "number");

        if (number)
          add_key (p, number, p->type == RP_DOC_ORDER ? RP_MATCH_ORDER : RP_MATCH_TICKET,
                   number, TRUE);
      }
      break;

    default:
      break;
    }
}

const char *
rp_prepared_get_id (RpPrepared *p)
{
  g_return_val_if_fail (p != NULL, NULL);

  return p->id;
}

void
rp_prepared_free (RpPrepared *p)
{
  if (p == NULL)
    return;

  g_clear_pointer (&p->keys, g_array_unref);
  g_free (p->body);
  g_free (p->title);
  g_free (p->name);
  g_free (p->kana);
  g_free (p->error);
  g_clear_pointer (&p->tree, rp_json_tree_unref);
  g_free (p);
}

void
rp_prepared_share_prepare (gint       *share,
                           guint       index,
                           guint       n,
                           RpPrepared *p)
{
  if (index < n * (guint) g_atomic_int_get (share) / 1000)
    rp_prepared_prepare (p);
}

void
rp_prepared_share_update (gint   *share,
                          gint64  waited_usec)
{
  /* Waiting for the batch means its producer has too much to do */
  gint next = g_atomic_int_get (share) + (waited_usec > G_TIME_SPAN_MILLISECOND ? -50 : 50);

  g_atomic_int_set (share, CLAMP (next, 0, 1000));
}

void
rp_prepared_prepare_all (GPtrArray *prepared)
{
  for (guint i = 0; i < prepared->len; i++)
    rp_prepared_prepare (g_ptr_array_index (prepared, i));
}
