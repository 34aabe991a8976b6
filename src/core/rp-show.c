/* rp-show.c: the context card: who the customer is and what to know first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-show"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rp-cache-private.h"
#include "rp-doc.h"

static const char *purposes[] = {
  "marketing_email", "marketing_sms", "marketing_phone",
  "profiling", "third_party_sharing", "call_recording",
};

static JsonObject *
parse_row_object (sqlite3_stmt *stmt,
                  int           column)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static void
set_time (JsonObject   *obj,
          const char   *member,
          sqlite3_stmt *stmt,
          int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_object_set_null_member (obj, member);
  else
    {
      g_autofree char *text = rp_format_timestamp (sqlite3_column_int64 (stmt, column));
      json_object_set_string_member (obj, member, text);
    }
}

static void
set_text (JsonObject   *obj,
          const char   *member,
          sqlite3_stmt *stmt,
          int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text)
    json_object_set_string_member (obj, member, text);
  else
    json_object_set_null_member (obj, member);
}

static void
copy_member (JsonObject *to,
             JsonObject *from,
             const char *member)
{
  JsonNode *node = json_object_get_member (from, member);

  if (node)
    json_object_set_member (to, member, json_node_copy (node));
  else
    json_object_set_null_member (to, member);
}

static sqlite3_stmt *
prepare_cid (sqlite3    *db,
             const char *sql,
             gint64      cid)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, cid);
  return stmt;
}

static void
add_flag (JsonArray  *flags,
          const char *flag,
          const char *reason)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "flag", flag);
  json_object_set_string_member (obj, "reason", reason);
  json_array_add_object_element (flags, obj);
}

static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  /* Translators: a date in a risk flag's reason; see g_date_time_format() */
  return dt ? g_date_time_format (dt, _("%Y-%m-%d")) : g_strdup ("");
}

static void
add_consent (JsonObject *card,
             sqlite3    *db,
             gint64      cid)
{
  JsonObject *consent = json_object_new ();
  sqlite3_stmt *stmt;

  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    {
      JsonObject *entry = json_object_new ();

      /* A purpose with no document is unknown, and treated as not granted */
      json_object_set_string_member (entry, "state", "unknown");
      json_object_set_null_member (entry, "at");
      json_object_set_null_member (entry, "source");
      json_object_set_object_member (consent, purposes[i], entry);
    }

  stmt = prepare_cid (db, "SELECT purpose, state, at, source FROM consent_state WHERE cust = ?1", cid);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *purpose = (const char *) sqlite3_column_text (stmt, 0);
      JsonObject *entry = json_object_new ();

      set_text (entry, "state", stmt, 1);
      set_time (entry, "at", stmt, 2);
      set_text (entry, "source", stmt, 3);
      json_object_set_object_member (consent, purpose, entry);
    }
  sqlite3_finalize (stmt);

  json_object_set_object_member (card, "consent", consent);
}

static void
add_tickets (JsonObject *card,
             JsonArray  *flags,
             sqlite3    *db,
             gint64      cid,
             gint64      now)
{
  JsonArray *open = json_array_new ();
  sqlite3_stmt *stmt;
  guint breached = 0;

  stmt = prepare_cid (db,
                      "SELECT id, number, subject, status, priority, queue, assignee,"
                      " resolution_due, first_response_due, channel, created FROM tickets"
                      " WHERE cust = ?1 AND status IN ('new', 'open', 'pending')"
                      " ORDER BY resolution_due IS NULL, resolution_due, id",
                      cid);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *ticket = json_object_new ();
      const char *status = (const char *) sqlite3_column_text (stmt, 3);
      gint64 due = sqlite3_column_int64 (stmt, 7);
      gint64 first_due = sqlite3_column_int64 (stmt, 8);
      RpSlaState sla = rp_sla_state (status, due, now, RP_DEFAULT_LEAD_USEC);

      set_text (ticket, "id", stmt, 0);
      set_text (ticket, "number", stmt, 1);
      set_text (ticket, "subject", stmt, 2);
      set_text (ticket, "status", stmt, 3);
      set_text (ticket, "priority", stmt, 4);
      set_text (ticket, "queue", stmt, 5);
      set_text (ticket, "assignee", stmt, 6);
      set_time (ticket, "resolution_due", stmt, 7);
      set_time (ticket, "first_response_due", stmt, 8);
      set_text (ticket, "channel", stmt, 9);
      set_time (ticket, "created", stmt, 10);
      json_object_set_string_member (ticket, "sla", rp_sla_state_to_string (sla));
      json_object_set_boolean_member (ticket, "first_response_overdue",
                                      g_strcmp0 (status, "new") == 0 && first_due != 0 && first_due <= now);
      json_array_add_object_element (open, ticket);
      if (sla == RP_SLA_BREACHED)
        breached++;
    }
  sqlite3_finalize (stmt);
  json_object_set_array_member (card, "open_tickets", open);

  if (breached > 0)
    {
      g_autofree char *reason =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u open ticket is past its resolution time",
                                      "%u open tickets are past their resolution time",
                                      breached),
                         breached);
      add_flag (flags, "sla_breached", reason);
    }

  /* The latest handoff note of any ticket is what the next agent reads first */
  stmt = prepare_cid (db,
                      "SELECT id, number, handoff, handoff_at, handoff_by FROM tickets"
                      " WHERE cust = ?1 AND handoff IS NOT NULL ORDER BY handoff_at DESC LIMIT 1",
                      cid);
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *handoff = json_object_new ();

      set_text (handoff, "ticket_id", stmt, 0);
      set_text (handoff, "number", stmt, 1);
      set_text (handoff, "note", stmt, 2);
      set_time (handoff, "at", stmt, 3);
      set_text (handoff, "author", stmt, 4);
      json_object_set_object_member (card, "latest_handoff", handoff);
    }
  else
    json_object_set_null_member (card, "latest_handoff");
  sqlite3_finalize (stmt);
}

