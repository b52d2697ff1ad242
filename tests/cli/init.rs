//! `perfgate init` on throw-away projects: what it writes, and that `check` accepts it.

use std::collections::BTreeMap;
use std::path::PathBuf;

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
    // The commented alternative is a valid budget too: uncommented, the suite counts instructions.
    let counting = budget.replace("# measure = ", "measure = ").replace("# cache-sim = ", "cache-sim = ");
    let config = perfgate::config::Config::parse(&counting, &path).unwrap();
    assert!(config.suites[0].counts() && config.suites[0].cache_sim, "{counting}");
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

/// The first fixture of each format under `tests/fixtures` that is not a broken input (`bad-*`).
pub fn one_fixture_per_format() -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    for (format, path) in detected_fixtures() {
        let broken = path.components().any(|part| part.as_os_str().to_string_lossy().starts_with("bad-"));
        if !broken {
            found.entry(format.name().to_string()).or_insert(path);
        }
    }
    found
}

/// A test over the registry, so a new format cannot skip it: `init --input` on
/// each format's fixture writes a budget whose KPI `check --no-baseline` judges
/// (exit 0 or 1); exit 2 would mean init wrote something check rejects.
#[test]
fn init_writes_a_kpi_check_judges_for_every_formats_fixture() {
    let fixtures = one_fixture_per_format();
    let mut problems = Vec::new();
    for format in perfgate::input::Registry::builtin().formats() {
        let Some(input) = fixtures.get(format.name()) else {
            if *format != perfgate::input::Format::PERFGATE {
                problems.push(format!("{format}: no fixture under tests/fixtures"));
            }
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let budget = dir.path().join("perf-budget.toml");
        let (code, stdout, stderr) = outcome(
            perfgate().current_dir(dir.path()).args(["init", "--input"]).arg(input).arg("--output").arg(&budget),
        );
        if code != 0 {
            problems.push(format!("{format}: init exited {code}: {stdout}{stderr}"));
            continue;
        }
        let (code, stdout, stderr) =
            outcome(perfgate().current_dir(dir.path()).args(["check", "--no-baseline", "--config"]).arg(&budget));
        if !matches!(code, 0 | 1) {
            let written = std::fs::read_to_string(&budget).unwrap();
            problems.push(format!("{format} ({}): check exited {code}: {stdout}{stderr}\n{written}", input.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// In a clone of a repository whose default branch is master, the budget compares with origin/master.
#[test]
fn init_compares_with_the_clones_default_branch() {
    let repo = perfgate::testing::TestRepo::new();
    let first = repo.commit(
        "bench/results.json",
        &std::fs::read_to_string(fixture("hyperfine/aa-base.json")).unwrap(),
        "results",
    );
    let git = repo.open();
    git.reference("refs/remotes/origin/master", first, true, "test").unwrap();
    git.reference_symbolic("refs/remotes/origin/HEAD", "refs/remotes/origin/master", true, "test").unwrap();
    let (code, stdout, stderr) = outcome(perfgate().current_dir(repo.path()).arg("init"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let budget = std::fs::read_to_string(repo.path().join("perf-budget.toml")).unwrap();
    assert!(budget.contains("\nref = \"origin/master\"\n"), "{budget}");
    let config = perfgate::config::Config::parse(&budget, &repo.path().join("perf-budget.toml")).unwrap();
    assert_eq!(config.baseline.git_ref.as_deref(), Some("origin/master"));
}

#[test]
fn init_ci_github_writes_the_workflow_once_and_never_over_an_existing_one() {
    let project = criterion_project("\"0.5\"");
    let (code, stdout, stderr) = outcome(perfgate().current_dir(project.path()).args(["init", "--ci", "github"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let workflow_path = project.path().join(".github/workflows/perf.yml");
    let workflow = std::fs::read_to_string(&workflow_path).unwrap();
    assert!(workflow.contains("pull_request:") && workflow.contains("config: perf-budget.toml"), "{workflow}");
    assert!(workflow.contains("fetch-depth: 0") && workflow.contains("pull-requests: write"), "{workflow}");
    assert!(stdout.contains("wrote ") && stdout.contains(".github/workflows/perf.yml"), "{stdout}");

    std::fs::remove_file(project.path().join("perf-budget.toml")).unwrap();
    std::fs::write(&workflow_path, "# mine\n").unwrap();
    let (code, stdout, stderr) =
        outcome(perfgate().current_dir(project.path()).args(["init", "--ci", "github", "--output", "ci/budget.toml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(std::fs::read_to_string(&workflow_path).unwrap(), "# mine\n", "an existing workflow is kept");
    assert!(stdout.contains("kept ") && stdout.contains("never overwrites"), "{stdout}");
}

/// Traces get a starter budget from what they hold: the p99 of the route with the most request
/// time, and the DB calls per request of the route with the most database time.
#[test]
fn init_on_traces_budgets_the_heaviest_route_and_the_one_with_most_db_time() {
    let dir = tempfile::tempdir().unwrap();
    let budget = dir.path().join("perf-budget.toml");
    let (code, stdout, stderr) = outcome(
        perfgate().args(["init", "--input"]).arg(fixture("otlp-json/base.json.gz")).arg("--output").arg(&budget),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("(1 suite, 2 KPIs)"), "{stdout}");
    let text = std::fs::read_to_string(&budget).unwrap();
    assert!(text.contains("name = \"GET /search p99 under 1s\""), "{text}");
    assert!(text.contains("where = { method = \"GET\", route = \"/search\" }"), "{text}");
    assert!(text.contains("name = \"GET /orders makes no more DB queries\""), "{text}");
    let (code, stdout, stderr) = outcome(perfgate().arg("check").arg("--config").arg(&budget).arg("--no-baseline"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("GET /search p99 under 1s"), "{stdout}");
}
