/* rp-cli-sync.h: `rapportctl sync` and `rapportctl push-file`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "rp-cache.h"

G_BEGIN_DECLS

/* argv[0] is the subcommand's name.  Both return the exit status: 0 on
 * success, 1 on a usage error, 2 on any other failure (one line on
 * stderr). */
int rp_cli_sync      (RpCache  *cache,
                      int       argc,
                      char    **argv);
int rp_cli_push_file (int       argc,
                      char    **argv);

G_END_DECLS
