/* rp-cli-queues.c: `rapportctl queues`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rapportctl"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-cli.h"
#include "rp-cli-queues.h"
#include "rp-doc.h"
#include "rp-queues.h"

/* Pads to @columns terminal cells; CJK characters take two */
static void
append_padded (GString    *out,
               const char *text,
               guint       columns,
               gboolean    right)
{
  guint width = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  if (!right)
    g_string_append (out, text);
  for (; width < columns; width++)
    g_string_append_c (out, ' ');
  if (right)
    g_string_append (out, text);
}

static char *
format_wait (gint64 seconds)
{
  if (seconds <= 0)
    return g_strdup ("—");
  if (seconds < 3600)
    /* TRANSLATORS: a waiting time in minutes, keep it short */
    return g_strdup_printf (_("%d min"), (int) (seconds / 60));
  if (seconds < 2 * 86400)
    /* TRANSLATORS: a waiting time in hours and minutes, keep it short */
    return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
  /* TRANSLATORS: a waiting time in days, keep it short */
  return g_strdup_printf (_("%d days"), (int) (seconds / 86400));
}

static void
print_text (JsonObject *queues)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GDateTime) as_of = NULL;
  g_autofree char *when = NULL;
  JsonArray *array;
  gint64 usec = 0;
  const char *headers[] = {
    /* TRANSLATORS: column headings of `rapportctl queues`; keep them short */
    N_("Queue"), N_("Open"), N_("Waiting"), N_("Oldest wait"), N_("At risk"), N_("Breached"),
    N_("Overdue 1st reply"),
  };
  const guint widths[] = { 22, 6, 8, 12, 8, 9, 18 };

  rp_parse_timestamp (rp_json_string (queues, "as_of"), &usec);
  as_of = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  when = g_date_time_format (as_of, "%x %H:%M");
  g_string_append_printf (out, _("Queues as of %s (at risk: resolution due within %d minutes)\n\n"),
                          when, (int) rp_json_int (queues, "lead_minutes", 30));

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      append_padded (out, _(headers[i]), widths[i], i > 0);
    }
  g_string_append_c (out, '\n');

  array = json_object_get_array_member (queues, "queues");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *q = json_array_get_object_element (array, i);
      g_autofree char *wait = format_wait (rp_json_int (q, "oldest_wait_s", 0));
      const char *counts[] = { "open", "waiting", NULL, "at_risk", "breached", "first_response_overdue" };

      append_padded (out, rp_json_string (q, "display_name"), widths[0], FALSE);
      for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
        {
          g_autofree char *text = NULL;

          text = counts[c] ? g_strdup_printf ("%lld", (long long) rp_json_int (q, counts[c], 0))
                           : g_strdup (wait);
          g_string_append_c (out, ' ');
          append_padded (out, text, widths[c + 1], TRUE);
        }
      g_string_append_c (out, '\n');
    }
  if (json_array_get_length (array) == 0)
    g_string_append (out, _("No open tickets.\n"));

  g_string_append_c (out, '\n');
  append_padded (out, _("Agent"), 30, FALSE);
  append_padded (out, _("Load"), 6, TRUE);
  append_padded (out, _("Handled today"), 16, TRUE);
  g_string_append_c (out, '\n');
  array = json_object_get_array_member (queues, "agents");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *a = json_array_get_object_element (array, i);
      g_autofree char *who = g_strdup_printf ("%s (%s)", rp_json_string (a, "display_name"),
                                              rp_json_string (a, "agent"));
      g_autofree char *load = g_strdup_printf ("%lld", (long long) rp_json_int (a, "load", 0));
      g_autofree char *handled = g_strdup_printf ("%lld", (long long) rp_json_int (a, "handled_today", 0));

      append_padded (out, who, 30, FALSE);
      append_padded (out, load, 6, TRUE);
      append_padded (out, handled, 16, TRUE);
      g_string_append_c (out, '\n');
    }

  g_print ("%s", out->str);
}

int
rp_cli_queues (RpCache  *cache,
               int       argc,
               char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) queues = NULL;
  g_autofree char *now_text = NULL;
  gboolean json = FALSE;
  int lead_minutes = 30;
  gint64 now_usec = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "lead-minutes", 0, 0, G_OPTION_ARG_INT, &lead_minutes,
      N_("Count a ticket as at risk this many minutes before it is due (default 30)"), N_("N") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      N_("Compute the figures as of this RFC 3339 time instead of now"), N_("TIME") },
    { NULL }
  };

  context = g_option_context_new ("queues");
  g_option_context_set_summary (context, _("Show open, waiting, at-risk and breached tickets per queue, and the load of each agent."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rp_cli_usage ("%s", error->message);
  if (argc > 1)
    return rp_cli_usage (_("queues takes no arguments"));
  if (lead_minutes < 0 || lead_minutes > 7 * 24 * 60)
    return rp_cli_usage (_("--lead-minutes must be between 0 and 10080"));
  if (now_text != NULL && !rp_parse_timestamp (now_text, &now_usec))
    return rp_cli_usage (_("--now must be an RFC 3339 time such as 2026-11-23T14:32:00Z"));

  /* --lead-minutes 0: only breached tickets count; one microsecond keeps
   * the core from taking 0 for the default */
  queues = rp_cache_queues (cache, now_usec,
                            lead_minutes > 0 ? lead_minutes * G_TIME_SPAN_MINUTE : 1,
                            &error);
  if (queues == NULL)
    return rp_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), queues);
      rp_cli_print_json (node);
    }
  else
    print_text (queues);

  return RP_EXIT_OK;
}
