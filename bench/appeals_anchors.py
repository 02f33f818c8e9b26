#!/usr/bin/env python3
"""The fastest anchors of the appeal-analytics issue, timed step by step at one scale (after
../shared/bench/analytics, whose PostGIS steps were never the fastest and are left out here).

usage: appeals_anchors.py CITY_DIR APPEALS.geojson OUT_DIR [RUNS=3]
  load   GeoPandas read_file (pyogrio) of territories, city and the appeals; to_crs(32641) apart
  stats  sjoin(appeals, territories, covered_by) + local month + breach flag + groupby(code, month, category)
  heat   numpy: point -> (i, j) of ST_HexagonGrid's 250 m hexagons arithmetically, counts over those meeting the city
  gi     libpysal DistanceBand (the 6 touching hexagons, binary) + esda.G_Local(star=True, transform="B"), no permutations
  dups   numpy grid hash: 40 m x 40 m x 48 h cells per category, the 13 forward neighbour cells
Prints one JSON object: per step the median and every run's wall seconds, peak RSS; writes OUT_DIR/anchor_hex.csv
(i, j, n, z) and OUT_DIR/anchor_pairs.txt (the number of duplicate pairs) for the cross-checks in appeals.sh.
"""
import json, math, os, resource, statistics, sys, time
import numpy as np, pandas as pd, geopandas as gpd, shapely, libpysal, esda

CITY, APPEALS, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
EDGE, HH = 250.0, 250.0 * math.sqrt(3) / 2
CUTOFF = pd.Timestamp("2025-01-01T00:00:00+05:00")
FIG = {}


def timed(step, fn):
    t0 = time.perf_counter()
    v = fn()
    FIG.setdefault(step, []).append(round(time.perf_counter() - t0, 4))
    return v


def load():
    return (gpd.read_file(os.path.join(CITY, "territories.geojson")), gpd.read_file(os.path.join(CITY, "city.geojson")),
            gpd.read_file(APPEALS))


def stats(A, T):
    j = gpd.sjoin(A[["geometry", "category", "created", "closed", "deadline_days"]], T[["geometry", "code"]],
                  predicate="covered_by", how="inner")
    dl = pd.to_timedelta(j["deadline_days"], unit="D")
    late = (j["closed"] - j["created"]) > dl
    overdue = j["closed"].isna() & ((j["created"] + dl) < CUTOFF)
    j = j.assign(month=j["created"].dt.month, breach=(late | overdue).astype(np.int64))
    return j.groupby(["code", "month", "category"], sort=True).agg(n=("breach", "size"), breaches=("breach", "sum"))


def hexes_of(city32):
    xmin, ymin, xmax, ymax = city32.total_bounds
    I = np.arange(math.floor((xmin - EDGE) / (1.5 * EDGE)), math.ceil((xmax + EDGE) / (1.5 * EDGE)) + 1)
    J = np.arange(math.floor((ymin - 2 * HH) / (2 * HH)), math.ceil((ymax + 2 * HH) / (2 * HH)) + 1)
    I, J = [v.ravel() for v in np.meshgrid(I, J, indexing="ij")]
    cx, cy = 1.5 * EDGE * I, HH * (2 * J + np.abs(I % 2))
    dx = np.array([-1, -0.5, 0.5, 1, 0.5, -0.5, -1]) * EDGE
    dy = np.array([0, -1, -1, 0, 1, 1, 0]) * HH
    polys = shapely.polygons(np.stack([cx[:, None] + dx, cy[:, None] + dy], axis=-1))
    city = city32.geometry.iloc[0]
    shapely.prepare(city)
    keep = shapely.intersects(city, polys)
    return I[keep], J[keep], cx[keep], cy[keep]


def hex_index(x, y):
    i0 = np.floor(x / (1.5 * EDGE)).astype(np.int64)
    best = None
    for i in (i0, i0 + 1):
        par = np.abs(i % 2)
        j = np.round((y / HH - par) / 2).astype(np.int64)
        d = (x - 1.5 * EDGE * i) ** 2 + (y - HH * (2 * j + par)) ** 2
        if best is None:
            best = [i, j, d]
        else:
            c = d < best[2]
            best = [np.where(c, i, best[0]), np.where(c, j, best[1]), np.where(c, d, best[2])]
    return best[0], best[1]


