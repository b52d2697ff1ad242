//! Prometheus adapter tests: a real scrape of the Python client, Go-client and
//! OpenMetrics layouts, and malformed scrapes.

use std::path::PathBuf;

use super::*;
use crate::input::test_support::{self, find};

/// `client-python.prom`: written by prometheus_client 0.26 (`generate.py` beside it);
/// `go-client.prom`: client_golang's layout, counts chosen for the verdict tests;
/// `openmetrics.prom`: OpenMetrics text with `# UNIT`, exemplars, `_created` and `# EOF`.
fn fixture(name: &str) -> PathBuf {
    test_support::fixture("prometheus", name)
}

fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
    test_support::load_text(load, text)
}

fn cumulative(bench: &Benchmark) -> Vec<(f64, u64)> {
    bench.buckets.as_ref().unwrap().iter().map(|b| (b.le, b.cumulative)).collect()
}

#[test]
fn a_python_client_scrape_gives_one_series_per_label_set() {
    let benchmarks = load(&fixture("client-python.prom"), &InputOptions::default()).unwrap();
    let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids.len(), 4 + 4, "4 duration and 4 size series; the counter, gauge and summary are left out");
    let users = find(&benchmarks, "http_request_duration_seconds{method=GET,route=/api/users,status=200}");
    assert_eq!((users.metric.as_str(), &users.unit), ("http_request_duration_seconds", &Unit::Ns));
    assert_eq!(users.tags["route"], "/api/users");
    assert!(!users.tags.contains_key("le"));
    // le="0.005" 1.0, le="0.01" 62.0, le="0.025" 1469.0, ... le="0.1" 3976.0, le="0.25" 4000.0
    let buckets = cumulative(users);
    assert_eq!(buckets.len(), 15, "14 default bounds and +Inf");
    assert_eq!(buckets[..3], [(5e6, 1), (1e7, 62), (2.5e7, 1469)]);
    assert_eq!(buckets[5..7], [(1e8, 3976), (2.5e8, 4000)]);
    assert_eq!(buckets[14], (f64::INFINITY, 4000));
    // _count 4000.0, _sum 134.2860844638368
    assert_eq!(users.summary["count"], 4000.0);
    assert!((users.summary["mean"] - 134.2860844638368e9 / 4000.0).abs() < 1e-3);
    assert!(users.samples.is_empty() && users.histogram.is_none());
    let sizes = find(&benchmarks, "http_response_size_bytes{route=/api/reports}");
    assert_eq!((&sizes.unit, cumulative(sizes)[3]), (&Unit::Bytes, (100_000.0, 0)));
}

#[test]
fn go_client_and_openmetrics_layouts() {
    let benchmarks = load(&fixture("go-client.prom"), &InputOptions::default()).unwrap();
    assert_eq!(benchmarks.len(), 5, "the summary's _sum/_count are not a histogram");
    let reports = find(&benchmarks, "http_request_duration_seconds{code=200,handler=/api/reports,method=get}");
    assert_eq!(cumulative(reports)[10..], [(1e10, 45), (f64::INFINITY, 50)]);

    let benchmarks = load(&fixture("openmetrics.prom"), &InputOptions::default()).unwrap();
    let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["payload_bytes", "queue_depth", "rpc_duration_seconds{service=auth \"v2\"}"]);
    let rpc = &benchmarks[2];
    assert_eq!(cumulative(rpc), [(1e7, 120), (1e8, 480), (1e9, 500), (f64::INFINITY, 500)]);
    assert_eq!(rpc.tags["service"], "auth \"v2\"");
    assert!((rpc.summary["mean"] - 21.75e9 / 500.0).abs() < 1e-6);
    assert_eq!((&benchmarks[0].unit, &benchmarks[1].unit), (&Unit::Bytes, &Unit::Count));
    assert_eq!(benchmarks[1].summary["mean"], 3.1);
}

