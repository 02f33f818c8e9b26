#!/usr/bin/env bash
# Works and outages: geoctl affected/conflicts beside PostGIS and GeoPandas, one run.
# 10,000 works (bench/make_works.py) against the synthetic city's buildings (200,000 at scale 10).
# usage: bench/works.sh SCALE [RUNS]   (needs `make build`; sets up PostGIS and a Python venv)
set -euo pipefail
scale=${1:-10}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
city=${CITY_DIR:-/tmp/geoctl-city-s$scale}
# The project's own generator once it is on main (bench/make_city.py), else the shared one.
if [ ! -f "$city/buildings.geojson" ]; then
  if [ -f "$here/make_city.py" ]; then python3 "$here/make_city.py" "$scale" "$city" >&2
  else "$repo/../shared/bench/make-city" "$scale" "$city" >&2; fi
fi
works=${WORKS_FILE:-/tmp/geoctl-works-s$scale.geojson}
[ -f "$works" ] || python3 "$here/make_works.py" "$city" "$works" 10000
source "$here/anchors-env.sh"
echo "# $(nproc) cores, scale $scale, median of $runs runs, $(date -u +%F)"
"$venv/bin/python" "$here/works_anchors.py" "$repo/.build/release/geoctl" "$city/buildings.geojson" "$works" "$runs"
