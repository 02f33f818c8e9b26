#!/usr/bin/env python3
"""Scores `geoctl appeals hotspots` output against gen_appeals.py's planted truth (stdlib only).

Usage: check_hotspots.py TRUTH.json YEAR.csv MONTHS.csv CELL_METRES [ALPHA]
  YEAR.csv    hotspots without --by-month (persistent spots are looked for here)
  MONTHS.csv  hotspots with --by-month (one-month spots are looked for in their month)
A hot cell is class hot-* with q <= ALPHA (default 0.05). A cell is "within" a spot when its centre
is within the spot's radius plus the cell's apothem (edge x sqrt(3)/2) of the spot's centre, i.e. the
cell reaches into the spot's disc. Prints one JSON line: found (of 12), found_month (of 5), hot cells,
hot cells within no spot and their share.
"""
import csv, json, math, sys


def main():
    truth, year, months, size = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    alpha = float(sys.argv[5]) if len(sys.argv) > 5 else 0.05
    spots = json.load(open(truth, encoding="utf-8"))["hotspots"]
    lat0 = sum(s["lat"] for s in spots) / len(spots)
    kx, ky = 111320.0 * math.cos(math.radians(lat0)), 110574.0

    def hot(path):
        with open(path, encoding="utf-8") as f:
            return [r for r in csv.DictReader(f) if r["class"].startswith("hot") and float(r["q"]) <= alpha]

    def within(r, s):
        dx, dy = (float(r["lon"]) - s["lon"]) * kx, (float(r["lat"]) - s["lat"]) * ky
        return math.hypot(dx, dy) <= s["radius_m"] + size * math.sqrt(3) / 2

    hy, hm = hot(year), hot(months)
    found, found_month, detail = 0, 0, []
    for s in spots:
        if s["kind"] == "month":
            label = "2024-%02d" % s["months"][0]
            ok = any(r["period"] == label and within(r, s) for r in hm)
            found_month += ok
        else:
            ok = any(within(r, s) for r in hy)
        found += ok
        detail.append({"id": s["id"], "kind": s["kind"], "found": ok})
    cells = hy + hm
    outside = sum(1 for r in cells if not any(within(r, s) for s in spots))
    print(json.dumps({"spots": len(spots), "found": found, "month_spots": sum(s["kind"] == "month" for s in spots),
                      "found_month": found_month, "hot_cells": len(cells), "hot_outside_every_spot": outside,
                      "outside_share": round(outside / max(1, len(cells)), 4), "detail": detail}))


if __name__ == "__main__":
    main()
