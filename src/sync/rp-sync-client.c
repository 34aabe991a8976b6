/* rp-sync-client.c: pull one database of a CouchDB-protocol server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-sync-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "rp-doc.h"
#include "rp-http.h"
#include "rp-json.h"
#include "rp-sync-client.h"

#define DEFAULT_BATCH_DOCS      1000
#define DEFAULT_BATCH_BYTES     (8 * 1024 * 1024)
#define DEFAULT_REQUEST_S       60
#define DEFAULT_LONGPOLL_S      50
#define MAX_SMALL_ANSWER        (64 * 1024)   /* anything but a page of changes */
#define LOCAL_CHECKPOINT_EVERY  (10 * G_USEC_PER_SEC)
#define PEEK_BYTES              4096          /* where a page's last_seq is looked for */

struct _RpSyncClient
{
  GObject             parent_instance;

  RpCache            *cache;
  RpHttp             *http;
  char               *replication_id;
  char               *checkpoint_key; /* server and database: a checkpoint
                                       * of one server means nothing to another */

  guint               batch_docs;
  gsize               batch_bytes;
  guint               request_s;
  guint               longpoll_s;

  RpSyncProgressFunc  progress_func;
  gpointer            progress_data;
  GDestroyNotify      progress_destroy;

  /* State of the pull, only touched by the syncing thread */
  GMutex              mutex;        /* one pull or longpoll at a time */
  JsonNode           *since;        /* the applied checkpoint, or NULL */
  char               *local_rev;
  gint64              local_written_usec;
  gboolean            local_dirty;
  guint               limit;        /* adapted to the byte bound */
  gint                prepare_share; /* see rp_prepared_share_prepare() */
};

/* The page cache a first pull into an empty cache may fill */
#define SYNC_BULK_MEMORY (192 * 1024 * 1024)

G_DEFINE_FINAL_TYPE (RpSyncClient, rp_sync_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (rp-sync-error-quark, rp_sync_error)

/* One pulled batch, parsed off the applying thread */
typedef struct
{
  GPtrArray *prepared;       /* RpPrepared of each document */
  JsonNode  *last_row_seq;   /* NULL if no rows */
  gint64     pending;        /* -1 when the server does not say */
  GPtrArray *customers;      /* customer ids the batch touches */
  gsize      bytes;
  guint      n_rows;
  guint      limit;          /* the rows asked for: fewer means caught up */
} Batch;

static void
batch_free (Batch *batch)
{
  g_clear_pointer (&batch->prepared, g_ptr_array_unref);
  g_clear_pointer (&batch->customers, g_ptr_array_unref);
  g_clear_pointer (&batch->last_row_seq, json_node_unref);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

/* Errors */

gboolean
rp_sync_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != RP_SYNC_ERROR)
    return FALSE;

  switch ((RpSyncError) error->code)
    {
    case RP_SYNC_ERROR_UNREACHABLE:
    case RP_SYNC_ERROR_DNS:
    case RP_SYNC_ERROR_SERVER:
    case RP_SYNC_ERROR_BUSY:
    case RP_SYNC_ERROR_MALFORMED:
    case RP_SYNC_ERROR_TIMEOUT:
    case RP_SYNC_ERROR_OFFLINE:
      return TRUE;

    case RP_SYNC_ERROR_FAILED:
    case RP_SYNC_ERROR_TLS:
    case RP_SYNC_ERROR_UNAUTHORIZED:
    case RP_SYNC_ERROR_FORBIDDEN:
    case RP_SYNC_ERROR_NOT_FOUND:
    case RP_SYNC_ERROR_CACHE:
    case RP_SYNC_ERROR_USAGE:
    default:
      return FALSE;
    }
}

/* Sequences are opaque: a string goes back as it came, anything else as
 * its JSON text. */
static char *
seq_to_param (JsonNode *seq)
{
  g_autofree char *text = NULL;

  if (seq == NULL)
    return g_strdup ("0");

  if (JSON_NODE_HOLDS_VALUE (seq) && json_node_get_value_type (seq) == G_TYPE_STRING)
    return g_uri_escape_string (json_node_get_string (seq), NULL, FALSE);

  text = json_to_string (seq, FALSE);
  return g_uri_escape_string (text, NULL, FALSE);
}

/* The leading integer of a sequence (CouchDB's "123-g1AAA…", PouchDB's
 * 123), used only for progress estimates */
static gint64
seq_number (JsonNode *seq)
{
  if (seq == NULL || !JSON_NODE_HOLDS_VALUE (seq))
    return -1;

  if (json_node_get_value_type (seq) == G_TYPE_INT64)
    return json_node_get_int (seq);

  if (json_node_get_value_type (seq) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (seq);

      if (g_ascii_isdigit (*s))
        return g_ascii_strtoll (s, NULL, 10);
    }

  return -1;
}

