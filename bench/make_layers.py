#!/usr/bin/env python3
"""Make a folder of N GeoJSON layers (the 211-layer case) and its manifest, from the sample city.

usage: make_layers.py OUTDIR [N]   -> OUTDIR/layer_NNN.geojson … and OUTDIR/manifest.json
Kinds cycle through the catalog's kinds; every 7th layer is restricted. Deterministic.
"""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "fixtures", "geojson")
out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 211
sources = [("territories", "territory", "housing"), ("sites", "waste-site", "utilities"),
           ("buildings", "building", "housing"), ("districts", "district", "safety"),
           ("precincts", "precinct", "safety"), ("institutions", "institution", "architecture"),
           ("roads", "road", "transport"), ("earthworks", "works", "construction"),
           ("outages", "outage", "utilities"), ("city", "boundary", "architecture")]
os.makedirs(out, exist_ok=True)
layers = []
for i in range(n):
    name, kind, sphere = sources[i % len(sources)]
    with open(os.path.join(fixtures, f"{name}.geojson"), encoding="utf-8") as f:
        doc = json.load(f)
    doc["name"] = f"layer_{i:03d}"
    for feature in doc["features"]:
        feature["properties"]["layer_no"] = i  # a different file each time, so a different hash
    file = f"layer_{i:03d}.geojson"
    with open(os.path.join(out, file), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
    layers.append({"file": file, "layer": f"layer_{i:03d}", "kind": kind, "sphere": sphere,
                   "visibility": "restricted" if i % 7 == 0 else "public"})
with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
    json.dump({"layers": layers}, f, ensure_ascii=False, indent=1)
