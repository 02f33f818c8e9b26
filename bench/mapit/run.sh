#!/usr/bin/env bash
# The serve benchmark's anchor: MapIt (mySociety's django-mapit 3.0, the point -> area service
# behind FixMyStreet) under gunicorn with 2 sync workers and persistent database connections, on
# a throw-away PostgreSQL 15 + PostGIS 3.3 cluster, answering GET /point/4326/{lon},{lat} for the
# city's territories under wrk at 16 and 64 connections; then, on the same cluster, the database's
# own floor: pgbench with one prepared ST_Covers lookup per transaction at 16 and 64 connections.
# usage: bench/mapit/run.sh CITY_DIR POINTS DURATION [GEOCTL_LINES]
#   CITY_DIR holds territories.geojson; POINTS is bench/serve.sh's "lon,lat,category" file (the
#   same 10,000 appeal points, cycled by the same bench/serve_points.lua); DURATION per wrk run;
#   GEOCTL_LINES, a file with bench/serve.sh's "GET /route cN: rps=…" lines, adds the ratios
#   geoctl GET /route req/s ÷ MapIt req/s (and ÷ pgbench tps) at c16 and c64.
# Env: WRK_THREADS (1, as bench/serve.sh), PGBENCH (1; 0 leaves the pgbench floor out),
#   PGBENCH_JOBS ("1 2": pgbench's threads, each tried; the better is the floor), MAPIT_PORT
#   (18090), MAPIT_WORKERS (2), MAPIT_CONN_MAX_AGE (600 s; MapIt's own default 0 opens a
#   database connection per request, about 3x slower), MAPIT_VENV.
# Adapted from the tested recipe in ../shared/bench/serve/ (install.sh, start_pg.sh,
# load_city.sh, serve_mapit.sh, stop.sh; not in this repository): the same PostgreSQL settings,
# the same import through MapIt's own management commands, the same gunicorn configuration.
# Everything it starts it stops, and its scratch folder goes, also on failure or interrupt.
set -euo pipefail
city=${1:?usage: bench/mapit/run.sh CITY_DIR POINTS DURATION [GEOCTL_LINES]}
points=${2:?usage: bench/mapit/run.sh CITY_DIR POINTS DURATION [GEOCTL_LINES]}
duration=${3:?usage: bench/mapit/run.sh CITY_DIR POINTS DURATION [GEOCTL_LINES]}
geoctl_lines=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
port=${MAPIT_PORT:-18090}
workers=${MAPIT_WORKERS:-2}
[ -f "$city/territories.geojson" ] || { echo "bench/mapit/run.sh: $city/territories.geojson is missing" >&2; exit 1; }
[ -s "$points" ] || { echo "bench/mapit/run.sh: the points file $points is missing or empty" >&2; exit 1; }
py=$(bash "$here/install.sh")
venv=$(dirname "$(dirname "$py")")
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# In /tmp, not $TMPDIR: the server runs as user postgres, which must reach the folder, and the
# socket path must stay under 108 bytes (as scripts/with-postgres.sh).
dir=$(mktemp -d /tmp/geoctl-mapit.XXXXXX)
chmod 755 "$dir"
run_as=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; run_as=(runuser -u postgres --); fi
gunicorn_pid=
cleanup() {
  if [ -n "$gunicorn_pid" ]; then
    kill -TERM "$gunicorn_pid" 2> /dev/null || true
    wait "$gunicorn_pid" 2> /dev/null || true
  fi
  [ -f "$dir/data/postmaster.pid" ] && "${run_as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The recipe's server settings (start_pg.sh): Unix socket only, fsync off (the load only reads).
"${run_as[@]}" "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5434
max_connections = 200
shared_buffers = 2GB
work_mem = 256MB
maintenance_work_mem = 1GB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
jit = off
CONF
"${run_as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
export PGHOST=$dir PGPORT=5434 PGUSER=postgres
export MAPIT_DB_NAME=mapit MAPIT_CONN_MAX_AGE=${MAPIT_CONN_MAX_AGE:-600} MAPIT_BENCH_CACHE=dummy
export PYTHONDONTWRITEBYTECODE=1
"$PGBIN/createdb" mapit
"$PGBIN/psql" -X -q -d mapit -c "CREATE EXTENSION postgis"

# The recipe's import (load_city.sh), with MapIt's own commands: a generation, the territories as
# areas of type MCT with their code, the organisation as a second code, then the generation active.
manage() { (cd "$here/mapit_project" && "$py" manage.py "$@"); }
manage migrate --noinput -v 0
# mapit_import asks interactively for unknown types, name types, countries and code types.
manage shell -c "
from mapit.models import Country, Type, NameType, CodeType
Country.objects.get_or_create(code='SC', defaults={'name': 'Synthetic city'})
Type.objects.get_or_create(code='MCT', defaults={'description': 'Management-company territory'})
NameType.objects.get_or_create(code='name', defaults={'description': 'Territory name'})
CodeType.objects.get_or_create(code='territory', defaults={'description': 'Territory code'})
CodeType.objects.get_or_create(code='org', defaults={'description': 'Management company'})
"
manage mapit_generation_create --commit --desc "geoctl bench/serve.sh" > /dev/null
generation=$(manage shell -c "from mapit.models import Generation; print(Generation.objects.new().id)")
manage mapit_import "$city/territories.geojson" --commit --generation_id "$generation" \
  --country_code SC --area_type_code MCT --name_type_code name --name_field name \
  --code_field code --code_type territory > "$dir/import.log" 2>&1 || { cat "$dir/import.log" >&2; exit 1; }
manage mapit_generation_activate --commit > /dev/null
MAPIT_CITY=$city manage shell -c "
import json, os
from mapit.models import Area, CodeType
org = CodeType.objects.get(code='org')
path = os.path.join(os.environ['MAPIT_CITY'], 'territories.geojson')
orgs = {f['properties']['code']: f['properties']['org'] for f in json.load(open(path, encoding='utf-8'))['features']}
for area in Area.objects.all():
    area.codes.update_or_create(type=org, defaults={'code': orgs[area.all_codes['territory']]})
"
"$PGBIN/psql" -X -q -d mapit -c "VACUUM ANALYZE"
areas=$("$PGBIN/psql" -X -At -d mapit -c "SELECT count(*) FROM mapit_area")
features=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1], encoding='utf-8'))['features']))" "$city/territories.geojson")
[ "$areas" = "$features" ] || { echo "bench/mapit/run.sh: MapIt imported $areas areas from $features territories" >&2; cat "$dir/import.log" >&2; exit 1; }

