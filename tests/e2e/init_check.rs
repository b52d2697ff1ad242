//! `perfgate init` on a real cargo project with criterion benches writes a
//! budget that `perfgate check` accepts and runs: the bench is built and
//! measured, and judged (without a baseline here).

use crate::support::*;

#[test]
fn check_runs_the_budget_init_wrote() {
    let _turn = crate::measuring_turn();
    let project =
        criterion_project(r#"{ version = "0.5", default-features = false, features = ["cargo_bench_support"] }"#);
    let (code, stdout, stderr) = outcome(perfgate().current_dir(project.path()).arg("init"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, report) = json_report(
        perfgate().current_dir(project.path()).args(["check", "--no-baseline"]).env("CARGO_NET_OFFLINE", "true"),
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(verdicts(&report), [("demo/parse".to_string(), "no-baseline".to_string())]);
    assert!(report["kpis"][0]["comparisons"][0]["n_head"].as_u64().unwrap() >= 10, "raw criterion samples are judged");
}
