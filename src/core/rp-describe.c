/* rp-describe.c: one-line, translated descriptions of documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-describe"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rp-describe.h"
#include "rp-doc.h"

static int
minor_digits (const char *currency)
{
  static const char *zero[] = { "JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX", "XAF", "XOF" };

  for (guint i = 0; i < G_N_ELEMENTS (zero); i++)
    if (g_strcmp0 (currency, zero[i]) == 0)
      return 0;
  return 2;
}

static const char *
currency_symbol (const char *currency)
{
  if (g_strcmp0 (currency, "JPY") == 0) return "¥";
  if (g_strcmp0 (currency, "USD") == 0) return "$";
  if (g_strcmp0 (currency, "GBP") == 0) return "£";
  if (g_strcmp0 (currency, "EUR") == 0) return "€";
  return NULL;
}

char *
rp_format_money (gint64      amount,
                 const char *currency)
{
  GString *out = g_string_new (NULL);
  int digits = minor_digits (currency);
  gint64 whole, frac = 0, scale = 1;
  g_autofree char *whole_str = NULL;
  const char *symbol = currency_symbol (currency);
  gsize len;

  for (int i = 0; i < digits; i++)
    scale *= 10;

  if (amount < 0)
    {
      g_string_append_c (out, '-');
      amount = -amount;
    }
  whole = amount / scale;
  frac = amount % scale;

  if (symbol)
    g_string_append (out, symbol);

  whole_str = g_strdup_printf ("%" G_GINT64_FORMAT, whole);
  len = strlen (whole_str);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, whole_str[i]);
    }
  if (digits > 0)
    g_string_append_printf (out, ".%0*" G_GINT64_FORMAT, digits, frac);
  if (symbol == NULL && currency != NULL)
    g_string_append_printf (out, " %s", currency);

  return g_string_free (out, FALSE);
}

const char *
rp_describe_value (const char *value)
{
  static const struct { const char *value; const char *label; } labels[] = {
    { "web", N_("Web") },
    { "app", N_("App") },
    { "store", N_("Store") },
    { "phone", N_("Phone") },
    { "email", N_("E-mail") },
    { "chat", N_("Chat") },
    { "sms", N_("SMS") },
    { "social", N_("Social") },
    { "agent", N_("Agent") },
    { "inbound", N_("Inbound") },
    { "outbound", N_("Outbound") },
    { "placed", N_("Placed") },
    { "paid", N_("Paid") },
    { "shipped", N_("Shipped") },
    { "delivered", N_("Delivered") },
    { "cancelled", N_("Cancelled") },
    { "returned", N_("Returned") },
    { "refunded", N_("Refunded") },
    { "new", N_("New") },
    { "open", N_("Open") },
    { "pending", N_("Pending") },
    { "solved", N_("Solved") },
    { "closed", N_("Closed") },
    { "low", N_("Low") },
    { "normal", N_("Normal") },
    { "high", N_("High") },
    { "urgent", N_("Urgent") },
    { "granted", N_("Granted") },
    { "withdrawn", N_("Withdrawn") },
    { "unknown", N_("Unknown") },
    { "marketing_email", N_("Marketing e-mail") },
    { "marketing_sms", N_("Marketing SMS") },
    { "marketing_phone", N_("Marketing calls") },
    { "profiling", N_("Profiling") },
    { "third_party_sharing", N_("Third-party sharing") },
    { "call_recording", N_("Call recording") },
    { "standard", N_("Standard") },
    { "silver", N_("Silver") },
    { "gold", N_("Gold") },
    { "platinum", N_("Platinum") },
    { "negative", N_("Negative") },
    { "neutral", N_("Neutral") },
    { "positive", N_("Positive") },
    { "breached", N_("Breached") },
    { "at_risk", N_("At risk") },
    { "on_time", N_("On time") },
    { "csat", N_("CSAT") },
    { "nps", N_("NPS") },
  };

  if (value == NULL)
    return "";
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (strcmp (value, labels[i].value) == 0)
      return _(labels[i].label);
  return value;
}

static char *
describe_changes (JsonObject *event)
{
  JsonNode *node = json_object_get_member (event, "changes");
  GString *out = g_string_new (NULL);

  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *changes = json_node_get_object (node);
      const char *value;

      if ((value = rp_json_string (changes, "status")))
        g_string_append_printf (out, _("status → %s"), rp_describe_value (value));
      if ((value = rp_json_string (changes, "priority")))
        {
          if (out->len)
            g_string_append (out, _(", "));
          g_string_append_printf (out, _("priority → %s"), rp_describe_value (value));
        }
      if ((value = rp_json_string (changes, "queue")))
        {
          if (out->len)
            g_string_append (out, _(", "));
          g_string_append_printf (out, _("queue → %s"), value);
        }
      if (json_object_has_member (changes, "assignee"))
        {
          value = rp_json_string (changes, "assignee");
          if (out->len)
            g_string_append (out, _(", "));
          if (value)
            g_string_append_printf (out, _("assigned to %s"), value);
          else
            g_string_append (out, _("unassigned"));
        }
    }

  return g_string_free (out, FALSE);
}

char *
rp_describe_document (RpDocType   type,
                      JsonObject *doc)
{
  const char *s;

  switch (type)
    {
    case RP_DOC_ORDER:
      {
        g_autofree char *money = rp_format_money (rp_json_int (doc, "total", 0),
                                                  rp_json_string (doc, "currency"));
        JsonNode *node = json_object_get_member (doc, "items");
        guint n = node && JSON_NODE_HOLDS_ARRAY (node) ? json_array_get_length (json_node_get_array (node)) : 0;

        /* Translators: order number, number of items, total */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Order %s: %u item, %s",
                                             "Order %s: %u items, %s", n),
                                rp_json_string (doc, "number"), n, money);
      }

    case RP_DOC_TICKET:
      /* Translators: ticket number, subject, status */
      return g_strdup_printf (_("Ticket %s: %s (%s)"), rp_json_string (doc, "number"),
                              (s = rp_json_string (doc, "subject")) ? s : "",
                              rp_describe_value (rp_json_string (doc, "status")));

    case RP_DOC_TICKET_EVENT:
      {
        g_autofree char *changes = describe_changes (doc);
        const char *handoff = rp_json_string (doc, "handoff");
        const char *comment = rp_json_string (doc, "comment");

        if (handoff && *handoff)
          return *changes ? g_strdup_printf (_("Handoff (%s): %s"), changes, handoff)
                          : g_strdup_printf (_("Handoff: %s"), handoff);
        if (*changes && comment && *comment)
          return g_strdup_printf (_("Ticket updated (%s): %s"), changes, comment);
        if (*changes)
          return g_strdup_printf (_("Ticket updated: %s"), changes);
        return g_strdup_printf (_("Comment: %s"), comment ? comment : "");
      }

    case RP_DOC_INTERACTION:
      {
        const char *channel = rp_describe_value (rp_json_string (doc, "channel"));
        const char *summary = rp_json_string (doc, "summary");

        if (g_strcmp0 (rp_json_string (doc, "direction"), "outbound") == 0)
          /* Translators: channel, summary */
          return g_strdup_printf (_("%s, outbound: %s"), channel, summary ? summary : "");
        return g_strdup_printf (_("%s, inbound: %s"), channel, summary ? summary : "");
      }

    case RP_DOC_CONSENT:
      /* Translators: purpose, granted/withdrawn, source */
      return g_strdup_printf (_("Consent for %s %s (via %s)"),
                              rp_describe_value (rp_json_string (doc, "purpose")),
                              g_strcmp0 (rp_json_string (doc, "state"), "granted") == 0 ? _("granted") : _("withdrawn"),
                              rp_describe_value (rp_json_string (doc, "source")));

    case RP_DOC_NOTE:
      return g_strdup_printf (rp_json_bool (doc, "pinned") ? _("Pinned note: %s") : _("Note: %s"),
                              (s = rp_json_string (doc, "body")) ? s : "");

    case RP_DOC_SURVEY:
      {
        gint64 score = rp_json_int (doc, "score", 0);
        const char *comment = rp_json_string (doc, "comment");

        if (g_strcmp0 (rp_json_string (doc, "kind"), "nps") == 0)
          return g_strdup_printf (_("NPS %d/10%s%s"), (int) score, comment ? _(": ") : "", comment ? comment : "");
        return g_strdup_printf (_("CSAT %d/5%s%s"), (int) score, comment ? _(": ") : "", comment ? comment : "");
      }

    case RP_DOC_MERGE:
      {
        JsonNode *node = json_object_get_member (doc, "merged");
        guint n = node && JSON_NODE_HOLDS_ARRAY (node) ? json_array_get_length (json_node_get_array (node)) : 0;

        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Merged %u duplicate profile",
                                             "Merged %u duplicate profiles", n), n);
      }

    case RP_DOC_UNKNOWN:
    case RP_DOC_CUSTOMER:
    case RP_DOC_AGENT:
    case RP_DOC_QUEUE:
    case RP_DOC_ERASURE:
    case RP_N_DOC_TYPES:
    default:
      return g_strdup (rp_doc_type_to_string (type));
    }
}
