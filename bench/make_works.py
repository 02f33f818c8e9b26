#!/usr/bin/env python3
"""A works layer for the synthetic city: trenches, pits and burst mains beside its buildings.

Deterministic (fixed seed, standard library only). Each feature sits 5-40 m from a building
of the city, chosen at random: 70% trenches (LineStrings of 2-4 vertices, 20-150 m), 20%
excavation pits (10-25 m rectangles), 10% points (a burst main). Dates over 2025: starts on
any day (30% at a time of day), 1-30 days long, as `start`/`end` in +05:00, plus a permit
number, contractor, kind of works and phone as the fixture city has.

usage: bench/make_works.py CITY_DIR OUT.geojson [COUNT]   (default 10,000)
"""
import json, math, random, re, sys

city, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
rng = random.Random(16)
M_LAT = 110_574.0

with open(f"{city}/buildings.geojson", encoding="utf-8") as fh:
    text = fh.read()
# The first vertex of every building: enough to put works beside it.
anchors = [(float(x), float(y)) for x, y in re.findall(r'"coordinates":\[\[\[(-?[0-9.]+),(-?[0-9.]+)\]', text)]
del text
picks = [anchors[rng.randrange(len(anchors))] for _ in range(count)]
CONTRACTORS = [("ООО «Теплосеть»", "+7 (35146) 3-25-60", "замена теплотрассы"),
               ("АО «Водоканал»", "+7 (35146) 3-07-14", "ремонт водопровода"),
               ("ООО «Горэлектросеть»", "+7 (35146) 2-90-41", "прокладка кабеля 10 кВ"),
               ("ПАО «Ростелеком»", "+7 (35146) 2-22-00", "прокладка кабеля связи"),
               ("ООО «Уралдорстрой»", "+7 (351) 225-48-19", "ремонт бордюров")]
features = []
for k, (lon0, lat0) in enumerate(picks):
    m_lon = 111_320.0 * math.cos(math.radians(lat0))

    def ll(dx, dy):
        return [round(lon0 + dx / m_lon, 7), round(lat0 + dy / M_LAT, 7)]

    a = rng.uniform(0, 2 * math.pi)
    off = rng.uniform(5, 40)
    ox, oy = off * math.cos(a), off * math.sin(a)
    r = rng.random()
    if r < 0.7:
        pts, x, y = [], ox, oy
        heading = rng.uniform(0, 2 * math.pi)
        for _ in range(rng.randint(2, 4)):
            pts.append(ll(x, y))
            step = rng.uniform(20, 150) / 2
            heading += rng.uniform(-0.6, 0.6)
            x, y = x + step * math.cos(heading), y + step * math.sin(heading)
        geometry = {"type": "LineString", "coordinates": pts}
    elif r < 0.9:
        w, h, t = rng.uniform(10, 25), rng.uniform(10, 25), rng.uniform(0, math.pi)
        c, s = math.cos(t), math.sin(t)
        ring = [ll(ox + u * c - v * s, oy + u * s + v * c) for u, v in [(0, 0), (w, 0), (w, h), (0, h), (0, 0)]]
        geometry = {"type": "Polygon", "coordinates": [ring]}
    else:
        geometry = {"type": "Point", "coordinates": ll(ox, oy)}
    day = rng.randrange(365)
    length = rng.randint(1, 30)

    def date(n):
        days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        y, m = 2025, 0
        while n >= days[m]:
            n -= days[m]
            m += 1
            if m == 12:
                y, m = y + 1, 0
        return f"{y}-{m + 1:02d}-{n + 1:02d}"

    if rng.random() < 0.3:
        hour = rng.randint(7, 20)
        start, end = f"{date(day)}T{hour:02d}:00:00+05:00", f"{date(day + length)}T{hour:02d}:00:00+05:00"
    else:
        start, end = date(day), date(day + length - 1)
    contractor, phone, kind = CONTRACTORS[rng.randrange(len(CONTRACTORS))]
    features.append({"type": "Feature", "id": k + 1, "properties": {
        "permit": f"Ордер №{k + 1}/2025", "contractor": contractor, "kind": kind, "phone": phone,
        "start": start, "end": end}, "geometry": geometry})
with open(out, "w", encoding="utf-8") as fh:
    fh.write('{"type":"FeatureCollection","name":"works","features":[\n')
    fh.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
    fh.write("\n]}\n")
