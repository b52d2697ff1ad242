//! Git-native baselines with a fast stand-in benchmark: interleaved rounds on
//! the merge-base and the working tree, uncommitted changes, git notes; what a
//! check leaves behind in `cleanup`.

use std::path::Path;

use perfgate::testing::TestRepo;

use super::support::recorded::BENCH_SCRIPT;
use super::*;

mod cleanup;

fn budget_text(source: &str, command: &str) -> String {
    format!(
        "[baseline]\nsource = \"{source}\"\nref = \"main\"\nrounds = 6\n\n\
         [[suite]]\nname = \"micro\"\ncommand = \"{command}\"\nformat = \"bencher\"\n\n\
         [[kpi]]\nname = \"no regression\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n"
    )
}

/// main: the base; branch `feature` checked out.
fn repo_with_branch(source: &str) -> TestRepo {
    repo_whose_base_runs(BENCH_SCRIPT, source)
}

/// Like `repo_with_branch`, with `script` as the base's `bench.sh` (and the head's, until it commits another).
fn repo_whose_base_runs(script: &str, source: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("bench.sh", script, "bench script");
    repo.commit("perf-budget.toml", &budget_text(source, "sh bench.sh"), "budget");
    repo.commit("work.txt", "100", "base");
    repo.branch("main");
    repo.checkout_new_branch("feature");
    repo
}

fn check_in(repo: &TestRepo) -> (i32, serde_json::Value) {
    json_report(perfgate().arg("check").current_dir(repo.path()))
}

fn verdict_of(report: &serde_json::Value, bench: &str) -> String {
    verdicts(report).into_iter().find(|(b, _)| b == bench).map(|(_, v)| v).unwrap_or_default()
}

#[test]
fn a_slower_commit_fails_in_paired_rounds_and_names_the_benchmark() {
    let repo = repo_with_branch("rerun");
    repo.commit("work.txt", "130", "30 % more work");
    let (code, report) = check_in(&repo);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(verdict_of(&report, "scaled"), "fail");
    assert_ne!(verdict_of(&report, "fast"), "fail");
    let comparison = &report["kpis"][0]["comparisons"][1];
    assert_eq!(comparison["method"], "paired, 6 rounds");
    assert_eq!(report["baseline"]["source"], "rerun");
    let base = repo.open().revparse_single("main").unwrap().id().to_string();
    assert_eq!(report["git"]["base_commit"], base.as_str());
    assert_eq!(report["git"]["head_dirty"], false);
    // The change is about +30 %.
    let change = comparison["change"].as_f64().unwrap();
    assert!((0.25..0.35).contains(&change), "{change}");
}

#[test]
fn the_head_is_the_working_tree_uncommitted_changes_included() {
    let repo = repo_with_branch("rerun");
    std::fs::write(repo.path().join("work.txt"), "140").unwrap();
    let status_before = git_status(repo.path());
    let (code, report) = check_in(&repo);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(verdict_of(&report, "scaled"), "fail");
    assert_eq!(report["git"]["head_dirty"], true);
    assert!(report["notes"].to_string().contains("uncommitted changes included"), "{report:#}");
    // The user's tree is exactly as it was.
    assert_eq!(std::fs::read_to_string(repo.path().join("work.txt")).unwrap(), "140");
    assert_eq!(git_status(repo.path()), status_before);
}

#[test]
fn an_unchanged_branch_does_not_fail() {
    let repo = repo_with_branch("rerun");
    repo.commit("notes.md", "only words changed", "docs");
    let (code, report) = check_in(&repo);
    assert_eq!(code, 0, "{report:#}");
    assert!(verdicts(&report).iter().all(|(_, v)| v == "pass" || v == "inconclusive"), "{report:#}");
}

