#!/usr/bin/env python3
"""Anchors for appeal routing: the same appeal -> territory join with GeoPandas (sjoin,
predicate "within") and PostGIS (ST_Covers with a GiST index), timing the join alone.

usage: route_anchors.py CITY_DIR RUNS   -> JSON lines {"anchor", "seconds", "points_per_s", ...}
PostGIS: a server reachable with PGHOST/PGPORT/PGUSER/PGDATABASE (bench/route.sh starts one).
"""
import json, os, subprocess, sys

import anchors

city, runs = sys.argv[1], int(sys.argv[2])
appeals, territories = f"{city}/appeals.geojson", f"{city}/territories.geojson"


def median_time(fn):
    return anchors.median(fn, runs)


import geopandas as gpd
import shapely
a = gpd.read_file(appeals)[["geometry"]]
t = gpd.read_file(territories)[["id", "geometry"]]
n = len(a)
dt, joined = median_time(lambda: gpd.sjoin(a, t, predicate="within", how="inner"))
print(json.dumps({"anchor": f"GeoPandas {gpd.__version__} sjoin within (shapely {shapely.__version__})", "seconds": round(dt, 4),
                  "points_per_s": round(n / dt), "pairs": len(joined)}), flush=True)

psql = anchors.PSQL
for layer, path in (("territories", territories), ("appeals", appeals)):
    extra = ["-nlt", "PROMOTE_TO_MULTI"] if layer == "territories" else []
    anchors.load_into_postgis(path, layer, *extra)
subprocess.run(psql + ["-c", "CREATE INDEX IF NOT EXISTS territories_gist ON territories USING gist(geom); "
                             "CREATE INDEX IF NOT EXISTS appeals_gist ON appeals USING gist(geom); ANALYZE territories; ANALYZE appeals"], check=True)
version = subprocess.run(psql + ["-c", "SELECT postgis_lib_version()"], capture_output=True, text=True, check=True).stdout.strip()


def covers():
    out = subprocess.run(psql + ["-c", "SELECT count(*) FROM appeals a JOIN territories t ON ST_Covers(t.geom, a.geom)"],
                         capture_output=True, text=True, check=True).stdout
    return int(out)


dt, pairs = median_time(covers)
print(json.dumps({"anchor": f"PostGIS {version} ST_Covers join, GiST (psql round trip included)", "seconds": round(dt, 4),
                  "points_per_s": round(n / dt), "pairs": pairs}), flush=True)
