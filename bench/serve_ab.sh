#!/usr/bin/env bash
# Two (or more) builds of `geoctl serve` compared in one slot: the servers take turns on the same
# store and rules, ROUNDS times, each loaded by wrk with the same 10,000 appeal points
# (bench/serve_points.lua) after a 2 s warm-up, so the machine's drift falls on every build alike.
# usage: bench/serve_ab.sh CITY_DIR DURATION ROUNDS BINARY...
# Env: CONNS ("16 64"), WRK_THREADS (1, as bench/serve.sh), WRK_SCRIPT (bench/serve_points.lua), PORT (18085).
# Prints per run: req/s, p50/p99, the server's CPU per answer (user + system, /proc/PID/stat) and
# wrk's own CPU per request (user + system, /usr/bin/time): the two share the machine's cores.
set -euo pipefail
city=${1:?usage: bench/serve_ab.sh CITY_DIR DURATION ROUNDS BINARY...}
duration=${2:?usage}
rounds=${3:?usage}
shift 3
[ $# -gt 0 ] || { echo "bench/serve_ab.sh: give at least one binary" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
port=${PORT:-18085}
threads=${WRK_THREADS:-1}
script=${WRK_SCRIPT:-$here/serve_points.lua}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
source "$here/serve-fixture.sh"
serve_fixture "$1" "$city" "$work"
route='/route?lon={lon}&lat={lat}&category={category}'
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "# bench/serve_ab.sh: $(nproc) cores, wrk -t$threads, $duration per run, $rounds rounds, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for bin in "$@"; do
    "$bin" serve --reload off --store "$work/s.sqlite" --rules "$work/rules.yaml" --port "$port" 2> "$work/serve.log" &
    pid=$!
    for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.1; done
    wrk -t"$threads" -c64 -d2s -s "$script" "http://127.0.0.1:$port" -- "$work/points.txt" "$route" > /dev/null
    for c in ${CONNS:-16 64}; do
      before=$(cpu_ticks "$pid")
      /usr/bin/time -f "WRKCPU %U %S" -o "$work/wrk.time" wrk -t"$threads" -c"$c" -d"$duration" --latency -s "$script" \
        "http://127.0.0.1:$port" -- "$work/points.txt" "$route" > "$work/wrk.out"
      after=$(cpu_ticks "$pid")
      out=$(grep '^SUMMARY' "$work/wrk.out")
      requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<< "$out")
      us=$(python3 -c "import os, sys; print('%.1f' % ((int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf('SC_CLK_TCK') * 1e6 / max(int(sys.argv[3]), 1)))" "$before" "$after" "$requests")
      wrk_us=$(awk -v n="$requests" '/^WRKCPU/ {printf "%.1f", ($2 + $3) * 1e6 / (n > 0 ? n : 1)}' "$work/wrk.time")
      echo "round $round $bin c$c: ${out#SUMMARY } server_cpu_us=$us wrk_cpu_us=$wrk_us"
    done
    kill "$pid"; wait "$pid" 2> /dev/null || true; pid=
  done
done
