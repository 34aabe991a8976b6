/* rp-preferences-window.h: the server, the agent and the local cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "rp-cache.h"
#include "rp-sync-manager.h"

G_BEGIN_DECLS

#define RP_TYPE_PREFERENCES_WINDOW (rp_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (RpPreferencesWindow, rp_preferences_window, RP, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

RpPreferencesWindow *rp_preferences_window_new           (RpCache             *cache,
                                                          RpSyncManager       *manager);
/* For tests */
void                 rp_preferences_window_set_fields    (RpPreferencesWindow *self,
                                                          const char          *server_url,
                                                          const char          *databases,
                                                          const char          *user,
                                                          const char          *password);
/* What the last connection test said, "" while it runs, NULL before */
const char          *rp_preferences_window_get_test_result (RpPreferencesWindow *self);

G_END_DECLS
