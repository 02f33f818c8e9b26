#!/usr/bin/env python3
"""Parse anchors for `geoctl bench parse`: the same files parsed by orjson (builds Python
objects) and pysimdjson (the parse floor), median of N runs, each including the file read.

usage: parse_anchors.py RUNS FILE...   -> one JSON line per (parser, file) on stdout
"""
import json, os, resource, statistics, sys, time

import orjson
import simdjson

runs = int(sys.argv[1])
parser = simdjson.Parser()


def orjson_parse(path):
    with open(path, "rb") as f:
        doc = orjson.loads(f.read())
    return len(doc["features"])


def simdjson_parse(path):
    with open(path, "rb") as f:
        doc = parser.parse(f.read())
    n = len(doc["features"])
    del doc
    return n


for path in sys.argv[2:]:
    size = os.path.getsize(path) / 1e6
    for name, fn in (("orjson", orjson_parse), ("pysimdjson", simdjson_parse)):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            n = fn(path)
            times.append(time.perf_counter() - t0)
        t = statistics.median(times)
        print(json.dumps({"parser": name, "file": path, "MB": round(size, 1), "features": n, "seconds": round(t, 4),
                          "MBps": round(size / t, 1),
                          "peak_MiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}), flush=True)
