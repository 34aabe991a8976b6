/* rp-cli-sync.c: `rapportctl sync` and `rapportctl push-file`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-cli-sync"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <libsoup/soup.h>

#include "rp-cli-sync.h"
#include "rp-sync-manager.h"

#define PUSH_CHUNK 2000

typedef struct
{
  GMainLoop     *loop;
  RpSyncManager *manager;
  gboolean       tty;
  gboolean       live;
  gboolean       ok;
  GError        *error;
  gint64         started;
  char          *last_error;
} SyncRun;

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("rapportctl: %s\n", message);
  /* TRANSLATORS: %s is a command such as "rapportctl sync" */
  g_printerr (_("Try “%s --help”.\n"), command);
  return 1;
}

/* The password never goes on the command line, where `ps` shows it */
static char *
read_password (const char  *user,
               GError     **error)
{
  const char *env = g_getenv ("RAPPORT_PASSWORD");
  struct termios saved, quiet;
  char line[1024];
  gboolean ok;

  if (env != NULL)
    return g_strdup (env);

  if (!isatty (STDIN_FILENO))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("No password: set RAPPORT_PASSWORD or run on a terminal."));
      return NULL;
    }

  /* TRANSLATORS: %s is the user name on the sync server */
  g_printerr (_("Password for %s: "), user);
  tcgetattr (STDIN_FILENO, &saved);
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  ok = fgets (line, sizeof line, stdin) != NULL;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  g_printerr ("\n");

  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("No password given."));
      return NULL;
    }

  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

static void
print_progress (SyncRun *run)
{
  guint64 done = rp_sync_manager_get_docs_done (run->manager);
  guint64 total = rp_sync_manager_get_docs_total (run->manager);
  double rate = rp_sync_manager_get_rate (run->manager);

  if (!run->tty)
    return;

  g_printerr ("\r\033[K");
  if (total > done && rate > 0)
    {
      guint left = (guint) ((total - done) / rate);
      g_autofree char *done_s = g_strdup_printf ("%" G_GUINT64_FORMAT, done);
      g_autofree char *total_s = g_strdup_printf ("%" G_GUINT64_FORMAT, total);

      /* TRANSLATORS: progress on a terminal: documents done, estimated total,
       * documents per second, then minutes:seconds left */
      g_printerr (_("%s of about %s documents, %.0f/s, %u:%02u left"),
                  done_s, total_s, rate, left / 60, left % 60);
    }
  else
    {
      g_autofree char *done_s = g_strdup_printf ("%" G_GUINT64_FORMAT, done);

      g_printerr (g_dngettext (GETTEXT_PACKAGE, "%s document", "%s documents", done), done_s);
    }
}

static void
progress_cb (RpSyncManager *manager,
             GParamSpec    *pspec,
             SyncRun       *run)
{
  print_progress (run);
}

static void
state_cb (RpSyncManager *manager,
          GParamSpec    *pspec,
          SyncRun       *run)
{
  const char *message = rp_sync_manager_get_error_message (manager);

  /* In live mode errors are retried; say each new one once */
  if (run->live && rp_sync_manager_get_state (manager) == RP_SYNC_STATE_ERROR
      && g_strcmp0 (message, run->last_error) != 0)
    {
      if (run->tty)
        g_printerr ("\r\033[K");
      g_printerr ("rapportctl: %s\n", message);
    }
  else if (run->live && rp_sync_manager_get_state (manager) == RP_SYNC_STATE_OFFLINE)
    g_printerr ("%s\n", _("Offline; waiting for the network."));

  g_free (run->last_error);
  run->last_error = g_strdup (message);
}

