//! `perfgate init` on throw-away projects: what it writes, and that `check` accepts it.

use super::*;

#[test]
fn init_writes_a_commented_criterion_budget() {
    let project = criterion_project("\"0.5\"");
    let (code, stdout, stderr) = outcome(perfgate().current_dir(project.path()).arg("init"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("criterion benches (Cargo.toml: criterion in dependencies; benches/parse.rs)"), "{stdout}");
    assert!(stdout.contains("wrote ") && stdout.contains("(1 suite, 1 KPI)"), "{stdout}");
    let path = project.path().join("perf-budget.toml");
    let budget = std::fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!(budget);
    // A valid budget file; that `check` runs it on a real project is tested in tests/e2e.
    let config = perfgate::config::Config::parse(&budget, &path).unwrap();
    assert_eq!(config.suites[0].command.as_deref(), Some("cargo bench --bench parse -- --noplot"));
}

#[test]
fn init_never_overwrites_and_output_writes_elsewhere() {
    let project = criterion_project("\"0.5\"");
    let existing = project.path().join("perf-budget.toml");
    std::fs::write(&existing, "# mine\n").unwrap();
    let (code, _, stderr) = outcome(perfgate().current_dir(project.path()).arg("init"));
    assert_eq!(code, 2);
    assert!(stderr.contains("perf-budget.toml already exists") && stderr.contains("--output"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "# mine\n", "the file is untouched");

    let (code, stdout, stderr) =
        outcome(perfgate().current_dir(project.path()).args(["init", "--output", "ci-budget.toml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let written = std::fs::read_to_string(project.path().join("ci-budget.toml")).unwrap();
    assert!(written.contains("command = \"cargo bench --bench parse -- --noplot\""), "{written}");
}

#[test]
fn init_in_a_project_without_benchmarks_says_what_it_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# nothing to measure\n").unwrap();
    let (code, _, stderr) = outcome(perfgate().current_dir(dir.path()).arg("init"));
    assert_eq!(code, 2);
    assert!(stderr.contains("found nothing to gate") && stderr.contains("criterion"), "{stderr}");
    assert!(!dir.path().join("perf-budget.toml").exists());
}
