/* rp-search-row.h: one customer in the search results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "rp-cache.h"

G_BEGIN_DECLS

#define RP_TYPE_SEARCH_ROW (rp_search_row_get_type ())

G_DECLARE_FINAL_TYPE (RpSearchRow, rp_search_row, RP, SEARCH_ROW, GtkListBoxRow)

GtkWidget  *rp_search_row_new             (const RpSearchHit *hit);
void        rp_search_row_set_hit         (RpSearchRow       *self,
                                           const RpSearchHit *hit);
const char *rp_search_row_get_customer_id (RpSearchRow       *self);
const char *rp_search_row_get_name        (RpSearchRow       *self);

G_END_DECLS
