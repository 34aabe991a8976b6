/* rp-cache.c: the local SQLite cache and its apply path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-cache"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "rp-cache-private.h"
#include "rp-doc.h"
#include "rp-id-map.h"
#include "rp-prepare.h"
#include "rp-text.h"

/* 'Rapp': marks the file as ours, so a foreign SQLite file is refused */
#define RP_APPLICATION_ID 0x52617070

#define RP_CACHE_READERS 3

/* Documents a bulk load commits at once, at least; and how much of its
 * page cache each document may take, for a larger cache to commit more of
 * them at once (see rp_cache_begin_bulk()) */
#define RP_BULK_COMMIT_DOCS 100000
#define RP_BULK_BYTES_PER_DOC 4096

/* Statements of exec_sql() that take this long go to the debug log */
#define RP_SLOW_STATEMENT_USEC (G_USEC_PER_SEC / 20)

/* The types indexed by (type, at), for the supervisor's figures.  A query's
 * `type = 'ticket'` implies this term, so the index serves it.  Equalities,
 * not IN: every insert evaluates the term, and an IN list builds a table to
 * look in each time.  A lookup by ticket writes `+type` instead, so as not
 * to walk every ticket event through this index. */
#define RP_CACHE_KIND_INDEX "docs (type, at)" \
  " WHERE (type = 'agent' OR type = 'queue' OR type = 'ticket' OR type = 'ticket_event')"

/* The other indexes of documents, each written once for the migrations
 * that make them and for the end of a first load, which makes sure of them */
#define RP_CACHE_ID_INDEX "docs (id)"
#define RP_CACHE_TIMELINE_INDEX "docs (cust, at, type, channel) WHERE cust IS NOT NULL"
#define RP_CACHE_CONSENT_INDEX "docs (cust, purpose, at) WHERE purpose IS NOT NULL"
#define RP_CACHE_PINNED_INDEX "docs (cust, at)" \
  " WHERE type = 'note' AND instr (body, '\"pinned\":true') > 0"
#define RP_CACHE_TICKET_INDEX "docs (ticket) WHERE ticket IS NOT NULL"

/* The memory the trigram index gathers terms in before it writes them out
 * when a first load ends: a third of the load's page cache, up to 1 GiB.
 * At 1 MiB, FTS5's own default, a million customers' keys were written in
 * hundreds of segments, merged over and over. */
#define RP_FTS_HASH_DEFAULT (1024 * 1024)
#define RP_FTS_HASH_MAX (G_GINT64_CONSTANT (1024) * 1024 * 1024)

/* How many documents ahead a first load asks for the map slot of an id */
#define RP_ID_PREFETCH 4

/* The writer's page cache outside a first load, in KiB */
#define RP_WRITER_CACHE_KIB 131072

/* The page cache while the end of a first load builds its indexes.  Its
 * size is also how much the sorter sorts at once before it writes the run
 * out: with the load's gigabytes, or with runs kept in memory
 * (temp_store = MEMORY, as elsewhere), it sorted a million customers'
 * ids in 27–31 s; in runs of 16 MiB on a helper thread, merged from
 * temporary files, in 8.5 s */
#define RP_INDEX_BUILD_CACHE_KIB 16384

struct _RpCache
{
  GObject   parent_instance;

  char     *path;

  /* Writes (apply, erase, outbox) go through one connection … */
  GMutex    write_lock;
  sqlite3  *wdb;
  sqlite3_stmt *st_get_doc;
  sqlite3_stmt *st_get_doc_at;
  sqlite3_stmt *st_ins_doc;
  sqlite3_stmt *st_upd_doc;
  sqlite3_stmt *st_del_doc;
  sqlite3_stmt *st_get_cid;
  sqlite3_stmt *st_ins_cid;
  sqlite3_stmt *st_set_customer;
  sqlite3_stmt *st_clear_customer;
  sqlite3_stmt *st_ins_key;
  sqlite3_stmt *st_ins_fts;
  sqlite3_stmt *st_keys_of_doc;
  sqlite3_stmt *st_del_fts;
  sqlite3_stmt *st_del_keys_of_doc;
  sqlite3_stmt *st_is_erased;
  sqlite3_stmt *st_get_ticket;
  sqlite3_stmt *st_set_ticket_state;
  sqlite3_stmt *st_put_ticket;
  sqlite3_stmt *st_ticket_has_events;
  sqlite3_stmt *st_put_consent;

  /* A first load into an empty cache builds most indexes after the fact,
   * and commits many batches at once: random ids touch pages all over the
   * id index, and per-batch commits wrote each of them again and again */
  gboolean  bulk;
  gboolean  bulk_open;       /* a transaction spanning batches is open */
  guint     bulk_uncommitted;
  gint64    bulk_cache_kib;  /* the load's page cache: how many documents
                              * it commits at once and the trigram fill's
                              * memory follow from it */
  gint64    bulk_fts;        /* search keys up to this rowid are in the
                              * trigram index already; -1: none */
  RpIdMap  *bulk_ids;        /* while the id index is dropped */

  /* The customer the last document was about, and whether any customer
   * was ever erased: most documents need neither lookup */
  char     *last_customer;
  gint64    last_cid;
  gboolean  has_erased;

  /* … and reads through a few others, so a long batch never holds up a
   * search, and a search never waits for the context card */
  struct {
    GMutex   lock;
    sqlite3 *db;
  } readers[RP_CACHE_READERS];
};

/* Which reader the calling thread holds, between lock and unlock */
static GPrivate reader_slot;

G_DEFINE_FINAL_TYPE (RpCache, rp_cache, G_TYPE_OBJECT)

/* Numbered migrations: entry N brings user_version from N to N + 1.
 * Never edit one that has shipped; add the next. */
static const char *migrations[] = {
  /* 1: documents, customers, search, folds, checkpoints, outbox */
  "CREATE TABLE docs ("
  "  rowid INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  type TEXT NOT NULL,"
  "  cust INTEGER,"          /* customers.cid of the customer it is about */
  "  at INTEGER,"            /* µs since the epoch, UTC */
  "  channel TEXT,"          /* channel, or a consent's source */
  "  title TEXT,"            /* subject, summary, first words; a consent's state */
  "  ticket TEXT,"           /* the ticket an event, interaction or survey belongs to */
  "  purpose TEXT,"          /* a consent's purpose */
  "  body TEXT NOT NULL"
  ");"
  "CREATE INDEX docs_timeline ON docs (cust, at) WHERE cust IS NOT NULL;"
  "CREATE INDEX docs_ticket ON docs (ticket) WHERE ticket IS NOT NULL;"
  "CREATE INDEX docs_consent ON docs (cust, purpose, at) WHERE purpose IS NOT NULL;"
  "CREATE INDEX docs_type ON docs (type, at);"
  "CREATE TABLE customers ("
  "  cid INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  doc INTEGER,"           /* docs.rowid of the customer document, once it arrived */
  "  name TEXT,"
  "  kana TEXT,"
  "  tier TEXT"
  ");"
  "CREATE TABLE search_keys ("
  "  rowid INTEGER PRIMARY KEY,"
  "  key TEXT NOT NULL,"
  "  cust INTEGER NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  doc INTEGER NOT NULL,"
  "  label TEXT"
  ");"
  "CREATE INDEX search_keys_key ON search_keys (key);"
  "CREATE INDEX search_keys_doc ON search_keys (doc);"
  "CREATE VIRTUAL TABLE search_fts USING fts5 ("
  "  key, content='search_keys', content_rowid='rowid', tokenize='trigram');"
  "CREATE TABLE tickets ("
  "  id TEXT PRIMARY KEY,"
  "  doc INTEGER NOT NULL,"
  "  cust INTEGER,"
  "  number TEXT,"
  "  subject TEXT,"
  "  channel TEXT,"
  "  queue TEXT,"
  "  priority TEXT,"
  "  status TEXT,"
  "  assignee TEXT,"
  "  created INTEGER,"
  "  first_response_due INTEGER,"
  "  resolution_due INTEGER,"
  "  updated INTEGER,"
  "  last_at INTEGER,"       /* (last_at, last_id): the newest event folded in */
  "  last_id TEXT,"
  "  handoff TEXT,"
  "  handoff_at INTEGER,"
  "  handoff_by TEXT"
  ") WITHOUT ROWID;"
  "CREATE INDEX tickets_cust ON tickets (cust);"
  "CREATE INDEX tickets_queue ON tickets (status, queue);"
  "CREATE INDEX tickets_assignee ON tickets (assignee, status);"
  "CREATE TABLE consent_state ("
  "  cust INTEGER NOT NULL,"
  "  purpose TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  source TEXT,"
  "  doc_id TEXT NOT NULL,"
  "  PRIMARY KEY (cust, purpose)"
  ") WITHOUT ROWID;"
  "CREATE TABLE erased (id TEXT PRIMARY KEY, at INTEGER) WITHOUT ROWID;"
  "CREATE TABLE checkpoints (db TEXT PRIMARY KEY, seq TEXT NOT NULL, at INTEGER NOT NULL);"
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY,"
  "  doc_id TEXT NOT NULL UNIQUE,"
  "  cust INTEGER,"
  "  db TEXT,"
  "  body TEXT NOT NULL,"
  "  rev TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  state TEXT NOT NULL DEFAULT 'pending',"
  "  error TEXT"
  ");"
  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;",

  /* 2: what the desktop already told its user about, so nothing notifies
   * twice across restarts */
  "CREATE TABLE notified (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;",

  /* 3: the timeline index carries the type and channel, so a customer's
   * filters and counts never leave it */
  "DROP INDEX IF EXISTS docs_timeline;"
  "CREATE INDEX docs_timeline ON docs (cust, at, type, channel) WHERE cust IS NOT NULL;",

  /* 4: only keys found by substring go into the trigram index; until now
   * every key did */
  "ALTER TABLE search_keys ADD COLUMN sub INTEGER NOT NULL DEFAULT 1;",

  /* 5: the key index carries what a search reads of each key, so a prefix
   * never looks up the table row by row: at a million customers each of
   * those rows was a page read from the disk */
  "DROP INDEX IF EXISTS search_keys_key;"
  "CREATE INDEX search_keys_key ON search_keys (key, cust, kind, label);",

  /* 6: the trigram index in one segment.  A first load left it in about
   * twenty, and a term is looked up in each: a six-character substring
   * read 1.7 times the pages it reads from one */
  "INSERT INTO search_fts (search_fts) VALUES ('optimize');",

  /* 7: a customer's pinned notes, which the card shows whatever their age:
   * finding them read the body of every note the customer has, a page
   * from the disk for every few, and at a thousand notes most of a cold
   * card.  Canonical bodies spell a pinned note one way. */
  "CREATE INDEX IF NOT EXISTS docs_pinned ON " RP_CACHE_PINNED_INDEX ";",

  /* 8: (type, at) only for the types the supervisor's figures look up by
   * time.  Over every document it was the costliest index a first load
   * built at its end; over these few it is kept as they come. */
  "CREATE INDEX IF NOT EXISTS docs_kind ON " RP_CACHE_KIND_INDEX ";"
  "DROP INDEX IF EXISTS docs_type;",

  /* 9: the ids of documents in an index of their own rather than one the
   * table's UNIQUE constraint makes: a first load drops it and builds it
   * once at its end.  Random ids put every insert at a random place in
   * it, which was a third of a first load's time.  Rowids stay. */
  "CREATE TABLE docs_9 ("
  "  rowid INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL,"
  "  type TEXT NOT NULL,"
  "  cust INTEGER,"
  "  at INTEGER,"
  "  channel TEXT,"
  "  title TEXT,"
  "  ticket TEXT,"
  "  purpose TEXT,"
  "  body TEXT NOT NULL"
  ");"
  "INSERT INTO docs_9 (rowid, id, type, cust, at, channel, title, ticket, purpose, body)"
  " SELECT rowid, id, type, cust, at, channel, title, ticket, purpose, body FROM docs;"
  "DROP TABLE docs;"
  "ALTER TABLE docs_9 RENAME TO docs;"
  "CREATE UNIQUE INDEX docs_id ON " RP_CACHE_ID_INDEX ";"
  "CREATE INDEX docs_timeline ON " RP_CACHE_TIMELINE_INDEX ";"
  "CREATE INDEX docs_ticket ON " RP_CACHE_TICKET_INDEX ";"
  "CREATE INDEX docs_consent ON " RP_CACHE_CONSENT_INDEX ";"
  "CREATE INDEX docs_pinned ON " RP_CACHE_PINNED_INDEX ";"
  "CREATE INDEX docs_kind ON " RP_CACHE_KIND_INDEX ";",
};

