/* rp-ticket-item.h: one row of a ticket list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "rp-queues.h"

G_BEGIN_DECLS

#define RP_TYPE_TICKET_ITEM (rp_ticket_item_get_type ())

G_DECLARE_FINAL_TYPE (RpTicketItem, rp_ticket_item, RP, TICKET_ITEM, GObject)

/* Takes @row; NULL makes the item of a ticket that went away */
RpTicketItem      *rp_ticket_item_new     (const char  *id,
                                           RpTicketRow *row);
const char        *rp_ticket_item_get_id  (RpTicketItem *self);
/* NULL when the ticket is gone */
const RpTicketRow *rp_ticket_item_get_row (RpTicketItem *self);

G_END_DECLS
