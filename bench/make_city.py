#!/usr/bin/env python3
"""The synthetic city every benchmark runs on: deterministic, Python standard library only.

usage: python3 bench/make_city.py SCALE OUTDIR [--seed N]

Writes RFC 7946 GeoJSON (WGS84 lon/lat, 7 decimals, exteriors counter-clockwise, holes
clockwise) around 60.73 E, 56.08 N. Counts and area grow linearly with SCALE; the same SCALE
and seed give byte-identical files. At scale 1:

  city.geojson         the city boundary (one polygon)
  territories.geojson  300 management-company territories: an exact partition of the city
                       (shared edges are bit-identical), ~4% with a hole whose island belongs
                       to another territory (so that one is a MultiPolygon); 20-700 vertices
  districts.geojson    27 electoral districts (a partition)
  precincts.geojson    40 police precincts (a partition)
  buildings.geojson    20,000 residential buildings (rectangles and L shapes, in quarters)
  sites.geojson        1,500 waste container sites (points beside buildings)
  appeals.geojson      100,000 appeals (points with a category): ~2% outside the city and
                       0.1% exactly on a territory vertex
  requests311.geojson  50,000 service requests as a US city's 311 export has them: points
                       with 30 text columns (ids, dates, statuses, addresses, free text; some
                       empty), the wide file of the import benchmark

How: partitions are polar grids (bands of sectors) in a star-shaped outline, every vertex
computed once from exact fractions of a turn, then bent by a smooth displacement small enough
to keep the map one-to-one. So neighbours share their vertices exactly and nothing needs a
geometry library. Metres become degrees on a local sphere: synthetic data needs no more.
"""
import argparse
import json
import math
import os
import random
from fractions import Fraction

LON0, LAT0 = 60.73, 56.08
EARTH = 6371008.8
STREETS = ["Ленина", "Мира", "Советская", "Гагарина", "Трубников", "Металлургов", "Строителей",
           "Комсомольская", "Пушкина", "Чкалова", "Вайнера", "Береговая", "Торговая", "Школьная",
           "Ильича", "Малышева", "Уральская", "Заводская", "Данилова", "Герцена"]
ORGS = ["УК «Уютный дом»", "ЖЭУ №", "ТСЖ «Радуга»", "УК «Восход»", "МУП «Жилсервис»", "УК «Северная»",
        "ООО «Городское хозяйство»"]
CATEGORIES = ["Вывоз мусора", "Уличное освещение", "Дороги и тротуары", "Благоустройство двора", "Отопление",
              "Водоснабжение", "Общественный транспорт", "Шум", "Бродячие животные", "Прочее"]
CATEGORY_WEIGHTS = [22, 10, 16, 14, 9, 8, 6, 5, 4, 6]


def lonlat(x, y):
    """Local metres (east, north of the centre) to [lon, lat], rounded to 7 decimals."""
    lat = LAT0 + math.degrees(y / EARTH)
    lon = LON0 + math.degrees(x / (EARTH * math.cos(math.radians(LAT0))))
    return [round(lon, 7), round(lat, 7)]


class Shape:
    """The city's outline and the smooth bend applied to every partition vertex."""

    def __init__(self, rng, radius):
        self.radius = radius
        self.waves = [(k, rng.uniform(0.02, 0.06), rng.uniform(0, 2 * math.pi)) for k in range(2, 7)]
        self.phase = [rng.uniform(0, 2 * math.pi) for _ in range(4)]
        self.cache = {}

    def point(self, t, turn):
        """Parameter t (0 centre … 1 outline) and an exact fraction of a turn → [lon, lat]."""
        key = (t, turn % 1)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        theta = 2 * math.pi * float(turn % 1)
        rho = float(t) * self.radius * (1 + sum(a * math.cos(k * theta + p) for k, a, p in self.waves))
        x, y = rho * math.cos(theta), rho * math.sin(theta)
        # The bend: 6 m over 70 m wavelengths, |gradient| < 0.2, so the map stays one-to-one.
        amp, lam, ph = 6.0, 70.0, self.phase
        dx = amp * math.sin(x / lam + ph[0]) * math.cos(y / (1.3 * lam) + ph[1])
        dy = amp * math.cos(x / (1.1 * lam) + ph[2]) * math.sin(y / lam + ph[3])
        p = lonlat(x + dx, y + dy)
        self.cache[key] = p
        return p


def step_metres(t):
    """Vertex spacing: fine in the core, coarse at the rim (10-90 m)."""
    return 10.0 + 80.0 * float(t) ** 2


