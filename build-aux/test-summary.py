#!/usr/bin/env python3
# Counts individual test cases in meson test logs and prints one line,
# "N passed, N failed".
#
# A TAP executable contributes one case per "ok"/"not ok" line.  When meson
# says the executable failed (a crash, "Bail out!", a timeout, a wrong plan)
# but no "not ok" line was seen, it counts as one failed case, so a crash is
# never lost.  Any other test counts as one case.  Skips and TODOs count as
# neither, and are reported on a line of their own.
#
# Usage: test-summary.py [--extra-failures N] BUILDDIR TESTLOG.json...
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import subprocess
import sys

FAILED = {'FAIL', 'ERROR', 'TIMEOUT', 'INTERRUPT', 'UNEXPECTEDPASS'}
TAP_RESULT = re.compile(r'^(not ok|ok)\b[^#]*(#\s*(\w+))?', re.IGNORECASE)


def protocols(builddir):
    try:
        out = subprocess.run(['meson', 'introspect', '--tests', builddir],
                             check=True, capture_output=True, text=True).stdout
        tests = json.loads(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return {}

    # meson names a result "project:suite+suite / name" when the project has
    # several suites, and plain "name" otherwise: know both.
    known = {}
    for t in tests:
        proto = t.get('protocol', 'exitcode')
        known.setdefault(t['name'], proto)
        suites = t.get('suite') or []
        if suites:
            project = suites[0].split(':')[0]
            parts = '+'.join(x.split(':', 1)[1] for x in suites if ':' in x)
            known[project + (':' + parts if parts else '') + ' / ' + t['name']] = proto
    return known


def count_tap(stdout):
    passed = failed = skipped = 0
    for line in (stdout or '').splitlines():
        m = TAP_RESULT.match(line)
        if not m:
            continue
        directive = (m.group(3) or '').upper()
        if directive in ('SKIP', 'TODO'):
            skipped += 1
        elif m.group(1).lower() == 'ok':
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped


def main():
    args = sys.argv[1:]
    failed = 0
    if args[:1] == ['--extra-failures']:
        failed = int(args[1])
        args = args[2:]
    builddir, logs = args[0], args[1:]
    protocol = protocols(builddir)
    passed = skipped = 0
    broken = []

    for log in logs:
        try:
            lines = open(log, encoding='utf-8').read().splitlines()
        except OSError:
            print('no test log: %s' % log)
            failed += 1
            continue
        for line in lines:
            if not line.strip():
                continue
            test = json.loads(line)
            result = test.get('result', 'ERROR')
            name = test['name']
            proto = protocol.get(name) or protocol.get(name.rpartition(' / ')[2])
            if proto is None and re.search(r'^1\.\.\d+', test.get('stdout') or '', re.M):
                proto = 'tap'
            if proto == 'tap':
                p, f, s = count_tap(test.get('stdout'))
                if result in FAILED and f == 0:
                    f = 1
                    broken.append('%s (%s, exit status %s)'
                                  % (name, result, test.get('returncode')))
                passed, failed, skipped = passed + p, failed + f, skipped + s
            elif result in FAILED:
                failed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                passed += 1

    for name in broken:
        print('crashed or aborted: %s' % name)
    if skipped:
        print('%d skipped' % skipped)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
