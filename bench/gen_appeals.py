#!/usr/bin/env python3
"""A year of citizen appeals with planted ground truth, for `geoctl appeals` tests and benchmarks.

Python standard library only; deterministic: the same city, options and seed give byte-identical files.

Reads a city folder (buildings.geojson; city.geojson and territories.geojson when present: a
make-city output or fixtures/geojson) and writes

  OUT (default CITY/appeals_year.geojson)  N Points over 2024 ordered by creation, properties
        id (1..N), category, created ("2024-03-05T14:23:11+05:00"), status (closed | in_progress | open),
        closed (same format, or null when not closed by the cut-off 2025-01-01T00:00:00+05:00),
        deadline_days (per category), source (web | telegram | phone)
  TRUTH (default OUT with .truth.json)      what was planted:
        hotspots   K compact Gaussian clusters (sigma in --sigma) with 3-8x the local background inside
                   radius = 2 sigma, at building addresses >= --inside metres inside the city and
                   >= --spot-gap apart; --month-spots of them last one month only
        duplicates 3 % of appeals in groups of 2-6: same category, each follower <= 38 m from and
                   2 min - 46 h after the group's first appeal
        slow_org   the organisation (--org-field) of one single-territory organisation breaches the deadline
                   on ~60 % of its appeals; elsewhere ~10 %; 1 % are never closed
        breaches   the rule: closed - created > deadline_days x 24 h, or not closed and
                   created + deadline_days x 24 h < the cut-off

Background appeals sit at building addresses (+25 m Gaussian jitter); 2 % lie outside the city.
Distances use a local tangent plane on the WGS84 ellipsoid (within 0.1 % of UTM over a city).

Usage: gen_appeals.py --city DIR [--appeals N] [--seed 42] [--out FILE] [--hotspots 12] [--month-spots 5]
                      [--spot-gap 1200] [--inside 500] [--sigma 60,150] [--categories id:days:weight,...]
"""
import argparse, bisect, json, math, os, random

CATEGORIES = [("Вывоз мусора", 2, 22), ("Уличное освещение", 5, 10), ("Дороги и тротуары", 15, 16),
              ("Благоустройство двора", 15, 14), ("Отопление", 2, 9), ("Водоснабжение", 2, 8),
              ("Общественный транспорт", 10, 6), ("Шум", 5, 5), ("Бродячие животные", 5, 4), ("Прочее", 10, 6)]
SEASON_PEAK = {0: (200, 0.3), 1: (355, 0.4), 3: (180, 0.4)}      # category -> (peak day, amplitude)
DAYS, YEAR_S = 366, 366 * 86400                                   # 2024; 2024-01-01 is a Monday
MONTH_START = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366]
HOUR_W = [.2, .1, .08, .05, .05, .1, .3, .7, 1.2, 1.6, 1.7, 1.6, 1.4, 1.4, 1.5, 1.4, 1.3, 1.3, 1.4, 1.5, 1.3, 1.0, .7, .4]
WEEKDAY_W = [1.15, 1.05, 1.05, 1.05, 1.0, 0.8, 0.7]
SOURCES, SOURCE_W = ["web", "telegram", "phone"], [45, 35, 20]
DUP_SHARE, DUP_SIZES, DUP_SIZE_W = 0.03, [2, 3, 4, 5, 6], [50, 25, 12, 8, 5]
P_BREACH, P_BREACH_SLOW, LOGSD, P_STUCK = 0.10, 0.60, 0.6, 0.01
Z = {0.10: -1.2815515655446004, 0.60: 0.2533471031357997}
A, F = 6378137.0, 1 / 298.257223563


class Plane:
    """A local tangent plane about (lon0, lat0): metres east and north."""
    def __init__(self, lon0, lat0):
        e2 = F * (2 - F)
        s = math.sin(math.radians(lat0))
        w = math.sqrt(1 - e2 * s * s)
        self.lon0, self.lat0 = lon0, lat0
        self.kx = math.radians(1) * A / w * math.cos(math.radians(lat0))
        self.ky = math.radians(1) * A * (1 - e2) / w ** 3

    def xy(self, lon, lat):
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def ll(self, x, y):
        return self.lon0 + x / self.kx, self.lat0 + y / self.ky


def rings_of(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return geom["coordinates"]
    return []


def inside(polys, x, y):
    """Even-odd point in polygon over a list of polygons (lists of rings of (x, y))."""
    for rings in polys:
        c = False
        for ring in rings:
            for k in range(len(ring) - 1):
                (x1, y1), (x2, y2) = ring[k], ring[k + 1]
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    c = not c
        if c:
            return True
    return False


def edge_distance(polys, x, y):
    best = math.inf
    for rings in polys:
        for ring in rings:
            for k in range(len(ring) - 1):
                (x1, y1), (x2, y2) = ring[k], ring[k + 1]
                dx, dy = x2 - x1, y2 - y1
                L = dx * dx + dy * dy
                t = 0 if L == 0 else max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / L))
                best = min(best, math.hypot(x - x1 - t * dx, y - y1 - t * dy))
    return best


