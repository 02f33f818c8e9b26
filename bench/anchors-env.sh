# Sourced by the benchmark scripts after bench/city-env.sh: GeoPandas/Shapely in the project's
# venv and a throw-away PostGIS server (fsync off, unix socket only) for the anchors that run
# beside geoctl. Sets the PG* variables psql and ogr2ogr read.
bench_python "geopandas, shapely, pyogrio, pyproj, psycopg2" "geopandas shapely pyogrio pyproj psycopg2-binary"
bench_packages gdal-bin postgresql-15-postgis-3 postgresql-client-15
pg=/tmp/geoctl-pg
export PGHOST=/tmp/geoctl-pgsock PGPORT=5433 PGUSER=postgres PGDATABASE=bench
if ! psql -X -q -c "select 1" > /dev/null 2>&1; then
  rm -rf "$pg" "$PGHOST"; mkdir -p "$pg" "$PGHOST"; chown postgres:postgres "$pg" "$PGHOST"
  su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $pg/data -A trust -U postgres -E UTF8 --locale=C.UTF-8" > /dev/null
  printf "listen_addresses = ''\nunix_socket_directories = '%s'\nport = 5433\nshared_buffers = 2GB\nwork_mem = 256MB\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\njit = off\n" "$PGHOST" >> "$pg/data/postgresql.conf"
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $pg/data -l $pg/server.log start -w" > /dev/null
  psql -X -q -d postgres -c "create database bench" && psql -X -q -c "create extension postgis"
fi
