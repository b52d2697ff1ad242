//! A stand-in for `cargo bench` with criterion benches, on the PATH of a test:
//! it lists its benchmarks (`--list`), honours a `^(...)$` filter and writes
//! criterion's `target/criterion/<id>/new/` files. Group `fast` measures for
//! the `--measurement-time` it is given; group `slow` sets its own 3 s in
//! code, as `BenchmarkGroup::measurement_time` does, and ignores it.

use std::path::Path;

const FAKE_CARGO: &str = r#"#!/bin/sh
filter=''
list=0
asked=2
previous=''
for word in "$@"; do
  case "$word" in
    --list) list=1 ;;
    '^('*) filter="$word" ;;
  esac
  [ "$previous" = --measurement-time ] && asked="$word"
  previous="$word"
done
for id in fast/a fast/b slow/a slow/b; do
  if [ -n "$filter" ] && ! printf '%s\n' "$id" | grep -Eq "$filter"; then continue; fi
  if [ "$list" = 1 ]; then echo "$id: bench"; continue; fi
  group=${id%/*}; function=${id#*/}
  case "$group" in slow) seconds=3 ;; *) seconds=$asked ;; esac
  dir="${CARGO_TARGET_DIR:-target}/criterion/$group/$function/new"
  mkdir -p "$dir"
  # Ten samples of 1..10 iterations whose times add up to the measured seconds.
  per=$(awk "BEGIN { printf \"%.1f\", $seconds * 1e9 / 55 }")
  times=$(awk "BEGIN { for (i = 1; i <= 10; i++) printf \"%s%.1f\", (i > 1 ? \",\" : \"\"), i * $per }")
  printf '{"sampling_mode":"Linear","iters":[1,2,3,4,5,6,7,8,9,10],"times":[%s]}' "$times" > "$dir/sample.json"
  printf '{"group_id":"%s","function_id":"%s","value_str":null,"throughput":null,"full_id":"%s","directory_name":"%s/%s","title":"%s"}' \
    "$group" "$function" "$id" "$group" "$function" "$id" > "$dir/benchmark.json"
done
"#;

/// Put the stand-in `cargo` into `bin` (to be put first on the PATH).
pub fn install(bin: &Path) {
    let cargo = bin.join("cargo");
    std::fs::write(&cargo, FAKE_CARGO).unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

/// A budget file's suite and KPI for the stand-in.
pub const SUITE: &str = "[[suite]]\nname = \"micro\"\ncommand = \"cargo bench --bench b\"\nformat = \"criterion\"\n\n\
[[kpi]]\nname = \"k\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n";
