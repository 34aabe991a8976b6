/* rp-id-map.c: where a first load put each document, by a hash of its id
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/mman.h>

#include "rp-id-map.h"

/* Open addressing with linear probing: at a million customers the map
 * holds eleven million rowids, 16 bytes each, in one allocation */
typedef struct
{
  guint64 hash;
  gint64  rowid;       /* 0: empty */
} Slot;

struct _RpIdMap
{
  Slot  *slots;
  gsize  mask;         /* slots - 1, a power of two less one */
  gsize  count;
};

#define INITIAL_SLOTS 1024
#define HUGE_PAGE (2 * 1024 * 1024)

/* FNV-1a, then a final mix so that the low bits, which pick the slot,
 * depend on every byte */
guint64
rp_id_map_hash (const char *id)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guchar *p = (const guchar *) id; *p; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h;
}

/* Zeroed slots.  Large maps ask for huge pages, before the pages are
 * first touched: every lookup lands on a random page, and in 4 KiB pages
 * each one also missed the TLB */
static Slot *
slots_new (gsize n)
{
  gsize bytes = n * sizeof (Slot);
  Slot *slots = g_aligned_alloc (n, sizeof (Slot), bytes < HUGE_PAGE ? sizeof (Slot) : HUGE_PAGE);

#ifdef MADV_HUGEPAGE
  if (bytes >= HUGE_PAGE)
    madvise (slots, bytes, MADV_HUGEPAGE);
#endif
  memset (slots, 0, bytes);
  return slots;
}

RpIdMap *
rp_id_map_new (void)
{
  RpIdMap *self = g_new0 (RpIdMap, 1);

  self->slots = slots_new (INITIAL_SLOTS);
  self->mask = INITIAL_SLOTS - 1;
  return self;
}

void
rp_id_map_free (RpIdMap *self)
{
  if (self == NULL)
    return;
  g_aligned_free (self->slots);
  g_free (self);
}

static void
insert_slot (Slot    *slots,
             gsize    mask,
             guint64  hash,
             gint64   rowid)
{
  gsize i = hash & mask;

  while (slots[i].rowid != 0)
    i = (i + 1) & mask;
  slots[i].hash = hash;
  slots[i].rowid = rowid;
}

void
rp_id_map_add (RpIdMap *self,
               guint64  hash,
               gint64   rowid)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (rowid != 0);

  /* At most two thirds full, so a miss ends after a few slots */
  if ((self->count + 1) * 3 > (self->mask + 1) * 2)
    {
      gsize old_size = self->mask + 1;
      Slot *old = self->slots;

      self->mask = old_size * 2 - 1;
      self->slots = slots_new (old_size * 2);
      for (gsize i = 0; i < old_size; i++)
        if (old[i].rowid != 0)
          insert_slot (self->slots, self->mask, old[i].hash, old[i].rowid);
      g_aligned_free (old);
    }

  insert_slot (self->slots, self->mask, hash, rowid);
  self->count++;
}

gint64
rp_id_map_next (RpIdMap *self,
                guint64  hash,
                gsize   *cursor)
{
  gsize i;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (cursor != NULL, 0);

  /* The cursor counts the slots looked at so far, from the hash's own */
  for (i = (hash + *cursor) & self->mask; self->slots[i].rowid != 0; i = (i + 1) & self->mask)
    {
      (*cursor)++;
      if (self->slots[i].hash == hash)
        return self->slots[i].rowid;
    }
  return 0;
}

void
rp_id_map_prefetch (RpIdMap *self,
                    guint64  hash)
{
#if defined(__GNUC__)
  __builtin_prefetch (&self->slots[hash & self->mask]);
#endif
}
