/* main.c: rapportctl, the headless front end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rapportctl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "rp-cache.h"
#include "rp-cli.h"
#include "rp-demo.h"
#include "rp-describe.h"
#include "rp-doc.h"
#include "rp-import.h"
#ifdef RP_HAVE_SYNC
# include "rp-cli-sync.h"
#endif
#ifdef RP_HAVE_QUEUES
# include "rp-cli-queues.h"
#endif

/* Shared helpers */

int
rp_cli_fail (const GError *error)
{
  g_printerr ("rapportctl: %s\n", error->message);
  return error->domain == RP_ERROR && error->code == RP_ERROR_USAGE ? RP_EXIT_USAGE : RP_EXIT_FAILURE;
}

int
rp_cli_usage (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("rapportctl: %s\n", message);
  g_printerr (_("Try “rapportctl --help” for more information.\n"));
  return RP_EXIT_USAGE;
}

void
rp_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

gboolean
rp_cli_is_terminal (void)
{
  return isatty (STDERR_FILENO) && g_getenv ("CI") == NULL;
}

static void
print_json_object (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  rp_cli_print_json (node);
}

static void
print_json_array (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  rp_cli_print_json (node);
}

static char *
local_time (const char *rfc3339)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (rfc3339 == NULL || !(dt = g_date_time_new_from_iso8601 (rfc3339, NULL)))
    return g_strdup ("");
  local = g_date_time_to_local (dt);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* Parses a subcommand's options; FALSE with the exit status on a usage error */
static gboolean
parse_options (const char    *command,
               const char    *parameters,
               const char    *summary,
               GOptionEntry  *entries,
               int           *argc,
               char        ***argv,
               int           *status)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("%s %s", command, parameters);

  context = g_option_context_new (title);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = rp_cli_usage ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Progress on a terminal only; logs and pipes get the summary */

typedef struct
{
  gint64 started;
  gint64 last_print;
} Progress;

static void
progress_print (Progress *progress,
                guint64   done,
                guint64   total,
                guint64   docs,
                gboolean  final)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - progress->started) / (double) G_USEC_PER_SEC;

  if (!rp_cli_is_terminal ())
    return;
  if (!final && now - progress->last_print < 200 * 1000)
    return;
  progress->last_print = now;

  g_printerr ("\r");
  if (total > 0)
    g_printerr (_("%3d%% · %llu documents · %.0f/s"),
                (int) (100.0 * done / total), (unsigned long long) docs, elapsed > 0 ? docs / elapsed : 0.0);
  else
    g_printerr (_("%llu documents · %.0f/s"), (unsigned long long) docs,
                elapsed > 0 ? docs / elapsed : 0.0);
  g_printerr ("   ");
  if (final)
    g_printerr ("\n");
}

static void
skip_cb (const char *doc_id,
         const char *reason,
         gpointer    user_data)
{
  if (rp_cli_is_terminal ())
    g_printerr ("\n");
  /* Translators: the document id and why it was not loaded */
  g_printerr (_("Skipped %s: %s\n"), doc_id, reason);
}

static RpCache *
open_cache (const char  *path,
            GError     **error)
{
  return rp_cache_open (path, error);
}

/* seed-demo */

typedef struct
{
  RpCache      *cache;
  GPtrArray    *batch;
  RpApplyStats  stats;
  Progress      progress;
  guint64       docs;
} SeedState;

static gboolean
seed_flush (SeedState  *state,
            GError    **error)
{
  if (state->batch->len == 0)
    return TRUE;
  if (!rp_cache_apply (state->cache, (JsonNode *const *) state->batch->pdata, state->batch->len,
                       NULL, NULL, skip_cb, NULL, &state->stats, error))
    return FALSE;
  state->docs += state->batch->len;
  g_ptr_array_set_size (state->batch, 0);
  progress_print (&state->progress, 0, 0, state->docs, FALSE);
  return TRUE;
}

