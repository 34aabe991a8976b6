// PouchDB's own replicator pulling a database into memory, for comparison
// with `rapportctl sync`.  PouchDB is assembled from the modules of the
// pinned PouchDB Server install (build-aux/pouchdb, the same 7.3.1 code
// the npm `pouchdb` package bundles): core, the HTTP and memory adapters
// and the replicator.
//
// Usage: NODE_PATH=build-aux/pouchdb/node_modules node bench-sync-replicate.js URL DB BATCH
// Prints {"docs": N, "seconds": S, "max_rss": BYTES}.
//
// SPDX-License-Identifier: GPL-3.0-or-later

'use strict';

const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-replication'));

const [url, db, batch] = process.argv.slice(2);
const source = new PouchDB(`${url}/${db}`);
const target = new PouchDB(`bench-target-${process.pid}`, { adapter: 'memory' });
const started = process.hrtime.bigint();
let maxRss = 0;
const sampler = setInterval(() => { maxRss = Math.max(maxRss, process.memoryUsage().rss); }, 200);

PouchDB.replicate(source, target, { batch_size: Number(batch) || 1000, batches_limit: 10 })
  .on('complete', (info) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    console.log(JSON.stringify({ docs: info.docs_written, seconds, max_rss: maxRss }));
    process.exit(0);
  })
  .on('error', (error) => {
    console.error(`replication failed: ${error.message || error}`);
    process.exit(2);
  });
