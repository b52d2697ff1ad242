//! The acceptance test of re-run baselines on a real criterion suite: a
//! throw-away git repository with a tiny crate, `perfgate check` with
//! `source = "rerun"` on a commit that made one function slower (fails, naming
//! only that benchmark) and on a commit that changed only a comment (does not
//! fail). Per-round minimums: on a busy machine, noise only adds time.

use perfgate::testing::TestRepo;

use crate::support::*;

const CARGO_TOML: &str = r#"[package]
name = "tiny"
version = "0.1.0"
edition = "2021"

[dev-dependencies]
criterion = { version = "0.5", default-features = false, features = ["cargo_bench_support"] }

[[bench]]
name = "work"
harness = false

[workspace]
"#;

fn lib_rs(scaled_work: u64, comment: &str) -> String {
    format!(
        "// {comment}\n\
         pub fn mix(n: u64) -> u64 {{\n    (0..n).fold(0u64, |acc, x| acc.rotate_left(5) ^ x.wrapping_mul(0x9E37_79B9_7F4A_7C15))\n}}\n\n\
         pub fn steady() -> u64 {{\n    mix(std::hint::black_box(2000))\n}}\n\n\
         pub fn scaled() -> u64 {{\n    mix(std::hint::black_box({scaled_work}))\n}}\n"
    )
}

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

[[suite]]
name = "micro"
command = "cargo bench --offline --bench work -- --noplot"
format = "criterion"

[[kpi]]
name = "benchmarks do not regress"
suite = "micro"
bench = "e2e/*"
statistic = "min"
max-regression = "10%"
"#;

#[test]
fn rerun_catches_a_slower_function_and_passes_a_comment_change() {
    let _turn = crate::measuring_turn();
    let repo = TestRepo::new();
    std::fs::write(repo.path().join(".gitignore"), "target/\n").unwrap();
    repo.commit("Cargo.toml", CARGO_TOML, "crate");
    repo.commit("benches/work.rs", BENCH_RS, "benches");
    repo.commit("perf-budget.toml", BUDGET, "budget");
    repo.commit("src/lib.rs", &lib_rs(2000, "base"), "base");
    repo.branch("main");

    repo.checkout_new_branch("slower");
    repo.commit("src/lib.rs", &lib_rs(4000, "base"), "scaled does twice the work");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    let failed: Vec<String> = verdicts(&report).into_iter().filter(|(_, v)| v == "fail").map(|(b, _)| b).collect();
    assert_eq!(failed, ["e2e/scaled"], "{report:#}");
    // Decided look by look: a clear slowdown needs no more than the most rounds.
    let method = report["kpis"][0]["comparisons"][0]["method"].as_str().unwrap_or_default().to_string();
    let rounds: u32 = method.trim_start_matches("paired, ").trim_end_matches(" rounds").parse().unwrap_or(0);
    assert!((6..=10).contains(&rounds), "{method}");
    assert!(report["measuring"]["rounds"].as_u64().is_some_and(|r| r <= 10), "{report:#}");

    repo.switch("main");
    repo.checkout_new_branch("comment-only");
    repo.commit("src/lib.rs", &lib_rs(2000, "only this comment changed"), "reword a comment");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 0, "{report:#}");
    assert!(verdicts(&report).iter().all(|(_, v)| v != "fail"), "{report:#}");
    // The base builds in target/perfgate-base of the user's tree, never in the head's target/.
    assert!(repo.path().join("target/perfgate-base/criterion").is_dir());
}