#[test]
fn a_suite_the_base_cannot_run_is_judged_without_baseline() {
    let repo = repo_with_branch("rerun");
    // The head's budget runs a script that the base commit does not have.
    repo.commit("bench2.sh", BENCH_SCRIPT, "new bench script");
    repo.commit("perf-budget.toml", &budget_text("rerun", "sh bench2.sh"), "use it");
    let (code, report) = check_in(&repo);
    assert_eq!(code, 0, "{report:#}");
    assert!(verdicts(&report).iter().all(|(_, v)| v == "no-baseline"), "{report:#}");
    assert!(report["notes"].to_string().contains("could not run on the base commit"), "{report:#}");
}

#[test]
fn a_failing_head_command_is_an_error_with_its_output() {
    let repo = repo_with_branch("rerun");
    repo.commit("perf-budget.toml", &budget_text("rerun", "sh -c 'echo compiling; echo boom >&2; exit 7'"), "broken");
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("failed (exit code 7)"), "{stderr}");
    assert!(stderr.contains("| boom"), "{stderr}");
}

#[test]
fn notes_record_and_serve_as_the_baseline() {
    let repo = repo_with_branch("notes");
    // Record on the base commit (main), as a CI job on main would.
    repo.switch("main");
    let (code, _, stderr) = outcome(perfgate().arg("record").current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("recorded micro for"), "{stderr}");
    let (code, listed, _) = outcome(perfgate().args(["baseline", "list"]).current_dir(repo.path()));
    assert_eq!(code, 0);
    // Its two benchmarks, and the run's CPU time and peak memory.
    assert!(listed.contains("micro (4)"), "{listed}");
    let (code, shown, _) =
        outcome(perfgate().args(["baseline", "show", "main", "--format", "json"]).current_dir(repo.path()));
    assert_eq!(code, 0);
    let stored: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(stored["suites"][0]["name"], "micro");

    repo.switch("feature");
    repo.commit("work.txt", "150", "50 % more work");
    let (code, report) = check_in(&repo);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["baseline"]["source"], "notes");
    assert_eq!(verdict_of(&report, "scaled"), "fail");
    // Without a note for the merge-base the check says so loudly and judges nothing relatively.
    std::fs::remove_file(repo.path().join(".git/refs/notes/perfgate")).unwrap();
    let (code, report) = check_in(&repo);
    assert_eq!(code, 0);
    assert!(report["baseline"]["description"].as_str().unwrap().contains("no results recorded for merge-base"));
    assert!(verdicts(&report).iter().all(|(_, v)| v == "no-baseline"));
}

#[test]
fn record_refuses_a_dirty_tree_and_a_corrupt_note_is_an_error() {
    let repo = repo_with_branch("notes");
    std::fs::write(repo.path().join("work.txt"), "999").unwrap();
    let (code, _, stderr) = outcome(perfgate().arg("record").current_dir(repo.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("uncommitted changes"), "{stderr}");
    std::fs::write(repo.path().join("work.txt"), "100").unwrap();

    let git = repo.open();
    let signature = git2::Signature::now("t", "t@t").unwrap();
    let base = git.revparse_single("main").unwrap().id();
    git.note(&signature, &signature, Some("refs/notes/perfgate"), base, "not json", true).unwrap();
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a perfgate results file"), "{stderr}");
}

/// Status of every path (what `git status` would show), for before/after comparisons.
fn git_status(path: &Path) -> Vec<(String, u32)> {
    let repo = git2::Repository::open(path).unwrap();
    let mut options = git2::StatusOptions::new();
    options.include_untracked(true);
    let statuses = repo.statuses(Some(&mut options)).unwrap();
    statuses.iter().map(|s| (s.path().unwrap_or("").to_string(), s.status().bits())).collect()
}

#[test]
fn github_actions_gets_one_log_group_per_run() {
    let repo = repo_with_branch("rerun");
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(repo.path()).env("GITHUB_ACTIONS", "true"));
    assert_eq!(code, 0, "{stderr}");
    let groups = stderr.lines().filter(|l| l.starts_with("::group::perfgate round")).count();
    let ends = stderr.lines().filter(|l| *l == "::endgroup::").count();
    assert_eq!((groups, ends), (12, 12), "6 rounds × 2 sides × 1 suite: {stderr}");
    assert!(stderr.contains("::group::perfgate round 1/6 · "), "{stderr}");
}

