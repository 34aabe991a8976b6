/* rp-prepare.h: what the apply path derives from a document, worked out
 * before the writer's turn
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "rp-cache.h"

G_BEGIN_DECLS

typedef struct
{
  char       *key;        /* folded (rp_text_fold) */
  const char *label;      /* what the agent sees matched, or NULL */
  int         kind;       /* RpMatchKind */
  gboolean    sub;        /* also in the trigram index: found by substring */
} RpPreparedKey;

struct _RpPrepared
{
  RpJsonTree        *tree;
  const RpJsonValue *doc;  /* in @tree */
  gboolean    prepared;
  char       *error;       /* why it is skipped, or NULL */
  RpDocType   type;
  gboolean    deleted;     /* a tombstone */

  /* Members of @doc, valid while it lives */
  const char *id;
  guint64     id_hash;     /* rp_id_map_hash() of @id */
  const char *type_str;
  const char *customer_id; /* only a `customer:` id */
  const char *channel;
  const char *ticket;
  const char *purpose;
  const char *tier;

  gint64      at;
  char       *body;        /* canonical, without `_rev` */
  gsize       body_len;
  char       *title;
  char       *name;        /* a customer's display name and reading */
  char       *kana;
  GArray     *keys;        /* RpPreparedKey, distinct keys */
};

G_END_DECLS