static void
collect_customer_ids (const RpJsonValue *doc,
                      GHashTable        *ids)
{
  const char *id = rp_json_value_get_string (doc, "_id");
  const char *customer = rp_json_value_get_string (doc, "customer_id");
  const char *survivor = rp_json_value_get_string (doc, "survivor");
  const RpJsonValue *merged = rp_json_value_get_member (doc, "merged");

  if (id != NULL && g_str_has_prefix (id, "customer:"))
    g_hash_table_add (ids, g_strdup (id));
  if (customer != NULL)
    g_hash_table_add (ids, g_strdup (customer));
  if (survivor != NULL)
    g_hash_table_add (ids, g_strdup (survivor));

  for (guint i = 0; merged && merged->kind == RP_JSON_ARRAY && i < merged->len; i++)
    if (merged->v.items[i].kind == RP_JSON_STRING)
      g_hash_table_add (ids, g_strdup (merged->v.items[i].v.s));
}

/* What stands for a row without a usable document: a tombstone needs no
 * more than its id, and anything else is left for the cache to reject
 * and log with its id */
static RpPrepared *
stub_prepared (const char *id,
               gboolean    deleted)
{
  g_autoptr(JsonObject) stub = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (stub, "_id", id);
  if (deleted)
    json_object_set_boolean_member (stub, "_deleted", TRUE);
  node = json_node_init_object (json_node_alloc (), stub);
  return rp_prepared_new_from_node (node);
}

/* Checks the shape of a _changes answer.  The protocol's own fields must be
 * right or the whole batch is refused; a bad document inside a row is left
 * to the cache, which skips it alone. */
static Batch *
parse_changes (RpSyncClient  *self,
               RpJsonTree    *tree,
               gsize          bytes,
               GError       **error)
{
  g_autoptr(Batch) batch = g_new0 (Batch, 1);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const RpJsonValue *root = rp_json_tree_get_root (tree);
  const RpJsonValue *results, *pending, *seq = NULL;
  GHashTableIter iter;
  gpointer key;

  batch->bytes = bytes;
  batch->pending = -1;

  results = rp_json_value_get_member (root, "results");
  if (results == NULL || results->kind != RP_JSON_ARRAY)
    {
      rp_http_set_malformed (error, _("no list of changes"));
      return NULL;
    }
  pending = rp_json_value_get_member (root, "pending");
  if (pending != NULL && pending->kind == RP_JSON_INT)
    batch->pending = MAX (0, pending->v.i);

  batch->n_rows = results->len;
  batch->prepared = g_ptr_array_new_full (results->len, (GDestroyNotify) rp_prepared_free);

  for (guint i = 0; i < results->len; i++)
    {
      const RpJsonValue *row = &results->v.items[i];
      const RpJsonValue *doc;
      const char *id;
      gboolean deleted;
      RpPrepared *prepared;

      if (row->kind != RP_JSON_OBJECT)
        {
          rp_http_set_malformed (error, _("a change is not an object"));
          return NULL;
        }
      seq = rp_json_value_get_member (row, "seq");
      id = rp_json_value_get_string (row, "id");
      if (seq == NULL || seq->kind == RP_JSON_NULL || seq->kind == RP_JSON_OBJECT || id == NULL)
        {
          rp_http_set_malformed (error, _("a change without its sequence or id"));
          return NULL;
        }

      /* Design documents and other servers' internals are not ours */
      if (g_str_has_prefix (id, "_design/"))
        continue;

      doc = rp_json_value_get_member (row, "doc");
      deleted = rp_json_value_get_bool (row, "deleted");
      if (deleted || doc == NULL || doc->kind != RP_JSON_OBJECT)
        prepared = stub_prepared (id, deleted);
      else
        {
          collect_customer_ids (doc, ids);
          /* Here on the fetching thread rather than on the applying one,
           * as is all of the apply path that needs no database */
          prepared = rp_prepared_new (tree, doc);
          rp_prepared_share_prepare (&self->prepare_share, batch->prepared->len, results->len,
                                     prepared);
        }
      g_ptr_array_add (batch->prepared, prepared);
    }
  if (seq != NULL)
    batch->last_row_seq = rp_json_value_to_node (seq);

  batch->customers = g_ptr_array_new_full (g_hash_table_size (ids), g_free);
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_ptr_array_add (batch->customers, key);
      g_hash_table_iter_steal (&iter);
    }

  return g_steal_pointer (&batch);
}