# The recipe's server (serve_mapit.sh), in the foreground of this script so that it is stopped.
"$venv/bin/gunicorn" mapit_bench.wsgi:application --chdir "$here/mapit_project" \
  --bind "127.0.0.1:$port" --workers "$workers" --worker-class sync --worker-tmp-dir "$dir" \
  --error-logfile "$dir/gunicorn.log" &
gunicorn_pid=$!
for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/generations" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$port/generations" || { cat "$dir/gunicorn.log" >&2; exit 1; }
# One answer must name a territory, or the runs below would measure empty lookups.
IFS=, read -r lon lat _ < "$points"
curl -sf "http://127.0.0.1:$port/point/4326/$lon,$lat" | python3 -c "
import json, sys
answer = json.load(sys.stdin)
assert any(a['type'] == 'MCT' for a in answer.values()), 'MapIt found no territory at the first point: %r' % answer
"

versions=$("$py" -c "import django, gunicorn; print('Django %s, gunicorn %s' % (django.get_version(), gunicorn.__version__))")
pg=$("$PGBIN/psql" -X -At -d mapit -c "SELECT split_part(version(), ' ', 2) || ' + PostGIS ' || postgis_lib_version()")
echo "# anchor: MapIt (django-mapit 3.0, $versions, $workers sync workers, CONN_MAX_AGE=$MAPIT_CONN_MAX_AGE, no cache) on PostgreSQL $pg, $areas areas; load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A mapit_rps
for c in 16 64; do
  out=$(wrk -t"${WRK_THREADS:-1}" -c"$c" -d"$duration" --latency -s "$here/../serve_points.lua" "http://127.0.0.1:$port" -- "$points" '/point/4326/{lon},{lat}' | grep '^SUMMARY')
  echo "MapIt GET /point/4326 c$c: ${out#SUMMARY }"
  mapit_rps[$c]=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<< "$out")
done
# Persistent connections: one database connection per worker, not one per request.
echo "MapIt database connections after the runs: $("$PGBIN/psql" -X -At -d mapit -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'mapit' AND pid <> pg_backend_pid()") (for $workers workers)"
kill -TERM "$gunicorn_pid" 2> /dev/null || true
wait "$gunicorn_pid" 2> /dev/null || true
gunicorn_pid=