def partition(shape, bands, sectors, outline_cuts=()):
    """Polar grid cells as exterior rings ([lon, lat] lists): band k has sectors[k] cells. The
    outline (t = 1) also gets a vertex at each of `outline_cuts`, so that partitions sharing
    those cuts share the outline exactly."""
    radius = shape.radius
    rings = {}
    for k in range(1, bands + 1):
        t = Fraction(k, bands)
        cuts = set()
        for n in ([sectors[k - 1]] + ([sectors[k]] if k < bands else [])):
            cuts.update(Fraction(m, n) for m in range(n))
        count = max(1, math.ceil(2 * math.pi * radius * float(t) / step_metres(t)))
        cuts.update(Fraction(m, count) for m in range(count))
        if k == bands:
            cuts.update(outline_cuts)
        rings[k] = sorted(cuts)

    def arc(k, a, b):
        """Ring k's vertices from turn a to b (a < b, b ≤ 1), both ends included."""
        pts = [c for c in rings[k] if a <= c <= b]
        if b == 1:
            pts.append(Fraction(1))
        return pts

    def radial(k, turn):
        """Points strictly between ring k and ring k + 1 along `turn`."""
        length = radius / bands
        m = max(1, math.ceil(length / step_metres(Fraction(k, bands))))
        return [Fraction(k, bands) + Fraction(i, m * bands) for i in range(1, m)]

    cells = []
    for k in range(bands):
        n = sectors[k]
        for j in range(n):
            a, b = Fraction(j, n), Fraction(j + 1, n)
            ring = []
            if k == 0:
                ring.append(shape.point(Fraction(0), Fraction(0)))
            else:
                ring += [shape.point(Fraction(k, bands), c) for c in arc(k, a, b)]
            ring += [shape.point(t, b) for t in radial(k, b)]
            ring += [shape.point(Fraction(k + 1, bands), c) for c in reversed(arc(k + 1, a, b))]
            ring += [shape.point(t, a) for t in reversed(radial(k, a))]
            cells.append({"band": k, "a": a, "b": b, "ring": close(ring)})
    outline = close([shape.point(Fraction(1), c) for c in rings[bands]])
    return cells, outline


def close(ring):
    """Drops consecutive repeats (7-decimal rounding can merge close vertices) and closes."""
    out = []
    for p in ring:
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def signed_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)) / 2


def oriented(ring, counter_clockwise):
    return ring if (signed_area(ring) > 0) == counter_clockwise else ring[::-1]


def sectors_for(bands, per):
    """Roughly equal-area cells: band k of `bands` gets about per × (2k + 1) sectors."""
    return [max(3, round(per * (2 * k + 1))) for k in range(bands)]


