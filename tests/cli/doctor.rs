//! `perfgate doctor`: one throw-away setup per problem it reports, each with its fix.

use std::path::Path;

use perfgate::testing::TestRepo;

use super::*;

/// `perfgate doctor` in `folder`, outside GitHub Actions unless `env` says otherwise.
fn doctor_in(folder: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = perfgate();
    command.arg("doctor").current_dir(folder);
    for name in ["GITHUB_ACTIONS", "GITHUB_TOKEN", "GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    outcome(&mut command)
}

fn hyperfine_suite(input: &str) -> String {
    format!(
        "[[suite]]\nname = \"cli\"\nformat = \"hyperfine\"\ninput = {input:?}\n\n\
         [[kpi]]\nname = \"k\"\nsuite = \"cli\"\nbench = \"*\"\nstatistic = \"mean\"\nmax-regression = \"5%\"\n"
    )
}

/// A folder whose budget reads a real hyperfine export, with `[baseline] source`.
fn fixture_budget_folder(source: &str) -> tempfile::TempDir {
    let input = fixture("hyperfine/aa-base.json").display().to_string();
    folder_with(&format!("[baseline]\nsource = \"{source}\"\n\n{}", hyperfine_suite(&input)))
}

fn folder_with(budget_text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("perf-budget.toml"), budget_text).unwrap();
    dir
}

/// A line of the output that starts with `mark` and holds `what`, followed by a fix holding `fix`.
fn reported(stdout: &str, mark: &str, what: &str, fix: &str) -> bool {
    let lines: Vec<&str> = stdout.lines().collect();
    lines.iter().enumerate().any(|(i, line)| {
        line.starts_with(mark)
            && line.contains(what)
            && (fix.is_empty() || lines.get(i + 1).is_some_and(|next| next.contains("fix:") && next.contains(fix)))
    })
}

#[test]
fn a_good_setup_is_all_fine() {
    let dir = fixture_budget_folder("none");
    let (code, stdout, stderr) = doctor_in(dir.path(), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.lines().all(|line| line.starts_with('✓')), "{stdout}");
    assert!(reported(&stdout, "✓", "suite \"cli\": ", ""), "{stdout}");
}

#[test]
fn no_budget_file() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = doctor_in(dir.path(), &[]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(reported(&stdout, "✗", "no perf-budget.toml found", "perfgate init"), "{stdout}");
    assert!(stderr.contains("found 1 problem"), "{stderr}");
}

#[test]
fn an_invalid_budget_file() {
    let dir = folder_with("[gate]\nlevl = \"warn\"\n");
    let (code, stdout, _) = doctor_in(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "is not valid", "did you mean `level`?"), "{stdout}");
}

#[test]
fn a_command_whose_program_is_not_on_the_path() {
    let dir = folder_with(
        "[baseline]\nsource = \"none\"\n\n[[suite]]\nname = \"micro\"\ncommand = \"no-such-tool-4711 bench\"\nformat = \"bencher\"\n\n\
         [[kpi]]\nname = \"k\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"median\"\nmax = \"1s\"\n",
    );
    let (code, stdout, _) = doctor_in(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        reported(&stdout, "✗", "`no-such-tool-4711` is not on the PATH", "install `no-such-tool-4711`"),
        "{stdout}"
    );
}

#[test]
fn an_input_that_is_missing_or_does_not_read() {
    let dir = folder_with(&format!("[baseline]\nsource = \"none\"\n\n{}", hyperfine_suite("results/missing.json")));
    let (code, stdout, _) = doctor_in(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "results/missing.json does not exist", "run the tool that writes it"), "{stdout}");

    std::fs::create_dir_all(dir.path().join("results")).unwrap();
    std::fs::write(dir.path().join("results/missing.json"), "{\"results\": 3}").unwrap();
    let (code, stdout, _) = doctor_in(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "does not read", "set the suite's `format`"), "{stdout}");
}

#[test]
fn a_git_baseline_outside_git() {
    let dir = fixture_budget_folder("rerun");
    let (code, stdout, _) = doctor_in(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "is not inside a git repository", "source = \"file\""), "{stdout}");
}

/// A repository with the budget on `main` and a `feature` branch with a commit of its own.
fn repo_with(budget_text: &str) -> TestRepo {
    let repo = TestRepo::new();
    let results = std::fs::read_to_string(fixture("hyperfine/aa-base.json")).unwrap();
    repo.commit("results.json", &results, "results");
    repo.commit("perf-budget.toml", budget_text, "budget");
    repo.branch("main");
    repo.checkout_new_branch("feature");
    repo.commit("feature.txt", "work", "feature work");
    repo
}

