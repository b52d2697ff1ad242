//! A stand-in benchmark script, and a throw-away repository whose main has a
//! recorded history in git notes with a pull request branch on top: what trend
//! charts and `history` are made from.

use perfgate::testing::TestRepo;

use super::{outcome, perfgate};

/// A stand-in benchmark that prints libtest bencher lines: `fast` is constant, `scaled` takes
/// `work.txt` × 10 ns, both with under 1 % of jitter. With `PERFGATE_TEST_WORKDIRS` set, it appends
/// the folder it runs in there.
pub const BENCH_SCRIPT: &str = r#"#!/bin/sh
[ -z "$PERFGATE_TEST_WORKDIRS" ] || pwd -P >> "$PERFGATE_TEST_WORKDIRS"
work=$(cat work.txt)
jitter=$(( $(od -An -N1 -tu1 /dev/urandom) % 8 ))
echo "test fast   ... bench:       $((1000 + jitter)) ns/iter (+/- 5)"
echo "test scaled ... bench:       $((work * 10 + jitter)) ns/iter (+/- 5)"
"#;

const BUDGET: &str = "[baseline]\nsource = \"notes\"\nref = \"main\"\n\n\
    [[suite]]\nname = \"micro\"\ncommand = \"sh bench.sh\"\nformat = \"bencher\"\n\n\
    [[kpi]]\nname = \"no regression\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n";

/// Main with `works.len()` recorded commits (each sets `work.txt`), then branch `pr` checked out with
/// `pr_work` committed.
pub fn recorded_main_and_pr(works: &[u32], pr_work: u32) -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("bench.sh", BENCH_SCRIPT, "bench script");
    repo.commit("perf-budget.toml", BUDGET, "budget");
    for work in works {
        repo.commit("work.txt", &work.to_string(), "work");
        let (code, _, stderr) = outcome(perfgate().arg("record").current_dir(repo.path()));
        assert_eq!(code, 0, "{stderr}");
    }
    repo.branch("main");
    repo.checkout_new_branch("pr");
    repo.commit("work.txt", &pr_work.to_string(), "more work");
    repo
}
