/* test-sync-secret.c: the sync password in a real Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private session bus with gnome-keyring-daemon on it; the password goes
 * in, comes back, and is gone after clearing.
 */

#include "config.h"

#include <string.h>

#include "rp-secret.h"
#include "rp-sync-test-util.h"

typedef struct
{
  GTestDBus   *bus;
  GSubprocess *keyring;
  char        *dir;
} Fixture;

static gboolean
secrets_on_bus (void)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (connection == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) input = NULL;

  if (daemon == NULL)
    return;

  fixture->dir = g_dir_make_tmp ("rapport-keyring-XXXXXX", NULL);
  fixture->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fixture->bus);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", fixture->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", fixture->dir, TRUE);
  fixture->keyring = g_subprocess_launcher_spawn (launcher, &error, daemon, "--foreground",
                                                  "--components=secrets", "--unlock", NULL);
  g_assert_no_error (error);

  /* --unlock reads the login keyring's password from stdin */
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (fixture->keyring), "test\n", 5, NULL,
                             NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (g_subprocess_get_stdin_pipe (fixture->keyring), NULL, NULL);

  for (guint i = 0; i < 200 && !secrets_on_bus (); i++)
    g_usleep (50 * 1000);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->keyring != NULL)
    {
      g_subprocess_force_exit (fixture->keyring);
      g_subprocess_wait (fixture->keyring, NULL, NULL);
      g_clear_object (&fixture->keyring);
    }
  if (fixture->bus != NULL)
    {
      /* libsecret keeps its bus connection for the life of the process,
       * which g_test_dbus_down() would wait for in vain: the bus is
       * stopped and the GTestDBus deliberately left to the exit. */
      rp_secret_disconnect ();
      g_test_dbus_stop (fixture->bus);
      fixture->bus = NULL;
    }
  if (fixture->dir != NULL)
    {
      rp_test_rm_rf (fixture->dir);
      g_free (fixture->dir);
    }
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_store_lookup_clear (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *server = "https://couch.example.com:6984";
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GAsyncResult) other = NULL;
  g_autoptr(GAsyncResult) cleared = NULL;
  g_autoptr(GAsyncResult) gone = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  if (fixture->bus == NULL || !secrets_on_bus ())
    {
      g_test_skip ("gnome-keyring-daemon is not available");
      return;
    }

  rp_secret_store_async (server, "agent.sato", "correct horse", NULL, result_cb, &stored);
  g_assert_true (rp_secret_store_finish (wait_result (&stored), &error));
  g_assert_no_error (error);

  rp_secret_lookup_async (server, "agent.sato", NULL, result_cb, &found);
  password = rp_secret_lookup_finish (wait_result (&found), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "correct horse");
  rp_secret_free (password);

  /* Per server and user */
  rp_secret_lookup_async (server, "agent.suzuki", NULL, result_cb, &other);
  password = rp_secret_lookup_finish (wait_result (&other), &error);
  g_assert_no_error (error);
  g_assert_null (password);

  rp_secret_clear_async (server, "agent.sato", NULL, result_cb, &cleared);
  g_assert_true (rp_secret_clear_finish (wait_result (&cleared), &error));
  g_assert_no_error (error);

  rp_secret_lookup_async (server, "agent.sato", NULL, result_cb, &gone);
  password = rp_secret_lookup_finish (wait_result (&gone), &error);
  g_assert_no_error (error);
  g_assert_null (password);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/secret/store-lookup-clear", Fixture, NULL, fixture_set_up,
              test_store_lookup_clear, fixture_tear_down);

  return g_test_run ();
}
