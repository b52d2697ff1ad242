//! Shards (`check --shard I/N`) and their merge (`report R1.json R2.json ...`)
//! on real criterion results: disjoint subsets that cover every benchmark,
//! and a merged report that decides exactly as the unsharded check.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;

/// Every benchmark of `head` against `base` (criterion fixtures), median, +3 %.
fn all_benchmarks_budget(dir: &Path, base: &str, head: &str, budget_percent: u32) -> std::path::PathBuf {
    budget(
        dir,
        &format!(
            "[baseline]\nsource = \"file\"\n\n[[suite]]\nname = \"micro\"\nformat = \"criterion\"\n\
             input = {:?}\nbaseline = {:?}\n\n[[kpi]]\nname = \"no regression\"\nsuite = \"micro\"\nbench = \"*\"\n\
             statistic = \"median\"\nmax-regression = \"{budget_percent}%\"\n\n\
             [[kpi]]\nname = \"minimum\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"min\"\nmax-regression = \"3%\"\n",
            fixture(&format!("criterion/{head}")),
            fixture(&format!("criterion/{base}"))
        ),
    )
}

/// (KPI, bench) → (verdict, q-value) of every comparison.
fn decisions(report: &serde_json::Value) -> BTreeMap<(String, String), (String, String)> {
    let mut found = BTreeMap::new();
    for kpi in report["kpis"].as_array().unwrap() {
        for c in kpi["comparisons"].as_array().unwrap() {
            let key = (kpi["name"].as_str().unwrap().to_string(), c["bench"].as_str().unwrap().to_string());
            found.insert(key, (c["verdict"].as_str().unwrap().to_string(), c["q_value"].to_string()));
        }
    }
    found
}

fn check_json(config: &Path, shard: Option<&str>, output: &Path) -> serde_json::Value {
    let mut command = perfgate();
    command.arg("check").arg("--config").arg(config).arg("--output").arg(output).arg("--quiet");
    if let Some(shard) = shard {
        command.args(["--shard", shard]);
    }
    let (code, _, stderr) = outcome(command.args(["--format", "json"]));
    assert!(code == 0 || code == 1, "{stderr}");
    serde_json::from_str(&std::fs::read_to_string(output).unwrap()).unwrap()
}

fn shards_merge_to_the_unsharded_report(base: &str, head: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config = all_benchmarks_budget(dir.path(), base, head, 3);
    let whole = check_json(&config, None, &dir.path().join("whole.json"));
    let mut covered: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    for index in 1..=3 {
        let path = dir.path().join(format!("shard-{index}.json"));
        let report = check_json(&config, Some(&format!("{index}/3")), &path);
        assert_eq!(report["shard"], serde_json::json!({"index": index, "count": 3}));
        covered.extend(report["kpis"][0]["comparisons"].as_array().unwrap().iter().map(|c| c["bench"].to_string()));
        paths.push(path);
    }
    let unique: BTreeSet<&String> = covered.iter().collect();
    let all: BTreeSet<String> =
        whole["kpis"][0]["comparisons"].as_array().unwrap().iter().map(|c| c["bench"].to_string()).collect();
    assert_eq!(unique.len(), covered.len(), "the shards are disjoint: {covered:?}");
    assert_eq!(unique.into_iter().cloned().collect::<BTreeSet<_>>(), all, "together they cover every benchmark");

    let (code, stdout, stderr) = outcome(perfgate().arg("report").args(&paths).args(["--format", "json"]));
    let merged: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(decisions(&merged), decisions(&whole), "{merged:#}");
    assert_eq!(merged["verdict"], whole["verdict"]);
    assert_eq!(kpi_verdicts(&merged), kpi_verdicts(&whole));
    assert_eq!(code, if whole["verdict"] == "fail" { 1 } else { 0 });
    assert!(merged.get("shard").is_none(), "a merged report is whole");
}