static char *
changes_path (RpSyncClient *self,
              const char   *since_param,
              guint         limit,
              gboolean      longpoll)
{
  if (longpoll)
    return g_strdup_printf ("%s/_changes?feed=longpoll&style=main_only&include_docs=true"
                            "&since=%s&limit=%u&timeout=%u",
                            rp_http_get_db_path (self->http), since_param, limit,
                            self->longpoll_s * 1000);

  return g_strdup_printf ("%s/_changes?style=main_only&include_docs=true&since=%s&limit=%u",
                          rp_http_get_db_path (self->http), since_param, limit);
}

/* Asks for a page of changes from @since_param; a page over twice the
 * byte bound (room for a few large documents) is refused and asked for
 * again with half as many rows, and @limit says how many it was in the end */
static GBytes *
receive_changes (RpSyncClient  *self,
                 const char    *since_param,
                 guint         *limit,
                 gboolean       longpoll,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *path = changes_path (self, since_param, *limit, longpoll);
  guint deadline = longpoll ? self->longpoll_s + MIN (self->request_s, 15) : self->request_s;

  for (;;)
    {
      g_auto(RpHttpAnswer) answer = { 0 };
      g_autoptr(GError) local_error = NULL;
      GBytes *bytes;

      bytes = rp_http_request_bytes (self->http, "GET", path, NULL, deadline,
                                     self->batch_bytes * 2 + 1024, &answer, cancellable,
                                     &local_error);
      if (bytes != NULL)
        return bytes;
      if (!answer.too_large || *limit <= 1)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      *limit /= 2;
      g_free (path);
      path = changes_path (self, since_param, *limit, longpoll);
    }
}

/* Reads a page asked for with @limit rows */
static Batch *
read_changes (RpSyncClient  *self,
              GBytes        *bytes,
              guint          limit,
              GError       **error)
{
  g_autoptr(RpJsonTree) root = rp_http_parse_tree (self->http, bytes, JSON_NODE_OBJECT, error);
  Batch *batch;

  if (root == NULL)
    return NULL;

  batch = parse_changes (self, root, g_bytes_get_size (bytes), error);
  if (batch != NULL)
    batch->limit = limit;

  return batch;
}

static Batch *
fetch_changes (RpSyncClient  *self,
               JsonNode      *since,
               guint          limit,
               gboolean       longpoll,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *since_param = seq_to_param (since);
  g_autoptr(GBytes) bytes = NULL;

  bytes = receive_changes (self, since_param, &limit, longpoll, cancellable, error);

  return bytes ? read_changes (self, bytes, limit, error) : NULL;
}

/* A full page means there may be more */
static gboolean
batch_has_more (Batch *batch)
{
  return batch->n_rows > 0 && batch->n_rows >= batch->limit && batch->pending != 0;
}

static void
skip_cb (const char *doc_id,
         const char *reason,
         gpointer    user_data)
{
  /* Ids carry no personal data (DESIGN §3); the reason names the field */
  g_message ("Skipped document %s: %s", doc_id, reason);
}

static gboolean
apply_batch (RpSyncClient  *self,
             Batch         *batch,
             RpSyncStats   *stats,
             GPtrArray    **out_customers,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  RpApplyStats applied = { 0 };

  if (batch->last_row_seq == NULL)
    return TRUE;

  rp_prepared_prepare_all (batch->prepared);

  if (!rp_cache_apply_prepared (self->cache, (RpPrepared *const *) batch->prepared->pdata,
                                batch->prepared->len, self->checkpoint_key, batch->last_row_seq,
                                skip_cb, self, &applied, &local_error))
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_CACHE,
                   _("Could not save the synced documents: %s"), local_error->message);
      return FALSE;
    }

  g_clear_pointer (&self->since, json_node_unref);
  self->since = json_node_copy (batch->last_row_seq);
  self->local_dirty = TRUE;

  stats->applied.inserted += applied.inserted;
  stats->applied.updated += applied.updated;
  stats->applied.deleted += applied.deleted;
  stats->applied.erased += applied.erased;
  stats->applied.skipped += applied.skipped;
  stats->received += batch->n_rows;
  stats->bytes += batch->bytes;
  stats->batches++;
  if (applied.inserted + applied.updated + applied.deleted + applied.erased > 0)
    stats->changed = TRUE;

  *out_customers = g_steal_pointer (&batch->customers);

  return TRUE;
}

static gboolean
load_checkpoint (RpSyncClient  *self,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  text = rp_cache_get_checkpoint (self->cache, self->checkpoint_key, NULL, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_CACHE,
                   _("Could not read the sync checkpoint: %s"), local_error->message);
      return FALSE;
    }

  g_clear_pointer (&self->since, json_node_unref);
  if (text != NULL)
    {
      self->since = json_from_string (text, &local_error);
      if (self->since == NULL)
        {
          g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_CACHE,
                       _("The stored sync checkpoint is damaged."));
          return FALSE;
        }
    }

  return TRUE;
}

