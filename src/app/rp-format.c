/* rp-format.c: locale-aware text for dates, money and the data's vocabulary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-format"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "rp-doc.h"
#include "rp-format.h"

typedef struct
{
  const char *key;
  const char *label;
} Label;

static const char *
lookup (const Label *table,
        gsize        n,
        const char  *key)
{
  if (key == NULL || *key == '\0')
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (g_strcmp0 (table[i].key, key) == 0)
      return _(table[i].label);
  return key;
}

#define LOOKUP(table, key) lookup (table, G_N_ELEMENTS (table), key)

GDateTime *
rp_date_time_from_usec (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (utc == NULL)
    return NULL;
  return g_date_time_to_local (utc);
}

GDateTime *
rp_date_time_parse (const char *text)
{
  gint64 usec;

  if (text == NULL || *text == '\0')
    return NULL;

  if (rp_parse_timestamp (text, &usec))
    return rp_date_time_from_usec (usec);

  /* A plain date such as member_since */
  if (strlen (text) == 10)
    {
      int y, m, d;

      if (sscanf (text, "%d-%d-%d", &y, &m, &d) == 3)
        return g_date_time_new_local (y, m, d, 0, 0, 0);
    }

  return NULL;
}

char *
rp_format_date (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, NULL);

  /* Translators: a calendar date, see strftime(3); Japanese uses %Y年%-m月%-d日 */
  return g_date_time_format (dt, _("%B %-d, %Y"));
}

char *
rp_format_date_string (const char *text)
{
  g_autoptr(GDateTime) dt = rp_date_time_parse (text);

  return dt ? rp_format_date (dt) : NULL;
}

char *
rp_format_date_time (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, NULL);

  /* Translators: a date and time, see strftime(3) */
  return g_date_time_format (dt, _("%B %-d, %Y at %H:%M"));
}

static int
days_between (GDateTime *earlier,
              GDateTime *later)
{
  g_autoptr(GDate) a = g_date_new_dmy (g_date_time_get_day_of_month (earlier),
                                       g_date_time_get_month (earlier),
                                       g_date_time_get_year (earlier));
  g_autoptr(GDate) b = g_date_new_dmy (g_date_time_get_day_of_month (later),
                                       g_date_time_get_month (later),
                                       g_date_time_get_year (later));

  return g_date_days_between (a, b);
}

char *
rp_format_day (GDateTime *day,
               GDateTime *now)
{
  int days = days_between (day, now);

  if (days == 0)
    return g_strdup (_("Today"));
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (g_date_time_get_year (day) == g_date_time_get_year (now))
    /* Translators: a day header in the current year, see strftime(3) */
    return g_date_time_format (day, _("%A, %B %-d"));
  /* Translators: a day header in another year, see strftime(3) */
  return g_date_time_format (day, _("%A, %B %-d, %Y"));
}

char *
rp_format_relative (GDateTime *dt,
                    GDateTime *now)
{
  GTimeSpan span = g_date_time_difference (now, dt);
  int days;

  if (span < 0)
    return rp_format_date_time (dt);

  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_("just now"));

  if (span < G_TIME_SPAN_HOUR)
    {
      int n = span / G_TIME_SPAN_MINUTE;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago",
                                           "%d minutes ago", n), n);
    }

  days = days_between (dt, now);

  if (days == 0)
    {
      int n = span / G_TIME_SPAN_HOUR;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago",
                                           "%d hours ago", n), n);
    }

  if (days == 1)
    return g_strdup (_("yesterday"));

  if (days < 30)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago",
                                         "%d days ago", days), days);

  if (days < 365)
    {
      int n = days / 30;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d month ago",
                                           "%d months ago", n), n);
    }

  return rp_format_date (dt);
}

char *
rp_format_tenure (const char *member_since,
                  GDateTime  *now)
{
  g_autoptr(GDateTime) since = rp_date_time_parse (member_since);
  int months;

  if (since == NULL)
    return NULL;

  months = (g_date_time_get_year (now) - g_date_time_get_year (since)) * 12
           + g_date_time_get_month (now) - g_date_time_get_month (since);
  if (g_date_time_get_day_of_month (now) < g_date_time_get_day_of_month (since))
    months--;
  if (months < 0)
    months = 0;

  if (months < 12)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d month",
                                         "%d months", months), months);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years",
                                       months / 12), months / 12);
}

char *
rp_format_duration (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second",
                                         "%d seconds", (int) seconds), (int) seconds);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes",
                                       (int) (seconds / 60)), (int) (seconds / 60));
}

static const Label tiers[] = {
  { "standard", N_("Standard") },
  { "silver", N_("Silver") },
  { "gold", N_("Gold") },
  { "platinum", N_("Platinum") },
};

const char *
rp_format_tier (const char *tier)
{
  return LOOKUP (tiers, tier);
}

static const Label channels[] = {
  { "phone", N_("Phone") },
  { "email", N_("E-mail") },
  { "chat", N_("Chat") },
  { "sms", N_("SMS") },
  { "store", N_("Store") },
  { "web", N_("Web") },
  { "app", N_("App") },
  { "social", N_("Social") },
  { "agent", N_("Agent") },
};

const char *
rp_format_channel (const char *channel)
{
  return LOOKUP (channels, channel);
}

