//! `perfgate compare` on real tool outputs.

use super::*;

#[test]
fn identical_hyperfine_commands_never_fail() {
    let (code, report) = json_report(
        perfgate()
            .args(["compare", "--base"])
            .arg(fixture("hyperfine/aa-base.json"))
            .arg("--head")
            .arg(fixture("hyperfine/aa-head.json")),
    );
    assert_eq!(code, 0, "{report:#}");
    assert!(verdicts(&report).iter().all(|(_, v)| v != "fail"));
    assert_ne!(report["verdict"], "fail");
}

#[test]
fn a_20_percent_slower_hyperfine_command_fails_a_5_percent_budget_and_is_named() {
    let (code, stdout, _) = outcome(
        perfgate()
            .args(["compare", "--max-regression", "5%", "--base"])
            .arg(fixture("hyperfine/aa-base.json"))
            .arg("--head")
            .arg(fixture("hyperfine/slow-head.json")),
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("perfgate FAIL"), "{stdout}");
    let failing: Vec<&str> = stdout.lines().filter(|l| l.trim_end().ends_with(" fail")).collect();
    assert_eq!(failing.len(), 1, "{stdout}");
    assert!(failing[0].trim_start().starts_with("sleep 0.02 "), "{stdout}");
}

#[test]
fn an_html_report_is_one_page_with_a_chart_per_compared_command() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("out.html");
    let (code, stdout, stderr) = outcome(
        perfgate()
            .args(["compare", "--max-regression", "5%", "--format", "html", "--output"])
            .arg(&page)
            .arg("--base")
            .arg(fixture("hyperfine/aa-base.json"))
            .arg("--head")
            .arg(fixture("hyperfine/slow-head.json")),
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("perfgate FAIL"), "the terminal still gets the text report: {stdout}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(html.contains("<h1 class=\"fail\">perfgate: fail"), "{html}");
    assert!(html.contains("<code>sleep 0.02</code>"), "the comparisons table names the command");
    let commands = html.matches("<tr class=").count() - 1;
    assert!(commands >= 1);
    assert_eq!(html.matches("<svg").count(), commands, "one distribution chart per command");
    assert!(html.contains("<polyline") && html.contains("values on the baseline and on the head"));
}

#[test]
fn criterion_runs_of_identical_code_pass_or_are_inconclusive() {
    for statistic in ["median", "min"] {
        for run in 2..=6 {
            let (code, report) = json_report(
                perfgate()
                    .args(["compare", "--max-regression", "3%", "--statistic", statistic, "--base"])
                    .arg(fixture("criterion/aa-run1"))
                    .arg("--head")
                    .arg(fixture(&format!("criterion/aa-run{run}"))),
            );
            assert_eq!(code, 0, "{statistic}, run {run}: {report:#}");
            let all = verdicts(&report);
            assert_eq!(all.len(), 6);
            assert!(all.iter().all(|(_, v)| v == "pass" || v == "inconclusive"), "{statistic}, run {run}: {all:?}");
        }
    }
}

#[test]
fn a_normalized_results_file_round_trips_through_run_and_compare() {
    let dir = tempfile::tempdir().unwrap();
    let config = budget(
        dir.path(),
        &format!(
            "[[suite]]\nname = \"micro\"\nformat = \"criterion\"\ninput = {:?}\n\n[[kpi]]\nname = \"k\"\nsuite = \"micro\"\nstatistic = \"min\"\nmax-regression = \"3%\"\n",
            root().join("examples/micro/base")
        ),
    );
    let results = dir.path().join("results.json");
    let (code, _, stderr) = outcome(perfgate().arg("run").arg("--config").arg(&config).arg("--output").arg(&results));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote 6 benchmarks of 1 suites"), "{stderr}");
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(written["schema"], 1);
    assert_eq!(written["suites"][0]["benchmarks"].as_array().unwrap().len(), 6);
    // The normalized file compared with the folder it came from: identical data, no change at all.
    let (code, report) = json_report(
        perfgate()
            .args(["compare", "--config"])
            .arg(&config)
            .arg("--base")
            .arg(&results)
            .arg("--head")
            .arg(root().join("examples/micro/base"))
            .args(["--input-format", "auto"]),
    );
    assert_eq!(code, 0, "{report:#}");
    for comparison in report["kpis"][0]["comparisons"].as_array().unwrap() {
        assert_eq!(comparison["change"].as_f64(), Some(0.0), "{comparison:#}");
    }
}

#[test]
fn several_suites_need_a_suite_flag() {
    let (code, _, stderr) = outcome(perfgate().args([
        "compare",
        "--config",
        "examples/perf-budget.toml",
        "--base",
        "examples/api/base.csv",
        "--head",
        "examples/api/head.csv",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("say which one the inputs belong to with --suite (micro, api)"), "{stderr}");
    let (code, report) = json_report(perfgate().args([
        "compare",
        "--config",
        "examples/perf-budget.toml",
        "--suite",
        "api",
        "--base",
        "examples/api/base.csv",
        "--head",
        "examples/api/head.csv",
    ]));
    assert_eq!(code, 1);
    assert_eq!(report["kpis"].as_array().unwrap().len(), 4, "the api suite's KPIs only");
}

#[test]
fn a_bmf_bound_on_the_wrong_side_is_dropped_with_a_warning_naming_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bmf.json");
    std::fs::write(&path, r#"{"parse": {"latency": {"value": 88.0, "lower_value": 87.0, "upper_value": 80.0}}}"#)
        .unwrap();
    let (code, stdout, stderr) = outcome(perfgate().args(["compare", "--base"]).arg(&path).arg("--head").arg(&path));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains(r#"warning: "#) && stderr.contains(r#"bmf.json at $["parse"]["latency"].upper_value"#),
        "{stderr}"
    );
    assert!(stderr.contains("the bound is dropped, the value kept"), "{stderr}");
}

#[test]
fn a_trimmed_pytest_benchmark_data_is_read_from_its_stats_and_verbose_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pytest.json");
    std::fs::write(
        &path,
        r#"{"benchmarks": [{"name": "t", "fullname": "t.py::t", "stats": {"min": 0.1, "median": 0.15, "mean": 0.2, "rounds": 5, "data": [0.1, 0.2]}}]}"#,
    )
    .unwrap();
    let compare = |extra: &[&str]| {
        let mut command = perfgate();
        command.args(["compare", "--statistic", "median", "--base"]).arg(&path).arg("--head").arg(&path).args(extra);
        outcome(&mut command)
    };
    let (code, stdout, stderr) = compare(&["--verbose"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("pytest.json at $.benchmarks[0].stats.data: 2 values for 5 rounds"), "{stderr}");
    let (_, _, quiet) = compare(&[]);
    assert!(!quiet.contains("stats.data"), "{quiet}");
}

/// Without a budget file, every format's fixture compared with itself passes: each series
/// is judged on a statistic it has (load tools' summaries: a latency's median or mean, a
/// throughput, an error rate or count), never rejected.
#[test]
fn every_formats_fixture_compares_with_itself_without_a_budget_file() {
    let mut problems = Vec::new();
    for (format, input) in super::init::one_fixture_per_format() {
        let dir = tempfile::tempdir().unwrap();
        let (code, stdout, stderr) = outcome(
            perfgate().current_dir(dir.path()).args(["compare", "--base"]).arg(&input).arg("--head").arg(&input),
        );
        if code != 0 {
            problems.push(format!("{format} ({}): exit {code}\n{stdout}{stderr}", input.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