static gboolean
seed_emit (JsonNode  *doc,
           gpointer   user_data,
           GError   **error)
{
  SeedState *state = user_data;

  g_ptr_array_add (state->batch, json_node_ref (doc));
  if (state->batch->len >= RP_IMPORT_BATCH)
    return seed_flush (state, error);
  return TRUE;
}

static int
cmd_seed_demo (const char *cache_path,
               int         argc,
               char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autofree char *export_path = NULL;
  g_autofree char *now_text = NULL;
  RpDemoOptions options;
  int customers = -1, seed = -1, heavy = -1;
  int status = 0;
  SeedState state = { 0 };
  GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers, N_("How many customers (default 200)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed: the same seed gives the same data"), "S" },
    { "heavy", 0, 0, G_OPTION_ARG_INT, &heavy, N_("Customers with 5 000 events or more (default 3)"), "N" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("The present of the data, RFC 3339 (default: this hour)"), "TIME" },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export_path, N_("Write the documents to FILE as JSON instead of loading them"), "FILE" },
    { NULL }
  };

  if (!parse_options ("seed-demo", "", _("Fill the cache with realistic demo data."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return rp_cli_usage (_("seed-demo takes no arguments"));

  rp_demo_options_init (&options);
  if (customers >= 0)
    options.n_customers = customers;
  if (seed >= 0)
    options.seed = seed;
  if (heavy >= 0)
    options.n_heavy = heavy;
  if (now_text && !rp_parse_timestamp (now_text, &options.now_usec))
    return rp_cli_usage (_("--now needs an RFC 3339 time such as 2026-11-23T09:00:00Z"));

  if (export_path)
    {
      if (!rp_demo_export (&options, export_path, &error))
        return rp_cli_fail (error);
      return RP_EXIT_OK;
    }

  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);

  state.cache = cache;
  state.batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  state.progress.started = g_get_monotonic_time ();
  if (!rp_cache_begin_bulk (cache, 0, RP_CACHE_BULK_SOLE, &error) ||
      !rp_demo_generate (&options, seed_emit, &state, &error) || !seed_flush (&state, &error) ||
      !rp_cache_end_bulk (cache, &error))
    {
      g_ptr_array_unref (state.batch);
      return rp_cli_fail (error);
    }
  g_ptr_array_unref (state.batch);
  progress_print (&state.progress, 0, 0, state.docs, TRUE);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Loaded %llu demo document into %s\n",
                        "Loaded %llu demo documents into %s\n", state.docs),
           (unsigned long long) state.docs, rp_cache_get_path (cache));
  return RP_EXIT_OK;
}

/* import */

static void
import_progress_cb (guint64  done,
                    guint64  total,
                    guint64  docs,
                    gpointer user_data)
{
  progress_print (user_data, done, total, docs, FALSE);
}

static int
cmd_import (const char *cache_path,
            int         argc,
            char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  RpApplyStats stats = { 0 };
  Progress progress = { 0 };
  int status = 0;
  gboolean ok;
  GOptionEntry entries[] = { { NULL } };

  if (!parse_options ("import", "FILE",
                      _("Load documents from a JSON array, a {\"docs\": […]} body or NDJSON."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return rp_cli_usage (_("import needs exactly one FILE"));

  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);

  progress.started = g_get_monotonic_time ();
  ok = rp_import_file (cache, argv[1], skip_cb, import_progress_cb, &progress, &stats, &error);
  progress_print (&progress, 1, 1, stats.inserted + stats.updated + stats.deleted + stats.skipped, TRUE);

  if (!ok)
    {
      if (stats.inserted + stats.updated > 0)
        g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u document was loaded before the error.\n",
                                 "%u documents were loaded before the error.\n",
                                 stats.inserted + stats.updated),
                    stats.inserted + stats.updated);
      return rp_cli_fail (error);
    }

  g_print (_("Loaded %u new and %u changed documents, deleted %u, erased %u customers.\n"),
           stats.inserted, stats.updated, stats.deleted, stats.erased);
  if (stats.skipped > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "rapportctl: %u document was skipped\n",
                               "rapportctl: %u documents were skipped\n", stats.skipped),
                  stats.skipped);
      return RP_EXIT_FAILURE;
    }
  return RP_EXIT_OK;
}

