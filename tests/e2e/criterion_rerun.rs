//! The acceptance test of re-run baselines on a real criterion suite: a
//! throw-away git repository with a tiny crate, tagged `v1.0`, then five
//! commits on main each about 4 % slower. `perfgate check` with
//! `source = "rerun"` and the tag as `[baseline] anchor` (a third side of the
//! rounds) on a commit that made one function slower (fails, naming only that
//! benchmark) and on a pull request that changed only a comment: that one passes
//! its 5 % `max-regression` against the merge-base and fails `max-drift = "6%"`
//! against the tag, for the slowed benchmark only. Per-round minimums: on a busy
//! machine, noise only adds time.

use perfgate::testing::TestRepo;

use crate::support::*;
use crate::tiny_crate::{lib_rs, CARGO_TOML};

const BENCH_RS: &str = r#"use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("e2e");
    group.sample_size(10).warm_up_time(Duration::from_millis(100)).measurement_time(Duration::from_millis(300));
    group.bench_function("steady", |b| b.iter(tiny::steady));
    group.bench_function("scaled", |b| b.iter(tiny::scaled));
    group.finish();
}

criterion_group!(work, benches);
criterion_main!(work);
"#;

const BUDGET: &str = r#"[baseline]
source = "rerun"
ref = "main"
rounds = 10
anchor = "v1.0"

[[suite]]
name = "micro"
command = "cargo bench --offline --bench work -- --noplot"
format = "criterion"

[[kpi]]
name = "benchmarks do not regress"
suite = "micro"
bench = "e2e/*"
statistic = "min"
max-regression = "5%"
max-drift = "6%"
"#;

#[test]
fn rerun_catches_a_slower_function_and_passes_a_comment_change() {
    let _turn = crate::measuring_turn();
    let repo = TestRepo::new();
    std::fs::write(repo.path().join(".gitignore"), "target/\n").unwrap();
    repo.commit("Cargo.toml", CARGO_TOML, "crate");
    repo.commit("benches/work.rs", BENCH_RS, "benches");
    repo.commit("perf-budget.toml", BUDGET, "budget");
    repo.commit("src/lib.rs", &lib_rs(2000, "release"), "release");
    repo.tag("v1.0");
    // Five small steps, each within a 5 % budget of its own: +22.5 % in all, far enough beyond the
    // 6 % drift budget that a noisy runner's interval still lies wholly beyond it.
    for work in [2090, 2180, 2270, 2360, 2450] {
        repo.commit("src/lib.rs", &lib_rs(work, "base"), "a little more work");
    }
    repo.branch("main");

    repo.checkout_new_branch("slower");
    repo.commit("src/lib.rs", &lib_rs(4900, "base"), "scaled does twice the work");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(failed(&report, "base"), ["e2e/scaled"], "{report:#}");
    // Decided look by look: a clear slowdown needs no more than the most rounds.
    let method = report["kpis"][0]["comparisons"][0]["method"].as_str().unwrap_or_default().to_string();
    let rounds: u32 = method.trim_start_matches("paired, ").trim_end_matches(" rounds").parse().unwrap_or(0);
    assert!((6..=10).contains(&rounds), "{method}");
    assert!(report["measuring"]["rounds"].as_u64().is_some_and(|r| r <= 10), "{report:#}");

    repo.switch("main");
    repo.checkout_new_branch("comment-only");
    repo.commit("src/lib.rs", &lib_rs(2450, "only this comment changed"), "reword a comment");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    assert!(failed(&report, "base").is_empty(), "within 5 % of its merge-base: {report:#}");
    assert_eq!(failed(&report, "anchor"), ["e2e/scaled"], "beyond 6 % since v1.0: {report:#}");
    // The base and the anchor build in their own folders of the user's tree, never in the head's target/.
    assert!(repo.path().join("target/perfgate-base/criterion").is_dir());
    assert!(repo.path().join("target/perfgate-anchor/criterion").is_dir());
}

/// The benchmarks whose comparison against `against` (`base` or `anchor`) failed.
fn failed(report: &serde_json::Value, against: &str) -> Vec<String> {
    report["kpis"][0]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["against"] == against && c["verdict"] == "fail")
        .map(|c| c["bench"].as_str().unwrap().to_string())
        .collect()
}
