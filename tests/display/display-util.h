/* display-util.h: waiting for and looking at a real window under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "rp-application.h"

G_BEGIN_DECLS

typedef gboolean (*RpTestPredicate) (gpointer data);

/* Rapport's translations, GTK under test and libadwaita, with the
 * environment's locale back: gtk_test_init () forces C for messages */
void   rp_test_display_init   (int             *argc,
                               char          ***argv);

/* The application, registered without asking the bus for its name, so a
 * test runs beside a Rapport that is open */
RpApplication *rp_test_application_new (void);

/* Spin the main loop until @predicate holds, or *@flag is set; a
 * generous bound turns a hang into a failure */
void   rp_test_wait_until     (RpTestPredicate  predicate,
                               gpointer         data);
void   rp_test_wait_for_flag  (gboolean        *flag);

/* Callbacks that set the gboolean they are given */
void   rp_test_set_flag_cb    (gpointer         flag);
void   rp_test_flag_signal_cb (GObject         *object,
                               gpointer         flag);

void   rp_test_wait_signal    (gpointer         instance,
                               const char      *signal);
void   rp_test_wait_for_paint (GtkWidget       *widget);

/* Lets transitions end and lists lay out before a look or a screenshot */
void   rp_test_settle         (GtkWidget       *widget);

/* Saves what @widget shows, once painted, as @file in
 * $RAPPORT_SCREENSHOT_DIR */
void   rp_test_screenshot     (GtkWidget       *widget,
                               const char      *file);
/* "@prefix@name.png", with "-ja" before ".png" in a Japanese run */
char  *rp_test_screenshot_name (const char     *prefix,
                                const char     *name);

/* The visible labels' and buttons' text under @widget, a line each */
char  *rp_test_text_of        (GtkWidget       *widget);

G_END_DECLS
