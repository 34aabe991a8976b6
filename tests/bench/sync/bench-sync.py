#!/usr/bin/env python3
# Sync benchmark: how fast `rapportctl sync` pulls a large database.
#
#   (a) from a replay server that serves pre-recorded _changes pages from
#       files, to measure the client alone;
#   (b) from PouchDB Server (in memory, loopback), in the same run as curl
#       fetching the same pages and as PouchDB's own replicator pulling the
#       same database into memory.
#
# Reports medians over the runs, documents per second, the ratios the
# targets are stated in, and the client's peak RSS.  Asserts nothing about
# time: the figures are for the README.
#
# Usage: bench-sync.py --rapportctl PATH [--docs N] [--runs N] [--batch N]
#   RAPPORT_BENCH_DOCS, RAPPORT_BENCH_RUNS override the defaults.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import http.server
import json
import os
import re
import shutil
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

SRCDIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
POUCHDB_DIR = os.path.join(SRCDIR, "build-aux", "pouchdb")
POUCHDB_SERVER = os.environ.get("RAPPORT_POUCHDB_SERVER") or os.path.join(
    POUCHDB_DIR, "node_modules", "pouchdb-server", "bin", "pouchdb-server")
DB = "bench"


def log(message):
    print("# " + message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_answers(url, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError("no answer from " + url)


def make_documents(rapportctl, n_docs, workdir):
    """n_docs demo documents, one per line, from seed-demo --export."""
    path = os.path.join(workdir, "docs.ndjson")
    export = os.path.join(workdir, "export.json")
    customers = max(10, n_docs // 40 + 10)
    for attempt in range(4):
        log("exporting demo documents (%d customers)" % customers)
        subprocess.run([rapportctl, "--cache", os.path.join(workdir, "export.db"), "seed-demo",
                        "--customers", str(customers), "--seed", "7", "--export", export],
                       check=True, stdout=subprocess.DEVNULL)
        count = 0
        with open(export, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
            for line in src:
                line = line.strip().rstrip(",")
                if not (line.startswith("{\"_id\"") and line.endswith("}")):
                    continue
                dst.write(line + "\n")
                count += 1
                if count == n_docs:
                    break
        os.unlink(export)
        if count == n_docs:
            break
        customers = customers * n_docs // max(count, 1) + 10
    if count < n_docs:
        log("only %d documents were generated" % count)
    return path, count


def load(url, path):
    subprocess.run([os.path.join(SRCDIR, "build-aux", "load-demo"), url, DB, path], check=True,
                   stdout=subprocess.DEVNULL)


def time_v(command, **kwargs):
    """Runs under GNU time; returns (stdout, peak RSS in bytes)."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True,
                            **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise RuntimeError("failed: " + " ".join(command))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return result.stdout, int(rss.group(1)) * 1024 if rss else 0


def run_client(rapportctl, url, batch, workdir):
    cache = os.path.join(workdir, "client.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(cache + suffix):
            os.unlink(cache + suffix)
    out, rss = time_v([rapportctl, "--cache", cache, "sync", "--server", url, "--db", DB,
                       "--batch-size", str(batch), "--timeout", "300", "--json"])
    summary = json.loads(out)
    return summary["received"], summary["seconds"], rss


def run_curl(url, n_docs, batch, pages_dir):
    """Fetches every page with one curl (one connection), keeping the pages
    for the replay server.  PouchDB Server's sequences on a fresh database
    are 1..N, so the `since` of each page is known without parsing."""
    config = os.path.join(pages_dir, "curl.cfg")
    with open(config, "w") as f:
        # Options in a config file are global: the header once, not per URL
        f.write('header = "Accept: application/json"\n')
        for since in range(0, n_docs + 1, batch):
            f.write('url = "%s/%s/_changes?style=main_only&include_docs=true&since=%d&limit=%d"\n'
                    % (url, DB, since, batch))
            f.write('output = "%s"\n' % os.path.join(pages_dir, "since-%d.json" % since))
    started = time.monotonic()
    out = subprocess.run(["curl", "-s", "-K", config, "-w", "%{http_code} %{url_effective}\\n"],
                         check=True, capture_output=True, text=True).stdout
    seconds = time.monotonic() - started
    failed = [line for line in out.splitlines() if not line.startswith("200 ")]
    if failed:
        raise RuntimeError("curl: %d pages failed, first: %s" % (len(failed), failed[0]))
    return seconds


def run_replicator(url, batch):
    env = dict(os.environ, NODE_PATH=os.path.join(POUCHDB_DIR, "node_modules"))
    out = subprocess.run(["node", os.path.join(os.path.dirname(__file__),
                                               "bench-sync-replicate.js"), url, DB, str(batch)],
                         check=True, capture_output=True, text=True, env=env).stdout
    result = json.loads(out)
    return result["docs"], result["seconds"], result["max_rss"]


class ReplayHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages_dir = None
    info = None

    def log_message(self, *args):
        pass

    def send_json(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/" + DB:
            self.send_json(200, self.info)
        elif url.path == "/%s/_changes" % DB:
            page = os.path.join(self.pages_dir, "since-%s.json" % query.get("since", ["0"])[0])
            if not os.path.exists(page):
                self.send_json(404, b'{"error":"not_recorded"}')
                return
            with open(page, "rb") as f:
                self.send_json(200, f.read())
        else:
            self.send_json(404, b'{"error":"not_found"}')

    def do_PUT(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.send_json(201, b'{"ok":true,"rev":"0-1"}')


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def report(name, docs, seconds, rss=None):
    rate = docs / seconds if seconds > 0 else 0
    line = "%-34s %9d docs  %8.2f s  %9.0f docs/s" % (name, docs, seconds, rate)
    if rss:
        line += "  peak RSS %6.0f MB" % (rss / 1e6)
    print(line, flush=True)
    return rate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportctl", required=True)
    parser.add_argument("--docs", type=int, default=int(os.environ.get("RAPPORT_BENCH_DOCS", 1000000)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RAPPORT_BENCH_RUNS", 3)))
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--skip-replicator", action="store_true",
                        help="leave PouchDB's own replicator out (it takes minutes)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="rapport-bench-sync-")
    pages_dir = os.path.join(workdir, "pages")
    os.mkdir(pages_dir)
    server = None
    try:
        path, n_docs = make_documents(args.rapportctl, args.docs, workdir)

        port = free_port()
        url = "http://127.0.0.1:%d" % port
        log("starting PouchDB Server in memory on %s" % url)
        server = subprocess.Popen(["node", "--max-old-space-size=8192", POUCHDB_SERVER,
                                   "--in-memory", "--no-stdout-logs", "--host", "127.0.0.1",
                                   "--port", str(port), "--config",
                                   os.path.join(workdir, "config.json")],
                                  cwd=workdir, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        wait_answers(url + "/")
        log("loading %d documents" % n_docs)
        started = time.monotonic()
        load(url, path)
        log("loaded in %.0f s" % (time.monotonic() - started))
        os.unlink(path)

        info = urllib.request.urlopen(url + "/" + DB).read()
        results = {"curl": [], "client": [], "replicator": [], "replay": []}
        rss = {"client": [], "replicator": [], "replay": []}

        for run in range(args.runs):
            log("run %d of %d: curl, rapportctl sync, PouchDB replicator" % (run + 1, args.runs))
            seconds = run_curl(url, n_docs, args.batch, pages_dir)
            results["curl"].append(n_docs / seconds)
            report("curl (same pages)", n_docs, seconds)

            docs, seconds, peak = run_client(args.rapportctl, url, args.batch, workdir)
            results["client"].append(docs / seconds)
            rss["client"].append(peak)
            report("rapportctl sync from PouchDB", docs, seconds, peak)

            if args.skip_replicator:
                continue
            docs, seconds, peak = run_replicator(url, args.batch)
            results["replicator"].append(docs / seconds)
            rss["replicator"].append(peak)
            report("PouchDB replicator (memory)", docs, seconds, peak)

        server.terminate()
        server.wait()
        server = None

        ReplayHandler.pages_dir = pages_dir
        ReplayHandler.info = info
        replay = ThreadingServer(("127.0.0.1", 0), ReplayHandler)
        replay_url = "http://127.0.0.1:%d" % replay.server_address[1]
        threading.Thread(target=replay.serve_forever, daemon=True).start()
        for run in range(args.runs):
            docs, seconds, peak = run_client(args.rapportctl, replay_url, args.batch, workdir)
            results["replay"].append(docs / seconds)
            rss["replay"].append(peak)
            report("rapportctl sync from replay", docs, seconds, peak)
        replay.shutdown()

        med = {k: statistics.median(v) for k, v in results.items() if v}
        print()
        print("medians over %d runs, %d documents, batches of %d:" % (args.runs, n_docs, args.batch))
        print("  client alone (replay server)   %9.0f docs/s   (target >= 25000)" % med["replay"])
        print("  rapportctl sync from PouchDB   %9.0f docs/s" % med["client"])
        print("  curl, same pages               %9.0f docs/s" % med["curl"])
        if "replicator" in med:
            print("  PouchDB replicator             %9.0f docs/s" % med["replicator"])
        print("  rapportctl / curl              %9.2f       (target >= 0.8)"
              % (med["client"] / med["curl"]))
        if "replicator" in med:
            print("  rapportctl / PouchDB replicator %8.2f       (target > 1)"
                  % (med["client"] / med["replicator"]))
        print("  peak RSS of rapportctl         %9.0f MB    (target <= 400)"
              % (max(rss["client"] + rss["replay"]) / 1e6))
        if rss["replicator"]:
            print("  peak RSS of PouchDB replicator %9.0f MB" % (max(rss["replicator"]) / 1e6))
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
