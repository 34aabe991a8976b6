/* rp-json.c: a fast, strict JSON reader and the flat trees it builds
 *
 * Every synced or imported document goes through here.  A json-glib
 * tree costs an allocation per value and a hash table per object, which
 * took more time than parsing itself; a flat tree takes a few blocks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-json"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "rp-json.h"

#define MAX_DEPTH 64
#define BLOCK_SIZE (64 * 1024)

typedef struct _Block Block;
struct _Block
{
  Block *next;
  gsize  size;
  gsize  used;
  char   data[];
};

struct _RpJsonTree
{
  gint        ref_count;
  RpJsonValue root;
  Block      *blocks;     /* the newest first */
  gsize       first_size;
};

static RpJsonTree *
tree_new (gsize size_hint)
{
  RpJsonTree *tree = g_new0 (RpJsonTree, 1);
  gsize size = MAX (size_hint, 256);

  tree->ref_count = 1;
  tree->first_size = size;
  tree->blocks = g_malloc (sizeof (Block) + size);
  tree->blocks->next = NULL;
  tree->blocks->size = size;
  tree->blocks->used = 0;
  return tree;
}

static gpointer
tree_alloc (RpJsonTree *tree,
            gsize       size)
{
  Block *block = tree->blocks;
  gsize at = (block->used + 7) & ~(gsize) 7;
  gpointer mem;

  if (at + size > block->size)
    {
      /* A tree that outgrew its first block grows by as much again, so a
       * small document's tree stays small */
      gsize block_size = MAX (MIN (BLOCK_SIZE, tree->first_size), size);

      block = g_malloc (sizeof (Block) + block_size);
      block->next = tree->blocks;
      block->size = block_size;
      tree->blocks = block;
      at = 0;
    }
  mem = block->data + at;
  block->used = at + size;
  return mem;
}

RpJsonTree *
rp_json_tree_ref (RpJsonTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);

  g_atomic_int_inc (&tree->ref_count);
  return tree;
}

void
rp_json_tree_unref (RpJsonTree *tree)
{
  g_return_if_fail (tree != NULL);

  if (!g_atomic_int_dec_and_test (&tree->ref_count))
    return;
  for (Block *block = tree->blocks, *next; block; block = next)
    {
      next = block->next;
      g_free (block);
    }
  g_free (tree);
}

const RpJsonValue *
rp_json_tree_get_root (RpJsonTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);

  return &tree->root;
}

/* Reading */

typedef struct
{
  const char  *p;
  const char  *end;
  const char  *start;
  GString     *buf;       /* scratch for strings with escapes */
  GError     **error;
  RpJsonTree  *tree;
  RpJsonValue *stack;     /* values read whose container is still open */
  guint        n_stack;
  guint        stack_size;
} Reader;

static gboolean read_value (Reader *r, int depth);

static gboolean
fail (Reader     *r,
      const char *what)
{
  if (r->error && *r->error == NULL)
    g_set_error (r->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("Invalid JSON at byte %lu: %s"),
                 (unsigned long) (r->p - r->start), what);
  return FALSE;
}

static inline void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static inline RpJsonValue *
push (Reader     *r,
      RpJsonKind  kind)
{
  RpJsonValue *value;

  if (r->n_stack == r->stack_size)
    {
      r->stack_size = MAX (64, r->stack_size * 2);
      r->stack = g_renew (RpJsonValue, r->stack, r->stack_size);
    }
  value = &r->stack[r->n_stack++];
  value->name = NULL;
  value->kind = kind;
  value->len = 0;
  return value;
}

static int
hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* Reads a string at r->p (on the opening quote) into the tree.  Returns
 * the NUL-terminated copy, or NULL. */
