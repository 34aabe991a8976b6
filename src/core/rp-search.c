/* rp-search.c: customer search as the agent types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-search"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rp-cache-private.h"
#include "rp-doc.h"
#include "rp-text.h"

/* Lower scores rank first: an exact id-like match (e-mail, phone, order,
 * ticket) beats an exact name, which beats prefixes, which beat substrings. */
enum {
  SCORE_EXACT_ID = 0,
  SCORE_EXACT_NAME = 1,
  SCORE_PREFIX_ID = 2,
  SCORE_PREFIX_NAME = 3,
  SCORE_SUBSTRING = 4,
};

/* Upper bound of every key starting with a prefix: U+10FFFF sorts after
 * any character in UTF-8 byte order */
#define MAX_CHAR "\xf4\x8f\xbf\xbf"

typedef struct
{
  gint64       cid;
  int          score;
  RpMatchKind  kind;
  char        *label;
} Candidate;

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_free (c->label);
  g_free (c);
}

G_DEFINE_BOXED_TYPE (RpSearchHit, rp_search_hit, rp_search_hit_copy, rp_search_hit_free)

RpSearchHit *
rp_search_hit_copy (RpSearchHit *hit)
{
  RpSearchHit *copy = g_new0 (RpSearchHit, 1);

  copy->id = g_strdup (hit->id);
  copy->name = g_strdup (hit->name);
  copy->kana = g_strdup (hit->kana);
  copy->tier = g_strdup (hit->tier);
  copy->emails = g_strdupv (hit->emails);
  copy->phones = g_strdupv (hit->phones);
  copy->match_kind = hit->match_kind;
  copy->matched = g_strdup (hit->matched);
  copy->score = hit->score;
  return copy;
}

void
rp_search_hit_free (RpSearchHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->id);
  g_free (hit->name);
  g_free (hit->kana);
  g_free (hit->tier);
  g_strfreev (hit->emails);
  g_strfreev (hit->phones);
  g_free (hit->matched);
  g_free (hit);
}

static gboolean
is_id_kind (int kind)
{
  return kind == RP_MATCH_EMAIL || kind == RP_MATCH_PHONE ||
         kind == RP_MATCH_ORDER || kind == RP_MATCH_TICKET;
}

static void
offer (GHashTable *best,
       gint64      cid,
       int         score,
       int         kind,
       const char *label)
{
  Candidate *c = g_hash_table_lookup (best, &cid);

  if (c != NULL && c->score <= score)
    return;
  if (c == NULL)
    {
      c = g_new0 (Candidate, 1);
      c->cid = cid;
      g_hash_table_insert (best, &c->cid, c);
    }
  c->score = score;
  c->kind = kind;
  g_free (c->label);
  c->label = g_strdup (label);
}

/* Offers every row of @stmt: key, cust, kind, label and, when @rowids is
 * given, the key's rowid to remember.  A substring row whose key turns
 * out not to hold @exact after all is left out when @check is set. */
static int
collect (sqlite3_stmt *stmt,
         GHashTable   *best,
         const char   *exact,
         gboolean      substring,
         gboolean      check,
         GArray       *rowids)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      gint64 cid = sqlite3_column_int64 (stmt, 1);
      int kind = sqlite3_column_int (stmt, 2);
      const char *label = (const char *) sqlite3_column_text (stmt, 3);
      int score;

      if (check && (key == NULL || strstr (key, exact) == NULL))
        continue;

      if (rowids != NULL)
        {
          gint64 rowid = sqlite3_column_int64 (stmt, 4);
          g_array_append_val (rowids, rowid);
        }

      if (substring)
        score = SCORE_SUBSTRING;
      else if (g_strcmp0 (key, exact) == 0)
        score = is_id_kind (kind) ? SCORE_EXACT_ID : SCORE_EXACT_NAME;
      else
        score = is_id_kind (kind) ? SCORE_PREFIX_ID : SCORE_PREFIX_NAME;

      offer (best, cid, score, kind, label);
    }

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static gboolean
has_exact_id (GHashTable *best)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, best);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Candidate *) value)->score == SCORE_EXACT_ID)
      return TRUE;
  return FALSE;
}

static gboolean
contains_rowid (GArray *rowids,
                gint64  rowid)
{
  for (guint i = 0; i < rowids->len; i++)
    if (g_array_index (rowids, gint64, i) == rowid)
      return TRUE;
  return FALSE;
}

/* A trigram in at least this many keys is common.  Counting up to it
 * reads a few pages of its doclist; a phrase query walks all of a common
 * one's, tens of pages at a million customers. */
#define COMMON_TRIGRAM 4096

