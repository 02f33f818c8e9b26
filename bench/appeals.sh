#!/usr/bin/env bash
# geoctl appeals beside the fastest anchors (GeoPandas / numpy / esda), in one run per scale.
#
# usage: bash bench/appeals.sh CITY_DIR [CITY_DIR ...]     e.g. a make-city folder at scale 1 and one at 10
#   Each CITY_DIR holds city.geojson, territories.geojson and buildings.geojson (and meta.json with its
#   scale). Per city: bench/gen_appeals.py writes 100,000 x scale appeals with planted truth into $WORK,
#   geoctl (release) imports them into a store, then RUNS (default 3) runs of every job as a whole
#   process reading the store (wall seconds and peak RSS by /usr/bin/time; with GEOCTL_TIMINGS=1 the
#   load and the step apart) alternate with the anchors' runs (bench/appeals_anchors.py in a venv).
#   Cross-checks: heat-map counts and Gi* z against the anchors' per hexagon, duplicate pairs; the planted
#   hot spots scored by bench/check_hotspots.py. Results: $WORK/results.md and results_s<scale>.json.
# env: WORK (default ${TMPDIR:-/tmp}/geoctl-appeals-bench), RUNS, BENCH_VENV (default $WORK/venv).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd)
WORK=${WORK:-${TMPDIR:-/tmp}/geoctl-appeals-bench}; RUNS=${RUNS:-3}; BENCH_VENV=${BENCH_VENV:-$WORK/venv}
[ $# -ge 1 ] || { sed -n 2,14p "$0"; exit 64; }
mkdir -p "$WORK"
geoctl=$root/.build/release/geoctl
[ -x "$geoctl" ] || (cd "$root" && swift build -c release)
if ! "$BENCH_VENV/bin/python" -c "import geopandas, pyogrio, esda, libpysal" 2>/dev/null; then
  python3 -m venv "$BENCH_VENV"
  "$BENCH_VENV/bin/pip" install -q numpy scipy pandas shapely pyproj pyogrio geopandas esda libpysal
fi
{ date -u; uptime; nproc; free -g | sed -n 2p; "$geoctl" version 2>/dev/null || true; } > "$WORK/machine.txt"
echo "| scale | appeals | job | geoctl whole process s | geoctl load s | geoctl step s | geoctl peak MiB | anchor load + step s | anchor step s | x faster (whole) |" > "$WORK/results.md"
echo "|---|---|---|---|---|---|---|---|---|---|" >> "$WORK/results.md"

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for city in "$@"; do
  scale=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['scale'])" "$city/meta.json" 2>/dev/null || echo 1)
  n=$(python3 -c "print(int(round(100000 * float('$scale'))))")
  d=$WORK/s$scale; mkdir -p "$d"; store=$d/store.sqlite
  if [ ! -f "$d/appeals_year.truth.json" ]; then
    python3 "$here/gen_appeals.py" --city "$city" --appeals "$n" --out "$d/appeals_year.geojson"
  fi
  if [ ! -f "$store" ]; then
    for l in city territories buildings; do "$geoctl" import "$city/$l.geojson" --layer $l --kind other --store "$store" >/dev/null 2>&1; done
    start=$(date +%s.%N)
    "$geoctl" import "$d/appeals_year.geojson" --layer year --kind other --store "$store" >/dev/null 2>&1
    echo "import $n appeals: $(echo "$(date +%s.%N) - $start" | bc) s" | tee "$d/import.txt"
  fi
  declare -A JOB=(
    [stats]="appeals stats year --by territories.code --period month --as-of 2025-01-01T00:00:00+05:00 --format csv"
    [heat]="appeals heatmap year --boundary city --cell-metres 250 --format csv"
    [gi]="appeals hotspots year --boundary city --cell-metres 250 --method gi --keep-duplicates --format csv"
    [dups]="appeals duplicates year --within-metres 40 --within-hours 48 --format csv"
  )
  for r in $(seq "$RUNS"); do
    for job in stats heat gi dups; do
      GEOCTL_TIMINGS=1 /usr/bin/time -f "wall %e rss %M" "$geoctl" ${JOB[$job]} --store "$store" > "$d/$job.out" 2> "$d/$job.err.$r" || { cat "$d/$job.err.$r"; exit 1; }
    done
    "$BENCH_VENV/bin/python" "$here/appeals_anchors.py" "$city" "$d/appeals_year.geojson" "$d" 1 > "$d/anchors.$r.json"
  done
  # The planted hot spots, and the cross-checks.
  "$geoctl" appeals hotspots year --store "$store" --boundary city --exposure buildings --format csv > "$d/excess_year.csv" 2>/dev/null
  "$geoctl" appeals hotspots year --store "$store" --boundary city --exposure buildings --by-month --format csv > "$d/excess_months.csv" 2>/dev/null
  python3 "$here/check_hotspots.py" "$d/appeals_year.truth.json" "$d/excess_year.csv" "$d/excess_months.csv" 250 > "$d/planted.json"
  python3 - "$d" "$scale" "$n" "$RUNS" >> "$WORK/results.md" <<'PY'
