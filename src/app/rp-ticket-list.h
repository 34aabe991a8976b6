/* rp-ticket-list.h: a sortable, filterable ticket list with SLA countdowns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "rp-cache.h"
#include "rp-queues.h"
#include "rp-ticket-model.h"

G_BEGIN_DECLS

#define RP_TYPE_TICKET_LIST (rp_ticket_list_get_type ())

G_DECLARE_FINAL_TYPE (RpTicketList, rp_ticket_list, RP, TICKET_LIST, GtkWidget)

GtkWidget     *rp_ticket_list_new            (void);
void           rp_ticket_list_set_cache      (RpTicketList        *self,
                                              RpCache             *cache);
void           rp_ticket_list_set_title      (RpTicketList        *self,
                                              const char          *title);
/* The queues and agents offered as filters: a rp_cache_queues() object */
void           rp_ticket_list_set_choices    (RpTicketList        *self,
                                              JsonObject          *queues);
/* Shows @query's tickets; the filters follow it */
void           rp_ticket_list_set_query      (RpTicketList        *self,
                                              const RpTicketQuery *query);
/* Reads the list again (documents arrived, or the clock moved on) */
void           rp_ticket_list_refresh        (RpTicketList        *self);
/* Fixes the clock, for tests (0: the real time); ticks the countdowns */
void           rp_ticket_list_set_now        (RpTicketList        *self,
                                              gint64               now_usec);
void           rp_ticket_list_set_lead       (RpTicketList        *self,
                                              gint64               lead_usec);
/* Updates the countdowns of the rows on screen, without a query */
void           rp_ticket_list_tick           (RpTicketList        *self);
RpTicketModel *rp_ticket_list_get_model      (RpTicketList        *self);
GtkListView   *rp_ticket_list_get_list_view  (RpTicketList        *self);
/* A query is running: "loaded" will follow */
gboolean       rp_ticket_list_is_loading     (RpTicketList        *self);
GtkDropDown   *rp_ticket_list_get_sort_dropdown (RpTicketList     *self);

/* "breaches in 12 min", "breached 2 h ago" */
char          *rp_ticket_list_format_countdown (gint64             due_usec,
                                                gint64             now_usec);

G_END_DECLS
