# Sourced by the serve benchmarks (serve.sh, serve_ab.sh, serve_cost.sh): serve_fixture BINARY
# CITY_DIR WORK imports the city's territories into WORK/s.sqlite with BINARY, writes the routing
# rules to WORK/rules.yaml (border 5 m) and the issue's 10,000 distinct appeal points, as
# lon,lat,category (URL-encoded), to WORK/points.txt for bench/serve_points.lua.
source "$(dirname "${BASH_SOURCE[0]}")/city-rules.sh"
serve_fixture() {
  local bin=$1 city=$2 work=$3
  "$bin" import "$city/territories.geojson" --layer territories --kind territory --store "$work/s.sqlite" > /dev/null
  city_rules "$work/rules.yaml" 5
  python3 - "$city/appeals.geojson" "$work/points.txt" <<'PY'
import json, sys, urllib.parse
features = json.load(open(sys.argv[1], encoding="utf-8"))["features"]
with open(sys.argv[2], "w") as f:
    for ft in features[:10000]:
        lon, lat = ft["geometry"]["coordinates"][:2]
        f.write("%r,%r,%s\n" % (lon, lat, urllib.parse.quote(ft["properties"]["category"])))
PY
}
