/* rp-timeline-row.h: the widget showing one timeline item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "rp-timeline-item.h"

G_BEGIN_DECLS

#define RP_TYPE_TIMELINE_ROW (rp_timeline_row_get_type ())

G_DECLARE_FINAL_TYPE (RpTimelineRow, rp_timeline_row, RP, TIMELINE_ROW, GtkWidget)

GtkWidget      *rp_timeline_row_new         (void);
RpTimelineItem *rp_timeline_row_get_item    (RpTimelineRow  *self);
void            rp_timeline_row_set_item    (RpTimelineRow  *self,
                                             RpTimelineItem *item);
/* Summary line of an event, exposed for tests */
char           *rp_timeline_describe        (RpTimelineItem *item,
                                             char          **out_subtitle);

G_END_DECLS