/* search */

static const char *
match_kind_name (RpMatchKind kind)
{
  switch (kind)
    {
    case RP_MATCH_NAME: return "name";
    case RP_MATCH_KANA: return "kana";
    case RP_MATCH_EMAIL: return "email";
    case RP_MATCH_PHONE: return "phone";
    case RP_MATCH_ORDER: return "order";
    case RP_MATCH_TICKET: return "ticket";
    default: return "name";
    }
}

static JsonArray *
strv_to_array (GStrv strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv && strv[i]; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

static int
cmd_search (const char *cache_path,
            int         argc,
            char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *query = NULL;
  gboolean json = FALSE;
  int limit = 20;
  int status = 0;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N results (default 20)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options ("search", "QUERY",
                      _("Find customers by name, reading, e-mail, phone, order or ticket number."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return rp_cli_usage (_("search needs a QUERY"));
  if (limit <= 0)
    return rp_cli_usage (_("--limit must be a positive number"));

  query = g_strjoinv (" ", argv + 1);
  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);
  if (!(hits = rp_cache_search (cache, query, limit, &error)))
    return rp_cli_fail (error);

  if (json)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < hits->len; i++)
        {
          RpSearchHit *hit = g_ptr_array_index (hits, i);
          JsonObject *obj = json_object_new ();

          json_object_set_string_member (obj, "id", hit->id);
          json_object_set_string_member (obj, "name", hit->name);
          if (hit->kana)
            json_object_set_string_member (obj, "kana", hit->kana);
          json_object_set_array_member (obj, "emails", strv_to_array (hit->emails));
          json_object_set_array_member (obj, "phones", strv_to_array (hit->phones));
          if (hit->tier)
            json_object_set_string_member (obj, "tier", hit->tier);
          else
            json_object_set_null_member (obj, "tier");
          json_object_set_string_member (obj, "match", match_kind_name (hit->match_kind));
          if (hit->matched)
            json_object_set_string_member (obj, "matched", hit->matched);
          json_array_add_object_element (array, obj);
        }
      print_json_array (array);
      json_array_unref (array);
      return RP_EXIT_OK;
    }

  if (hits->len == 0)
    {
      g_print (_("No customer matches “%s”.\n"), query);
      return RP_EXIT_OK;
    }

  for (guint i = 0; i < hits->len; i++)
    {
      RpSearchHit *hit = g_ptr_array_index (hits, i);
      g_autoptr(GString) line = g_string_new (hit->name);

      if (hit->kana)
        g_string_append_printf (line, " (%s)", hit->kana);
      if (hit->tier)
        g_string_append_printf (line, " · %s", rp_describe_value (hit->tier));
      if (hit->matched)
        g_string_append_printf (line, " · %s", hit->matched);
      g_print ("%s\n    %s\n", line->str, hit->id);
    }
  return RP_EXIT_OK;
}

/* show */

/* Pads to @columns terminal cells: wide (CJK) characters take two */
static void
print_padded (const char *text,
              guint       columns)
{
  guint width = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  g_print ("  %s", text);
  for (; width < columns; width++)
    g_print (" ");
}

