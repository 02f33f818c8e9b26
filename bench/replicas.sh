#!/usr/bin/env bash
# "One region, many towns": two `geoctl serve` replicas on this machine against one PostGIS
# (a throw-away PostgreSQL 15 + PostGIS 3 cluster, scripts/with-postgres.sh, default durability).
#   - GET /route requests/s: wrk on each replica at once (16 connections each), summed;
#   - reload time: from an `import --replace` of the territories exiting to both replicas'
#     /readyz showing the new layer version (they LISTEN and reload on NOTIFY), idle and under
#     the same wrk load; no request may fail meanwhile (wrk's non-2xx and socket errors).
# wrk runs on the same machine as both replicas and PostgreSQL.
# usage: bench/replicas.sh [SCALE] [DURATION] [BINARY]   (SCALE default 1, DURATION default 5s;
#   BINARY defaults to .build/release/geoctl, `make build`). Needs wrk, curl and python3.
set -euo pipefail
scale=${1:-1}
duration=${2:-5s}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
bench_packages wrk curl postgresql-15-postgis-3
bin=${3:-$repo/.build/release/geoctl}
[ -x "$bin" ] || { echo "no release build at $bin: run make build" >&2; exit 1; }
if [ -z "${GEOCTL_BENCH_INNER:-}" ]; then
  GEOCTL_PG_DURABLE=1 GEOCTL_BENCH_INNER=1 exec bash "$repo/scripts/with-postgres.sh" bash "$0" "$@"
fi
[ -n "${GEOCTL_TEST_PG:-}" ] || { echo "PostgreSQL with PostGIS is not installed (make deps-test)" >&2; exit 1; }
pg="$GEOCTL_TEST_PG&schema=region"
p1=${PORT:-18181}
p2=$((p1 + 1))
work=$(mktemp -d "${TMPDIR:-/tmp}/geoctl-bench-replicas.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null && wait "$p" 2> /dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

"$bin" import "$city/territories.geojson" --layer territories --kind territory --store "$pg" > /dev/null
cat > "$work/rules.yaml" <<'RULES'
organisations: [{id: admin, name: Администрация}]
categories:
  - {id: garbage, name_ru: Мусор, name_en: Garbage, deadline_days: 5, strategies: [{covering: {layer: territories, organisation: org, border_metres: 5}}, {fallback: admin}]}
RULES
python3 - "$city/appeals.geojson" "$work/points.txt" <<'PY'
import json, sys
features = json.load(open(sys.argv[1], encoding="utf-8"))["features"]
with open(sys.argv[2], "w") as f:
    for ft in features[:10000]:
        lon, lat = ft["geometry"]["coordinates"][:2]
        f.write("%r,%r,garbage\n" % (lon, lat))
PY
# Version B of the territories (organisations reversed), so a reload changes answers.
python3 - "$city/territories.geojson" "$work/territories-b.geojson" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
orgs = [f["properties"].get("org") for f in doc["features"]][::-1]
for f, org in zip(doc["features"], orgs):
    f["properties"]["org"] = org
json.dump(doc, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY

for port in "$p1" "$p2"; do
  "$bin" serve --store "$pg" --rules "$work/rules.yaml" --port "$port" 2> "$work/serve-$port.log" &
  pids+=($!)
done
for port in "$p1" "$p2"; do
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$work/serve-$port.log" >&2; exit 1; }
done
territories=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$city/territories.geojson")
echo "# two geoctl serve replicas on one PostGIS (PostgreSQL 15, Unix socket), $(nproc) cores, $territories territories, load $(cut -d' ' -f1-3 /proc/loadavg) at start, $(date -u +%FT%TZ)"
echo "# wrk -t1 -c16 -d$duration on each replica at once, 10,000 distinct points; $(uname -srm)"

route='/route?lon={lon}&lat={lat}&category={category}'
both() {  # label: wrk on both replicas at once; requests/s summed, errors listed
  local a b
  wrk -t1 -c16 -d"$duration" --latency -s "$here/serve_points.lua" "http://127.0.0.1:$p1" -- "$work/points.txt" "$route" > "$work/wrk1" &
  a=$!
  wrk -t1 -c16 -d"$duration" --latency -s "$here/serve_points.lua" "http://127.0.0.1:$p2" -- "$work/points.txt" "$route" > "$work/wrk2" &
  b=$!
  wait "$a" "$b"
  python3 - "$1" "$work/wrk1" "$work/wrk2" <<'PY'
import re, sys
total = 0.0
parts = []
for path in sys.argv[2:]:
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total += rps
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    p99 = re.search(r"99%\s+(\S+)", text)
    parts.append("%.0f/s p99 %s non-2xx %s%s" % (rps, p99.group(1) if p99 else "?", bad.group(1) if bad else "0",
                                                 (" socket errors: " + errors.group(1)) if errors else ""))
print("%s: %.0f requests/s in all (%s)" % (sys.argv[1], total, "; ".join(parts)))
PY
}

# reload LABEL FILE: import --replace FILE, then the seconds from its exit until each replica's
# /readyz shows the new territories version.
reload() {
  local before
  before=$(curl -s "http://127.0.0.1:$p1/readyz" | python3 -c "import json,sys; print(json.load(sys.stdin)['layers']['territories'])")
  "$bin" import "$2" --layer territories --kind territory --replace --store "$pg" > /dev/null
  python3 - "$1" "$before" "$p1" "$p2" <<'PY'
import json, sys, time, urllib.request
label, before, ports = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
start = time.monotonic()
took = {}
while len(took) < len(ports) and time.monotonic() - start < 30:
    for p in ports:
        if p in took:
            continue
        v = json.load(urllib.request.urlopen("http://127.0.0.1:%s/readyz" % p))["layers"]["territories"]
        if v > before:
            took[p] = time.monotonic() - start
    time.sleep(0.002)
print("%s: import --replace exited, replicas on the new version after %s" % (
    label, ", ".join("%.0f ms" % (took[p] * 1000) if p in took else "NOT within 30 s" for p in ports)))
PY
}

both "GET /route, two replicas"
reload "reload, idle" "$work/territories-b.geojson"
reload "reload, idle" "$city/territories.geojson"
( sleep 1.5; reload "reload under wrk load" "$work/territories-b.geojson" ) &
reloader=$!
both "GET /route during that reload"
wait "$reloader"
echo "reloads per replica: $(for p in "$p1" "$p2"; do curl -s "http://127.0.0.1:$p/metrics" | grep -E '^geoctl_reloads_total' | tr '\n' ' '; done)"
grep -h "listening for store changes" "$work"/serve-*.log | sed 's/^/# /' | head -2
