#!/usr/bin/env python3
"""Works and outages: geoctl against PostGIS (GiST, tstzrange &&, ST_DWithin in UTM 41N) and
GeoPandas (to_crs + sjoin + a time filter) on the same files, in one run. Seconds are medians.

Both jobs are the ones geoctl runs, on every works feature active in 2025 (+05:00):
- affected: buildings within 10 m of a line or point, or intersecting a polygon;
- conflicts: pairs of works within 5 m whose windows overlap, with the shared zone (both
  grown by 5 m, intersected), its area, and the overlap period.
Dates: a bare start is 00:00, a bare end is the end of that day; windows are half-open.

usage: works_anchors.py GEOCTL BUILDINGS WORKS RUNS
"""
import json, os, subprocess, sys, tempfile

import anchors

geoctl, buildings, works, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
BUF, CBUF = 10, 5


def median(fn):
    return anchors.median(fn, runs)


def median_with_cpu(fn):
    """(median wall seconds, median CPU seconds of this process, the last result)."""
    import statistics, time
    walls, cpus, out = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


rows = []
work = tempfile.mkdtemp()
store = f"{work}/s.sqlite"
subprocess.run([geoctl, "import", buildings, "--layer", "buildings", "--kind", "building", "--store", store], check=True, capture_output=True)
subprocess.run([geoctl, "import", works, "--layer", "works", "--kind", "works", "--store", store], check=True, capture_output=True)
period = ["--from", "2025-01-01", "--to", "2025-12-31", "--utc-offset", "+05:00"]


def geoctl_affected():
    p = subprocess.run([geoctl, "affected", "--store", store, "--layer", "works", "--buildings", "buildings",
                        "--buffer-metres", str(BUF), "--format", "json", *period], capture_output=True, text=True, check=True)
    j = json.loads(p.stdout)
    return sum(len(f["buildings"]) for f in j["features"]), j["totals"]["buildings"]


def geoctl_conflicts():
    p = subprocess.run([geoctl, "conflicts", "--store", store, "--layer", "works", "--buffer-metres", str(CBUF), "--format", "json", *period],
                       capture_output=True, text=True, check=True)
    c = json.loads(p.stdout)["conflicts"]
    return len(c), round(sum(x["shared_area_m2"] for x in c), 1)


dt, (pairs, nb) = median(geoctl_affected)
rows.append({"job": "affected", "tool": "geoctl affected (whole process: read the store, project, join)", "seconds": round(dt, 3), "pairs": pairs, "buildings": nb})
dt, (n, area) = median(geoctl_conflicts)
rows.append({"job": "conflicts", "tool": "geoctl conflicts (whole process)", "seconds": round(dt, 3), "pairs": n, "shared_m2": area})
p = subprocess.run([geoctl, "bench", "works", "--buildings", buildings, "--works", works, "--runs", str(max(runs, 3)),
                    "--buffer-metres", str(BUF), "--conflict-buffer-metres", str(CBUF), "--format", "json"], capture_output=True, text=True, check=True)
bench = {r["measure"]: r["value"] for r in json.loads(p.stdout)}
rows.append({"job": "affected", "tool": "geoctl bench works (analysis alone)", "seconds": float(bench["affected (s, median)"]),
             "cpu_seconds": float(bench["affected CPU, both cores (s, median)"]), "pairs": int(bench["works-building pairs"]), "buildings": int(bench["buildings affected"])})
rows.append({"job": "affected", "tool": "geoctl bench works (analysis alone, the buildings' boxes kept from the read)",
             "seconds": float(bench["affected, building boxes kept from the read (s, median)"]),
             "cpu_seconds": float(bench["affected CPU, boxes kept (s, median)"]), "pairs": int(bench["works-building pairs"]), "buildings": int(bench["buildings affected"])})
rows.append({"job": "conflicts", "tool": "geoctl bench works (analysis alone)", "seconds": float(bench["conflicts (s, median)"]),
             "cpu_seconds": float(bench["conflicts CPU, both cores (s, median)"]),
             "pairs": int(bench["clashing pairs"]), "shared_m2": float(bench["shared area (m², sum)"])})

# ---------------------------------------------------------------- GeoPandas
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

b = gpd.read_file(buildings)[["geometry"]]
w = gpd.read_file(works)[["geometry"]]
# The dates as the file writes them (read_file would guess types for them).
with open(works, encoding="utf-8") as fh:
    props = [f["properties"] for f in json.load(fh)["features"]]
w["start"], w["end"] = [p["start"] for p in props], [p["end"] for p in props]
P0, P1 = pd.Timestamp("2025-01-01T00:00:00+05:00"), pd.Timestamp("2026-01-01T00:00:00+05:00")


def times(col, end):
    bare = col.str.len() == 10
    t = pd.to_datetime(col.where(~bare, col + "T00:00:00+05:00"), utc=True, format="ISO8601")
    return t + pd.to_timedelta(np.where(bare & end, 1, 0), unit="D")


def gp_affected():
    s, e = times(w["start"], False), times(w["end"], True)
    active = w[(s < P1) & (P0 < e)]
    b32, a32 = b.to_crs(32641), active.to_crs(32641)
    poly = a32.geom_type.isin(["Polygon", "MultiPolygon"])
    j1 = gpd.sjoin(a32[poly], b32, predicate="intersects")
    j2 = gpd.sjoin(a32[~poly], b32, predicate="dwithin", distance=BUF)
    j = pd.concat([j1, j2])
    return len(j), j["index_right"].nunique()


