#!/usr/bin/env bash
# The Python venv the appeal-analytics tests compare against: PySAL's esda (Gi*) and SciPy.
# Idempotent: does nothing when the venv already imports them. Usage: scripts/test-venv.sh DIR
set -euo pipefail
venv=${1:-.build-venv}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import esda, libpysal, numpy, scipy" 2>/dev/null; then exit 0; fi
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }
python3 -m venv "$venv" 2>/dev/null || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  python3 -m venv "$venv"
}
start=$(date +%s)
"$venv/bin/pip" install -q --disable-pip-version-check "numpy==2.4.6" "scipy==1.17.1" "esda==2.9.0" "libpysal==4.14.1"
echo "test venv $venv: installed in $(( $(date +%s) - start )) s" >&2