#[test]
fn scrapes_without_type_lines_are_read_by_their_buckets() {
    let text = "rpc_seconds_bucket{le=\"0.5\"} 3\nrpc_seconds_bucket{le=\"+Inf\"} 4\nrpc_seconds_count 4\nup 1\n";
    let benchmarks = load_text(text).unwrap();
    assert_eq!(benchmarks.len(), 1);
    assert_eq!(cumulative(&benchmarks[0]), [(5e8, 3), (f64::INFINITY, 4)]);
    assert!(!benchmarks[0].summary.contains_key("mean"), "no _sum, no mean");
    let reordered = "x_bucket{le=\"+Inf\"} 4\nx_bucket{le=\"1e-05\"} 1\nx_sum 0.5\n";
    assert_eq!(cumulative(&load_text(reordered).unwrap()[0]), [(1e-5, 1), (f64::INFINITY, 4)]);
}

#[test]
fn malformed_scrapes_name_the_line_and_what_was_expected() {
    let error = |text: &str| load_text(text).unwrap_err();
    let e = error("# TYPE x histogram\nx_bucket{le=\"0.1\"} 1\nx_bucket{le=\"0.5\"} 1\n");
    assert_eq!(e.location, Location::Line(2));
    assert!(e.message.contains("histogram x: has no le=\"+Inf\" bucket"), "{e}");
    let e = error("x_bucket{le=\"0.1\"} 5\nx_bucket{le=\"0.5\"} 3\nx_bucket{le=\"+Inf\"} 5\n");
    assert_eq!(e.location, Location::Line(2));
    assert!(e.message.contains("never decrease"), "{e}");
    let e = error("x_bucket{le=\"0.1\"} 1\nx_bucket{le=\"0.1\"} 1\nx_bucket{le=\"+Inf\"} 1\n");
    assert_eq!(e.location, Location::Line(2));
    assert!(e.message.contains("given twice (also on line 1)"), "{e}");
    let e = error("# TYPE x histogram\nx_bucket{le=\"fast\"} 1\n");
    assert_eq!(e.location, Location::Line(2));
    assert!(e.message.contains("le=\"fast\""), "{e}");
    let e = error("# TYPE x histogram\nx_bucket{route=\"/\"} 1\n");
    assert!(e.message.contains("no `le` label"), "{e}");
    let e = error("x_bucket{le=\"+Inf\"} 1.5\n");
    assert!(e.message.contains("whole, non-negative count"), "{e}");
    let e = error("# TYPE x histogram\nx_sum 3\nx_count 1\n");
    assert!(e.message.contains("no _bucket lines"), "{e}");
    let e = error("x_bucket{le=\"+Inf\"} 1\nx_sum -2\n");
    assert!(e.message.contains("non-negative _sum"), "{e}");
    let e = error("up 1\nx_bucket{le=\"+Inf\" 1\n");
    assert_eq!(e.location, Location::Line(2));
    let e = error("# TYPE requests_total counter\nrequests_total 3\n");
    assert!(e.message.contains("found none"), "{e}");
}

#[test]
fn bucketed_series_round_trip_through_results_json() {
    let benchmarks = load(&fixture("go-client.prom"), &InputOptions::default()).unwrap();
    let set = crate::model::ResultSet::new(vec![crate::model::SuiteResults { name: "api".into(), benchmarks }]);
    let json = serde_json::to_string(&set).unwrap();
    assert!(json.contains(r#"{"le":"+Inf","cumulative":50}"#), "{json}");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &json).unwrap();
    assert_eq!(crate::input::read_result_set(file.path()).unwrap(), set);
    let decreasing = json.replacen(r#""cumulative":50}"#, r#""cumulative":1}"#, 1);
    std::fs::write(file.path(), decreasing).unwrap();
    let error = crate::input::read_result_set(file.path()).unwrap_err();
    assert!(matches!(&error.location, Location::JsonPath(path) if path.ends_with(".buckets")), "{error}");
    assert!(error.message.contains("never decrease"), "{error}");
}

#[test]
fn never_panics_on_prefixes() {
    test_support::never_panics_on_prefixes(load, &fixture("openmetrics.prom"));
}
