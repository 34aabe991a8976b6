/* rp-import.h: loading documents from files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "rp-cache.h"

G_BEGIN_DECLS

#define RP_IMPORT_BATCH 2000

typedef void (*RpImportProgress) (guint64  bytes_done,
                                  guint64  bytes_total,
                                  guint64  docs_done,
                                  gpointer user_data);

/* Loads a JSON array, a {"docs": [...]} body or NDJSON through the apply
 * path, in batches.  Parsing runs on a second thread while the previous
 * batch is written.  A malformed document is skipped through @skip_func
 * and the rest still loads; a file cut off in the middle of a document
 * loads what came before and fails with RP_ERROR_INVALID. */
gboolean rp_import_file (RpCache           *cache,
                         const char        *path,
                         RpSkipFunc         skip_func,
                         RpImportProgress   progress_func,
                         gpointer           user_data,
                         RpApplyStats      *stats,
                         GError           **error);

G_END_DECLS
