#!/usr/bin/env bash
# Territory check: `geoctl check territories` beside Shapely and PostGIS doing the same
# overlay (self-join intersections, union, difference with the boundary), in one run.
# usage: bench/check.sh SCALE [RUNS]   (needs `make build`; sets up PostGIS and a Python venv)
set -euo pipefail
scale=${1:-10}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
source "$here/anchors-env.sh"
echo "# $(nproc) cores, scale $scale, median of $runs runs, $(date -u +%F)"
"$venv/bin/python" "$here/check_anchors.py" "$repo/.build/release/geoctl" "$city" "$runs"
