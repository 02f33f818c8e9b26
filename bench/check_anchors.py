#!/usr/bin/env python3
"""Territory check: geoctl against Shapely 2 (GeoPandas for reading and to_crs) and PostGIS on
the same files, in one run. Each finds overlaps between territories (pairs whose interiors
meet), gaps (boundary minus the union) and ground outside the boundary, with areas in UTM 41N.
Seconds are medians; peak memory is the process's maximum RSS.

usage: check_anchors.py GEOCTL CITY_DIR RUNS
"""
import json, os, resource, subprocess, sys, tempfile

import anchors

geoctl, city, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
territories, boundary = f"{city}/territories.geojson", f"{city}/city.geojson"
MIN_AREA = 10.0


def median(fn):
    return anchors.median(fn, runs)


rows = []
work = tempfile.mkdtemp()
store = f"{work}/s.sqlite"
subprocess.run([geoctl, "import", territories, "--layer", "territories", "--kind", "territory", "--store", store], check=True, capture_output=True)
subprocess.run([geoctl, "import", boundary, "--layer", "city", "--kind", "boundary", "--store", store], check=True, capture_output=True)


def geoctl_run():
    p = subprocess.run(["/usr/bin/time", "-f", "%M", geoctl, "check", "territories", "territories", "--boundary", "city",
                        "--store", store, "--format", "json"], capture_output=True, text=True)
    assert p.returncode in (0, 2), p.stderr
    report = json.loads(p.stdout)
    kinds = {}
    for f in report["findings"]:
        kinds.setdefault(f["type"], []).append(f["area_m2"])
    return int(p.stderr.strip().splitlines()[-1]) / 1024, kinds


def summary(kinds):
    out = {}
    for k in ("overlap", "gap", "outside_boundary"):
        areas = kinds.get(k, [])
        out[k] = f"{sum(a >= MIN_AREA for a in areas)} (+{sum(a < MIN_AREA for a in areas)} slivers), {sum(areas):.1f} m²"
    return out


dt, (rss, kinds) = median(geoctl_run)
rows.append({"tool": "geoctl check territories (whole process: read the store, project, overlay)", "seconds": round(dt, 3),
             "peak_MiB": round(rss), **summary(kinds)})

import geopandas as gpd
import numpy as np
import shapely
t = gpd.read_file(territories)
c = gpd.read_file(boundary)


def shapely_check():
    g = t.to_crs(32641).geometry.values
    b = shapely.union_all(c.to_crs(32641).geometry.values)
    tree = shapely.STRtree(g)
    left, right = tree.query(g, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inter = shapely.intersection(g[left], g[right])
    parts = shapely.get_parts(inter)
    overlap_areas = [a for a in shapely.area(parts) if a > 0]
    union = shapely.union_all(g)
    gaps = shapely.area(shapely.get_parts(shapely.difference(b, union)))
    outside = shapely.area(shapely.get_parts(shapely.difference(union, b)))
    return {"overlap": list(overlap_areas), "gap": [a for a in gaps if a > 0], "outside_boundary": [a for a in outside if a > 0]}


dt, kinds = median(shapely_check)
rows.append({"tool": f"Shapely {shapely.__version__} (GEOS {shapely.geos_version_string}): to_crs + STRtree self-join intersection + union_all + difference",
             "seconds": round(dt, 3), "peak_MiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **summary(kinds)})

psql = anchors.PSQL
for layer, path in (("chk_territories", territories), ("chk_city", boundary)):
    anchors.load_into_postgis(path, layer, "-nlt", "PROMOTE_TO_MULTI")


def pg():
    sql = ("DROP TABLE IF EXISTS t32, c32; "
           "CREATE UNLOGGED TABLE t32 AS SELECT fid, ST_Transform(geom, 32641) g FROM chk_territories; "
           "CREATE UNLOGGED TABLE c32 AS SELECT ST_Union(ST_Transform(geom, 32641)) g FROM chk_city; "
           "CREATE INDEX ON t32 USING gist(g); ANALYZE t32; "
           "SELECT 'overlap', ST_Area((ST_Dump(ST_Intersection(a.g, b.g))).geom) FROM t32 a JOIN t32 b ON a.fid < b.fid AND ST_Intersects(a.g, b.g); "
           "SELECT 'gap', ST_Area((ST_Dump(ST_Difference(c.g, u.g))).geom) FROM c32 c, (SELECT ST_Union(g) g FROM t32) u; "
           "SELECT 'outside_boundary', ST_Area((ST_Dump(ST_Difference(u.g, c.g))).geom) FROM c32 c, (SELECT ST_Union(g) g FROM t32) u;")
    out = subprocess.run(psql + ["-F", "\t", "-c", sql], capture_output=True, text=True, check=True).stdout.split("\n")
    kinds = {}
    for line in out:
        if "\t" in line:
            k, a = line.split("\t")
            if float(a) > 0:
                kinds.setdefault(k, []).append(float(a))
    return kinds


dt, kinds = median(pg)
version = anchors.postgis_version()
rows.append({"tool": f"PostGIS {version}: ST_Transform + GiST self-join ST_Intersection + ST_Union + ST_Difference",
             "seconds": round(dt, 3), "peak_MiB": None, **summary(kinds)})
for r in rows:
    print(json.dumps(r, ensure_ascii=False))
