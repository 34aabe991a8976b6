/* rp-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>

#include "rp-types.h"

G_DEFINE_QUARK (rp-error-quark, rp_error)

void
rp_i18n_init (void)
{
  const char *dir = g_getenv ("RAPPORT_LOCALEDIR");
  g_autofree char *probe = NULL;

  if (dir == NULL)
    {
      probe = g_build_filename (LOCALEDIR, "ja", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
      dir = g_file_test (probe, G_FILE_TEST_EXISTS) ? LOCALEDIR : SOURCE_LOCALEDIR;
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
