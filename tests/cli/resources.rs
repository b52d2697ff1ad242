//! Resource KPIs of a command suite: the CPU time and peak memory of every run
//! of its command, judged in interleaved rounds like any series — and never by
//! a KPI that does not name them.

use perfgate::testing::TestRepo;

use super::*;

/// Allocates and touches `alloc.txt` MiB, then reports one benchmark in bencher's format.
const BENCH: &str = "size = int(open('alloc.txt').read())\n\
                     block = bytearray(size << 20)\n\
                     block[::4096] = b'1' * len(block[::4096])\n\
                     print('test startup ... bench:         100 ns/iter (+/- 1)')\n";

const BUDGET: &str = "[baseline]\nsource = \"rerun\"\nref = \"main\"\nrounds = 6\n\n\
                      [[suite]]\nname = \"cli\"\ncommand = \"python3 bench.py\"\nformat = \"bencher\"\n\n\
                      [[kpi]]\nname = \"startup memory\"\nsuite = \"cli\"\nmetric = \"max-rss\"\nstatistic = \"median\"\nmax-regression = \"10%\"\n\n\
                      [[kpi]]\nname = \"timings\"\nsuite = \"cli\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"50%\"\n";

/// main: the base, allocating 10 MiB; branch `feature` checked out.
fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("bench.py", BENCH, "bench");
    repo.commit("alloc.txt", "10", "10 MiB");
    repo.commit("perf-budget.toml", BUDGET, "budget");
    repo.branch("main");
    repo.checkout_new_branch("feature");
    repo
}

fn kpi<'r>(report: &'r serde_json::Value, name: &str) -> &'r serde_json::Value {
    report["kpis"].as_array().unwrap().iter().find(|k| k["name"] == name).unwrap()
}

#[test]
fn fifty_mebibytes_more_fail_a_max_rss_budget_and_a_comment_passes_it() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipping: no python3");
        return;
    }
    let repo = repo();
    repo.commit("alloc.txt", "60", "50 MiB more");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 1, "{report:#}");
    let memory = kpi(&report, "startup memory");
    assert_eq!(memory["verdict"], "fail", "{memory:#}");
    let change = memory["comparisons"][0]["change"].as_f64().unwrap();
    // 50 MiB more, and nothing of perfgate's own memory in either side's peak.
    let comparison = &memory["comparisons"][0];
    let grown = (comparison["head"].as_f64().unwrap() - comparison["base"].as_f64().unwrap()) / f64::from(1 << 20);
    assert!((47.0..53.0).contains(&grown), "{grown} MiB more: {comparison:#}");
    assert!(change > 1.0, "10 MiB plus python's own against 60 MiB plus it: {change}");
    assert_eq!(memory["comparisons"][0]["unit"], "bytes");
    assert!(memory["comparisons"][0]["method"].as_str().unwrap().starts_with("paired"), "{memory:#}");
    // `bench = "*"` judges the benchmarks, not the runs' resources.
    let timings: Vec<&str> = kpi(&report, "timings")["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bench"].as_str().unwrap())
        .collect();
    assert_eq!(timings, ["startup"]);

    let repo = self::repo();
    repo.commit("bench.py", &format!("# startup stays lean\n{BENCH}"), "comment only");
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()));
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(kpi(&report, "startup memory")["verdict"], "pass", "{report:#}");
}

/// A KPI on `cpu-time` of a suite that runs no command has nothing to judge, and says why.
#[test]
fn resource_kpis_need_a_command_to_measure() {
    let dir = tempfile::tempdir().unwrap();
    let config = budget(
        dir.path(),
        &format!(
            "[[suite]]\nname = \"read\"\nformat = \"hyperfine\"\ninput = {:?}\n\n\
             [[kpi]]\nname = \"cpu\"\nsuite = \"read\"\nmetric = \"cpu-time\"\nstatistic = \"mean\"\nmax = \"1s\"\n",
            fixture("hyperfine/aa-base.json")
        ),
    );
    let (code, _, stderr) = outcome(perfgate().arg("check").arg("--config").arg(&config).arg("--no-baseline"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cpu-time") && stderr.contains("`command`"), "{stderr}");
}
