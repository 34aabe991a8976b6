/* rp-timeline-model.h: a customer's timeline as a GListModel, rows on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "rp-cache.h"

G_BEGIN_DECLS

#define RP_TYPE_TIMELINE_MODEL (rp_timeline_model_get_type ())

G_DECLARE_FINAL_TYPE (RpTimelineModel, rp_timeline_model, RP, TIMELINE_MODEL, GObject)

RpTimelineModel *rp_timeline_model_new         (RpCache              *cache);
void             rp_timeline_model_load_async  (RpTimelineModel      *self,
                                                const char           *customer_id,
                                                RpKindMask            kinds,
                                                const char           *channel,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         rp_timeline_model_load_finish (RpTimelineModel      *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             rp_timeline_model_clear       (RpTimelineModel      *self);
/* Events (not day headers) in the model */
guint            rp_timeline_model_get_n_events (RpTimelineModel     *self);
/* Position of the item of the event with @rowid, or G_MAXUINT */
guint            rp_timeline_model_find_rowid  (RpTimelineModel      *self,
                                                gint64                rowid);

G_END_DECLS
