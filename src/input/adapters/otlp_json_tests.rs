use std::io::Write;

use super::*;
use crate::input::traces::series::{DB_CALLS_METRIC, DURATION_METRIC};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otlp-json").join(name)
}

fn options(max_bad_rows: u64) -> InputOptions {
    InputOptions { max_bad_rows, ..InputOptions::default() }
}

/// The requests of each route, summed over their statuses.
fn requests_per_route(benchmarks: &[Benchmark]) -> Vec<(String, u64)> {
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    for bench in benchmarks.iter().filter(|b| b.metric == DURATION_METRIC) {
        let route = format!("{} {}", bench.tags["method"], bench.tags["route"]);
        *counts.entry(route).or_default() += bench.value_count();
    }
    counts.into_iter().collect()
}

fn series<'b>(benchmarks: &'b [Benchmark], metric: &str, method: &str, route: &str) -> &'b Benchmark {
    let id = format!("{metric}{{method={method},route={route},service=shop-api}}");
    benchmarks.iter().find(|b| b.id == id).unwrap_or_else(|| panic!("no {id}"))
}

/// The SDK's own file: requests per route and DB calls as the fixtures' README counted them
/// (by an independent reader, verify.py).
#[test]
fn the_sdks_traces_give_each_routes_requests_and_calls() {
    let benchmarks = load(&fixture("base.json.gz"), &options(0)).unwrap();
    let expected = [
        ("GET /orders", 889),
        ("GET /orders/{id}", 740),
        ("GET /search", 603),
        ("GET /users/{id}", 467),
        ("POST /orders", 301),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(r, n)| (r.to_string(), *n)).collect();
    assert_eq!(requests_per_route(&benchmarks), expected);
    let orders = series(&benchmarks, DB_CALLS_METRIC, "GET", "/orders");
    assert!(orders.deterministic && orders.samples.iter().all(|c| *c == 3.0), "{orders:?}");
    // GET /search writes the older conventions (`http.method`, `db.system`).
    assert!(series(&benchmarks, DB_CALLS_METRIC, "GET", "/search").samples.iter().all(|c| *c == 1.0));
    assert!(series(&benchmarks, "external_calls", "GET", "/search").samples.iter().all(|c| *c == 2.0));
    // A cache: the redis GET on every request, postgres on misses only.
    let users = series(&benchmarks, DB_CALLS_METRIC, "GET", "/users/{id}");
    assert!(!users.deterministic);
    let errors = series(&benchmarks, "errors", "POST", "/orders");
    assert_eq!(errors.samples.iter().sum::<f64>(), 5.0, "five 503s");
    let time = benchmarks.iter().find(|b| b.id == "db_time{db=SELECT,method=GET,route=/orders,service=shop-api}");
    assert!(time.is_some_and(|t| t.value_count() == 889), "one per request");
}

#[test]
fn a_single_document_reads_like_lines() {
    let benchmarks = load(&fixture("single-document.json"), &options(0)).unwrap();
    let requests: u64 = requests_per_route(&benchmarks).iter().map(|(_, n)| n).sum();
    assert_eq!(requests, 20);
}

/// The lines of the base fixture, decompressed.
fn base_lines() -> Vec<String> {
    let mut text = String::new();
    open_maybe_gzipped(&fixture("base.json.gz")).unwrap().read_to_string(&mut text).unwrap();
    text.lines().map(String::from).collect()
}

/// Rotated files: the requests whose spans straddle the cut are whole again.
#[test]
fn a_folder_of_files_reads_as_one_stream() {
    let lines = base_lines();
    let folder = tempfile::tempdir().unwrap();
    let (first, second) = lines.split_at(lines.len() / 2);
    std::fs::write(folder.path().join("traces-1.json"), first.join("\n")).unwrap();
    std::fs::write(folder.path().join("traces-2.json"), second.join("\n")).unwrap();
    let whole = load(&fixture("base.json.gz"), &options(0)).unwrap();
    let split = load(folder.path(), &options(0)).unwrap();
    assert_eq!(split.len(), whole.len());
    for (split, whole) in split.iter().zip(&whole) {
        assert_eq!((&split.id, &split.samples, split.value_count()), (&whole.id, &whole.samples, whole.value_count()));
    }
}

fn written(lines: &[String]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(lines.join("\n").as_bytes()).unwrap();
    file
}

#[test]
fn bad_spans_are_skipped_and_counted_up_to_max_bad_rows() {
    let mut lines = base_lines();
    lines[3] = lines[3].replacen("\"spanId\":\"", "\"spanId\":\"zz", 1);
    let ends = lines[5].find("\"endTimeUnixNano\":\"").unwrap() + "\"endTimeUnixNano\":\"".len();
    lines[5].replace_range(ends..ends + 1, "0"); // an end long before its start
    let file = written(&lines);
    let error = load(file.path(), &options(1)).unwrap_err();
    assert_eq!(error.location, crate::input::Location::Line(4), "{error}");
    assert!(error.message.contains("spanId") && error.message.contains("2 bad row(s)"), "{error}");
    let benchmarks = load(file.path(), &options(2)).unwrap();
    let requests: u64 = requests_per_route(&benchmarks).iter().map(|(_, n)| n).sum();
    assert!((2998..=3000).contains(&requests), "{requests}: at most the two spans' requests are gone");
}

#[test]
fn a_truncated_last_line_is_named_by_its_number() {
    let mut lines = base_lines();
    let last = lines.len() - 1;
    let half = lines[last].len() / 2;
    lines[last].truncate(half);
    let error = load(written(&lines).path(), &options(0)).unwrap_err();
    assert!(matches!(error.location, crate::input::Location::LineColumn(line, _) if line == lines.len() as u64));
    assert!(error.message.contains("truncated"), "{error}");
}

#[test]
fn spans_without_a_server_span_say_what_was_found() {
    let line = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"job","kind":1,"startTimeUnixNano":"1","endTimeUnixNano":2},
        {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332","parentSpanId":"b7ad6b7169203331","name":"q","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1,"endTimeUnixNano":"2"}]}]}]}"#;
    let file = written(&[line.replace('\n', "")]);
    let error = load(file.path(), &options(0)).unwrap_err();
    assert!(error.message.contains("the spans found are 1 internal, 1 client"), "{error}");
}
