/* rp-timeline-item.h: one row of the timeline, a day header or an event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "rp-cache.h"

G_BEGIN_DECLS

#define RP_TYPE_TIMELINE_ITEM (rp_timeline_item_get_type ())

G_DECLARE_FINAL_TYPE (RpTimelineItem, rp_timeline_item, RP, TIMELINE_ITEM, GObject)

RpTimelineItem *rp_timeline_item_new_header   (gint64          day_usec,
                                               guint           n_events);
RpTimelineItem *rp_timeline_item_new_event    (RpCache        *cache,
                                               RpEvent        *event,
                                               GHashTable     *expanded_set);
gboolean        rp_timeline_item_is_header    (RpTimelineItem *self);
gint64          rp_timeline_item_get_at_usec  (RpTimelineItem *self);
guint           rp_timeline_item_get_n_events (RpTimelineItem *self);
const RpEvent  *rp_timeline_item_get_event    (RpTimelineItem *self);
JsonObject     *rp_timeline_item_get_doc      (RpTimelineItem *self);
RpCache        *rp_timeline_item_get_cache    (RpTimelineItem *self);
gboolean        rp_timeline_item_get_expanded (RpTimelineItem *self);
void            rp_timeline_item_set_expanded (RpTimelineItem *self,
                                               gboolean        expanded);
void            rp_timeline_item_assign       (RpTimelineItem *self,
                                               RpTimelineItem *other);

G_END_DECLS