#[test]
fn calibrate_reports_noise_and_what_would_make_each_kpi_decidable() {
    let repo = repo_with_branch("rerun");
    let (code, stdout, stderr) = outcome(perfgate().args(["calibrate", "--rounds", "6"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("6 A/A rounds of the same code"), "{stdout}");
    assert!(stdout.contains("no regression / fast") && stdout.contains("no regression / scaled"), "{stdout}");
    assert!(stdout.contains("one round of both sides took"), "{stdout}");
    assert!(stdout.contains("set time-budget = \""), "{stdout}");
    let (code, stdout, _) =
        outcome(perfgate().args(["calibrate", "--rounds", "6", "--format", "json"]).current_dir(repo.path()));
    assert_eq!(code, 0);
    let calibration: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let advice = &calibration["time_budget"];
    assert!(advice["round_seconds"].as_f64().unwrap() > 0.0, "{advice:#}");
    assert_eq!(advice["benchmarks"], 2, "{advice:#}");
    assert!(advice["suggested"].as_str().unwrap().ends_with("min"), "{advice:#}");
    for row in calibration["rows"].as_array().unwrap() {
        assert_eq!(row["rounds"], 6);
        // Under 1 % jitter: the pair spread is small and a 10 % regression (twice the budget) is decidable.
        assert!(row["pair_sd"].as_f64().unwrap() < 0.01, "{row:#}");
        assert!(row["rounds_for_budget"].as_u64().unwrap() <= 10, "{row:#}");
    }
}

#[test]
fn calibrate_records_the_noise_that_single_run_checks_then_use() {
    let repo = repo_with_branch("rerun");
    let (code, _, stderr) =
        outcome(perfgate().args(["calibrate", "--rounds", "4", "--record"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("recorded the calibration in")
            && stderr.contains("add `calibration = \"perf-calibration.json\"` to [gate]"),
        "{stderr}"
    );
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("perf-calibration.json")).unwrap()).unwrap();
    assert_eq!((recorded["schema"].as_u64(), recorded["rounds"].as_u64()), (Some(1), Some(4)), "{recorded:#}");
    assert!(recorded["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|row| row["suite"] == "micro" && row["statistic"] == "median"));
    // A check against a stored run (one run per side) takes each benchmark's noise from it.
    std::fs::write(
        repo.path().join("stored.txt"),
        "test fast ... bench: 1003 ns/iter (+/- 5)\ntest scaled ... bench: 1003 ns/iter (+/- 5)\n",
    )
    .unwrap();
    let budget = std::fs::read_to_string(repo.path().join("perf-budget.toml")).unwrap();
    std::fs::write(
        repo.path().join("calibrated.toml"),
        format!("[gate]\ncalibration = \"perf-calibration.json\"\n{budget}"),
    )
    .unwrap();
    let (code, report) = json_report(
        perfgate().args(["check", "--config", "calibrated.toml", "--baseline", "stored.txt"]).current_dir(repo.path()),
    );
    assert_eq!(code, 0, "{report:#}");
    let kpi = &report["kpis"][0];
    assert_eq!(kpi["footing"]["noise_from"], "calibration", "{kpi:#}");
    assert!(
        kpi["comparisons"].as_array().unwrap().iter().all(|c| c["method"].as_str().unwrap().ends_with("calibrated")),
        "{kpi:#}"
    );
    // A calibration file that is not one is an error naming it, with the fix.
    std::fs::write(repo.path().join("perf-calibration.json"), "{\"rows\": 3}").unwrap();
    let (code, _, stderr) = outcome(
        perfgate().args(["check", "--config", "calibrated.toml", "--baseline", "stored.txt"]).current_dir(repo.path()),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("perf-calibration.json:1:") && stderr.contains("not a calibration file"), "{stderr}");
    assert!(stderr.contains("perfgate calibrate --record"), "{stderr}");
}

/// A stored baseline measured on a machine twice as fast: every benchmark took 500 ns.
const STORED_ON_A_FASTER_MACHINE: &str =
    "test fast   ... bench:         500 ns/iter (+/- 5)\ntest scaled ... bench:         500 ns/iter (+/- 5)\n";

fn confirming_budget() -> String {
    "[baseline]\nsource = \"file\"\npath = \"stored.txt\"\nref = \"main\"\nrounds = 6\nconfirm = true\n\n\
     [[suite]]\nname = \"micro\"\ncommand = \"sh bench.sh\"\nformat = \"bencher\"\n\n\
     [[kpi]]\nname = \"no regression\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n"
        .to_string()
}

#[test]
fn confirm_re_runs_what_failed_against_a_stored_baseline_and_decides_on_the_rounds() {
    let repo = repo_with_branch("file");
    repo.commit("stored.txt", STORED_ON_A_FASTER_MACHINE, "a baseline from elsewhere");
    repo.commit("perf-budget.toml", &confirming_budget(), "confirm failures");
    // Without confirmation both benchmarks fail against the faster machine's numbers.
    let unconfirmed = confirming_budget().replace("confirm = true", "confirm = false");
    std::fs::write(repo.path().join("unconfirmed.toml"), unconfirmed).unwrap();
    let (code, report) =
        json_report(perfgate().args(["check", "--config", "unconfirmed.toml"]).current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    assert_eq!((verdict_of(&report, "fast"), verdict_of(&report, "scaled")), ("fail".into(), "fail".into()));
    std::fs::remove_file(repo.path().join("unconfirmed.toml")).unwrap();

    // Re-run on base and head together, the same code does not fail.
    let (code, report) = check_in(&repo);
    assert_eq!(code, 0, "{report:#}");
    assert!(verdicts(&report).iter().all(|(_, v)| v != "fail"), "{report:#}");
    assert!(report["notes"].to_string().contains("Confirmed by re-running: 2 failing comparisons"), "{report:#}");
    assert!(report["kpis"][0]["comparisons"][0]["method"].as_str().unwrap().starts_with("paired"), "{report:#}");

    // A real regression still fails after confirmation, and only it.
    repo.commit("work.txt", "130", "30 % more work");
    let (code, report) = check_in(&repo);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        (verdict_of(&report, "fast"), verdict_of(&report, "scaled")),
        ("pass".into(), "fail".into()),
        "{report:#}"
    );
    assert!(report["notes"].to_string().contains("1 still fails"), "{report:#}");
    assert!(report["measuring"]["rounds"].as_u64().is_some(), "{report:#}");
}

/// A branch with no commits of its own (as a CI checkout of a branch compared with itself)
/// is measured, but the report says loudly that the baseline is the head, in text, JSON and
/// GitHub annotations.
#[test]
fn a_baseline_that_is_the_head_itself_is_said_loudly() {
    let repo = repo_with_branch("rerun");
    let (code, report) = check_in(&repo);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["git"]["base_commit"], report["git"]["head_commit"]);
    let warning = report["warnings"][0].as_str().unwrap_or_default();
    assert!(warning.contains("is HEAD itself") && warning.contains("cannot see a regression"), "{report:#}");
    let mut in_actions = perfgate();
    in_actions.arg("check").current_dir(repo.path()).env("GITHUB_ACTIONS", "true");
    for unset in ["GITHUB_TOKEN", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"] {
        in_actions.env_remove(unset);
    }
    let (_, stdout, stderr) = outcome(&mut in_actions);
    assert!(stderr.lines().any(|line| line.starts_with("::warning title=perfgate::The baseline commit")), "{stderr}");
    assert!(stdout.contains("warning: The baseline commit"), "{stdout}");
}