static const char *
read_string (Reader *r,
             gsize  *out_len)
{
  const char *s = ++r->p;
  const char *run;

  /* The common case: no escapes, plain bytes up to the closing quote */
  while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (guchar) *r->p >= 0x20)
    r->p++;

  if (r->p < r->end && *r->p == '"')
    {
      gsize n = r->p - s;
      char *copy;

      if (!g_utf8_validate_len (s, n, NULL))
        {
          fail (r, _("invalid UTF-8"));
          return NULL;
        }
      r->p++;
      copy = tree_alloc (r->tree, n + 1);
      memcpy (copy, s, n);
      copy[n] = '\0';
      *out_len = n;
      return copy;
    }

  g_string_truncate (r->buf, 0);

  g_string_append_len (r->buf, s, r->p - s);
  while (r->p < r->end)
    {
      char c = *r->p;

      if (c == '"')
        {
          r->p++;
          goto done;
        }
      if ((guchar) c < 0x20)
        {
          fail (r, _("control character in a string"));
          return NULL;
        }
      if (c != '\\')
        {
          run = r->p;
          while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (guchar) *r->p >= 0x20)
            r->p++;
          g_string_append_len (r->buf, run, r->p - run);
          continue;
        }

      if (r->p + 1 >= r->end)
        break;
      r->p++;
      switch (*r->p)
        {
        case '"': g_string_append_c (r->buf, '"'); break;
        case '\\': g_string_append_c (r->buf, '\\'); break;
        case '/': g_string_append_c (r->buf, '/'); break;
        case 'b': g_string_append_c (r->buf, '\b'); break;
        case 'f': g_string_append_c (r->buf, '\f'); break;
        case 'n': g_string_append_c (r->buf, '\n'); break;
        case 'r': g_string_append_c (r->buf, '\r'); break;
        case 't': g_string_append_c (r->buf, '\t'); break;
        case 'u':
          {
            int cp;

            if (r->end - r->p < 5 || (cp = hex4 (r->p + 1)) < 0)
              {
                fail (r, _("bad \\u escape"));
                return NULL;
              }
            r->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF)
              {
                int lo;

                if (r->end - r->p < 7 || r->p[1] != '\\' || r->p[2] != 'u' ||
                    (lo = hex4 (r->p + 3)) < 0xDC00 || lo > 0xDFFF)
                  {
                    fail (r, _("lone surrogate"));
                    return NULL;
                  }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                r->p += 6;
              }
            else if (cp >= 0xDC00 && cp <= 0xDFFF)
              {
                fail (r, _("lone surrogate"));
                return NULL;
              }
            if (cp == 0)
              {
                fail (r, _("NUL in a string"));
                return NULL;
              }
            g_string_append_unichar (r->buf, cp);
          }
          break;
        default:
          fail (r, _("bad escape"));
          return NULL;
        }
      r->p++;
    }

  fail (r, _("unterminated string"));
  return NULL;

done:
  if (!g_utf8_validate_len (r->buf->str, r->buf->len, NULL))
    {
      fail (r, _("invalid UTF-8"));
      return NULL;
    }
  *out_len = r->buf->len;
  return memcpy (tree_alloc (r->tree, r->buf->len + 1), r->buf->str, r->buf->len + 1);
}

static gboolean
read_number (Reader *r)
{
  const char *s = r->p;
  gboolean is_int = TRUE;
  char tmp[64];
  gsize n;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return fail (r, _("unexpected character"));
  if (*r->p == '0')
    r->p++;
  else
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      is_int = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, _("bad number"));
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      is_int = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, _("bad number"));
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  n = r->p - s;
  if (n >= sizeof tmp)
    {
      is_int = FALSE;
      n = sizeof tmp - 1;
    }
  memcpy (tmp, s, n);
  tmp[n] = '\0';

  if (is_int)
    {
      gint64 v;

      errno = 0;
      v = g_ascii_strtoll (tmp, NULL, 10);
      if (errno == 0)
        {
          push (r, RP_JSON_INT)->v.i = v;
          return TRUE;
        }
    }
  push (r, RP_JSON_DOUBLE)->v.d = g_ascii_strtod (tmp, NULL);
  return TRUE;
}

static gboolean
expect_word (Reader     *r,
             const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return fail (r, _("unexpected character"));
  r->p += n;
  return TRUE;
}

/* The values read since @base become the items of one container */
static void
close_container (Reader     *r,
                 guint       base,
                 RpJsonKind  kind)
{
  guint n = r->n_stack - base;
  RpJsonValue *items = NULL;
  RpJsonValue *value;

  if (n > 0)
    items = memcpy (tree_alloc (r->tree, n * sizeof (RpJsonValue)), &r->stack[base],
                    n * sizeof (RpJsonValue));
  r->n_stack = base;
  value = push (r, kind);
  value->len = n;
  value->v.items = items;
}

