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

/// `perfgate ARGS` run under `umask MASK`, in the repository's root.
#[cfg(unix)]
fn under_umask(mask: &str, args: &[&std::ffi::OsStr]) -> i32 {
    let binary = assert_cmd::cargo::cargo_bin("perfgate");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {mask} && exec \"$0\" \"$@\""))
        .arg(binary)
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    status.code().unwrap()
}

/// Every file `--output` writes takes the mode any new file gets under the umask (0644 under
/// 0022, not the owner-only mode of the temporary file it is written through), and `init`'s too.
#[cfg(unix)]
#[test]
fn written_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    for (mask, expected) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        for format in ["json", "markdown", "html", "text"] {
            let output = dir.path().join(format!("report-{mask}.{format}"));
            let args: Vec<&std::ffi::OsStr> = vec![
                "check".as_ref(),
                "--config".as_ref(),
                "examples/perf-budget.toml".as_ref(),
                "--format".as_ref(),
                format.as_ref(),
                "--output".as_ref(),
                output.as_os_str(),
            ];
            assert_eq!(under_umask(mask, &args), 1, "the example fails two KPIs");
            assert_eq!(mode(&output), expected, "{format} under umask {mask}: {:o}", mode(&output));
        }
    }
    let budget = dir.path().join("perf-budget.toml");
    let input = fixture("hyperfine/aa-base.json");
    let init: Vec<&std::ffi::OsStr> =
        vec!["init".as_ref(), "--input".as_ref(), input.as_os_str(), "--output".as_ref(), budget.as_os_str()];
    assert_eq!(under_umask("022", &init), 0);
    assert_eq!(mode(&budget), 0o644, "the budget file init writes");
}
