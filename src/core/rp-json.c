/* rp-json.c: a fast, strict JSON reader producing json-glib nodes
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

typedef struct
{
  const char *p;
  const char *end;
  const char *start;
  GString    *buf;      /* scratch for strings with escapes */
  GError    **error;
} Reader;

static JsonNode *read_value (Reader *r, int depth);

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

/* Reads a string at r->p (on the opening quote).  Returns a pointer to a
 * NUL-terminated string valid until the next call, or NULL. */
static const char *
read_string (Reader *r,
             gsize  *out_len)
{
  const char *s = ++r->p;
  const char *run;

  /* The common case: no escapes, plain bytes up to the closing quote */
  while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (guchar) *r->p >= 0x20)
    r->p++;

  g_string_truncate (r->buf, 0);
  if (r->p < r->end && *r->p == '"')
    {
      g_string_append_len (r->buf, s, r->p - s);
      r->p++;
      goto done;
    }

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
  if (!g_utf8_validate (r->buf->str, r->buf->len, NULL))
    {
      fail (r, _("invalid UTF-8"));
      return NULL;
    }
  if (out_len)
    *out_len = r->buf->len;
  return r->buf->str;
}

static JsonNode *
read_number (Reader *r)
{
  const char *s = r->p;
  gboolean is_int = TRUE;
  char tmp[64];
  gsize n;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    {
      fail (r, _("unexpected character"));
      return NULL;
    }
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
        {
          fail (r, _("bad number"));
          return NULL;
        }
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
        {
          fail (r, _("bad number"));
          return NULL;
        }
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
        return json_node_init_int (json_node_alloc (), v);
    }
  return json_node_init_double (json_node_alloc (), g_ascii_strtod (tmp, NULL));
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

/* json_node_init_object() and _array() take a reference of their own */
static JsonNode *
take_object (JsonObject *obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);

  json_object_unref (obj);
  return node;
}

static JsonNode *
take_array (JsonArray *array)
{
  JsonNode *node = json_node_init_array (json_node_alloc (), array);

  json_array_unref (array);
  return node;
}

static JsonNode *
read_object (Reader *r,
             int     depth)
{
  JsonObject *obj = json_object_new ();

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return take_object (obj);
    }

  for (;;)
    {
      g_autofree char *name = NULL;
      const char *key;
      gsize key_len;
      JsonNode *value;

      skip_ws (r);
      if (r->p >= r->end || *r->p != '"')
        {
          fail (r, _("expected a member name"));
          goto error;
        }
      if (!(key = read_string (r, &key_len)))
        goto error;
      name = g_strndup (key, key_len);
      skip_ws (r);
      if (r->p >= r->end || *r->p != ':')
        {
          fail (r, _("expected “:”"));
          goto error;
        }
      r->p++;
      if (!(value = read_value (r, depth + 1)))
        goto error;
      json_object_set_member (obj, name, value);

      skip_ws (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == '}')
        {
          r->p++;
          return take_object (obj);
        }
      fail (r, _("expected “,” or “}”"));
      goto error;
    }

error:
  json_object_unref (obj);
  return NULL;
}

static JsonNode *
read_array (Reader *r,
            int     depth)
{
  JsonArray *array = json_array_new ();

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return take_array (array);
    }

  for (;;)
    {
      JsonNode *value = read_value (r, depth + 1);

      if (value == NULL)
        goto error;
      json_array_add_element (array, value);

      skip_ws (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == ']')
        {
          r->p++;
          return take_array (array);
        }
      fail (r, _("expected “,” or “]”"));
      goto error;
    }

error:
  json_array_unref (array);
  return NULL;
}

static JsonNode *
read_value (Reader *r,
            int     depth)
{
  if (depth > MAX_DEPTH)
    {
      fail (r, _("nested too deeply"));
      return NULL;
    }

  skip_ws (r);
  if (r->p >= r->end)
    {
      fail (r, _("unexpected end"));
      return NULL;
    }

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
        return s ? json_node_init_string (json_node_alloc (), s) : NULL;
      }
    case 't':
      return expect_word (r, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return expect_word (r, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return expect_word (r, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      return read_number (r);
    }
}

JsonNode *
rp_json_parse (const char  *data,
               gsize        len,
               GError     **error)
{
  Reader r = { data, data + len, data, NULL, error };
  JsonNode *node;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  r.buf = g_string_sized_new (256);
  node = read_value (&r, 0);
  if (node != NULL)
    {
      skip_ws (&r);
      if (r.p != r.end)
        {
          fail (&r, _("trailing characters"));
          g_clear_pointer (&node, json_node_unref);
        }
    }
  g_string_free (r.buf, TRUE);
  return node;
}
