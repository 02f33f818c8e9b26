#!/usr/bin/env bash
# Runs `swift test ARGS…`, shows its output as it comes, and ends with one plain line,
# "N passed, N failed", counting Swift Testing's tests and XCTest's together. The exit status
# is swift test's own. Used by `make test`.
# usage: scripts/test-summary.sh [swift test arguments…]   (SWIFT=path overrides `swift`)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The log stays out of $TMPDIR: the suite checks that it leaves nothing there.
log="$here/../.build/test-output.log"
mkdir -p "$(dirname "$log")"
# Tests that time a live server (graceful shutdown, reloads under a client, replicas following
# an import) run on their own after the rest: beside the whole parallel suite on 2 cores
# their 1 s and 10 s bounds measure the machine's load, not the service.
timed='gracefulShutdown|shutdownFinishesLargeAnswer|reloadUnderLoad|twoReplicasFollowAnImport|listenConnectionDrops'
"${SWIFT:-swift}" test "$@" --skip "$timed" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
"${SWIFT:-swift}" test "$@" --filter "$timed" 2>&1 | tee -a "$log"
timed_status=${PIPESTATUS[0]}
[ "$status" -ne 0 ] || status=$timed_status
# Swift Testing: one "✔ Test name() passed after …" or "✘ Test name() failed after …" per
# test (not the closing "Test run with …" line, nor a parameterised test's cases). XCTest:
# its last "Executed N tests, with M failures" line is the total.
read -r passed failed < <(awk '
  (/^✔ Test / || /^━ Test /) && !/^(✔|━) Test (run with|case )/ && / passed after / { st_pass++ }
  /^✘ Test / && !/^✘ Test (run with|case )/ && / failed after / { st_fail++ }
  /Executed [0-9]+ tests?, with [0-9]+ failures?/ {
    match($0, /Executed [0-9]+/); xc_run = substr($0, RSTART + 9, RLENGTH - 9) + 0
    match($0, /with [0-9]+ failure/); xc_fail = substr($0, RSTART + 5, RLENGTH - 13) + 0
  }
  END { print st_pass + xc_run - xc_fail, st_fail + xc_fail }' "$log")
echo "$passed passed, $failed failed"
exit "$status"
