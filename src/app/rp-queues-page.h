/* rp-queues-page.h: the supervisor's queues, agent load and charts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "rp-cache.h"
#include "rp-sync-manager.h"
#include "rp-ticket-list.h"

G_BEGIN_DECLS

#define RP_TYPE_QUEUES_PAGE (rp_queues_page_get_type ())

G_DECLARE_FINAL_TYPE (RpQueuesPage, rp_queues_page, RP, QUEUES_PAGE, GtkWidget)

GtkWidget    *rp_queues_page_new               (void);
void          rp_queues_page_set_cache         (RpQueuesPage  *self,
                                                RpCache       *cache);
/* Figures follow what sync lands; the freshness label its last sync */
void          rp_queues_page_set_sync_manager  (RpQueuesPage  *self,
                                                RpSyncManager *manager);
/* Computes the figures again off the main thread; "updated" follows */
void          rp_queues_page_refresh           (RpQueuesPage  *self);
/* Fixes the clock, for tests (0: the real time) */
void          rp_queues_page_set_now           (RpQueuesPage  *self,
                                                gint64         now_usec);
void          rp_queues_page_set_lead          (RpQueuesPage  *self,
                                                gint64         lead_usec);
/* Shows one figure's tickets in the drill-down list */
void          rp_queues_page_drill_down        (RpQueuesPage  *self,
                                                RpTicketFilter filter,
                                                const char    *queue,
                                                const char    *assignee);
/* For tests and the benchmark */
JsonObject   *rp_queues_page_get_figures       (RpQueuesPage  *self);
RpTicketList *rp_queues_page_get_list          (RpQueuesPage  *self);
GtkWidget    *rp_queues_page_get_figure_button (RpQueuesPage  *self,
                                                const char    *queue,
                                                const char    *figure);
const char   *rp_queues_page_get_freshness     (RpQueuesPage  *self);
/* Main-thread time the last update of the labels and charts took, in µs */
gint64        rp_queues_page_get_update_usec   (RpQueuesPage  *self);

G_END_DECLS