const char *
rp_format_source (const char *source)
{
  return LOOKUP (channels, source);
}

const char *
rp_format_channel_icon (const char *channel)
{
  static const Label icons[] = {
    { "phone", "call-start-symbolic" },
    { "email", "mail-unread-symbolic" },
    { "chat", "chat-message-new-symbolic" },
    { "sms", "phone-symbolic" },
    { "store", "user-home-symbolic" },
    { "web", "web-browser-symbolic" },
    { "app", "phone-apple-iphone-symbolic" },
    { "social", "emblem-shared-symbolic" },
  };

  for (guint i = 0; channel && i < G_N_ELEMENTS (icons); i++)
    if (strcmp (icons[i].key, channel) == 0)
      return icons[i].label;
  return NULL;
}

static const Label purposes[] = {
  { "marketing_email", N_("Marketing e-mail") },
  { "marketing_sms", N_("Marketing SMS") },
  { "marketing_phone", N_("Marketing calls") },
  { "profiling", N_("Profiling") },
  { "third_party_sharing", N_("Third-party sharing") },
  { "call_recording", N_("Call recording") },
};

const char *
rp_format_purpose (const char *purpose)
{
  return LOOKUP (purposes, purpose);
}

static const Label consent_states[] = {
  { "granted", N_("Granted") },
  { "withdrawn", N_("Withdrawn") },
  { "unknown", N_("Unknown") },
};

const char *
rp_format_consent_state (const char *state)
{
  return LOOKUP (consent_states, state ? state : "unknown");
}

static const Label ticket_statuses[] = {
  { "new", N_("New") },
  { "open", N_("Open") },
  { "pending", N_("Pending") },
  { "solved", N_("Solved") },
  { "closed", N_("Closed") },
};

const char *
rp_format_ticket_status (const char *status)
{
  return LOOKUP (ticket_statuses, status);
}

static const Label priorities[] = {
  { "low", N_("Low") },
  { "normal", N_("Normal") },
  { "high", N_("High") },
  { "urgent", N_("Urgent") },
};

const char *
rp_format_priority (const char *priority)
{
  return LOOKUP (priorities, priority);
}

static const Label order_statuses[] = {
  { "placed", N_("Placed") },
  { "paid", N_("Paid") },
  { "shipped", N_("Shipped") },
  { "delivered", N_("Delivered") },
  { "cancelled", N_("Cancelled") },
  { "returned", N_("Returned") },
  { "refunded", N_("Refunded") },
};

const char *
rp_format_order_status (const char *status)
{
  return LOOKUP (order_statuses, status);
}

static const Label sentiments[] = {
  { "negative", N_("Negative") },
  { "neutral", N_("Neutral") },
  { "positive", N_("Positive") },
};

const char *
rp_format_sentiment (const char *sentiment)
{
  return LOOKUP (sentiments, sentiment);
}

static const Label directions[] = {
  { "inbound", N_("Inbound") },
  { "outbound", N_("Outbound") },
};

const char *
rp_format_direction (const char *direction)
{
  return LOOKUP (directions, direction);
}

static const Label languages[] = {
  { "ja", N_("Japanese") },
  { "en", N_("English") },
  { "ko", N_("Korean") },
  { "zh", N_("Chinese") },
  { "fr", N_("French") },
  { "de", N_("German") },
  { "es", N_("Spanish") },
  { "pt", N_("Portuguese") },
  { "vi", N_("Vietnamese") },
};

const char *
rp_format_language (const char *bcp47)
{
  char primary[8] = { 0 };

  if (bcp47 == NULL || *bcp47 == '\0')
    return NULL;
  for (guint i = 0; i < sizeof primary - 1 && bcp47[i] && bcp47[i] != '-' && bcp47[i] != '_'; i++)
    primary[i] = g_ascii_tolower (bcp47[i]);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (strcmp (languages[i].key, primary) == 0)
      return _(languages[i].label);
  return bcp47;
}

static const Label doc_types[] = {
  { "order", N_("Order") },
  { "ticket", N_("Ticket") },
  { "ticket_event", N_("Ticket update") },
  { "interaction", N_("Interaction") },
  { "consent", N_("Consent") },
  { "note", N_("Note") },
  { "survey", N_("Survey") },
  { "merge", N_("Merge") },
  { "customer", N_("Customer") },
};

const char *
rp_format_doc_type (const char *type)
{
  return LOOKUP (doc_types, type);
}

const char *
rp_format_doc_type_icon (const char *type)
{
  static const Label icons[] = {
    { "order", "package-x-generic-symbolic" },
    { "ticket", "task-due-symbolic" },
    { "ticket_event", "document-edit-symbolic" },
    { "interaction", "chat-message-new-symbolic" },
    { "consent", "preferences-system-privacy-symbolic" },
    { "note", "text-editor-symbolic" },
    { "survey", "starred-symbolic" },
    { "merge", "emblem-synchronizing-symbolic" },
    { "customer", "avatar-default-symbolic" },
  };

  for (guint i = 0; type && i < G_N_ELEMENTS (icons); i++)
    if (strcmp (icons[i].key, type) == 0)
      return icons[i].label;
  return "text-x-generic-symbolic";
}