static void
sync_once_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncRun *run = user_data;

  run->ok = rp_sync_manager_sync_once_finish (RP_SYNC_MANAGER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
quit_cb (gpointer user_data)
{
  SyncRun *run = user_data;

  rp_sync_manager_stop (run->manager);
  g_main_loop_quit (run->loop);

  return G_SOURCE_CONTINUE;
}

static void
print_summary (SyncRun  *run,
               gboolean  json)
{
  RpSyncStats stats;
  RpPushStats pushed;
  double seconds = (g_get_monotonic_time () - run->started) / (double) G_USEC_PER_SEC;

  rp_sync_manager_get_stats (run->manager, &stats);
  rp_sync_manager_get_push_stats (run->manager, &pushed);

  if (run->tty)
    g_printerr ("\r\033[K");

  if (json)
    {
      g_print ("{\"received\": %" G_GUINT64_FORMAT ", \"inserted\": %u, \"updated\": %u, "
               "\"deleted\": %u, \"erased\": %u, \"skipped\": %u, \"batches\": %u, "
               "\"bytes\": %" G_GUINT64_FORMAT ", \"pushed\": %u, \"rejected\": %u, "
               "\"seconds\": %.3f}\n",
               stats.received, stats.applied.inserted, stats.applied.updated,
               stats.applied.deleted, stats.applied.erased, stats.applied.skipped,
               stats.batches, stats.bytes, pushed.confirmed, pushed.rejected, seconds);
      return;
    }

  {
    g_autofree char *received = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.received);

    /* TRANSLATORS: the summary of `rapportctl sync`: a count of changes
     * received, then the time in seconds */
    g_print (g_dngettext (GETTEXT_PACKAGE, "Received %s change in %.1f s: ",
                          "Received %s changes in %.1f s: ", stats.received),
             received, seconds);
  }
  /* TRANSLATORS: the second half of the summary of `rapportctl sync` */
  g_print (_("%u new, %u updated, %u deleted, %u customers erased, %u skipped.\n"),
           stats.applied.inserted, stats.applied.updated, stats.applied.deleted,
           stats.applied.erased, stats.applied.skipped);
  if (pushed.confirmed > 0)
    /* TRANSLATORS: %u is a number of the desktop's own changes */
    g_print (g_dngettext (GETTEXT_PACKAGE, "Sent %u change to the server.\n",
                          "Sent %u changes to the server.\n", pushed.confirmed),
             pushed.confirmed);
  if (pushed.rejected > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "The server refused %u change; it stays queued.\n",
                          "The server refused %u changes; they stay queued.\n",
                          pushed.rejected),
             pushed.rejected);
}

