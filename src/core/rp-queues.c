/* rp-queues.c: queue figures, ticket lists and what to notify about
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-queues"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rp-cache-private.h"
#include "rp-doc.h"
#include "rp-queues.h"

/* The same terms as rp_ticket_status_is_open() and rp_sla_state() */
#define OPEN_SQL "t.status IN ('new', 'open', 'pending')"
#define WAITING_SQL "(t.status IN ('new', 'open') AND (t.assignee IS NULL OR t.assignee = ''))"
#define BREACHED_SQL "(t.resolution_due > 0 AND t.resolution_due <= ?1)"
#define AT_RISK_SQL "(t.resolution_due > ?1 AND t.resolution_due <= ?1 + ?2)"
#define FR_OVERDUE_SQL "(t.status = 'new' AND t.first_response_due > 0 AND t.first_response_due <= ?1)"

static const char *filter_names[] = {
  [RP_TICKET_FILTER_OPEN] = "open",
  [RP_TICKET_FILTER_WAITING] = "waiting",
  [RP_TICKET_FILTER_AT_RISK] = "at_risk",
  [RP_TICKET_FILTER_BREACHED] = "breached",
  [RP_TICKET_FILTER_FIRST_RESPONSE_OVERDUE] = "first_response_overdue",
};

void
rp_ticket_row_free (RpTicketRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->customer_id);
  g_free (row->customer_name);
  g_free (row->number);
  g_free (row->subject);
  g_free (row->channel);
  g_free (row->queue);
  g_free (row->priority);
  g_free (row->status);
  g_free (row->assignee);
  g_free (row);
}

void
rp_notice_free (RpNotice *notice)
{
  if (notice == NULL)
    return;
  g_free (notice->key);
  g_free (notice->ticket_id);
  g_free (notice->customer_id);
  g_free (notice->number);
  g_free (notice->subject);
  g_free (notice);
}

void
rp_ticket_query_init (RpTicketQuery *query)
{
  g_return_if_fail (query != NULL);

  memset (query, 0, sizeof *query);
  query->filter = RP_TICKET_FILTER_OPEN;
  query->sort = RP_TICKET_SORT_DUE;
}

const char *
rp_ticket_filter_to_string (RpTicketFilter filter)
{
  if ((guint) filter >= G_N_ELEMENTS (filter_names))
    return NULL;
  return filter_names[filter];
}

gboolean
rp_ticket_filter_from_string (const char     *str,
                              RpTicketFilter *out_filter)
{
  for (guint i = 0; i < G_N_ELEMENTS (filter_names); i++)
    if (g_strcmp0 (str, filter_names[i]) == 0)
      {
        *out_filter = i;
        return TRUE;
      }
  return FALSE;
}

static gint64
local_midnight (gint64 now_usec)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) midnight = NULL;

  if (now == NULL)
    return now_usec;
  midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

