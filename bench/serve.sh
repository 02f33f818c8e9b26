#!/usr/bin/env bash
# geoctl serve under wrk on loopback: GET /route (and MapIt-style /point) with 10,000 distinct
# appeal points, 1, 16 and 64 connections; POST /route with 100,000 points; a reload under
# load; resident memory. wrk runs on the same machine.
# usage: bench/serve.sh SCALE|CITY_DIR [DURATION] [BINARY]
#   SCALE: the synthetic city at that scale (bench/make_city.py, generated when missing); or a
#   CITY_DIR holding territories.geojson and appeals.geojson;
#   DURATION per wrk run (default 15s); BINARY defaults to .build/release/geoctl (`make build`).
# Needs wrk (Debian: apt-get install wrk), curl and python3.
# MAPIT=1 adds the anchor, MapIt under gunicorn on PostGIS (bench/mapit/run.sh; installs itself).
# SERVE_THREADS=N runs the server with --threads N (default: one event loop per core).
# WRK_THREADS=N gives wrk N threads (default 1: wrk shares the 2 cores with the server, and one
# thread driving all connections costs it about a third less CPU per request than two).
set -euo pipefail
target=${1:?usage: bench/serve.sh SCALE|CITY_DIR [DURATION] [BINARY]}
duration=${2:-15s}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
if [ -d "$target" ]; then
  city=$target
else
  scale=$target
  source "$here/city-env.sh"
  bench_packages wrk curl
fi
bin=${3:-$repo/.build/release/geoctl}
wrk_threads=${WRK_THREADS:-1}
export WRK_THREADS=$wrk_threads
port=${PORT:-18080}
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk (make bench-serve installs it)" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT

# The store, the rules and 10,000 distinct appeal points for GET; 100,000 rows for POST (both
# from appeals.geojson).
source "$here/serve-fixture.sh"
serve_fixture "$bin" "$city" "$work"
python3 - "$city/appeals.geojson" "$work" <<'PY'
import json, sys
features = json.load(open(sys.argv[1], encoding="utf-8"))["features"]
with open(sys.argv[2] + "/batch.csv", "w", encoding="utf-8") as f:
    f.write("id,lon,lat,category\n")
    for k in range(100000):
        ft = features[k % len(features)]
        lon, lat = ft["geometry"]["coordinates"][:2]
        f.write("%d,%r,%r,%s\n" % (k + 1, lon, lat, ft["properties"]["category"]))
PY
# A second version of the territories (organisations reversed), for reloads that change something.
python3 - "$city/territories.geojson" "$work/territories-b.geojson" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
orgs = [f["properties"].get("org") for f in doc["features"]][::-1]
for f, org in zip(doc["features"], orgs):
    f["properties"]["org"] = org
json.dump(doc, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY

"$bin" serve ${SERVE_THREADS:+--threads "$SERVE_THREADS"} --store "$work/s.sqlite" --rules "$work/rules.yaml" --port "$port" 2> "$work/serve.log" &
pid=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$work/serve.log" >&2; exit 1; }
territories=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$city/territories.geojson")
echo "# geoctl serve${SERVE_THREADS:+ --threads $SERVE_THREADS}, $(nproc) cores, $territories territories, wrk -t$wrk_threads on the same machine, $duration per run, $(date -u +%FT%TZ)"
echo "# $(uname -srm); $(wrk --version 2>&1 | head -1 | cut -c1-40)"

run() {  # label connections threads template
  local out
  out=$(wrk -t"$3" -c"$2" -d"$duration" --latency -s "$here/serve_points.lua" "http://127.0.0.1:$port" -- "$work/points.txt" "$4" | grep '^SUMMARY')
  echo "$1 c$2: ${out#SUMMARY }" | tee -a "$work/lines.txt"
}
route='/route?lon={lon}&lat={lat}&category={category}'
run "GET /route" 1 1 "$route"
run "GET /route" 16 "$wrk_threads" "$route"
run "GET /route" 64 "$wrk_threads" "$route"
run "GET /point/4326" 16 "$wrk_threads" '/point/4326/{lon},{lat}'
run "GET /point/4326" 64 "$wrk_threads" '/point/4326/{lon},{lat}'

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }
router_mb=$(curl -s "http://127.0.0.1:$port/readyz" | python3 -c "import json,sys; print(round(json.load(sys.stdin)['router_memory_bytes'] / 1048576, 1))")
echo "memory after the GET runs: resident $(rss) MiB (peak $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status") MiB); router index $router_mb MiB"

# POST /route with 100,000 points, end to end (curl sends the CSV and reads the whole answer).
best=
for _ in 1 2 3; do
  t=$(curl -s -o "$work/batch.out" -w '%{time_total}' -H 'Content-Type: text/csv' --data-binary @"$work/batch.csv" "http://127.0.0.1:$port/route")
  best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
done
echo "POST /route 100,000 points (CSV in, CSV out): best of 3 ${best} s, $(($(wc -l < "$work/batch.out") - 1)) rows"

# A reload under load: the territories replaced 3 times (alternating versions) during a c64 run.
( sleep 2; for f in "$work/territories-b.geojson" "$city/territories.geojson" "$work/territories-b.geojson"; do
    "$bin" import "$f" --layer territories --kind territory --replace --store "$work/s.sqlite" > /dev/null; sleep 3; done ) &
importer=$!
run "GET /route during 3 reloads" 64 "$wrk_threads" "$route"
wait "$importer"
sleep 1
echo "reloads: $(curl -s "http://127.0.0.1:$port/metrics" | grep -E '^geoctl_reload(s|_failures)_total' | tr '\n' ' ')"
echo "memory at the end: resident $(rss) MiB"

# The anchor, in the same run (MAPIT=1; `make bench-serve` sets it): MapIt under gunicorn on a
# throw-away PostGIS, the same points through the same wrk script, and geoctl's ratio to it.
if [ "${MAPIT:-0}" = 1 ]; then
  bash "$here/mapit/run.sh" "$city" "$work/points.txt" "$duration" "$work/lines.txt"
fi
