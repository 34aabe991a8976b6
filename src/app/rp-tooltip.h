/* rp-tooltip.h: setting a tooltip without asking the display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_widget_set_tooltip_text() on a visible widget asks the display where
 * the pointer is, so that a tooltip already shown follows the new text:
 * three round trips to the X server, each paid again for every chip of a
 * card or row of a list that is filled in.  A tooltip set while the widget
 * is hidden is shown the next time the pointer rests on it. */
static inline void
rp_set_tooltip_text (GtkWidget  *widget,
                     const char *text)
{
  gboolean visible = gtk_widget_get_visible (widget);

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0)
    return;

  if (visible)
    gtk_widget_set_visible (widget, FALSE);
  gtk_widget_set_tooltip_text (widget, text);
  if (visible)
    gtk_widget_set_visible (widget, TRUE);
}

G_END_DECLS
