"""What the anchor scripts share: median timing, psql, and loading a file into PostGIS.

The PG* variables come from bench/anchors-env.sh, which starts the throw-away server.
"""
import os, statistics, subprocess, time

PSQL = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]


def median(fn, runs):
    """Runs fn `runs` times; returns (median seconds, the last result)."""
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def dsn():
    return "PG:host={} port={} dbname={} user={}".format(os.environ.get("PGHOST", "/tmp/geoctl-pgsock"), os.environ.get("PGPORT", "5433"),
                                                        os.environ.get("PGDATABASE", "bench"), os.environ.get("PGUSER", "postgres"))


def load_into_postgis(path, table, *extra):
    """ogr2ogr the file into `table` (replacing it), geometry column `geom`, key `fid`."""
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", dsn(), path, "-nln", table, "-overwrite", "-lco", "GEOMETRY_NAME=geom",
                    "-lco", "FID=fid", *extra], check=True)


def postgis_version():
    return subprocess.run(PSQL + ["-c", "SELECT postgis_lib_version()"], capture_output=True, text=True).stdout.strip()
