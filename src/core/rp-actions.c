/* rp-actions.c: the documents an agent's actions create
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-actions"

#include "config.h"

#include "rp-actions.h"
#include "rp-doc.h"

static void
set_optional (JsonObject *doc,
              const char *member,
              const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (doc, member, value);
}

static char *
timestamp_in (gint64 now_ms,
              gint64 minutes)
{
  return rp_format_timestamp ((now_ms + minutes * 60 * 1000) * 1000);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

JsonObject *
rp_action_new (const char *type)
{
  JsonObject *doc;
  g_autofree char *uuid = NULL;
  g_autofree char *id = NULL;
  g_autofree char *at = NULL;

  g_return_val_if_fail (type != NULL, NULL);

  doc = json_object_new ();
  uuid = rp_uuid_new ();
  id = g_strconcat (type, ":", uuid, NULL);
  at = rp_format_timestamp (now_ms () * 1000);

  json_object_set_string_member (doc, "_id", id);
  json_object_set_string_member (doc, "type", type);
  json_object_set_int_member (doc, "schema", RP_SCHEMA_VERSION);
  json_object_set_string_member (doc, "at", at);

  return doc;
}

JsonNode *
rp_action_node (JsonObject *doc)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), doc);

  json_object_unref (doc);
  return node;
}

JsonObject *
rp_action_note (const char *customer_id,
                const char *author,
                const char *body,
                gboolean    pinned)
{
  JsonObject *doc = rp_action_new ("note");

  json_object_set_string_member (doc, "customer_id", customer_id);
  json_object_set_string_member (doc, "author", author);
  json_object_set_string_member (doc, "body", body);
  json_object_set_boolean_member (doc, "pinned", pinned);

  return doc;
}

JsonObject *
rp_action_interaction (const char *customer_id,
                       const char *ticket_id,
                       const char *channel,
                       const char *direction,
                       const char *agent,
                       const char *summary,
                       const char *body,
                       const char *sentiment,
                       gint64      duration_s)
{
  JsonObject *doc = rp_action_new ("interaction");

  json_object_set_string_member (doc, "customer_id", customer_id);
  set_optional (doc, "ticket_id", ticket_id);
  json_object_set_string_member (doc, "channel", channel);
  json_object_set_string_member (doc, "direction", direction);
  json_object_set_string_member (doc, "agent", agent);
  json_object_set_string_member (doc, "summary", summary);
  set_optional (doc, "body", body);
  set_optional (doc, "sentiment", sentiment);
  if (duration_s > 0)
    json_object_set_int_member (doc, "duration_s", duration_s);

  return doc;
}

JsonObject *
rp_action_ticket (const char *customer_id,
                  const char *subject,
                  const char *channel,
                  const char *queue,
                  const char *priority,
                  const char *assignee,
                  gint64      first_response_min,
                  gint64      resolution_min)
{
  JsonObject *doc = rp_action_new ("ticket");
  const char *id = json_object_get_string_member (doc, "_id");
  gint64 now = now_ms ();
  g_autofree char *number = NULL;
  guint32 hash = 0;

  /* A number people can read out on the phone; the back office may
   * renumber, the id is what links */
  for (const char *p = id; *p; p++)
    hash = hash * 31 + (guchar) *p;
  number = g_strdup_printf ("T-%06u", 100000 + hash % 900000);

  json_object_set_string_member (doc, "customer_id", customer_id);
  json_object_set_string_member (doc, "number", number);
  json_object_set_string_member (doc, "subject", subject);
  json_object_set_string_member (doc, "channel", channel);
  json_object_set_string_member (doc, "queue", queue);
  json_object_set_string_member (doc, "priority", priority ? priority : "normal");
  json_object_set_string_member (doc, "status", assignee && *assignee ? "open" : "new");
  if (assignee != NULL && *assignee != '\0')
    json_object_set_string_member (doc, "assignee", assignee);
  else
    json_object_set_null_member (doc, "assignee");
  if (first_response_min > 0)
    {
      g_autofree char *due = timestamp_in (now, first_response_min);
      json_object_set_string_member (doc, "first_response_due", due);
    }
  if (resolution_min > 0)
    {
      g_autofree char *due = timestamp_in (now, resolution_min);
      json_object_set_string_member (doc, "resolution_due", due);
    }

  return doc;
}

JsonObject *
rp_action_ticket_event (const char *ticket_id,
                        const char *customer_id,
                        const char *author,
                        const char *status,
                        const char *priority,
                        const char *queue,
                        const char *assignee,
                        const char *comment,
                        const char *handoff)
{
  JsonObject *doc = rp_action_new ("ticket_event");
  JsonObject *changes = json_object_new ();

  json_object_set_string_member (doc, "ticket_id", ticket_id);
  json_object_set_string_member (doc, "customer_id", customer_id);
  json_object_set_string_member (doc, "author", author);
  set_optional (changes, "status", status);
  set_optional (changes, "priority", priority);
  set_optional (changes, "queue", queue);
  if (assignee != NULL && *assignee == '\0')
    json_object_set_null_member (changes, "assignee");
  else
    set_optional (changes, "assignee", assignee);
  json_object_set_object_member (doc, "changes", changes);
  set_optional (doc, "comment", comment);
  set_optional (doc, "handoff", handoff);

  return doc;
}

JsonObject *
rp_action_consent (const char *customer_id,
                   const char *purpose,
                   const char *state,
                   const char *source,
                   const char *recorded_by,
                   const char *evidence)
{
  JsonObject *doc = rp_action_new ("consent");

  json_object_set_string_member (doc, "customer_id", customer_id);
  json_object_set_string_member (doc, "purpose", purpose);
  json_object_set_string_member (doc, "state", state);
  json_object_set_string_member (doc, "source", source);
  json_object_set_string_member (doc, "recorded_by", recorded_by);
  set_optional (doc, "evidence", evidence);

  return doc;
}
