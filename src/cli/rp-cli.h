/* rp-cli.h: what the rapportctl subcommands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "rp-cache.h"

G_BEGIN_DECLS

typedef enum
{
  RP_EXIT_OK = 0,
  RP_EXIT_USAGE = 1,
  RP_EXIT_FAILURE = 2,
} RpExit;

/* One clear line on stderr; returns the exit status that goes with it */
int      rp_cli_fail        (const GError *error);
int      rp_cli_usage       (const char   *format,
                             ...) G_GNUC_PRINTF (1, 2);
void     rp_cli_print_json  (JsonNode     *node);
gboolean rp_cli_is_terminal (void);

G_END_DECLS
