//! k6 metric points -> one series per (metric, useful tags) with raw samples.
//!
//! [`K6Points`] holds what both of k6's per-point outputs share: `--out json`
//! NDJSON (read here) and `--out csv` (read in [`super::k6_csv`]) give the
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

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::rows::{ndjson, SeriesSet, Tags};
use super::InputError;
use crate::model::{Benchmark, Unit};

/// k6 tags that split series; every other tag is dropped.
pub const GROUPING_TAGS: [&str; 7] = ["name", "method", "status", "scenario", "group", "expected_response", "check"];

/// Reads a k6 `--out json` file (plain or gzip-compressed).
pub fn load(path: &Path) -> Result<Vec<Benchmark>, InputError> {
    let mut points = K6Points::default();
    ndjson::for_each_line(path, |_line, line: K6Line| {
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

/// The series of a k6 run's points, whichever output they were read from.
#[derive(Default)]
pub struct K6Points {
    declared: BTreeMap<String, MetricShape>,
    series: SeriesSet,
}

impl K6Points {
    /// Records a metric's declared shape (NDJSON `Metric` lines).
    pub fn declare(&mut self, metric: String, shape: MetricShape) {
        self.declared.insert(metric, shape);
    }

    /// Adds one point: its value in k6's unit and all of its tags. An error
    /// says what is wrong with the value.
    pub fn push(
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

    pub fn into_benchmarks(self) -> Vec<Benchmark> {
        self.series.into_benchmarks()
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
fn grouping_tags(tags: impl IntoIterator<Item = (String, String)>) -> Tags {
    tags.into_iter()
        .filter(|(key, value)| GROUPING_TAGS.contains(&key.as_str()) && !value.is_empty())
        .map(|(key, value)| normalize_tag(&key, &value))
        .collect()
}

/// k6's `name` tag becomes `route` (what other request logs call it), without
/// the scheme and host when it is a URL.
pub fn normalize_tag(key: &str, value: &str) -> (String, String) {
    if key != "name" {
        return (key.to_string(), value.to_string());
    }
    let without_scheme = ["https://", "http://", "wss://", "ws://"].iter().find_map(|s| value.strip_prefix(s));
    let route = match without_scheme {
        Some(rest) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => value,
    };
    ("route".to_string(), route.to_string())
}

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
        load(file.path())
    }

    const USERS: &str = "{expected_response=true,method=GET,route=/api/users,scenario=default,status=200}";

    #[test]
    fn run_splits_series_by_useful_tags_only() {
        let path = fixture("run.ndjson");
        let benchmarks = load(&path).unwrap();
        for bench in &benchmarks {
            validate_benchmark(&path, "$", bench).unwrap();
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
        let benchmarks = load(&fixture("run.ndjson")).unwrap();
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
        let benchmarks = load(&fixture("run.ndjson")).unwrap();
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
        let benchmarks = load(&fixture("run.ndjson")).unwrap();
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
        let benchmarks = load(&fixture("run-compressed.ndjson.gz")).unwrap();
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
