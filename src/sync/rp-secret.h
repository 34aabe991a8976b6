/* rp-secret.h: the sync password in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Passwords live in the user's keyring, never in a file or in GSettings.
 * Items use the schema "dev.rapport.Rapport.Server" with the attributes
 * `server` (the URL without credentials) and `user`. */

void      rp_secret_lookup_async  (const char           *server,
                                   const char           *user,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char     *rp_secret_lookup_finish (GAsyncResult         *result,
                                   GError              **error);
void      rp_secret_store_async   (const char           *server,
                                   const char           *user,
                                   const char           *password,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  rp_secret_store_finish  (GAsyncResult         *result,
                                   GError              **error);
void      rp_secret_clear_async   (const char           *server,
                                   const char           *user,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  rp_secret_clear_finish  (GAsyncResult         *result,
                                   GError              **error);
void      rp_secret_free          (char                 *password);
void      rp_secret_disconnect    (void);

G_END_DECLS
