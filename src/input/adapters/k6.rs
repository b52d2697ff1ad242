//! k6 metric points -> one series per (metric, useful tags) with raw samples.
//!
//! [`K6Points`] holds what both of k6's per-point outputs share: `--out json`
//! NDJSON (read here) and `--out csv` (read in [`crate::input::k6_csv`]) give the
//! same benchmarks for the same run. In NDJSON, `Metric` lines declare a
//! metric's type and what it contains, and `Point` lines carry one sample;
//! CSV has no declarations, so every metric's shape comes from its name
//! ([`MetricShape::from_name`]). k6 tags every point with many system tags
//! (url, proto, tls_version, ...); series are split only by
//! [`GROUPING_TAGS`], so one request route is one series. k6's `name` tag
//! (the URL unless the script names the request) becomes `route`, without
//! scheme and host, so runs against different hosts compare. Trend times are
//! ms in k6 and ns here; rates (`http_req_failed`, `checks`) are 0/1 samples;
//! counters are per-point increments (bytes for `data_*`).
//!
//! NDJSON is parsed in lanes (see [`ndjson`]); a point is scaled by the
//! declaration in force at its line, as a single pass would: the reading
//! thread picks out the `Metric` lines and hands each lane the declarations
//! made before its block, and the series' first point fixes its unit.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::input::rows::blocks;
use crate::input::rows::key_index::KeyIndex;
use crate::input::rows::ndjson;
use crate::input::rows::recorder::{combine, LaneRecorder};
use crate::input::rows::{tagged_series, Tags};
use crate::input::{InputError, InputOptions};
use crate::model::{Benchmark, Unit};

/// k6 tags that split series; every other tag is dropped.
pub const GROUPING_TAGS: [&str; 7] = ["name", "method", "status", "scenario", "group", "expected_response", "check"];

/// Reads a k6 `--out json` file (plain or gzip-compressed), skipping up to
/// the suite's `max-bad-rows` bad lines (by default a bad line fails it). The file
/// is parsed in lanes (see [`ndjson`]), each with its own [`K6Points`]; the
/// reading thread passes each lane the metrics declared before its block.
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let mut lanes: Vec<K6Points> = (0..blocks::lane_count()).map(|_| K6Points::default()).collect();
    let mut declarations = Declarations::default();
    let parse = |points: &mut K6Points, number: u32, block: &[u8], declared| {
        points.declared = declared;
        let block_place = u64::from(number) << 32;
        ndjson::parse_lines(block, |line, k6_line: K6Line| take_line(points, block_place | u64::from(line), k6_line))
    };
    ndjson::read_in_lanes(path, options.max_bad_rows, &mut lanes, |block| declarations.before(block), parse)?;
    Ok(K6Points::combine(lanes))
}

/// One NDJSON line at `place` in the file.
fn take_line(points: &mut K6Points, place: u64, line: K6Line) -> Result<(), String> {
    match line {
        K6Line::Metric { metric, data } => points.declare(metric, data),
        K6Line::Point { metric, data } => {
            let tags: Vec<(String, String)> = (data.tags.unwrap_or_default().into_iter())
                .filter_map(|(key, value)| match value {
                    Value::String(text) => Some((key, text)),
                    Value::Null => None,
                    other => Some((key, other.to_string())),
                })
                .collect();
            let tags = tags.iter().map(|(key, value)| (key.as_str(), value.as_str()));
            points.push(place, &metric, data.value, tags).map_err(|message| format!("data.value: {message}"))?;
        }
    }
    Ok(())
}

/// The metrics declared before each block, gathered on the reading thread in
/// file order: the lane that parses a block needs the declarations of the
/// blocks before it, which other lanes parse. Only lines that may be
/// declarations are parsed here (k6 declares each metric once).
#[derive(Default)]
struct Declarations {
    so_far: Arc<BTreeMap<String, MetricShape>>,
}

