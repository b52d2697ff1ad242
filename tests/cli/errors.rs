//! Bad input never panics: exit code 2 and a message naming the file and the place.

use super::*;

/// `perfgate compare` on one bad file; returns stderr after checking exit code 2 and no panic.
fn rejected(name: &str, content: &str, format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let (code, stdout, stderr) =
        outcome(perfgate().args(["compare", "--input-format", format, "--base"]).arg(&path).arg("--head").arg(&path));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(name), "the message names the file: {stderr}");
    stderr
}

#[test]
fn truncated_json() {
    let stderr = rejected("truncated.json", "{\"results\": [{\"command\": \"x\", \"times\": [0.1,", "hyperfine");
    assert!(stderr.contains("truncated.json:1:"), "{stderr}");
}

#[test]
fn empty_sample_arrays() {
    let stderr = rejected("empty.json", r#"{"results": [{"command": "x", "mean": 0.1, "times": []}]}"#, "hyperfine");
    assert!(stderr.contains("$.results[0].times"), "{stderr}");
}

#[test]
fn nan_where_a_number_belongs() {
    let stderr = rejected("nan.json", r#"{"results": [{"command": "x", "times": [0.1, "NaN"]}]}"#, "hyperfine");
    assert!(stderr.contains("nan.json:1:"), "{stderr}");
}

#[test]
fn negative_times() {
    let stderr = rejected("negative.json", r#"{"results": [{"command": "x", "times": [0.1, -0.2]}]}"#, "hyperfine");
    assert!(stderr.contains("$.results[0].times[1]"), "{stderr}");
}

#[test]
fn a_csv_without_the_latency_column() {
    let stderr = rejected("requests.csv", "route,method,status,duration\n/a,GET,200,1.5\n", "latency-csv");
    assert!(stderr.contains("latency_ms"), "names the missing column: {stderr}");
    assert!(stderr.contains("duration"), "shows the header found: {stderr}");
}

#[test]
fn a_non_numeric_latency_names_its_line() {
    let stderr =
        rejected("requests.csv", "route,method,status,latency_ms\n/a,GET,200,1.5\n/a,GET,200,fast\n", "latency-csv");
    assert!(stderr.contains("requests.csv:3"), "{stderr}");
}

#[test]
fn histogram_inputs_name_the_line_of_the_problem() {
    let scrape = "# TYPE rpc_seconds histogram\nrpc_seconds_bucket{le=\"0.1\"} 5\nrpc_seconds_bucket{le=\"0.5\"} 3\n\
                  rpc_seconds_bucket{le=\"+Inf\"} 5\n";
    let stderr = rejected("metrics.prom", scrape, "prometheus");
    assert!(stderr.contains("metrics.prom:3: histogram rpc_seconds: cumulative counts never decrease"), "{stderr}");
    let stderr = rejected("latency.hlog", "#[BaseTime: 0.000 (seconds since epoch)]\n0.000,1.000,2.0,HIST!\n", "hlog");
    assert!(stderr.contains("latency.hlog:2: the interval's histogram is not valid base64"), "{stderr}");
    let spectrum =
        "Running 30s test @ http://h/\n  Detailed Percentile spectrum:\n       1.000     0.500000   10   2.00\n\
                    \x20      0.900     1.000000   20    inf\n";
    let stderr = rejected("wrk2.txt", spectrum, "wrk");
    assert!(stderr.contains("wrk2.txt:4: Value 0.9 is below the previous line's 1"), "{stderr}");
}

#[test]
fn a_criterion_sample_with_mismatched_lengths() {
    let dir = tempfile::tempdir().unwrap();
    let bench = dir.path().join("parse/new");
    std::fs::create_dir_all(&bench).unwrap();
    std::fs::write(
        bench.join("benchmark.json"),
        r#"{"group_id":"parse","function_id":null,"value_str":null,"throughput":null,"full_id":"parse","directory_name":"parse","title":"parse"}"#,
    )
    .unwrap();
    std::fs::write(bench.join("sample.json"), r#"{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[10.0]}"#)
        .unwrap();
    let (code, _, stderr) = outcome(
        perfgate()
            .args(["compare", "--input-format", "criterion", "--base"])
            .arg(dir.path())
            .arg("--head")
            .arg(dir.path()),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("sample.json"), "{stderr}");
}

#[test]
fn an_unknown_key_in_the_budget_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = budget(
        dir.path(),
        "[[suite]]\nname = \"a\"\ninput = \"x.json\"\n\n[[kpi]]\nname = \"k\"\nsuite = \"a\"\nstatistic = \"median\"\nmax-regresion = \"3%\"\n",
    );
    let (code, _, stderr) = outcome(perfgate().arg("check").arg("--config").arg(&config));
    assert_eq!(code, 2);
    assert!(stderr.contains("perf-budget.toml:9:1: unknown field `max-regresion`"), "{stderr}");
    assert!(stderr.contains("hint: did you mean `max-regression`?"), "{stderr}");
}

#[test]
fn a_kpi_matching_no_benchmark_names_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let config = budget(
        dir.path(),
        &format!(
            "[baseline]\nsource = \"none\"\n[[suite]]\nname = \"m\"\nformat = \"criterion\"\ninput = {:?}\n\n[[kpi]]\nname = \"k\"\nsuite = \"m\"\nbench = \"nope/*\"\nstatistic = \"median\"\nmax = \"1ms\"\n",
            root().join("examples/micro/head")
        ),
    );
    let (code, _, stderr) = outcome(perfgate().arg("check").arg("--config").arg(&config));
    assert_eq!(code, 2);
    assert!(stderr.contains("perf-budget.toml:8: KPI \"k\""), "{stderr}");
    assert!(stderr.contains("matches nothing in suite \"m\"; it has: checksum/adler"), "{stderr}");
}

#[test]
fn a_missing_input_file() {
    let (code, _, stderr) = outcome(perfgate().args([
        "compare",
        "--input-format",
        "hyperfine",
        "--base",
        "nowhere.json",
        "--head",
        "nowhere.json",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("nowhere.json"), "{stderr}");
}

#[test]
fn an_undetectable_input_lists_what_was_looked_for() {
    let (code, _, stderr) = outcome(
        perfgate()
            .arg("compare")
            .arg("--base")
            .arg(fixture("detect/package.json"))
            .arg("--head")
            .arg(fixture("detect/package.json")),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("package.json"), "{stderr}");
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    for (name, opening) in [("nested.json", "["), ("nested.txt", "{\"a\":"), ("nested", "[{\"k\":")] {
        let content = opening.repeat(200_000 / opening.len());
        let stderr = rejected(name, &content, "auto");
        assert!(stderr.contains("cannot recognize the format"), "{stderr}");
        for format in ["hyperfine", "bmf", "k6-summary"] {
            let stderr = rejected(name, &content, format);
            assert!(stderr.contains("recursion limit") || stderr.contains("invalid JSON"), "{format}: {stderr}");
        }
    }
}