/* Checking a key the prefix pass did not read costs a page: beyond this
 * many, walking the common doclists is as cheap */
#define CHECKED_KEYS 32

typedef struct
{
  char   *term;
  gint64  count;
} Trigram;

static void
trigram_clear (gpointer data)
{
  g_free (((Trigram *) data)->term);
}

static int
compare_trigrams (gconstpointer a,
                  gconstpointer b)
{
  const Trigram *ta = a, *tb = b;

  return ta->count < tb->count ? -1 : ta->count > tb->count;
}

static void
append_fts_string (GString    *out,
                   const char *text,
                   gsize       len)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, text[i]);
    }
  g_string_append_c (out, '"');
}

static int
count_matches (sqlite3_stmt *count,
               const char   *match,
               int           cap,
               gint64       *n)
{
  int rc;

  sqlite3_bind_text (count, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_int (count, 2, cap);
  rc = sqlite3_step (count);
  *n = rc == SQLITE_ROW ? sqlite3_column_int64 (count, 0) : 0;
  sqlite3_reset (count);
  return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* The MATCH expression of the substring pass.  A phrase of the whole form
 * makes FTS5 walk the doclist of every trigram in it, and a form that few
 * keys start with still has common trigrams (“yam”, “han”, “.co”): those
 * walks were most of a cold search.  Yet the rare trigrams alone are
 * often in hardly more keys than the form, and most of those start with
 * it, so the prefix pass read them already.  The rare trigrams are taken,
 * rarest first, until together they are in fewer than CHECKED_KEYS other
 * keys; then only they are asked for, and @check tells the caller to see
 * that each key found holds the whole form.  Else the phrase it is.
 * Returns SQLITE_DONE when a trigram is in no key: nothing can match. */
static int
substring_match (sqlite3    *db,
                 const char *form,
                 GArray     *prefixed,
                 GString    *match,
                 gboolean   *check)
{
  g_autoptr(GArray) rare = g_array_new (FALSE, FALSE, sizeof (Trigram));
  g_autoptr(GString) and = g_string_new (NULL);
  sqlite3_stmt *count = NULL;
  sqlite3_stmt *walk = NULL;
  gint64 n = 0;
  int rc;

  g_array_set_clear_func (rare, trigram_clear);
  *check = FALSE;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT count(*) FROM"
                           " (SELECT 1 FROM search_fts WHERE search_fts MATCH ?1 LIMIT ?2)",
                           -1, &count, NULL);
  if (rc != SQLITE_OK)
    return rc;

  for (const char *p = form; rc == SQLITE_OK && *p; p = g_utf8_next_char (p))
    {
      g_autoptr(GString) term = g_string_new (NULL);
      const char *end = p;
      int len = 0;

      while (len < 3 && *end)
        {
          end = g_utf8_next_char (end);
          len++;
        }
      if (len < 3)
        break;

      append_fts_string (term, p, end - p);
      rc = count_matches (count, term->str, COMMON_TRIGRAM, &n);
      if (rc == SQLITE_OK && n == 0)
        rc = SQLITE_DONE;
      else if (rc == SQLITE_OK && n < COMMON_TRIGRAM)
        {
          Trigram t = { g_string_free (g_steal_pointer (&term), FALSE), n };
          g_array_append_val (rare, t);
        }
    }
  sqlite3_finalize (count);
  if (rc != SQLITE_OK)
    return rc;
  g_array_sort (rare, compare_trigrams);

  /* The rare doclists were read whole just now: walking them together
   * reads nothing more */
  rc = sqlite3_prepare_v2 (db, "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1",
                           -1, &walk, NULL);
  for (guint i = 0; rc == SQLITE_OK && !*check && i < rare->len; i++)
    {
      int others = 0;

      g_string_append_printf (and, "%s%s", i > 0 ? " AND " : "",
                              g_array_index (rare, Trigram, i).term);
      sqlite3_bind_text (walk, 1, and->str, -1, SQLITE_STATIC);
      while (others < CHECKED_KEYS && (rc = sqlite3_step (walk)) == SQLITE_ROW)
        if (!contains_rowid (prefixed, sqlite3_column_int64 (walk, 0)))
          others++;
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
      sqlite3_reset (walk);
      *check = others < CHECKED_KEYS;
    }
  sqlite3_finalize (walk);
  if (rc != SQLITE_OK)
    return rc;

  if (*check)
    g_string_append (match, and->str);
  else
    append_fts_string (match, form, strlen (form));
  return SQLITE_OK;
}

static int
search_form (sqlite3    *db,
             const char *form,
             guint       want,
             guint       limit,
             GHashTable *best)
{
  g_autoptr(GArray) prefixed = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *row = NULL;
  g_autofree char *upper = g_strconcat (form, MAX_CHAR, NULL);
  int rc;

  /* Exact and prefix matches from the ordered key index, which holds all
   * the columns read here */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT key, cust, kind, label, rowid FROM search_keys"
                           " WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text (stmt, 1, form, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, want);
  rc = collect (stmt, best, form, FALSE, FALSE, prefixed);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return rc;

  /* Substrings from the trigram index, which needs three characters.  A
   * whole order number, e-mail or phone typed in is what the agent wants:
   * its many common trigrams would only slow the answer down.  Substring
   * hits rank last, so once the better passes filled the page they could
   * not show anyway: a common trigram's long doclist is not worth walking. */
  if (g_utf8_strlen (form, -1) >= 3 && !has_exact_id (best) && g_hash_table_size (best) < limit)
    {
      g_autoptr(GString) match = g_string_new (NULL);
      gboolean check = FALSE;

      rc = substring_match (db, form, prefixed, match, &check);
      if (rc == SQLITE_DONE)
        return SQLITE_OK;
      if (rc != SQLITE_OK)
        return rc;

      /* Every key that starts with the form holds it too, and the prefix
       * pass already ranked it higher: only the other keys' rows are read,
       * each a page from the disk, and only until the page is full.  Which
       * substring hits fill it is arbitrary anyway: they all rank alike. */
      rc = sqlite3_prepare_v2 (db,
                               "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 LIMIT ?2",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2 (db,
                                 "SELECT key, cust, kind, label FROM search_keys WHERE rowid = ?1",
                                 -1, &row, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, match->str, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 2, want);
          while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              gint64 rowid = sqlite3_column_int64 (stmt, 0);

              rc = SQLITE_OK;
              if (g_hash_table_size (best) >= limit)
                break;
              if (contains_rowid (prefixed, rowid))
                continue;
              sqlite3_bind_int64 (row, 1, rowid);
              rc = collect (row, best, form, TRUE, check, NULL);
              sqlite3_reset (row);
            }
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        }
      sqlite3_finalize (row);
      sqlite3_finalize (stmt);
    }

  return rc;
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = *(const Candidate **) a;
  const Candidate *cb = *(const Candidate **) b;

  if (ca->score != cb->score)
    return ca->score - cb->score;
  return ca->cid < cb->cid ? -1 : ca->cid > cb->cid;
}

