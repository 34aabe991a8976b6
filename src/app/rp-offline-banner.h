/* rp-offline-banner.h: "Offline — 3 changes waiting", and refused changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "rp-cache.h"
#include "rp-sync-manager.h"

G_BEGIN_DECLS

#define RP_TYPE_OFFLINE_BANNER (rp_offline_banner_get_type ())

G_DECLARE_FINAL_TYPE (RpOfflineBanner, rp_offline_banner, RP, OFFLINE_BANNER, GtkWidget)

GtkWidget  *rp_offline_banner_new              (void);
void        rp_offline_banner_set_cache        (RpOfflineBanner *self,
                                                RpCache         *cache);
/* Follows the manager's state; its pushes are reported in a toast */
void        rp_offline_banner_set_sync_manager (RpOfflineBanner *self,
                                                RpSyncManager   *manager);
void        rp_offline_banner_set_offline      (RpOfflineBanner *self,
                                                gboolean         offline);
/* Counts the outbox again (after an action was saved) */
void        rp_offline_banner_update           (RpOfflineBanner *self);
const char *rp_offline_banner_get_text         (RpOfflineBanner *self);
/* The list of refused changes, with Retry and Discard */
GtkWindow  *rp_offline_banner_show_rejected    (RpOfflineBanner *self);

G_END_DECLS