impl Declarations {
    /// The declarations made before `block`; then takes in the block's own.
    fn before(&mut self, block: &[u8]) -> Arc<BTreeMap<String, MetricShape>> {
        let before = Arc::clone(&self.so_far);
        for line in lines_that_may_declare(block) {
            if let Some(Ok(K6Line::Metric { metric, data })) = ndjson::line_text(line).map(serde_json::from_str) {
                Arc::make_mut(&mut self.so_far).insert(metric, data);
            }
        }
        before
    }
}

/// The lines of `block` that may be `Metric` lines: every line holding the
/// bytes `"Metric"`, or a `\u` escape of one of its letters (JSON may spell
/// the type that way). Reading a line too many costs a parse; missing one
/// would change units.
fn lines_that_may_declare(block: &[u8]) -> impl Iterator<Item = &[u8]> {
    let escaped_letter = |at: &usize| {
        let hex = block.get(at + 2..at + 6).and_then(|hex| std::str::from_utf8(hex).ok());
        hex.and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32)
            .is_some_and(|letter| "Metric".contains(letter))
    };
    let mut starts: Vec<usize> = memchr::memmem::find_iter(block, b"\"Metric\"")
        .chain(memchr::memmem::find_iter(block, b"\\u").filter(escaped_letter))
        .map(|at| memchr::memrchr(b'\n', &block[..at]).map_or(0, |newline| newline + 1))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    starts.into_iter().map(move |start| {
        let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i);
        &block[start..end]
    })
}

/// The series of a k6 run's points, whichever output they were read from.
/// NDJSON read in lanes gives one per lane, joined by [`K6Points::combine`]:
/// values are stamped with their place in the file while a series is small,
/// so raw samples keep the file order.
#[derive(Default)]
pub struct K6Points {
    /// Metric shapes declared so far (NDJSON `Metric` lines).
    declared: Arc<BTreeMap<String, MetricShape>>,
    index: KeyIndex,
    series: Vec<PointSeries>,
    key: Vec<u8>,
}

struct PointSeries {
    metric: String,
    tags: Tags,
    /// The unit of the series' first point, which fixes it.
    unit: Unit,
    /// The place of that point in the file.
    first: u64,
    values: LaneRecorder,
}

impl K6Points {
    /// Records a metric's declared shape (NDJSON `Metric` lines).
    pub fn declare(&mut self, metric: String, shape: MetricShape) {
        Arc::make_mut(&mut self.declared).insert(metric, shape);
    }

    /// Adds one point: its place in the file (larger for later points), its
    /// value in k6's unit and all of its tags (a later tag of the same name
    /// wins). An error says what is wrong with the value. Nothing is
    /// allocated unless the point starts a new series.
    pub fn push<'t>(
        &mut self,
        place: u64,
        metric: &str,
        value: f64,
        tags: impl IntoIterator<Item = (&'t str, &'t str)>,
    ) -> Result<(), String> {
        let shape = self.declared.get(metric).copied().unwrap_or_else(|| MetricShape::from_name(metric));
        let (unit, scale) = shape.unit_and_scale();
        if !value.is_finite() || value < 0.0 {
            return Err(format!("expected a non-negative number, found {value}"));
        }
        let mut grouping: Vec<(&str, &str)> = Vec::with_capacity(GROUPING_TAGS.len());
        for (key, value) in tags {
            if GROUPING_TAGS.contains(&key) && !value.is_empty() {
                let tag = normalized_tag(key, value);
                match grouping.iter_mut().find(|(known, _)| *known == tag.0) {
                    Some(known) => *known = tag,
                    None => grouping.push(tag),
                }
            }
        }
        grouping.sort_unstable_by_key(|(key, _)| *key);
        // 0xfe and 0xff never occur in UTF-8, so no two (metric, tags) share a key.
        self.key.clear();
        self.key.extend_from_slice(metric.as_bytes());
        for (key, value) in &grouping {
            self.key.push(0xff);
            self.key.extend_from_slice(key.as_bytes());
            self.key.push(0xfe);
            self.key.extend_from_slice(value.as_bytes());
        }
        let slot = match self.index.get(&self.key) {
            Some(slot) => slot,
            None => {
                let tags: Tags = grouping.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect();
                let values = LaneRecorder::default();
                self.series.push(PointSeries { metric: metric.to_string(), tags, unit, first: place, values });
                self.index.insert(&self.key)
            }
        };
        self.series[slot].values.record(place, value * scale);
        Ok(())
    }

    /// One benchmark per (metric, tags) of all `parts` (lanes, in lane order), sorted by id.
    pub fn combine(parts: Vec<K6Points>) -> Vec<Benchmark> {
        let mut merged: BTreeMap<(String, Tags), (u64, Unit, Vec<LaneRecorder>)> = BTreeMap::new();
        for series in parts.into_iter().flat_map(|part| part.series) {
            let (first, unit, values) = merged
                .entry((series.metric, series.tags))
                .or_insert_with(|| (series.first, series.unit.clone(), Vec::new()));
            if series.first < *first {
                (*first, *unit) = (series.first, series.unit);
            }
            values.push(series.values);
        }
        let mut benchmarks: Vec<Benchmark> = merged
            .into_iter()
            .map(|((metric, tags), (_, unit, values))| tagged_series(combine(values), &metric, unit, tags))
            .collect();
        benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
        benchmarks
    }
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum K6Line {
    Metric { metric: String, data: MetricShape },
    Point { metric: String, data: PointData },
}