def heat(x, y, hi, hj):
    i, j = hex_index(x, y)
    key = i * 10_000_000 + j
    hk = hi * 10_000_000 + hj
    u, c = np.unique(key, return_counts=True)
    pos = np.minimum(np.searchsorted(u, hk), len(u) - 1)
    return np.where(u[pos] == hk, c[pos], 0)


def grid_pairs(x, y, t, cat, r=40.0, dt=48 * 3600):
    cx = np.floor(x / r).astype(np.int64); cy = np.floor(y / r).astype(np.int64); ct = (t // dt).astype(np.int64)
    cx -= cx.min() - 1; cy -= cy.min() - 1; ct -= ct.min() - 1
    nx, ny, nt = cx.max() + 2, cy.max() + 2, ct.max() + 2
    key = ((cat * nt + ct) * nx + cx) * ny + cy
    order = np.argsort(key, kind="stable")
    uk, start, cnt = np.unique(key[order], return_index=True, return_counts=True)
    rep = order[start]
    ucat, uct, ucx, ucy = cat[rep], ct[rep], cx[rep], cy[rep]
    offs = [(0, 0, 0)] + [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1) if (a, b, c) > (0, 0, 0)]
    n = 0
    for ot, ox, oy in offs:
        nk = ((ucat * nt + uct + ot) * nx + ucx + ox) * ny + ucy + oy
        pos = np.minimum(np.searchsorted(uk, nk), len(uk) - 1)
        a = np.nonzero(uk[pos] == nk)[0]
        b = pos[a]
        sz = cnt[a] * cnt[b]
        blk = np.repeat(np.arange(len(a)), sz)
        k = np.arange(sz.sum()) - np.repeat(np.cumsum(sz) - sz, sz)
        ii = order[start[a][blk] + k // cnt[b][blk]]
        jj = order[start[b][blk] + k % cnt[b][blk]]
        keep = ii < jj if (ot, ox, oy) == (0, 0, 0) else np.ones(len(ii), bool)
        keep &= ((x[ii] - x[jj]) ** 2 + (y[ii] - y[jj]) ** 2 <= r * r) & (np.abs(t[ii] - t[jj]) <= dt)
        n += int(keep.sum())
    return n


for run in range(RUNS):
    T, C, A = timed("load", load)
    A32, C32 = timed("prep", lambda: (A.to_crs(32641), C.to_crs(32641)))
    timed("stats", lambda: stats(A, T))
    x, y = A32.geometry.x.to_numpy(), A32.geometry.y.to_numpy()
    hi, hj, hcx, hcy = hexes_of(C32)
    n = timed("heat", lambda: heat(x, y, hi, hj))
    w = timed("gi_weights", lambda: libpysal.weights.DistanceBand(np.c_[hcx, hcy], threshold=1.01 * 2 * HH, binary=True, silence_warnings=True))
    g = timed("gi", lambda: esda.G_Local(n.astype(float), w, transform="B", star=True, permutations=0))
    cat = pd.Categorical(A["category"]).codes.astype(np.int64)
    tsec = A["created"].dt.as_unit("s").astype("int64").to_numpy()
    pairs = timed("dups", lambda: grid_pairs(x, y, tsec, cat))
os.makedirs(OUT, exist_ok=True)
pd.DataFrame({"i": hi, "j": hj, "n": n, "z": g.Zs}).to_csv(os.path.join(OUT, "anchor_hex.csv"), index=False)
open(os.path.join(OUT, "anchor_pairs.txt"), "w").write(f"{pairs}\n")
print(json.dumps({"median_s": {k: statistics.median(v) for k, v in FIG.items()}, "runs_s": FIG, "appeals": len(A),
                  "hexagons": len(hi), "pairs": pairs,
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "versions": {"geopandas": gpd.__version__, "numpy": np.__version__, "esda": esda.__version__,
                               "libpysal": libpysal.__version__}}))
