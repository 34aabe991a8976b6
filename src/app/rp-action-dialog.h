/* rp-action-dialog.h: one of the agent's actions, as a small form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "rp-cache.h"

G_BEGIN_DECLS

typedef enum
{
  RP_ACTION_NOTE,
  RP_ACTION_INTERACTION,
  RP_ACTION_TICKET,
  RP_ACTION_UPDATE_TICKET,
  RP_ACTION_HANDOFF,
  RP_ACTION_CONSENT,
  RP_ACTION_OFFER_EMAIL,
  RP_ACTION_OFFER_SMS,
  RP_ACTION_OFFER_PHONE,
} RpActionKind;

#define RP_TYPE_ACTION_DIALOG (rp_action_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RpActionDialog, rp_action_dialog, RP, ACTION_DIALOG, AdwWindow)

/* @show is the customer's context-card JSON (open tickets, consent);
 * @agent the login that signs what is saved */
RpActionDialog *rp_action_dialog_new             (RpActionKind    kind,
                                                  RpCache        *cache,
                                                  const char     *customer_id,
                                                  JsonObject     *show,
                                                  const char     *agent);
RpActionKind    rp_action_dialog_get_kind        (RpActionDialog *self);
/* The main text (note, body, comment or handoff note) */
GtkTextBuffer  *rp_action_dialog_get_body_buffer (RpActionDialog *self);
/* A field by its document member name ("summary", "subject", …) */
GtkWidget      *rp_action_dialog_get_field       (RpActionDialog *self,
                                                  const char     *name);
/* The error shown after a failed save, or NULL */
const char     *rp_action_dialog_get_error       (RpActionDialog *self);
/* What the Save button does; "saved" (with the new document ids) or an
 * error in the dialog follows */
void            rp_action_dialog_save            (RpActionDialog *self);

G_END_DECLS
