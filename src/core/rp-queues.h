/* rp-queues.h: queue figures, ticket lists and what to notify about
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "rp-cache.h"

G_BEGIN_DECLS

/* Which tickets a list shows (DESIGN §6 terms); every one is open */
typedef enum
{
  RP_TICKET_FILTER_OPEN,
  RP_TICKET_FILTER_WAITING,
  RP_TICKET_FILTER_AT_RISK,
  RP_TICKET_FILTER_BREACHED,
  RP_TICKET_FILTER_FIRST_RESPONSE_OVERDUE,
} RpTicketFilter;

typedef enum
{
  RP_TICKET_SORT_DUE,       /* resolution due, soonest first; none last */
  RP_TICKET_SORT_PRIORITY,  /* urgent first, then by due */
  RP_TICKET_SORT_AGE,       /* oldest first */
} RpTicketSort;

typedef struct
{
  RpTicketFilter  filter;
  const char     *status;    /* a folded status (new/open/pending), or NULL for any */
  const char     *queue;     /* NULL for any */
  const char     *assignee;  /* an agent login, "" for unassigned, NULL for any */
  RpTicketSort    sort;
  gboolean        reverse;
  gint64          now_usec;  /* 0: the current time */
  gint64          lead_usec; /* 0: RP_DEFAULT_LEAD_USEC */
} RpTicketQuery;

/* A row of a ticket list: the folded ticket and whose it is */
typedef struct
{
  char   *id;                 /* ticket:<uuid> */
  char   *customer_id;
  char   *customer_name;      /* display name, or NULL */
  char   *number;
  char   *subject;
  char   *channel;
  char   *queue;
  char   *priority;
  char   *status;
  char   *assignee;           /* or NULL */
  gint64  created_usec;
  gint64  first_response_due_usec;  /* 0: none */
  gint64  resolution_due_usec;      /* 0: none */
  gint64  updated_usec;
} RpTicketRow;

typedef enum
{
  RP_NOTICE_ASSIGNED,     /* a ticket was newly assigned to the agent */
  RP_NOTICE_BREACH_SOON,  /* one of the agent's tickets is about to breach */
} RpNoticeKind;

/* Something to tell the agent: carries the ticket number and subject, never
 * the customer's contact details */
typedef struct
{
  RpNoticeKind  kind;
  char         *key;          /* identity for rp_cache_mark_notified() */
  char         *ticket_id;
  char         *customer_id;  /* to open on activation */
  char         *number;
  char         *subject;
  gint64        resolution_due_usec;
} RpNotice;

void         rp_ticket_row_free         (RpTicketRow         *row);
void         rp_notice_free             (RpNotice            *notice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpTicketRow, rp_ticket_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpNotice, rp_notice_free)

void         rp_ticket_query_init       (RpTicketQuery       *query);
const char  *rp_ticket_filter_to_string (RpTicketFilter       filter);
gboolean     rp_ticket_filter_from_string (const char        *str,
                                           RpTicketFilter    *out_filter);

/* DESIGN §7's `queues` object at @now_usec (0: now): {as_of, synced_at,
 * lead_minutes, queues: [{queue, display_name, open, waiting, breached,
 * at_risk, first_response_overdue, oldest_wait_s}], agents: [{agent,
 * display_name, role, load, handled_today}]}.  Queues and agents known from
 * their documents are listed even with nothing open. */
JsonObject  *rp_cache_queues            (RpCache             *self,
                                         gint64               now_usec,
                                         gint64               lead_usec,
                                         GError             **error);

/* Tickets created in each local hour of @now_usec's day (24 counts) */
gboolean     rp_cache_tickets_per_hour  (RpCache             *self,
                                         gint64               now_usec,
                                         guint                out_counts[24],
                                         GError             **error);

/* The ids of the matching tickets, in order, sorted and filtered by SQLite */
GPtrArray   *rp_cache_ticket_ids        (RpCache             *self,
                                         const RpTicketQuery *query,
                                         GError             **error);
/* RpTicketRows for @ids in the same order (NULL where a ticket is gone) */
GPtrArray   *rp_cache_ticket_rows       (RpCache             *self,
                                         const char  *const  *ids,
                                         guint                n_ids,
                                         GError             **error);

/* The role in @agent's `agent` document ("agent", "supervisor"), or NULL */
char        *rp_cache_agent_role        (RpCache             *self,
                                         const char          *agent,
                                         GError             **error);

/* The newest document's position in arrival order; documents applied later
 * have larger ones */
gint64       rp_cache_arrival_mark      (RpCache             *self,
                                         GError             **error);

/* What @agent should be told at @now_usec: tickets assigned to them by a
 * document that arrived after @since_mark (see rp_cache_arrival_mark();
 * negative: none) and still theirs and open, and their open tickets due
 * within @lead_usec.  Only notices never taken before are returned, and
 * taking them records them, across restarts too. */
GPtrArray   *rp_cache_take_notices      (RpCache             *self,
                                         const char          *agent,
                                         gint64               since_mark,
                                         gint64               now_usec,
                                         gint64               lead_usec,
                                         GError             **error);

G_END_DECLS
