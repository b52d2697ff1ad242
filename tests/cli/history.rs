//! `perfgate history` on a throw-away repository whose 40 commits each record
//! a generated hyperfine export with runner noise: one benchmark steps up 8 %
//! at one commit and has exactly that change point; the flat ones have none.

use perfgate::testing::TestRepo;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64Mcg;

use super::*;

const BUDGET: &str = "[baseline]\nsource = \"notes\"\n\n\
    [[suite]]\nname = \"cli\"\ninput = \"hyperfine.json\"\nformat = \"hyperfine\"\n\n\
    [[kpi]]\nname = \"commands\"\nsuite = \"cli\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n";

/// The commit (0-based) from which `step` takes 8 % longer.
const STEP_AT: usize = 25;

/// A hyperfine export of three commands: each run is the command's level × a runner factor of
/// this commit (1.5 % sd) × its own noise (3 % sd), ten runs each.
fn hyperfine_export(commit: usize, rng: &mut Pcg64Mcg) -> String {
    let runner = Normal::new(1.0, 0.015).unwrap().sample(rng);
    let run_noise = Normal::new(1.0, 0.03).unwrap();
    let mut results = Vec::new();
    for (command, level) in [("flat-a", 0.120), ("flat-b", 0.045), ("step", 0.080)] {
        let level = if command == "step" && commit >= STEP_AT { level * 1.08 } else { level };
        let times: Vec<f64> = (0..10).map(|_| level * runner * run_noise.sample(rng)).collect();
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        results.push(serde_json::json!({
            "command": command, "mean": mean, "stddev": 0.0, "median": mean, "user": 0.0, "system": 0.0,
            "min": times.iter().cloned().fold(f64::INFINITY, f64::min),
            "max": times.iter().cloned().fold(0.0, f64::max), "times": times,
        }));
    }
    serde_json::json!({ "results": results }).to_string()
}

#[test]
fn a_step_is_one_change_point_at_its_commit_and_flat_series_have_none() {
    let repo = TestRepo::new();
    repo.commit("perf-budget.toml", BUDGET, "budget");
    let mut rng = Pcg64Mcg::seed_from_u64(40);
    let mut commits = Vec::new();
    for commit in 0..40 {
        commits.push(repo.commit("hyperfine.json", &hyperfine_export(commit, &mut rng), &format!("commit {commit}")));
        let (code, _, stderr) = outcome(perfgate().arg("record").current_dir(repo.path()));
        assert_eq!(code, 0, "{stderr}");
    }
    let (code, json, stderr) = outcome(perfgate().args(["history", "--format", "json"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    let history: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(history["recorded"], 40);
    let series = history["series"].as_array().unwrap();
    let benches: Vec<&str> = series.iter().map(|s| s["bench"].as_str().unwrap()).collect();
    assert_eq!(benches, ["flat-a", "flat-b", "step"]);
    for one in series {
        assert_eq!(one["points"].as_array().unwrap().len(), 40);
        let found = one["change_points"].as_array().unwrap();
        if one["bench"] == "step" {
            assert_eq!(found.len(), 1, "{one:#}");
            let at = commits.iter().position(|c| c.to_string() == found[0]["commit"]).unwrap();
            assert!(at.abs_diff(STEP_AT) <= 1, "found at commit {at}, the step is at {STEP_AT}");
            let change = found[0]["change"].as_f64().unwrap();
            assert!((0.05..0.11).contains(&change), "{change}");
            let [lo, hi] = [found[0]["ci"][0].as_f64().unwrap(), found[0]["ci"][1].as_f64().unwrap()];
            assert!(lo < 0.08 && 0.08 < hi, "[{lo}, {hi}]");
        } else {
            assert!(found.is_empty(), "{one:#}");
        }
    }

    // The text form: a table per benchmark with a sparkline and the change point.
    let (code, text, _) = outcome(perfgate().args(["history", "--bench", "st*"]).current_dir(repo.path()));
    assert_eq!(code, 0);
    assert!(text.contains("1 series, 40 of 40 commits recorded, 1 change point"), "{text}");
    assert!(text.contains("cli · step · median"), "{text}");
    let step = series.iter().find(|s| s["bench"] == "step").unwrap();
    let found = step["change_points"][0]["commit"].as_str().unwrap();
    assert!(text.contains(&format!("\n  {}  ", &found[..10])), "{text}");
    // Without a budget file every benchmark's median is a series.
    std::fs::remove_file(repo.path().join("perf-budget.toml")).unwrap();
    let (code, json, stderr) = outcome(perfgate().args(["history", "--format", "json"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    let medians: serde_json::Value = serde_json::from_str(&json).unwrap();
    let statistics: Vec<&str> =
        medians["series"].as_array().unwrap().iter().map(|s| s["statistic"].as_str().unwrap()).collect();
    assert_eq!(statistics, ["median"; 3]);
    repo.commit("perf-budget.toml", BUDGET, "budget again");

    // --last keeps the newest recorded commits.
    let (_, json, _) =
        outcome(perfgate().args(["history", "--last", "10", "--format", "json"]).current_dir(repo.path()));
    let last: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(last["series"][0]["points"].as_array().unwrap().len(), 10);
    assert_eq!(last["series"][0]["points"][9]["commit"], commits[39].to_string().as_str());
}

#[test]
fn without_records_history_says_how_to_record_them() {
    let repo = TestRepo::new();
    repo.commit("perf-budget.toml", BUDGET, "budget");
    let (code, _, stderr) = outcome(perfgate().arg("history").current_dir(repo.path()));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no results are recorded in refs/notes/perfgate"), "{stderr}");
    assert!(stderr.contains("perfgate record"), "{stderr}");
    let (code, _, stderr) = outcome(perfgate().args(["history", "no-such-rev"]).current_dir(repo.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot resolve \"no-such-rev\""), "{stderr}");
}
