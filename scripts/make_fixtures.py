#!/usr/bin/env python3
"""Generate geoctl's small sample city: fixtures/geojson/*.geojson and fixtures/broken/*.

Deterministic (fixed seed, Python standard library only): running it again rewrites the
same bytes. The city sits around 60.73 E, 56.08 N (Snezhinsk). Everything is laid out on a
jittered 6 x 5 grid of cells in a local metric frame and converted to WGS84 once per
vertex, so borders that two polygons share are bit-identical.

Usage: python3 scripts/make_fixtures.py [OUTDIR]   (default: fixtures/)
"""
import json
import math
import os
import random
import sys

LON0, LAT0 = 60.73, 56.08
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))
COLS, ROWS = 6, 5
CELL = 700.0  # metres
rng = random.Random(2024)


def to_lonlat(x, y):
    return [round(LON0 + x / M_PER_DEG_LON, 7), round(LAT0 + y / M_PER_DEG_LAT, 7)]


# ------------------------------------------------------------------ the grid of shared vertices
X0, Y0 = -COLS * CELL / 2, -ROWS * CELL / 2
nodes = {}
for c in range(COLS + 1):
    for r in range(ROWS + 1):
        jx = rng.uniform(-60, 60)
        jy = rng.uniform(-60, 60)
        nodes[(c, r)] = (X0 + c * CELL + jx, Y0 + r * CELL + jy)
# A jittered middle vertex on every grid edge, shared by the cells on both sides.
mids = {}


def mid(a, b):
    key = (min(a, b), max(a, b))
    if key not in mids:
        (x1, y1), (x2, y2) = nodes[key[0]], nodes[key[1]]
        mids[key] = ((x1 + x2) / 2 + rng.uniform(-30, 30), (y1 + y2) / 2 + rng.uniform(-30, 30))
    return mids[key]


LL = {}  # metric vertex -> lon/lat, converted once so shared vertices are identical


def ll(p):
    if p not in LL:
        LL[p] = to_lonlat(*p)
    return LL[p]


def path(a, b):
    """Vertices from node a to node b along grid lines (a and b in one row or column), a excluded."""
    (ca, ra), (cb, rb) = a, b
    out = []
    if ra == rb:
        step = 1 if cb > ca else -1
        for c in range(ca, cb, step):
            out += [mid((c, ra), (c + step, ra)), nodes[(c + step, ra)]]
    else:
        step = 1 if rb > ra else -1
        for r in range(ra, rb, step):
            out += [mid((ca, r), (ca, r + step)), nodes[(ca, r + step)]]
    return out


def block_ring(c0, r0, c1, r1):
    """Counter-clockwise ring around cells c0..c1 x r0..r1 (inclusive), closed, lon/lat."""
    corners = [(c0, r0), (c1 + 1, r0), (c1 + 1, r1 + 1), (c0, r1 + 1), (c0, r0)]
    pts = [nodes[corners[0]]]
    for a, b in zip(corners, corners[1:]):
        pts += path(a, b)
    return [ll(p) for p in pts]


def bilinear(c, r, u, v):
    (x00, y00), (x10, y10) = nodes[(c, r)], nodes[(c + 1, r)]
    (x01, y01), (x11, y11) = nodes[(c, r + 1)], nodes[(c + 1, r + 1)]
    x = (1 - u) * (1 - v) * x00 + u * (1 - v) * x10 + (1 - u) * v * x01 + u * v * x11
    y = (1 - u) * (1 - v) * y00 + u * (1 - v) * y10 + (1 - u) * v * y01 + u * v * y11
    return x, y


def feature(props, geometry, fid=None):
    f = {"type": "Feature"}
    if fid is not None:
        f["id"] = fid
    f["properties"] = props
    f["geometry"] = geometry
    return f


def write(path_, name, features, extra=None):
    os.makedirs(os.path.dirname(path_), exist_ok=True)
    head = {"type": "FeatureCollection", "name": name}
    if extra:
        head.update(extra)
    with open(path_, "w", encoding="utf-8") as fh:
        text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
        fh.write(text + ',"features":[\n')
        fh.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
        fh.write("\n]}\n")