int
rp_cli_sync (RpCache  *cache,
             int       argc,
             char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpSyncManager) manager = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_auto(GStrv) args = NULL;
  g_auto(GStrv) dbs = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  gboolean once = FALSE, live = FALSE, session = FALSE, json = FALSE;
  int batch_size = 0, timeout = 0;
  SyncRun run = { 0 };
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Server address (http:// or https://)"),
      N_("URL") },
    { "db", 0, 0, G_OPTION_ARG_STRING_ARRAY, &dbs, N_("A database to sync; repeat for more"),
      N_("NAME") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user,
      N_("User name; the password comes from RAPPORT_PASSWORD or the terminal"), N_("USER") },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, N_("Pull what is new, then exit (default)"), NULL },
    { "live", 0, 0, G_OPTION_ARG_NONE, &live, N_("Keep pulling changes until interrupted"), NULL },
    { "session", 0, 0, G_OPTION_ARG_NONE, &session,
      N_("Log in with a CouchDB session cookie instead of HTTP Basic"), NULL },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &batch_size, N_("Documents per request"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Seconds before a request is given up"),
      N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the summary as JSON"), NULL },
    { NULL }
  };

  g_return_val_if_fail (RP_IS_CACHE (cache), 2);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Send this desktop’s changes to a CouchDB-protocol server and pull its documents."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  args = g_new0 (char *, argc + 2);
  args[0] = g_strdup ("rapportctl sync");
  for (int i = 1; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, &error))
    return usage_error ("rapportctl sync", error->message);

  if (args[1] != NULL)
    return usage_error ("rapportctl sync", _("Unexpected argument."));
  if (server == NULL)
    return usage_error ("rapportctl sync", _("--server is required."));
  if (dbs == NULL || dbs[0] == NULL)
    return usage_error ("rapportctl sync", _("At least one --db is required."));
  if (once && live)
    return usage_error ("rapportctl sync", _("--once and --live cannot be used together."));
  if (batch_size < 0 || timeout < 0)
    return usage_error ("rapportctl sync", _("Counts must not be negative."));

  if (user != NULL)
    {
      password = read_password (user, &error);
      if (password == NULL)
        {
          g_printerr ("rapportctl: %s\n", error->message);
          return 2;
        }
    }

  manager = rp_sync_manager_new (cache);
  rp_sync_manager_set_server_url (manager, server);
  rp_sync_manager_set_databases (manager, (const char *const *) dbs);
  rp_sync_manager_set_user (manager, user);
  rp_sync_manager_set_password (manager, password);
  if (session)
    rp_sync_manager_set_auth (manager, RP_SYNC_AUTH_SESSION);
  if (batch_size > 0)
    rp_sync_manager_set_batch_size (manager, batch_size, 0);
  if (timeout > 0)
    rp_sync_manager_set_timeouts (manager, timeout, 0);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.manager = manager;
  run.tty = isatty (STDERR_FILENO);
  run.live = live;
  run.started = g_get_monotonic_time ();

  g_signal_connect (manager, "notify::docs-done", G_CALLBACK (progress_cb), &run);
  g_signal_connect (manager, "notify::state", G_CALLBACK (state_cb), &run);

  if (live)
    {
      guint sigint = g_unix_signal_add (SIGINT, quit_cb, &run);
      guint sigterm = g_unix_signal_add (SIGTERM, quit_cb, &run);

      rp_sync_manager_start_live (manager);
      g_main_loop_run (loop);
      g_source_remove (sigint);
      g_source_remove (sigterm);
      run.ok = TRUE;
    }
  else
    {
      rp_sync_manager_sync_once_async (manager, NULL, sync_once_cb, &run);
      g_main_loop_run (loop);
    }

  g_signal_handlers_disconnect_by_data (manager, &run);
  g_clear_pointer (&run.last_error, g_free);

  if (!run.ok)
    {
      if (run.tty)
        g_printerr ("\r\033[K");
      g_printerr ("rapportctl: %s\n", run.error->message);
      g_clear_error (&run.error);
      return 2;
    }

  print_summary (&run, json);

  return 0;
}

/* push-file: loads a document file into a server database, for the demo,
 * the tests and the benchmarks.  Files from `seed-demo --export` hold one
 * document per line, so they are streamed without parsing. */

static gboolean
push_request (SoupSession  *session,
              const char   *method,
              const char   *url,
              const char   *auth,
              GBytes       *body,
              guint        *out_status,
              GBytes      **out_body,
              GError      **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The server address is not a valid URL."));
      return FALSE;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  answer = soup_session_send_and_read (session, msg, NULL, error);
  if (answer == NULL)
    return FALSE;

  *out_status = soup_message_get_status (msg);
  if (out_body != NULL)
    *out_body = g_steal_pointer (&answer);

  return TRUE;
}

static gboolean
push_chunk (SoupSession  *session,
            const char   *url,
            const char   *auth,
            GString      *docs,
            guint        *n_failed,
            GError      **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = 0;
  gsize len;

  g_string_append (docs, "]}");
  len = docs->len;
  body = g_bytes_new_take (g_string_free (g_string_new_len (docs->str, docs->len), FALSE), len);

  if (!push_request (session, "POST", url, auth, body, &status, &answer, error))
    return FALSE;

  if (status != 201 && status != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The server refused the documents (HTTP %u)."), status);
      return FALSE;
    }

  if (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                  g_bytes_get_size (answer), NULL)
      && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      JsonArray *results = json_node_get_array (json_parser_get_root (parser));

      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonNode *row = json_array_get_element (results, i);

          if (JSON_NODE_HOLDS_OBJECT (row)
              && json_object_has_member (json_node_get_object (row), "error"))
            (*n_failed)++;
        }
    }

  return TRUE;
}

