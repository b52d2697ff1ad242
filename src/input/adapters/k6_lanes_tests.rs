//! k6 NDJSON read in lanes against the single pass it replaced (the oracle
//! below and in [`one_pass_oracle`]): the fixtures, and a generated run of several
//! blocks whose metrics are declared in blocks other lanes parse — late, with
//! escapes, and redeclared after their first points.

use std::fmt::Write as _;
use std::io::Write as _;

use super::*;
use crate::input::rows::blocks::BLOCK_BYTES;
use crate::input::rows::one_pass_oracle::{self as one_pass, assert_same_benchmarks, SeriesSet};
use crate::input::test_support;
use crate::input::Location;

/// The single-pass reading: perfgate's k6 NDJSON reader before lanes.
fn load_one_pass(path: &Path) -> Result<Vec<Benchmark>, InputError> {
    let mut points = OnePassPoints::default();
    one_pass::for_each_line(path, |_line, line: K6Line| {
        match line {
            K6Line::Metric { metric, data } => points.declare(metric, data),
            K6Line::Point { metric, data } => {
                let tags = data.tags.unwrap_or_default().into_iter().filter_map(|(key, value)| match value {
                    Value::String(text) => Some((key, text)),
                    Value::Null => None,
                    other => Some((key, other.to_string())),
                });
                points.push(&metric, data.value, tags).map_err(|message| format!("data.value: {message}"))?;
            }
        }
        Ok(())
    })?;
    Ok(points.into_benchmarks())
}

/// The series of a k6 run's points, as the single pass kept them.
#[derive(Default)]
struct OnePassPoints {
    declared: BTreeMap<String, MetricShape>,
    series: SeriesSet,
}

impl OnePassPoints {
    fn declare(&mut self, metric: String, shape: MetricShape) {
        self.declared.insert(metric, shape);
    }

    fn push(
        &mut self,
        metric: &str,
        value: f64,
        tags: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), String> {
        let shape = self.declared.get(metric).copied().unwrap_or_else(|| MetricShape::from_name(metric));
        let (unit, scale) = shape.unit_and_scale();
        if !value.is_finite() || value < 0.0 {
            return Err(format!("expected a non-negative number, found {value}"));
        }
        self.series.push(metric, unit, grouping_tags(tags), value * scale);
        Ok(())
    }

    fn into_benchmarks(self) -> Vec<Benchmark> {
        self.series.into_benchmarks()
    }
}

fn temp_file(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file
}

#[test]
fn the_fixtures_read_as_in_one_pass() {
    for name in ["run.ndjson", "run-compressed.ndjson.gz"] {
        let path = test_support::fixture("k6", name);
        assert_same_benchmarks(&load(&path, &InputOptions::default()).unwrap(), &load_one_pass(&path).unwrap());
    }
}

fn declaration(metric: &str, kind: &str, contains: &str) -> String {
    format!(
        r#"{{"type":"Metric","data":{{"type":"{kind}","contains":"{contains}","thresholds":[],"submetrics":null}},"metric":"{metric}"}}"#
    )
}

fn point(metric: &str, value: f64, tags: &str) -> String {
    format!(
        r#"{{"metric":"{metric}","type":"Point","data":{{"time":"2024-03-12T10:15:00.000000+01:00","value":{value},"tags":{tags}}}}}"#
    )
}

