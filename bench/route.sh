#!/usr/bin/env bash
# Appeal routing: geoctl in memory and end to end, beside GeoPandas and PostGIS, in one run.
# usage: bench/route.sh SCALE [RUNS]   (needs `make build`; installs PostGIS and a Python venv)
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
bin="$repo/.build/release/geoctl"
source "$here/anchors-env.sh"
echo "# $(nproc) cores, scale $scale, median of $runs runs, $(date -u +%F)"
"$bin" bench route --territories "$city/territories.geojson" --appeals "$city/appeals.geojson" --runs "$runs" --format csv
"$venv/bin/python" "$here/route_anchors.py" "$city" "$runs"
# End to end: the store, then `geoctl route --input … --output …` and one cold `geoctl route`.
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$bin" import "$city/territories.geojson" --layer territories --kind territory --store "$work/s.sqlite" > /dev/null
source "$here/city-rules.sh"
city_rules "$work/rules.yaml"
# End to end against the GeoPandas script (read, sjoin, write) as whole processes, alternated.
source "$here/timing.sh"
for format in csv geojson; do
  ours=(); theirs=()
  for i in $(seq "$runs"); do
    ours+=("$(seconds "$bin" route --store "$work/s.sqlite" --rules "$work/rules.yaml" --input "$city/appeals.geojson" --output "$work/out.$format")")
    theirs+=("$(seconds "$venv/bin/python" "$here/route_e2e_anchor.py" "$city" "$work/anchor.$format")")
  done
  g=$(printf '%s\n' "${ours[@]}" | median); p=$(printf '%s\n' "${theirs[@]}" | median)
  echo "end to end, $format output: geoctl route --input appeals.geojson --output out.$format $g s, GeoPandas read+sjoin+$([ $format = csv ] && echo to_csv || echo to_file) $p s: $(echo "scale=1; $p / $g" | bc)x (medians of $runs, alternated; $(wc -c < "$work/out.$format") bytes)"
done
echo "end to end rows: $(($(wc -l < "$work/out.csv") - 1))"
cold=()
for i in $(seq 11); do
  s=$(date +%s.%N); "$bin" route --store "$work/s.sqlite" --rules "$work/rules.yaml" --lon 60.73 --lat 56.08 --category "Прочее" > /dev/null 2>&1; e=$(date +%s.%N)
  cold+=("$(echo "$e - $s" | bc)")
done
echo "cold start: one geoctl route process: $(printf '%s\n' "${cold[@]}" | sort -n | sed -n 6p) s (median of 11)"
