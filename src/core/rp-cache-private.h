/* rp-cache-private.h: for the core's own query modules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "rp-cache.h"

G_BEGIN_DECLS

/* The read connection, locked for the caller until rp_cache_reader_unlock() */
sqlite3  *rp_cache_reader_lock    (RpCache      *self,
                                   GError      **error);
void      rp_cache_reader_unlock  (RpCache      *self);

sqlite3_stmt *rp_cache_prepare    (sqlite3      *db,
                                   const char   *sql,
                                   GError      **error);
gboolean  rp_cache_set_error      (GError      **error,
                                   sqlite3      *db,
                                   int           rc,
                                   const char   *what);
gint64    rp_cache_lookup_cid     (sqlite3      *db,
                                   const char   *customer_id);

gboolean  rp_cache_fold_ticket_into (sqlite3    *db,
                                     JsonObject *ticket,
                                     gint64     *out_updated);

G_END_DECLS