#[derive(Deserialize)]
struct PointData {
    value: f64,
    #[serde(default)]
    tags: Option<BTreeMap<String, Value>>,
}

/// What a k6 metric is: its type and what its values are.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct MetricShape {
    #[serde(rename = "type")]
    pub kind: MetricKind,
    #[serde(default)]
    pub contains: Contains,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricKind {
    Trend,
    Counter,
    Rate,
    Gauge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Contains {
    Time,
    Data,
    #[default]
    #[serde(other)]
    Default,
}

impl MetricShape {
    /// Built-in k6 metrics by name, for points of undeclared metrics; any
    /// other name is a plain counter unless it looks like a duration.
    pub fn from_name(name: &str) -> Self {
        let contains = Contains::from_name(name);
        let kind = match name {
            "http_req_failed" | "checks" => MetricKind::Rate,
            "vus" | "vus_max" => MetricKind::Gauge,
            _ if contains == Contains::Time => MetricKind::Trend,
            _ => MetricKind::Counter,
        };
        MetricShape { kind, contains }
    }

    /// Unit of the normalized samples and the factor from k6's values to it.
    pub fn unit_and_scale(self) -> (Unit, f64) {
        match (self.kind, self.contains) {
            (MetricKind::Rate, _) => (Unit::Ratio, 1.0),
            (_, Contains::Time) => (Unit::Ns, 1e6),
            (_, Contains::Data) => (Unit::Bytes, 1.0),
            (_, Contains::Default) => (Unit::Count, 1.0),
        }
    }
}

impl Contains {
    /// What a metric holds, judged by its name: k6's built-in timings and
    /// data counters, and custom metrics named like durations.
    pub fn from_name(name: &str) -> Self {
        const TIME_SUFFIXES: [&str; 4] = ["_duration", "_time", "_latency", "_ms"];
        let builtin_time = (name.starts_with("http_req_") && name != "http_req_failed")
            || matches!(name, "ws_connecting" | "ws_ping" | "grpc_req_duration");
        if builtin_time || TIME_SUFFIXES.iter().any(|suffix| name.ends_with(suffix)) {
            Contains::Time
        } else if matches!(name, "data_sent" | "data_received") {
            Contains::Data
        } else {
            Contains::Default
        }
    }
}

/// The tags that split series, normalized by [`normalize_tag`]; empty values
/// (k6's root `group` is `""`; CSV leaves absent tags empty) are dropped.
/// k6's `name` tag becomes `route` (what other request logs call it), without
/// the scheme and host when it is a URL.
pub fn normalize_tag(key: &str, value: &str) -> (String, String) {
    let (key, value) = normalized_tag(key, value);
    (key.to_string(), value.to_string())
}

fn normalized_tag<'t>(key: &'t str, value: &'t str) -> (&'t str, &'t str) {
    if key != "name" {
        return (key, value);
    }
    let without_scheme = ["https://", "http://", "wss://", "ws://"].iter().find_map(|s| value.strip_prefix(s));
    let route = match without_scheme {
        Some(rest) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => value,
    };
    ("route", route)
}

