/* rp-sync-status.h: the sync state in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "rp-sync-manager.h"

G_BEGIN_DECLS

#define RP_TYPE_SYNC_STATUS (rp_sync_status_get_type ())

G_DECLARE_FINAL_TYPE (RpSyncStatus, rp_sync_status, RP, SYNC_STATUS, GtkWidget)

GtkWidget     *rp_sync_status_new          (void);
RpSyncManager *rp_sync_status_get_manager  (RpSyncStatus  *self);
void           rp_sync_status_set_manager  (RpSyncStatus  *self,
                                            RpSyncManager *manager);
/* What the header says, e.g. "Synced 2 minutes ago", "Offline" */
const char    *rp_sync_status_get_text     (RpSyncStatus  *self);
/* "first sync" progress: "1,200 of 40,000 documents · …", or "" */
const char    *rp_sync_status_get_progress (RpSyncStatus  *self);
GtkButton     *rp_sync_status_get_retry_button (RpSyncStatus *self);
GtkMenuButton *rp_sync_status_get_menu_button  (RpSyncStatus *self);

G_END_DECLS
