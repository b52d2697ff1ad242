//! Creep against an anchor: a tag, three commits each about 3 % slower, then a
//! pull request that changes no code. Against its merge-base the PR is within
//! its 5 % `max-regression`; against the tag the slowed benchmark is beyond
//! `max-drift = "6%"` — in one check, with the anchor measured as a third side
//! of the rounds (`rerun`) or read from its record (`notes`).

use perfgate::testing::TestRepo;

use super::support::recorded::BENCH_SCRIPT;
use super::*;

fn budget(source: &str, anchor: &str) -> String {
    format!(
        "[baseline]\nsource = \"{source}\"\nref = \"main\"\nrounds = 6\n{anchor}\n\n\
         [[suite]]\nname = \"micro\"\ncommand = \"sh bench.sh\"\nformat = \"bencher\"\n\n\
         [[kpi]]\nname = \"no regression\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"median\"\n\
         max-regression = \"5%\"\nmax-drift = \"6%\"\n"
    )
}

/// The tag `v1.0` at work 1000, three commits on main each `steps` slower, and branch `pr` off main
/// that only adds a README.
fn creeping_repo(source: &str, steps: [&str; 3]) -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("bench.sh", BENCH_SCRIPT, "bench script");
    repo.commit("perf-budget.toml", &budget(source, "anchor = \"v1.0\""), "budget");
    repo.commit("work.txt", "1000", "release");
    repo.tag("v1.0");
    repo.branch("release");
    for work in steps {
        repo.commit("work.txt", work, "a little more work");
    }
    repo.branch("main");
    repo.checkout_new_branch("pr");
    repo.commit("README.md", "docs only\n", "document");
    repo
}

/// (bench, against, verdict) of every comparison.
fn judged(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["kpis"][0]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |key: &str| c[key].as_str().unwrap_or_default().to_string();
            (text("bench"), text("against"), text("verdict"))
        })
        .collect()
}

fn assert_drift_fails_only_the_slowed_benchmark(code: i32, report: &serde_json::Value, expected_drift: f64) {
    assert_eq!(code, 1, "{report:#}");
    let mut judged = judged(report);
    judged.sort();
    let expected = [
        ("fast", "anchor", "pass"),
        ("fast", "base", "pass"),
        ("scaled", "anchor", "fail"),
        ("scaled", "base", "pass"),
    ]
    .map(|(bench, against, verdict)| (bench.to_string(), against.to_string(), verdict.to_string()));
    assert_eq!(judged, expected, "{report:#}");
    assert_eq!(report["git"]["anchor"], "v1.0");
    let scaled = report["kpis"][0]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bench"] == "scaled" && c["against"] == "anchor")
        .unwrap();
    let drift = scaled["change"].as_f64().unwrap();
    assert!((drift - expected_drift).abs() < 0.01, "drift {drift}, expected {expected_drift}");
    assert!(scaled["reason"].as_str().unwrap().starts_with("since the anchor v1.0: "), "{scaled:#}");
}

#[test]
fn rerun_measures_the_anchor_as_a_third_side_and_fails_the_drift() {
    // Each step about +3 %: inside the 5 % budget of its own pull request, +9.3 % in all.
    let repo = creeping_repo("rerun", ["1030", "1061", "1093"]);
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_drift_fails_only_the_slowed_benchmark(code, &report, 0.093);
    let tag = repo.open().revparse_single("v1.0^{commit}").unwrap().id().to_string();
    assert_eq!(report["git"]["anchor_commit"], tag.as_str());
    assert!(report["baseline"]["description"].as_str().unwrap().contains("and the anchor v1.0"), "{report:#}");
    // The text report shows both comparisons and says what the drift is against.
    let (_, text, _) = outcome(perfgate().args(["check", "--format", "text"]).current_dir(repo.path()));
    assert!(text.contains("scaled (vs anchor)"), "{text}");
    assert!(text.contains("since the anchor v1.0: interval"), "{text}");
    // The markdown comment names the drift that decides the KPI, and the anchor.
    let (_, markdown, _) = outcome(perfgate().args(["check", "--format", "markdown"]).current_dir(repo.path()));
    assert!(markdown.contains("<br>`scaled (vs anchor)` (of 4)"), "{markdown}");
    assert!(markdown.contains("anchor `v1.0`"), "{markdown}");
}

#[test]
fn notes_read_the_anchors_record() {
    // A record holds one value per benchmark here, so its interval is wider: steps of +5 % (+15.8 % in all).
    let repo = creeping_repo("notes", ["1050", "1103", "1158"]);
    for branch in ["release", "main"] {
        repo.switch(branch);
        let (code, _, stderr) = outcome(perfgate().arg("record").current_dir(repo.path()));
        assert_eq!(code, 0, "{stderr}");
    }
    repo.switch("pr");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_drift_fails_only_the_slowed_benchmark(code, &report, 0.158);

    // Without a record for the anchor, the drift is not judged, and the report says how to record it.
    let git = repo.open();
    let anchor = git.revparse_single("v1.0^{commit}").unwrap().id();
    let signature = git2::Signature::now("perfgate test", "test@perfgate.invalid").unwrap();
    git.note_delete(anchor, Some("refs/notes/perfgate"), &signature, &signature).unwrap();
    repo.switch("pr");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 0, "{report:#}");
    assert!(judged(&report).iter().all(|(_, against, _)| against == "base"), "{report:#}");
    let notes = report["notes"].to_string();
    assert!(notes.contains("No results are recorded for the anchor v1.0"), "{notes}");
    assert!(notes.contains("perfgate record"), "{notes}");
}

#[test]
fn an_anchor_that_does_not_resolve_is_an_error_naming_it() {
    let repo = creeping_repo("rerun", ["1030", "1061", "1093"]);
    std::fs::write(repo.path().join("perf-budget.toml"), budget("rerun", "anchor = \"v9.9\"")).unwrap();
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot resolve [baseline] anchor \"v9.9\""), "{stderr}");
}

#[test]
fn max_drift_without_an_anchor_is_a_budget_file_error_at_its_line() {
    let repo = creeping_repo("rerun", ["1030", "1061", "1093"]);
    std::fs::write(repo.path().join("perf-budget.toml"), budget("rerun", "")).unwrap();
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("perf-budget.toml:18:13"), "{stderr}");
    assert!(stderr.contains("sets max-drift, the budget since an anchor, but [baseline] names no anchor"), "{stderr}");
    assert!(stderr.contains("anchor = \"v1.0\""), "{stderr}");
}
