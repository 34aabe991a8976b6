/* rp-chart.h: the queues page's charts, drawn with GtkSnapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RP_TYPE_CHART (rp_chart_get_type ())

G_DECLARE_FINAL_TYPE (RpChart, rp_chart, RP, CHART, GtkWidget)

typedef enum
{
  RP_CHART_BACKLOG,  /* open tickets per queue, stacked by SLA state */
  RP_CHART_HOURLY,   /* tickets created in each hour of today */
} RpChartKind;

GtkWidget  *rp_chart_new            (RpChartKind  kind);
/* The `queues` array of a rp_cache_queues() object */
void        rp_chart_set_backlog    (RpChart     *self,
                                     JsonArray   *queues);
void        rp_chart_set_hourly     (RpChart     *self,
                                     const guint  counts[24],
                                     int          current_hour);
/* What the chart shows, in words: its accessible description and tooltip */
const char *rp_chart_get_text       (RpChart     *self);

G_END_DECLS