static gboolean
step_error (GError  **error,
            sqlite3  *db,
            int       rc)
{
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return !rp_cache_set_error (error, db, rc, _("Could not read the cache"));
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

typedef struct
{
  char   *display_name;
  gint64  open, waiting, breached, at_risk, fr_overdue, oldest_created;
} QueueFigures;

static void
queue_figures_free (QueueFigures *q)
{
  g_free (q->display_name);
  g_free (q);
}

typedef struct
{
  char   *display_name;
  char   *role;
  gint64  load, handled;
} AgentFigures;

static void
agent_figures_free (AgentFigures *a)
{
  g_free (a->display_name);
  g_free (a->role);
  g_free (a);
}

static gpointer
lookup_or_add (GHashTable *table,
               const char *key,
               gsize       size)
{
  gpointer value = g_hash_table_lookup (table, key);

  if (value == NULL)
    {
      value = g_malloc0 (size);
      g_hash_table_insert (table, g_strdup (key), value);
    }
  return value;
}

static GPtrArray *
keys_of (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  return keys;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* Busiest first */
static int
compare_agents (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  GHashTable *agents = user_data;
  const char *ka = *(const char **) a, *kb = *(const char **) b;
  AgentFigures *fa = g_hash_table_lookup (agents, ka);
  AgentFigures *fb = g_hash_table_lookup (agents, kb);

  if (fa->load != fb->load)
    return fa->load > fb->load ? -1 : 1;
  return g_strcmp0 (ka, kb);
}

JsonObject *
rp_cache_queues (RpCache  *self,
                 gint64    now_usec,
                 gint64    lead_usec,
                 GError  **error)
{
  g_autoptr(GHashTable) queues = NULL;
  g_autoptr(GHashTable) agents = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *as_of = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonObject *result;
  JsonArray *array;
  gint64 synced_at = 0;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (now_usec == 0)
    now_usec = g_get_real_time ();
  if (lead_usec <= 0)
    lead_usec = RP_DEFAULT_LEAD_USEC;

  queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) queue_figures_free);
  agents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) agent_figures_free);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  /* One read transaction: every figure is of the same moment */
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);

  /* One pass over the open tickets, counted here: a full scan of the
   * table is much faster than SQLite's GROUP BY through the status index,
   * which looks each ticket up again by its id */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT t.queue, t.status, t.assignee, t.created,"
                           " t.first_response_due, t.resolution_due"
                           " FROM tickets t WHERE +" OPEN_SQL,
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      QueueFigures *q = NULL;
      AgentFigures *a = NULL;
      char *last_queue = NULL, *last_agent = NULL;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 0);
          const char *status = (const char *) sqlite3_column_text (stmt, 1);
          const char *assignee = (const char *) sqlite3_column_text (stmt, 2);
          gint64 created = sqlite3_column_int64 (stmt, 3);
          gint64 fr_due = sqlite3_column_int64 (stmt, 4);
          gint64 due = sqlite3_column_int64 (stmt, 5);
          gboolean assigned = assignee != NULL && assignee[0] != '\0';

          if (name == NULL)
            name = "";
          /* Consecutive rows often share a queue or an agent */
          if (q == NULL || g_strcmp0 (last_queue, name) != 0)
            {
              q = lookup_or_add (queues, name, sizeof *q);
              g_free (last_queue);
              last_queue = g_strdup (name);
            }
          q->open++;
          if (!assigned && g_strcmp0 (status, "pending") != 0)
            {
              q->waiting++;
              if (created > 0 && (q->oldest_created == 0 || created < q->oldest_created))
                q->oldest_created = created;
            }
          if (due > 0 && due <= now_usec)
            q->breached++;
          else if (due > now_usec && due <= now_usec + lead_usec)
            q->at_risk++;
          if (fr_due > 0 && fr_due <= now_usec && g_strcmp0 (status, "new") == 0)
            q->fr_overdue++;

          if (assigned)
            {
              if (a == NULL || g_strcmp0 (last_agent, assignee) != 0)
                {
                  a = lookup_or_add (agents, assignee, sizeof *a);
                  g_free (last_agent);
                  last_agent = g_strdup (assignee);
                }
              a->load++;
            }
        }
      g_free (last_queue);
      g_free (last_agent);
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (step_error (error, db, rc))
    {
      rc = sqlite3_prepare_v2 (db,
                               "SELECT substr(id, 7), json_extract(body, '$.display_name')"
                               " FROM docs WHERE type = 'queue'",
                               -1, &stmt, NULL);
      while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          QueueFigures *q = lookup_or_add (queues, (const char *) sqlite3_column_text (stmt, 0),
                                           sizeof *q);
          g_free (q->display_name);
          q->display_name = column_dup (stmt, 1);
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  if (step_error (error, db, rc))
    {
      /* Handled: tickets an agent solved or closed since local midnight */
      rc = sqlite3_prepare_v2 (db,
                               "SELECT json_extract(body, '$.author') AS author, count(DISTINCT ticket)"
                               " FROM docs WHERE type = 'ticket_event' AND at >= ?1 AND at <= ?2"
                               " AND json_extract(body, '$.changes.status') IN ('solved', 'closed')"
                               " AND author IS NOT NULL GROUP BY author",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, local_midnight (now_usec));
          sqlite3_bind_int64 (stmt, 2, now_usec);
        }
      while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          AgentFigures *a = lookup_or_add (agents, (const char *) sqlite3_column_text (stmt, 0),
                                           sizeof *a);
          a->handled = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  if (step_error (error, db, rc))
    {
      rc = sqlite3_prepare_v2 (db,
                               "SELECT substr(id, 7), json_extract(body, '$.name'),"
                               " json_extract(body, '$.role') FROM docs WHERE type = 'agent'",
                               -1, &stmt, NULL);
      while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          AgentFigures *a = lookup_or_add (agents, (const char *) sqlite3_column_text (stmt, 0),
                                           sizeof *a);
          g_free (a->display_name);
          g_free (a->role);
          a->display_name = column_dup (stmt, 1);
          a->role = column_dup (stmt, 2);
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  if (step_error (error, db, rc))
    {
      rc = sqlite3_prepare_v2 (db, "SELECT max(at) FROM checkpoints", -1, &stmt, NULL);
      if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        synced_at = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (!step_error (error, db, rc))
    {
      rp_cache_reader_unlock (self);
      return NULL;
    }
  rp_cache_reader_unlock (self);

  result = json_object_new ();
  as_of = rp_format_timestamp (now_usec);
  json_object_set_string_member (result, "as_of", as_of);
  if (synced_at > 0)
    {
      g_autofree char *text = rp_format_timestamp (synced_at);
      json_object_set_string_member (result, "synced_at", text);
    }
  else
    json_object_set_null_member (result, "synced_at");
  json_object_set_int_member (result, "lead_minutes", lead_usec / G_TIME_SPAN_MINUTE);

  keys = keys_of (queues);
  g_ptr_array_sort (keys, compare_strings);
  array = json_array_sized_new (keys->len);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *name = g_ptr_array_index (keys, i);
      QueueFigures *q = g_hash_table_lookup (queues, name);
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "queue", name);
      json_object_set_string_member (obj, "display_name", q->display_name ? q->display_name : name);
      json_object_set_int_member (obj, "open", q->open);
      json_object_set_int_member (obj, "waiting", q->waiting);
      json_object_set_int_member (obj, "breached", q->breached);
      json_object_set_int_member (obj, "at_risk", q->at_risk);
      json_object_set_int_member (obj, "first_response_overdue", q->fr_overdue);
      json_object_set_int_member (obj, "oldest_wait_s",
                                  q->waiting > 0 && q->oldest_created > 0
                                    ? MAX (0, (now_usec - q->oldest_created) / G_USEC_PER_SEC)
                                    : 0);
      json_array_add_object_element (array, obj);
    }
  json_object_set_array_member (result, "queues", array);
  g_clear_pointer (&keys, g_ptr_array_unref);

  keys = keys_of (agents);
  g_ptr_array_sort_with_data (keys, compare_agents, agents);
  array = json_array_sized_new (keys->len);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *name = g_ptr_array_index (keys, i);
      AgentFigures *a = g_hash_table_lookup (agents, name);
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "agent", name);
      json_object_set_string_member (obj, "display_name", a->display_name ? a->display_name : name);
      json_object_set_string_member (obj, "role", a->role ? a->role : "agent");
      json_object_set_int_member (obj, "load", a->load);
      json_object_set_int_member (obj, "handled_today", a->handled);
      json_array_add_object_element (array, obj);
    }
  json_object_set_array_member (result, "agents", array);

  return result;
}

