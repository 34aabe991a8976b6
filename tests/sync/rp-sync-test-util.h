/* rp-sync-test-util.h: a real PouchDB Server per test, and test documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rp-cache.h"
#include "rp-push.h"
#include "rp-sync-client.h"

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *dir;       /* working directory (config, log, on-disk data) */
  char        *url;       /* http://127.0.0.1:PORT */
  guint        port;
  gboolean     in_memory;
} RpTestPeer;

/* NULL (and the test skipped) when PouchDB Server is not installed */
RpTestPeer *rp_test_peer_start     (gboolean     in_memory);
void        rp_test_peer_kill      (RpTestPeer  *peer);
void        rp_test_peer_restart   (RpTestPeer  *peer);
void        rp_test_peer_free      (RpTestPeer  *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpTestPeer, rp_test_peer_free)

guint       rp_test_free_port      (void);

/* Blocking HTTP for setting up the server; returns the parsed answer */
JsonNode   *rp_test_http           (const char  *method,
                                    const char  *url,
                                    const char  *body,
                                    guint       *out_status);
void        rp_test_create_db      (const char  *server,
                                    const char  *db);
/* Posts the docs (a JSON array text) to _bulk_docs */
void        rp_test_bulk_docs      (const char  *server,
                                    const char  *db,
                                    JsonArray   *docs);
void        rp_test_delete_doc     (const char  *server,
                                    const char  *db,
                                    const char  *id);

/* A customer with @n_each orders and interactions: 1 + 2 × n_each docs */
void        rp_test_add_customer   (JsonArray   *docs,
                                    guint        index,
                                    const char  *family,
                                    guint        n_each);
char       *rp_test_customer_id    (guint        index);

RpCache    *rp_test_cache_new      (char       **out_dir);
gint64      rp_test_cache_documents (RpCache    *cache);
/* Runs the default main context until *@flag is set */
void        rp_test_wait_for       (gboolean    *flag);
/* TRUE if @needle occurs anywhere in the file */
gboolean    rp_test_file_contains  (const char  *path,
                                    const char  *needle);
void        rp_test_rm_rf          (const char  *dir);

/* A pull or a push on a thread of its own while this thread's main
 * context turns, so that a SoupServer attached to it can answer */
gboolean    rp_test_pull_beside_loop (RpSyncClient *client,
                                      RpSyncStats  *stats,
                                      GError      **error);
gboolean    rp_test_push_beside_loop (RpPush       *push,
                                      RpPushStats  *stats,
                                      GError      **error);

/* A network monitor the test switches by hand */
#define TEST_TYPE_MONITOR (test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestMonitor, test_monitor, TEST, MONITOR, GObject)

void        test_monitor_set_available (TestMonitor *self,
                                        gboolean     available);

G_END_DECLS
