/* rp-customer-view.h: the context card and the unified timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "rp-cache.h"
#include "rp-context-card.h"
#include "rp-customer-actions.h"
#include "rp-timeline-model.h"

G_BEGIN_DECLS

#define RP_TYPE_CUSTOMER_VIEW (rp_customer_view_get_type ())

G_DECLARE_FINAL_TYPE (RpCustomerView, rp_customer_view, RP, CUSTOMER_VIEW, GtkWidget)

GtkWidget       *rp_customer_view_new             (void);
void             rp_customer_view_set_cache       (RpCustomerView *self,
                                                   RpCache        *cache);
/* Shows a customer; "loaded" is emitted once card and timeline are filled */
void             rp_customer_view_load            (RpCustomerView *self,
                                                   const char     *customer_id);
/* Reads the shown customer again (new documents arrived), keeping the
 * timeline's scroll position; "loaded" is emitted when done */
void             rp_customer_view_refresh         (RpCustomerView *self);
const char      *rp_customer_view_get_customer_id (RpCustomerView *self);
RpContextCard   *rp_customer_view_get_card        (RpCustomerView *self);
RpCustomerActions *rp_customer_view_get_actions   (RpCustomerView *self);
RpTimelineModel *rp_customer_view_get_model       (RpCustomerView *self);
GtkListView     *rp_customer_view_get_list_view   (RpCustomerView *self);
void             rp_customer_view_set_filters     (RpCustomerView *self,
                                                   const char     *kind,
                                                   const char     *channel);

G_END_DECLS