def cumulative(weights):
    out, s = [], 0.0
    for w in weights:
        s += w
        out.append(s)
    return out


def pick(rng, cum):
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def fmt(sec, offset):
    d, s = divmod(int(sec + offset), 86400)
    # days since 2024-01-01 -> civil date
    y, m = 2024, 0
    while True:
        ml = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        yl = sum(ml)
        if d >= yl:
            d -= yl; y += 1; continue
        while d >= ml[m]:
            d -= ml[m]; m += 1
        break
    sign = "+" if offset >= 0 else "-"
    o = abs(offset)
    return "%04d-%02d-%02dT%02d:%02d:%02d%s%02d:%02d" % (y, m + 1, d + 1, s // 3600, s % 3600 // 60, s % 60, sign, o // 3600, o % 3600 // 60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--city", required=True)
    ap.add_argument("--appeals", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out")
    ap.add_argument("--truth")
    ap.add_argument("--hotspots", type=int, default=12)
    ap.add_argument("--month-spots", type=int, default=5)
    ap.add_argument("--spot-gap", type=float, default=1200)
    ap.add_argument("--inside", type=float, default=500)
    ap.add_argument("--sigma", default="60,150")
    ap.add_argument("--min-background", type=int, default=10, help="background appeals a spot's radius needs")
    ap.add_argument("--categories", help="id:deadline_days:weight,... (default: make-city's 10)")
    ap.add_argument("--org-field", default="org")
    ap.add_argument("--offset-hours", type=float, default=5)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    N = a.appeals
    offset = int(a.offset_hours * 3600)
    cats = CATEGORIES if not a.categories else [(c.split(":")[0], int(c.split(":")[1]), float(c.split(":")[2])) for c in a.categories.split(",")]
    ncat = len(cats)
    cat_cum = cumulative([c[2] for c in cats])
    sig_lo, sig_hi = (float(v) for v in a.sigma.split(","))

    def load(name):
        p = os.path.join(a.city, name)
        return json.load(open(p, encoding="utf-8"))["features"] if os.path.exists(p) else []

    bfeat = load("buildings.geojson")
    cent = []
    for f in bfeat:
        r = rings_of(f["geometry"])
        if not r:
            continue
        ring = r[0][0][:-1]
        cent.append((sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)))
    plane = Plane(sum(c[0] for c in cent) / len(cent), sum(c[1] for c in cent) / len(cent))
    bxy = [plane.xy(*c) for c in cent]
    city = [[[plane.xy(*p) for p in ring] for ring in poly] for f in load("city.geojson") for poly in rings_of(f["geometry"])]
    if not city:   # the buildings' bounding box
        xs, ys = [p[0] for p in bxy], [p[1] for p in bxy]
        city = [[[(min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)), (min(xs), min(ys))]]]
    cxs = [p[0] for poly in city for ring in poly for p in ring]
    cys = [p[1] for poly in city for ring in poly for p in ring]
    ccx, ccy = (min(cxs) + max(cxs)) / 2, (min(cys) + max(cys)) / 2
    R = max(max(cxs) - min(cxs), max(cys) - min(cys)) / 2

    # Day weights per category (weekday x season), hour weights.
    day_cum = []
    for c in range(ncat):
        w = []
        for d in range(DAYS):
            s = 1.0
            if cats[c][0] == "Отопление" or c == 4 and not a.categories:
                s = 0.2 + 1.6 * max(0.0, math.cos(2 * math.pi * (d - 15) / DAYS))
            elif c in SEASON_PEAK and not a.categories:
                p, amp = SEASON_PEAK[c]
                s = 1 + amp * math.cos(2 * math.pi * (d - p) / DAYS)
            w.append(WEEKDAY_W[d % 7] * s)
        day_cum.append(cumulative(w))
    hour_cum = cumulative(HOUR_W)

    def draw_time(c, month=None):
        if month is None:
            d = pick(rng, day_cum[c])
        else:
            d0, d1 = MONTH_START[month - 1], MONTH_START[month]
            d = d0 + pick(rng, cumulative([WEEKDAY_W[k % 7] for k in range(d0, d1)]))
        return d * 86400 + pick(rng, hour_cum) * 3600 + rng.randrange(3600) - offset   # UTC seconds since 2024-01-01

    # Counts.
    n_out = round(0.02 * N)
    n_dup = round(DUP_SHARE * N)
    sizes = []
    while sum(sizes) < n_dup:
        sizes.append(DUP_SIZES[pick(rng, cumulative(DUP_SIZE_W))])
    sizes[-1] -= sum(sizes) - n_dup
    if sizes and sizes[-1] < 2:
        extra = sizes.pop()
        if extra == 1 and sizes:
            k = max(i for i, v in enumerate(sizes) if v < 6)
            sizes[k] += 1
    n_follow = sum(sizes) - len(sizes)
    n_bg0 = N - n_out - n_follow

    # Background: [x, y, category, t, spot]
    apps = []
    for _ in range(n_bg0):
        bx, by = bxy[rng.randrange(len(bxy))]
        c = pick(rng, cat_cum)
        apps.append([bx + rng.gauss(0, 25), by + rng.gauss(0, 25), c, draw_time(c), -1])

    # Hot spots.
    kinds = ["month"] * a.month_spots + ["persistent"] * (a.hotspots - a.month_spots)
    rng.shuffle(kinds)
    months = rng.sample(range(1, 13), a.month_spots)
    order = list(range(len(bxy)))
    rng.shuffle(order)
    spots, total_hot = [], 0
    for b in order:
        if len(spots) == a.hotspots:
            break
        x, y = bxy[b]
        if not inside(city, x, y) or edge_distance(city, x, y) < a.inside:
            continue
        if any(math.hypot(x - s["x"], y - s["y"]) < a.spot_gap for s in spots):
            continue
        sig = rng.uniform(sig_lo, sig_hi)
        rad = 2 * sig
        kind = kinds[len(spots)]
        mon = [months[len([s for s in spots if s["kind"] == "month"])]] if kind == "month" else list(range(1, 13))
        lo, hi = (MONTH_START[mon[0] - 1] * 86400 - offset, MONTH_START[mon[0]] * 86400 - offset) if kind == "month" else (-1e18, 1e18)
        bg_in = sum(1 for p in apps if lo <= p[3] < hi and (p[0] - x) ** 2 + (p[1] - y) ** 2 <= rad * rad)
        if bg_in < a.min_background:
            continue
        f = rng.uniform(3, 8)
        n_h = round((f - 1) * bg_in / (1 - math.exp(-2)))
        spots.append({"kind": kind, "months": mon, "x": x, "y": y, "sigma_m": sig, "radius_m": rad, "factor_target": f,
                      "n": n_h, "dominant": pick(rng, cat_cum), "background_in_radius": bg_in})
        total_hot += n_h
    if len(spots) < a.hotspots:
        raise SystemExit(f"the city holds only {len(spots)} of {a.hotspots} hot spots {a.spot_gap} m apart")
    # Thin the background so that the total stays exact.
    drop = set(rng.sample(range(len(apps)), total_hot))
    apps = [p for k, p in enumerate(apps) if k not in drop]
    for k, s in enumerate(spots):
        for _ in range(s["n"]):
            c = s["dominant"] if rng.random() < 0.5 else pick(rng, cat_cum)
            apps.append([s["x"] + rng.gauss(0, s["sigma_m"]), s["y"] + rng.gauss(0, s["sigma_m"]), c,
                         draw_time(c, s["months"][0] if s["kind"] == "month" else None), k])
    # Outside the city.
    n_inside = len(apps)
    while len(apps) < n_inside + n_out:
        th, rr = rng.uniform(0, 2 * math.pi), R * rng.uniform(1.15, 1.6)
        x, y = ccx + rr * math.cos(th), ccy + rr * math.sin(th)
        if not inside(city, x, y):
            c = pick(rng, cat_cum)
            apps.append([x, y, c, draw_time(c), -1])
    # Duplicate groups: followers of inside appeals created before the year's last 2 days.
    eligible = [k for k in range(n_inside) if apps[k][3] < (DAYS - 2) * 86400 - offset]
    firsts = rng.sample(eligible, len(sizes))
    group_of = {}
    for g, (k, size) in enumerate(zip(firsts, sizes)):
        group_of[k] = g
        x, y, c, t, _ = apps[k]
        for _ in range(size - 1):
            r, th = 38.0 * rng.random() ** 2, rng.uniform(0, 2 * math.pi)
            apps.append([x + r * math.cos(th), y + r * math.sin(th), c, t + rng.randint(120, 46 * 3600), -1])
            group_of[len(apps) - 1] = g
    assert len(apps) == N, (len(apps), N)

    # Creation order.
    idx = sorted(range(N), key=lambda k: (apps[k][3], k))
    # Round to the written precision first, so that the truth is about what a reader sees.
    lonlat = []
    for k in idx:
        lon, lat = plane.ll(apps[k][0], apps[k][1])
        lonlat.append((round(lon, 7), round(lat, 7)))
    new_id = {k: n + 1 for n, k in enumerate(idx)}

    # Slow organisation: a single-territory organisation with enough appeals, chosen at random.
    terr = load("territories.geojson")
    tpolys = [[[[plane.xy(*p) for p in ring] for ring in poly] for poly in rings_of(f["geometry"])] for f in terr]
    orgs = [f["properties"].get(a.org_field) for f in terr]
    single = [k for k, o in enumerate(orgs) if o is not None and orgs.count(o) == 1]
    rng.shuffle(single)
    slow_org, slow_set = None, set()
    for k in single:
        xs = [p[0] for poly in tpolys[k] for ring in poly for p in ring]
        ys = [p[1] for poly in tpolys[k] for ring in poly for p in ring]
        box = (min(xs), min(ys), max(xs), max(ys))
        members = set()
        for n, k2 in enumerate(idx):
            x, y = plane.xy(*lonlat[n])
            if box[0] <= x <= box[2] and box[1] <= y <= box[3] and inside(tpolys[k], x, y):
                members.add(n)
        if len(members) >= max(20, N // (4 * max(1, len(terr)))):
            slow_org, slow_set = orgs[k], members
            break

    # Closing times, status, breaches.
    cutoff = YEAR_S - offset
    zsd = {False: LOGSD * Z[P_BREACH], True: LOGSD * Z[P_BREACH_SLOW]}
    src_cum = cumulative(SOURCE_W)
    lines, breaches, closed_late, open_overdue = [], 0, 0, 0
    slow_breaches = 0
    for n, k in enumerate(idx):
        x, y, c, t, spot = apps[k]
        dl = cats[c][1] * 86400
        dur = max(600, round(dl * math.exp(zsd[n in slow_set] + LOGSD * rng.gauss(0, 1))))
        stuck = rng.random() < P_STUCK
        closed = None if stuck or t + dur > cutoff else t + dur
        u = rng.random()
        status = "closed" if closed is not None else ("in_progress" if (cutoff - t > 86400 and u < 0.7) or u < 0.4 else "open")
        breach = (closed - t > dl) if closed is not None else (t + dl < cutoff)
        if breach:
            breaches += 1
            closed_late += closed is not None
            open_overdue += closed is None
            slow_breaches += n in slow_set
        src = SOURCES[pick(rng, src_cum)]
        lon, lat = lonlat[n]
        closed_text = '"%s"' % fmt(closed, offset) if closed is not None else "null"
        lines.append('{"type":"Feature","properties":{"id":%d,"category":%s,"created":"%s","status":"%s","closed":%s,'
                     '"deadline_days":%d,"source":"%s"},"geometry":{"type":"Point","coordinates":[%r,%r]}}'
                     % (n + 1, json.dumps(cats[c][0], ensure_ascii=False), fmt(t, offset), status, closed_text,
                        cats[c][1], src, lon, lat))
    out = a.out or os.path.join(a.city, "appeals_year.geojson")
    with open(out, "w", encoding="utf-8") as fo:
        fo.write('{"type":"FeatureCollection","name":"appeals_year","features":[\n')
        fo.write(",\n".join(lines))
        fo.write("\n]}\n")

    groups = [[] for _ in sizes]
    for k in idx:
        if k in group_of:
            groups[group_of[k]].append(new_id[k])
    hot = []
    for k, s in enumerate(spots):
        lon, lat = plane.ll(s["x"], s["y"])
        hot.append({"id": k + 1, "kind": s["kind"], "months": s["months"], "lon": round(lon, 7), "lat": round(lat, 7),
                    "sigma_m": round(s["sigma_m"], 1), "radius_m": round(s["radius_m"], 1),
                    "factor_target": round(s["factor_target"], 2), "planted": s["n"],
                    "background_in_radius": s["background_in_radius"], "dominant_category": cats[s["dominant"]][0],
                    "appeal_ids": sorted(new_id[j] for j in range(N) if apps[j][4] == k)})
    truth = {"generator": "bench/gen_appeals.py", "seed": a.seed, "appeals": N,
             "period": [fmt(-offset, offset), fmt(cutoff, offset)], "offset_hours": a.offset_hours,
             "breach_rule": "closed - created > deadline_days*24h; or closed is null and created + deadline_days*24h < the cut-off",
             "deadline_days": {c[0]: c[1] for c in cats},
             "counts": {"outside_generated": n_out, "duplicate_followers": n_follow, "breaches": breaches,
                        "breaches_closed_late": closed_late, "breaches_open_overdue": open_overdue},
             "hotspots": hot,
             "duplicates": {"share": DUP_SHARE, "groups": len(sizes), "members": sum(sizes), "groups_ids": groups},
             "slow_org": {"org": slow_org, "appeals": len(slow_set), "breaches": slow_breaches,
                          "breach_rate": round(slow_breaches / max(1, len(slow_set)), 4)}}
    with open(a.truth or os.path.splitext(out)[0] + ".truth.json", "w", encoding="utf-8") as fo:
        json.dump(truth, fo, ensure_ascii=False, indent=1)
        fo.write("\n")


if __name__ == "__main__":
    main()