import csv, glob, json, re, statistics, sys
d, scale, n, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
anchors = [json.load(open(f)) for f in sorted(glob.glob(f"{d}/anchors.*.json"))]
am = lambda k: statistics.median(a["runs_s"][k][0] for a in anchors)
anchor = {"stats": (am("load") + am("stats"), am("stats")), "heat": (am("load") + am("prep") + am("heat"), am("heat")),
          "gi": (am("load") + am("prep") + am("heat") + am("gi_weights") + am("gi"), am("heat") + am("gi_weights") + am("gi")),
          "dups": (am("load") + am("prep") + am("dups"), am("dups"))}
out = {"scale": scale, "appeals": n, "anchors_median_s": {k: am(k) for k in anchors[0]["runs_s"]},
       "anchor_peak_rss_mib": max(a["peak_rss_mib"] for a in anchors), "jobs": {}}
for job in ["stats", "heat", "gi", "dups"]:
    wall, rss, load, step = [], [], [], []
    for r in range(1, runs + 1):
        t = open(f"{d}/{job}.err.{r}").read()
        m = re.search(r"wall ([\d.]+) rss (\d+)", t); wall.append(float(m.group(1))); rss.append(int(m.group(2)) / 1024)
        load.append(float(re.search(r"timing: load ([\d.]+)", t).group(1))); step.append(float(re.search(r"timing: step ([\d.]+)", t).group(1)))
    w, l, s = statistics.median(wall), statistics.median(load), statistics.median(step)
    out["jobs"][job] = {"wall_s": w, "load_s": l, "step_s": s, "peak_mib": max(rss), "anchor_whole_s": anchor[job][0], "anchor_step_s": anchor[job][1]}
    print(f"| {scale} | {n:,} | {job} | {w:.2f} | {l:.3f} | {s:.3f} | {max(rss):.0f} | {anchor[job][0]:.3f} | {anchor[job][1]:.3f} | {anchor[job][0] / max(w, 1e-3):.1f} |")
# Cross-checks against the anchors.
hexes = {(r["i"], r["j"]): r for r in csv.DictReader(open(f"{d}/anchor_hex.csv"))}
heat = {(r["i"], r["j"]): int(r["count"]) for r in csv.DictReader(open(f"{d}/heat.out"))}
gi = {(r["i"], r["j"]): float(r["z"]) for r in csv.DictReader(open(f"{d}/gi.out"))}
out["check"] = {"hexagons": [len(heat), len(hexes)],
                "counts_equal": all(heat.get(k) == int(float(v["n"])) for k, v in hexes.items()) and len(heat) == len(hexes),
                "gi_max_abs_dz": max(abs(gi[k] - float(v["z"])) for k, v in hexes.items()),
                "dup_pairs": [int(re.search(r"(\d+) pairs", open(f"{d}/dups.err.1").read()).group(1)), int(open(f"{d}/anchor_pairs.txt").read())],
                "planted": json.load(open(f"{d}/planted.json"))}
json.dump(out, open(f"{d}/../results_s{scale}.json", "w"), indent=1)
print(f"\nscale {scale} checks: {json.dumps(out['check'] | {'planted': {k: v for k, v in out['check']['planted'].items() if k != 'detail'}})}; anchor peak RSS {out['anchor_peak_rss_mib']} MiB\n", file=sys.stderr)
PY
done
cat "$WORK/results.md"
for f in "$WORK"/results_s*.json; do python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['check']; c['planted'].pop('detail'); print(sys.argv[1], json.dumps(c))" "$f"; done
