#!/usr/bin/env bash
# GeoJSON parse throughput: geoctl against orjson and pysimdjson on the same files, one run.
# usage: bench/parse.sh SCALE [RUNS]   (needs a release build: `make build`)
# Each file is parsed in its own process so peak memory is per file. GEOCTL_BIN=path measures
# another geoctl binary.
set -euo pipefail
scale=${1:-1}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/city-env.sh"
bench_python "orjson, simdjson" "orjson pysimdjson"
bin=${GEOCTL_BIN:-$repo/.build/release/geoctl}
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); scale $scale; median of $runs runs"
echo "# versions: $("$venv/bin/python" -c 'import orjson, simdjson, sys; from importlib.metadata import version as v; print("python", sys.version.split()[0], "orjson", v("orjson"), "pysimdjson", v("pysimdjson"))')"
printf "| file | MB | features | geoctl MB/s | geoctl peak MiB | orjson MB/s | orjson peak MiB | pysimdjson MB/s | geoctl / orjson |\n|---|---|---|---|---|---|---|---|---|\n"
for f in "$city"/appeals.geojson "$city"/buildings.geojson "$city"/territories.geojson "$city"/sites.geojson; do
  g=$("$bin" bench parse "$f" --runs "$runs" --format json)
  a=$("$venv/bin/python" "$here/parse_anchors.py" "$runs" "$f")
  python3 - "$g" "$a" "$f" <<'PY'
import json, sys
g = json.loads(sys.argv[1])[0]
a = {r["parser"]: r for r in map(json.loads, sys.argv[2].splitlines())}
o, s = a["orjson"], a["pysimdjson"]
name = sys.argv[3].rsplit("/", 1)[-1]
print(f"| {name} | {g['mb']:.1f} | {g['features']} | {g['mb_per_s']:.1f} | {g['peak_mib']:.1f} | {o['MBps']} | {o['peak_MiB']} | {s['MBps']} | {g['mb_per_s'] / o['MBps']:.1f}x |")
PY
done
