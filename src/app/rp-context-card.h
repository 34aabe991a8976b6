/* rp-context-card.h: who the customer is, at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RP_TYPE_CONTEXT_CARD (rp_context_card_get_type ())

G_DECLARE_FINAL_TYPE (RpContextCard, rp_context_card, RP, CONTEXT_CARD, GtkWidget)

GtkWidget  *rp_context_card_new         (void);
/* @show is the context-card JSON of rp_cache_show() */
void        rp_context_card_set_data    (RpContextCard *self,
                                         JsonObject    *show,
                                         gint64         now_usec);
const char *rp_context_card_get_name    (RpContextCard *self);

G_END_DECLS
