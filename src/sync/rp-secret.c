/* rp-secret.c: the sync password in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-secret"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "rp-secret.h"

static const SecretSchema *
rp_secret_schema (void)
{
  static const SecretSchema schema = {
    "dev.rapport.Rapport.Server", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
rp_secret_lookup_async (const char          *server,
                        const char          *user,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (server != NULL);
  g_return_if_fail (user != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_secret_lookup_async);
  secret_password_lookup (rp_secret_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          "server", server,
                          "user", user,
                          NULL);
}

/* Returns NULL without an error when there is no stored password */
char *
rp_secret_lookup_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
rp_secret_store_async (const char          *server,
                       const char          *user,
                       const char          *password,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (server != NULL);
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_secret_store_async);
  /* TRANSLATORS: the label of the password in the keyring; %s is the server address */
  label = g_strdup_printf (_("Rapport sync password for %s"), server);
  secret_password_store (rp_secret_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, store_cb, g_steal_pointer (&task),
                         "server", server,
                         "user", user,
                         NULL);
}

gboolean
rp_secret_store_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
rp_secret_clear_async (const char          *server,
                       const char          *user,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (server != NULL);
  g_return_if_fail (user != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_secret_clear_async);
  secret_password_clear (rp_secret_schema (), cancellable, clear_cb, g_steal_pointer (&task),
                         "server", server,
                         "user", user,
                         NULL);
}

gboolean
rp_secret_clear_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
rp_secret_free (char *password)
{
  secret_password_free (password);
}

/* Drops the connection to the Secret Service (at exit, and in tests that
 * take their private bus down) */
void
rp_secret_disconnect (void)
{
  secret_service_disconnect ();
}
