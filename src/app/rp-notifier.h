/* rp-notifier.h: desktop notifications for the agent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "rp-cache.h"
#include "rp-sync-manager.h"

G_BEGIN_DECLS

#define RP_TYPE_NOTIFIER (rp_notifier_get_type ())

G_DECLARE_FINAL_TYPE (RpNotifier, rp_notifier, RP, NOTIFIER, GObject)

/* Where notifications go: libnotify by default, a test's function instead.
 * @kind is "assigned", "breach-soon" or "sync-failing"; @customer_id and
 * @ticket_id are NULL for sync. */
typedef void (*RpNotifySink) (const char *kind,
                              const char *title,
                              const char *body,
                              const char *customer_id,
                              const char *ticket_id,
                              gpointer    user_data);

RpNotifier *rp_notifier_new               (RpCache       *cache);
void        rp_notifier_set_sink          (RpNotifier    *self,
                                           RpNotifySink   sink,
                                           gpointer       user_data);
void        rp_notifier_set_sync_manager  (RpNotifier    *self,
                                           RpSyncManager *manager);
/* "Me": an agent login; NULL or "" turns ticket notifications off */
void        rp_notifier_set_agent         (RpNotifier    *self,
                                           const char    *agent);
void        rp_notifier_set_lead          (RpNotifier    *self,
                                           gint64         lead_usec);
void        rp_notifier_set_sync_failure_delay (RpNotifier *self,
                                                gint64      usec);
void        rp_notifier_set_do_not_disturb (RpNotifier   *self,
                                            gboolean      dnd);
/* Fixes the clock, for tests (0: the real time) */
void        rp_notifier_set_now           (RpNotifier    *self,
                                           gint64         now_usec);
/* Looks for news now, off the main thread; "checked" follows */
void        rp_notifier_check             (RpNotifier    *self);

G_END_DECLS