STREETS = ["Ленина", "Мира", "Победы", "Свердлова", "Васильева", "Забабахина", "Комсомольская",
           "Чапаева", "Дзержинского", "Транспортная", "Широкая", "Садовая"]
SURNAMES = ["Иванов", "Петрова", "Сидоров", "Кузнецова", "Смирнов", "Волкова", "Морозов", "Лебедева",
            "Соколов", "Новикова", "Фёдоров", "Егорова", "Павлов", "Козлова"]
GIVEN = ["Алексей Викторович", "Ольга Сергеевна", "Дмитрий Иванович", "Наталья Петровна",
         "Сергей Андреевич", "Елена Николаевна", "Андрей Юрьевич", "Марина Владимировна"]


def person():
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def phone():
    return f"+7 (35146) {rng.randint(2, 9)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"


def street_address():
    return f"ул. {rng.choice(STREETS)}, д. {rng.randint(1, 60)}"


def main(out):
    gj = os.path.join(out, "geojson")
    # ------------------------------------------------------------ city boundary
    city = block_ring(0, 0, COLS - 1, ROWS - 1)
    write(f"{gj}/city.geojson", "city", [feature(
        {"name": "Снежинский городской округ", "okato": "75546000", "population": 52000},
        {"type": "Polygon", "coordinates": [city]}, "city-1")])

    # ------------------------------------------------------------ management companies
    orgs = [
        ("УК «Уютный дом»", "uyut@example.ru"), ("УК «Северная»", "north@example.ru"),
        ("ООО «ЖЭУ №1»", "zheu1@example.ru"), ("ООО «ЖЭУ №2»", "zheu2@example.ru"),
        ("ТСЖ «Радуга»", "raduga@example.ru"), ("УК «Восход»", "voshod@example.ru"),
        ("МУП «Жилсервис»", "zhilservis@example.ru"), ("УК «Комфорт»", "comfort@example.ru"),
        ("ООО «Городское хозяйство»", "gorhoz@example.ru"), ("УК «Заречье»", "zarechye@example.ru"),
        ("ТСЖ «Центральное»", "central@example.ru"), ("УК «Южная»", "south@example.ru"),
    ]
    org_info = [{"org": n, "org_id": f"ORG-{i + 1:02d}", "phone": phone(), "email": e,
                 "address": street_address()} for i, (n, e) in enumerate(orgs)]
    hole_cell, island_owner_cell = (2, 2), (3, 2)
    # The hole in one territory, filled by an island that belongs to its neighbour.
    hx, hy = bilinear(*hole_cell, 0.5, 0.5)
    hole_m = [(hx - 90, hy - 80), (hx - 90, hy + 80), (hx + 90, hy + 80), (hx + 90, hy - 80), (hx - 90, hy - 80)]
    hole_cw = [ll(p) for p in hole_m]            # clockwise: a hole
    island_ccw = list(reversed(hole_cw))         # counter-clockwise: a shell
    territories = []
    n = 0
    for r in range(ROWS):
        for c in range(COLS):
            n += 1
            info = org_info[(c * 7 + r * 5) % len(org_info)]
            props = {"code": f"T-{n:02d}", "name": f"Территория обслуживания №{n}", **info,
                     "homes": rng.randint(8, 40)}
            ring = block_ring(c, r, c, r)
            if (c, r) == hole_cell:
                geometry = {"type": "Polygon", "coordinates": [ring, hole_cw]}
            elif (c, r) == island_owner_cell:
                geometry = {"type": "MultiPolygon", "coordinates": [[ring], [island_ccw]]}
            else:
                geometry = {"type": "Polygon", "coordinates": [ring]}
            territories.append(feature(props, geometry, n))
    write(f"{gj}/territories.geojson", "territories", territories)

    # ------------------------------------------------------------ electoral districts, precincts
    district_blocks = [(0, 0, 2, 1), (3, 0, 5, 1), (0, 2, 1, 4), (2, 2, 3, 4), (4, 2, 5, 4)]
    parties = ["Единая Россия", "КПРФ", "ЛДПР", "Справедливая Россия", "Самовыдвижение"]
    districts = [feature({"number": i + 1, "name": f"Избирательный округ №{i + 1}", "deputy": person(),
                          "party": parties[i], "reception": street_address(), "phone": phone()},
                         {"type": "Polygon", "coordinates": [block_ring(*b)]}, i + 1)
                 for i, b in enumerate(district_blocks)]
    write(f"{gj}/districts.geojson", "districts", districts)
    precinct_blocks = [(0, 0, 2, 1), (3, 0, 5, 1), (0, 2, 2, 4), (3, 2, 5, 4)]
    ranks = ["майор полиции", "капитан полиции", "старший лейтенант полиции", "лейтенант полиции"]
    precincts = [feature({"number": i + 1, "name": f"Участковый пункт полиции №{i + 1}", "officer": person(),
                          "rank": ranks[i], "phone": phone(), "address": street_address()},
                         {"type": "Polygon", "coordinates": [block_ring(*b)]}, i + 1)
                 for i, b in enumerate(precinct_blocks)]
    write(f"{gj}/precincts.geojson", "precincts", precincts)

    # ------------------------------------------------------------ residential buildings
    # Buildings stand around courtyards, three per cell, as in a Soviet microdistrict.
    buildings = []
    centres = []
    courtyards = {}
    bid = 0
    for r in range(ROWS):
        for c in range(COLS):
            spots = [(0.27, 0.3), (0.73, 0.3), (0.27, 0.7), (0.73, 0.7)]
            rng.shuffle(spots)
            courtyards[(c, r)] = []
            for u, v in spots[:3]:
                yx, yy = bilinear(c, r, u, v)
                courtyards[(c, r)].append((yx, yy))
                count = rng.choice([3, 4, 4, 4])
                turn = rng.uniform(0, 2 * math.pi)
                for k in range(count):
                    theta = turn + k * 2 * math.pi / count + rng.uniform(-0.2, 0.2)
                    dist = rng.uniform(55, 72)
                    cx, cy = yx + dist * math.cos(theta), yy + dist * math.sin(theta)
                    if (c, r) == hole_cell and math.hypot(cx - hx, cy - hy) < 140:
                        continue
                    bid += 1
                    mkd = rng.random() < 0.8
                    w, h = (rng.uniform(12, 16), rng.uniform(30, 50)) if mkd else (rng.uniform(8, 11), rng.uniform(9, 13))
                    a = theta  # long side across the radius: the building faces the courtyard
                    ca, sa = math.cos(a), math.sin(a)
                    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
                    ring = [to_lonlat(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in corners]
                    ring.append(ring[0])
                    floors = rng.choice([5, 5, 9, 9, 12, 3]) if mkd else rng.choice([1, 2])
                    flats = floors * rng.randint(4, 8) if mkd else 1
                    buildings.append(feature(
                        {"address": street_address(), "type": "МКД" if mkd else "ИЖС", "floors": floors,
                         "flats": flats, "residents": int(flats * rng.uniform(1.8, 2.6)),
                         "year": rng.randint(1955, 2022)},
                        {"type": "Polygon", "coordinates": [ring]}, bid))
                    centres.append((cx, cy))
    write(f"{gj}/buildings.geojson", "buildings", buildings)

    def clear_of_buildings(x, y, margin):
        return all(math.hypot(x - bx, y - by) > margin for bx, by in centres)

    def free_spot(c, r, margin, lo=0.1, hi=0.9):
        for _ in range(200):
            x, y = bilinear(c, r, rng.uniform(lo, hi), rng.uniform(lo, hi))
            if clear_of_buildings(x, y, margin):
                return x, y
        return bilinear(c, r, 0.05, 0.05)

    # ------------------------------------------------------------ waste container sites
    # Two of each cell's three courtyards get a site near their middle (40-60 m from the
    # buildings, as the rules want); the third is left without one. Every 19th site is
    # squeezed beside a building, nearer than 20 m.
    sites = []
    sid = 0
    for r in range(ROWS):
        for c in range(COLS):
            for yx, yy in courtyards[(c, r)][:2]:
                sid += 1
                x, y = yx + rng.uniform(-12, 12), yy + rng.uniform(-12, 12)
                if (c, r) == hole_cell:
                    x, y = free_spot(c, r, 45)
                if sid % 19 == 0:
                    bx, by = min(centres, key=lambda p: math.hypot(p[0] - x, p[1] - y))
                    x, y = bx + (x - bx) * 0.3, by + (y - by) * 0.3
                separate = rng.random() < 0.2
                sites.append(feature(
                    {"name": f"Контейнерная площадка №{sid}", "address": street_address(),
                     "containers": rng.choice([1, 2, 3, 4, 4, 6, 8, 10]) if not separate else rng.choice([4, 6, 12]),
                     "bulky_bins": rng.choice([0, 1, 1, 2]), "separate_collection": separate,
                     "sanitary_assessment": rng.random() < 0.15,
                     "operator": "ООО «Центр коммунального сервиса»"},
                    {"type": "Point", "coordinates": to_lonlat(x, y)}, sid))
    write(f"{gj}/sites.geojson", "sites", sites)

    # ------------------------------------------------------------ institutions
    kinds = [("school", "школа", 5), ("kindergarten", "детский сад", 6), ("clinic", "поликлиника", 2),
             ("hospital", "больница", 1), ("library", "библиотека", 2), ("sports", "спортивный комплекс", 2),
             ("mfc", "МФЦ", 1), ("administration", "администрация", 1)]
    institutions = []
    iid = 0
    for code, kind, count in kinds:
        for k in range(count):
            iid += 1
            c, r = rng.randrange(COLS), rng.randrange(ROWS)
            x, y = free_spot(c, r, 40)
            name = {"school": f"МБОУ «Средняя школа №{120 + k}»", "kindergarten": f"МБДОУ «Детский сад №{k + 1}»",
                    "clinic": f"Поликлиника №{k + 1}", "hospital": "Центральная медико-санитарная часть №15",
                    "library": f"Библиотека №{k + 1}", "sports": f"Спорткомплекс «{['Олимп', 'Снежинка'][k % 2]}»",
                    "mfc": "МФЦ «Мои документы»", "administration": "Администрация Снежинского городского округа"}[code]
            institutions.append(feature({"name": name, "kind": kind, "kind_code": code, "address": street_address(),
                                         "phone": phone()},
                                        {"type": "Point", "coordinates": to_lonlat(x, y)}, iid))
    write(f"{gj}/institutions.geojson", "institutions", institutions)

    # ------------------------------------------------------------ roads along the grid lines
    roads = []
    rid = 0
    for r in range(ROWS + 1):
        rid += 1
        line = [ll(nodes[(0, r)])] + [ll(p) for p in path((0, r), (COLS, r))]
        outer = r in (0, ROWS)
        roads.append(feature({"name": f"ул. {STREETS[r % len(STREETS)]}",
                              "owner": "ГКУ «Челябинскавтодор»" if outer else "МКУ «Управление городского хозяйства»",
                              "category": "региональная" if outer else "местная"},
                             {"type": "LineString", "coordinates": line}, rid))
    for c in range(COLS + 1):
        rid += 1
        line = [ll(nodes[(c, 0)])] + [ll(p) for p in path((c, 0), (c, ROWS))]
        roads.append(feature({"name": f"пр. {STREETS[(c + 6) % len(STREETS)]}",
                              "owner": "МКУ «Управление городского хозяйства»", "category": "местная"},
                             {"type": "LineString", "coordinates": line}, rid))
    write(f"{gj}/roads.geojson", "roads", roads)

    # ------------------------------------------------------------ earthworks and outages
    works = []
    for k in range(4):
        c, r = rng.randrange(COLS), rng.randrange(ROWS)
        a, b = bilinear(c, r, 0.15, rng.uniform(0.2, 0.8)), bilinear(c, r, 0.85, rng.uniform(0.2, 0.8))
        m = bilinear(c, r, 0.5, rng.uniform(0.3, 0.7))
        start = f"2024-{rng.randint(5, 9):02d}-{rng.randint(1, 28):02d}"
        works.append(feature({"permit": f"Ордер №{k + 11}/2024", "contractor": rng.choice(
            ["ООО «Теплосеть»", "АО «Водоканал»", "ООО «Горэлектросеть»"]),
            "purpose": rng.choice(["замена теплотрассы", "ремонт водопровода", "прокладка кабеля"]),
            "start": start, "end": f"2024-{int(start[5:7]) + 1:02d}-{start[8:]}"},
            {"type": "LineString", "coordinates": [to_lonlat(*a), to_lonlat(*m), to_lonlat(*b)]}, k + 1))
    outages = []
    for k, (resource, org) in enumerate([("холодное водоснабжение", "АО «Водоканал»"),
                                         ("отопление", "ООО «Теплосеть»"), ("электроснабжение", "ООО «Горэлектросеть»")]):
        c, r = rng.randrange(COLS - 1), rng.randrange(ROWS - 1)
        ring = [to_lonlat(*bilinear(c, r, u, v)) for u, v in [(0.3, 0.3), (1.6, 0.3), (1.6, 1.5), (0.3, 1.5), (0.3, 0.3)]]
        outages.append(feature({"resource": resource, "organisation": org, "reason": "плановые работы",
                                "start": f"2024-11-{20 + k}T09:00:00+05:00", "end": f"2024-11-{20 + k}T18:00:00+05:00"},
                               {"type": "Polygon", "coordinates": [ring]}, k + 1))

    # ------------------------------------------------------------ appeals
    categories = [("pothole", "Яма на дороге", 30), ("lighting", "Не горит фонарь", 25),
                  ("garbage", "Не вывезен мусор", 40), ("snow", "Не убран снег", 35),
                  ("landscaping", "Благоустройство двора", 40), ("other", "Прочее", 30)]
    weights = [w for _, _, w in categories]
    appeals = []

    def appeal(lonlat, special=None):
        code, name, _ = rng.choices(categories, weights)[0]
        day = rng.randint(1, 30)
        props = {"category": code, "категория": name, "text": f"{name}: обращение жителя",
                 "created": f"2024-11-{day:02d}T{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}:00+05:00"}
        if special:
            props["placement"] = special
        appeals.append(feature(props, {"type": "Point", "coordinates": lonlat}, len(appeals) + 1))

    interior_nodes = [(c, r) for c in range(1, COLS) for r in range(1, ROWS)]
    for key in rng.sample(interior_nodes, 4):
        appeal(ll(nodes[key]), "on a shared vertex")
    inner_edges = [k for k in sorted(mids) if not (k[0][0] == k[1][0] in (0, COLS)) and not (k[0][1] == k[1][1] in (0, ROWS))]
    for key in rng.sample(inner_edges, 4):
        appeal(ll(mids[key]), "on a shared border vertex")
    for k in range(6):
        angle = rng.uniform(0, 2 * math.pi)
        appeal(to_lonlat(math.cos(angle) * 3400, math.sin(angle) * 3000), "outside the city")
    for k in range(3):
        appeal(to_lonlat(hx + rng.uniform(-60, 60), hy + rng.uniform(-50, 50)), "in the hole (island)")
    while len(appeals) < 200:
        c, r = rng.randrange(COLS), rng.randrange(ROWS)
        appeal(to_lonlat(*bilinear(c, r, rng.uniform(0.02, 0.98), rng.uniform(0.02, 0.98))))
    write(f"{gj}/appeals.geojson", "appeals", appeals)
    write_rules(os.path.join(out, "routing-rules.yaml"), org_info, categories)

    write_broken(os.path.join(out, "broken"))
    # Last, with their own random stream, so the layers above keep their bytes.
    write_works(gj, works, outages, buildings, centres)


CONTRACTORS = {"ООО «Теплосеть»": "+7 (35146) 3-25-60", "АО «Водоканал»": "+7 (35146) 3-07-14",
               "ООО «Горэлектросеть»": "+7 (35146) 2-90-41", "МКУ «Управление городского хозяйства»": "+7 (35146) 3-51-72",
               "ООО «Уралдорстрой»": "+7 (351) 225-48-19", "ПАО «Ростелеком»": "+7 (35146) 2-22-00"}


def write_works(gj, works, outages, buildings, centres):
    """Earthworks permits, outages and road repairs, with a district of known answers.

    Around the building nearest the city centre lie the cases the tests check against GEOS:
    a cable trench along one building's edge; two crossing trenches whose permits overlap
    in time; a third trench that starts the instant the first one ends (no overlap); a
    fourth 3 m beside the first (a clash only within a buffer); a burst main (a point) and
    a heating main (a line) that cut off buildings within a buffer; a road repaired in 2023
    with a guarantee to 2027, crossed by a trench in 2025, and one whose guarantee ended.
    """
    wr = random.Random(16)
    for k, w in enumerate(works):
        p = w["properties"]
        p["kind"] = p.pop("purpose")
        p["phone"] = CONTRACTORS[p["contractor"]]
    for o in outages:
        o["properties"]["kind"] = "плановое отключение"
        o["properties"]["phone"] = CONTRACTORS[o["properties"]["organisation"]]

    # The district: the building nearest the centre of the grid, and its neighbours.
    order = sorted(range(len(centres)), key=lambda i: math.hypot(*centres[i]))
    a = order[0]
    ring = buildings[a]["geometry"]["coordinates"][0]
    cx, cy = centres[a]
    b = next(i for i in order[1:] if math.hypot(centres[i][0] - cx, centres[i][1] - cy) > 150)
    bx, by = centres[b]

    def permit(n, contractor, kind, start, end, geometry, place):
        return feature({"permit": f"Ордер №{n}/2025", "contractor": contractor, "kind": kind,
                        "phone": CONTRACTORS[contractor], "place": place, "start": start, "end": end},
                       geometry, len(works) + 1)

    def line(*points):
        return {"type": "LineString", "coordinates": [to_lonlat(x, y) for x, y in points]}

    address = buildings[a]["properties"]["address"]
    # Along the edge of building a: the edge's own two vertices.
    works.append(permit(41, "ПАО «Ростелеком»", "прокладка кабеля связи", "2025-06-02", "2025-06-20",
                        {"type": "LineString", "coordinates": [ring[0], ring[1]]}, f"вдоль фасада, {address}"))
    # Two crossing trenches near building b, overlapping from 25 June to the end of 30 June.
    works.append(permit(42, "ООО «Теплосеть»", "замена теплотрассы", "2025-06-10", "2025-06-30",
                        line((bx - 120, by - 90), (bx + 120, by - 90)), "внутриквартальный проезд"))
    works.append(permit(43, "АО «Водоканал»", "ремонт водопровода", "2025-06-25", "2025-07-15",
                        line((bx, by - 200), (bx, by + 20)), "дворовая территория"))
    # Starts the instant no. 42 ends (30 June is the last day of no. 42): no clash with it.
    works.append(permit(44, "ООО «Горэлектросеть»", "прокладка кабеля 10 кВ", "2025-07-01T00:00:00+05:00",
                        "2025-07-20T18:00:00+05:00", line((bx + 60, by - 150), (bx + 60, by - 30)), "газон вдоль проезда"))
    # 3 m beside no. 42, at the same time: a clash within a 5 m buffer only.
    works.append(permit(45, "ООО «Горэлектросеть»", "прокладка кабеля 0,4 кВ", "2025-06-16", "2025-06-27",
                        line((bx - 200, by - 87), (bx - 60, by - 87)), "внутриквартальный проезд"))

    # A road repaired in 2023 (guarantee to 2027) and one repaired in 2019 (guarantee over).
    (x1, y1), (x2, y2) = nodes[(2, 2)], nodes[(3, 2)]
    (x3, y3), (x4, y4) = nodes[(4, 3)], nodes[(4, 4)]

    def strip(xa, ya, xb, yb, half):
        dx, dy = xb - xa, yb - ya
        n = math.hypot(dx, dy)
        ox, oy = -dy / n * half, dx / n * half
        pts = [(xa + ox, ya + oy), (xa - ox, ya - oy), (xb - ox, yb - oy), (xb + ox, yb + oy), (xa + ox, ya + oy)]
        return {"type": "Polygon", "coordinates": [[to_lonlat(x, y) for x, y in pts]]}

    repairs = [
        feature({"contract": "Контракт №0169300000123000045", "contractor": "ООО «Уралдорстрой»",
                 "kind": "капитальный ремонт дорожного покрытия", "phone": CONTRACTORS["ООО «Уралдорстрой»"],
                 "start": "2023-06-01", "end": "2023-08-31", "guarantee_until": "2027-08-31"},
                strip(x1, y1, x2, y2, 5), 1),
        feature({"contract": "Контракт №0169300000119000012", "contractor": "МКУ «Управление городского хозяйства»",
                 "kind": "ямочный ремонт", "phone": CONTRACTORS["МКУ «Управление городского хозяйства»"],
                 "start": "2019-07-01", "end": "2019-07-31", "guarantee_until": "2021-07-31"},
                strip(x3, y3, x4, y4, 4), 2),
    ]
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    works.append(permit(46, "АО «Водоканал»", "врезка водопровода через дорогу", "2025-08-04", "2025-08-15",
                        line((mx + 3, my - 25), (mx - 3, my + 25)), "пересечение проезжей части"))
    qx, qy = (x3 + x4) / 2, (y3 + y4) / 2
    works.append(permit(47, "ООО «Теплосеть»", "ремонт теплотрассы под дорогой", "2025-09-01", "2025-09-20",
                        line((qx - 25, qy), (qx + 25, qy)), "пересечение проезжей части"))

    # Emergency outages: a burst main (a point) and a heating main (a line), each cutting off
    # the buildings within a buffer.
    outages.append(feature({"resource": "холодное водоснабжение", "organisation": "АО «Водоканал»",
                            "reason": "порыв водовода", "kind": "аварийное отключение",
                            "phone": CONTRACTORS["АО «Водоканал»"],
                            "start": "2025-01-15T06:30:00+05:00", "end": "2025-01-15T20:00:00+05:00"},
                           {"type": "Point", "coordinates": to_lonlat(cx + 30, cy + 25)}, len(outages) + 1))
    outages.append(feature({"resource": "отопление", "organisation": "ООО «Теплосеть»",
                            "reason": "замена участка теплотрассы", "kind": "плановое отключение",
                            "phone": CONTRACTORS["ООО «Теплосеть»"],
                            "start": "2025-06-10T08:00:00+05:00", "end": "2025-06-30T20:00:00+05:00"},
                           line((bx - 120, by - 90), (bx + 120, by - 90)), len(outages) + 1))
    write(f"{gj}/earthworks.geojson", "earthworks", works)
    write(f"{gj}/outages.geojson", "outages", outages)
    write(f"{gj}/repairs.geojson", "repairs", repairs)


def write_rules(path_, org_info, categories):
    """The routing rules for the sample city, with its organisations directory."""
    def q(text):
        return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'
    others = [
        ("admin", "Администрация Снежинского городского округа", "+7 (35146) 3-03-03", "admin@snzadm.example.ru", "ул. Свердлова, д. 24"),
        ("roads-city", "МКУ «Управление городского хозяйства»", "+7 (35146) 3-25-10", "ugh@example.ru", "ул. Транспортная, д. 12"),
        ("roads-region", "ГКУ «Челябинскавтодор»", "+7 (351) 263-90-11", "avtodor@example.ru", "г. Челябинск, ул. Воровского, д. 5"),
        ("waste-operator", "ООО «Центр коммунального сервиса»", "+7 (351) 222-12-22", "tko@example.ru", "г. Челябинск, ул. Российская, д. 110"),
    ]
    lines = ["# Routing rules for the sample city (generated by scripts/make_fixtures.py).",
             "# Each category tries its strategies in order; the first that finds an organisation wins.",
             "organisations:"]
    for oid, name, ph, em, ad in others:
        lines.append(f"  - {{id: {oid}, name: {q(name)}, phone: {q(ph)}, email: {q(em)}, address: {q(ad)}}}")
    for o in org_info:
        lines.append(f"  - {{id: {o['org_id']}, name: {q(o['org'])}, phone: {q(o['phone'])}, email: {q(o['email'])}, address: {q(o['address'])}}}")
    english = {"pothole": "Pothole", "lighting": "Street light out", "garbage": "Uncollected garbage",
               "snow": "Snow not cleared", "landscaping": "Yard landscaping", "other": "Other"}
    deadlines = {"pothole": 10, "lighting": 5, "garbage": 2, "snow": 2, "landscaping": 15, "other": 30}
    territory = "      - covering: {layer: territories, organisation: org, border_metres: 5}"
    strategies = {
        "pothole": ["      - nearest: {layer: roads, organisation: owner, within_metres: 30}", territory],
        "lighting": ["      - nearest: {layer: roads, organisation: owner, within_metres: 50}"],
        "garbage": ["      - nearest: {layer: sites, organisation: operator, within_metres: 50}", territory],
        "snow": [territory],
        "landscaping": [territory],
        "other": [],
    }
    lines.append("categories:")
    for code, name, _ in categories:
        lines += [f"  - id: {code}", f"    name_ru: {q(name)}", f"    name_en: {q(english[code])}",
                  f"    deadline_days: {deadlines[code]}", "    strategies:"]
        lines += strategies[code]
        lines.append("      - fallback: admin")
    with open(path_, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def write_broken(folder):
    """Deliberately broken inputs for the error tests: each one thing wrong."""
    os.makedirs(folder, exist_ok=True)
    good = '{"type":"Feature","properties":{"name":"ok"},"geometry":{"type":"Point","coordinates":[60.73,56.08]}}'
    square = "[[60.7,56.0],[60.8,56.0],[60.8,56.1],[60.7,56.1],[60.7,56.0]]"

    def fc(*features):
        return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"

    def poly(coords, name="x"):
        return '{"type":"Feature","properties":{"name":"%s"},"geometry":{"type":"Polygon","coordinates":%s}}' % (name, coords)

    cases = {
        "malformed-missing-comma.geojson": fc(good, good.replace('"name":"ok"}', '"name":"ok" "x":1}')),
        "truncated.geojson": fc(good, good, good)[:-40],
        "unclosed-ring.geojson": fc(good, poly("[[[60.7,56.0],[60.8,56.0],[60.8,56.1],[60.7,56.1]]]")),
        "short-ring.geojson": fc(good, poly("[[[60.7,56.0],[60.8,56.0],[60.7,56.0]]]")),
        "longitude-out-of-range.geojson": fc(good, good, good.replace("60.73", "260.73")),
        "latitude-out-of-range.geojson": fc(good, good.replace("56.08", "96.08")),
        "nan.geojson": fc(good, good.replace("60.73", "NaN")),
        "huge-number.geojson": fc(good, good.replace("60.73", "1e400")),
        "invalid-utf8.geojson": None,
        "empty-coordinates.geojson": fc(good, good.replace("[60.73,56.08]", "[]")),
        "wrong-member-type.geojson": fc(good, good.replace('"coordinates":[60.73,56.08]', '"coordinates":"60.73 56.08"')),
        "unknown-type.geojson": fc(good.replace('"Point"', '"Circle"')),
        "duplicate-key.geojson": fc(good.replace('"name":"ok"', '"name":"ok","name":"again"')),
        "deep-nesting.geojson": '{"type":"Feature","properties":{"deep":' + "[" * 200 + "]" * 200 + '},"geometry":null}\n',
        "empty.geojson": "",
        "whitespace-only.geojson": "  \n\t \r\n",
        "feature-collection-in-feature.geojson": fc('{"type":"Feature","properties":{},"geometry":' + fc(good) + "}"),
        "self-intersecting.geojson": fc(poly("[[[60.7,56.0],[60.8,56.1],[60.8,56.0],[60.7,56.1],[60.7,56.0]]]", "bowtie"),
                                        poly("[" + square + "]", "square")),
        "swapped-lat-lon.geojson": fc(good.replace("[60.73,56.08]", "[56.08,60.73]")),
        "trailing-garbage.geojson": fc(good) + "extra\n",
    }
    for name, text in cases.items():
        path_ = os.path.join(folder, name)
        if text is None:
            # The second feature's name holds an invalid UTF-8 sequence (0xC3 0x28).
            data = fc(good, good.replace('"ok"', '"ok-2"')).encode().replace(b'"ok-2"', b'"ok \xc3\x28 bad"')
            with open(path_, "wb") as fh:
                fh.write(data)
        else:
            with open(path_, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures"))
