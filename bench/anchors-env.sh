# Sourced by the benchmark scripts: a Python venv with GeoPandas/Shapely and a throw-away
# PostGIS server (fsync off, unix socket only) for the anchors that run beside geoctl.
# Sets $venv and the PG* variables psql and ogr2ogr read.
venv=${BENCH_VENV:-/tmp/geoctl-route-venv}
if ! "$venv/bin/python" -c "import geopandas" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q geopandas shapely pyogrio pyproj psycopg2-binary
fi
command -v ogr2ogr > /dev/null || { apt-get install -y -qq gdal-bin > /dev/null; }
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! dpkg -s postgresql-15-postgis-3 > /dev/null 2>&1; then
  apt-get install -y -qq postgresql-15-postgis-3 > /dev/null
fi
pg=/tmp/geoctl-pg
export PGHOST=/tmp/geoctl-pgsock PGPORT=5433 PGUSER=postgres PGDATABASE=bench
if ! psql -X -q -c "select 1" > /dev/null 2>&1; then
  rm -rf "$pg" "$PGHOST"; mkdir -p "$pg" "$PGHOST"; chown postgres:postgres "$pg" "$PGHOST"
  su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $pg/data -A trust -U postgres -E UTF8 --locale=C.UTF-8" > /dev/null
  printf "listen_addresses = ''\nunix_socket_directories = '%s'\nport = 5433\nshared_buffers = 2GB\nwork_mem = 256MB\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\njit = off\n" "$PGHOST" >> "$pg/data/postgresql.conf"
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $pg/data -l $pg/server.log start -w" > /dev/null
  psql -X -q -d postgres -c "create database bench" && psql -X -q -c "create extension postgis"
fi
