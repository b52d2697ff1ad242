//! `perfgate report`: re-rendering a saved JSON report.

use super::*;

#[test]
fn a_saved_report_renders_as_the_check_did() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("report.json");
    outcome(
        perfgate()
            .args(["check", "--quiet", "--config", "examples/perf-budget.toml", "--format", "json", "--output"])
            .arg(&saved),
    );
    let (_, direct, _) =
        outcome(perfgate().args(["check", "--config", "examples/perf-budget.toml", "--format", "markdown"]));
    let (code, rendered, _) = outcome(perfgate().arg("report").arg(&saved).args(["--format", "markdown"]));
    assert_eq!(code, 1, "the saved verdict decides the exit code");
    assert_eq!(rendered, direct);
}

#[test]
fn a_report_of_another_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, r#"{"schema": 2, "verdict": "pass"}"#).unwrap();
    let (code, _, stderr) = outcome(perfgate().arg("report").arg(&path));
    assert_eq!(code, 2);
    assert!(stderr.contains("report schema 2 is not supported"), "{stderr}");
    std::fs::write(&path, r#"{"schema": 1, "verdict": "pass""#).unwrap();
    let (code, _, stderr) = outcome(perfgate().arg("report").arg(&path));
    assert_eq!(code, 2);
    assert!(stderr.contains("report.json:1:"), "{stderr}");
}