/* Tells the server how far this desktop has applied, so an operator can
 * see when it is safe to purge after an erasure.  Not worth failing a sync
 * over: a reader may lack the right to write it. */
static void
write_local_checkpoint (RpSyncClient *self,
                        GCancellable *cancellable)
{
  g_autofree char *path = NULL;
  const char *db_path = rp_http_get_db_path (self->http);

  if (!self->local_dirty || self->since == NULL)
    return;

  path = g_strdup_printf ("%s/_local/%s", db_path, self->replication_id);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) doc = NULL;
      g_auto(RpHttpAnswer) reply = { 0 };
      g_autoptr(JsonNode) answer = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *now = rp_format_timestamp (g_get_real_time ());
      char *text;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "_id");
      json_builder_add_string_value (builder, path + strlen (db_path) + 1);
      if (self->local_rev != NULL)
        {
          json_builder_set_member_name (builder, "_rev");
          json_builder_add_string_value (builder, self->local_rev);
        }
      json_builder_set_member_name (builder, "last_seq");
      json_builder_add_value (builder, json_node_copy (self->since));
      json_builder_set_member_name (builder, "at");
      json_builder_add_string_value (builder, now);
      json_builder_set_member_name (builder, "client");
      json_builder_add_string_value (builder, "Rapport " PACKAGE_VERSION);
      json_builder_end_object (builder);
      doc = json_builder_get_root (builder);
      text = json_to_string (doc, FALSE);
      body = g_bytes_new_take (text, strlen (text));

      answer = rp_http_request (self->http, "PUT", path, body, JSON_NODE_OBJECT, self->request_s,
                                MAX_SMALL_ANSWER, &reply, cancellable, &local_error);
      if (answer != NULL)
        {
          const char *rev = rp_json_string (json_node_get_object (answer), "rev");

          g_free (self->local_rev);
          self->local_rev = g_strdup (rev);
          self->local_dirty = FALSE;
          self->local_written_usec = g_get_monotonic_time ();
          return;
        }

      if (reply.status != SOUP_STATUS_CONFLICT)
        {
          g_debug ("Could not write the checkpoint on the server: %s", local_error->message);
          return;
        }

      /* Someone (this desktop, before a crash) wrote it: learn its rev */
      {
        g_autoptr(JsonNode) current = NULL;

        current = rp_http_request (self->http, "GET", path, NULL, JSON_NODE_OBJECT,
                                   self->request_s, MAX_SMALL_ANSWER, NULL, cancellable, NULL);
        g_free (self->local_rev);
        self->local_rev = current ? g_strdup (rp_json_string (json_node_get_object (current),
                                                              "_rev"))
                                  : NULL;
      }
    }
}

static void
report_progress (RpSyncClient *self,
                 guint64       done,
                 guint64       total,
                 GPtrArray    *customers)
{
  if (self->progress_func != NULL)
    self->progress_func (self, done, MAX (done, total), customers, self->progress_data);
}

static guint
next_limit (RpSyncClient *self,
            Batch        *batch,
            guint         limit)
{
  /* Keep batches within the byte bound as documents grow or shrink */
  if (batch->n_rows > 0)
    {
      gsize per_doc = MAX (batch->bytes / batch->n_rows, 1);
      gsize fits = MAX (self->batch_bytes / per_doc, 1);

      limit = (guint) MIN (fits, self->batch_docs);
      limit = MAX (limit, 1);
    }

  return limit;
}

/* The `since` of the page after this one, read from the end of its body
 * without the rest: the answer's last_seq, which CouchDB and PouchDB
 * Server both write after the rows.  NULL when it is not found, or when
 * the server says nothing is pending. */
static char *
peek_next_since (GBytes *bytes)
{
  static const char key[] = "\"last_seq\"";
  g_autoptr(RpJsonTree) tree = NULL;
  g_autoptr(JsonNode) seq = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *end = data + len;
  const char *p = NULL;
  const char *value;
  const char *pending;

  for (gsize i = len >= sizeof key - 1 ? len - (sizeof key - 1) + 1 : 0;
       i-- > (len > PEEK_BYTES ? len - PEEK_BYTES : 0);)
    if (memcmp (data + i, key, sizeof key - 1) == 0)
      {
        p = data + i + sizeof key - 1;
        break;
      }
  if (p == NULL)
    return NULL;

  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p == end || *p++ != ':')
    return NULL;
  while (p < end && g_ascii_isspace (*p))
    p++;
  value = p;
  if (p < end && *p == '"')
    {
      for (p++; p < end && *p != '"'; p++)
        if (*p == '\\')
          p++;
      if (p >= end)
        return NULL;
      p++;
    }
  else
    while (p < end && *p != ',' && *p != '}' && !g_ascii_isspace (*p))
      p++;

  pending = g_strstr_len (p, end - p, "\"pending\"");
  if (pending != NULL)
    {
      pending += strlen ("\"pending\"");
      while (pending < end && (g_ascii_isspace (*pending) || *pending == ':'))
        pending++;
      if (pending < end && *pending == '0' && (pending + 1 == end || !g_ascii_isdigit (pending[1])))
        return NULL;
    }

  tree = rp_json_tree_parse (value, p - value, NULL);
  if (tree == NULL)
    return NULL;
  seq = rp_json_value_to_node (rp_json_tree_get_root (tree));

  return seq_to_param (seq);
}

