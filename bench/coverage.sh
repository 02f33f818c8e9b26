#!/usr/bin/env bash
# Waste-site coverage: geoctl beside GeoPandas and PostGIS on the synthetic city, one run.
# usage: bench/coverage.sh SCALE [RUNS]   (needs `make build`; PostgreSQL as bench/route.sh sets it up)
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
city=${CITY_DIR:-/tmp/geoctl-city-s$scale}
venv=${BENCH_VENV:-/tmp/geoctl-route-venv}
[ -f "$city/buildings.geojson" ] || "$repo/../shared/bench/make-city" "$scale" "$city" >&2
export PGHOST=/tmp/geoctl-pgsock PGPORT=5433 PGUSER=postgres PGDATABASE=bench
psql -X -q -c "select 1" > /dev/null 2>&1 || { echo "start PostgreSQL first: bash bench/route.sh 1 1 sets it up" >&2; exit 1; }
echo "# $(nproc) cores, scale $scale, median of $runs runs, $(date -u +%F)"
"$venv/bin/python" "$here/coverage_anchors.py" "$repo/.build/release/geoctl" "$city" "$runs"
