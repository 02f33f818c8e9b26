#!/usr/bin/env bash
# Coverage-guided fuzzing of the GeoJSON reader with libFuzzer (the Swift toolchain's
# -sanitize=fuzzer), under AddressSanitizer. Every input the reader accepts must also write
# out and read back unchanged (Sources/geojson-fuzz).
#
# usage: scripts/fuzz.sh [SECONDS=300] [extra libFuzzer flags…]
# Crashes, hangs (>10 s) and inputs over 2 GiB of memory land in .build-fuzz/artifacts/;
# keep each one in fixtures/fuzz/ once fixed: the test suite replays that folder.
set -euo pipefail
seconds=${1:-300}
shift || true
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
swift build -c release --product geojson-fuzz --build-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library 2>&1 \
  | grep -v "Cannot export local symbol" || true
corpus=.build-fuzz/corpus
artifacts=.build-fuzz/artifacts
mkdir -p "$corpus" "$artifacts"
cp -n fixtures/geojson/*.geojson fixtures/broken/*.geojson fixtures/fuzz/* "$corpus"/ 2>/dev/null || true
# Swift's own crash backtracer would trip ASan; libFuzzer prints the stack instead.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
  .build-fuzz/release/geojson-fuzz "$corpus" -dict=scripts/fuzz/geojson.dict \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$@"
