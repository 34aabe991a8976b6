/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "rp-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RpApplication) app = NULL;
  const char *localedir = g_getenv ("RAPPORT_LOCALEDIR");

  /* RAPPORT_LOCALEDIR lets an uninstalled build find its catalogues */
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = rp_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
