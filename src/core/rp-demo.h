/* rp-demo.h: deterministic, realistic demo data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "rp-types.h"

G_BEGIN_DECLS

typedef struct
{
  guint   n_customers;  /* customers to generate */
  guint32 seed;         /* same seed + same now => byte-identical documents */
  gint64  now_usec;     /* UTC unix microseconds: the "present" of the data */
  guint   n_heavy;      /* customers with >= 5000 events each (ignored below 20 customers) */
} RpDemoOptions;

/* Defaults: 200 customers, seed 1, now = the current hour, 3 heavy customers */
void     rp_demo_options_init (RpDemoOptions        *options);

/* Calls @emit once per document, in an order that can be applied as it comes
 * (queues and agents first, each customer before its own documents, each
 * ticket before its events).  @emit takes ownership of nothing (the node is
 * freed after the call); it returns FALSE with @error set to stop.  Returns
 * FALSE if @emit did. */
typedef gboolean (*RpDemoEmitFunc) (JsonNode  *doc,
                                    gpointer   user_data,
                                    GError   **error);

gboolean rp_demo_generate     (const RpDemoOptions  *options,
                               RpDemoEmitFunc        emit,
                               gpointer              user_data,
                               GError              **error);

/* Writes the same documents as {"docs": [\n<one document per line>,\n...\n]}:
 * valid JSON for POST /db/_bulk_docs, and one document per line so it can be
 * split or streamed.  @path "-" writes to standard output. */
gboolean rp_demo_export       (const RpDemoOptions  *options,
                               const char           *path,
                               GError              **error);

G_END_DECLS