static void
print_card (JsonObject *card)
{
  JsonObject *consent = json_object_get_object_member (card, "consent");
  JsonArray *tickets = json_object_get_array_member (card, "open_tickets");
  JsonArray *notes = json_object_get_array_member (card, "pinned_notes");
  JsonArray *flags = json_object_get_array_member (card, "flags");
  JsonNode *node;
  const char *kana = rp_json_string (card, "kana");

  g_print ("%s%s%s%s\n", rp_json_string (card, "name"), kana ? " (" : "", kana ? kana : "", kana ? ")" : "");
  g_print ("%s\n", rp_json_string (card, "id"));

  {
    g_autoptr(GString) line = g_string_new (rp_describe_value (rp_json_string (card, "tier")));
    const char *since = rp_json_string (card, "member_since");

    if (since)
      g_string_append_printf (line, _(" · member since %s"), since);
    node = json_object_get_member (card, "lifetime_value");
    if (node && JSON_NODE_HOLDS_OBJECT (node))
      {
        JsonObject *money = json_node_get_object (node);
        g_autofree char *value = rp_format_money (rp_json_int (money, "amount", 0),
                                                  rp_json_string (money, "currency"));
        g_string_append_printf (line, _(" · lifetime value %s"), value);
      }
    g_print ("%s\n", line->str);
  }

  if (rp_json_string (card, "language") || rp_json_string (card, "preferred_channel"))
    g_print (_("Language %s · prefers %s\n"),
             rp_json_string (card, "language") ? rp_json_string (card, "language") : "—",
             rp_describe_value (rp_json_string (card, "preferred_channel")));

  g_print (_("Consent:\n"));
  {
    g_autoptr(GList) purposes = json_object_get_members (consent);
    for (GList *l = purposes; l; l = l->next)
      {
        JsonObject *entry = json_object_get_object_member (consent, l->data);
        const char *at = rp_json_string (entry, "at");
        g_autofree char *when = local_time (at);

        print_padded (rp_describe_value (l->data), 22);
        g_print (" %s", rp_describe_value (rp_json_string (entry, "state")));
        if (at)
          g_print (_(" since %s via %s"), when, rp_describe_value (rp_json_string (entry, "source")));
        g_print ("\n");
      }
  }

  if (json_array_get_length (tickets) > 0)
    {
      g_print (_("Open tickets:\n"));
      for (guint i = 0; i < json_array_get_length (tickets); i++)
        {
          JsonObject *t = json_array_get_object_element (tickets, i);
          const char *assignee = rp_json_string (t, "assignee");

          g_print ("  %s %s [%s · %s · %s · %s] %s\n",
                   rp_json_string (t, "number"), rp_json_string (t, "subject"),
                   rp_describe_value (rp_json_string (t, "status")),
                   rp_describe_value (rp_json_string (t, "priority")),
                   rp_json_string (t, "queue") ? rp_json_string (t, "queue") : "—",
                   assignee ? assignee : _("unassigned"),
                   rp_describe_value (rp_json_string (t, "sla")));
        }
    }

  node = json_object_get_member (card, "last_contact");
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *last = json_node_get_object (node);
      g_autofree char *when = local_time (rp_json_string (last, "at"));

      g_print (_("Last contact: %s · %s · %s: %s\n"), when,
               rp_describe_value (rp_json_string (last, "channel")),
               rp_json_string (last, "agent") ? rp_json_string (last, "agent") : "—",
               rp_json_string (last, "summary") ? rp_json_string (last, "summary") : "");
    }

  node = json_object_get_member (card, "latest_handoff");
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *handoff = json_node_get_object (node);
      g_print (_("Latest handoff (%s, %s): %s\n"), rp_json_string (handoff, "number"),
               rp_json_string (handoff, "author") ? rp_json_string (handoff, "author") : "—",
               rp_json_string (handoff, "note"));
    }

  if (json_array_get_length (notes) > 0)
    {
      g_print (_("Pinned notes:\n"));
      for (guint i = 0; i < json_array_get_length (notes); i++)
        g_print ("  %s\n", rp_json_string (json_array_get_object_element (notes, i), "body"));
    }

  if (json_array_get_length (flags) > 0)
    {
      g_print (_("Flags:\n"));
      for (guint i = 0; i < json_array_get_length (flags); i++)
        g_print ("  ! %s\n", rp_json_string (json_array_get_object_element (flags, i), "reason"));
    }
}

