/* rp-id-map.h: where a first load put each document, by a hash of its id
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Maps a 64-bit hash of a document id to the rowids stored under it.  A
 * first load keeps this instead of the id index, which it builds once at
 * its end.  A hash may lead to more than one rowid, and a rowid may no
 * longer hold the id (deleted, rolled back, reused): the caller checks
 * each candidate against the row. */
typedef struct _RpIdMap RpIdMap;

RpIdMap  *rp_id_map_new      (void);
void      rp_id_map_free     (RpIdMap    *self);

/* The hash the map files @id under; worked out on the parsing thread */
guint64   rp_id_map_hash     (const char *id);

void      rp_id_map_add      (RpIdMap    *self,
                              guint64     hash,
                              gint64      rowid);

/* The next rowid stored under @hash, or 0 after the last one.  Set
 * *@cursor to 0 before the first call. */
gint64    rp_id_map_next     (RpIdMap    *self,
                              guint64     hash,
                              gsize      *cursor);

/* Asks the CPU for the slot @hash leads to, some documents before it is
 * looked at: at eleven million ids that slot is rarely in a cache, and
 * waiting for it was a twentieth of the writer's time */
void      rp_id_map_prefetch (RpIdMap    *self,
                              guint64     hash);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpIdMap, rp_id_map_free)

G_END_DECLS