def write(path, name, features):
    """A FeatureCollection, one feature per line."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","name":"%s","features":[\n' % name)
        for i, feature in enumerate(features):
            f.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
            f.write(",\n" if i + 1 < len(features) else "\n")
        f.write("]}\n")


def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scale", type=float)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    s = args.scale
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    radius = 6500.0 * math.sqrt(s)
    shape = Shape(rng, radius)

    # Three partitions of one outline: each gets every partition's outline vertices, so the
    # districts and precincts tile the city exactly as the territories do.
    plans = {"territories": (max(2, round(10 * math.sqrt(s))), 3), "districts": (max(2, round(3 * math.sqrt(s))), 3),
             "precincts": (max(2, round(4 * math.sqrt(s))), 2.5)}
    outline_cuts = set()
    for b, per in plans.values():
        n = sectors_for(b, per)[-1]
        outline_cuts.update(Fraction(m, n) for m in range(n))

    # Territories: a partition with enclaves.
    bands = plans["territories"][0]
    cells, outline = partition(shape, bands, sectors_for(bands, 3), outline_cuts)
    polygons = [[[oriented(c["ring"], True)]] for c in cells]
    candidates = [i for i, c in enumerate(cells) if c["band"] > 0]
    chosen = rng.sample(candidates, 2 * max(1, round(0.04 * len(cells))))
    for hole_in, taker in zip(chosen[0::2], chosen[1::2]):
        c = cells[hole_in]
        t0, t1 = Fraction(c["band"], bands), Fraction(c["band"] + 1, bands)
        ta, tb = t0 + (t1 - t0) * Fraction(3, 10), t0 + (t1 - t0) * Fraction(6, 10)
        wa, wb = c["a"] + (c["b"] - c["a"]) * Fraction(35, 100), c["a"] + (c["b"] - c["a"]) * Fraction(65, 100)
        side = 8
        blob = ([shape.point(ta, wa + (wb - wa) * Fraction(i, side)) for i in range(side)]
                + [shape.point(ta + (tb - ta) * Fraction(i, side), wb) for i in range(side)]
                + [shape.point(tb, wb - (wb - wa) * Fraction(i, side)) for i in range(side)]
                + [shape.point(tb - (tb - ta) * Fraction(i, side), wa) for i in range(side)])
        blob = close(blob)
        polygons[hole_in][0].append(oriented(blob, False))
        polygons[taker].append([oriented(blob, True)])
    territories = []
    vertices = []
    for i, parts in enumerate(polygons, 1):
        org = ORGS[i % len(ORGS)]
        geometry = ({"type": "Polygon", "coordinates": parts[0]} if len(parts) == 1
                    else {"type": "MultiPolygon", "coordinates": parts})
        territories.append(feature({"id": i, "code": f"T-{i:05d}", "name": f"Территория обслуживания №{i}",
                                    "org": org + (str(i) if org.endswith("№") else ""),
                                    "district": ["Центральный", "Северный", "Южный", "Заречный", "Динас"][i % 5]},
                                   geometry))
        vertices += parts[0][0][:-1]
    write(os.path.join(args.out, "territories.geojson"), "territories", territories)
    write(os.path.join(args.out, "city.geojson"), "city", [
        feature({"name": "Первоуральск (синт.)"}, {"type": "Polygon", "coordinates": [oriented(outline, True)]})])

    # Districts and precincts: coarser partitions of the same outline.
    for name, label in (("districts", "Избирательный округ №{}"), ("precincts", "Участок полиции №{} (ОМВД «Первоуральский»)")):
        b, per = plans[name]
        part, _ = partition(shape, b, sectors_for(b, per), outline_cuts)
        write(os.path.join(args.out, f"{name}.geojson"), name, [
            feature({"id": i, "name": label.format(i)}, {"type": "Polygon", "coordinates": [oriented(c["ring"], True)]})
            for i, c in enumerate(part, 1)])

    # Buildings in quarters, denser towards the centre.
    def inside_point(spread):
        while True:
            x, y = rng.gauss(0, spread), rng.gauss(0, spread)
            if math.hypot(x, y) < 0.9 * radius:
                return x, y
    quarters = [(inside_point(0.5 * radius), rng.uniform(0, math.pi)) for _ in range(round(900 * s))]
    centres = []
    buildings = []
    for i in range(1, round(20000 * s) + 1):
        (qx, qy), qa = quarters[rng.randrange(len(quarters))]
        cx, cy = qx + rng.gauss(0, 110), qy + rng.gauss(0, 110)
        if math.hypot(cx, cy) >= 0.95 * radius:
            cx, cy = qx, qy
        angle = qa + rng.choice([0, math.pi / 2]) + rng.gauss(0, 0.03)
        half_l, half_w = rng.uniform(12, 90) / 2, rng.uniform(10, 16) / 2
        if rng.random() < 0.12:
            local = [(-half_l, -half_w), (half_l, -half_w), (half_l, half_w), (-half_l + 2 * half_w, half_w),
                     (-half_l + 2 * half_w, 4 * half_w), (-half_l, 4 * half_w)]
        else:
            local = [(-half_l, -half_w), (half_l, -half_w), (half_l, half_w), (-half_l, half_w)]
        cos, sin = math.cos(angle), math.sin(angle)
        ring = close([lonlat(cx + u * cos - v * sin, cy + u * sin + v * cos) for u, v in local])
        floors = rng.choices([2, 3, 5, 9, 10, 12, 16], [15, 10, 35, 20, 10, 5, 5])[0]
        centres.append((cx, cy))
        buildings.append(feature({"id": i, "address": f"ул. {STREETS[i % len(STREETS)]}, д. {1 + i % 157}",
                                  "floors": floors, "flats": floors * (4 + i % 9), "year": 1950 + (i * 37) % 73},
                                 {"type": "Polygon", "coordinates": [oriented(ring, True)]}))
    write(os.path.join(args.out, "buildings.geojson"), "buildings", buildings)

    # Container sites in courtyards: beside a random building.
    sites = []
    for i in range(1, round(1500 * s) + 1):
        bx, by = centres[rng.randrange(len(centres))]
        sites.append(feature({"id": i, "name": f"Контейнерная площадка №{i}",
                              "address": f"ул. {STREETS[(i * 7) % len(STREETS)]}, {1 + i % 99}",
                              "containers": 1 + i % 6, "type": ["ТКО", "ТКО+КГО", "раздельный сбор"][i % 3]},
                             {"type": "Point", "coordinates": lonlat(bx + rng.gauss(0, 45), by + rng.gauss(0, 45))}))
    write(os.path.join(args.out, "sites.geojson"), "sites", sites)

    # Appeals: at addresses, 2% outside the city, 0.1% exactly on a territory vertex.
    n = round(100000 * s)
    outside, on_vertex = round(0.02 * n), round(0.001 * n)
    places = ["address"] * (n - outside - on_vertex) + ["outside"] * outside + ["vertex"] * on_vertex
    rng.shuffle(places)
    appeals = []
    for i, place in enumerate(places, 1):
        if place == "address":
            bx, by = centres[rng.randrange(len(centres))]
            point = lonlat(bx + rng.gauss(0, 25), by + rng.gauss(0, 25))
        elif place == "outside":
            theta, rho = rng.uniform(0, 2 * math.pi), radius * rng.uniform(1.15, 1.6)
            point = lonlat(rho * math.cos(theta), rho * math.sin(theta))
        else:
            point = list(vertices[rng.randrange(len(vertices))])
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        day = rng.randrange(365)
        appeals.append(feature({"id": i, "category": category, "created": f"2024-{1 + day // 31:02d}-{1 + day % 28:02d}",
                                "text": f"Обращение гражданина: {category.lower()}", "src": place},
                               {"type": "Point", "coordinates": point}))
    write(os.path.join(args.out, "appeals.geojson"), "appeals", appeals)

    # A wide 311-style export: 30 text columns per point (its own random stream, so the
    # files above stay as they were).
    wide = random.Random(args.seed + 311)
    statuses, channels = ["Open", "Closed", "In Progress", "Assigned", "Duplicate"], ["Phone", "Web", "Mobile App", "Walk-in", "Email"]
    agencies = ["DPW", "DOT", "Parks", "Sanitation", "Water", "Housing", "Police", "Health"]
    requests = []
    for i in range(1, round(50000 * s) + 1):
        bx, by = centres[wide.randrange(len(centres))]
        category = wide.choice(CATEGORIES)
        opened, closed = wide.randrange(365), wide.randrange(30)
        street = STREETS[wide.randrange(len(STREETS))]
        props = {
            "service_request_id": f"SR-{2024000000 + i}", "requested_datetime": f"2024-{1 + opened // 31:02d}-{1 + opened % 28:02d}T{wide.randrange(24):02d}:{wide.randrange(60):02d}:00",
            "updated_datetime": f"2024-{1 + opened // 31:02d}-{1 + (opened + closed) % 28:02d}T{wide.randrange(24):02d}:{wide.randrange(60):02d}:00",
            "closed_date": "" if wide.random() < 0.3 else f"2024-{1 + opened // 31:02d}-{1 + (opened + closed) % 28:02d}",
            "status": wide.choice(statuses), "status_notes": "" if wide.random() < 0.5 else f"Передано в работу, бригада {wide.randrange(40)}",
            "service_name": category, "service_code": f"C{CATEGORIES.index(category):03d}", "service_subtype": f"{category} / подтип {wide.randrange(9)}",
            "description": f"Жалоба: {category.lower()} у дома {1 + wide.randrange(200)} по ул. {street}" + (", повторно" if wide.random() < 0.2 else ""),
            "agency_responsible": wide.choice(agencies), "agency_contact": f"+7 343 {wide.randrange(100, 999)}-{wide.randrange(10, 99)}-{wide.randrange(10, 99)}",
            "channel": wide.choice(channels), "address": f"ул. {street}, д. {1 + wide.randrange(200)}",
            "street": street, "house": str(1 + wide.randrange(200)), "zipcode": f"623{wide.randrange(100, 140)}",
            "district": ["Центральный", "Северный", "Южный", "Заречный", "Динас"][wide.randrange(5)],
            "ward": f"Ward {1 + wide.randrange(12)}", "precinct": f"P-{1 + wide.randrange(40):03d}",
            "council_district": str(1 + wide.randrange(9)), "police_district": f"ОП-{1 + wide.randrange(6)}",
            "latitude_text": "", "longitude_text": "", "media_url": "" if wide.random() < 0.8 else f"https://city.example/media/{i}.jpg",
            "priority": wide.choice(["Low", "Medium", "High"]), "source_system": "CRM 311",
            "resolution": "" if wide.random() < 0.4 else wide.choice(["Устранено", "Отказано", "Передано", "Не подтвердилось"]),
            "department_note": f"Отдел {wide.randrange(20)}: {wide.choice(['принято', 'в очереди', 'выезд назначен'])}",
            "external_id": f"{wide.getrandbits(64):016x}",
        }
        point = lonlat(bx + wide.gauss(0, 25), by + wide.gauss(0, 25))
        props["latitude_text"], props["longitude_text"] = f"{point[1]:.6f}", f"{point[0]:.6f}"
        requests.append(feature(props, {"type": "Point", "coordinates": point}))
    write(os.path.join(args.out, "requests311.geojson"), "requests311", requests)

    meta = {"generator": "bench/make_city.py", "scale": s, "seed": args.seed, "territories": len(territories),
            "territory_multipolygons": sum(1 for p in polygons if len(p) > 1),
            "territory_holes": sum(len(p[0]) - 1 for p in polygons), "buildings": len(buildings), "sites": len(sites),
            "appeals": n, "appeals_outside": outside, "appeals_on_vertex": on_vertex, "requests311": len(requests),
            "requests311_columns": 30}
    with open(os.path.join(args.out, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(json.dumps(meta, ensure_ascii=False))


if __name__ == "__main__":
    main()
