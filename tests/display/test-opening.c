/* test-opening.c: the application opening its cache off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <sqlite3.h>

#include "display-util.h"
#include "../unit/test-util.h"
#include "rp-application.h"
#include "rp-cache.h"
#include "rp-window.h"

static RpApplication *app;
static char *tmpdir;

static void
sql_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static int
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static guint
n_windows (void)
{
  return g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));
}

static gboolean
has_window (gpointer data)
{
  return n_windows () > 0;
}

/* The main window, once it is the only one */
static gboolean
only_main_window (gpointer data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  return windows != NULL && windows->next == NULL && RP_IS_WINDOW (windows->data);
}

static GtkWindow *
first_window (void)
{
  return gtk_application_get_windows (GTK_APPLICATION (app))->data;
}

/* A cache one schema step behind, as the previous release left it */
static void
write_old_cache (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpCache) cache = rp_cache_open (path, &error);
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_clear_object (&cache);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sql_exec (db, "DROP INDEX docs_pinned; PRAGMA user_version = 6;");
  sqlite3_close (db);
}

/* A cache that is not one: the error says so, and nothing else opens */
static void
test_unreadable (void)
{
  g_autofree char *path = rp_cache_default_path ();
  g_autoptr(GError) expected = NULL;
  g_autoptr(RpCache) cache = NULL;
  GtkWindow *dialog;

  g_assert_true (g_file_set_contents (path, "not a database, whatever it is\n", -1, NULL));

  g_test_expect_message ("rp-application", G_LOG_LEVEL_WARNING, "Cannot open the cache: *");
  g_application_activate (G_APPLICATION (app));
  /* The main thread did not wait for the file */
  g_assert_cmpuint (n_windows (), ==, 0);

  rp_test_wait_until (has_window, NULL);
  g_test_assert_expected_messages ();
  dialog = first_window ();
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   _("Cannot Open the Customer Cache"));
  /* The same message as opening it here */
  cache = rp_cache_open (path, &expected);
  g_assert_null (cache);
  g_assert_nonnull (expected);
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, expected->message);
  g_assert_cmpuint (n_windows (), ==, 1);

  gtk_window_destroy (dialog);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* A migration that takes a while: a notice shows meanwhile, then the
 * window on the upgraded cache takes its place */
static void
test_notice_then_window (void)
{
  g_autofree char *path = rp_cache_default_path ();
  g_autofree char *text = NULL;
  g_autofree char *shot = NULL;
  sqlite3 *blocker = NULL;
  GtkWindow *notice;
  RpWindow *window;

  write_old_cache (path);
  g_assert_cmpint (sql_int (path, "PRAGMA user_version"), ==, 6);

  /* Another writer holds the file, so the migration waits as a long one
   * would; the window's main loop must not */
  g_assert_cmpint (sqlite3_open (path, &blocker), ==, SQLITE_OK);
  sql_exec (blocker, "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('held', 1);");

  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (n_windows (), ==, 0);

  rp_test_wait_until (has_window, NULL);
  notice = first_window ();
  g_assert_false (RP_IS_WINDOW (notice));
  rp_test_wait_for_paint (GTK_WIDGET (notice));
  text = rp_test_text_of (GTK_WIDGET (notice));
  g_test_message ("notice:\n%s", text);
  g_assert_nonnull (strstr (text, _("Preparing the Customer Cache")));
  shot = rp_test_screenshot_name ("opening-", "notice");
  rp_test_settle (GTK_WIDGET (notice));
  rp_test_screenshot (GTK_WIDGET (notice), shot);

  /* Started again meanwhile: the same notice, no second open */
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (n_windows (), ==, 1);
  g_assert_true (first_window () == notice);

  sql_exec (blocker, "ROLLBACK;");
  sqlite3_close (blocker);

  rp_test_wait_until (only_main_window, NULL);
  window = RP_WINDOW (first_window ());
  g_assert_cmpstr (rp_cache_get_path (rp_window_get_cache (window)), ==, path);
  rp_test_wait_for_paint (GTK_WIDGET (window));
  g_assert_cmpstr (rp_window_get_page (window), ==, "welcome");

  g_assert_cmpint (sql_int (path, "PRAGMA user_version"), >, 6);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_pinned'"), ==, 1);

  /* Once open, activating presents the same window */
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (n_windows (), ==, 1);
  g_assert_true (first_window () == GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int ret;

  tmpdir = g_dir_make_tmp ("rapport-opening-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_unsetenv ("RAPPORT_CACHE");
  dir = g_build_filename (tmpdir, "rapport", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  rp_test_display_init (&argc, &argv);

  app = rp_test_application_new ();

  /* In this order: the first leaves no cache behind, so the second finds
   * the application with none open yet */
  g_test_add_func ("/opening/unreadable", test_unreadable);
  g_test_add_func ("/opening/notice-then-window", test_notice_then_window);

  ret = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_object_unref (app);
  test_remove_dir (tmpdir);
  g_free (tmpdir);

  return ret;
}