static void
add_contacts (JsonObject *card,
              JsonArray  *flags,
              sqlite3    *db,
              gint64      cid,
              gint64      now)
{
  sqlite3_stmt *stmt;
  guint seen = 0, negative = 0, recent = 0;

  stmt = prepare_cid (db,
                      "SELECT at, body FROM docs WHERE cust = ?1 AND +type = 'interaction'"
                      " ORDER BY at DESC LIMIT 20",
                      cid);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) body = parse_row_object (stmt, 1);
      gint64 at = sqlite3_column_int64 (stmt, 0);

      if (body == NULL)
        continue;

      if (seen == 0)
        {
          JsonObject *last = json_object_new ();

          json_object_set_string_member (last, "id", rp_json_string (body, "_id"));
          set_time (last, "at", stmt, 0);
          copy_member (last, body, "channel");
          copy_member (last, body, "direction");
          copy_member (last, body, "agent");
          copy_member (last, body, "summary");
          copy_member (last, body, "sentiment");
          json_object_set_object_member (card, "last_contact", last);
        }
      if (seen < 3 && g_strcmp0 (rp_json_string (body, "sentiment"), "negative") == 0)
        negative++;
      if (at >= now - 7 * G_TIME_SPAN_DAY && at <= now)
        recent++;
      seen++;
    }
  sqlite3_finalize (stmt);

  if (seen == 0)
    json_object_set_null_member (card, "last_contact");

  if (negative >= 2)
    {
      g_autofree char *reason =
        g_strdup_printf (_("%u of the last %u contacts were negative"), negative, MIN (seen, 3));
      add_flag (flags, "negative_sentiment", reason);
    }
  if (recent >= 3)
    {
      g_autofree char *reason =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u contact in the last 7 days",
                                      "%u contacts in the last 7 days", recent),
                         recent);
      add_flag (flags, "repeat_contact", reason);
    }
}

static void
add_notes (JsonObject *card,
           sqlite3    *db,
           gint64      cid)
{
  JsonArray *notes = json_array_new ();
  sqlite3_stmt *stmt;

  /* Canonical bodies spell a pinned note one way, so the filter stays in
   * SQL, word for word as docs_pinned has it, and only pinned notes are read */
  stmt = prepare_cid (db,
                      "SELECT body FROM docs WHERE cust = ?1 AND type = 'note'"
                      " AND instr (body, '\"pinned\":true') > 0 ORDER BY at DESC LIMIT 20",
                      cid);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) body = parse_row_object (stmt, 0);
      JsonObject *note;

      if (body == NULL || !rp_json_bool (body, "pinned"))
        continue;
      note = json_object_new ();
      copy_member (note, body, "_id");
      copy_member (note, body, "at");
      copy_member (note, body, "author");
      copy_member (note, body, "body");
      json_object_set_member (note, "id", json_object_dup_member (note, "_id"));
      json_object_remove_member (note, "_id");
      json_array_add_object_element (notes, note);
    }
  sqlite3_finalize (stmt);
  json_object_set_array_member (card, "pinned_notes", notes);
}