static int
cmd_show (const char *cache_path,
          int         argc,
          char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(JsonObject) card = NULL;
  g_autofree char *now_text = NULL;
  gint64 now = 0;
  gboolean json = FALSE;
  int status = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("Judge SLA clocks at TIME (RFC 3339)"), "TIME" },
    { NULL }
  };

  if (!parse_options ("show", "CUSTOMER_ID", _("Show a customer's context card."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return rp_cli_usage (_("show needs exactly one CUSTOMER_ID"));
  if (now_text && !rp_parse_timestamp (now_text, &now))
    return rp_cli_usage (_("--now needs an RFC 3339 time such as 2026-11-23T09:00:00Z"));

  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);
  if (!(card = rp_cache_show (cache, argv[1], now, &error)))
    return rp_cli_fail (error);

  if (json)
    print_json_object (card);
  else
    print_card (card);
  return RP_EXIT_OK;
}

/* timeline */

static JsonObject *
timeline_entry (RpCache  *cache,
                RpEvent  *event)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *summary = NULL;
  JsonObject *obj;

  if (!json_parser_load_from_data (parser, event->body, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    obj = json_object_new ();
  else
    obj = json_object_ref (json_node_get_object (json_parser_get_root (parser)));

  /* A ticket is shown as it is now: its events folded in */
  if (event->type == RP_DOC_TICKET)
    {
      g_autoptr(JsonObject) folded = rp_cache_get_ticket (cache, event->id, NULL);

      if (folded)
        {
          json_object_unref (obj);
          obj = g_steal_pointer (&folded);
        }
    }

  summary = rp_describe_document (event->type, obj);
  json_object_set_string_member (obj, "id", event->id);
  json_object_set_string_member (obj, "type", event->type_name);
  if (rp_json_string (obj, "at") == NULL)
    json_object_set_string_member (obj, "at", event->at);
  json_object_set_string_member (obj, "summary", summary);
  return obj;
}

static int
cmd_timeline (const char *cache_path,
              int         argc,
              char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(RpEvent) before = NULL;
  g_auto(GStrv) kinds = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *before_id = NULL;
  RpKindMask mask = 0;
  gboolean json = FALSE;
  int limit = 50;
  int status = 0;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING_ARRAY, &kinds,
      N_("Only this kind: orders, tickets, interactions, consent, notes, surveys (repeatable)"), "KIND" },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, N_("Only this channel"), "CHANNEL" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N events (default 50, 0 for all)"), "N" },
    { "before", 0, 0, G_OPTION_ARG_STRING, &before_id, N_("The page after the event ID (paging)"), "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options ("timeline", "CUSTOMER_ID", _("Show a customer's timeline, newest first."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return rp_cli_usage (_("timeline needs exactly one CUSTOMER_ID"));
  if (limit < 0)
    return rp_cli_usage (_("--limit must not be negative"));
  for (guint i = 0; kinds && kinds[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (kinds[i], ",", -1);
      for (guint j = 0; parts[j]; j++)
        {
          RpKindMask k = rp_kind_from_string (g_strstrip (parts[j]));
          if (k == 0)
            return rp_cli_usage (_("Unknown kind “%s”"), parts[j]);
          mask |= k;
        }
    }

  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);
  if (!rp_cache_has_customer (cache, argv[1], &error))
    {
      if (error)
        return rp_cli_fail (error);
      g_set_error (&error, RP_ERROR, RP_ERROR_NOT_FOUND, _("No customer %s in the cache"), argv[1]);
      return rp_cli_fail (error);
    }
  if (before_id && !(before = rp_cache_get_event (cache, before_id, &error)))
    return rp_cli_fail (error);

  if (!(events = rp_cache_timeline (cache, argv[1], mask, channel, before, limit, &error)))
    return rp_cli_fail (error);

  if (json)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < events->len; i++)
        json_array_add_object_element (array, timeline_entry (cache, g_ptr_array_index (events, i)));
      print_json_array (array);
      json_array_unref (array);
      return RP_EXIT_OK;
    }

  for (guint i = 0; i < events->len; i++)
    {
      RpEvent *event = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) obj = timeline_entry (cache, event);
      g_autofree char *when = local_time (event->at);

      g_print ("%s  %s\n", when, rp_json_string (obj, "summary"));
    }
  if (limit > 0 && events->len == (guint) limit)
    g_print (_("… more with --before %s\n"), ((RpEvent *) g_ptr_array_index (events, events->len - 1))->id);
  return RP_EXIT_OK;
}

