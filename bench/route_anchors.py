#!/usr/bin/env python3
"""Anchors for appeal routing: the same appeal -> territory join with GeoPandas (sjoin,
predicate "within") and PostGIS (ST_Covers with a GiST index), timing the join alone.

usage: route_anchors.py CITY_DIR RUNS   -> JSON lines {"anchor", "seconds", "points_per_s", ...}
PostGIS: a server reachable with PGHOST/PGPORT/PGUSER/PGDATABASE (bench/route.sh starts one).
"""
import json, os, statistics, subprocess, sys, time

city, runs = sys.argv[1], int(sys.argv[2])
appeals, territories = f"{city}/appeals.geojson", f"{city}/territories.geojson"


def median_time(fn):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


import geopandas as gpd
import shapely
a = gpd.read_file(appeals)[["geometry"]]
t = gpd.read_file(territories)[["id", "geometry"]]
n = len(a)
dt, joined = median_time(lambda: gpd.sjoin(a, t, predicate="within", how="inner"))
print(json.dumps({"anchor": f"GeoPandas {gpd.__version__} sjoin within (shapely {shapely.__version__})", "seconds": round(dt, 4),
                  "points_per_s": round(n / dt), "pairs": len(joined)}), flush=True)

psql = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
dsn = "PG:host={} port={} dbname={} user={}".format(os.environ.get("PGHOST", "/tmp/geoctl-pgsock"), os.environ.get("PGPORT", "5433"),
                                                   os.environ.get("PGDATABASE", "bench"), os.environ.get("PGUSER", "postgres"))
for layer, path in (("territories", territories), ("appeals", appeals)):
    extra = ["-nlt", "PROMOTE_TO_MULTI"] if layer == "territories" else []
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", dsn, path, "-nln", layer, "-overwrite", "-lco", "GEOMETRY_NAME=geom",
                    "-lco", "FID=fid", *extra], check=True)
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