/* A page asked for on a thread of its own */
typedef struct
{
  RpSyncClient *self;
  char         *since_param;
  guint         limit;
  GCancellable *cancellable;
  GThread      *thread;
  GBytes       *bytes;
  GError       *error;
} Receive;

static gpointer
receive_thread (gpointer data)
{
  Receive *receive = data;

  receive->bytes = receive_changes (receive->self, receive->since_param, &receive->limit, FALSE,
                                    receive->cancellable, &receive->error);
  return NULL;
}

static Receive *
receive_start (RpSyncClient *self,
               char         *since_param,
               guint         limit,
               GCancellable *cancellable)
{
  Receive *receive = g_new0 (Receive, 1);

  receive->self = self;
  receive->since_param = since_param;
  receive->limit = limit;
  receive->cancellable = g_cancellable_new ();
  g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           receive->cancellable, G_CONNECT_SWAPPED);
  receive->thread = g_thread_new ("rp-sync-receive", receive_thread, receive);

  return receive;
}

/* Waits for the page; @cancel drops it */
static GBytes *
receive_finish (Receive       *receive,
                GCancellable  *cancellable,
                gboolean       cancel,
                guint         *limit,
                GError       **error)
{
  GBytes *bytes;

  if (cancel)
    g_cancellable_cancel (receive->cancellable);
  g_thread_join (receive->thread);
  g_signal_handlers_disconnect_by_data (cancellable, receive->cancellable);

  bytes = g_steal_pointer (&receive->bytes);
  if (bytes == NULL && !cancel)
    g_propagate_error (error, g_steal_pointer (&receive->error));
  if (limit != NULL)
    *limit = receive->limit;

  g_clear_error (&receive->error);
  g_object_unref (receive->cancellable);
  g_free (receive->since_param);
  g_free (receive);
  if (cancel)
    g_clear_pointer (&bytes, g_bytes_unref);

  return bytes;
}

/* The pages of a pull after its first, read on a thread of their own and
 * handed to the applying thread one at a time.  The next page is asked
 * for as soon as a page's body is in, from the last_seq at its end, so
 * the server works on it while this one is read.  Once read, the page must
 * end with a row of that very seq (DESIGN §4: the next `since` is the seq
 * of the last row), or the early answer is dropped and the page asked for
 * again from the last row. */
typedef struct
{
  RpSyncClient *self;
  GCancellable *cancellable;
  GThread      *thread;
  GMutex        lock;
  GCond         cond;
  GQueue        ready;      /* read, for the applying thread to take */
  gboolean      finished;   /* no more pages will come */
  gboolean      stopped;    /* the applying thread wants no more */
  GError       *error;      /* why the pages ended early */
  char         *since;      /* the first page's */
  guint         limit;      /* the rows asked for, adapted to the byte bound */
} Pager;

/* Pages read ahead: enough to ride out a slow commit of the applying
 * thread without the server waiting */
#define PAGER_DEPTH 4

/* Blocks while PAGER_DEPTH pages wait; FALSE if the applying thread stopped */
static gboolean
pager_hand (Pager *pager,
            Batch *batch)
{
  gboolean taken;

  g_mutex_lock (&pager->lock);
  while (pager->ready.length >= PAGER_DEPTH && !pager->stopped)
    g_cond_wait (&pager->cond, &pager->lock);
  taken = !pager->stopped;
  if (taken)
    {
      g_queue_push_tail (&pager->ready, batch);
      g_cond_broadcast (&pager->cond);
    }
  g_mutex_unlock (&pager->lock);

  if (!taken)
    batch_free (batch);

  return taken;
}

