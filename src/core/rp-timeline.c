/* rp-timeline.c: the unified timeline and document look-ups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-timeline"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rp-cache-private.h"
#include "rp-doc.h"

G_DEFINE_BOXED_TYPE (RpEvent, rp_event, rp_event_copy, rp_event_free)

RpEvent *
rp_event_copy (RpEvent *event)
{
  RpEvent *copy = g_new0 (RpEvent, 1);

  copy->rowid = event->rowid;
  copy->id = g_strdup (event->id);
  copy->type = event->type;
  copy->type_name = g_strdup (event->type_name);
  copy->at = g_strdup (event->at);
  copy->at_usec = event->at_usec;
  copy->channel = g_strdup (event->channel);
  copy->title = g_strdup (event->title);
  copy->body = g_strdup (event->body);
  copy->outbox_state = g_strdup (event->outbox_state);
  return copy;
}

void
rp_event_free (RpEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->id);
  g_free (event->type_name);
  g_free (event->at);
  g_free (event->channel);
  g_free (event->title);
  g_free (event->body);
  g_free (event->outbox_state);
  g_free (event);
}

#define EVENT_COLUMNS "rowid, id, type, at, channel, title, body," \
  " (SELECT state FROM outbox o WHERE o.doc_id = docs.id)"

static RpEvent *
event_from_row (sqlite3_stmt *stmt)
{
  RpEvent *event = g_new0 (RpEvent, 1);

  event->rowid = sqlite3_column_int64 (stmt, 0);
  event->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  event->type_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  event->type = rp_doc_type_from_string (event->type_name);
  event->at_usec = sqlite3_column_int64 (stmt, 3);
  event->at = rp_format_timestamp (event->at_usec);
  event->channel = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  event->title = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  event->body = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  event->outbox_state = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  return event;
}

/* "type IN (…)" for a kind mask: only kinds the timeline shows.  The unary
 * plus keeps the planner on the customer's timeline index, which carries
 * the type, instead of walking every customer's documents of that type. */
static char *
types_clause (RpKindMask kinds)
{
  GString *clause = g_string_new ("+type IN (");
  gboolean first = TRUE;

  if (kinds == 0)
    kinds = RP_KIND_ALL;

  for (RpDocType t = 1; t < RP_N_DOC_TYPES; t++)
    {
      if ((rp_doc_type_kind (t) & kinds) == 0)
        continue;
      g_string_append_printf (clause, "%s'%s'", first ? "" : ", ", rp_doc_type_to_string (t));
      first = FALSE;
    }
  g_string_append_c (clause, ')');
  return g_string_free (clause, FALSE);
}

GPtrArray *
rp_cache_timeline (RpCache        *self,
                   const char     *customer_id,
                   RpKindMask      kinds,
                   const char     *channel,
                   const RpEvent  *before,
                   guint           limit,
                   GError        **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_event_free);
  g_autofree char *types = types_clause (kinds);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  gint64 cid;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);
  g_return_val_if_fail (customer_id != NULL, NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  cid = rp_cache_lookup_cid (db, customer_id);

  sql = g_strdup_printf ("SELECT " EVENT_COLUMNS " FROM docs WHERE cust = ?1 AND %s%s%s"
                         " ORDER BY at DESC, rowid DESC LIMIT ?5",
                         types,
                         channel ? " AND channel = ?2" : "",
                         before ? " AND (at < ?3 OR (at = ?3 AND rowid < ?4))" : "");
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, cid);
      if (channel)
        sqlite3_bind_text (stmt, 2, channel, -1, SQLITE_STATIC);
      if (before)
        {
          sqlite3_bind_int64 (stmt, 3, before->at_usec);
          sqlite3_bind_int64 (stmt, 4, before->rowid);
        }
      sqlite3_bind_int (stmt, 5, limit ? (int) limit : -1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (events, event_from_row (stmt));
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, db, rc, _("Could not read the timeline"));
      rp_cache_reader_unlock (self);
      return NULL;
    }

  rp_cache_reader_unlock (self);
  return g_steal_pointer (&events);
}