gboolean
rp_cache_tickets_per_hour (RpCache  *self,
                           gint64    now_usec,
                           guint     out_counts[24],
                           GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 midnight;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), FALSE);

  if (now_usec == 0)
    now_usec = g_get_real_time ();
  midnight = local_midnight (now_usec);
  memset (out_counts, 0, 24 * sizeof (guint));

  if (!(db = rp_cache_reader_lock (self, error)))
    return FALSE;

  /* A ticket's `at` is when it was created; (type, at) is indexed.  Hours
   * are counted from local midnight, so a day with a DST change is off by
   * one hour at worst. */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT (at - ?1) / 3600000000, count(*) FROM docs"
                           " WHERE type = 'ticket' AND at >= ?1 AND at <= ?2 GROUP BY 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, midnight);
      sqlite3_bind_int64 (stmt, 2, now_usec);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 hour = sqlite3_column_int64 (stmt, 0);

          if (hour >= 0 && hour < 24)
            out_counts[hour] += sqlite3_column_int (stmt, 1);
        }
    }
  sqlite3_finalize (stmt);
  rp_cache_reader_unlock (self);

  return step_error (error, db, rc);
}

GPtrArray *
rp_cache_ticket_ids (RpCache              *self,
                     const RpTicketQuery  *query,
                     GError              **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT t.id FROM tickets t WHERE ");
  const char *desc = query->reverse ? " DESC" : "";
  sqlite3_stmt *stmt = NULL;
  GPtrArray *ids;
  gint64 now_usec, lead_usec;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  now_usec = query->now_usec ? query->now_usec : g_get_real_time ();
  lead_usec = query->lead_usec > 0 ? query->lead_usec : RP_DEFAULT_LEAD_USEC;

  /* Without a queue or an agent to narrow it, most tickets match: reading
   * the table straight through beats the status index and a lookup each */
  if (query->queue == NULL && query->assignee == NULL)
    g_string_append (sql, "+");
  g_string_append (sql, OPEN_SQL);

  switch (query->filter)
    {
    case RP_TICKET_FILTER_WAITING:
      g_string_append (sql, " AND " WAITING_SQL);
      break;
    case RP_TICKET_FILTER_AT_RISK:
      g_string_append (sql, " AND " AT_RISK_SQL);
      break;
    case RP_TICKET_FILTER_BREACHED:
      g_string_append (sql, " AND " BREACHED_SQL);
      break;
    case RP_TICKET_FILTER_FIRST_RESPONSE_OVERDUE:
      g_string_append (sql, " AND " FR_OVERDUE_SQL);
      break;
    case RP_TICKET_FILTER_OPEN:
    default:
      break;
    }
  if (query->status != NULL)
    g_string_append (sql, " AND t.status = ?3");
  if (query->queue != NULL)
    g_string_append (sql, " AND t.queue = ?4");
  if (query->assignee != NULL && query->assignee[0] == '\0')
    g_string_append (sql, " AND (t.assignee IS NULL OR t.assignee = '')");
  else if (query->assignee != NULL)
    g_string_append (sql, " AND t.assignee = ?5");

  switch (query->sort)
    {
    case RP_TICKET_SORT_PRIORITY:
      g_string_append_printf (sql, " ORDER BY CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1"
                                   " WHEN 'normal' THEN 2 WHEN 'low' THEN 3 ELSE 4 END%s,"
                                   " t.resolution_due IS NULL, t.resolution_due, t.id", desc);
      break;
    case RP_TICKET_SORT_AGE:
      g_string_append_printf (sql, " ORDER BY t.created%s, t.id%s", desc, desc);
      break;
    case RP_TICKET_SORT_DUE:
    default:
      g_string_append_printf (sql, " ORDER BY t.resolution_due IS NULL, t.resolution_due%s, t.id%s",
                              desc, desc);
      break;
    }

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  ids = g_ptr_array_new_with_free_func (g_free);
  rc = sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      /* Unused parameters are fine to bind */
      sqlite3_bind_int64 (stmt, 1, now_usec);
      sqlite3_bind_int64 (stmt, 2, lead_usec);
      if (query->status != NULL)
        sqlite3_bind_text (stmt, 3, query->status, -1, SQLITE_STATIC);
      if (query->queue != NULL)
        sqlite3_bind_text (stmt, 4, query->queue, -1, SQLITE_STATIC);
      if (query->assignee != NULL && query->assignee[0] != '\0')
        sqlite3_bind_text (stmt, 5, query->assignee, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (ids, column_dup (stmt, 0));
    }
  sqlite3_finalize (stmt);

  if (!step_error (error, db, rc))
    g_clear_pointer (&ids, g_ptr_array_unref);
  rp_cache_reader_unlock (self);

  return ids;
}

