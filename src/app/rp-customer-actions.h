/* rp-customer-actions.h: what the agent can do for the customer shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "rp-action-dialog.h"
#include "rp-cache.h"

G_BEGIN_DECLS

#define RP_TYPE_CUSTOMER_ACTIONS (rp_customer_actions_get_type ())

G_DECLARE_FINAL_TYPE (RpCustomerActions, rp_customer_actions, RP, CUSTOMER_ACTIONS, GtkWidget)

GtkWidget      *rp_customer_actions_new           (void);
void            rp_customer_actions_set_cache     (RpCustomerActions *self,
                                                   RpCache           *cache);
/* @show is the customer's context-card JSON; offers follow its consent */
void            rp_customer_actions_set_customer  (RpCustomerActions *self,
                                                   const char        *customer_id,
                                                   JsonObject        *show);
/* Why a marketing action is unavailable, or NULL when it is allowed */
const char     *rp_customer_actions_get_reason    (RpCustomerActions *self,
                                                   RpActionKind       kind);
gboolean        rp_customer_actions_get_suggestions_visible (RpCustomerActions *self);
/* Opens the dialog of @kind for the customer (what the buttons do) */
RpActionDialog *rp_customer_actions_open          (RpCustomerActions *self,
                                                   RpActionKind       kind);

G_END_DECLS
