//! The acceptance test of counting on a real criterion suite: a throw-away git
//! repository with a tiny crate whose benchmark group sets its own
//! `measurement_time` in code, and `measure = "instructions"`. Against its
//! merge-base, a comment-only branch passes with nothing moved, and branches
//! that make one function about 2 % and 10 % slower fail that benchmark only,
//! with the measured change where the extra instructions put it — in a check
//! that takes a fraction of the group's own five seconds a benchmark.

use std::time::Instant;

use perfgate::testing::TestRepo;

use crate::support::*;
use crate::tiny_crate::{lib_rs, CARGO_TOML};

/// A group that measures for five seconds a benchmark, whatever the command line says.
const BENCH_RS: &str = r#"use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("count");
    group.warm_up_time(Duration::from_secs(3)).measurement_time(Duration::from_secs(5));
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

[[suite]]
name = "micro"
command = "cargo bench --offline --bench work"
measure = "instructions"

[[kpi]]
name = "instructions per iteration"
suite = "micro"
bench = "count/*"
statistic = "mean"
max-regression = "1%"
"#;

/// The (bench, verdict, change) of each comparison.
fn comparisons(report: &serde_json::Value) -> Vec<(String, String, f64)> {
    report["kpis"][0]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["bench"].as_str().unwrap().into(), c["verdict"].as_str().unwrap().into(), c["change"].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn counting_passes_a_comment_and_fails_two_and_ten_percent_more_work_of_one_function() {
    if std::process::Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("skipping: no valgrind (.ci/run installs it)");
        return;
    }
    let _turn = crate::measuring_turn();
    let repo = TestRepo::new();
    std::fs::write(repo.path().join(".gitignore"), "target/\n").unwrap();
    repo.commit("Cargo.toml", CARGO_TOML, "crate");
    repo.commit("benches/work.rs", BENCH_RS, "benches");
    repo.commit("perf-budget.toml", BUDGET, "budget");
    repo.commit("src/lib.rs", &lib_rs(2000, "release"), "release");
    repo.branch("main");
    let check = |branch: &str, work: u64| {
        repo.switch("main");
        repo.checkout_new_branch(branch);
        repo.commit("src/lib.rs", &lib_rs(work, branch), branch);
        let started = Instant::now();
        let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
        (code, report, started.elapsed().as_secs_f64())
    };

    let (code, report, _) = check("comment-only", 2000);
    assert_eq!(code, 0, "{report:#}");
    for (bench, verdict, change) in comparisons(&report) {
        assert_eq!(verdict, "pass", "{bench}: {report:#}");
        assert!(change.abs() <= 0.002, "{bench}: {change}");
    }
    assert_eq!(report["kpis"][0]["counted"], "instructions");

    // mix's loop is nearly all of each iteration, so 2 % more numbers are 2 % more instructions.
    for (branch, work, extra) in [("two-percent", 2040, 0.02), ("ten-percent", 2200, 0.10)] {
        let (code, report, seconds) = check(branch, work);
        assert_eq!(code, 1, "{report:#}");
        let judged = comparisons(&report);
        assert_eq!(judged.len(), 2, "{report:#}");
        for (bench, verdict, change) in judged {
            if bench == "count/scaled" {
                assert_eq!(verdict, "fail", "{report:#}");
                assert!((change - extra).abs() <= 0.005, "{branch}: {change} for {extra}");
            } else {
                assert_eq!((bench.as_str(), verdict.as_str()), ("count/steady", "pass"), "{report:#}");
                assert!(change.abs() <= 0.002, "{bench}: {change}");
            }
        }
        // One plain timed run of the group takes (3 s + 5 s) × 2 benchmarks: counting both sides
        // twice takes less.
        let measuring = report["measuring"]["seconds"].as_f64().unwrap();
        assert!(measuring < 16.0, "{measuring} s of counting ({seconds} s in all)");
    }
}