static gpointer
pager_thread (gpointer data)
{
  Pager *pager = data;
  RpSyncClient *self = pager->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = g_steal_pointer (&pager->since);
  guint limit = pager->limit;
  GBytes *bytes;

  bytes = receive_changes (self, since, &limit, FALSE, pager->cancellable, &error);
  while (bytes != NULL)
    {
      Receive *ahead = NULL;
      char *next = peek_next_since (bytes);
      guint asked = limit;
      Batch *batch;
      gboolean more;

      if (next != NULL)
        ahead = receive_start (self, next, limit, pager->cancellable);

      batch = read_changes (self, bytes, asked, &error);
      g_clear_pointer (&bytes, g_bytes_unref);
      if (batch != NULL)
        {
          more = batch_has_more (batch);
          limit = next_limit (self, batch, limit);
          g_free (since);
          since = more ? seq_to_param (batch->last_row_seq) : NULL;
        }

      if (batch == NULL || !pager_hand (pager, batch) || !more)
        {
          if (ahead != NULL)
            receive_finish (ahead, pager->cancellable, TRUE, NULL, NULL);
          break;
        }

      if (ahead != NULL && g_str_equal (ahead->since_param, since))
        bytes = receive_finish (ahead, pager->cancellable, FALSE, &limit, &error);
      else
        {
          if (ahead != NULL)
            receive_finish (ahead, pager->cancellable, TRUE, NULL, NULL);
          bytes = receive_changes (self, since, &limit, FALSE, pager->cancellable, &error);
        }
    }

  g_mutex_lock (&pager->lock);
  pager->finished = TRUE;
  pager->limit = limit;
  pager->error = g_steal_pointer (&error);
  g_cond_broadcast (&pager->cond);
  g_mutex_unlock (&pager->lock);

  return NULL;
}

static Pager *
pager_start (RpSyncClient *self,
             JsonNode     *since,
             guint         limit,
             GCancellable *cancellable)
{
  Pager *pager = g_new0 (Pager, 1);

  pager->self = self;
  pager->since = seq_to_param (since);
  pager->limit = limit;
  pager->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                             pager->cancellable, G_CONNECT_SWAPPED);
  g_mutex_init (&pager->lock);
  g_cond_init (&pager->cond);
  pager->thread = g_thread_new ("rp-sync-fetch", pager_thread, pager);

  return pager;
}

/* The next page, or NULL at the end or on @error.  While none is ready,
 * @cache does a piece of a first load's end; @waited_usec tells how long
 * that and the wait took, and @stepped_usec is added what that took. */
static Batch *
pager_take (Pager    *pager,
            RpCache  *cache,
            gint64   *waited_usec,
            gint64   *stepped_usec,
            GError  **error)
{
  gint64 started = g_get_monotonic_time ();
  gint64 step_started;
  gboolean idle_work = TRUE;
  gboolean stepped;
  Batch *batch;

  g_mutex_lock (&pager->lock);
  while (pager->ready.length == 0 && !pager->finished)
    {
      g_autoptr(GError) local_error = NULL;

      if (!idle_work)
        {
          g_cond_wait (&pager->cond, &pager->lock);
          continue;
        }

      g_mutex_unlock (&pager->lock);
      step_started = g_get_monotonic_time ();
      stepped = rp_cache_bulk_step (cache, &idle_work, &local_error);
      *stepped_usec += g_get_monotonic_time () - step_started;
      if (!stepped)
        {
          g_set_error (error, RP_SYNC_ERROR, RP_SYNC_ERROR_CACHE,
                       _("Could not save the synced documents: %s"), local_error->message);
          *waited_usec = g_get_monotonic_time () - started;
          return NULL;
        }
      g_mutex_lock (&pager->lock);
    }
  batch = g_queue_pop_head (&pager->ready);
  if (batch == NULL && pager->error != NULL)
    g_propagate_error (error, g_steal_pointer (&pager->error));
  g_cond_broadcast (&pager->cond);
  g_mutex_unlock (&pager->lock);

  *waited_usec = g_get_monotonic_time () - started;

  return batch;
}

/* Ends the thread, whatever it was doing; returns the rows it would ask for next */
static guint
pager_stop (Pager        *pager,
            GCancellable *cancellable)
{
  guint limit;

  g_mutex_lock (&pager->lock);
  pager->stopped = TRUE;
  g_cond_broadcast (&pager->cond);
  g_mutex_unlock (&pager->lock);
  g_cancellable_cancel (pager->cancellable);
  g_thread_join (pager->thread);

  if (cancellable != NULL)
    g_signal_handlers_disconnect_by_data (cancellable, pager->cancellable);
  g_clear_object (&pager->cancellable);
  g_queue_clear_full (&pager->ready, (GDestroyNotify) batch_free);
  g_clear_error (&pager->error);
  g_free (pager->since);
  g_mutex_clear (&pager->lock);
  g_cond_clear (&pager->cond);
  limit = pager->limit;
  g_free (pager);

  return limit;
}

