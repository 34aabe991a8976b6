/* rp-actions.h: the documents an agent's actions create
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Agents only create documents (DESIGN §3): each action is one or two new
 * documents with a fresh `<type>:<uuid>` id, handed to rp_cache_create().
 * Optional arguments are NULL (or 0) to leave the member out.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @type, a fresh id, `schema` and `at` (now, in milliseconds so two
 * actions of the same second keep their order) */
JsonObject *rp_action_new            (const char  *type);
/* Wraps @doc, taking the caller's reference */
JsonNode   *rp_action_node           (JsonObject  *doc);

JsonObject *rp_action_note           (const char  *customer_id,
                                      const char  *author,
                                      const char  *body,
                                      gboolean     pinned);
JsonObject *rp_action_interaction    (const char  *customer_id,
                                      const char  *ticket_id,
                                      const char  *channel,
                                      const char  *direction,
                                      const char  *agent,
                                      const char  *summary,
                                      const char  *body,
                                      const char  *sentiment,
                                      gint64       duration_s);
/* @first_response_min and @resolution_min set the due times from now */
JsonObject *rp_action_ticket         (const char  *customer_id,
                                      const char  *subject,
                                      const char  *channel,
                                      const char  *queue,
                                      const char  *priority,
                                      const char  *assignee,
                                      gint64       first_response_min,
                                      gint64       resolution_min);
/* Only the changes given are set; @assignee "" unassigns */
JsonObject *rp_action_ticket_event   (const char  *ticket_id,
                                      const char  *customer_id,
                                      const char  *author,
                                      const char  *status,
                                      const char  *priority,
                                      const char  *queue,
                                      const char  *assignee,
                                      const char  *comment,
                                      const char  *handoff);
JsonObject *rp_action_consent        (const char  *customer_id,
                                      const char  *purpose,
                                      const char  *state,
                                      const char  *source,
                                      const char  *recorded_by,
                                      const char  *evidence);

G_END_DECLS
