#!/usr/bin/env python3
"""The end-to-end anchor for `geoctl route --input appeals.geojson --output out.(csv|geojson)`:
a GeoPandas script that reads the appeals and the territories, joins each appeal to the
territory it lies in (sjoin "within", left, so an appeal outside every territory keeps its
row), names the organisation (the territory's `org`, else the fallback), and writes every row
with its properties and the organisation as CSV (`to_csv`, with lon and lat columns) or as
GeoJSON (`to_file`). bench/route.sh times it as a whole process, as it times geoctl.

usage: route_e2e_anchor.py CITY_DIR OUT.csv|OUT.geojson
"""
import sys

import geopandas as gpd

city, out = sys.argv[1], sys.argv[2]
a = gpd.read_file(f"{city}/appeals.geojson")
t = gpd.read_file(f"{city}/territories.geojson")[["org", "geometry"]]
j = gpd.sjoin(a, t, predicate="within", how="left").drop(columns="index_right")
j = j[~j.index.duplicated()]  # one row per appeal, as geoctl writes
j["organisation"] = j.pop("org").fillna("Администрация")
if out.endswith(".csv"):
    j["lon"], j["lat"] = j.geometry.x, j.geometry.y
    j.drop(columns="geometry").to_csv(out, index=False)
else:
    j.to_file(out, driver="GeoJSON")
