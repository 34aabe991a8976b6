/* rp-ticket-model.h: a sorted, filtered ticket list as a GListModel, rows on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "rp-cache.h"
#include "rp-queues.h"

G_BEGIN_DECLS

#define RP_TYPE_TICKET_MODEL (rp_ticket_model_get_type ())

G_DECLARE_FINAL_TYPE (RpTicketModel, rp_ticket_model, RP, TICKET_MODEL, GObject)

RpTicketModel       *rp_ticket_model_new          (RpCache              *cache);
/* Runs @query (copied) off the main thread; the items change when it is done.
 * A newer query makes an older one's result stale. */
void                 rp_ticket_model_query_async  (RpTicketModel        *self,
                                                   const RpTicketQuery  *query,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean             rp_ticket_model_query_finish (RpTicketModel        *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
/* The query shown; its strings belong to the model */
const RpTicketQuery *rp_ticket_model_get_query    (RpTicketModel        *self);

G_END_DECLS
