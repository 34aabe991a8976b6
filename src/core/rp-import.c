/* rp-import.c: loading documents from files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-import"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rp-import.h"
#include "rp-json.h"

typedef enum
{
  LAYOUT_ARRAY,     /* [doc, doc, …] */
  LAYOUT_WRAPPED,   /* {"docs": [doc, doc, …]} */
  LAYOUT_LINES,     /* doc\ndoc\n… */
} Layout;

typedef struct
{
  const char *data;
  gsize       len;
  gsize       pos;
  Layout      layout;
  gboolean    closed;      /* saw the closing bracket of the container */
  gboolean    truncated;   /* the file ended inside a value */
} Scanner;

/* One unit of work from the parser thread to the writer */
typedef struct
{
  GPtrArray *prepared;     /* RpPrepared of each document that parsed */
  GPtrArray *failures;     /* "id\037reason" for spans that did not parse */
  gsize      pos;
  gboolean   last;
} Batch;

static void
batch_free (Batch *batch)
{
  g_clear_pointer (&batch->prepared, g_ptr_array_unref);
  g_clear_pointer (&batch->failures, g_ptr_array_unref);
  g_free (batch);
}

static void
skip_space (Scanner *s)
{
  while (s->pos < s->len && g_ascii_isspace (s->data[s->pos]))
    s->pos++;
}

static gboolean
looking_at (Scanner    *s,
            const char *text)
{
  gsize n = strlen (text);
  return s->pos + n <= s->len && memcmp (s->data + s->pos, text, n) == 0;
}

static void
scanner_init (Scanner    *s,
              const char *data,
              gsize       len)
{
  memset (s, 0, sizeof *s);
  s->data = data;
  s->len = len;

  /* A UTF-8 byte order mark is not part of the JSON */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    s->pos = 3;
  skip_space (s);

  if (s->pos < len && data[s->pos] == '[')
    {
      s->layout = LAYOUT_ARRAY;
      s->pos++;
      return;
    }

  if (s->pos < len && data[s->pos] == '{')
    {
      gsize start = s->pos;

      s->pos++;
      skip_space (s);
      if (looking_at (s, "\"docs\""))
        {
          s->pos += 6;
          skip_space (s);
          if (s->pos < len && data[s->pos] == ':')
            {
              s->pos++;
              skip_space (s);
              if (s->pos < len && data[s->pos] == '[')
                {
                  s->layout = LAYOUT_WRAPPED;
                  s->pos++;
                  return;
                }
            }
        }
      s->pos = start;
    }

  s->layout = LAYOUT_LINES;
}

/* Finds the next value's span; FALSE at the end (or when truncated) */
static gboolean
scanner_next (Scanner *s,
              gsize   *start,
              gsize   *end)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (;;)
    {
      skip_space (s);
      if (s->pos >= s->len)
        {
          if (s->layout != LAYOUT_LINES && !s->closed)
            s->truncated = TRUE;
          return FALSE;
        }
      if (s->data[s->pos] == ',')
        {
          s->pos++;
          continue;
        }
      if (s->layout != LAYOUT_LINES && s->data[s->pos] == ']')
        {
          s->closed = TRUE;
          s->pos = s->len;
          return FALSE;
        }
      break;
    }

  *start = s->pos;

  /* NDJSON: a line is a document, so one broken line spoils only itself */
  if (s->layout == LAYOUT_LINES)
    {
      const char *nl = memchr (s->data + s->pos, '\n', s->len - s->pos);

      s->pos = nl ? (gsize) (nl - s->data) + 1 : s->len;
      *end = nl ? (gsize) (nl - s->data) : s->len;
      return TRUE;
    }

  if (s->data[s->pos] != '{' && s->data[s->pos] != '[')
    {
      /* A bare scalar: runs to the next separator */
      while (s->pos < s->len && s->data[s->pos] != ',' && s->data[s->pos] != '\n' &&
             s->data[s->pos] != ']')
        s->pos++;
      *end = s->pos;
      return TRUE;
    }

  for (; s->pos < s->len; s->pos++)
    {
      char c = s->data[s->pos];

      if (in_string)
        {
          if (c == '\\')
            s->pos++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        {
          depth--;
          if (depth == 0)
            {
              s->pos++;
              *end = s->pos;
              return TRUE;
            }
        }
    }

  s->truncated = TRUE;
  *end = s->len;
  return FALSE;
}

/* The `_id` of a span that is not valid JSON, for the log */
static char *
guess_id (const char *data,
          gsize       len)
{
  g_autofree char *head = g_strndup (data, MIN (len, 4096));
  const char *p = strstr (head, "\"_id\"");
  const char *q;

  if (p == NULL)
    return NULL;
  p += 5;
  while (*p == ' ' || *p == ':' || *p == '\t')
    p++;
  if (*p != '"')
    return NULL;
  p++;
  q = strchr (p, '"');
  if (q == NULL || q - p > 200)
    return NULL;
  return g_strndup (p, q - p);
}

typedef struct
{
  Scanner      scanner;
  GAsyncQueue *full;       /* Batch → writer */
  GAsyncQueue *empty;      /* tokens back to the parser, to bound memory */
  gint         cancelled;
  gint         share;      /* of the preparing, see rp_prepared_share_take() */
} Pipeline;