static void
client_finalize (GObject *object)
{
  RpSyncClient *self = (RpSyncClient *) object;

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);

  g_clear_object (&self->cache);
  g_clear_pointer (&self->http, rp_http_free);
  g_clear_pointer (&self->since, json_node_unref);
  g_free (self->replication_id);
  g_free (self->checkpoint_key);
  g_free (self->local_rev);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (rp_sync_client_parent_class)->finalize (object);
}

static void
rp_sync_client_class_init (RpSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = client_finalize;
}

static void
rp_sync_client_init (RpSyncClient *self)
{
  g_mutex_init (&self->mutex);
  self->batch_docs = DEFAULT_BATCH_DOCS;
  self->batch_bytes = DEFAULT_BATCH_BYTES;
  self->prepare_share = 500;
  self->request_s = DEFAULT_REQUEST_S;
  self->longpoll_s = DEFAULT_LONGPOLL_S;
  self->limit = DEFAULT_BATCH_DOCS;
}

/* Public API */

RpSyncClient *
rp_sync_client_new (RpCache     *cache,
                    const char  *server_url,
                    const char  *db,
                    GError     **error)
{
  g_autoptr(RpSyncClient) self = NULL;
  g_autoptr(RpHttp) http = NULL;
  g_autofree char *key = NULL;
  g_autofree char *hash = NULL;
  const char *base;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  http = rp_http_new (server_url, db, error);
  if (http == NULL)
    return NULL;

  self = g_object_new (RP_TYPE_SYNC_CLIENT, NULL);
  self->cache = g_object_ref (cache);
  self->http = g_steal_pointer (&http);
  base = rp_http_get_base (self->http);

  /* Stable per cache, server and database, and free of personal data */
  key = g_strdup_printf ("%s\n%s\n%s", rp_cache_get_path (cache), base, db);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  self->replication_id = g_strdup_printf ("rapport-%.32s", hash);
  self->checkpoint_key = g_strdup_printf ("%s/%s", base, db);

  return g_steal_pointer (&self);
}

const char *
rp_sync_client_get_db (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);
  return rp_http_get_db (self->http);
}

const char *
rp_sync_client_get_server (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);
  return rp_http_get_base (self->http);
}

const char *
rp_sync_client_get_checkpoint_key (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);

  return self->checkpoint_key;
}

const char *
rp_sync_client_get_replication_id (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);
  return self->replication_id;
}

void
rp_sync_client_set_credentials (RpSyncClient *self,
                                const char   *user,
                                const char   *password)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  g_mutex_lock (&self->mutex);
  rp_http_set_credentials (self->http, user, password);
  g_mutex_unlock (&self->mutex);
}

void
rp_sync_client_set_auth (RpSyncClient *self,
                         RpSyncAuth    auth)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  rp_http_set_auth (self->http, auth);
}

void
rp_sync_client_set_batch_size (RpSyncClient *self,
                               guint         max_docs,
                               gsize         max_bytes)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  self->batch_docs = max_docs > 0 ? max_docs : DEFAULT_BATCH_DOCS;
  self->batch_bytes = max_bytes > 0 ? max_bytes : DEFAULT_BATCH_BYTES;
  self->limit = self->batch_docs;
}

void
rp_sync_client_set_timeouts (RpSyncClient *self,
                             guint         request_s,
                             guint         longpoll_s)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  self->request_s = request_s > 0 ? request_s : DEFAULT_REQUEST_S;
  self->longpoll_s = longpoll_s > 0 ? longpoll_s : DEFAULT_LONGPOLL_S;
  rp_http_set_timeout (self->http, self->request_s);
}

void
rp_sync_client_set_progress_func (RpSyncClient       *self,
                                  RpSyncProgressFunc  func,
                                  gpointer            user_data,
                                  GDestroyNotify      destroy)
{
  g_return_if_fail (RP_IS_SYNC_CLIENT (self));

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

guint
rp_sync_client_get_retry_after (RpSyncClient *self)
{
  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), 0);
  return rp_http_get_retry_after (self->http);
}

JsonObject *
rp_sync_client_check (RpSyncClient  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), NULL);

  rp_http_reset_retry_after (self->http);
  root = rp_http_request (self->http, "GET", rp_http_get_db_path (self->http), NULL,
                          JSON_NODE_OBJECT, self->request_s, MAX_SMALL_ANSWER * 4, NULL,
                          cancellable, error);
  if (root == NULL)
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