#[test]
fn three_shards_of_a_slower_function_merge_to_the_unsharded_report() {
    shards_merge_to_the_unsharded_report("aa-run4", "slow-one");
}

#[test]
fn three_shards_of_a_disturbed_run_merge_to_the_unsharded_report() {
    shards_merge_to_the_unsharded_report("disturbed/quiet", "disturbed/other-core-busy");
}

#[test]
fn a_shard_must_be_written_i_of_n() {
    let dir = tempfile::tempdir().unwrap();
    let config = all_benchmarks_budget(dir.path(), "aa-run4", "slow-one", 3);
    for bad in ["0/3", "4/3", "3", "1/0", "one/two"] {
        let (code, _, stderr) = outcome(perfgate().arg("check").arg("--config").arg(&config).args(["--shard", bad]));
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("I/N with 1 <= I <= N"), "{bad}: {stderr}");
    }
}

#[test]
fn shards_of_different_budget_files_or_missing_shards_are_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let three = all_benchmarks_budget(dir.path(), "aa-run4", "slow-one", 3);
    let first = check_json(&three, Some("1/2"), &dir.path().join("s1.json"));
    assert_eq!(first["shard"]["count"], 2);
    let five = dir.path().join("five");
    std::fs::create_dir(&five).unwrap();
    let other = all_benchmarks_budget(&five, "aa-run4", "slow-one", 5);
    check_json(&other, Some("2/2"), &dir.path().join("s2.json"));
    let (code, _, stderr) =
        outcome(perfgate().arg("report").arg(dir.path().join("s1.json")).arg(dir.path().join("s2.json")));
    assert_eq!(code, 2);
    assert!(stderr.contains("were made with different budget files"), "{stderr}");
    assert!(stderr.contains("budget +3%") && stderr.contains("budget +5%"), "{stderr}");

    let (code, _, stderr) =
        outcome(perfgate().arg("report").arg(dir.path().join("s1.json")).arg(dir.path().join("s1.json")));
    assert_eq!(code, 2);
    assert!(stderr.contains("are both shard 1/2"), "{stderr}");
    check_json(&three, Some("1/3"), &dir.path().join("t1.json"));
    check_json(&three, Some("3/3"), &dir.path().join("t3.json"));
    let (code, _, stderr) =
        outcome(perfgate().arg("report").arg(dir.path().join("t1.json")).arg(dir.path().join("t3.json")));
    assert_eq!(code, 2);
    assert!(stderr.contains("shard 2/3 is missing"), "{stderr}");
}

/// A KPI on one benchmark: the shards that do not hold it have nothing of it to judge, and say so.
#[test]
fn a_kpi_with_nothing_in_a_shard_passes_there_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let config = all_benchmarks_budget(dir.path(), "aa-run4", "slow-one", 3);
    let whole = check_json(&config, None, &dir.path().join("whole.json"));
    let first = whole["kpis"][0]["comparisons"][0]["bench"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(&config).unwrap()
        + &format!("\n[[kpi]]\nname = \"just one\"\nsuite = \"micro\"\nbench = {first:?}\nstatistic = \"median\"\nmax-regression = \"50%\"\n");
    std::fs::write(&config, text).unwrap();
    let mut without = 0;
    for index in 1..=3 {
        let shard = format!("{index}/3");
        let report = check_json(&config, Some(&shard), &dir.path().join(format!("shard-{index}.json")));
        let kpi = &report["kpis"][2];
        if kpi["comparisons"].as_array().unwrap().is_empty() {
            without += 1;
            assert_eq!(kpi["verdict"], "pass", "shard {shard}: {kpi:#}");
            let (_, stdout, _) = outcome(
                perfgate().arg("report").arg(dir.path().join(format!("shard-{index}.json"))).args(["--format", "text"]),
            );
            assert!(stdout.contains("nothing to judge in this shard"), "{stdout}");
        }
    }
    assert_eq!(without, 2, "one shard holds the benchmark, the other two do not");
}
