#!/bin/bash
# count.sh BIN NAME OUTDIR: one benchmark of a criterion bench binary under Callgrind (ASLR off unless ASLR=on),
# a dump before each call of Bencher::iter; criterion's files go to OUTDIR/criterion (CRITERION_HOME).
bin=$1; name=$2; out=$3
mkdir -p "$out"
# ASLR=on keeps address-space randomization (to compare); by default it is off, as CodSpeed and iai run.
norandom="setarch -R"; [ "${ASLR:-off}" = on ] && norandom=""
CRITERION_HOME="$out/criterion" $norandom valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
  --dump-before='criterion::bencher::Bencher*::iter*' "$bin" --bench "^${name}\$" \
  --warm-up-time 0.01 --measurement-time 0.1 --sample-size 10 --noplot > "$out/stdout" 2> "$out/stderr"
