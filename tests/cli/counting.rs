//! Counting suites (`measure = "instructions"`) from the command line: a whole command counted
//! under Valgrind on both sides decides a comment-only change and a few percent more work in
//! one short check, the reports say the KPI was counted, and a machine without Valgrind gets
//! the install line from `check` and from `doctor`.

use perfgate::testing::TestRepo;

use super::*;

/// Loops as often as `loops.txt` says: its instructions grow with the number.
const BENCH: &str = "n=$(cat loops.txt)\ni=0\nwhile [ $i -lt $n ]; do i=$((i+1)); done\n";

const BUDGET: &str = "[baseline]\nsource = \"rerun\"\nref = \"main\"\n\n\
                      [[suite]]\nname = \"loop\"\ncommand = \"sh bench.sh\"\nmeasure = \"instructions\"\n\n\
                      [[kpi]]\nname = \"loop instructions\"\nsuite = \"loop\"\nmetric = \"instructions\"\n\
                      statistic = \"mean\"\nmax-regression = \"1%\"\n";

fn valgrind_installed() -> bool {
    let found = std::process::Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipping: no valgrind (.ci/run installs it)");
    }
    found
}

/// main: the base, 1000 loops; branch `feature` checked out.
fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("bench.sh", BENCH, "bench");
    repo.commit("loops.txt", "1000", "1000 loops");
    repo.commit("perf-budget.toml", BUDGET, "budget");
    repo.branch("main");
    repo.checkout_new_branch("feature");
    repo
}

fn only_comparison(report: &serde_json::Value) -> &serde_json::Value {
    let comparisons = report["kpis"][0]["comparisons"].as_array().unwrap();
    assert_eq!(comparisons.len(), 1, "{report:#}");
    &comparisons[0]
}

#[test]
fn a_counted_command_passes_a_comment_and_fails_five_percent_more_loops() {
    if !valgrind_installed() {
        return;
    }
    let repo = repo();
    repo.commit("bench.sh", &format!("# count the loop\n{BENCH}"), "comment only");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 0, "{report:#}");
    let comparison = only_comparison(&report);
    assert_eq!(comparison["verdict"], "pass", "{comparison:#}");
    assert!(comparison["change"].as_f64().unwrap().abs() < 0.002, "{comparison:#}");
    assert_eq!(comparison["method"], "counted, 2 runs a side");
    assert_eq!(comparison["unit"], "count");
    assert_eq!(report["kpis"][0]["counted"], "instructions");

    let repo = self::repo();
    repo.commit("loops.txt", "1050", "5 % more loops");
    let check = || perfgate().arg("check").current_dir(repo.path()).args(["--format", "markdown"]).output().unwrap();
    let output = check();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let markdown = String::from_utf8(output.stdout).unwrap();
    assert!(markdown.contains("<sub>counted: instructions under Valgrind</sub>"), "{markdown}");
    assert!(markdown.contains("every KPI counted under Valgrind"), "{markdown}");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    let comparison = only_comparison(&report);
    assert_eq!(comparison["verdict"], "fail", "{comparison:#}");
    // The shell's start-up is counted too, so the change is a little under the loops' 5 %.
    let change = comparison["change"].as_f64().unwrap();
    assert!((0.03..0.05).contains(&change), "{comparison:#}");
}

/// A budget that counts, on a machine whose PATH has no Valgrind.
#[test]
fn without_valgrind_check_and_doctor_give_the_install_line() {
    let dir = tempfile::tempdir().unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    budget(dir.path(), &BUDGET.replace("source = \"rerun\"\nref = \"main\"", "source = \"none\""));
    let run =
        |subcommand: &str| outcome(perfgate().arg(subcommand).current_dir(dir.path()).env("PATH", empty_path.path()));
    let (code, stdout, stderr) = run("check");
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("suite \"loop\" has measure = \"instructions\", but Valgrind is not installed"),
        "{stderr}"
    );
    assert!(stderr.contains("sudo apt-get install valgrind"), "{stderr}");

    let (code, stdout, stderr) = run("doctor");
    assert_eq!(code, 2, "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines.iter().position(|line| line.starts_with("✗ suite \"loop\" counts instructions")).expect(&stdout);
    assert!(lines[at + 1].contains("fix: install Valgrind: `sudo apt-get install valgrind`"), "{stdout}");
}

/// Counts recorded in notes along a history: the step of 2 % more loops at one commit is one
/// change point, at that commit, with an interval that holds the change to a hundredth of a point;
/// and a check against the notes judges the drift since a tagged anchor on the recorded counts.
#[test]
fn recorded_counts_give_an_exact_change_point_and_a_drift_since_the_anchor() {
    if !valgrind_installed() {
        return;
    }
    let budget = BUDGET
        .replace("source = \"rerun\"\nref = \"main\"", "source = \"notes\"\nref = \"main\"\nanchor = \"v1.0\"")
        .replace("metric = \"instructions\"", "bench = \"*\"")
        .replace("max-regression = \"1%\"", "max-regression = \"1%\"\nmax-drift = \"1%\"");
    let repo = TestRepo::new();
    repo.commit("bench.sh", BENCH, "bench");
    repo.commit("perf-budget.toml", &budget, "budget");
    const STEP_AT: usize = 6;
    let mut commits = Vec::new();
    for commit in 0..12 {
        let loops = if commit < STEP_AT { 1000 } else { 1020 };
        commits.push(repo.commit("loops.txt", &loops.to_string(), &format!("commit {commit}: {loops} loops")));
        if commit == 0 {
            repo.tag("v1.0");
        }
        let (code, _, stderr) = outcome(perfgate().arg("record").current_dir(repo.path()));
        assert_eq!(code, 0, "{stderr}");
    }
    let (code, json, stderr) = outcome(perfgate().args(["history", "--format", "json"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    let history: serde_json::Value = serde_json::from_str(&json).unwrap();
    let series = &history["series"][0];
    assert_eq!(series["bench"], "loop", "{history:#}");
    let points: Vec<f64> = series["points"].as_array().unwrap().iter().map(|p| p["value"].as_f64().unwrap()).collect();
    assert_eq!(points.len(), 12, "{series:#}");
    let found = series["change_points"].as_array().unwrap();
    let at: Vec<usize> =
        found.iter().map(|c| commits.iter().position(|k| k.to_string() == c["commit"]).unwrap()).collect();
    assert_eq!(at, [STEP_AT], "{series:#}");
    let change = found[0]["change"].as_f64().unwrap();
    assert!((change - (points[STEP_AT] / points[STEP_AT - 1] - 1.0)).abs() < 1e-4, "{change} from {points:?}");
    let [lo, hi] = [found[0]["ci"][0].as_f64().unwrap(), found[0]["ci"][1].as_f64().unwrap()];
    assert!(lo <= change && change <= hi && hi - lo < 1e-4, "[{lo}, {hi}] around {change}");

    // On a branch off the last commit: nothing changed since the merge-base, the step since v1.0.
    repo.branch("main");
    repo.checkout_new_branch("feature");
    repo.commit("bench.sh", &format!("# loop\n{BENCH}"), "comment only");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    let verdicts: Vec<(String, String)> = report["kpis"][0]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["against"].as_str().unwrap().to_string(), c["verdict"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(verdicts, [("base".into(), "pass".into()), ("anchor".into(), "fail".into())], "{report:#}");
}