/* note */

static int
cmd_note (const char *cache_path,
          int         argc,
          char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(JsonObject) doc = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *author = NULL;
  g_autofree char *db = NULL;
  g_autofree char *uuid = rp_uuid_new ();
  g_autofree char *id = NULL;
  g_autofree char *at = NULL;
  g_autofree char *text = NULL;
  gboolean pinned = FALSE;
  int status = 0;
  GOptionEntry entries[] = {
    { "pinned", 0, 0, G_OPTION_ARG_NONE, &pinned, N_("Pin the note to the customer's card"), NULL },
    { "author", 0, 0, G_OPTION_ARG_STRING, &author, N_("Agent login (default: $RAPPORT_AGENT or your user name)"), "LOGIN" },
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("Server database to send it to (default: the first synced)"), "NAME" },
    { NULL }
  };

  if (!parse_options ("note", "CUSTOMER_ID TEXT", _("Add a note to a customer; it is sent at the next sync."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc < 3)
    return rp_cli_usage (_("note needs a CUSTOMER_ID and a TEXT"));

  text = g_strjoinv (" ", argv + 2);
  if (*g_strstrip (text) == '\0')
    return rp_cli_usage (_("The note is empty"));
  if (author == NULL)
    author = g_strdup (g_getenv ("RAPPORT_AGENT") ? g_getenv ("RAPPORT_AGENT") : g_get_user_name ());

  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);
  if (!rp_cache_has_customer (cache, argv[1], &error))
    {
      if (error == NULL)
        g_set_error (&error, RP_ERROR, RP_ERROR_NOT_FOUND, _("No customer %s in the cache"), argv[1]);
      return rp_cli_fail (error);
    }

  id = g_strconcat ("note:", uuid, NULL);
  at = rp_format_timestamp (g_get_real_time () / G_USEC_PER_SEC * G_USEC_PER_SEC);
  json_object_set_string_member (doc, "_id", id);
  json_object_set_string_member (doc, "type", "note");
  json_object_set_int_member (doc, "schema", RP_SCHEMA_VERSION);
  json_object_set_string_member (doc, "at", at);
  json_object_set_string_member (doc, "customer_id", argv[1]);
  json_object_set_string_member (doc, "author", author);
  json_object_set_string_member (doc, "body", text);
  json_object_set_boolean_member (doc, "pinned", pinned);
  node = json_node_init_object (json_node_alloc (), doc);

  if (!rp_cache_create (cache, &node, 1, db, NULL, &error))
    return rp_cli_fail (error);

  g_print (_("Saved note %s; it will be sent at the next sync.\n"), id);
  return RP_EXIT_OK;
}

/* status */

static int
cmd_status (const char *cache_path,
            int         argc,
            char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;
  g_autoptr(JsonObject) status_obj = NULL;
  gboolean json = FALSE;
  int status = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options ("status", "", _("Show what the cache holds and how far it has synced."),
                      entries, &argc, &argv, &status))
    return status;
  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);
  if (!(status_obj = rp_cache_status (cache, &error)))
    return rp_cli_fail (error);

  if (json)
    {
      print_json_object (status_obj);
      return RP_EXIT_OK;
    }

  g_print (_("Cache: %s\n"), rp_json_string (status_obj, "cache"));
  g_print (_("Customers: %lld\n"), (long long) rp_json_int (status_obj, "customers", 0));
  g_print (_("Documents: %lld\n"), (long long) rp_json_int (status_obj, "documents", 0));
  g_print (_("Changes waiting to be sent: %lld\n"), (long long) rp_json_int (status_obj, "outbox_pending", 0));
  {
    JsonObject *syncs = json_object_get_object_member (status_obj, "last_sync");
    g_autoptr(GList) dbs = json_object_get_members (syncs);

    if (dbs == NULL)
      g_print (_("Never synced\n"));
    for (GList *l = dbs; l; l = l->next)
      {
        JsonObject *entry = json_object_get_object_member (syncs, l->data);
        g_autofree char *when = local_time (rp_json_string (entry, "at"));
        g_print (_("Last sync of %s: %s\n"), (const char *) l->data, when);
      }
  }
  return RP_EXIT_OK;
}