static gpointer
parse_thread (gpointer data)
{
  Pipeline *p = data;
  gboolean more = TRUE;

  while (more)
    {
      Batch *batch = g_new0 (Batch, 1);
      gsize start, end;

      Batch *done = g_async_queue_pop (p->empty);

      /* Freeing a batch's trees costs as much as a tenth of applying them:
       * the writer hands spent batches back to be freed here */
      if (done != GINT_TO_POINTER (1))
        batch_free (done);
      if (g_atomic_int_get (&p->cancelled))
        {
          g_free (batch);
          break;
        }

      batch->prepared = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_prepared_free);
      batch->failures = g_ptr_array_new_with_free_func (g_free);

      while (batch->prepared->len + batch->failures->len < RP_IMPORT_BATCH)
        {
          g_autoptr(RpJsonTree) tree = NULL;

          if (!scanner_next (&p->scanner, &start, &end))
            {
              more = FALSE;
              break;
            }

          if ((tree = rp_json_tree_parse (p->scanner.data + start, end - start, NULL)))
            {
              RpPrepared *prepared = rp_prepared_new (tree, rp_json_tree_get_root (tree));

              rp_prepared_share_prepare (&p->share, batch->prepared->len, RP_IMPORT_BATCH, prepared);
              g_ptr_array_add (batch->prepared, prepared);
            }
          else
            {
              g_autofree char *id = guess_id (p->scanner.data + start, end - start);
              g_ptr_array_add (batch->failures,
                               g_strdup_printf ("%s\037%s", id ? id : "(no _id)",
                                                _("not valid JSON")));
            }
        }

      batch->pos = p->scanner.pos;
      batch->last = !more;
      g_async_queue_push (p->full, batch);
    }

  return NULL;
}

gboolean
rp_import_file (RpCache           *cache,
                const char        *path,
                RpSkipFunc         skip_func,
                RpImportProgress   progress_func,
                gpointer           user_data,
                RpApplyStats      *stats,
                GError           **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  RpApplyStats local_stats = { 0 };
  Pipeline p = { 0 };
  GThread *thread;
  guint64 docs = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (RP_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (stats == NULL)
    stats = &local_stats;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, RP_ERROR, RP_ERROR_IO, _("Could not read %s: %s"), path, local_error->message);
      return FALSE;
    }

  if (!rp_cache_begin_bulk (cache, 0, RP_CACHE_BULK_SOLE, error))
    return FALSE;

  scanner_init (&p.scanner, g_mapped_file_get_contents (mapped) ? g_mapped_file_get_contents (mapped) : "",
                g_mapped_file_get_length (mapped));
  p.full = g_async_queue_new ();
  p.share = 1000;
  p.empty = g_async_queue_new ();
  /* Two batches in flight: one parsing while the other is written */
  g_async_queue_push (p.empty, GINT_TO_POINTER (1));
  g_async_queue_push (p.empty, GINT_TO_POINTER (1));

  thread = g_thread_new ("rapport-import", parse_thread, &p);

  for (;;)
    {
      gint64 waited = g_get_monotonic_time ();
      Batch *batch = g_async_queue_pop (p.full);
      gboolean last = batch->last;

      rp_prepared_share_update (&p.share, g_get_monotonic_time () - waited);

      for (guint i = 0; i < batch->failures->len; i++)
        {
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (batch->failures, i), "\037", 2);
          stats->skipped++;
          if (skip_func)
            skip_func (parts[0], parts[1], user_data);
        }

      if (ok)
        rp_prepared_prepare_all (batch->prepared);

      if (ok && !rp_cache_apply_prepared (cache, (RpPrepared *const *) batch->prepared->pdata,
                                          batch->prepared->len, NULL, NULL, skip_func, user_data,
                                          stats, error))
        ok = FALSE;

      docs += batch->prepared->len + batch->failures->len;
      if (ok && progress_func)
        progress_func (batch->pos, p.scanner.len, docs, user_data);

      if (last)
        {
          batch_free (batch);
          break;
        }
      if (!ok)
        g_atomic_int_set (&p.cancelled, 1);
      g_async_queue_push (p.empty, batch);
      if (!ok)
        break;
    }

  g_thread_join (thread);
  /* A cancelled parser may have left one batch behind */
  while (g_async_queue_length (p.full) > 0)
    batch_free (g_async_queue_pop (p.full));
  while (g_async_queue_length (p.empty) > 0)
    {
      Batch *spent = g_async_queue_pop (p.empty);
      if (spent != GINT_TO_POINTER (1))
        batch_free (spent);
    }
  g_async_queue_unref (p.full);
  g_async_queue_unref (p.empty);

  /* Even after an error: what was loaded gets its indexes */
  if (!rp_cache_end_bulk (cache, ok ? error : NULL))
    ok = FALSE;

  if (ok && p.scanner.truncated)
    {
      g_set_error (error, RP_ERROR, RP_ERROR_INVALID,
                   _("%s ends in the middle of a document (at byte %lu); what came before was loaded"),
                   path, (unsigned long) p.scanner.len);
      return FALSE;
    }

  return ok;
}
