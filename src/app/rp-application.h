/* rp-application.h: the Rapport application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "rp-cache.h"
#include "rp-sync-manager.h"

G_BEGIN_DECLS

#define RP_TYPE_APPLICATION (rp_application_get_type ())

G_DECLARE_FINAL_TYPE (RpApplication, rp_application, RP, APPLICATION, AdwApplication)

RpApplication *rp_application_new       (void);
/* The cache the windows show; opened on first use */
RpCache       *rp_application_get_cache (RpApplication  *self,
                                         GError        **error);
/* The sync of that cache, configured from GSettings (or the command line);
 * NULL until the cache is open */
RpSyncManager *rp_application_get_sync_manager (RpApplication *self);

G_END_DECLS