#define RP_CACHE_VERSION ((int) G_N_ELEMENTS (migrations))

/* Indexes only queries need: a first load drops them and builds them once
 * at the end, which is far cheaper than keeping them sorted row by row.
 * So does the id index, which the apply path looks in: during the load it
 * finds documents through an RpIdMap instead.  Other lookups the apply
 * path makes (ticket events, a document's keys) keep theirs, and so do
 * the indexes that lead with the customer: documents come grouped by
 * customer and customers are numbered as they come, so those grow at
 * their end, and building them afterwards would only add a scan of every
 * body to the wait at the end.  So does the index of a few types by
 * time: it takes a sixth of the documents, small enough to stay in the
 * page cache.  The end of a load makes sure of those too, for a load an
 * older version began. */
static const struct
{
  const char *name;
  const char *definition;
  gboolean    deferred;
  gboolean    unique;
} bulk_indexes[] = {
  { "docs_id", RP_CACHE_ID_INDEX, TRUE, TRUE },
  { "docs_timeline", RP_CACHE_TIMELINE_INDEX, FALSE, FALSE },
  { "docs_consent", RP_CACHE_CONSENT_INDEX, FALSE, FALSE },
  { "docs_pinned", RP_CACHE_PINNED_INDEX, FALSE, FALSE },
  { "docs_kind", RP_CACHE_KIND_INDEX, FALSE, FALSE },
  { "search_keys_key", "search_keys (key, cust, kind, label)", TRUE, FALSE },
  { "tickets_cust", "tickets (cust)", TRUE, FALSE },
  { "tickets_queue", "tickets (status, queue)", TRUE, FALSE },
  { "tickets_assignee", "tickets (assignee, status)", TRUE, FALSE },
};

enum {
  KEY_NAME = RP_MATCH_NAME,
  KEY_KANA = RP_MATCH_KANA,
  KEY_EMAIL = RP_MATCH_EMAIL,
  KEY_PHONE = RP_MATCH_PHONE,
  KEY_ORDER = RP_MATCH_ORDER,
  KEY_TICKET = RP_MATCH_TICKET,
};

/* A ticket's folded state */
typedef struct
{
  char   *status;
  char   *priority;
  char   *queue;
  char   *assignee;
  gint64  updated;
  gint64  last_at;
  char   *last_id;
  char   *handoff;
  gint64  handoff_at;
  char   *handoff_by;
} TicketState;

typedef struct
{
  GHashTable *dirty_tickets;     /* ticket id → NULL: fold again at the end */
  GHashTable *dirty_consents;    /* "cid\037purpose" → NULL */
  GHashTable *touched;           /* customer id → NULL */
  gboolean    erased;

  /* The ticket whose events are coming in, folded in memory until another
   * ticket's turn or the end of the call (see apply_ticket_event()) */
  char              *pending_id;     /* NULL if none */
  const RpJsonValue *pending_doc;    /* its document, if it came in this call */
  gint64             pending_rowid;
  gint64             pending_cid;
  TicketState        pending;
} ApplyCtx;

/* Errors */

gboolean
rp_cache_set_error (GError    **error,
                    sqlite3    *db,
                    int         rc,
                    const char *what)
{
  int code;
  const char *msg = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      code = RP_ERROR_FULL;
      /* Translators: the first %s is what failed, e.g. “Could not save the documents” */
      g_set_error (error, RP_ERROR, code, _("%s: the disk is full"), what);
      return FALSE;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      code = RP_ERROR_CORRUPT;
      g_set_error (error, RP_ERROR, code,
                   _("The cache is not a Rapport cache or is damaged (%s)"), msg);
      return FALSE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = RP_ERROR_BUSY;
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      code = RP_ERROR_IO;
      break;
    default:
      code = RP_ERROR_FAILED;
    }

  g_set_error (error, RP_ERROR, code, "%s: %s", what, msg);
  return FALSE;
}

sqlite3_stmt *
rp_cache_prepare (sqlite3     *db,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, db, rc, _("Could not read the cache"));
      return NULL;
    }
  return stmt;
}

/* Runs @sql, one statement at a time; the debug log says how long each
 * one that took a while took: the steps at the end of a first load, a
 * migration's rebuilds */
static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  const char *next = sql;
  int rc = SQLITE_OK;

  while (rc == SQLITE_OK && next && *next)
    {
      sqlite3_stmt *stmt = NULL;
      const char *tail = NULL;
      gint64 start = g_get_monotonic_time (), took;

      rc = sqlite3_prepare_v2 (db, next, -1, &stmt, &tail);
      if (rc == SQLITE_OK && stmt)
        {
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            ;
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
          took = g_get_monotonic_time () - start;
          if (took >= RP_SLOW_STATEMENT_USEC)
            g_debug ("%.*s: %.1f s", (int) MIN (tail - next, 72), next, took / 1e6);
        }
      sqlite3_finalize (stmt);
      next = tail;
    }
  if (rc != SQLITE_OK)
    return rp_cache_set_error (error, db, rc, _("Could not update the cache"));
  return TRUE;
}

static int
query_int (sqlite3    *db,
           const char *sql,
           int        *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  int value = 0;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc_out)
    *rc_out = rc;
  return value;
}

/* Opening */

char *
rp_cache_default_path (void)
{
  const char *env = g_getenv ("RAPPORT_CACHE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "rapport", "cache.db", NULL);
}

/* The directory is private and the file is created 0600 before SQLite
 * sees it; SQLite gives its -wal and -shm files the database's mode. */
static gboolean
prepare_file (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved = errno;
          g_set_error (error, RP_ERROR, RP_ERROR_IO, _("Could not create the folder %s: %s"),
                       dir, g_strerror (saved));
          return FALSE;
        }
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, RP_ERROR, RP_ERROR_IO, _("Could not open the cache %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static sqlite3 *
open_connection (const char  *path,
                 gboolean     reader,
                 GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, db, rc, _("Could not open the cache"));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 0);
  sqlite3_busy_timeout (db, 10000);

  /* The first statement that reads the file tells a foreign file apart */
  if (!exec_sql (db,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = NORMAL;"
                 "PRAGMA secure_delete = ON;"
                 "PRAGMA temp_store = MEMORY;"
                 "PRAGMA cache_size = -32768;",
                 error))
    {
      sqlite3_close (db);
      return NULL;
    }

  /* Readers answer the window's queries: their pages are in the kernel's
   * page cache anyway, and a large cache of their own is memory the agent's
   * desktop keeps for nothing */
  if (reader)
    exec_sql (db, "PRAGMA query_only = ON; PRAGMA cache_size = -2048;", NULL);
  else
    /* Fewer, larger checkpoints: a page written by many batches is copied
     * back once; the WAL stays bounded at about 64 MB */
    exec_sql (db, "PRAGMA cache_size = -" G_STRINGIFY (RP_WRITER_CACHE_KIB) ";"
                  "PRAGMA wal_autocheckpoint = 16384;", NULL);

  return db;
}

/* Index builds sort with a helper thread, in runs written to temporary
 * files: SQLite makes them readable by us alone and unlinks them as it
 * opens them.  See RP_INDEX_BUILD_CACHE_KIB. */
static void
index_builds_begin (sqlite3 *db)
{
  exec_sql (db, "PRAGMA threads = 2;"
                "PRAGMA temp_store = FILE;"
                "PRAGMA cache_size = -" G_STRINGIFY (RP_INDEX_BUILD_CACHE_KIB) ";", NULL);
}

/* Back to the writer's settings, with a page cache of @cache_kib */
static void
index_builds_end (sqlite3 *db,
                  gint64   cache_kib)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA threads = 0;"
                                          "PRAGMA temp_store = MEMORY;"
                                          "PRAGMA cache_size = -%" G_GINT64_FORMAT ";",
                                          cache_kib);
  exec_sql (db, sql, NULL);
}

static gboolean
migrate (sqlite3     *db,
         const char  *path,
         GError     **error)
{
  int rc;
  int version = query_int (db, "PRAGMA user_version", &rc);
  gboolean migrating;
  int app_id;

  if (rc != SQLITE_OK)
    return rp_cache_set_error (error, db, rc, _("Could not read the cache"));

  app_id = query_int (db, "PRAGMA application_id", &rc);

  if (version > RP_CACHE_VERSION)
    {
      g_set_error (error, RP_ERROR, RP_ERROR_NEWER_SCHEMA,
                   _("The cache %s was written by a newer version of Rapport (schema %d, this version reads up to %d)"),
                   path, version, RP_CACHE_VERSION);
      return FALSE;
    }

  if (version == 0)
    {
      int tables = query_int (db, "SELECT count(*) FROM sqlite_master", &rc);
      if (rc != SQLITE_OK)
        return rp_cache_set_error (error, db, rc, _("Could not read the cache"));
      if (tables > 0 && app_id != RP_APPLICATION_ID)
        {
          g_set_error (error, RP_ERROR, RP_ERROR_CORRUPT,
                       _("%s is an SQLite database but not a Rapport cache"), path);
          return FALSE;
        }
    }
  else if (app_id != RP_APPLICATION_ID)
    {
      g_set_error (error, RP_ERROR, RP_ERROR_CORRUPT,
                   _("%s is an SQLite database but not a Rapport cache"), path);
      return FALSE;
    }

  /* Migrations rebuild tables and indexes */
  migrating = version < RP_CACHE_VERSION;
  if (migrating)
    index_builds_begin (db);
  for (int v = version; v < RP_CACHE_VERSION; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;"
                                               "PRAGMA application_id = %d;",
                                               v + 1, RP_APPLICATION_ID);

      if (!exec_sql (db, "BEGIN IMMEDIATE", error))
        break;
      if (!exec_sql (db, migrations[v], error) || !exec_sql (db, bump, error) ||
          !exec_sql (db, "COMMIT", error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          break;
        }
      version = v + 1;
    }
  if (migrating)
    index_builds_end (db, RP_WRITER_CACHE_KIB);

  return version == RP_CACHE_VERSION;
}

