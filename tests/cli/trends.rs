//! The context a check's report carries for the PR comment, against a
//! baseline from git notes: the trend on main of the series that moved (a
//! Mermaid chart, the PR's value last) and the size of the change.

use super::support::recorded::recorded_main_and_pr;
use super::*;

#[test]
fn the_comment_shows_the_trend_on_main_and_the_change_size() {
    let works = [1000, 1004, 998, 1002, 1001, 999, 1003, 1000, 1002, 1001, 997, 1000];
    let repo = recorded_main_and_pr(&works, 1150);
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    let trends = report["context"]["trends"].as_array().unwrap();
    // Only the series that moved (`scaled`, +15 %) gets a trend; `fast` did not move.
    assert_eq!(trends.len(), 1, "{report:#}");
    assert_eq!(trends[0]["bench"], "scaled");
    assert_eq!(trends[0]["points"].as_array().unwrap().len(), works.len());
    assert_eq!(report["context"]["change_size"], serde_json::json!({"files": 1, "insertions": 1, "deletions": 1}));

    let (_, markdown, _) = outcome(perfgate().args(["check", "--format", "markdown"]).current_dir(repo.path()));
    assert!(markdown.contains("**Change size:** 1 file, +1 −1 lines since the merge-base"), "{markdown}");
    assert!(markdown.contains("\n#### Trend on main\n\n```mermaid\n%%{init: "), "{markdown}");
    let chart = markdown.split("```mermaid\n").nth(1).unwrap().split("```").next().unwrap();
    let x_axis = chart.lines().find(|l| l.trim_start().starts_with("x-axis")).unwrap();
    assert_eq!(x_axis.matches(',').count(), works.len(), "12 recorded points and the PR: {x_axis}");
    assert!(x_axis.contains("\"PR\""), "{x_axis}");
    // The title's change is the row's.
    let row_change =
        report["kpis"][0]["comparisons"].as_array().unwrap().iter().find(|c| c["bench"] == "scaled").unwrap()["change"]
            .as_f64()
            .unwrap();
    let shown = format!("{:+.1}%", row_change * 100.0);
    let title = chart.lines().find(|l| l.contains("title")).unwrap();
    assert!(title.contains(&format!("{shown} vs the baseline")), "{title} against the row's {shown}");

    // `perfgate report` renders the same context from the saved JSON report.
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("report.json");
    std::fs::write(&saved, report.to_string()).unwrap();
    let (_, rendered, _) = outcome(perfgate().args(["report", "--format", "markdown"]).arg(&saved));
    assert!(rendered.contains("#### Trend on main"), "{rendered}");
}

#[test]
fn tagged_latency_shows_where_the_time_goes_once_per_suite_and_metric() {
    let (code, report) = json_report(perfgate().args(["check", "--config", "examples/perf-budget.toml"]));
    assert_eq!(code, 1);
    let shares = report["context"]["time_shares"].as_array().unwrap();
    // Three KPIs judge the api suite's latency: one breakdown.
    assert_eq!(shares.len(), 1, "{shares:#?}");
    assert_eq!(shares[0]["by"], serde_json::json!(["method", "route"]));
    let top = &shares[0]["groups"][0];
    assert_eq!(top["group"], "GET /api/orders/{id}");
    assert!((0.6..0.7).contains(&top["share"].as_f64().unwrap()), "{top}");
    assert!(top["change"].as_f64().unwrap() > 2.0, "the regressed route stands out: {top}");
    let total: f64 = shares[0]["groups"].as_array().unwrap().iter().map(|g| g["share"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-6, "four groups, nothing else: {total}");
}