/// A run of several blocks: four busy routes and forty rare ones; built-in
/// metrics declared up front; `late_trend` declared in the middle (a counter
/// by its name, a trend of times by its declaration); `custom_latency` (a
/// time by its name) redeclared a plain counter three quarters in, with the
/// type spelled with an escape.
fn generated_run(requests: usize) -> Vec<u8> {
    let mut stream = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        stream ^= stream << 13;
        stream ^= stream >> 7;
        stream ^= stream << 17;
        stream
    };
    let mut text = String::new();
    for (metric, kind, contains) in [
        ("vus", "gauge", "default"),
        ("http_reqs", "counter", "default"),
        ("http_req_duration", "trend", "time"),
        ("http_req_failed", "rate", "default"),
        ("data_received", "counter", "data"),
        ("checks", "rate", "default"),
    ] {
        writeln!(text, "{}", declaration(metric, kind, contains)).unwrap();
    }
    for i in 0..requests {
        let r = next();
        let route = if r % 10 == 0 { format!("rare{}", (r >> 8) % 40) } else { format!("busy{}", i % 4) };
        let failed = (r >> 20) % 31 == 0;
        let status = if failed {
            if (r >> 30) % 2 == 0 {
                "503"
            } else {
                "0"
            }
        } else {
            "200"
        };
        let group = if route.ends_with('0') { "::orders" } else { "" };
        let tags = format!(
            r#"{{"expected_response":"{}","group":"{group}","method":"GET","name":"https://api.test/api/{route}?page=2\u0026size=10","proto":"HTTP/1.1","scenario":"default","status":"{status}","url":"https://api.test/api/{route}","vu":{},"error_code":null}}"#,
            !failed,
            i % 50
        );
        let ms = ((r >> 12) % 1_000_000) as f64 / 1000.0 * if route.starts_with("rare") { 3.0 } else { 1.0 };
        for (metric, value) in [
            ("http_reqs", 1.0),
            ("http_req_duration", ms),
            ("http_req_failed", if failed { 1.0 } else { 0.0 }),
            ("data_received", ((r >> 40) % 5000) as f64),
        ] {
            writeln!(text, "{}", point(metric, value, &tags)).unwrap();
        }
        if i % 9 == 0 {
            let check = r#"{"check":"status is 2xx","group":"","scenario":"default"}"#;
            writeln!(text, "{}", point("checks", if failed { 0.0 } else { 1.0 }, check)).unwrap();
        }
        if i % 100 == 0 {
            writeln!(text, "{}", point("vus", (i % 7) as f64, "null")).unwrap();
            writeln!(text, "{}", point("iterations", 1.0, r#"{"scenario":"default","group":""}"#)).unwrap();
        }
        if i == requests / 2 {
            writeln!(text, "{}", declaration("late_trend", "trend", "time")).unwrap();
        }
        if i > requests / 2 && i % 3 == 0 {
            writeln!(text, "{}", point("late_trend", ms / 2.0, r#"{"scenario":"default"}"#)).unwrap();
        }
        if i == 3 * requests / 4 {
            let escaped = declaration("custom_latency", "counter", "default").replace("Metric", r"Metr\u0069c");
            writeln!(text, "{escaped}").unwrap();
        }
        if i % 5 == 0 {
            writeln!(text, "{}", point("custom_latency", ms / 4.0, r#"{"scenario":"default"}"#)).unwrap();
        }
        if i % 10_000 == 0 {
            text.push('\n');
        }
    }
    text.into_bytes()
}

#[test]
fn a_run_of_several_blocks_reads_as_in_one_pass() {
    let text = generated_run(16_000);
    assert!(text.len() > 3 * BLOCK_BYTES, "several blocks on each lane: {}", text.len());
    let file = temp_file(&text);
    let lanes = load(file.path(), &InputOptions::default()).unwrap();
    assert_same_benchmarks(&lanes, &load_one_pass(file.path()).unwrap());
    let late = test_support::find(&lanes, "late_trend{scenario=default}");
    assert_eq!(late.unit, Unit::Ns, "declared in another lane's block, still a trend of times");
    let custom = test_support::find(&lanes, "custom_latency{scenario=default}");
    assert_eq!(custom.unit, Unit::Ns, "the unit of the first point stays");
    let binned = lanes.iter().filter(|b| b.histogram.is_some()).count();
    let raw = lanes.iter().filter(|b| b.histogram.is_none()).count();
    assert!(binned >= 4 && raw >= 40, "large and small series: {binned} binned, {raw} raw");
}

#[test]
fn bad_lines_keep_their_file_line_and_max_bad_rows_skips_them() {
    let mut text = generated_run(12_000);
    let lines = text.iter().filter(|b| **b == b'\n').count() as u64;
    text.extend_from_slice(point("vus", -1.0, "null").as_bytes());
    text.extend_from_slice(b"\n{\"type\":\"Point\",\"metric\":\"vus\",\"data\":{\"val");
    let file = temp_file(&text);
    let error = load(file.path(), &InputOptions::default()).unwrap_err();
    assert_eq!(error.location, Location::Line(lines + 1), "{error}");
    assert!(error.message.contains("non-negative") && error.message.contains("2 bad row(s)"), "{error}");
    let tolerant = InputOptions { max_bad_rows: 2, ..InputOptions::default() };
    let skipped = load(file.path(), &tolerant).unwrap();
    let without_bad_lines = temp_file(&generated_run(12_000));
    assert_same_benchmarks(&skipped, &load_one_pass(without_bad_lines.path()).unwrap());
}

#[test]
fn only_lines_that_may_declare_are_parsed_on_the_reading_thread() {
    let block = format!(
        "{}\n{}\n{}\n{}\n",
        point("vus", 1.0, "null"),
        declaration("a", "trend", "time"),
        point("Metric", 1.0, r#"{"name":"Metr\u0069c"}"#),
        declaration("b", "rate", "default").replace("Metric", r"\u004detric"),
    );
    let found: Vec<&[u8]> = lines_that_may_declare(block.as_bytes()).collect();
    assert_eq!(found.len(), 3, "{found:?}");
    let mut declarations = Declarations::default();
    assert!(declarations.before(block.as_bytes()).is_empty(), "nothing before the first block");
    let after = declarations.before(b"");
    assert_eq!(after.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(after["b"].kind, MetricKind::Rate);
}

/// The single-pass reader's tag grouping, kept as it was.
fn grouping_tags(tags: impl IntoIterator<Item = (String, String)>) -> Tags {
    tags.into_iter()
        .filter(|(key, value)| GROUPING_TAGS.contains(&key.as_str()) && !value.is_empty())
        .map(|(key, value)| normalize_tag(&key, &value))
        .collect()
}
