//! Derived KPIs from request logs: requests per second over the log's window,
//! per-request counters (`db_queries`), and which statuses count as errors.

use crate::*;

/// One load test of `seconds`: GET /orders at a steady rate, POST /orders at
/// `posts` requests in all; each request runs `queries` DB queries; every
/// tenth GET answers 404 and every hundredth POST 503.
fn load_test(seconds: u64, posts: u64, queries: u64) -> String {
    let mut csv = String::from("timestamp,method,route,status,latency_ms,db_queries\n");
    let gets = 20 * seconds;
    let start_ms = 1_700_000_000_000u64;
    for i in 0..gets {
        let status = if i % 10 == 0 { 404 } else { 200 };
        let at = start_ms + i * seconds * 1000 / (gets - 1);
        csv.push_str(&format!("{at},GET,/orders,{status},{},{queries}\n", 20 + i % 7));
    }
    for i in 0..posts {
        let status = if i % 100 == 0 { 503 } else { 201 };
        let at = start_ms + i * seconds * 1000 / posts;
        csv.push_str(&format!("{at},POST,/orders,{status},{},{}\n", 40 + i % 11, queries + 1));
    }
    csv
}

const BUDGET: &str = r#"
[baseline]
source = "file"

[[suite]]
name = "api"
format = "latency-csv"
input = "head.csv"
baseline = "base.csv"
fields = { counters = ["db_queries"], error-status = ["5xx"] }

[[kpi]]
name = "2x write throughput"
suite = "api"
metric = "latency"
where = { method = "POST" }
statistic = "throughput"
min-ratio = 2.0

[[kpi]]
name = "writes at least 15/s"
suite = "api"
metric = "latency"
where = { method = "POST" }
statistic = "throughput"
min = "15/s"

[[kpi]]
name = "fewer DB queries per read"
suite = "api"
metric = "db_queries"
where = { method = "GET" }
statistic = "mean"
max-regression = "0%"

[[kpi]]
name = "server errors under 2%"
suite = "api"
metric = "errors"
statistic = "rate"
max = "2%"
"#;

fn gate(base: &str, head: &str) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.csv"), base).unwrap();
    std::fs::write(dir.path().join("head.csv"), head).unwrap();
    std::fs::write(dir.path().join("perf-budget.toml"), BUDGET).unwrap();
    json_report(perfgate().arg("check").arg("--config").arg(dir.path().join("perf-budget.toml")))
}

fn kpi_verdicts(report: &serde_json::Value) -> Vec<(String, String, f64)> {
    report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kpi| {
            let head = kpi["comparisons"][0]["head"].as_f64().unwrap_or(f64::NAN);
            (kpi["name"].as_str().unwrap().to_string(), kpi["verdict"].as_str().unwrap().to_string(), head)
        })
        .collect()
}

#[test]
fn write_throughput_queries_per_request_and_server_errors_are_judged_from_the_log() {
    // Base: 10 POST/s over 100 s, 5 queries per GET. Head: 25 POST/s, 3 queries per GET.
    let (code, report) = gate(&load_test(100, 1000, 5), &load_test(100, 2500, 3));
    let verdicts = kpi_verdicts(&report);
    assert_eq!(code, 0, "{verdicts:?}");
    assert_eq!(verdicts[0].1, "pass", "2.5x the writes meets 2x: {verdicts:?}");
    assert!((verdicts[1].2 - 25.0).abs() < 0.01, "2500 POSTs over 100 s: {verdicts:?}");
    assert_eq!(verdicts[1].1, "pass");
    assert_eq!(verdicts[2].1, "improved", "{verdicts:?}");
    assert!((verdicts[2].2 - 3.0).abs() < 1e-9, "3 queries per GET: {verdicts:?}");
    assert_eq!(verdicts[3].1, "pass", "10 % 404s are not server errors: {verdicts:?}");
}

#[test]
fn too_little_write_throughput_and_more_queries_fail() {
    // Head: only 1.2x the writes, 12 POST/s, and 6 queries per GET.
    let (code, report) = gate(&load_test(100, 1000, 5), &load_test(100, 1200, 6));
    let verdicts = kpi_verdicts(&report);
    assert_eq!(code, 1, "{verdicts:?}");
    let failed: Vec<&str> = verdicts.iter().filter(|v| v.1 == "fail").map(|v| v.0.as_str()).collect();
    assert_eq!(failed, ["2x write throughput", "writes at least 15/s", "fewer DB queries per read"], "{verdicts:?}");
}

#[test]
fn a_bad_error_status_pattern_or_timestamp_unit_is_a_budget_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("perf-budget.toml");
    for (fields, expected) in [
        ("error-status = []", "`error-status` is empty"),
        ("timestamp-unit = \"days\"", "unknown `timestamp-unit`"),
        ("counters = [\"route\"]", "already the route"),
    ] {
        let text = format!(
            "[[suite]]\nname = \"api\"\nformat = \"latency-csv\"\ninput = \"x.csv\"\nfields = {{ {fields} }}\n\n\
             [[kpi]]\nname = \"p99\"\nsuite = \"api\"\nstatistic = \"p99\"\nmax = \"1s\"\n"
        );
        std::fs::write(&config, text).unwrap();
        let (code, _, stderr) = outcome(perfgate().arg("check").arg("--config").arg(&config));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected) && stderr.contains("perf-budget.toml:"), "{stderr}");
    }
}
