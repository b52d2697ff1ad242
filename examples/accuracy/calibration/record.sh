#!/bin/bash
# Interleaved A/A rounds of one criterion benchmark binary on this machine:
# the same binary runs as "A" and "B" in ABBA order (as perfgate interleaves
# base and head), and each run's raw samples are kept per round and side.
#
#   record.sh BENCH_BINARY FILTER ROUNDS OUT_DIR [CRITERION OPTIONS...]
#   analyse.py OUT_DIR > per-benchmark.csv
#
# Each run's wall time goes to OUT_DIR/times.txt (round, side, seconds).
#
# The published calibration ran the benchmarks of the base64 0.22.1 crate
# (its own settings: 0.5 s warm-up, 3 s measurement) with
#   FILTER='^(encode|decode)_small_input/(encode|decode)/' ROUNDS=12
# and the short-round calibration the 39 benchmarks of itertools 0.14.0's
# bench1 with FILTER='' ROUNDS=10 and four run lengths, e.g.
#   --warm-up-time 0.1 --measurement-time 0.3 --nresamples 1000
set -euo pipefail
binary=$(realpath "$1") filter=$2 rounds=$3 out=$(realpath -m "$4")
shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/A" "$work/B" "$out"
for round in $(seq 1 "$rounds"); do
  if (( round % 2 == 1 )); then order="A B"; else order="B A"; fi
  for side in $order; do
    started=$(date +%s.%N)
    (cd "$work/$side" && "$binary" --bench --noplot "$@" "$filter" > /dev/null 2>&1)
    echo "$round $side $(echo "$(date +%s.%N) - $started" | bc)" >> "$out/times.txt"
    (cd "$work/$side/target/criterion" && find . -path '*/new/sample.json' | while read -r sample; do
      bench=$(dirname "$(dirname "$sample")")
      mkdir -p "$out/r$round/$side/$bench"
      cp "$sample" "$out/r$round/$side/$bench/"
    done)
    echo "$(date +%T) round $round side $side done" >&2
  done
done
