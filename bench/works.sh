#!/usr/bin/env bash
# Works and outages: geoctl affected/conflicts beside PostGIS and GeoPandas, one run.
# 10,000 works (bench/make_works.py) against the synthetic city's buildings (200,000 at scale 10).
# usage: bench/works.sh SCALE [RUNS]   (needs `make build`; sets up PostGIS and a Python venv)
set -euo pipefail
scale=${1:-10}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
# $city (bench/make_city.py, CITY_DIR to reuse one), $venv (BENCH_VENV), PostGIS.
source "$here/city-env.sh"
works=${WORKS_FILE:-$city/works-10000.geojson}
[ -f "$works" ] || python3 "$here/make_works.py" "$city" "$works" 10000
source "$here/anchors-env.sh"
echo "# $(nproc) cores, scale $scale, median of $runs runs, $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$venv/bin/python" "$here/works_anchors.py" "$repo/.build/release/geoctl" "$city/buildings.geojson" "$works" "$runs"
