#!/usr/bin/env bash
# The PostGIS store against its anchors, in one run on one throw-away PostgreSQL 15 + PostGIS 3
# cluster with default durability (scripts/with-postgres.sh, GEOCTL_PG_DURABLE=1):
#   - import of the city's appeals: geoctl (binary COPY with EWKB; one pass, and the same binary
#     with GEOCTL_IMPORT_PASSES=2) vs `ogr2ogr -f PostgreSQL` with PG_USE_COPY=YES vs geoctl's
#     own SpatiaLite import (whole commands, wall seconds);
#   - reading whole layers as the router, coverage and check do: PostGIS vs SpatiaLite;
#   - batch routing and coverage output files byte-identical between the two stores;
#   - binary COPY against text COPY of the same rows (why libpq, see PGConnection.swift), and
#     the server's floor for the import: those rows from a file, then the key and GiST index;
#   - with LARGE_SCALE: the import's peak memory at that scale (flat means it does not grow).
# usage: bench/postgis.sh SCALE [RUNS] [LARGE_SCALE]   (needs a release build: `make build`)
# The synthetic city comes from bench/make_city.py (bench/city-env.sh; CITY_DIR overrides).
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
large_scale=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
bench_packages bc time gdal-bin postgresql-15-postgis-3
large=""
if [ -n "$large_scale" ]; then
  large="$repo/.build/bench-city/s$large_scale"
  if ! grep -qs '"generator": "bench/make_city.py"' "$large/meta.json"; then
    echo "generating the synthetic city at scale $large_scale in $large (bench/make_city.py)" >&2
    python3 "$here/make_city.py" "$large_scale" "$large" > /dev/null
  fi
fi
bin="$repo/.build/release/geoctl"
[ -x "$bin" ] || { echo "no release build at $bin: run make build" >&2; exit 1; }
if [ -z "${GEOCTL_BENCH_INNER:-}" ]; then
  GEOCTL_PG_DURABLE=1 GEOCTL_BENCH_INNER=1 exec bash "$repo/scripts/with-postgres.sh" bash "$0" "$@"
fi
[ -n "${GEOCTL_TEST_PG:-}" ] || { echo "PostgreSQL with PostGIS is not installed (make deps-test)" >&2; exit 1; }
sock=$GEOCTL_TEST_PG_SOCKET
pg="$GEOCTL_TEST_PG&schema=bench"
work=$(mktemp -d "${TMPDIR:-/tmp}/geoctl-bench-pg.XXXXXX")
trap 'rm -rf "$work"' EXIT
psql() { /usr/lib/postgresql/15/bin/psql -h "$sock" -U postgres -d geoctl_test -XAtq "$@"; }
psql -c "CREATE SCHEMA ogr"

# median wall seconds of running "$@" $runs times; BEFORE (a command) runs untimed before each
median() {
  local times=()
  for _ in $(seq "$runs"); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }; e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  printf "%s\n" "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

