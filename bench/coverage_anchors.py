#!/usr/bin/env python3
"""Waste-site coverage: geoctl against GeoPandas (to_crs + sjoin_nearest) and PostGIS (KNN <->)
on the same files, in one run. Seconds are medians; peak memory is each process's maximum RSS.

usage: coverage_anchors.py GEOCTL CITY_DIR RUNS
Needs a PostGIS server reachable with PGHOST/PGPORT/PGUSER/PGDATABASE (bench/coverage.sh starts one).
"""
import json, os, resource, subprocess, sys, tempfile

import anchors

geoctl, city, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
buildings, sites = f"{city}/buildings.geojson", f"{city}/sites.geojson"


def median(fn):
    return anchors.median(fn, runs)


rows = []
work = tempfile.mkdtemp()
store = f"{work}/s.sqlite"
for layer, path in (("buildings", buildings), ("sites", sites)):
    subprocess.run([geoctl, "import", path, "--layer", layer, "--kind", "other", "--store", store], check=True, capture_output=True)


def geoctl_run():
    p = subprocess.run(["/usr/bin/time", "-f", "%M", geoctl, "coverage", "--store", store, "--buildings", "buildings",
                        "--sites", "sites", "--format", "json"], capture_output=True, text=True, check=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024, json.loads(p.stdout)


dt, (rss, table) = median(geoctl_run)
rows.append({"tool": "geoctl coverage (whole process: read the store, project, nearest, violations)", "seconds": round(dt, 3),
             "peak_MiB": round(rss), "uncovered": table["uncovered"], "sites_lt20": table["sites_with_violations"]})

# The analysis alone, timed like the anchors (files read once, outside the timing).
p = subprocess.run([geoctl, "bench", "coverage", "--buildings", buildings, "--sites", sites, "--runs", str(max(runs, 5)),
                    "--format", "json"], capture_output=True, text=True, check=True)
bench = json.loads(p.stdout)
rows.append({"tool": "geoctl bench coverage (analysis alone, median)", "seconds": bench["analysis_s"],
             "peak_MiB": round(bench["peak_mib"]), "uncovered": bench["uncovered"],
             "sites_lt20": bench["sites_too_close_to_a_building"]})

# GeoPandas: in this process; reading is not timed, as for PostGIS loading.
import geopandas as gpd
b = gpd.read_file(buildings)[["id", "geometry"]]
s = gpd.read_file(sites)[["id", "geometry"]]


def gp():
    b32, s32 = b.to_crs(32641), s.to_crs(32641)
    n = gpd.sjoin_nearest(b32, s32, distance_col="d", how="left")
    n = n[~n.index.duplicated(keep="first")]
    far = int((n["d"] > 100).sum())
    k = gpd.sjoin(s32, b32, predicate="dwithin", distance=20)
    k = k[[True] * len(k)]
    close = s32.loc[k.index.unique()]
    return far, len(close)


dt, (far, close) = median(gp)
rows.append({"tool": f"GeoPandas {gpd.__version__}: to_crs + sjoin_nearest + dwithin 20 m", "seconds": round(dt, 3),
             "peak_MiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "uncovered": far, "sites_lt20": close})


def gp_whole():
    global b, s
    b = gpd.read_file(buildings)[["id", "geometry"]]
    s = gpd.read_file(sites)[["id", "geometry"]]
    return gp()


dt, (far, close) = median(gp_whole)
rows.append({"tool": f"GeoPandas {gpd.__version__}: the same, reading the files first (pyogrio)", "seconds": round(dt, 3),
             "peak_MiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "uncovered": far, "sites_lt20": close})

psql = anchors.PSQL
for layer, path in (("cov_buildings", buildings), ("cov_sites", sites)):
    anchors.load_into_postgis(path, layer)


def pg():
    sql = ("DROP TABLE IF EXISTS b32, s32; "
           "CREATE UNLOGGED TABLE b32 AS SELECT id, ST_Transform(geom, 32641) g FROM cov_buildings; "
           "CREATE UNLOGGED TABLE s32 AS SELECT id, ST_Transform(geom, 32641) g FROM cov_sites; "
           "CREATE INDEX ON b32 USING gist(g); CREATE INDEX ON s32 USING gist(g); ANALYZE b32; ANALYZE s32; "
           "SELECT count(*) FILTER (WHERE d > 100) FROM (SELECT (SELECT ST_Distance(b.g, s.g) FROM s32 s ORDER BY b.g <-> s.g LIMIT 1) d FROM b32 b) x; "
           "SELECT count(*) FROM s32 s WHERE EXISTS (SELECT 1 FROM b32 b WHERE ST_DWithin(b.g, s.g, 20) AND ST_Distance(b.g, s.g) < 20)")
    out = subprocess.run(psql + ["-c", sql], capture_output=True, text=True, check=True).stdout.split()
    return int(out[-2]), int(out[-1])


dt, (far, close) = median(pg)
version = anchors.postgis_version()
rows.append({"tool": f"PostGIS {version}: ST_Transform + GiST + KNN <-> + ST_DWithin 20 m", "seconds": round(dt, 3),
             "peak_MiB": None, "uncovered": far, "sites_lt20": close})
for r in rows:
    print(json.dumps(r, ensure_ascii=False))