# The database's own floor (PGBENCH=0 leaves it out): the bare covering lookup, no HTTP, no
# Python, over its own protocol with prepared statements (pgbench -M prepared with 1 and 2
# threads of its own on the same 2 cores; the better is the floor): the recipe's
# pgbench_covers.sql on the same territories, loaded by ogr2ogr as a plain table (one
# MultiPolygon row per territory, GiST index), a uniformly random point in their bounding box
# per transaction. Latency percentiles from pgbench's per-transaction log.
declare -A pgbench_tps
if [ "${PGBENCH:-1}" = 1 ]; then
  ogr2ogr -f PostgreSQL "PG:dbname=mapit host=$dir port=5434 user=postgres" "$city/territories.geojson" \
    -nln territories -nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom -lco FID=fid -overwrite
  "$PGBIN/psql" -X -q -d mapit -c "ANALYZE territories"
  read -r xmin xmax ymin ymax < <("$PGBIN/psql" -X -At -F' ' -d mapit -c \
    "SELECT ST_XMin(e), ST_XMax(e), ST_YMin(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::geometry e FROM territories) s")
  cat > "$dir/covers.sql" <<'SQL'
\set x :xmin + random(0, 999999999) / 1000000000.0 * (:xmax - :xmin)
\set y :ymin + random(0, 999999999) / 1000000000.0 * (:ymax - :ymin)
SELECT code FROM territories WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(:x, :y), 4326));
SQL
  echo "# anchor: pgbench $(pgbench --version | awk '{print $3}') -M prepared, one ST_Covers lookup per transaction over $("$PGBIN/psql" -X -At -d mapit -c "SELECT count(*) FROM territories") territories (GiST), a random point in their bbox; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  secs=$(python3 -c "import re,sys; m = re.fullmatch(r'([0-9.]+)([smh]?)', sys.argv[1]); print(max(1, round(float(m[1]) * {'': 1, 's': 1, 'm': 60, 'h': 3600}[m[2]])))" "$duration")
  for c in 16 64; do
   for jobs in ${PGBENCH_JOBS:-1 2}; do
    rm -f "$dir"/pgblog.*
    out=$(cd "$dir" && pgbench -n -M prepared -f covers.sql -c "$c" -j "$jobs" -T "$secs" \
      -D xmin="$xmin" -D xmax="$xmax" -D ymin="$ymin" -D ymax="$ymax" -l --log-prefix=pgblog mapit 2>&1)
    tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<< "$out")
    failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' <<< "$out")
    # Column 3 of the log is the transaction's latency in microseconds.
    cat "$dir"/pgblog.* | python3 -c "
import sys
v = sorted(int(l.split()[2]) for l in sys.stdin if l.strip())
p = lambda q: v[min(len(v) - 1, int(q / 100.0 * len(v)))] / 1000
print('pgbench ST_Covers c$c -j$jobs: tps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.1f transactions=%d failed=%s' % (float(sys.argv[1]), p(50), p(99), v[-1] / 1000, len(v), sys.argv[2]))" "$tps" "${failed:-0}"
    tps=$(printf "%.0f" "$tps")
    [ "$tps" -le "${pgbench_tps[$c]:-0}" ] || pgbench_tps[$c]=$tps
    rm -f "$dir"/pgblog.*
   done
  done
fi
if [ -n "$geoctl_lines" ]; then
  for c in 16 64; do
    geoctl_rps=$(sed -nE "s/^GET \/route c$c: rps=([0-9.]+).*/\1/p" "$geoctl_lines" | head -1)
    [ -n "$geoctl_rps" ] || continue
    echo "GET /route ÷ MapIt c$c: $(python3 -c "import sys; print('%.0fx' % (float(sys.argv[1]) / max(float(sys.argv[2]), 1e-9)))" "$geoctl_rps" "${mapit_rps[$c]}") ($geoctl_rps / ${mapit_rps[$c]} req/s; goal ≥ 150x)"
    [ -n "${pgbench_tps[$c]:-}" ] || continue
    echo "GET /route ÷ pgbench ST_Covers c$c: $(python3 -c "import sys; print('%.2fx' % (float(sys.argv[1]) / max(float(sys.argv[2]), 1e-9)))" "$geoctl_rps" "${pgbench_tps[$c]}") ($geoctl_rps req/s / ${pgbench_tps[$c]} tps, pgbench's better -j; goal: above 1)"
  done
fi
