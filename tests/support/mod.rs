//! Helpers shared by the test binaries (each uses a subset of them).
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The perfgate binary, run from the repository root.
pub fn perfgate() -> Command {
    let mut command = Command::cargo_bin("perfgate").expect("the perfgate binary is built");
    command.current_dir(root()).env("NO_COLOR", "1");
    command
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

/// A budget file in a temporary folder (relative paths inside resolve there).
pub fn budget(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("perf-budget.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn outcome(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("perfgate runs");
    (
        output.status.code().expect("exited normally"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The JSON report of a command run with `--format json`.
pub fn json_report(command: &mut Command) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = outcome(command.args(["--format", "json"]));
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, report)
}

/// Verdicts of every comparison of every KPI: (bench, verdict).
pub fn verdicts(report: &serde_json::Value) -> Vec<(String, String)> {
    report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|kpi| kpi["comparisons"].as_array().unwrap())
        .map(|c| (c["bench"].as_str().unwrap().to_string(), c["verdict"].as_str().unwrap().to_string()))
        .collect()
}

/// The comparisons that failed, as (KPI name, bench): what a failing verdict rests on.
pub fn failing_comparisons(report: &serde_json::Value) -> BTreeSet<(String, String)> {
    let text = |value: &serde_json::Value| value.as_str().unwrap().to_string();
    let kpis = report["kpis"].as_array().unwrap();
    kpis.iter()
        .flat_map(|kpi| kpi["comparisons"].as_array().unwrap().iter().map(move |c| (kpi, c)))
        .filter(|(_, comparison)| comparison["verdict"] == "fail")
        .map(|(kpi, comparison)| (text(&kpi["name"]), text(&comparison["bench"])))
        .collect()
}

/// Each KPI's verdict: (KPI name, verdict), in the budget file's order.
pub fn kpi_verdicts(report: &serde_json::Value) -> Vec<(String, String)> {
    let text = |value: &serde_json::Value| value.as_str().unwrap().to_string();
    report["kpis"].as_array().unwrap().iter().map(|kpi| (text(&kpi["name"]), text(&kpi["verdict"]))).collect()
}

/// A cargo project with criterion benches (one bench file, `parse`), as `cargo new` plus a bench would
/// leave it; `criterion` is the dependency's TOML value.
pub fn criterion_project(criterion: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dev-dependencies]\ncriterion = {criterion}\n\n\
             [[bench]]\nname = \"parse\"\nharness = false\n\n[workspace]\n"
        ),
    );
    write("src/lib.rs", "pub fn parse(text: &str) -> usize { text.len() }\n");
    write(
        "benches/parse.rs",
        "use criterion::{criterion_group, criterion_main, Criterion};\n\n\
         fn bench(c: &mut Criterion) {\n    let mut group = c.benchmark_group(\"demo\");\n    \
         group.sample_size(10).warm_up_time(std::time::Duration::from_millis(100)).measurement_time(std::time::Duration::from_millis(200));\n    \
         group.bench_function(\"parse\", |b| b.iter(|| demo::parse(\"1,2,3\")));\n}\n\n\
         criterion_group!(benches, bench);\ncriterion_main!(benches);\n",
    );
    dir
}

/// Every fixture under `tests/fixtures` with the format it is detected as: files, and
/// criterion's case folders; broken inputs (`bad-*`) included. Hidden files, the
/// `detect` folder of ambiguous inputs, and what made a fixture (READMEs, scripts) are not.
pub fn detected_fixtures() -> Vec<(perfgate::input::Format, PathBuf)> {
    let registry = perfgate::input::Registry::builtin();
    let skipped = |name: &str| {
        name.starts_with('.') || name == "detect" || [".md", ".py", ".sh"].iter().any(|e| name.ends_with(e))
    };
    let entries = walkdir::WalkDir::new(fixture(""))
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !skipped(&entry.file_name().to_string_lossy()));
    let mut found = Vec::new();
    for entry in entries.map(Result::unwrap) {
        let is_case_folder =
            entry.file_type().is_dir() && entry.path().parent().is_some_and(|p| p.ends_with("criterion"));
        if entry.file_type().is_file() || is_case_folder {
            if let Ok(format) = registry.detect(entry.path()) {
                found.push((format, entry.path().to_path_buf()));
            }
        }
    }
    found
}
pub mod fake_criterion;
pub mod recorded;