gboolean
rp_sync_client_pull (RpSyncClient  *self,
                     RpSyncStats   *stats,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(Batch) batch = NULL;
  Batch *applied = NULL;
  Pager *pager = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 applied_usec = 0, waited_total = 0, stepped = 0, applying, finishing;
  gint64 update_seq;
  guint64 done = 0;
  gboolean ok = TRUE;
  gboolean bulk = FALSE;

  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  rp_http_reset_retry_after (self->http);

  if (!load_checkpoint (self, error))
    return FALSE;
  self->local_written_usec = g_get_monotonic_time ();

  /* Tells a missing database or a wrong password apart before any
   * _changes, and gives the estimate for the progress bar */
  info = rp_sync_client_check (self, cancellable, error);
  if (info == NULL)
    return FALSE;
  update_seq = seq_number (json_object_get_member (info, "update_seq"));

  batch = fetch_changes (self, self->since, self->limit, FALSE, cancellable, error);
  if (batch == NULL)
    return FALSE;

  /* A first pull of more than a page fills an empty cache: the cache then
   * builds its query indexes once at the end instead of row by row (it
   * does nothing of the kind when it already holds documents) */
  if (self->since == NULL && batch_has_more (batch))
    {
      /* The desktop syncs beside the agent's work: a modest page cache */
      if (!rp_cache_begin_bulk (self->cache, SYNC_BULK_MEMORY, RP_CACHE_BULK_DEFAULT, error))
        return FALSE;
      bulk = TRUE;
    }

  self->limit = next_limit (self, batch, self->limit);
  if (batch_has_more (batch))
    pager = pager_start (self, batch->last_row_seq, self->limit, cancellable);

  for (;;)
    {
      g_autoptr(GPtrArray) customers = NULL;
      g_autoptr(GError) pager_error = NULL;
      guint64 total;
      gint64 waited = 0;

      /* The pager may have a request out: the session takes both */
      if (g_get_monotonic_time () - self->local_written_usec > LOCAL_CHECKPOINT_EVERY)
        write_local_checkpoint (self, cancellable);

      applying = g_get_monotonic_time ();
      ok = apply_batch (self, batch, stats, &customers, error);
      applied_usec += g_get_monotonic_time () - applying;
      if (!ok)
        break;

      /* Freeing a page of documents costs about as much as parsing it:
       * the applying side has the time to spare while the next one comes */
      g_clear_pointer (&applied, batch_free);

      done += batch->n_rows;
      if (batch->pending >= 0)
        total = done + (guint64) batch->pending;
      else if (update_seq >= 0 && seq_number (self->since) >= 0)
        total = done + (guint64) MAX (0, update_seq - seq_number (self->since));
      else
        total = done;
      if (batch->n_rows > 0)
        report_progress (self, done, total, customers);

      if (pager == NULL)
        break;

      applied = g_steal_pointer (&batch);
      batch = pager_take (pager, self->cache, &waited, &stepped, &pager_error);
      waited_total += waited;
      if (batch == NULL)
        {
          ok = pager_error == NULL;
          if (!ok)
            g_propagate_error (error, g_steal_pointer (&pager_error));
          break;
        }
      rp_prepared_share_update (&self->prepare_share, waited);
    }

  if (pager != NULL)
    self->limit = pager_stop (pager, cancellable);
  g_clear_pointer (&applied, batch_free);
  finishing = g_get_monotonic_time ();
  if (bulk && !rp_cache_end_bulk (self->cache, ok ? error : NULL))
    ok = FALSE;
  g_debug ("Pulled %" G_GUINT64_FORMAT " changes in %.2f s: applying %.2f s, waiting for"
           " pages %.2f s (of which filling the search index %.2f s), finishing %.2f s",
           done, (g_get_monotonic_time () - started) / 1e6, applied_usec / 1e6,
           waited_total / 1e6, stepped / 1e6, (g_get_monotonic_time () - finishing) / 1e6);
  write_local_checkpoint (self, cancellable);

  return ok;
}

gboolean
rp_sync_client_wait_changes (RpSyncClient  *self,
                             RpSyncStats   *stats,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) customers = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(Batch) batch = NULL;
  gboolean full;

  g_return_val_if_fail (RP_IS_SYNC_CLIENT (self), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  rp_http_reset_retry_after (self->http);

  if (!load_checkpoint (self, error))
    return FALSE;

  batch = fetch_changes (self, self->since, self->limit, TRUE, cancellable, &local_error);
  if (batch == NULL)
    {
      /* PouchDB Server ignores `timeout`: the deadline is how a quiet
       * longpoll ends, and it is not a failure. */
      if (g_error_matches (local_error, RP_SYNC_ERROR, RP_SYNC_ERROR_TIMEOUT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!apply_batch (self, batch, stats, &customers, error))
    return FALSE;
  if (batch->n_rows > 0)
    report_progress (self, batch->n_rows, batch->n_rows, customers);

  full = batch->n_rows >= batch->limit;
  write_local_checkpoint (self, cancellable);
  g_clear_pointer (&locker, g_mutex_locker_free);

  if (full)
    return rp_sync_client_pull (self, stats, cancellable, error);

  return TRUE;
}