#define ROW_COLUMNS "t.id, c.id, c.name, t.number, t.subject, t.channel, t.queue, t.priority," \
                    " t.status, t.assignee, t.created, t.first_response_due, t.resolution_due," \
                    " t.updated"

static RpTicketRow *
ticket_row_from_stmt (sqlite3_stmt *stmt)
{
  RpTicketRow *row = g_new0 (RpTicketRow, 1);

  row->id = column_dup (stmt, 0);
  row->customer_id = column_dup (stmt, 1);
  row->customer_name = column_dup (stmt, 2);
  row->number = column_dup (stmt, 3);
  row->subject = column_dup (stmt, 4);
  row->channel = column_dup (stmt, 5);
  row->queue = column_dup (stmt, 6);
  row->priority = column_dup (stmt, 7);
  row->status = column_dup (stmt, 8);
  row->assignee = column_dup (stmt, 9);
  row->created_usec = sqlite3_column_int64 (stmt, 10);
  row->first_response_due_usec = sqlite3_column_int64 (stmt, 11);
  row->resolution_due_usec = sqlite3_column_int64 (stmt, 12);
  row->updated_usec = sqlite3_column_int64 (stmt, 13);
  return row;
}

GPtrArray *
rp_cache_ticket_rows (RpCache            *self,
                      const char *const  *ids,
                      guint               n_ids,
                      GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  GPtrArray *rows;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  rows = g_ptr_array_new_full (n_ids, (GDestroyNotify) rp_ticket_row_free);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT " ROW_COLUMNS " FROM tickets t"
                           " LEFT JOIN customers c ON c.cid = t.cust WHERE t.id = ?1",
                           -1, &stmt, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (rows, ticket_row_from_stmt (stmt));
      else if (rc == SQLITE_DONE)
        g_ptr_array_add (rows, NULL);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      rp_cache_set_error (error, db, rc, _("Could not read the cache"));
      g_clear_pointer (&rows, g_ptr_array_unref);
    }
  rp_cache_reader_unlock (self);

  return rows;
}

