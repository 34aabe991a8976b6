/* rp-cache.h: the local SQLite cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rp-json.h"
#include "rp-types.h"

G_BEGIN_DECLS

#define RP_TYPE_CACHE (rp_cache_get_type ())

G_DECLARE_FINAL_TYPE (RpCache, rp_cache, RP, CACHE, GObject)

typedef struct
{
  guint inserted;   /* new documents */
  guint updated;    /* documents replaced by a newer body */
  guint deleted;    /* tombstones applied */
  guint erased;     /* customers whose every trace was removed */
  guint skipped;    /* malformed or ill-typed documents */
  /* When non-NULL on entry (a GPtrArray with g_free), receives the ids of
   * the customers whose data changed, so views can refresh just those. */
  GPtrArray *touched;
} RpApplyStats;

/* Called once per skipped document, with its `_id` (or "(no _id)") and a
 * reason for the log.  Never given any of the document's content. */
typedef void (*RpSkipFunc) (const char *doc_id,
                            const char *reason,
                            gpointer    user_data);

typedef enum
{
  RP_MATCH_NAME,
  RP_MATCH_KANA,
  RP_MATCH_EMAIL,
  RP_MATCH_PHONE,
  RP_MATCH_ORDER,
  RP_MATCH_TICKET,
} RpMatchKind;

typedef struct
{
  char        *id;        /* customer:<uuid> */
  char        *name;      /* display name, family name first for Japanese */
  char        *kana;      /* display reading or NULL */
  char        *tier;
  GStrv        emails;
  GStrv        phones;
  RpMatchKind  match_kind;
  char        *matched;   /* the e-mail, phone, order or ticket number that matched */
  int          score;     /* lower is better */
} RpSearchHit;

typedef struct
{
  gint64     rowid;       /* stable while the document exists */
  char      *id;
  RpDocType  type;
  char      *type_name;
  char      *at;          /* RFC 3339 */
  gint64     at_usec;
  char      *channel;     /* or NULL */
  char      *title;       /* subject, summary or first words: data, not prose */
  char      *body;        /* the stored canonical JSON */
  char      *outbox_state; /* NULL once the server has it; "pending" or "rejected" */
} RpEvent;

/* One entry of a customer's timeline index: enough to lay out day groups
 * and to fetch rows on demand. */
typedef struct
{
  gint64 rowid;
  gint64 at_usec;
} RpTimelineEntry;

/* Erasure and deletion are announced so views can drop what they show. */

GType        rp_search_hit_get_type    (void) G_GNUC_CONST;
RpSearchHit *rp_search_hit_copy        (RpSearchHit *hit);
void         rp_search_hit_free        (RpSearchHit *hit);
GType        rp_event_get_type         (void) G_GNUC_CONST;
RpEvent     *rp_event_copy             (RpEvent     *event);
void         rp_event_free             (RpEvent     *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpSearchHit, rp_search_hit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpEvent, rp_event_free)

char        *rp_cache_default_path     (void);
RpCache     *rp_cache_open             (const char          *path,
                                        GError             **error);