static gboolean
read_object (Reader *r,
             int     depth)
{
  guint base = r->n_stack;

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      close_container (r, base, RP_JSON_OBJECT);
      return TRUE;
    }

  for (;;)
    {
      const char *name;
      gsize name_len;

      skip_ws (r);
      if (r->p >= r->end || *r->p != '"')
        return fail (r, _("expected a member name"));
      if (!(name = read_string (r, &name_len)))
        return FALSE;
      skip_ws (r);
      if (r->p >= r->end || *r->p != ':')
        return fail (r, _("expected “:”"));
      r->p++;
      if (!read_value (r, depth + 1))
        return FALSE;
      r->stack[r->n_stack - 1].name = name;

      skip_ws (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == '}')
        {
          r->p++;
          close_container (r, base, RP_JSON_OBJECT);
          return TRUE;
        }
      return fail (r, _("expected “,” or “}”"));
    }
}

static gboolean
read_array (Reader *r,
            int     depth)
{
  guint base = r->n_stack;

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      close_container (r, base, RP_JSON_ARRAY);
      return TRUE;
    }

  for (;;)
    {
      if (!read_value (r, depth + 1))
        return FALSE;

      skip_ws (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == ']')
        {
          r->p++;
          close_container (r, base, RP_JSON_ARRAY);
          return TRUE;
        }
      return fail (r, _("expected “,” or “]”"));
    }
}

static gboolean
read_value (Reader *r,
            int     depth)
{
  if (depth > MAX_DEPTH)
    return fail (r, _("nested too deeply"));

  skip_ws (r);
  if (r->p >= r->end)
    return fail (r, _("unexpected end"));

  switch (*r->p)
    {
    case '{':
      return read_object (r, depth);
    case '[':
      return read_array (r, depth);
    case '"':
      {
        gsize len;
        const char *s = read_string (r, &len);
        RpJsonValue *value;

        if (s == NULL)
          return FALSE;
        value = push (r, RP_JSON_STRING);
        value->len = len;
        value->v.s = s;
        return TRUE;
      }
    case 't':
      if (!expect_word (r, "true"))
        return FALSE;
      push (r, RP_JSON_BOOL)->v.b = TRUE;
      return TRUE;
    case 'f':
      if (!expect_word (r, "false"))
        return FALSE;
      push (r, RP_JSON_BOOL)->v.b = FALSE;
      return TRUE;
    case 'n':
      if (!expect_word (r, "null"))
        return FALSE;
      push (r, RP_JSON_NULL);
      return TRUE;
    default:
      return read_number (r);
    }
}

RpJsonTree *
rp_json_tree_parse (const char  *data,
                    gsize        len,
                    GError     **error)
{
  Reader r = { data, data + len, data, NULL, error, NULL, NULL, 0, 0 };
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  /* Strings take no more room than their source, and a value's 24 bytes
   * stand for 10 to 20 of it: twice the source is room enough for most */
  r.tree = tree_new (2 * len + 256);
  r.buf = g_string_sized_new (256);

  ok = read_value (&r, 0);
  if (ok)
    {
      skip_ws (&r);
      if (r.p != r.end)
        ok = fail (&r, _("trailing characters"));
    }
  if (ok)
    r.tree->root = r.stack[0];

  g_free (r.stack);
  g_string_free (r.buf, TRUE);
  if (!ok)
    g_clear_pointer (&r.tree, rp_json_tree_unref);
  return r.tree;
}

/* Lookups */

const RpJsonValue *
rp_json_value_get_member (const RpJsonValue *object,
                          const char        *name)
{
  if (object == NULL || object->kind != RP_JSON_OBJECT)
    return NULL;
  /* A dozen members or so: a scan, skipping most by their first byte */
  for (guint i = object->len; i-- > 0;)
    if (object->v.items[i].name[0] == name[0] && strcmp (object->v.items[i].name, name) == 0)
      return &object->v.items[i];
  return NULL;
}