#[cfg(test)]
#[path = "k6_lanes_tests.rs"]
mod lane_tests;

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::input::{validate_benchmark, Location};

    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("k6", name)
    }

    fn load_text(content: &str) -> Result<Vec<Benchmark>, InputError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content.as_bytes()).unwrap();
        load(file.path(), &InputOptions::default())
    }

    const USERS: &str = "{expected_response=true,method=GET,route=/api/users,scenario=default,status=200}";

    #[test]
    fn run_splits_series_by_useful_tags_only() {
        let path = fixture("run.ndjson");
        let benchmarks = load(&path, &InputOptions::default()).unwrap();
        for bench in &benchmarks {
            validate_benchmark(&path, bench).unwrap();
        }
        let duration = find(&benchmarks, &format!("http_req_duration{USERS}"));
        assert_eq!(duration.samples.len(), 10, "one per iteration, despite url/proto/tls_version tags");
        assert!(!duration.tags.contains_key("url") && !duration.tags.contains_key("group"), "{:?}", duration.tags);
        let durations: Vec<&Benchmark> = benchmarks.iter().filter(|b| b.metric == "http_req_duration").collect();
        let requests: usize = durations.iter().map(|b| b.samples.len()).sum();
        assert_eq!(requests, 30);
        let orders = durations.iter().find(|b| b.tags.get("route").is_some_and(|r| r == "/api/orders/${}")).unwrap();
        assert_eq!(orders.tags.get("group").map(String::as_str), Some("::orders"));
    }

    #[test]
    fn trend_times_convert_from_ms_to_ns() {
        let benchmarks = load(&fixture("run.ndjson"), &InputOptions::default()).unwrap();
        let first_point = std::fs::read_to_string(fixture("run.ndjson"))
            .unwrap()
            .lines()
            .find(|line| line.contains("\"Point\"") && line.contains("\"http_req_duration\""))
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .unwrap();
        let raw_ms = first_point["data"]["value"].as_f64().unwrap();
        let duration = find(&benchmarks, &format!("http_req_duration{USERS}"));
        assert_eq!(duration.unit, Unit::Ns);
        assert_eq!(duration.samples[0], raw_ms * 1e6);
    }

    #[test]
    fn rates_counters_and_gauges_get_their_units() {
        let benchmarks = load(&fixture("run.ndjson"), &InputOptions::default()).unwrap();
        let failed = find(&benchmarks, "http_req_failed{expected_response=false,group=::orders,method=POST,route=/api/orders,scenario=default,status=503}");
        assert_eq!((failed.unit.clone(), failed.samples.clone()), (Unit::Ratio, vec![1.0, 1.0]));
        let checks = find(&benchmarks, "checks{check=status is 2xx,scenario=default}");
        assert_eq!(checks.unit, Unit::Ratio);
        assert_eq!(find(&benchmarks, "data_received{scenario=default}").unit, Unit::Bytes);
        assert_eq!(
            find(
                &benchmarks,
                "http_reqs{expected_response=true,method=GET,route=/api/users,scenario=default,status=200}"
            )
            .unit,
            Unit::Count
        );
        let vus = find(&benchmarks, "vus");
        assert!(vus.tags.is_empty(), "null tags");
        assert_eq!(vus.samples.len(), 10);
    }

    #[test]
    fn network_errors_keep_status_zero_and_both_line_orders_parse() {
        let benchmarks = load(&fixture("run.ndjson"), &InputOptions::default()).unwrap();
        let is_timeout =
            |b: &&Benchmark| b.metric == "http_req_duration" && b.tags.get("status").is_some_and(|s| s == "0");
        let timeout = benchmarks.iter().find(is_timeout).unwrap();
        assert_eq!(timeout.samples.len(), 1);
        assert!(timeout.samples[0] > 60e9, "60 s of waiting: {}", timeout.samples[0]);
        assert!(!timeout.tags.contains_key("error_code"), "error tags do not split series");
        let iterations: usize = benchmarks.iter().filter(|b| b.metric == "iterations").map(|b| b.samples.len()).sum();
        assert_eq!(iterations, 10, "old (type first) and new (metric first) k6 lines both count");
    }

    #[test]
    fn gzipped_output_is_read() {
        let benchmarks = load(&fixture("run-compressed.ndjson.gz"), &InputOptions::default()).unwrap();
        assert!(benchmarks.iter().any(|b| b.metric == "http_req_duration" && b.unit == Unit::Ns));
    }

    #[test]
    fn undeclared_metrics_are_inferred_from_their_name() {
        let point = |metric: &str, value: f64| {
            format!("{{\"type\":\"Point\",\"metric\":\"{metric}\",\"data\":{{\"time\":\"t\",\"value\":{value},\"tags\":{{}}}}}}")
        };
        let text = [point("http_req_waiting", 2.0), point("http_req_failed", 1.0), point("items_sold", 3.0)].join("\n");
        let benchmarks = load_text(&text).unwrap();
        assert_eq!((benchmarks[0].id.as_str(), benchmarks[0].unit.clone()), ("http_req_failed", Unit::Ratio));
        assert_eq!((benchmarks[1].unit.clone(), benchmarks[1].samples[0]), (Unit::Ns, 2e6));
        assert_eq!(benchmarks[2].unit, Unit::Count);
    }

    #[test]
    fn name_tag_becomes_route_without_origin() {
        assert_eq!(normalize_tag("name", "https://api.example.test/api/users?page=2").1, "/api/users?page=2");
        assert_eq!(normalize_tag("name", "http://localhost:8080").1, "/");
        assert_eq!(normalize_tag("name", "GetOrder"), ("route".to_string(), "GetOrder".to_string()));
        assert_eq!(normalize_tag("method", "GET"), ("method".to_string(), "GET".to_string()));
    }

    #[test]
    fn malformed_lines_are_located() {
        let metric = "{\"type\":\"Metric\",\"metric\":\"vus\",\"data\":{\"type\":\"gauge\",\"contains\":\"default\"}}";
        let truncated =
            load_text(&format!("{metric}\n{{\"type\":\"Point\",\"metric\":\"vus\",\"data\":{{\"val")).unwrap_err();
        assert!(matches!(truncated.location, Location::LineColumn(2, _)), "{:?}", truncated.location);
        let no_value =
            load_text(&format!("{metric}\n\n{{\"type\":\"Point\",\"metric\":\"vus\",\"data\":{{\"tags\":null}}}}"))
                .unwrap_err();
        assert!(matches!(no_value.location, Location::LineColumn(3, _)));
        assert!(no_value.message.contains("value"), "{}", no_value.message);
        let negative = load_text("{\"type\":\"Point\",\"metric\":\"vus\",\"data\":{\"value\":-1}}").unwrap_err();
        assert_eq!(negative.location, Location::Line(1));
        assert!(negative.message.contains("non-negative"));
        let unknown = load_text("{\"type\":\"Sample\",\"metric\":\"vus\",\"data\":{}}").unwrap_err();
        assert!(unknown.message.contains("Metric") && unknown.message.contains("Point"), "{}", unknown.message);
        assert!(load_text("").unwrap_err().message.contains("empty"));
    }
}
