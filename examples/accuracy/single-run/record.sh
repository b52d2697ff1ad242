#!/bin/bash
# Record criterion runs of the lab bench binary: quiet, disturbed for part of the run, and 10 % slower.
#
#   record.sh LAB_CRATE OUT
#
# LAB_CRATE is a cargo package made of Cargo.toml.txt (as Cargo.toml), an empty src/lib.rs and
# lab.rs.txt (as benches/lab.rs), built with `cargo bench --no-run`.
set -euo pipefail
bin=$(ls "$1"/target/release/deps/lab-* | grep -v '\.d$' | head -1)
out=$(realpath -m "$2")
run() { # name work disturb
  local dir=$out/$1; mkdir -p "$dir"
  local busy=""
  if [[ $3 == 1 ]]; then
    local delay=$(( RANDOM % 10 )) length=$(( 1 + RANDOM % 4 ))
    (sleep $delay; timeout $length sh -c 'while :; do :; done') &
    busy=$!
    echo "$1 busy from ${delay}s for ${length}s" >> $out/disturbances.txt
  fi
  (cd "$dir" && LAB_WORK=$2 "$bin" --bench --noplot > log.txt 2>&1)
  [[ -n $busy ]] && wait $busy || true
}
for i in $(seq -w 1 25); do
  run quiet-$i 100 0
  run busy-$i 100 1
  if (( 10#$i <= 10 )); then run slow-$i 110 0; fi
done