#define PREPARE(field, sql) \
  G_STMT_START { \
    if (!(self->field = rp_cache_prepare (self->wdb, sql, error))) \
      return FALSE; \
  } G_STMT_END

static gboolean
prepare_statements (RpCache  *self,
                    GError  **error)
{
  PREPARE (st_get_doc, "SELECT rowid, type, cust, body FROM docs WHERE id = ?1");
  PREPARE (st_get_doc_at, "SELECT rowid, type, cust, body, id FROM docs WHERE rowid = ?1");
  PREPARE (st_ins_doc, "INSERT INTO docs (id, type, cust, at, channel, title, ticket, purpose, body)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  PREPARE (st_upd_doc, "UPDATE docs SET type = ?2, cust = ?3, at = ?4, channel = ?5, title = ?6,"
                       " ticket = ?7, purpose = ?8, body = ?9 WHERE rowid = ?1");
  PREPARE (st_del_doc, "DELETE FROM docs WHERE rowid = ?1");
  PREPARE (st_get_cid, "SELECT cid FROM customers WHERE id = ?1");
  PREPARE (st_ins_cid, "INSERT INTO customers (id) VALUES (?1)");
  PREPARE (st_set_customer, "UPDATE customers SET doc = ?2, name = ?3, kana = ?4, tier = ?5 WHERE cid = ?1");
  PREPARE (st_clear_customer, "UPDATE customers SET doc = NULL, name = NULL, kana = NULL, tier = NULL"
                              " WHERE doc = ?1");
  PREPARE (st_ins_key, "INSERT INTO search_keys (key, cust, kind, doc, label, sub)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  PREPARE (st_ins_fts, "INSERT INTO search_fts (rowid, key) VALUES (?1, ?2)");
  PREPARE (st_keys_of_doc, "SELECT rowid, key FROM search_keys WHERE doc = ?1 AND sub");
  PREPARE (st_del_fts, "INSERT INTO search_fts (search_fts, rowid, key) VALUES ('delete', ?1, ?2)");
  PREPARE (st_del_keys_of_doc, "DELETE FROM search_keys WHERE doc = ?1");
  PREPARE (st_is_erased, "SELECT 1 FROM erased WHERE id = ?1");
  PREPARE (st_get_ticket, "SELECT status, priority, queue, assignee, updated, last_at, last_id,"
                          " handoff, handoff_at, handoff_by FROM tickets WHERE id = ?1");
  /* Both: the id, then the folded state as bind_ticket_state() binds it */
  PREPARE (st_put_ticket, "INSERT OR REPLACE INTO tickets (id, queue, priority, status, assignee,"
                          " updated, last_at, last_id, handoff, handoff_at, handoff_by, doc, cust,"
                          " number, subject, channel, created, first_response_due, resolution_due)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
                          " ?16, ?17, ?18, ?19)");
  PREPARE (st_set_ticket_state, "UPDATE tickets SET queue = ?2, priority = ?3, status = ?4, assignee = ?5,"
                                " updated = ?6, last_at = ?7, last_id = ?8, handoff = ?9, handoff_at = ?10,"
                                " handoff_by = ?11 WHERE id = ?1");
  PREPARE (st_ticket_has_events, "SELECT 1 FROM docs WHERE ticket = ?1 AND +type = 'ticket_event' LIMIT 1");
  PREPARE (st_put_consent, "INSERT INTO consent_state (cust, purpose, state, at, source, doc_id)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                           " ON CONFLICT (cust, purpose) DO UPDATE SET state = excluded.state,"
                           " at = excluded.at, source = excluded.source, doc_id = excluded.doc_id"
                           " WHERE excluded.at > consent_state.at OR (excluded.at = consent_state.at"
                           " AND excluded.doc_id >= consent_state.doc_id)");
  return TRUE;
}

#undef PREPARE

static int commit_writes (RpCache *self);
static int flush_bulk (RpCache *self);

/* Each commit writes every page the batches since the last one touched,
 * and random ids touch pages all over the tables and indexes keyed by
 * them: a cache that holds more commits less often */
static guint
bulk_commit_docs (RpCache *self)
{
  return MAX (RP_BULK_COMMIT_DOCS, self->bulk_cache_kib * 1024 / RP_BULK_BYTES_PER_DOC);
}

/* See RP_FTS_HASH_MAX */
static gint64
bulk_fts_hash (RpCache *self)
{
  return CLAMP (self->bulk_cache_kib * 1024 / 3, RP_FTS_HASH_DEFAULT, RP_FTS_HASH_MAX);
}

static void
rp_cache_finalize (GObject *object)
{
  RpCache *self = (RpCache *) object;
  sqlite3_stmt **statements[] = {
    &self->st_get_doc, &self->st_get_doc_at, &self->st_ins_doc, &self->st_upd_doc, &self->st_del_doc,
    &self->st_get_cid, &self->st_ins_cid, &self->st_set_customer, &self->st_clear_customer,
    &self->st_ins_key, &self->st_ins_fts, &self->st_keys_of_doc, &self->st_del_fts,
    &self->st_del_keys_of_doc, &self->st_is_erased, &self->st_get_ticket, &self->st_set_ticket_state, &self->st_put_ticket,
    &self->st_ticket_has_events, &self->st_put_consent,
  };

  /* A bulk load dropped without rp_cache_end_bulk() keeps what it applied;
   * its indexes are built at the next open */
  if (self->wdb != NULL)
    flush_bulk (self);

  /* Only our own statements: FTS5 finalizes the ones it prepared itself */
  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    g_clear_pointer (statements[i], sqlite3_finalize);
  g_clear_pointer (&self->wdb, sqlite3_close_v2);
  for (guint i = 0; i < RP_CACHE_READERS; i++)
    {
      g_clear_pointer (&self->readers[i].db, sqlite3_close_v2);
      g_mutex_clear (&self->readers[i].lock);
    }

  g_mutex_clear (&self->write_lock);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->last_customer, g_free);
  g_clear_pointer (&self->bulk_ids, rp_id_map_free);

  G_OBJECT_CLASS (rp_cache_parent_class)->finalize (object);
}

static void
rp_cache_class_init (RpCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_cache_finalize;
}

/* How far a bulk load filled the trigram index, as last committed */
static void
load_bulk_fts (RpCache *self)
{
  self->bulk_fts = query_int (self->wdb, "SELECT coalesce((SELECT value FROM settings"
                                         " WHERE key = 'bulk-fts'), -1)", NULL);
}

static void
rp_cache_init (RpCache *self)
{
  g_mutex_init (&self->write_lock);
  for (guint i = 0; i < RP_CACHE_READERS; i++)
    g_mutex_init (&self->readers[i].lock);
  self->bulk_fts = -1;
}

