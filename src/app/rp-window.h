/* rp-window.h: the agent window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "rp-cache.h"
#include "rp-customer-view.h"
#include "rp-queues-page.h"
#include "rp-ticket-list.h"
#include "rp-sync-manager.h"
#include "rp-sync-status.h"

G_BEGIN_DECLS

#define RP_TYPE_WINDOW (rp_window_get_type ())

G_DECLARE_FINAL_TYPE (RpWindow, rp_window, RP, WINDOW, AdwApplicationWindow)

RpWindow       *rp_window_new                (GtkApplication *application,
                                              RpCache        *cache);
RpCache        *rp_window_get_cache          (RpWindow       *self);
/* Shows its state in the header and what it brings as it arrives */
void            rp_window_set_sync_manager   (RpWindow       *self,
                                              RpSyncManager  *manager);
void            rp_window_open_customer      (RpWindow       *self,
                                              const char     *customer_id);
void            rp_window_search             (RpWindow       *self,
                                              const char     *text);
/* For tests and the benchmark */
GtkSearchEntry *rp_window_get_search_entry   (RpWindow       *self);
GtkListBox     *rp_window_get_results_list   (RpWindow       *self);
RpCustomerView *rp_window_get_customer_view  (RpWindow       *self);
const char     *rp_window_get_page           (RpWindow       *self);
const char     *rp_window_get_results_page   (RpWindow       *self);
/* Opens the customer with the ticket expanded in the timeline */
void            rp_window_open_ticket        (RpWindow       *self,
                                              const char     *customer_id,
                                              const char     *ticket_id);
/* "customers", "queues" or "my-tickets" */
void            rp_window_show_view          (RpWindow       *self,
                                              const char     *name);
const char     *rp_window_get_view           (RpWindow       *self);
gboolean        rp_window_get_view_visible   (RpWindow       *self,
                                              const char     *name);
RpQueuesPage   *rp_window_get_queues_page    (RpWindow       *self);
RpTicketList   *rp_window_get_my_tickets     (RpWindow       *self);
RpSyncStatus   *rp_window_get_sync_status    (RpWindow       *self);

G_END_DECLS
