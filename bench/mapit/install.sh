#!/usr/bin/env bash
# Installs what the MapIt anchor needs (idempotent; quick when already there): PostgreSQL 15 +
# PostGIS 3.3, libpq-dev, wrk and gdal-bin (ogr2ogr loads the pgbench floor's table) from Debian,
# and django-mapit 3.0 under gunicorn in its own venv ($MAPIT_VENV, default .build/mapit-venv).
# Prints the venv's python on stdout.
# Adapted from the tested recipe ../shared/bench/serve/install.sh (not in this repository).
# MapIt 3.0 (2020-11-05) supports Django up to 3.1 (it imports django.conf.urls.url and ugettext,
# both gone in Django 4.0), and Django 3.1 supports Python up to 3.9, so the venv needs a
# Python 3.9: $MAPIT_PYTHON, python3.9 on PATH, or pyenv's 3.9.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv=${MAPIT_VENV:-$repo/.build/mapit-venv}
pins=(django-mapit==3.0 Django==3.1.14 psycopg2==2.9.10 gunicorn==23.0.0)

missing=""
for p in postgresql-15 postgresql-15-postgis-3 postgresql-client-15 libpq-dev gcc wrk curl gdal-bin; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "installing Debian packages:$missing" >&2
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing > /dev/null
fi

if ! "$venv/bin/python" -c "import mapit, django, psycopg2, gunicorn; assert django.VERSION[:2] == (3, 1)" 2> /dev/null; then
  python=${MAPIT_PYTHON:-}
  if [ -z "$python" ]; then
    for candidate in python3.9 "$(pyenv root 2> /dev/null)"/versions/3.9*/bin/python3.9; do
      if "$candidate" -c "import sys; assert sys.version_info[:2] == (3, 9)" 2> /dev/null; then python=$candidate; break; fi
    done
  fi
  [ -n "$python" ] || { echo "bench/mapit/install.sh: MapIt 3.0 needs Django 3.1, which needs Python 3.9; none found (set MAPIT_PYTHON)" >&2; exit 1; }
  echo "installing ${pins[*]} into $venv (with $python; psycopg2 is built against Debian's libpq)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check wheel >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}" >&2
fi
echo "$venv/bin/python"
