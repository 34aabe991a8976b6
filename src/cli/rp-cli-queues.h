/* rp-cli-queues.h: `rapportctl queues`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "rp-cache.h"

G_BEGIN_DECLS

/* argv[0] is the subcommand's name.  Returns the exit status: 0 on
 * success, 1 on a usage error, 2 on any other failure. */
int rp_cli_queues (RpCache  *cache,
                   int       argc,
                   char    **argv);

G_END_DECLS
