#!/usr/bin/env bash
# Import into SpatiaLite: geoctl import against ogr2ogr (GDAL) into SpatiaLite and into a
# GeoPackage, on the same files, in one run; peak resident memory of each geoctl import.
# usage: bench/import.sh SCALE [RUNS] [LAYERS…]   (needs `make build` and gdal-bin)
# GEOCTL_BIN=path measures another geoctl binary (an A/B of two builds).
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
layers=${*:-appeals buildings requests311 territories}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
bench_packages gdal-bin
bin=${GEOCTL_BIN:-$repo/.build/release/geoctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/timing.sh"
echo "# $(nproc) cores; scale $scale; median of $runs runs; $(ogr2ogr --version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| file | features | MB | geoctl import s | peak RSS MB | ogr2ogr → SpatiaLite s | ogr2ogr → GPKG s | vs SpatiaLite | vs GPKG |"
echo "|---|---|---|---|---|---|---|---|---|"
for layer in $layers; do
  f="$city/$layer.geojson"
  g=$(for i in $(seq "$runs"); do rm -f "$work"/g.sqlite*; seconds "$bin" import "$f" --layer "$layer" --kind other --store "$work/g.sqlite"; done | median)
  rm -f "$work"/g.sqlite*
  rss=$(/usr/bin/time -f %M "$bin" import "$f" --layer "$layer" --kind other --store "$work/g.sqlite" 2>&1 >/dev/null | tail -1)
  o=$(for i in $(seq "$runs"); do rm -f "$work"/o.sqlite*; seconds ogr2ogr -f SQLite -dsco SPATIALITE=YES "$work/o.sqlite" "$f" -nln "$layer"; done | median)
  p=$(for i in $(seq "$runs"); do rm -f "$work"/o.gpkg*; seconds ogr2ogr -f GPKG "$work/o.gpkg" "$f" -nln "$layer"; done | median)
  n=$("$bin" layers --store "$work/g.sqlite" --format csv | awk -F, -v l="$layer" '$1 == l {print $3}')
  mb=$(echo "scale=1; $(stat -c %s "$f") / 1000000" | bc)
  echo "| $layer.geojson | $n | $mb | $g | $(( rss / 1024 )) | $o | $p | $(echo "scale=1; $o / $g" | bc)x | $(echo "scale=1; $p / $g" | bc)x |"
done