GArray *
rp_cache_timeline_index (RpCache     *self,
                         const char  *customer_id,
                         RpKindMask   kinds,
                         const char  *channel,
                         GError     **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (RpTimelineEntry));
  g_autofree char *types = types_clause (kinds);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  gint64 cid;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);
  g_return_val_if_fail (customer_id != NULL, NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  cid = rp_cache_lookup_cid (db, customer_id);
  sql = g_strdup_printf ("SELECT rowid, at FROM docs WHERE cust = ?1 AND %s%s"
                         " ORDER BY at DESC, rowid DESC",
                         types, channel ? " AND channel = ?2" : "");
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, cid);
      if (channel)
        sqlite3_bind_text (stmt, 2, channel, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          RpTimelineEntry entry = {
            .rowid = sqlite3_column_int64 (stmt, 0),
            .at_usec = sqlite3_column_int64 (stmt, 1),
          };
          g_array_append_val (entries, entry);
        }
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, NULL, rc, _("Could not read the timeline"));
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
rp_cache_get_events (RpCache       *self,
                     const gint64  *rowids,
                     guint          n_rowids,
                     GError       **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_event_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  /* A row deleted since the index was read comes back as NULL in its place */
  rc = sqlite3_prepare_v2 (db, "SELECT " EVENT_COLUMNS " FROM docs WHERE rowid = ?1", -1, &stmt, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < n_rowids; i++)
    {
      sqlite3_bind_int64 (stmt, 1, rowids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (events, event_from_row (stmt));
      else
        g_ptr_array_add (events, NULL);
      rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, db, rc, _("Could not read the timeline"));
      rp_cache_reader_unlock (self);
      return NULL;
    }
  rp_cache_reader_unlock (self);
  return g_steal_pointer (&events);
}

RpEvent *
rp_cache_get_event (RpCache     *self,
                    const char  *doc_id,
                    GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  RpEvent *event = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;
  rc = sqlite3_prepare_v2 (db, "SELECT " EVENT_COLUMNS " FROM docs WHERE id = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, doc_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        event = event_from_row (stmt);
    }
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    rp_cache_set_error (error, NULL, rc, _("Could not read the timeline"));
  else if (event == NULL)
    g_set_error (error, RP_ERROR, RP_ERROR_NOT_FOUND, _("No document %s in the cache"), doc_id);
  return event;
}

static JsonObject *
parse_body (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (body == NULL || !json_parser_load_from_data (parser, body, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

JsonObject *
rp_cache_get_document (RpCache     *self,
                       const char  *doc_id,
                       GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  JsonObject *doc = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (db, "SELECT body FROM docs WHERE id = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, doc_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        doc = parse_body ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    rp_cache_set_error (error, NULL, rc, _("Could not read the cache"));
  else if (doc == NULL)
    g_set_error (error, RP_ERROR, RP_ERROR_NOT_FOUND, _("No document %s in the cache"), doc_id);
  return doc;
}

/* Overlays the folded state from the tickets table on a ticket document */
gboolean
rp_cache_fold_ticket_into (sqlite3    *db,
                           JsonObject *ticket,
                           gint64     *out_last_event)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db,
                          "SELECT status, priority, queue, assignee, updated, handoff, handoff_at,"
                          " handoff_by FROM tickets WHERE id = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;

  sqlite3_bind_text (stmt, 1, rp_json_string (ticket, "_id"), -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *members[] = { "status", "priority", "queue", "assignee" };

      for (int i = 0; i < 4; i++)
        {
          const char *value = (const char *) sqlite3_column_text (stmt, i);
          if (value)
            json_object_set_string_member (ticket, members[i], value);
          else
            json_object_set_null_member (ticket, members[i]);
        }
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        {
          g_autofree char *updated = rp_format_timestamp (sqlite3_column_int64 (stmt, 4));
          json_object_set_string_member (ticket, "updated", updated);
        }
      if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
        {
          JsonObject *handoff = json_object_new ();
          g_autofree char *at = rp_format_timestamp (sqlite3_column_int64 (stmt, 6));

          json_object_set_string_member (handoff, "note", (const char *) sqlite3_column_text (stmt, 5));
          json_object_set_string_member (handoff, "at", at);
          if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
            json_object_set_string_member (handoff, "author", (const char *) sqlite3_column_text (stmt, 7));
          json_object_set_object_member (ticket, "latest_handoff", handoff);
        }
      if (out_last_event)
        *out_last_event = sqlite3_column_int64 (stmt, 4);
      found = TRUE;
    }
  sqlite3_finalize (stmt);
  return found;
}

JsonObject *
rp_cache_get_ticket (RpCache     *self,
                     const char  *ticket_id,
                     GError     **error)
{
  g_autoptr(JsonObject) ticket = NULL;
  JsonArray *history;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (db, "SELECT body FROM docs WHERE id = ?1 AND +type = 'ticket'", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        ticket = parse_body ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);

  if (ticket == NULL)
    {
      rp_cache_reader_unlock (self);
      g_set_error (error, RP_ERROR, RP_ERROR_NOT_FOUND, _("No ticket %s in the cache"), ticket_id);
      return NULL;
    }

  rp_cache_fold_ticket_into (db, ticket, NULL);

  history = json_array_new ();
  rc = sqlite3_prepare_v2 (db,
                           "SELECT body FROM docs WHERE ticket = ?1 AND +type = 'ticket_event'"
                           " ORDER BY at, id",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *event = parse_body ((const char *) sqlite3_column_text (stmt, 0));
          if (event)
            json_array_add_object_element (history, event);
        }
    }
  sqlite3_finalize (stmt);
  json_object_set_array_member (ticket, "history", history);

  rp_cache_reader_unlock (self);
  return g_steal_pointer (&ticket);
}

gboolean
rp_cache_has_customer (RpCache     *self,
                       const char  *customer_id,
                       GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;
  sqlite3 *db;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);

  if (!(db = rp_cache_reader_lock (self, error)))
    return FALSE;
  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM customers WHERE id = ?1 AND doc IS NOT NULL",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_STATIC);
      found = sqlite3_step (stmt) == SQLITE_ROW;
    }
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);
  return found;
}