/* Dispatch */

typedef int (*CommandFunc) (const char *cache_path, int argc, char **argv);

typedef struct
{
  const char  *name;
  CommandFunc  func;
  const char  *summary;
} Command;

static int cmd_sync (const char *cache_path, int argc, char **argv);
static int cmd_queues (const char *cache_path, int argc, char **argv);
static int cmd_push_file (const char *cache_path, int argc, char **argv);

static const Command commands[] = {
  { "seed-demo", cmd_seed_demo, N_("Fill the cache with realistic demo data") },
  { "import", cmd_import, N_("Load documents from a JSON or NDJSON file") },
  { "search", cmd_search, N_("Find customers as you would type") },
  { "show", cmd_show, N_("Show a customer's context card") },
  { "timeline", cmd_timeline, N_("Show a customer's timeline") },
  { "sync", cmd_sync, N_("Sync with a CouchDB-protocol server") },
  { "push-file", cmd_push_file, N_("Load a document file into a server database") },
  { "note", cmd_note, N_("Add a note to a customer") },
  { "queues", cmd_queues, N_("Show queues, SLA clocks and agent load") },
  { "status", cmd_status, N_("Show what the cache holds") },
};

static int
cmd_sync (const char *cache_path,
          int         argc,
          char      **argv)
{
#ifdef RP_HAVE_SYNC
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;

  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);
  return rp_cli_sync (cache, argc, argv);
#else
  g_printerr (_("rapportctl: this build has no sync support\n"));
  return RP_EXIT_FAILURE;
#endif
}

static int
cmd_push_file (const char *cache_path,
               int         argc,
               char      **argv)
{
#ifdef RP_HAVE_SYNC
  return rp_cli_push_file (argc, argv);
#else
  g_printerr (_("rapportctl: this build has no sync support\n"));
  return RP_EXIT_FAILURE;
#endif
}

static int
cmd_queues (const char *cache_path,
            int         argc,
            char      **argv)
{
#ifdef RP_HAVE_QUEUES
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = NULL;

  if (!(cache = open_cache (cache_path, &error)))
    return rp_cli_fail (error);
  return rp_cli_queues (cache, argc, argv);
#else
  g_printerr (_("rapportctl: this build has no queue support\n"));
  return RP_EXIT_FAILURE;
#endif
}

static void
print_help (void)
{
  g_print (_("Usage:\n  rapportctl [--cache FILE] COMMAND [OPTION…]\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-12s %s\n", commands[i].name, _(commands[i].summary));
  g_print (_("\nThe cache is $RAPPORT_CACHE, or the app's own cache when that is not set.\n"
             "“rapportctl COMMAND --help” tells more about a command.\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache_path = NULL;
  int i;

  rp_i18n_init ();
  g_set_prgname ("rapportctl");

  for (i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--cache") && i + 1 < argc)
        {
          g_free (cache_path);
          cache_path = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (argv[i], "--cache="))
        {
          g_free (cache_path);
          cache_path = g_strdup (argv[i] + strlen ("--cache="));
        }
      else if (g_str_equal (argv[i], "--cache"))
        return rp_cli_usage (_("--cache needs a FILE"));
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help ();
          return RP_EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          g_print ("rapportctl %s\n", PACKAGE_VERSION);
          return RP_EXIT_OK;
        }
      else if (argv[i][0] == '-')
        return rp_cli_usage (_("Unknown option “%s”"), argv[i]);
      else
        break;
    }

  if (i >= argc)
    {
      print_help ();
      return RP_EXIT_USAGE;
    }

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    if (g_str_equal (argv[i], commands[c].name))
      return commands[c].func (cache_path, argc - i, argv + i);

  return rp_cli_usage (_("Unknown command “%s”"), argv[i]);
}