int
rp_cli_push_file (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autoptr(GString) docs = NULL;
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *server = NULL;
  g_autofree char *db = NULL;
  g_autofree char *user = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *base = NULL;
  g_autofree char *db_url = NULL;
  g_autofree char *bulk_url = NULL;
  guint64 n_docs = 0;
  guint n_chunk = 0, n_failed = 0, status = 0;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Server address (http:// or https://)"),
      N_("URL") },
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("The database to load into (created if missing)"),
      N_("NAME") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user,
      N_("User name; the password comes from RAPPORT_PASSWORD or the terminal"), N_("USER") },
    { NULL }
  };

  context = g_option_context_new (N_("FILE"));
  g_option_context_set_summary (context, _("Load a document file into a server database."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  args = g_new0 (char *, argc + 2);
  args[0] = g_strdup ("rapportctl push-file");
  for (int i = 1; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, &error))
    return usage_error ("rapportctl push-file", error->message);
  if (server == NULL || db == NULL || args[1] == NULL || args[2] != NULL)
    return usage_error ("rapportctl push-file", _("Give --server, --db and one FILE."));

  uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return usage_error ("rapportctl push-file", _("The server address is not a valid URL."));

  if (user != NULL)
    {
      g_autofree char *password = read_password (user, &error);
      g_autofree char *pair = NULL;
      g_autofree char *encoded = NULL;

      if (password == NULL)
        {
          g_printerr ("rapportctl: %s\n", error->message);
          return 2;
        }
      pair = g_strconcat (user, ":", password, NULL);
      encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      auth = g_strconcat ("Basic ", encoded, NULL);
    }

  base = g_strdup (server);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  {
    g_autofree char *escaped = g_uri_escape_string (db, NULL, FALSE);

    db_url = g_strdup_printf ("%s/%s", base, escaped);
    bulk_url = g_strdup_printf ("%s/%s/_bulk_docs", base, escaped);
  }

  session = soup_session_new_with_options ("timeout", 120, NULL);

  /* 412: it exists already, which is fine */
  if (!push_request (session, "PUT", db_url, auth, NULL, &status, NULL, &error))
    {
      g_printerr ("rapportctl: %s\n", error->message);
      return 2;
    }
  if (status != 201 && status != 202 && status != 412)
    {
      g_printerr ("rapportctl: ");
      g_printerr (_("Cannot create the database “%s” (HTTP %u)."), db, status);
      g_printerr ("\n");
      return 2;
    }

  file = g_file_new_for_commandline_arg (args[1]);
  input = g_file_read (file, NULL, &error);
  if (input == NULL)
    {
      g_printerr ("rapportctl: %s\n", error->message);
      return 2;
    }
  data = g_data_input_stream_new (G_INPUT_STREAM (input));
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (data), 1 << 20);

  docs = g_string_sized_new (4 << 20);
  g_string_append (docs, "{\"docs\":[");

  for (;;)
    {
      g_autofree char *line = NULL;
      gsize len;
      char *start;

      line = g_data_input_stream_read_line (data, &len, NULL, &error);
      if (line == NULL)
        break;

      start = g_strstrip (line);
      len = strlen (start);
      if (len > 0 && start[len - 1] == ',')
        start[--len] = '\0';
      if (len < 2 || start[0] != '{' || start[len - 1] != '}' || g_str_has_prefix (start, "{\"docs\""))
        continue;

      if (n_chunk > 0)
        g_string_append_c (docs, ',');
      g_string_append_len (docs, start, len);
      n_chunk++;
      n_docs++;

      if (n_chunk == PUSH_CHUNK)
        {
          if (!push_chunk (session, bulk_url, auth, docs, &n_failed, &error))
            break;
          g_string_truncate (docs, 0);
          g_string_append (docs, "{\"docs\":[");
          n_chunk = 0;
        }
    }

  if (error == NULL && n_chunk > 0)
    push_chunk (session, bulk_url, auth, docs, &n_failed, &error);

  if (error != NULL)
    {
      g_printerr ("rapportctl: %s\n", error->message);
      return 2;
    }

  {
    g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n_docs);

    /* TRANSLATORS: %s is a count of documents, then the database name */
    g_print (g_dngettext (GETTEXT_PACKAGE, "Loaded %s document into %s",
                          "Loaded %s documents into %s", n_docs), count, db);
  }
  if (n_failed > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, " (%u refused)", " (%u refused)", n_failed),
             n_failed);
  g_print ("\n");

  return 0;
}