void         rp_cache_open_async       (const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
RpCache     *rp_cache_open_finish      (GAsyncResult        *result,
                                        GError             **error);
const char  *rp_cache_get_path         (RpCache             *self);

/* The apply path: every document that enters the cache (import, demo data,
 * sync, local actions) goes through here.  One transaction per call: the
 * documents, the folds they touch and, when @checkpoint_db is set, the new
 * checkpoint @checkpoint_seq (opaque JSON, stored exactly) commit together
 * or not at all.  Bad documents are skipped through @skip_func. */
gboolean     rp_cache_apply            (RpCache             *self,
                                        JsonNode    *const  *docs,
                                        guint                n_docs,
                                        const char          *checkpoint_db,
                                        JsonNode            *checkpoint_seq,
                                        RpSkipFunc           skip_func,
                                        gpointer             user_data,
                                        RpApplyStats        *stats,
                                        GError             **error);

/* A document readied for the apply path: checked against DESIGN §3, its
 * canonical body (without `_rev`), derived columns and folded search keys
 * worked out, so the writer only writes.  Import and sync prepare on
 * their parsing threads.  rp_prepared_new() only records @doc (a value of
 * @tree, which it keeps a reference on); rp_prepared_prepare() does the
 * work, once, and the apply path does it for any not yet prepared. */
typedef struct _RpPrepared RpPrepared;

RpPrepared  *rp_prepared_new           (RpJsonTree          *tree,
                                        const RpJsonValue   *doc);
RpPrepared  *rp_prepared_new_from_node (JsonNode            *node);
void         rp_prepared_prepare       (RpPrepared          *doc);
void         rp_prepared_free          (RpPrepared          *doc);
/* The `_id`, or NULL */
const char  *rp_prepared_get_id        (RpPrepared          *doc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpPrepared, rp_prepared_free)

/* Preparing is shared between the thread that parses a batch and the one
 * that applies it.  The parser prepares the first @share per mille of a
 * batch (rp_prepared_share_prepare()); the applier prepares the rest
 * (rp_prepared_prepare_all()) and moves @share by how long it waited for
 * the batch (rp_prepared_share_update()), so that neither side idles.
 * @share is read and written atomically. */
void         rp_prepared_share_prepare (gint                *share,
                                        guint                index,
                                        guint                n,
                                        RpPrepared          *doc);
void         rp_prepared_share_update  (gint                *share,
                                        gint64               waited_usec);
void         rp_prepared_prepare_all   (GPtrArray           *prepared);

/* rp_cache_apply() for prepared documents */
gboolean     rp_cache_apply_prepared   (RpCache             *self,
                                        RpPrepared  *const  *docs,
                                        guint                n_docs,
                                        const char          *checkpoint_db,
                                        JsonNode            *checkpoint_seq,
                                        RpSkipFunc           skip_func,
                                        gpointer             user_data,
                                        RpApplyStats        *stats,
                                        GError             **error);

/* Gives back the page caches' memory once a burst of writing is over */
void         rp_cache_release_memory   (RpCache             *self);

typedef enum
{
  RP_CACHE_BULK_DEFAULT = 0,
  /* Nothing reads the cache until the load ends, as in a command-line
   * import: the load writes through a rollback journal instead of the
   * WAL, which a reader opening meanwhile would wait for */
  RP_CACHE_BULK_SOLE = 1 << 0,
} RpCacheBulkFlags;

/* A first load into an empty cache: most indexes (the id index among
 * them) and the search index are built once at rp_cache_end_bulk()
 * instead of row by row, and batches commit together.  @memory bounds
 * its page cache; 0 gives it a sixteenth of the machine's memory, up
 * to 1 GiB.  Does nothing on a cache that holds documents.  Queries in
 * between are slow, a document by id slowest; a load cut short is
 * finished at the next open. */
gboolean     rp_cache_begin_bulk       (RpCache             *self,
                                        gsize                memory,
                                        RpCacheBulkFlags     flags,
                                        GError             **error);
/* A piece of the end's work for a caller with time to spare between
 * batches, such as a pull waiting for its server: the next few thousand
 * keys go into the search index.  @worked tells whether there were any. */
gboolean     rp_cache_bulk_step        (RpCache             *self,
                                        gboolean            *worked,
                                        GError             **error);
gboolean     rp_cache_end_bulk         (RpCache             *self,
                                        GError             **error);

/* The write path of this desktop's own actions.  Documents are applied
 * like any other and queued for the server in one durable transaction
 * (synchronous=FULL), so once this returns the action survives a crash
 * or a power cut.  Every document must be valid: nothing is skipped.
 * @db is the server database to push to (NULL: the profile's first). */
gboolean     rp_cache_create           (RpCache             *self,
                                        JsonNode    *const  *docs,
                                        guint                n_docs,
                                        const char          *db,
                                        RpApplyStats        *stats,
                                        GError             **error);

typedef struct
{
  gint64  seq;            /* queue order */
  char   *doc_id;
  char   *db;
  char   *body;           /* canonical JSON, no `_rev` */
  char   *rev;            /* 1-<md5 of body>: a retried push creates nothing twice */
  char   *state;          /* "pending" or "rejected" */
  char   *error;          /* the server's reason for a rejection, or the last failure */
  int     attempts;
  gint64  created_usec;
} RpOutboxItem;

void         rp_outbox_item_free       (RpOutboxItem        *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpOutboxItem, rp_outbox_item_free)

/* Oldest first; @db and @state NULL for any, @limit 0 for all */
GPtrArray   *rp_cache_outbox_list      (RpCache             *self,
                                        const char          *db,
                                        const char          *state,
                                        guint                limit,
                                        GError             **error);
gint64       rp_cache_outbox_count     (RpCache             *self,
                                        const char          *state);
/* The server confirmed these: they leave the queue */
gboolean     rp_cache_outbox_done      (RpCache             *self,
                                        const gint64        *seqs,
                                        guint                n_seqs,
                                        GError             **error);
/* A failed attempt that will be retried (network, 5xx): noted, kept */
gboolean     rp_cache_outbox_failed    (RpCache             *self,
                                        const gint64        *seqs,
                                        guint                n_seqs,
                                        const char          *reason,
                                        GError             **error);
/* The server refused it (403, validation): kept, shown, never retried
 * until the agent says so */
gboolean     rp_cache_outbox_reject    (RpCache             *self,
                                        gint64               seq,
                                        const char          *reason,
                                        GError             **error);
gboolean     rp_cache_outbox_retry     (RpCache             *self,
                                        gint64               seq,
                                        GError             **error);
/* The agent gives up on it: the queued item and its local document go */
gboolean     rp_cache_outbox_discard   (RpCache             *self,
                                        gint64               seq,
                                        GError             **error);

/* For tests and quotas: the most pages the file may grow to (0: no limit) */
void         rp_cache_set_max_pages    (RpCache             *self,
                                        gint64               max_pages);

/* Removes every trace of a customer (rows, search keys, folds, outbox
 * items) and makes the bytes unrecoverable from the file and its WAL. */
gboolean     rp_cache_erase_customer   (RpCache             *self,
                                        const char          *customer_id,
                                        GError             **error);

/* Records that the user was told about @key (a notification's identity,
 * e.g. "assigned:ticket:…"); FALSE when they already were, so the same
 * event never notifies twice, across restarts too */
gboolean     rp_cache_mark_notified    (RpCache             *self,
                                        const char          *key,
                                        GError             **error);

/* Checkpoints: the opaque `seq` JSON text as the server gave it, or NULL */
char        *rp_cache_get_checkpoint   (RpCache             *self,
                                        const char          *db,
                                        gint64              *out_at_usec,
                                        GError             **error);

/* Queries.  All are safe to call from any thread; reads use their own
 * connection so they are not held up by a long write. */
GPtrArray   *rp_cache_search           (RpCache             *self,
                                        const char          *query,
                                        guint                limit,
                                        GError             **error);
JsonObject  *rp_cache_show             (RpCache             *self,
                                        const char          *customer_id,
                                        gint64               now_usec,
                                        GError             **error);
gboolean     rp_cache_has_customer     (RpCache             *self,
                                        const char          *customer_id,
                                        GError             **error);
/* Newest first; pass the last event of a page as @before to get the next */
GPtrArray   *rp_cache_timeline         (RpCache             *self,
                                        const char          *customer_id,
                                        RpKindMask           kinds,
                                        const char          *channel,
                                        const RpEvent       *before,
                                        guint                limit,
                                        GError             **error);
GArray      *rp_cache_timeline_index   (RpCache             *self,
                                        const char          *customer_id,
                                        RpKindMask           kinds,
                                        const char          *channel,
                                        GError             **error);
RpEvent     *rp_cache_get_event        (RpCache             *self,
                                        const char          *doc_id,
                                        GError             **error);
GPtrArray   *rp_cache_get_events       (RpCache             *self,
                                        const gint64        *rowids,
                                        guint                n_rowids,
                                        GError             **error);
/* A ticket's current state: its document with its events applied in
 * (`at`, `_id`) order, plus `history` (the events) */
JsonObject  *rp_cache_get_ticket       (RpCache             *self,
                                        const char          *ticket_id,
                                        GError             **error);
JsonObject  *rp_cache_get_document     (RpCache             *self,
                                        const char          *doc_id,
                                        GError             **error);
JsonObject  *rp_cache_status           (RpCache             *self,
                                        GError             **error);
gint64       rp_cache_count_customers  (RpCache             *self);
gboolean     rp_cache_has_customers    (RpCache             *self);

G_END_DECLS