static GStrv
strings_of (JsonObject *obj,
            const char *member)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (obj, member);

  if (node && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }
  return g_strv_builder_end (builder);
}

GPtrArray *
rp_cache_search (RpCache     *self,
                 const char  *query,
                 guint        limit,
                 GError     **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_search_hit_free);
  g_autoptr(GHashTable) best = NULL;
  g_autoptr(GPtrArray) ranked = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *digits = NULL;
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer value;
  sqlite3 *db;
  guint want;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (limit == 0)
    limit = 20;
  want = MAX (limit * 4, 64);

  folded = rp_text_fold (query);
  digits = rp_text_phone_digits (query);
  if (*folded == '\0')
    return g_steal_pointer (&hits);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  best = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, candidate_free);
  rc = search_form (db, folded, want, limit, best);
  if (rc == SQLITE_OK && digits != NULL && strcmp (digits, folded) != 0)
    rc = search_form (db, digits, want, limit, best);
  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, db, rc, _("Could not search the cache"));
      rp_cache_reader_unlock (self);
      return NULL;
    }

  ranked = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, best);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (ranked, value);
  g_ptr_array_sort (ranked, compare_candidates);

  rc = sqlite3_prepare_v2 (db,
                           "SELECT c.id, c.name, c.kana, c.tier, d.body FROM customers c"
                           " JOIN docs d ON d.rowid = c.doc WHERE c.cid = ?1",
                           -1, &stmt, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < ranked->len && hits->len < limit; i++)
    {
      Candidate *c = g_ptr_array_index (ranked, i);

      sqlite3_bind_int64 (stmt, 1, c->cid);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          RpSearchHit *hit = g_new0 (RpSearchHit, 1);

          hit->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          hit->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          hit->kana = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          hit->tier = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          hit->match_kind = c->kind;
          hit->matched = g_strdup (c->label);
          hit->score = c->score;
          if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 4), -1, NULL) &&
              JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
            {
              JsonObject *obj = json_node_get_object (json_parser_get_root (parser));
              hit->emails = strings_of (obj, "emails");
              hit->phones = strings_of (obj, "phones");
            }
          else
            {
              hit->emails = g_new0 (char *, 1);
              hit->phones = g_new0 (char *, 1);
            }
          g_ptr_array_add (hits, hit);
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);

  return g_steal_pointer (&hits);
}