static void
add_signals (JsonArray *flags,
             sqlite3   *db,
             gint64     cid,
             gint64     now)
{
  sqlite3_stmt *stmt;
  gboolean nps_seen = FALSE, csat_seen = FALSE;

  stmt = prepare_cid (db,
                      "SELECT at, body FROM docs WHERE cust = ?1 AND +type = 'survey'"
                      " ORDER BY at DESC LIMIT 10",
                      cid);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) body = parse_row_object (stmt, 1);
      const char *kind = rp_json_string (body, "kind");
      gint64 score = rp_json_int (body, "score", -1);
      g_autofree char *date = format_date (sqlite3_column_int64 (stmt, 0));

      if (g_strcmp0 (kind, "nps") == 0 && !nps_seen)
        {
          nps_seen = TRUE;
          if (score >= 0 && score <= 6)
            {
              g_autofree char *reason =
                g_strdup_printf (_("Detractor: scored %d out of 10 on %s"), (int) score, date);
              add_flag (flags, "detractor", reason);
            }
        }
      else if (g_strcmp0 (kind, "csat") == 0 && !csat_seen)
        {
          csat_seen = TRUE;
          if (score >= 1 && score <= 2)
            {
              g_autofree char *reason =
                g_strdup_printf (_("Rated the last support %d out of 5 on %s"), (int) score, date);
              add_flag (flags, "low_csat", reason);
            }
        }
    }
  sqlite3_finalize (stmt);

  stmt = prepare_cid (db,
                      "SELECT at FROM docs WHERE cust = ?1 AND +type = 'order' AND at >= ?2"
                      " AND (instr (body, '\"status\":\"returned\"') > 0"
                      "      OR instr (body, '\"status\":\"refunded\"') > 0)"
                      " ORDER BY at DESC LIMIT 1",
                      cid);
  if (stmt)
    {
      sqlite3_bind_int64 (stmt, 2, now - 30 * G_TIME_SPAN_DAY);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autofree char *date = format_date (sqlite3_column_int64 (stmt, 0));
          g_autofree char *reason = g_strdup_printf (_("Returned an order on %s"), date);
          add_flag (flags, "recent_return", reason);
        }
    }
  sqlite3_finalize (stmt);
}

static void
add_counts (JsonObject *card,
            sqlite3    *db,
            gint64      cid)
{
  JsonObject *counts = json_object_new ();
  sqlite3_stmt *stmt;
  gint64 total = 0;

  stmt = prepare_cid (db,
                      "SELECT type, count(*) FROM docs WHERE cust = ?1 AND +type != 'customer'"
                      " GROUP BY type",
                      cid);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      RpDocType type = rp_doc_type_from_string ((const char *) sqlite3_column_text (stmt, 0));

      if (rp_doc_type_kind (type) == 0)
        continue;
      json_object_set_int_member (counts, (const char *) sqlite3_column_text (stmt, 0),
                                  sqlite3_column_int64 (stmt, 1));
      total += sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  json_object_set_int_member (counts, "total", total);
  json_object_set_object_member (card, "counts", counts);
}

JsonObject *
rp_cache_show (RpCache     *self,
               const char  *customer_id,
               gint64       now_usec,
               GError     **error)
{
  g_autoptr(JsonObject) card = NULL;
  g_autoptr(JsonObject) customer = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonArray *flags;
  gint64 cid = 0;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);
  g_return_val_if_fail (customer_id != NULL, NULL);

  if (now_usec == 0)
    now_usec = g_get_real_time ();

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  /* One read transaction, so the card is one consistent picture */
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);

  rc = sqlite3_prepare_v2 (db,
                           "SELECT c.cid, c.name, c.kana, d.body FROM customers c"
                           " JOIN docs d ON d.rowid = c.doc WHERE c.id = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          cid = sqlite3_column_int64 (stmt, 0);
          customer = parse_row_object (stmt, 3);
          card = json_object_new ();
          json_object_set_string_member (card, "id", customer_id);
          set_text (card, "name", stmt, 1);
          if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
            set_text (card, "kana", stmt, 2);
        }
    }
  sqlite3_finalize (stmt);

  if (card == NULL || customer == NULL)
    {
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      rp_cache_reader_unlock (self);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rp_cache_set_error (error, NULL, rc, _("Could not read the cache"));
      else
        g_set_error (error, RP_ERROR, RP_ERROR_NOT_FOUND, _("No customer %s in the cache"), customer_id);
      return NULL;
    }

  copy_member (card, customer, "tier");
  copy_member (card, customer, "member_since");
  copy_member (card, customer, "lifetime_value");
  copy_member (card, customer, "language");
  copy_member (card, customer, "preferred_channel");
  copy_member (card, customer, "branch");
  copy_member (card, customer, "emails");
  copy_member (card, customer, "phones");
  copy_member (card, customer, "tags");
  /* "name" is the display name the cache worked out when it stored the
   * customer; the parts are as written */
  {
    JsonNode *parts = json_object_get_member (customer, "name");

    json_object_set_member (card, "name_parts",
                            parts ? json_node_copy (parts) : json_node_new (JSON_NODE_NULL));
  }

  flags = json_array_new ();
  add_consent (card, db, cid);
  add_tickets (card, flags, db, cid, now_usec);
  add_contacts (card, flags, db, cid, now_usec);
  add_notes (card, db, cid);
  add_signals (flags, db, cid, now_usec);
  add_counts (card, db, cid);
  json_object_set_array_member (card, "flags", flags);

  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  rp_cache_reader_unlock (self);
  return g_steal_pointer (&card);
}