#[test]
fn a_shallow_clone_an_unknown_ref_and_a_baseline_that_is_the_head() {
    let repo =
        repo_with(&format!("[baseline]\nsource = \"rerun\"\nref = \"main\"\n\n{}", hyperfine_suite("results.json")));
    let (code, stdout, stderr) = doctor_in(repo.path(), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(reported(&stdout, "✓", "the merge-base of HEAD and main", ""), "{stdout}");

    let head = repo.open().head().unwrap().target().unwrap();
    std::fs::write(repo.path().join(".git/shallow"), format!("{head}\n")).unwrap();
    let (code, stdout, _) = doctor_in(repo.path(), &[]);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "the clone is shallow", "fetch-depth: 0"), "{stdout}");
    std::fs::remove_file(repo.path().join(".git/shallow")).unwrap();

    let budget =
        format!("[baseline]\nsource = \"rerun\"\nref = \"origin/nope\"\n\n{}", hyperfine_suite("results.json"));
    std::fs::write(repo.path().join("perf-budget.toml"), budget).unwrap();
    let (code, stdout, _) = doctor_in(repo.path(), &[]);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "no baseline commit", "set [baseline] ref"), "{stdout}");

    repo.switch("main");
    let budget = format!("[baseline]\nsource = \"rerun\"\nref = \"main\"\n\n{}", hyperfine_suite("results.json"));
    std::fs::write(repo.path().join("perf-budget.toml"), &budget).unwrap();
    repo.commit("perf-budget.toml", &budget, "same budget");
    let (code, stdout, stderr) = doctor_in(repo.path(), &[]);
    assert_eq!(code, 0, "a warning alone does not fail: {stdout}{stderr}");
    assert!(reported(&stdout, "!", "is HEAD itself", "[baseline] ref"), "{stdout}");
}

#[test]
fn notes_missing_for_the_baseline_commit() {
    let repo =
        repo_with(&format!("[baseline]\nsource = \"notes\"\nref = \"main\"\n\n{}", hyperfine_suite("results.json")));
    let (code, stdout, _) = doctor_in(repo.path(), &[]);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "no results recorded for the baseline commit", "perfgate record"), "{stdout}");
}

#[test]
fn github_actions_without_a_token_on_a_fork_and_on_a_push() {
    let dir = fixture_budget_folder("none");
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        r#"{"pull_request": {"number": 7, "head": {"repo": {"full_name": "someone/fork"}}, "base": {"repo": {"full_name": "owner/project"}}}}"#,
    )
    .unwrap();
    let event_path = event.display().to_string();
    let actions =
        [("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "pull_request"), ("GITHUB_EVENT_PATH", event_path.as_str())];
    let (code, stdout, _) = doctor_in(dir.path(), &actions);
    assert_eq!(code, 2);
    assert!(reported(&stdout, "✗", "no token in $GITHUB_TOKEN", "pull-requests: write"), "{stdout}");
    assert!(reported(&stdout, "✗", "comes from a fork", "workflow_run"), "{stdout}");

    std::fs::write(
        &event,
        r#"{"pull_request": {"number": 7, "head": {"repo": {"full_name": "owner/project"}}, "base": {"repo": {"full_name": "owner/project"}}}}"#,
    )
    .unwrap();
    let with_token = [actions[0], actions[1], actions[2], ("GITHUB_TOKEN", "t0ken")];
    let (code, stdout, stderr) = doctor_in(dir.path(), &with_token);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(reported(&stdout, "✓", "comes from this repository", ""), "{stdout}");

    let (code, stdout, _) =
        doctor_in(dir.path(), &[actions[0], ("GITHUB_EVENT_NAME", "push"), ("GITHUB_TOKEN", "t0ken")]);
    assert_eq!(code, 0);
    assert!(reported(&stdout, "!", "\"push\" is not a pull request", "perfgate record"), "{stdout}");
}

#[test]
fn benchmark_groups_that_set_their_own_times_are_named_with_the_fix() {
    let bin = tempfile::tempdir().unwrap();
    super::support::fake_criterion::install(bin.path());
    let dir = folder_with(&format!("[baseline]\nsource = \"none\"\n\n{}", super::support::fake_criterion::SUITE));
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let (code, stdout, stderr) = doctor_in(dir.path(), &[("PATH", &path)]);
    assert_eq!(code, 0, "a warning, not a problem: {stdout}{stderr}");
    assert!(
        reported(
            &stdout,
            "!",
            "suite \"micro\": 1 benchmark group (2 benchmarks) set their own times in code and ignore the round \
             options: slow (2 benchmarks: measured 3.0 s where 0.15 s was asked)",
            "remove `measurement_time` and `warm_up_time` from these groups"
        ),
        "{stdout}"
    );
    assert!(stderr.contains("probing suite \"micro\""), "{stderr}");
}