def gp_conflicts():
    ws = w.assign(s=times(w["start"], False), e=times(w["end"], True))
    active = ws[(ws.s < P1) & (P0 < ws.e)].to_crs(32641)
    j = gpd.sjoin(active, active, predicate="dwithin", distance=CBUF)
    j = j[j.index < j["index_right"]]
    j = j[(j["s_left"] < j["e_right"]) & (j["s_right"] < j["e_left"])]
    a = active.geometry.loc[j.index].values
    c = active.geometry.loc[j["index_right"]].values
    zone = shapely.intersection(shapely.buffer(a, CBUF), shapely.buffer(c, CBUF))
    start = np.maximum(j["s_left"].values, j["s_right"].values)
    return len(j), round(float(shapely.area(zone).sum()), 1), len(start)


dt, cpu, (pairs, nb) = median_with_cpu(gp_affected)
rows.append({"job": "affected", "tool": f"GeoPandas {gpd.__version__}: to_crs + sjoin intersects/dwithin + time filter", "seconds": round(dt, 3), "cpu_seconds": round(cpu, 3), "pairs": pairs, "buildings": nb})
dt, cpu, (n, area, _) = median_with_cpu(gp_conflicts)
rows.append({"job": "conflicts", "tool": f"GeoPandas {gpd.__version__}: to_crs + self sjoin dwithin + time filter + buffer ∩", "seconds": round(dt, 3), "cpu_seconds": round(cpu, 3), "pairs": n, "shared_m2": area})

# ---------------------------------------------------------------- PostGIS
psql = anchors.PSQL
anchors.load_into_postgis(buildings, "wk_buildings")
anchors.load_into_postgis(works, "wk_works", "-oo", "DATE_AS_STRING=YES")
WINDOW = ("tstzrange(CASE WHEN length(start) = 10 THEN (start || 'T00:00:00+05:00')::timestamptz ELSE start::timestamptz END, "
          "CASE WHEN length(\"end\") = 10 THEN (\"end\" || 'T00:00:00+05:00')::timestamptz + interval '1 day' ELSE \"end\"::timestamptz END)")
PERIOD = "tstzrange('2025-01-01T00:00:00+05:00', '2026-01-01T00:00:00+05:00')"


def pg_affected():
    sql = ("DROP TABLE IF EXISTS wb32, ww32; "
           "CREATE UNLOGGED TABLE wb32 AS SELECT fid, ST_Transform(geom, 32641) g FROM wk_buildings; "
           f"CREATE UNLOGGED TABLE ww32 AS SELECT fid, {WINDOW} r, ST_Transform(geom, 32641) g FROM wk_works; "
           "CREATE INDEX ON wb32 USING gist(g); CREATE INDEX ON ww32 USING gist(r); ANALYZE wb32; ANALYZE ww32; "
           f"WITH hits AS (SELECT b.fid FROM ww32 w JOIN wb32 b ON ST_Intersects(w.g, b.g) "
           f"WHERE w.r && {PERIOD} AND GeometryType(w.g) IN ('POLYGON', 'MULTIPOLYGON') "
           f"UNION ALL SELECT b.fid FROM ww32 w JOIN wb32 b ON ST_DWithin(w.g, b.g, {BUF}) "
           f"WHERE w.r && {PERIOD} AND GeometryType(w.g) NOT IN ('POLYGON', 'MULTIPOLYGON')) "
           f"SELECT count(*), count(DISTINCT fid) FROM hits")
    out = subprocess.run(psql + ["-c", sql], capture_output=True, text=True, check=True).stdout.split("|")
    return int(out[-2].split()[-1]), int(out[-1])


def pg_conflicts():
    sql = ("DROP TABLE IF EXISTS wc32; "
           f"CREATE UNLOGGED TABLE wc32 AS SELECT fid, {WINDOW} r, ST_Transform(geom, 32641) g FROM wk_works; "
           "CREATE INDEX ON wc32 USING gist(g); CREATE INDEX ON wc32 USING gist(r); ANALYZE wc32; "
           f"SELECT count(*), round(sum(ST_Area(ST_Intersection(ST_Buffer(a.g, {CBUF}), ST_Buffer(b.g, {CBUF}))))::numeric, 1) "
           f"FROM wc32 a JOIN wc32 b ON a.fid < b.fid AND ST_DWithin(a.g, b.g, {CBUF}) AND a.r && b.r "
           f"WHERE a.r && {PERIOD} AND b.r && {PERIOD} AND (a.r * b.r) && {PERIOD}")
    out = subprocess.run(psql + ["-c", sql], capture_output=True, text=True, check=True).stdout.split("|")
    return int(out[-2].split()[-1]), float(out[-1])


version = anchors.postgis_version()
dt, (pairs, nb) = median(pg_affected)
rows.append({"job": "affected", "tool": f"PostGIS {version}: ST_Transform + GiST + tstzrange && + ST_DWithin/ST_Intersects", "seconds": round(dt, 3), "pairs": pairs, "buildings": nb})
dt, (n, area) = median(pg_conflicts)
rows.append({"job": "conflicts", "tool": f"PostGIS {version}: ST_Transform + GiST + self join ST_DWithin + tstzrange && + buffer ∩", "seconds": round(dt, 3), "pairs": n, "shared_m2": area})
for r in rows:
    print(json.dumps(r, ensure_ascii=False))