RpCache *
rp_cache_open (const char  *path,
               GError     **error)
{
  g_autoptr(RpCache) self = NULL;
  g_autofree char *default_path = NULL;

  if (path == NULL)
    path = default_path = rp_cache_default_path ();

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, RP_ERROR, RP_ERROR_IO, _("The cache %s is a folder, not a file"), path);
      return NULL;
    }

  if (!prepare_file (path, error))
    return NULL;

  self = g_object_new (RP_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->bulk_cache_kib = RP_WRITER_CACHE_KIB;

  if (!(self->wdb = open_connection (path, FALSE, error)) ||
      !migrate (self->wdb, path, error) ||
      !prepare_statements (self, error))
    return NULL;

  /* A first load that was cut short left its indexes unbuilt */
  if (query_int (self->wdb, "SELECT count(*) FROM settings WHERE key = 'bulk-load'", NULL) > 0)
    {
      self->bulk = TRUE;
      load_bulk_fts (self);
      if (!rp_cache_end_bulk (self, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  RpCache *cache = rp_cache_open (task_data, &error);

  if (cache != NULL)
    g_task_return_pointer (task, cache, g_object_unref);
  else
    g_task_return_error (task, error);
}

/* Opening runs the migrations and finishes a first load that was cut
 * short: on a large cache that is minutes of work, which a window must
 * not wait for on its main thread.  @path may be %NULL for the default. */
void
rp_cache_open_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, rp_cache_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

RpCache *
rp_cache_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rp_cache_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
rp_cache_get_path (RpCache *self)
{
  g_return_val_if_fail (RP_IS_CACHE (self), NULL);
  return self->path;
}

sqlite3 *
rp_cache_reader_lock (RpCache  *self,
                      GError  **error)
{
  guint slot = 0;

  /* The first free reader; when all are busy, wait for the first */
  for (guint i = 0; i < RP_CACHE_READERS; i++)
    if (g_mutex_trylock (&self->readers[i].lock))
      {
        slot = i + 1;
        break;
      }
  if (slot == 0)
    {
      g_mutex_lock (&self->readers[0].lock);
      slot = 1;
    }

  if (self->readers[slot - 1].db == NULL)
    {
      self->readers[slot - 1].db = open_connection (self->path, TRUE, error);
      if (self->readers[slot - 1].db == NULL)
        {
          g_mutex_unlock (&self->readers[slot - 1].lock);
          return NULL;
        }
    }
  g_private_set (&reader_slot, GUINT_TO_POINTER (slot));
  return self->readers[slot - 1].db;
}

void
rp_cache_reader_unlock (RpCache *self)
{
  guint slot = GPOINTER_TO_UINT (g_private_get (&reader_slot));

  g_assert (slot >= 1 && slot <= RP_CACHE_READERS);
  g_private_set (&reader_slot, NULL);
  g_mutex_unlock (&self->readers[slot - 1].lock);
}

gint64
rp_cache_lookup_cid (sqlite3    *db,
                     const char *customer_id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 cid = 0;

  if (sqlite3_prepare_v2 (db, "SELECT cid FROM customers WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cid = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return cid;
}

/* The apply path */

static int
step_done (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           i,
                   const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

static gint64
get_or_create_cid (RpCache    *self,
                   const char *customer_id,
                   int        *rc)
{
  gint64 cid = 0;

  sqlite3_bind_text (self->st_get_cid, 1, customer_id, -1, SQLITE_STATIC);
  if (sqlite3_step (self->st_get_cid) == SQLITE_ROW)
    cid = sqlite3_column_int64 (self->st_get_cid, 0);
  sqlite3_reset (self->st_get_cid);
  if (cid != 0)
    return cid;

  sqlite3_bind_text (self->st_ins_cid, 1, customer_id, -1, SQLITE_STATIC);
  *rc = step_done (self->st_ins_cid);
  if (*rc != SQLITE_OK)
    return 0;
  return sqlite3_last_insert_rowid (self->wdb);
}

static gboolean
is_erased (RpCache    *self,
           const char *customer_id)
{
  gboolean found;

  sqlite3_bind_text (self->st_is_erased, 1, customer_id, -1, SQLITE_STATIC);
  found = sqlite3_step (self->st_is_erased) == SQLITE_ROW;
  sqlite3_reset (self->st_is_erased);
  return found;
}

/* The stored document @id as (rowid, type, cust, body), or NULL; the
 * caller resets the statement.  While a first load has the id index
 * dropped, its map names the rows that may hold @id. */
static sqlite3_stmt *
find_doc (RpCache    *self,
          const char *id)
{
  sqlite3_stmt *st = self->bulk_ids ? self->st_get_doc_at : self->st_get_doc;
  gsize cursor = 0;
  guint64 hash;
  gint64 rowid;

  if (self->bulk_ids == NULL)
    {
      sqlite3_bind_text (st, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_step (st) == SQLITE_ROW)
        return st;
      sqlite3_reset (st);
      return NULL;
    }

  hash = rp_id_map_hash (id);
  while ((rowid = rp_id_map_next (self->bulk_ids, hash, &cursor)) != 0)
    {
      sqlite3_bind_int64 (st, 1, rowid);
      if (sqlite3_step (st) == SQLITE_ROW &&
          g_strcmp0 ((const char *) sqlite3_column_text (st, 4), id) == 0)
        return st;
      sqlite3_reset (st);
    }
  return NULL;
}

static int
insert_key (RpCache             *self,
            const RpPreparedKey *key,
            gint64               cid,
            gint64               doc)
{
  int rc;

  sqlite3_bind_text (self->st_ins_key, 1, key->key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->st_ins_key, 2, cid);
  sqlite3_bind_int (self->st_ins_key, 3, key->kind);
  sqlite3_bind_int64 (self->st_ins_key, 4, doc);
  bind_text_or_null (self->st_ins_key, 5, key->label);
  sqlite3_bind_int (self->st_ins_key, 6, key->sub);
  if ((rc = step_done (self->st_ins_key)) != SQLITE_OK)
    return rc;

  /* A bulk load fills the trigram index from search_keys later */
  if (!key->sub || (self->bulk && sqlite3_last_insert_rowid (self->wdb) > self->bulk_fts))
    return SQLITE_OK;

  sqlite3_bind_int64 (self->st_ins_fts, 1, sqlite3_last_insert_rowid (self->wdb));
  sqlite3_bind_text (self->st_ins_fts, 2, key->key, -1, SQLITE_STATIC);
  return step_done (self->st_ins_fts);
}

static int
remove_keys_of_doc (RpCache *self,
                    gint64   doc)
{
  int rc = SQLITE_OK;

  sqlite3_bind_int64 (self->st_keys_of_doc, 1, doc);
  while ((!self->bulk || self->bulk_fts > 0) && sqlite3_step (self->st_keys_of_doc) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (self->st_keys_of_doc, 0);

      /* Only what the trigram index holds already */
      if (self->bulk && rowid > self->bulk_fts)
        continue;
      sqlite3_bind_int64 (self->st_del_fts, 1, rowid);
      sqlite3_bind_text (self->st_del_fts, 2,
                         (const char *) sqlite3_column_text (self->st_keys_of_doc, 1), -1,
                         SQLITE_TRANSIENT);
      if ((rc = step_done (self->st_del_fts)) != SQLITE_OK)
        break;
    }
  sqlite3_reset (self->st_keys_of_doc);
  if (rc != SQLITE_OK)
    return rc;

  sqlite3_bind_int64 (self->st_del_keys_of_doc, 1, doc);
  return step_done (self->st_del_keys_of_doc);
}

/* Ticket folding: the ticket document, then its events in (at, _id) order */

static void
ticket_state_clear (TicketState *state)
{
  g_free (state->status);
  g_free (state->priority);
  g_free (state->queue);
  g_free (state->assignee);
  g_free (state->last_id);
  g_free (state->handoff);
  g_free (state->handoff_by);
  memset (state, 0, sizeof *state);
}

static void
replace_str (char      **field,
             const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
ticket_state_apply_event (TicketState *state,
                          const RpJsonValue *event,
                          gint64       at)
{
  const RpJsonValue *changes = rp_json_value_get_member (event, "changes");
  const char *handoff = rp_json_value_get_string (event, "handoff");

  if (changes && changes->kind == RP_JSON_OBJECT)
    {
      const char *value;

      if ((value = rp_json_value_get_string (changes, "status")))
        replace_str (&state->status, value);
      if ((value = rp_json_value_get_string (changes, "priority")))
        replace_str (&state->priority, value);
      if ((value = rp_json_value_get_string (changes, "queue")))
        replace_str (&state->queue, value);
      if (rp_json_value_get_member (changes, "assignee"))
        replace_str (&state->assignee, rp_json_value_get_string (changes, "assignee"));
    }

  if (handoff && *handoff)
    {
      replace_str (&state->handoff, handoff);
      replace_str (&state->handoff_by, rp_json_value_get_string (event, "author"));
      state->handoff_at = at;
    }

  state->updated = MAX (state->updated, at);
  state->last_at = at;
  replace_str (&state->last_id, rp_json_value_get_string (event, "_id"));
}

static gint64
timestamp_member (const RpJsonValue *obj,
                  const char *member)
{
  gint64 usec = 0;

  if (!rp_parse_timestamp (rp_json_value_get_string (obj, member), &usec))
    return 0;
  return usec;
}

static void
bind_time (sqlite3_stmt *stmt,
           int           i,
           gint64        usec)
{
  if (usec != 0)
    sqlite3_bind_int64 (stmt, i, usec);
  else
    sqlite3_bind_null (stmt, i);
}

/* A ticket's id and folded state, as parameters 1 to 11 */
static void
bind_ticket_state (sqlite3_stmt      *st,
                   const char        *id,
                   const TicketState *state)
{
  bind_text_or_null (st, 1, id);
  bind_text_or_null (st, 2, state->queue);
  bind_text_or_null (st, 3, state->priority);
  bind_text_or_null (st, 4, state->status);
  bind_text_or_null (st, 5, state->assignee);
  bind_time (st, 6, state->updated);
  bind_time (st, 7, state->last_at);
  bind_text_or_null (st, 8, state->last_id);
  bind_text_or_null (st, 9, state->handoff);
  bind_time (st, 10, state->handoff_at);
  bind_text_or_null (st, 11, state->handoff_by);
}

static int
put_ticket (RpCache           *self,
            const RpJsonValue *ticket,
            gint64             doc,
            gint64             cid,
            const TicketState *state)
{
  sqlite3_stmt *st = self->st_put_ticket;

  bind_ticket_state (st, rp_json_value_get_string (ticket, "_id"), state);
  sqlite3_bind_int64 (st, 12, doc);
  sqlite3_bind_int64 (st, 13, cid);
  bind_text_or_null (st, 14, rp_json_value_get_string (ticket, "number"));
  bind_text_or_null (st, 15, rp_json_value_get_string (ticket, "subject"));
  bind_text_or_null (st, 16, rp_json_value_get_string (ticket, "channel"));
  bind_time (st, 17, timestamp_member (ticket, "at"));
  bind_time (st, 18, timestamp_member (ticket, "first_response_due"));
  bind_time (st, 19, timestamp_member (ticket, "resolution_due"));
  return step_done (st);
}

static void
ticket_state_from_doc (TicketState *state,
                       const RpJsonValue *ticket)
{
  memset (state, 0, sizeof *state);
  state->status = g_strdup (rp_json_value_get_string (ticket, "status"));
  if (state->status == NULL)
    state->status = g_strdup ("new");
  state->priority = g_strdup (rp_json_value_get_string (ticket, "priority"));
  state->queue = g_strdup (rp_json_value_get_string (ticket, "queue"));
  state->assignee = g_strdup (rp_json_value_get_string (ticket, "assignee"));
  state->updated = timestamp_member (ticket, "at");
}

/* A stored body, or NULL with @tree unset if it is no object */
static const RpJsonValue *
parse_object (const char  *text,
              RpJsonTree **tree)
{
  const RpJsonValue *root;

  *tree = text ? rp_json_tree_parse (text, strlen (text), NULL) : NULL;
  if (*tree == NULL)
    return NULL;
  root = rp_json_tree_get_root (*tree);
  if (root->kind != RP_JSON_OBJECT)
    {
      g_clear_pointer (tree, rp_json_tree_unref);
      return NULL;
    }
  return root;
}

/* Folds a ticket from scratch: used when an event arrived out of order or
 * one was deleted */
static int
fold_ticket (RpCache    *self,
             const char *ticket_id)
{
  g_autoptr(RpJsonTree) ticket_tree = NULL;
  const RpJsonValue *ticket = NULL;
  sqlite3_stmt *st, *stmt = NULL;
  TicketState state;
  gint64 doc = 0, cid = 0;
  int rc;

  if ((st = find_doc (self, ticket_id)))
    {
      if (g_strcmp0 ((const char *) sqlite3_column_text (st, 1), "ticket") == 0)
        {
          doc = sqlite3_column_int64 (st, 0);
          cid = sqlite3_column_int64 (st, 2);
          ticket = parse_object ((const char *) sqlite3_column_text (st, 3), &ticket_tree);
        }
      sqlite3_reset (st);
    }

  if (ticket == NULL)
    {
      sqlite3_prepare_v2 (self->wdb, "DELETE FROM tickets WHERE id = ?1", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      return rc == SQLITE_DONE ? SQLITE_OK : rc;
    }

  ticket_state_from_doc (&state, ticket);

  rc = sqlite3_prepare_v2 (self->wdb,
                           "SELECT at, body FROM docs WHERE ticket = ?1 AND +type = 'ticket_event'"
                           " ORDER BY at, id",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(RpJsonTree) event_tree = NULL;
          const RpJsonValue *event = parse_object ((const char *) sqlite3_column_text (stmt, 1), &event_tree);
          if (event)
            ticket_state_apply_event (&state, event, sqlite3_column_int64 (stmt, 0));
        }
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  sqlite3_finalize (stmt);

  if (rc == SQLITE_OK)
    rc = put_ticket (self, ticket, doc, cid, &state);
  ticket_state_clear (&state);
  return rc;
}

/* Forgets the ticket folded in memory, without writing it */
static void
drop_pending_ticket (ApplyCtx *ctx)
{
  g_clear_pointer (&ctx->pending_id, g_free);
  ctx->pending_doc = NULL;
  ticket_state_clear (&ctx->pending);
}

/* Writes the ticket folded in memory, if any, and forgets it */
static int
flush_pending_ticket (RpCache  *self,
                      ApplyCtx *ctx)
{
  TicketState *state = &ctx->pending;
  sqlite3_stmt *st = self->st_set_ticket_state;
  int rc;

  if (ctx->pending_id == NULL)
    return SQLITE_OK;

  if (ctx->pending_doc)
    rc = put_ticket (self, ctx->pending_doc, ctx->pending_rowid, ctx->pending_cid, state);
  else
    {
      bind_ticket_state (st, ctx->pending_id, state);
      rc = step_done (st);
    }
  drop_pending_ticket (ctx);
  return rc;
}

/* Makes @ticket_id the ticket folded in memory, from its stored state.
 * FALSE if there is none to go on. */
static gboolean
load_pending_ticket (RpCache    *self,
                     ApplyCtx   *ctx,
                     const char *ticket_id)
{
  sqlite3_stmt *st = self->st_get_ticket;
  TicketState *state = &ctx->pending;
  gboolean found = FALSE;

  sqlite3_bind_text (st, 1, ticket_id, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      found = TRUE;
      state->status = g_strdup ((const char *) sqlite3_column_text (st, 0));
      state->priority = g_strdup ((const char *) sqlite3_column_text (st, 1));
      state->queue = g_strdup ((const char *) sqlite3_column_text (st, 2));
      state->assignee = g_strdup ((const char *) sqlite3_column_text (st, 3));
      state->updated = sqlite3_column_int64 (st, 4);
      state->last_at = sqlite3_column_int64 (st, 5);
      state->last_id = g_strdup ((const char *) sqlite3_column_text (st, 6));
      state->handoff = g_strdup ((const char *) sqlite3_column_text (st, 7));
      state->handoff_at = sqlite3_column_int64 (st, 8);
      state->handoff_by = g_strdup ((const char *) sqlite3_column_text (st, 9));
      ctx->pending_id = g_strdup (ticket_id);
    }
  sqlite3_reset (st);
  return found;
}

/* An event newer than everything folded so far is applied to the folded
 * state; anything else means folding again from the start.  A ticket's
 * events come one after another, after the ticket, so the state stays in
 * memory from the ticket or the first event to the last event, and is
 * written once. */
static int
apply_ticket_event (RpCache    *self,
                    ApplyCtx   *ctx,
                    const RpJsonValue *event,
                    gint64      at)
{
  const char *ticket_id = rp_json_value_get_string (event, "ticket_id");
  const char *event_id = rp_json_value_get_string (event, "_id");
  TicketState *state = &ctx->pending;
  int rc;

  if (g_hash_table_contains (ctx->dirty_tickets, ticket_id))
    return SQLITE_OK;

  if (g_strcmp0 (ctx->pending_id, ticket_id) != 0)
    {
      if ((rc = flush_pending_ticket (self, ctx)) != SQLITE_OK)
        return rc;
      if (!load_pending_ticket (self, ctx, ticket_id))
        {
          /* No ticket yet: it folds when it comes */
          g_hash_table_add (ctx->dirty_tickets, g_strdup (ticket_id));
          return SQLITE_OK;
        }
    }

  if (state->last_id != NULL &&
      (at < state->last_at || (at == state->last_at && g_strcmp0 (event_id, state->last_id) <= 0)))
    {
      /* What is stored or pending is thrown away: the fold starts over */
      drop_pending_ticket (ctx);
      g_hash_table_add (ctx->dirty_tickets, g_strdup (ticket_id));
      return SQLITE_OK;
    }

  ticket_state_apply_event (state, event, at);
  return SQLITE_OK;
}

static int
apply_ticket_doc (RpCache    *self,
                  ApplyCtx   *ctx,
                  const RpJsonValue *ticket,
                  gint64      doc,
                  gint64      cid)
{
  const char *id = rp_json_value_get_string (ticket, "_id");
  gboolean has_events;
  int rc;

  if (g_hash_table_contains (ctx->dirty_tickets, id))
    return SQLITE_OK;

  sqlite3_bind_text (self->st_ticket_has_events, 1, id, -1, SQLITE_STATIC);
  has_events = sqlite3_step (self->st_ticket_has_events) == SQLITE_ROW;
  sqlite3_reset (self->st_ticket_has_events);

  if (has_events)
    {
      g_hash_table_add (ctx->dirty_tickets, g_strdup (id));
      return SQLITE_OK;
    }

  /* Its events, if any, come next */
  if ((rc = flush_pending_ticket (self, ctx)) != SQLITE_OK)
    return rc;
  ctx->pending_id = g_strdup (id);
  ctx->pending_doc = ticket;
  ctx->pending_rowid = doc;
  ctx->pending_cid = cid;
  ticket_state_from_doc (&ctx->pending, ticket);
  return SQLITE_OK;
}

/* Consent: the latest document by (at, _id) per purpose */

/* One statement: the stored state stays unless this document is at least
 * as late by (at, _id), which byte order compares as g_strcmp0() would */
static int
apply_consent (RpCache    *self,
               const RpJsonValue *consent,
               gint64      cid,
               gint64      at)
{
  sqlite3_stmt *st = self->st_put_consent;

  sqlite3_bind_int64 (st, 1, cid);
  bind_text_or_null (st, 2, rp_json_value_get_string (consent, "purpose"));
  bind_text_or_null (st, 3, rp_json_value_get_string (consent, "state"));
  sqlite3_bind_int64 (st, 4, at);
  bind_text_or_null (st, 5, rp_json_value_get_string (consent, "source"));
  bind_text_or_null (st, 6, rp_json_value_get_string (consent, "_id"));
  return step_done (st);
}

static int
fold_consent (RpCache    *self,
              gint64      cid,
              const char *purpose)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->wdb,
                           "DELETE FROM consent_state WHERE cust = ?1 AND purpose = ?2;", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64 (stmt, 1, cid);
  sqlite3_bind_text (stmt, 2, purpose, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return rc;

  rc = sqlite3_prepare_v2 (self->wdb,
                           "INSERT INTO consent_state (cust, purpose, state, at, source, doc_id)"
                           " SELECT cust, purpose, title, at, channel, id FROM docs"
                           " WHERE cust = ?1 AND purpose = ?2 ORDER BY at DESC, id DESC LIMIT 1",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64 (stmt, 1, cid);
  sqlite3_bind_text (stmt, 2, purpose, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Erasure: every trace of the customer, inside the caller's transaction */

static int
exec_bound (sqlite3    *db,
            const char *sql,
            gint64      cid)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64 (stmt, 1, cid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
erase_in_transaction (RpCache    *self,
                      ApplyCtx   *ctx,
                      const char *customer_id)
{
  static const char *statements[] = {
    "INSERT INTO search_fts (search_fts, rowid, key)"
    " SELECT 'delete', rowid, key FROM search_keys WHERE cust = ?1 AND sub",
    "DELETE FROM search_keys WHERE cust = ?1",
    "DELETE FROM tickets WHERE cust = ?1",
    "DELETE FROM consent_state WHERE cust = ?1",
    "DELETE FROM docs WHERE cust = ?1",
    "DELETE FROM outbox WHERE cust = ?1",
    "DELETE FROM customers WHERE cid = ?1",
  };
  sqlite3_stmt *stmt = NULL;
  gint64 cid;
  int rc;

  /* Written first, so that its row goes too if it is the customer's */
  if ((rc = flush_pending_ticket (self, ctx)) != SQLITE_OK)
    return rc;

  cid = rp_cache_lookup_cid (self->wdb, customer_id);
  if (cid != 0)
    {
      for (guint i = self->bulk ? 1 : 0; i < G_N_ELEMENTS (statements); i++)
        if ((rc = exec_bound (self->wdb, statements[i], cid)) != SQLITE_OK)
          return rc;
    }

  rc = sqlite3_prepare_v2 (self->wdb, "INSERT OR IGNORE INTO erased (id, at) VALUES (?1, ?2)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return rc;

  ctx->erased = TRUE;
  self->has_erased = TRUE;
  self->last_cid = 0;
  g_hash_table_add (ctx->touched, g_strdup (customer_id));
  return SQLITE_OK;
}

/* Removes a document and what was derived from it */
static int
remove_doc (RpCache    *self,
            ApplyCtx   *ctx,
            gint64      rowid,
            const char *type,
            gint64      cid,
            const RpJsonValue *old)
{
  int rc;

  if ((rc = remove_keys_of_doc (self, rowid)) != SQLITE_OK)
    return rc;

  if (g_strcmp0 (type, "customer") == 0)
    {
      sqlite3_bind_int64 (self->st_clear_customer, 1, rowid);
      if ((rc = step_done (self->st_clear_customer)) != SQLITE_OK)
        return rc;
    }

  sqlite3_bind_int64 (self->st_del_doc, 1, rowid);
  if ((rc = step_done (self->st_del_doc)) != SQLITE_OK)
    return rc;

  if (old != NULL && g_strcmp0 (type, "ticket") == 0)
    g_hash_table_add (ctx->dirty_tickets, g_strdup (rp_json_value_get_string (old, "_id")));
  else if (old != NULL && g_strcmp0 (type, "ticket_event") == 0 && rp_json_value_get_string (old, "ticket_id"))
    g_hash_table_add (ctx->dirty_tickets, g_strdup (rp_json_value_get_string (old, "ticket_id")));
  else if (old != NULL && g_strcmp0 (type, "consent") == 0 && rp_json_value_get_string (old, "purpose"))
    g_hash_table_add (ctx->dirty_consents,
                      g_strdup_printf ("%" G_GINT64_FORMAT "\037%s", cid,
                                       rp_json_value_get_string (old, "purpose")));
  return SQLITE_OK;
}

/* The customer a document is about, by id: documents come grouped by
 * customer, so the last one asked for is usually the one */
static gint64
cid_of (RpCache    *self,
        const char *customer_id,
        int        *rc)
{
  if (self->last_cid != 0 && g_strcmp0 (self->last_customer, customer_id) == 0)
    return self->last_cid;

  self->last_cid = get_or_create_cid (self, customer_id, rc);
  g_free (self->last_customer);
  self->last_customer = g_strdup (customer_id);
  return self->last_cid;
}

static int
insert_doc (RpCache    *self,
            RpPrepared *p,
            gint64      rowid,
            gint64      cid)
{
  sqlite3_stmt *st = rowid ? self->st_upd_doc : self->st_ins_doc;
  int rc;

  if (rowid)
    sqlite3_bind_int64 (st, 1, rowid);
  else
    sqlite3_bind_text (st, 1, p->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, p->type_str ? p->type_str : "unknown", -1, SQLITE_STATIC);
  if (cid)
    sqlite3_bind_int64 (st, 3, cid);
  else
    sqlite3_bind_null (st, 3);
  bind_time (st, 4, p->at);
  bind_text_or_null (st, 5, p->channel);
  bind_text_or_null (st, 6, p->title);
  bind_text_or_null (st, 7, p->ticket);
  bind_text_or_null (st, 8, p->purpose);
  sqlite3_bind_text (st, 9, p->body, p->body_len, SQLITE_STATIC);
  rc = step_done (st);
  if (rc == SQLITE_OK && rowid == 0 && self->bulk_ids)
    rp_id_map_add (self->bulk_ids, p->id_hash, sqlite3_last_insert_rowid (self->wdb));
  return rc;
}

static int
store_doc (RpCache      *self,
           ApplyCtx     *ctx,
           RpPrepared   *p,
           RpApplyStats *stats)
{
  g_autoptr(RpJsonTree) old_tree = NULL;
  const RpJsonValue *old = NULL;
  g_autofree char *old_type = NULL;
  gint64 old_rowid = 0, old_cid = 0, rowid = 0, cid = 0;
  gboolean inserted = FALSE;
  int rc = SQLITE_OK;

  if (p->customer_id != NULL && self->has_erased && is_erased (self, p->customer_id))
    return SQLITE_OK;

  if (p->customer_id != NULL)
    {
      cid = cid_of (self, p->customer_id, &rc);
      if (cid == 0)
        return rc;
    }

  /* A first load meets each id once: insert, and only on a clash look at
   * what is there.  Otherwise look first.  Without the id index, the
   * clash is a rowid the map knows for the id's hash. */
  if (self->bulk)
    {
      gsize cursor = 0;

      if (self->bulk_ids == NULL || rp_id_map_next (self->bulk_ids, p->id_hash, &cursor) == 0)
        {
          rc = insert_doc (self, p, 0, cid);
          if (rc == SQLITE_OK)
            {
              inserted = TRUE;
              rowid = sqlite3_last_insert_rowid (self->wdb);
            }
          else if (rc != SQLITE_CONSTRAINT)
            return rc;
        }
    }

  if (!inserted)
    {
      sqlite3_stmt *st = find_doc (self, p->id);

      if (st)
        {
          const char *old_body = (const char *) sqlite3_column_text (st, 3);

          old_rowid = sqlite3_column_int64 (st, 0);
          if ((gsize) sqlite3_column_bytes (st, 3) == p->body_len &&
              memcmp (old_body, p->body, p->body_len) == 0)
            {
              /* The same revision again: a re-pulled batch changes nothing */
              sqlite3_reset (st);
              return SQLITE_OK;
            }
          old_type = g_strdup ((const char *) sqlite3_column_text (st, 1));
          old_cid = sqlite3_column_int64 (st, 2);
          old = parse_object (old_body, &old_tree);
          sqlite3_reset (st);
        }

      if (old_rowid != 0)
        {
          /* Derived rows go and come back from the new body */
          if ((rc = remove_keys_of_doc (self, old_rowid)) != SQLITE_OK)
            return rc;
          if (old && g_strcmp0 (old_type, "consent") == 0 && rp_json_value_get_string (old, "purpose"))
            g_hash_table_add (ctx->dirty_consents,
                              g_strdup_printf ("%" G_GINT64_FORMAT "\037%s", old_cid,
                                               rp_json_value_get_string (old, "purpose")));
          if (old && g_strcmp0 (old_type, "ticket_event") == 0 && rp_json_value_get_string (old, "ticket_id"))
            g_hash_table_add (ctx->dirty_tickets, g_strdup (rp_json_value_get_string (old, "ticket_id")));
        }

      if ((rc = insert_doc (self, p, old_rowid, cid)) != SQLITE_OK)
        return rc;
      rowid = old_rowid ? old_rowid : sqlite3_last_insert_rowid (self->wdb);
    }

  if (p->customer_id != NULL && !g_hash_table_contains (ctx->touched, p->customer_id))
    g_hash_table_add (ctx->touched, g_strdup (p->customer_id));

  if (old_rowid)
    stats->updated++;
  else
    stats->inserted++;

  if (p->type == RP_DOC_CUSTOMER)
    {
      sqlite3_bind_int64 (self->st_set_customer, 1, cid);
      sqlite3_bind_int64 (self->st_set_customer, 2, rowid);
      sqlite3_bind_text (self->st_set_customer, 3, p->name, -1, SQLITE_STATIC);
      bind_text_or_null (self->st_set_customer, 4, p->kana);
      bind_text_or_null (self->st_set_customer, 5, p->tier);
      if ((rc = step_done (self->st_set_customer)) != SQLITE_OK)
        return rc;
    }

  for (guint i = 0; p->keys && i < p->keys->len; i++)
    if ((rc = insert_key (self, &g_array_index (p->keys, RpPreparedKey, i), cid, rowid)) != SQLITE_OK)
      return rc;

  switch (p->type)
    {
    case RP_DOC_TICKET:
      rc = apply_ticket_doc (self, ctx, p->doc, rowid, cid);
      break;

    case RP_DOC_TICKET_EVENT:
      rc = apply_ticket_event (self, ctx, p->doc, p->at);
      break;

    case RP_DOC_CONSENT:
      rc = apply_consent (self, p->doc, cid, p->at);
      break;

    default:
      break;
    }

  return rc;
}

static int
apply_tombstone (RpCache      *self,
                 ApplyCtx     *ctx,
                 const char   *id,
                 RpApplyStats *stats)
{
  g_autoptr(RpJsonTree) old_tree = NULL;
  const RpJsonValue *old = NULL;
  g_autofree char *type = NULL;
  sqlite3_stmt *st;
  gint64 rowid = 0, cid = 0;
  int rc;

  /* A customer's tombstone is an erasure: every trace goes */
  if (g_str_has_prefix (id, "customer:"))
    {
      if ((rc = erase_in_transaction (self, ctx, id)) == SQLITE_OK)
        stats->erased++;
      return rc;
    }

  if ((st = find_doc (self, id)))
    {
      rowid = sqlite3_column_int64 (st, 0);
      type = g_strdup ((const char *) sqlite3_column_text (st, 1));
      cid = sqlite3_column_int64 (st, 2);
      old = parse_object ((const char *) sqlite3_column_text (st, 3), &old_tree);
      sqlite3_reset (st);
    }

  if (rowid == 0)
    return SQLITE_OK;

  if (old != NULL)
    {
      const char *customer_id = rp_doc_customer_id (old, rp_doc_type_from_string (type));
      if (customer_id)
        g_hash_table_add (ctx->touched, g_strdup (customer_id));
    }

  stats->deleted++;
  return remove_doc (self, ctx, rowid, type, cid, old);
}

static void
skip (RpSkipFunc    skip_func,
      gpointer      user_data,
      RpApplyStats *stats,
      const char   *id,
      const char   *reason)
{
  stats->skipped++;
  if (skip_func)
    skip_func (id ? id : "(no _id)", reason, user_data);
  else
    g_debug ("Skipped document %s: %s", id ? id : "(no _id)", reason);
}

static int
apply_prepared (RpCache      *self,
                ApplyCtx     *ctx,
                RpPrepared   *p,
                RpSkipFunc    skip_func,
                gpointer      user_data,
                RpApplyStats *stats)
{
  rp_prepared_prepare (p);
  if (p->error != NULL)
    {
      skip (skip_func, user_data, stats, p->id, p->error);
      return SQLITE_OK;
    }

  if (p->deleted)
    return apply_tombstone (self, ctx, p->id, stats);

  if (p->type == RP_DOC_ERASURE)
    {
      int rc = erase_in_transaction (self, ctx, rp_json_value_get_string (p->doc, "customer_id"));
      if (rc == SQLITE_OK)
        stats->erased++;
      return rc;
    }

  return store_doc (self, ctx, p, stats);
}

static int
fold_dirty (RpCache  *self,
            ApplyCtx *ctx)
{
  GHashTableIter iter;
  gpointer key;
  int rc;

  /* First, as a fold from scratch rewrites what it holds */
  if ((rc = flush_pending_ticket (self, ctx)) != SQLITE_OK)
    return rc;

  g_hash_table_iter_init (&iter, ctx->dirty_tickets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if ((rc = fold_ticket (self, key)) != SQLITE_OK)
      return rc;

  g_hash_table_iter_init (&iter, ctx->dirty_consents);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *sep = strchr (key, '\037');
      gint64 cid = g_ascii_strtoll (key, NULL, 10);

      if (sep && (rc = fold_consent (self, cid, sep + 1)) != SQLITE_OK)
        return rc;
    }

  return SQLITE_OK;
}

static int
write_checkpoint (RpCache    *self,
                  const char *db,
                  JsonNode   *seq)
{
  g_autofree char *text = rp_json_canonical (seq, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->wdb,
                           "INSERT OR REPLACE INTO checkpoints (db, seq, at) VALUES (?1, ?2, ?3)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text (stmt, 1, db, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Erased bytes must leave the file: FTS5 keeps deleted terms in older
 * segments until they are merged, and the WAL keeps old pages until a
 * checkpoint.  secure_delete zeroes what the merge frees. */
static void
scrub_after_erasure (RpCache *self)
{
  g_autoptr(GError) error = NULL;

  if (!exec_sql (self->wdb, "INSERT INTO search_fts (search_fts) VALUES ('optimize')", &error))
    g_warning ("Could not merge the search index after an erasure: %s", error->message);
  if (sqlite3_exec (self->wdb, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Could not checkpoint the cache after an erasure: %s", sqlite3_errmsg (self->wdb));
}

static void
apply_ctx_init (ApplyCtx *ctx)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->dirty_tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx->dirty_consents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx->erased = FALSE;
}

/* Adds a committed batch's counts and touched customers to the caller's */
static void
apply_ctx_report (ApplyCtx           *ctx,
                  const RpApplyStats *batch,
                  RpApplyStats       *stats)
{
  GHashTableIter iter;
  gpointer key;

  stats->inserted += batch->inserted;
  stats->updated += batch->updated;
  stats->deleted += batch->deleted;
  stats->erased += batch->erased;
  stats->skipped += batch->skipped;
  if (stats->touched == NULL)
    return;
  g_hash_table_iter_init (&iter, ctx->touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (stats->touched, g_strdup (key));
}

static void
apply_ctx_clear (ApplyCtx *ctx)
{
  g_clear_pointer (&ctx->dirty_tickets, g_hash_table_unref);
  g_clear_pointer (&ctx->dirty_consents, g_hash_table_unref);
  g_clear_pointer (&ctx->touched, g_hash_table_unref);
  drop_pending_ticket (ctx);
}

/* Commits what is pending: the one transaction of a call, or the one a
 * bulk load keeps open across calls */
static int
commit_writes (RpCache *self)
{
  int rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    {
      self->bulk_open = FALSE;
      self->bulk_uncommitted = 0;
    }
  return rc;
}

/* Another kind of write wants its own transaction: end a bulk one first */
static int
flush_bulk (RpCache *self)
{
  return self->bulk_open ? commit_writes (self) : SQLITE_OK;
}

gboolean
rp_cache_apply (RpCache       *self,
                JsonNode *const *docs,
                guint          n_docs,
                const char    *checkpoint_db,
                JsonNode      *checkpoint_seq,
                RpSkipFunc     skip_func,
                gpointer       user_data,
                RpApplyStats  *stats,
                GError       **error)
{
  g_autoptr(GPtrArray) prepared = g_ptr_array_new_full (n_docs, (GDestroyNotify) rp_prepared_free);

  g_return_val_if_fail (docs != NULL || n_docs == 0, FALSE);

  for (guint i = 0; i < n_docs; i++)
    g_ptr_array_add (prepared, docs[i] ? rp_prepared_new_from_node (docs[i]) : NULL);
  return rp_cache_apply_prepared (self, (RpPrepared *const *) prepared->pdata, n_docs,
                                  checkpoint_db, checkpoint_seq, skip_func, user_data,
                                  stats, error);
}

/* What the writer remembers between documents starts afresh with each
 * call: a rolled-back call may have made customers that are gone */
static void
begin_apply (RpCache *self)
{
  self->last_cid = 0;
  g_clear_pointer (&self->last_customer, g_free);
  self->has_erased = query_int (self->wdb, "SELECT EXISTS (SELECT 1 FROM erased)", NULL) != 0;
}

gboolean
rp_cache_apply_prepared (RpCache          *self,
                         RpPrepared *const *docs,
                         guint             n_docs,
                         const char       *checkpoint_db,
                         JsonNode         *checkpoint_seq,
                         RpSkipFunc        skip_func,
                         gpointer          user_data,
                         RpApplyStats     *stats,
                         GError          **error)
{
  RpApplyStats local_stats = { 0 };
  RpApplyStats batch = { 0 };
  ApplyCtx ctx;
  int rc = SQLITE_OK;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  g_return_val_if_fail (docs != NULL || n_docs == 0, FALSE);
  g_return_val_if_fail (checkpoint_db == NULL || checkpoint_seq != NULL, FALSE);

  if (stats == NULL)
    stats = &local_stats;

  g_mutex_lock (&self->write_lock);
  apply_ctx_init (&ctx);

  /* In a bulk load, batches share a transaction until enough have come;
   * documents and checkpoints still commit together or not at all */
  if (!self->bulk_open)
    rc = sqlite3_exec (self->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  self->bulk_open = self->bulk && rc == SQLITE_OK;
  begin_apply (self);
  for (guint i = 0; rc == SQLITE_OK && i < n_docs; i++)
    {
      if (self->bulk_ids && i + RP_ID_PREFETCH < n_docs && docs[i + RP_ID_PREFETCH] &&
          docs[i + RP_ID_PREFETCH]->prepared)
        rp_id_map_prefetch (self->bulk_ids, docs[i + RP_ID_PREFETCH]->id_hash);
      if (docs[i] == NULL)
        skip (skip_func, user_data, &batch, NULL, _("not a JSON object"));
      else
        rc = apply_prepared (self, &ctx, docs[i], skip_func, user_data, &batch);
    }
  if (rc == SQLITE_OK)
    rc = fold_dirty (self, &ctx);
  if (rc == SQLITE_OK && checkpoint_db != NULL)
    rc = write_checkpoint (self, checkpoint_db, checkpoint_seq);
  self->bulk_uncommitted += n_docs;
  if (rc == SQLITE_OK && (!self->bulk || ctx.erased || self->bulk_uncommitted >= bulk_commit_docs (self)))
    rc = commit_writes (self);

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, self->wdb, rc, _("Could not save the documents"));
      sqlite3_exec (self->wdb, "ROLLBACK", NULL, NULL, NULL);
      self->bulk_open = FALSE;
      self->bulk_uncommitted = 0;
      load_bulk_fts (self);
      apply_ctx_clear (&ctx);
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }

  if (ctx.erased)
    scrub_after_erasure (self);

  apply_ctx_report (&ctx, &batch, stats);
  apply_ctx_clear (&ctx);
  g_mutex_unlock (&self->write_lock);
  return TRUE;
}

gboolean
rp_cache_erase_customer (RpCache     *self,
                         const char  *customer_id,
                         GError     **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autofree char *id = NULL;
  RpApplyStats stats = { 0 };
  JsonNode *nodes[1];

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  g_return_val_if_fail (customer_id != NULL, FALSE);

  /* An erasure is a customer tombstone through the one apply path */
  id = g_str_has_prefix (customer_id, "customer:") ? g_strdup (customer_id)
                                                  : g_strconcat ("customer:", customer_id, NULL);
  json_object_set_string_member (obj, "_id", id);
  json_object_set_boolean_member (obj, "_deleted", TRUE);
  json_node_set_object (node, obj);
  nodes[0] = node;

  return rp_cache_apply (self, nodes, 1, NULL, NULL, NULL, NULL, &stats, error);
}

char *
rp_cache_get_checkpoint (RpCache     *self,
                         const char  *db,
                         gint64      *out_at_usec,
                         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  char *seq = NULL;
  sqlite3 *rdb;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(rdb = rp_cache_reader_lock (self, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (rdb, "SELECT seq, at FROM checkpoints WHERE db = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, db, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          seq = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          if (out_at_usec)
            *out_at_usec = sqlite3_column_int64 (stmt, 1);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    rp_cache_set_error (error, rdb, rc, _("Could not read the cache"));
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);
  return seq;
}

void
rp_cache_release_memory (RpCache *self)
{
  g_return_if_fail (RP_IS_CACHE (self));

  g_mutex_lock (&self->write_lock);
  sqlite3_db_release_memory (self->wdb);
  g_mutex_unlock (&self->write_lock);

  /* A reader in use keeps its pages until next time */
  for (guint i = 0; i < RP_CACHE_READERS; i++)
    if (g_mutex_trylock (&self->readers[i].lock))
      {
        if (self->readers[i].db != NULL)
          sqlite3_db_release_memory (self->readers[i].db);
        g_mutex_unlock (&self->readers[i].lock);
      }
}

/* The page cache of a first load, given back when the load ends.  What
 * still takes inserts at random places (tickets, customers, the ticket
 * index) fits in 1 GiB at a million customers; the id index, which needed
 * 3 GiB, is built at the end now.  With 1 GiB instead of 3 a million
 * customers loaded in 199.7 s instead of 205–214 s, at 5.3 GiB of peak
 * RSS instead of 7.5.  A sixteenth of the memory, between 256 MiB and
 * 1 GiB. */
static gint64
machine_bulk_cache_kib (void)
{
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);
  gint64 kib = pages > 0 && page_size > 0 ? (gint64) pages * page_size / 1024 / 16 : 0;

  return CLAMP (kib, 256 * 1024, 1024 * 1024);
}

/* Whether the writer now journals in @mode, as the pragma answers: it
 * keeps the WAL while another connection has the file open */
static gboolean
set_journal_mode (sqlite3    *db,
                  const char *mode)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = %s", mode);
  sqlite3_stmt *stmt = NULL;
  gboolean set = FALSE;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    set = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), mode) == 0;
  sqlite3_finalize (stmt);
  return set;
}

static gboolean
readers_open (RpCache *self)
{
  for (guint i = 0; i < RP_CACHE_READERS; i++)
    if (self->readers[i].db != NULL)
      return TRUE;
  return FALSE;
}

gboolean
rp_cache_begin_bulk (RpCache           *self,
                     gsize              memory,
                     RpCacheBulkFlags   flags,
                     GError           **error)
{
  gint64 cache_kib = memory > 0 ? (gint64) (memory / 1024) : machine_bulk_cache_kib ();
  gboolean ok = TRUE;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);

  g_mutex_lock (&self->write_lock);
  if (!self->bulk && query_int (self->wdb, "SELECT count(*) FROM (SELECT 1 FROM docs LIMIT 1)", NULL) == 0)
    {
      GString *sql = g_string_new ("BEGIN IMMEDIATE;"
                                   "INSERT OR REPLACE INTO settings (key, value) VALUES ('bulk-load', '1');"
                                   "INSERT INTO search_fts (search_fts) VALUES ('delete-all');"
                                   "INSERT OR REPLACE INTO settings (key, value) VALUES ('bulk-fts', 0);");

      for (guint i = 0; i < G_N_ELEMENTS (bulk_indexes); i++)
        if (bulk_indexes[i].deferred)
          g_string_append_printf (sql, "DROP INDEX IF EXISTS %s;", bulk_indexes[i].name);
      g_string_append_printf (sql, "COMMIT; PRAGMA cache_size = -%" G_GINT64_FORMAT ";", cache_kib);
      ok = exec_sql (self->wdb, sql->str, error);
      /* Pages past the end of the file a load began with need no journal
       * at all, where the WAL writes each of them twice, once more at its
       * checkpoint: a million customers loaded in 221 s instead of 262
       * on the same machine.  A crash leaves a hot journal that the next
       * open rolls back before it turns the WAL on again. */
      if (ok && (flags & RP_CACHE_BULK_SOLE) && !readers_open (self))
        set_journal_mode (self->wdb, "DELETE");
      if (ok)
        {
          self->bulk = TRUE;
          self->bulk_fts = 0;
          self->bulk_cache_kib = cache_kib;
          self->bulk_ids = rp_id_map_new ();
        }
      else
        sqlite3_exec (self->wdb, "ROLLBACK", NULL, NULL, NULL);
      g_string_free (sql, TRUE);
    }
  g_mutex_unlock (&self->write_lock);
  return ok;
}

/* Search keys a step puts into the trigram index */
#define BULK_STEP_KEYS 8192

gboolean
rp_cache_bulk_step (RpCache   *self,
                    gboolean  *worked,
                    GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 upper = 0;
  int rc = SQLITE_OK;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  g_return_val_if_fail (worked != NULL, FALSE);

  *worked = FALSE;
  g_mutex_lock (&self->write_lock);
  if (!self->bulk || self->bulk_fts < 0)
    {
      g_mutex_unlock (&self->write_lock);
      return TRUE;
    }

  rc = sqlite3_prepare_v2 (self->wdb, "SELECT max(rowid) FROM (SELECT rowid FROM search_keys"
                                      " WHERE rowid > ?1 ORDER BY rowid LIMIT ?2)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, self->bulk_fts);
      sqlite3_bind_int (stmt, 2, BULK_STEP_KEYS);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        upper = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_finalize (stmt);
      stmt = NULL;
    }

  if (rc == SQLITE_OK && upper > self->bulk_fts)
    {
      /* In the load's own transaction, with how far it got */
      if (!self->bulk_open)
        {
          rc = sqlite3_exec (self->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);
          self->bulk_open = rc == SQLITE_OK;
        }
      if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2 (self->wdb,
                                 "INSERT INTO search_fts (rowid, key) SELECT rowid, key FROM search_keys"
                                 " WHERE rowid > ?1 AND rowid <= ?2 AND sub", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, self->bulk_fts);
          sqlite3_bind_int64 (stmt, 2, upper);
          rc = step_done (stmt);
          sqlite3_finalize (stmt);
          stmt = NULL;
        }
      if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2 (self->wdb, "UPDATE settings SET value = ?1 WHERE key = 'bulk-fts'",
                                 -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, upper);
          rc = step_done (stmt);
          sqlite3_finalize (stmt);
        }
      if (rc == SQLITE_OK)
        self->bulk_fts = upper;
      *worked = TRUE;
    }

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, self->wdb, rc, _("Could not save the documents"));
      sqlite3_exec (self->wdb, "ROLLBACK", NULL, NULL, NULL);
      self->bulk_open = FALSE;
      self->bulk_uncommitted = 0;
      load_bulk_fts (self);
    }
  g_mutex_unlock (&self->write_lock);
  return rc == SQLITE_OK;
}

gboolean
rp_cache_end_bulk (RpCache  *self,
                   GError  **error)
{
  GString *sql;
  gboolean ok = TRUE;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);

  g_mutex_lock (&self->write_lock);
  if (self->bulk && flush_bulk (self) != SQLITE_OK)
    {
      ok = rp_cache_set_error (error, self->wdb, sqlite3_errcode (self->wdb), _("Could not save the documents"));
      sqlite3_exec (self->wdb, "ROLLBACK", NULL, NULL, NULL);
      self->bulk_open = FALSE;
    }
  if (self->bulk)
    {
      index_builds_begin (self->wdb);
      sql = g_string_new ("BEGIN IMMEDIATE;");
      for (guint i = 0; i < G_N_ELEMENTS (bulk_indexes); i++)
        g_string_append_printf (sql, "CREATE %sINDEX IF NOT EXISTS %s ON %s;",
                                bulk_indexes[i].unique ? "UNIQUE " : "",
                                bulk_indexes[i].name, bulk_indexes[i].definition);
      /* The search keys the steps did not reach; all of them after a
       * load an older version began */
      if (self->bulk_fts < 0)
        g_string_append (sql, "INSERT INTO search_fts (search_fts) VALUES ('delete-all');");
      g_string_append_printf (sql, "INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', %" G_GINT64_FORMAT ");",
                              bulk_fts_hash (self));
      g_string_append_printf (sql, "INSERT INTO search_fts (rowid, key)"
                                   " SELECT rowid, key FROM search_keys"
                                   " WHERE rowid > %" G_GINT64_FORMAT " AND sub;",
                              MAX (self->bulk_fts, 0));
      g_string_append (sql, /* Filled at once, the index may be left in
                             * several segments, each of which a search
                             * term costs a lookup */
                            "INSERT INTO search_fts (search_fts) VALUES ('optimize');");
      /* The size is kept in the index's own settings: back to the default
       * for the writes that follow, a document at a time */
      g_string_append_printf (sql, "INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', %d);"
                                   "DELETE FROM settings WHERE key IN ('bulk-load', 'bulk-fts');"
                                   "COMMIT;", RP_FTS_HASH_DEFAULT);
      ok = exec_sql (self->wdb, sql->str, error);
      if (ok)
        {
          self->bulk = FALSE;
          self->bulk_fts = -1;
          g_clear_pointer (&self->bulk_ids, rp_id_map_free);
        }
      else
        sqlite3_exec (self->wdb, "ROLLBACK", NULL, NULL, NULL);
      g_string_free (sql, TRUE);

      /* Back from a rollback journal, if the load began with one; a cache
       * in WAL mode stays as it is */
      if (ok && !set_journal_mode (self->wdb, "WAL"))
        g_warning ("Could not turn the write-ahead log on again: %s", sqlite3_errmsg (self->wdb));
      /* The writer's usual page cache, or the load's again if it goes on */
      index_builds_end (self->wdb, ok ? (gint64) RP_WRITER_CACHE_KIB : self->bulk_cache_kib);
    }
  g_mutex_unlock (&self->write_lock);
  return ok;
}

gboolean
rp_cache_mark_notified (RpCache     *self,
                        const char  *key,
                        GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean fresh = FALSE;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  g_mutex_lock (&self->write_lock);
  rc = flush_bulk (self);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->wdb, "INSERT OR IGNORE INTO notified (key, at) VALUES (?1, ?2)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        {
          fresh = sqlite3_changes (self->wdb) > 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    rp_cache_set_error (error, self->wdb, rc, _("Could not update the cache"));
  g_mutex_unlock (&self->write_lock);
  return fresh;
}

/* The outbox */

static char *
revision_of (const char *body,
             gsize       len)
{
  g_autofree char *md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) body, len);
  return g_strconcat ("1-", md5, NULL);
}

gboolean
rp_cache_create (RpCache        *self,
                 JsonNode *const *docs,
                 guint           n_docs,
                 const char     *db,
                 RpApplyStats   *stats,
                 GError        **error)
{
  g_autoptr(GPtrArray) prepared = NULL;
  RpApplyStats local_stats = { 0 };
  RpApplyStats batch = { 0 };
  sqlite3_stmt *stmt = NULL;
  ApplyCtx ctx;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  g_return_val_if_fail (docs != NULL && n_docs > 0, FALSE);

  if (stats == NULL)
    stats = &local_stats;

  /* Refuse rather than skip: the agent must hear what is wrong */
  prepared = g_ptr_array_new_full (n_docs, (GDestroyNotify) rp_prepared_free);
  for (guint i = 0; i < n_docs; i++)
    {
      RpPrepared *p = rp_prepared_new_from_node (docs[i]);

      g_ptr_array_add (prepared, p);
      rp_prepared_prepare (p);
      if (p->error != NULL || p->deleted)
        {
          g_set_error (error, RP_ERROR, RP_ERROR_INVALID, _("Could not save %s: %s"),
                       p->id ? p->id : "?", p->error ? p->error : _("deletions cannot be created"));
          return FALSE;
        }
    }

  g_mutex_lock (&self->write_lock);
  apply_ctx_init (&ctx);

  rc = flush_bulk (self);
  begin_apply (self);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "PRAGMA synchronous = FULL; BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->wdb,
                             "INSERT INTO outbox (doc_id, cust, db, body, rev, created)"
                             " VALUES (?1, (SELECT cid FROM customers WHERE id = ?2), ?3, ?4, ?5, ?6)",
                             -1, &stmt, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < n_docs; i++)
    {
      RpPrepared *p = g_ptr_array_index (prepared, i);
      g_autofree char *rev = NULL;
      guint skipped = batch.skipped;

      rc = apply_prepared (self, &ctx, p, NULL, NULL, &batch);
      if (rc == SQLITE_OK && batch.skipped != skipped)
        rc = SQLITE_CONSTRAINT;
      if (rc != SQLITE_OK)
        break;

      /* An erasure keeps no body of its own: it is queued as written */
      if (p->body == NULL)
        p->body = rp_json_value_canonical (p->doc, "_rev", &p->body_len);
      rev = revision_of (p->body, p->body_len);
      sqlite3_bind_text (stmt, 1, p->id, -1, SQLITE_STATIC);
      bind_text_or_null (stmt, 2, rp_doc_customer_id (p->doc, p->type));
      bind_text_or_null (stmt, 3, db);
      sqlite3_bind_text (stmt, 4, p->body, p->body_len, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, rev, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
      rc = step_done (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_OK)
    rc = fold_dirty (self, &ctx);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      if (rc == SQLITE_CONSTRAINT)
        g_set_error_literal (error, RP_ERROR, RP_ERROR_INVALID,
                             _("Could not save: a document with this id exists already"));
      else
        rp_cache_set_error (error, self->wdb, rc, _("Could not save your change"));
      sqlite3_exec (self->wdb, "ROLLBACK", NULL, NULL, NULL);
    }
  sqlite3_exec (self->wdb, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    apply_ctx_report (&ctx, &batch, stats);

  apply_ctx_clear (&ctx);
  g_mutex_unlock (&self->write_lock);
  return rc == SQLITE_OK;
}

void
rp_outbox_item_free (RpOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->doc_id);
  g_free (item->db);
  g_free (item->body);
  g_free (item->rev);
  g_free (item->state);
  g_free (item->error);
  g_free (item);
}

GPtrArray *
rp_cache_outbox_list (RpCache     *self,
                      const char  *db,
                      const char  *state,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_outbox_item_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *rdb;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(rdb = rp_cache_reader_lock (self, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (rdb,
                           "SELECT seq, doc_id, db, body, rev, state, error, attempts, created FROM outbox"
                           " WHERE (?1 IS NULL OR db IS ?1 OR db IS NULL) AND (?2 IS NULL OR state = ?2)"
                           " ORDER BY seq LIMIT ?3",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      bind_text_or_null (stmt, 1, db);
      bind_text_or_null (stmt, 2, state);
      sqlite3_bind_int (stmt, 3, limit ? (int) limit : -1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          RpOutboxItem *item = g_new0 (RpOutboxItem, 1);

          item->seq = sqlite3_column_int64 (stmt, 0);
          item->doc_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          item->db = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          item->body = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          item->rev = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
          item->state = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
          item->error = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
          item->attempts = sqlite3_column_int (stmt, 7);
          item->created_usec = sqlite3_column_int64 (stmt, 8);
          g_ptr_array_add (items, item);
        }
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, rdb, rc, _("Could not read the cache"));
      rp_cache_reader_unlock (self);
      return NULL;
    }
  rp_cache_reader_unlock (self);
  return g_steal_pointer (&items);
}

gint64
rp_cache_outbox_count (RpCache    *self,
                       const char *state)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;
  sqlite3 *rdb;

  g_return_val_if_fail (RP_IS_CACHE (self), 0);

  if (!(rdb = rp_cache_reader_lock (self, NULL)))
    return 0;
  if (sqlite3_prepare_v2 (rdb, "SELECT count(*) FROM outbox WHERE ?1 IS NULL OR state = ?1",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      bind_text_or_null (stmt, 1, state);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);
  return n;
}

/* Runs @sql once per seq in one transaction; ?1 is the seq, ?2 the text */
static gboolean
outbox_update (RpCache      *self,
               const char   *sql,
               const gint64 *seqs,
               guint         n_seqs,
               const char   *text,
               GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_mutex_lock (&self->write_lock);
  rc = flush_bulk (self);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->wdb, sql, -1, &stmt, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < n_seqs; i++)
    {
      sqlite3_bind_int64 (stmt, 1, seqs[i]);
      bind_text_or_null (stmt, 2, text);
      rc = step_done (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, self->wdb, rc, _("Could not update the cache"));
      sqlite3_exec (self->wdb, "ROLLBACK", NULL, NULL, NULL);
    }
  g_mutex_unlock (&self->write_lock);
  return rc == SQLITE_OK;
}

gboolean
rp_cache_outbox_done (RpCache       *self,
                      const gint64  *seqs,
                      guint          n_seqs,
                      GError       **error)
{
  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  return outbox_update (self, "DELETE FROM outbox WHERE seq = ?1 AND ?2 IS NULL", seqs, n_seqs, NULL, error);
}

gboolean
rp_cache_outbox_failed (RpCache       *self,
                        const gint64  *seqs,
                        guint          n_seqs,
                        const char    *reason,
                        GError       **error)
{
  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  return outbox_update (self, "UPDATE outbox SET attempts = attempts + 1, error = ?2 WHERE seq = ?1",
                        seqs, n_seqs, reason, error);
}

gboolean
rp_cache_outbox_reject (RpCache     *self,
                        gint64       seq,
                        const char  *reason,
                        GError     **error)
{
  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  return outbox_update (self,
                        "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, error = ?2 WHERE seq = ?1",
                        &seq, 1, reason, error);
}

gboolean
rp_cache_outbox_retry (RpCache     *self,
                       gint64       seq,
                       GError     **error)
{
  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);
  return outbox_update (self, "UPDATE outbox SET state = 'pending', error = ?2 WHERE seq = ?1",
                        &seq, 1, NULL, error);
}

gboolean
rp_cache_outbox_discard (RpCache     *self,
                         gint64       seq,
                         GError     **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) tombstone = json_object_new ();
  const char *doc_id = NULL;
  JsonNode *nodes[1];

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);

  if (!(items = rp_cache_outbox_list (self, NULL, NULL, 0, error)))
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    if (((RpOutboxItem *) g_ptr_array_index (items, i))->seq == seq)
      doc_id = ((RpOutboxItem *) g_ptr_array_index (items, i))->doc_id;
  if (doc_id == NULL)
    return TRUE;

  /* The local document goes the way a deletion from the server would,
   * so folds and search follow; then the queued item */
  json_object_set_string_member (tombstone, "_id", doc_id);
  json_object_set_boolean_member (tombstone, "_deleted", TRUE);
  node = json_node_init_object (json_node_alloc (), tombstone);
  nodes[0] = node;
  if (!g_str_has_prefix (doc_id, "customer:") &&
      !rp_cache_apply (self, nodes, 1, NULL, NULL, NULL, NULL, NULL, error))
    return FALSE;
  return outbox_update (self, "DELETE FROM outbox WHERE seq = ?1 AND ?2 IS NULL", &seq, 1, NULL, error);
}

void
rp_cache_set_max_pages (RpCache *self,
                        gint64   max_pages)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (RP_IS_CACHE (self));

  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_pages > 0 ? max_pages : G_MAXINT32);
  g_mutex_lock (&self->write_lock);
  sqlite3_exec (self->wdb, sql, NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
}