char *
rp_cache_agent_role (RpCache     *self,
                     const char  *agent,
                     GError     **error)
{
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt = NULL;
  char *role = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);

  if (agent == NULL || agent[0] == '\0')
    return NULL;
  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  id = g_strconcat ("agent:", agent, NULL);
  rc = sqlite3_prepare_v2 (db, "SELECT json_extract(body, '$.role') FROM docs WHERE id = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        role = column_dup (stmt, 0);
    }
  sqlite3_finalize (stmt);
  step_error (error, db, rc);
  rp_cache_reader_unlock (self);

  return role;
}

gint64
rp_cache_arrival_mark (RpCache  *self,
                       GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 mark = 0;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (RP_IS_CACHE (self), -1);

  if (!(db = rp_cache_reader_lock (self, error)))
    return -1;
  rc = sqlite3_prepare_v2 (db, "SELECT max(rowid) FROM docs", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    mark = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (!step_error (error, db, rc))
    mark = -1;
  rp_cache_reader_unlock (self);

  return mark;
}

static RpNotice *
notice_from_stmt (RpNoticeKind  kind,
                  sqlite3_stmt *stmt)
{
  RpNotice *notice = g_new0 (RpNotice, 1);

  notice->kind = kind;
  notice->ticket_id = column_dup (stmt, 1);
  notice->customer_id = column_dup (stmt, 2);
  notice->number = column_dup (stmt, 3);
  notice->subject = column_dup (stmt, 4);
  notice->resolution_due_usec = sqlite3_column_int64 (stmt, 5);
  if (kind == RP_NOTICE_ASSIGNED)
    /* The assigning document: a later reassignment back is a new event */
    notice->key = g_strconcat ("assigned:", (const char *) sqlite3_column_text (stmt, 0), NULL);
  else
    /* A new due time is a new promise to warn about */
    notice->key = g_strdup_printf ("breach:%s:%" G_GINT64_FORMAT,
                                   notice->ticket_id, notice->resolution_due_usec);
  return notice;
}

GPtrArray *
rp_cache_take_notices (RpCache     *self,
                       const char  *agent,
                       gint64       since_mark,
                       gint64       now_usec,
                       gint64       lead_usec,
                       GError     **error)
{
  g_autoptr(GPtrArray) found = NULL;
  GPtrArray *fresh;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc = SQLITE_OK;

  g_return_val_if_fail (RP_IS_CACHE (self), NULL);
  g_return_val_if_fail (agent != NULL, NULL);

  if (now_usec == 0)
    now_usec = g_get_real_time ();
  if (lead_usec <= 0)
    lead_usec = RP_DEFAULT_LEAD_USEC;

  if (!(db = rp_cache_reader_lock (self, error)))
    return NULL;

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_notice_free);
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);

  if (since_mark >= 0)
    {
      /* Assigned to the agent by someone else, still theirs and open */
      rc = sqlite3_prepare_v2 (db,
                               "SELECT d.id, t.id, c.id, t.number, t.subject, t.resolution_due"
                               " FROM docs d JOIN tickets t ON t.id = coalesce(d.ticket, d.id)"
                               " LEFT JOIN customers c ON c.cid = t.cust"
                               " WHERE d.rowid > ?1 AND d.type IN ('ticket', 'ticket_event')"
                               " AND ((d.type = 'ticket' AND json_extract(d.body, '$.assignee') = ?2)"
                               "   OR (d.type = 'ticket_event'"
                               "       AND json_extract(d.body, '$.changes.assignee') = ?2"
                               "       AND json_extract(d.body, '$.author') IS NOT ?2))"
                               " AND t.assignee = ?2 AND " OPEN_SQL
                               " ORDER BY d.rowid",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, since_mark);
          sqlite3_bind_text (stmt, 2, agent, -1, SQLITE_STATIC);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            g_ptr_array_add (found, notice_from_stmt (RP_NOTICE_ASSIGNED, stmt));
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  if (step_error (NULL, db, rc))
    {
      rc = sqlite3_prepare_v2 (db,
                               "SELECT NULL, t.id, c.id, t.number, t.subject, t.resolution_due"
                               " FROM tickets t LEFT JOIN customers c ON c.cid = t.cust"
                               " WHERE t.assignee = ?3 AND " OPEN_SQL " AND " AT_RISK_SQL
                               " ORDER BY t.resolution_due",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, now_usec);
          sqlite3_bind_int64 (stmt, 2, lead_usec);
          sqlite3_bind_text (stmt, 3, agent, -1, SQLITE_STATIC);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            g_ptr_array_add (found, notice_from_stmt (RP_NOTICE_BREACH_SOON, stmt));
        }
      sqlite3_finalize (stmt);
    }

  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (!step_error (error, db, rc))
    {
      rp_cache_reader_unlock (self);
      return NULL;
    }
  rp_cache_reader_unlock (self);

  fresh = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_notice_free);
  for (guint i = 0; i < found->len; i++)
    {
      RpNotice *notice = g_ptr_array_index (found, i);
      g_autoptr(GError) local_error = NULL;

      if (rp_cache_mark_notified (self, notice->key, &local_error))
        g_ptr_array_add (fresh, g_steal_pointer (&found->pdata[i]));
      else if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_ptr_array_unref (fresh);
          return NULL;
        }
    }

  return fresh;
}
