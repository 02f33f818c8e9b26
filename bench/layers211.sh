#!/usr/bin/env bash
# The 211-layer case: import-dir of 211 generated layers, then `geoctl layers` (median of 5).
# usage: bench/layers211.sh   (needs a release build: `make build`)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v bc > /dev/null || { apt-get update -qq && apt-get install -y -qq bc > /dev/null; }
bin="$here/../.build/release/geoctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make_layers.py" "$work/in" 211
start=$(date +%s.%N)
"$bin" import-dir "$work/in" --manifest "$work/in/manifest.json" --store "$work/store.sqlite" --format csv > "$work/outcomes.csv"
end=$(date +%s.%N)
echo "import-dir: $(grep -c ',imported,' "$work/outcomes.csv") layers imported in $(echo "$end - $start" | bc) s"
times=()
for i in 1 2 3 4 5; do
  s=$(date +%s.%N); "$bin" layers --store "$work/store.sqlite" --include-restricted > "$work/layers.txt"; e=$(date +%s.%N)
  times+=("$(echo "$e - $s" | bc)")
done
echo "geoctl layers --include-restricted: $(($(wc -l < "$work/layers.txt") - 1)) rows; seconds per run: ${times[*]}"
echo "median: $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p) s"
echo "store size: $(du -h "$work/store.sqlite" | cut -f1)"
