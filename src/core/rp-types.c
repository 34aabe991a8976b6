/* rp-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "rp-types.h"

G_DEFINE_QUARK (rp-error-quark, rp_error)