static gint64
count_of (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

gint64
rp_cache_count_customers (RpCache *self)
{
  sqlite3 *db;
  gint64 n;

  g_return_val_if_fail (RP_IS_CACHE (self), 0);

  if (!(db = rp_cache_reader_lock (self, NULL)))
    return 0;
  n = count_of (db, "SELECT count(*) FROM customers WHERE doc IS NOT NULL");
  rp_cache_reader_unlock (self);
  return n;
}

/* Whether there is a customer at all: the first one found, not a count of
 * a million (the window asks when it opens) */
gboolean
rp_cache_has_customers (RpCache *self)
{
  sqlite3 *db;
  gint64 n;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);

  if (!(db = rp_cache_reader_lock (self, NULL)))
    return FALSE;
  n = count_of (db, "SELECT EXISTS (SELECT 1 FROM customers WHERE doc IS NOT NULL)");
  rp_cache_reader_unlock (self);
  return n > 0;
}

JsonObject *
rp_cache_status (RpCache     *self,
                 GError     **error)
{
  g_autoptr(JsonObject) status = json_object_new ();
  JsonObject *syncs = json_object_new ();
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    {
      json_object_unref (syncs);
      return NULL;
    }

  json_object_set_string_member (status, "cache", rp_cache_get_path (self));
  json_object_set_int_member (status, "customers",
                              count_of (db, "SELECT count(*) FROM customers WHERE doc IS NOT NULL"));
  json_object_set_int_member (status, "documents", count_of (db, "SELECT count(*) FROM docs"));
  json_object_set_int_member (status, "outbox_pending",
                              count_of (db, "SELECT count(*) FROM outbox WHERE state = 'pending'"));

  if (sqlite3_prepare_v2 (db, "SELECT db, seq, at FROM checkpoints ORDER BY db", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *entry = json_object_new ();
          g_autofree char *at = rp_format_timestamp (sqlite3_column_int64 (stmt, 2));
          g_autoptr(JsonParser) parser = json_parser_new ();

          json_object_set_string_member (entry, "at", at);
          if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 1), -1, NULL))
            json_object_set_member (entry, "seq", json_node_copy (json_parser_get_root (parser)));
          else
            json_object_set_null_member (entry, "seq");
          json_object_set_object_member (syncs, (const char *) sqlite3_column_text (stmt, 0), entry);
        }
    }
  sqlite3_finalize (stmt);
  json_object_set_object_member (status, "last_sync", syncs);

  rp_cache_reader_unlock (self);
  return g_steal_pointer (&status);
}
