#!/usr/bin/env bash
# Import into SpatiaLite: geoctl import against ogr2ogr (GDAL) on the same files, one run.
# usage: bench/import.sh SCALE [RUNS]   (needs `make build` and gdal-bin)
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
bench_packages gdal-bin
bin="$repo/.build/release/geoctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "# $(nproc) cores; scale $scale; median of $runs runs; $(ogr2ogr --version)"
echo "| file | features | geoctl import s | ogr2ogr → SpatiaLite s | ratio |"
echo "|---|---|---|---|---|"
for layer in appeals buildings territories; do
  f="$city/$layer.geojson"
  g=$(for i in $(seq "$runs"); do rm -f "$work"/g.sqlite*; seconds "$bin" import "$f" --layer "$layer" --kind other --store "$work/g.sqlite"; done | median)
  o=$(for i in $(seq "$runs"); do rm -f "$work"/o.sqlite*; seconds ogr2ogr -f SQLite -dsco SPATIALITE=YES "$work/o.sqlite" "$f" -nln "$layer"; done | median)
  n=$("$bin" layers --store "$work/g.sqlite" --format csv | awk -F, -v l="$layer" '$1 == l {print $3}')
  echo "| $layer.geojson | $n | $g | $o | $(echo "scale=1; $o / $g" | bc)x |"
done