const char *
rp_json_value_get_string (const RpJsonValue *object,
                          const char        *name)
{
  const RpJsonValue *member = rp_json_value_get_member (object, name);

  return member && member->kind == RP_JSON_STRING ? member->v.s : NULL;
}

gboolean
rp_json_value_get_bool (const RpJsonValue *object,
                        const char        *name)
{
  const RpJsonValue *member = rp_json_value_get_member (object, name);

  return member && member->kind == RP_JSON_BOOL && member->v.b;
}

/* To and from json-glib */

JsonNode *
rp_json_value_to_node (const RpJsonValue *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  switch ((RpJsonKind) value->kind)
    {
    case RP_JSON_BOOL:
      return json_node_init_boolean (json_node_alloc (), value->v.b);
    case RP_JSON_INT:
      return json_node_init_int (json_node_alloc (), value->v.i);
    case RP_JSON_DOUBLE:
      return json_node_init_double (json_node_alloc (), value->v.d);
    case RP_JSON_STRING:
      return json_node_init_string (json_node_alloc (), value->v.s);
    case RP_JSON_ARRAY:
      {
        JsonArray *array = json_array_sized_new (value->len);
        JsonNode *node;

        for (guint i = 0; i < value->len; i++)
          json_array_add_element (array, rp_json_value_to_node (&value->v.items[i]));
        node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return node;
      }
    case RP_JSON_OBJECT:
      {
        JsonObject *object = json_object_new ();
        JsonNode *node;

        for (guint i = 0; i < value->len; i++)
          json_object_set_member (object, value->v.items[i].name,
                                  rp_json_value_to_node (&value->v.items[i]));
        node = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        return node;
      }
    case RP_JSON_NULL:
    default:
      return json_node_init_null (json_node_alloc ());
    }
}

static const char *
tree_strdup (RpJsonTree *tree,
             const char *str,
             guint32    *out_len)
{
  gsize len = strlen (str);

  if (out_len)
    *out_len = len;
  return memcpy (tree_alloc (tree, len + 1), str, len + 1);
}

static void
value_from_node (RpJsonTree  *tree,
                 RpJsonValue *value,
                 JsonNode    *node)
{
  value->kind = RP_JSON_NULL;
  value->len = 0;

  switch (node ? JSON_NODE_TYPE (node) : JSON_NODE_NULL)
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        RpJsonValue *items;
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        guint i = 0;

        value->kind = RP_JSON_OBJECT;
        value->len = json_object_get_size (object);
        value->v.items = items = tree_alloc (tree, value->len * sizeof (RpJsonValue));
        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            value_from_node (tree, &items[i], member);
            items[i++].name = tree_strdup (tree, name, NULL);
          }
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        RpJsonValue *items;

        value->kind = RP_JSON_ARRAY;
        value->len = json_array_get_length (array);
        value->v.items = items = tree_alloc (tree, value->len * sizeof (RpJsonValue));
        for (guint i = 0; i < value->len; i++)
          {
            value_from_node (tree, &items[i], json_array_get_element (array, i));
            items[i].name = NULL;
          }
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          value->kind = RP_JSON_STRING;
          value->v.s = tree_strdup (tree, json_node_get_string (node), &value->len);
          break;
        case G_TYPE_INT64:
          value->kind = RP_JSON_INT;
          value->v.i = json_node_get_int (node);
          break;
        case G_TYPE_BOOLEAN:
          value->kind = RP_JSON_BOOL;
          value->v.b = json_node_get_boolean (node);
          break;
        case G_TYPE_DOUBLE:
          value->kind = RP_JSON_DOUBLE;
          value->v.d = json_node_get_double (node);
          break;
        default:
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

RpJsonTree *
rp_json_tree_new_from_node (JsonNode *node)
{
  RpJsonTree *tree = tree_new (4096);

  value_from_node (tree, &tree->root, node);
  tree->root.name = NULL;
  return tree;
}

JsonNode *
rp_json_parse (const char  *data,
               gsize        len,
               GError     **error)
{
  g_autoptr(RpJsonTree) tree = rp_json_tree_parse (data, len, error);

  return tree ? rp_json_value_to_node (rp_json_tree_get_root (tree)) : NULL;
}