appeals="$city/appeals.geojson"
mb=$(du -m "$appeals" | cut -f1)
n=$(grep -o '"Feature"' "$appeals" | wc -l)
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "# PostgreSQL $(psql -c 'SHOW server_version'), PostGIS $(psql -c 'SELECT postgis_lib_version()'), $(ogr2ogr --version | cut -d, -f1), default durability (fsync on)"
echo "# $appeals: $n features, $mb MB; median of $runs runs"
"$bin" import "$city/city.geojson" --layer city --kind boundary --store "$pg" >/dev/null 2>&1
t_pg=$(BEFORE="'$bin' drop appeals --store '$pg' >/dev/null 2>&1 || true" median "$bin" import "$appeals" --layer appeals --kind other --store "$pg")
t_pg2=$(BEFORE="'$bin' drop appeals --store '$pg' >/dev/null 2>&1 || true" GEOCTL_IMPORT_PASSES=2 median "$bin" import "$appeals" --layer appeals --kind other --store "$pg")
t_ogr=$(PG_USE_COPY=YES median ogr2ogr -f PostgreSQL "PG:host=$sock user=postgres dbname=geoctl_test" "$appeals" -nln ogr.appeals -overwrite -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST)
t_sl=$(BEFORE="rm -f '$work/store.sqlite'*" median "$bin" import "$appeals" --layer appeals --kind other --store "$work/store.sqlite")
echo
echo "| import of appeals ($n points, $mb MB) | seconds | features/s | vs geoctl → PostGIS |"
echo "|---|---|---|---|"
for row in "geoctl import → PostGIS (binary COPY, EWKB, one pass)|$t_pg" "the same, two passes (GEOCTL_IMPORT_PASSES=2)|$t_pg2" "ogr2ogr -f PostgreSQL, PG_USE_COPY=YES|$t_ogr" "geoctl import → SpatiaLite|$t_sl"; do
  name=${row%|*}; t=${row#*|}
  echo "| $name | $t | $(echo "$n / $t" | bc) | $(echo "scale=2; $t / $t_pg" | bc)x |"
done

# Reads: the same layers in both stores.
for pair in buildings:building territories:territory sites:waste-site districts:district; do
  layer=${pair%:*}; kind=${pair#*:}
  "$bin" import "$city/$layer.geojson" --layer "$layer" --kind "$kind" --store "$pg" >/dev/null 2>&1
  "$bin" import "$city/$layer.geojson" --layer "$layer" --kind "$kind" --store "$work/store.sqlite" >/dev/null 2>&1
done
"$bin" import "$appeals" --layer appeals --kind other --store "$work/store.sqlite" >/dev/null 2>&1 || true
echo
echo "| read a whole layer | features | PostGIS s | SpatiaLite s | PostGIS / SpatiaLite time |"
echo "|---|---|---|---|---|"
r_pg=$("$bin" bench read appeals buildings territories --runs "$runs" --format csv --store "$pg" | tail -n +2)
r_sl=$("$bin" bench read appeals buildings territories --runs "$runs" --format csv --store "$work/store.sqlite" | tail -n +2)
# The ratio from features/s, which keeps its precision for small layers (seconds have 3 decimals).
paste -d, <(echo "$r_pg") <(echo "$r_sl") | while IFS=, read -r l c s f _ _ s2 f2; do
  echo "| $l | $c | $s | $s2 | $(echo "scale=2; $f2 / $f" | bc) |"
done

# The same batch routing and coverage results from both stores (rules as in bench/route.sh).
source "$here/city-rules.sh"
city_rules "$work/rules.yaml"
"$bin" route --store "$pg" --rules "$work/rules.yaml" --input "$appeals" --output "$work/routed-pg.csv" 2>/dev/null
"$bin" route --store "$work/store.sqlite" --rules "$work/rules.yaml" --input "$appeals" --output "$work/routed-sl.csv" 2>/dev/null
echo
if cmp -s "$work/routed-pg.csv" "$work/routed-sl.csv"; then
  echo "batch routing of $n appeals from PostGIS and SpatiaLite: byte-identical ($(($(wc -l < "$work/routed-pg.csv") - 1)) rows)"
else
  echo "batch routing of $n appeals from PostGIS and SpatiaLite: DIFFER"
fi
"$bin" coverage --buildings buildings --sites sites --districts districts --output "$work/cov-pg" --store "$pg" >/dev/null
"$bin" coverage --buildings buildings --sites sites --districts districts --output "$work/cov-sl" --store "$work/store.sqlite" >/dev/null
if diff -r "$work/cov-pg" "$work/cov-sl" >/dev/null; then
  echo "coverage output files from PostGIS and SpatiaLite: byte-identical ($(ls "$work/cov-pg" | wc -l) files)"
else
  echo "coverage output files from PostGIS and SpatiaLite: DIFFER"
fi

# Why binary COPY: the same rows loaded as binary (what libpq's PQputCopyData sends for
# geoctl) and as text with hex EWKB (the only COPY format postgres-nio 1.33.2's copyFrom
# offers), server side, from files, median of the runs.
chmod 755 "$work"; mkdir -m 777 "$work/pg"
psql -c "COPY (SELECT * FROM bench.appeals ORDER BY fid) TO '$work/pg/rows.bin' (FORMAT binary)"
psql -c "COPY (SELECT * FROM bench.appeals ORDER BY fid) TO '$work/pg/rows.txt' (FORMAT text)"
true
load() { psql -c "BEGIN" -c "CREATE TABLE bench.fmt (LIKE bench.appeals)" -c "COPY bench.fmt FROM '$work/pg/rows.$1' (FORMAT $2, FREEZE)" -c "ROLLBACK"; }
t_bin=$(median load bin binary)
t_txt=$(median load txt text)
# The server's floor for an import of this layout: the same binary rows from a file (no
# client at all), then the primary key and the GiST index, in one transaction, as geoctl does.
floor() {
  psql -c "BEGIN" -c "CREATE TABLE bench.fmt (LIKE bench.appeals)" -c "COPY bench.fmt FROM '$work/pg/rows.bin' (FORMAT binary, FREEZE)" \
    -c "ALTER TABLE bench.fmt ADD PRIMARY KEY (fid)" -c "CREATE INDEX ON bench.fmt USING gist (geom)" -c "ROLLBACK"
}
t_floor=$(median floor)
echo
echo "| COPY of the appeals rows (server side, from a file) | seconds |"
echo "|---|---|"
echo "| binary, EWKB (libpq, geoctl), no index | $t_bin |"
echo "| text, hex EWKB (postgres-nio 1.33.2 copyFrom offers only text), no index | $t_txt |"
echo "| binary, then primary key and GiST: the server's floor for geoctl's import | $t_floor |"
echo "(5x ogr2ogr would be $(echo "scale=3; $t_ogr / 5" | bc) s for the whole import)"

if [ -n "$large" ]; then
  big="$large/appeals.geojson"
  nb=$(grep -o '"Feature"' "$big" | wc -l)
  for f in "$appeals" "$big"; do
    "$bin" drop appeals --store "$pg" >/dev/null 2>&1 || true
    /usr/bin/time -o "$work/time" -f "%M %e" "$bin" import "$f" --layer appeals --kind other --store "$pg" >/dev/null 2>&1
    m=$(tail -1 "$work/time")
    echo "import $(basename "$(dirname "$f")")/appeals.geojson → PostGIS: peak RSS $(( ${m% *} / 1024 )) MiB, ${m#* } s"
  done
  echo "($nb features in the larger file)"
fi
