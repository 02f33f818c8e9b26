#!/usr/bin/env bash
# Formats through GDAL (issue 15): `geoctl import` of a Shapefile (windows-1251) and a
# GeoPackage, which go through `ogr2ogr -f GeoJSONSeq /vsistdout/`, against `geoctl import`
# of the same layer as GeoJSON (the anchor), ogr2ogr's own conversion alone, and the status
# quo (ogr2ogr straight into SpatiaLite), one run; plus peak memory, which must not grow
# with the feature count.
# usage: bench/formats.sh SCALE [RUNS]   (needs `make build` and gdal-bin)
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
bench_packages gdal-bin
bin="$repo/.build/release/geoctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/timing.sh"
echo "# $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); scale $scale; median of $runs runs; $(ogr2ogr --version)"
echo "| layer | features | GeoJSON import s | Shapefile import s | GeoPackage import s | ogr2ogr → GeoJSONSeq alone s | ogr2ogr → SpatiaLite s | Shapefile / GeoJSON | peak RSS GeoJSON / Shapefile MB |"
echo "|---|---|---|---|---|---|---|---|---|"
for layer in appeals buildings; do
  f="$city/$layer.geojson"
  ogr2ogr -f "ESRI Shapefile" -lco ENCODING=CP1251 "$work/$layer.shp" "$f" 2> /dev/null
  ogr2ogr -f GPKG -nln "$layer" "$work/$layer.gpkg" "$f"
  run() { rm -f "$work"/s.sqlite*; seconds "$bin" import "$1" --layer "$layer" --kind other --store "$work/s.sqlite"; }
  g=$(for i in $(seq "$runs"); do run "$f"; done | median)
  s=$(for i in $(seq "$runs"); do run "$work/$layer.shp"; done | median)
  p=$(for i in $(seq "$runs"); do run "$work/$layer.gpkg"; done | median)
  a=$(for i in $(seq "$runs"); do seconds ogr2ogr -f GeoJSONSeq -a_srs None /vsistdout/ "$work/$layer.shp"; done | median)
  o=$(for i in $(seq "$runs"); do rm -f "$work"/o.sqlite*; seconds ogr2ogr -f SQLite -dsco SPATIALITE=YES "$work/o.sqlite" "$work/$layer.shp" -nln "$layer"; done | median)
  rm -f "$work"/s.sqlite*; mg=$(peak_kb "$bin" import "$f" --layer "$layer" --kind other --store "$work/s.sqlite")
  rm -f "$work"/s.sqlite*; ms=$(peak_kb "$bin" import "$work/$layer.shp" --layer "$layer" --kind other --store "$work/s.sqlite")
  n=$("$bin" layers --store "$work/s.sqlite" --format csv | awk -F, -v l="$layer" '$1 == l {print $3}')
  echo "| $layer | $n | $g | $s | $p | $a | $o | $(echo "scale=2; $s / $g" | bc)x | $((mg / 1024)) / $((ms / 1024)) |"
done
