#!/usr/bin/env bash
# User-space instructions per `GET /route` answer, counted by valgrind's callgrind: a figure
# that does not move with the machine's load, for comparing two builds of the fast path.
# usage: bench/serve_cost.sh CITY_DIR [BINARY...]   (default: .build/release/geoctl)
# One event loop (--threads 1), reloads off; wrk -c16 for 6 s under instrumentation after a
# 3 s warm-up; answers counted from /metrics. Needs valgrind, wrk, curl, python3.
set -euo pipefail
city=${1:?usage: bench/serve_cost.sh CITY_DIR [BINARY...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- "$(dirname "$here")/.build/release/geoctl"
for tool in valgrind callgrind_control wrk curl; do
  command -v $tool > /dev/null || { echo "$tool is missing (apt-get install valgrind wrk curl)" >&2; exit 1; }
done
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
source "$here/serve-fixture.sh"
serve_fixture "$1" "$city" "$work"
port=${PORT:-18095}
route='/route?lon={lon}&lat={lat}&category={category}'
answered() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^geoctl_http_requests_total.*route="\/route".*status="200"/ {print $2}'; }
for bin in "$@"; do
  # valgrind 3.19 cannot read Swift's DWARF 5: count instructions on a copy without debug info.
  strip --strip-debug -o "$work/geoctl" "$bin"
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/cg.out" \
    "$work/geoctl" serve --threads 1 --reload off --store "$work/s.sqlite" --rules "$work/rules.yaml" --port "$port" 2> "$work/log" &
  pid=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.2; done
  wrk -t1 -c16 -d3s -s "$here/serve_points.lua" "http://127.0.0.1:$port" -- "$work/points.txt" "$route" > /dev/null
  before=$(answered)
  callgrind_control -i on "$pid" > /dev/null 2>&1
  callgrind_control -z "$pid" > /dev/null 2>&1
  wrk -t1 -c16 -d6s -s "$here/serve_points.lua" "http://127.0.0.1:$port" -- "$work/points.txt" "$route" > /dev/null
  callgrind_control -i off "$pid" > /dev/null 2>&1
  after=$(answered)
  kill "$pid"; wait "$pid" 2> /dev/null || true; pid=
  instructions=$(awk '/^totals:/ {print $2; exit}' "$work/cg.out")
  python3 -c "import sys; n = $after - $before; print('%s: %d answers, %.0f user-space instructions per answer' % (sys.argv[1], n, $instructions / n))" "$bin"
  rm -f "$work/cg.out"
done
