/* rp-tooltip.h: tooltips written when the pointer asks for them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_widget_set_tooltip_text() on a visible widget asks the display where
 * the pointer is, three round trips to the X server, paid again for every
 * chip of a card that is filled in.  These keep the text on the widget and
 * give it from GtkWidget::query-tooltip, as the timeline rows do. */
void        rp_tooltip_set_text  (GtkWidget  *widget,
                                  const char *text);
const char *rp_tooltip_get_text  (GtkWidget  *widget);

G_END_DECLS
