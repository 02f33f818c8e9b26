#!/usr/bin/env bash
# Waste-site coverage: geoctl beside GeoPandas and PostGIS on the synthetic city, one run.
# usage: bench/coverage.sh SCALE [RUNS]   (needs `make build`; sets up PostGIS and a Python venv)
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
source "$here/anchors-env.sh"
echo "# $(nproc) cores, scale $scale, median of $runs runs, $(date -u +%F)"
"$venv/bin/python" "$here/coverage_anchors.py" "$repo/.build/release/geoctl" "$city" "$runs"
