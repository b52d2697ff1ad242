//! `perfgate check` on the shipped examples and on latency exports.

use super::*;

#[test]
fn the_example_fails_exactly_the_slower_benchmark_and_the_slow_route() {
    let (code, report) = json_report(perfgate().args(["check", "--config", "examples/perf-budget.toml"]));
    assert_eq!(code, 1);
    assert_eq!(report["schema"], 1);
    assert_eq!(report["verdict"], "fail");
    let failed: Vec<String> =
        verdicts(&report).into_iter().filter(|(_, v)| v == "fail").map(|(bench, _)| bench).collect();
    assert_eq!(failed, ["fib 20", "latency{method=GET,route=/api/orders/*}"]);
    let kpi_verdicts: Vec<&str> =
        report["kpis"].as_array().unwrap().iter().map(|k| k["verdict"].as_str().unwrap()).collect();
    assert_eq!(kpi_verdicts[0], "fail");
    assert_eq!(kpi_verdicts[1], "pass");
    assert_eq!(kpi_verdicts[2], "fail");
    assert_eq!(kpi_verdicts[3], "pass");
}

#[test]
fn the_example_markdown_report() {
    let (code, stdout, _) =
        outcome(perfgate().args(["check", "--config", "examples/perf-budget.toml", "--format", "markdown"]));
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn output_writes_the_report_and_still_prints_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let (code, stdout, _) = outcome(
        perfgate().args(["check", "--config", "examples/perf-budget.toml", "--format", "json", "--output"]).arg(&path),
    );
    assert_eq!(code, 1);
    assert!(stdout.starts_with("perfgate FAIL"), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(report["verdict"], "fail");
    // Nothing but the report is left in the folder (the write is atomic through a temporary file).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn quiet_prints_nothing_but_keeps_the_exit_code() {
    let (code, stdout, stderr) =
        outcome(perfgate().args(["check", "--quiet", "--config", "examples/perf-budget.toml"]));
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (1, "", ""));
}

#[test]
fn without_a_baseline_relative_budgets_are_no_baseline_and_absolute_ones_judged() {
    let (code, report) =
        json_report(perfgate().args(["check", "--no-baseline", "--config", "examples/perf-budget.toml"]));
    // The slow route still fails its absolute budget.
    assert_eq!(code, 1);
    let all = verdicts(&report);
    assert!(all
        .iter()
        .filter(|(b, _)| b.starts_with("fib") || b.starts_with("parse"))
        .all(|(_, v)| v == "no-baseline"));
    assert!(report["notes"][0].as_str().unwrap().starts_with("No baseline"));
}

fn p99_budget(dir: &std::path::Path, max: &str) -> std::path::PathBuf {
    budget(
        dir,
        &format!(
            "[baseline]\nsource = \"none\"\n\n[[suite]]\nname = \"api\"\nformat = \"latency-csv\"\ninput = {:?}\n\n\
             [[kpi]]\nname = \"orders p99\"\nsuite = \"api\"\nmetric = \"latency\"\n\
             where = {{ method = \"GET\", route = \"/api/orders/*\" }}\nstatistic = \"p99\"\nmax = \"{max}\"\n",
            root().join("examples/api/head.csv")
        ),
    )
}

#[test]
fn an_absolute_p99_budget_fails_only_when_the_interval_is_above_it() {
    let dir = tempfile::tempdir().unwrap();
    let judge = |max: &str| {
        let (code, report) = json_report(perfgate().arg("check").arg("--config").arg(p99_budget(dir.path(), max)));
        let comparison = report["kpis"][0]["comparisons"][0].clone();
        let interval = [comparison["head_ci"][0].as_f64().unwrap(), comparison["head_ci"][1].as_f64().unwrap()];
        (code, comparison["verdict"].as_str().unwrap().to_string(), comparison["head"].as_f64().unwrap(), interval)
    };
    let (code, verdict, p99, [lo, hi]) = judge("1s");
    assert!(lo <= p99 && p99 <= hi, "the p99 lies in its interval");
    assert!(lo > 1e9, "the example's slow route has its whole p99 interval above 1 s: [{lo}, {hi}]");
    assert_eq!((code, verdict.as_str()), (1, "fail"));
    // A budget inside the interval is inconclusive (exit 0, a warning); one above it passes.
    let inside = format!("{}ms", (lo + hi) / 2e6);
    assert_eq!(judge(&inside).1, "inconclusive");
    assert_eq!(judge(&inside).0, 0);
    assert_eq!(judge(&format!("{}ms", hi / 1e6 + 1.0)).1, "pass");
}

#[test]
fn the_budget_file_is_found_upward_from_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    p99_budget(dir.path(), "1s");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let nested = dir.path().join("src/deep");
    std::fs::create_dir_all(&nested).unwrap();
    let (code, stdout, stderr) = outcome(perfgate().arg("check").current_dir(&nested));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("orders p99"));
}

#[test]
fn a_missing_budget_file_is_an_error_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(dir.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("no perf-budget.toml found"), "{stderr}");
    assert!(stderr.contains("hint: pass --config PATH"), "{stderr}");
}

#[test]
fn help_teaches_exit_codes_and_examples() {
    let (code, stdout, _) = outcome(perfgate().args(["check", "--help"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("perfgate check --config examples/perf-budget.toml"), "{stdout}");
    assert!(stdout.contains("Exit codes: 0 pass"), "{stdout}");
    let (_, stdout, _) = outcome(perfgate().arg("--help"));
    assert!(stdout.contains("2  usage, configuration, input or environment error"), "{stdout}");
    let (code, _, _) = outcome(perfgate().arg("--no-such-flag"));
    assert_eq!(code, 2);
}
