//! Row-shaped inputs (per-request CSV/NDJSON, JMeter JTL, k6 points): grouping
//! rows into series, one [`Benchmark`] per (metric, tag combination).
//!
//! The readers that turn files into rows live in [`csv_table`] and [`ndjson`];
//! this module only knows about values, units and tags.

pub mod csv_table;
pub mod ndjson;
pub mod recorder;
pub mod request_csv;

use std::collections::BTreeMap;

use crate::model::{Benchmark, Unit};
use recorder::Recorder;

/// Tag name -> value, sorted so ids and grouping are stable.
pub type Tags = BTreeMap<String, String>;

/// Metric of per-request latencies produced by the request-log adapters.
pub const LATENCY_METRIC: &str = "latency";
/// Metric of per-request error flags (0.0 ok, 1.0 error).
pub const ERRORS_METRIC: &str = "errors";

/// Accumulates samples per (metric, tags) series.
#[derive(Debug, Default)]
pub struct SeriesSet {
    series: BTreeMap<(String, Tags), Series>,
}

#[derive(Debug)]
struct Series {
    unit: Unit,
    values: Recorder,
}

impl SeriesSet {
    /// Add one sample to the series of `metric` with `tags`. The first sample
    /// of a series fixes its unit.
    pub fn push(&mut self, metric: &str, unit: Unit, tags: Tags, value: f64) {
        self.series
            .entry((metric.to_string(), tags))
            .or_insert_with(|| Series { unit, values: Recorder::default() })
            .values
            .record(value);
    }

    /// One benchmark per series, sorted by id.
    pub fn into_benchmarks(self) -> Vec<Benchmark> {
        let mut benchmarks: Vec<Benchmark> = self
            .series
            .into_iter()
            .map(|((metric, tags), series)| tagged_series(series.values, &metric, series.unit, tags))
            .collect();
        benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
        benchmarks
    }
}

/// The series of `metric` with `tags`, holding the recorded values.
pub fn tagged_series(values: Recorder, metric: &str, unit: Unit, tags: Tags) -> Benchmark {
    let mut bench = values.into_benchmark(series_id(metric, &tags), metric.to_string(), unit);
    bench.tags = tags;
    bench
}

/// A series of the statistics a tool reported, without samples: same id and
/// tags as a sampled series of the metric, so KPIs select both alike.
pub fn summary_series(metric: &str, unit: Unit, tags: Tags, summary: BTreeMap<String, f64>) -> Benchmark {
    let mut bench = Benchmark::with_samples(series_id(metric, &tags), metric, unit, Vec::new());
    bench.tags = tags;
    bench.summary = summary;
    bench
}

/// Readable, stable id of a series: `latency{method=GET,route=/api/users}`,
/// or just the metric name when there are no tags.
pub fn series_id(metric: &str, tags: &Tags) -> String {
    if tags.is_empty() {
        return metric.to_string();
    }
    let pairs: Vec<String> = tags.iter().map(|(key, value)| format!("{key}={value}")).collect();
    format!("{metric}{{{}}}", pairs.join(","))
}

/// One request from a request log (latency CSV/NDJSON, JMeter JTL).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub route: String,
    pub method: Option<String>,
    /// Status as the log wrote it (`200`, `ERR`, `Non HTTP response code: ...`).
    pub status: Option<String>,
    pub latency_ns: f64,
    /// Whether the request failed; `None` when the log cannot tell.
    pub failed: Option<bool>,
}

impl RequestRecord {
    /// Adds the request to the `latency` series (tags route, method, status)
    /// and, when the log says whether it failed, to the `errors` series
    /// (tags route, method — the status would split every error into its own series).
    pub fn add_to(self, series: &mut SeriesSet) {
        let mut tags = request_tags(self.route, self.method);
        if let Some(failed) = self.failed {
            push_error_flag(series, tags.clone(), failed);
        }
        if let Some(status) = self.status {
            tags.insert("status".into(), status);
        }
        series.push(LATENCY_METRIC, Unit::Ns, tags, self.latency_ns);
    }
}

/// Tags shared by a request's latency and error series.
pub fn request_tags(route: String, method: Option<String>) -> Tags {
    let mut tags = Tags::from([("route".to_string(), route)]);
    if let Some(method) = method {
        tags.insert("method".into(), method);
    }
    tags
}

/// Adds one request's 0/1 error flag to the `errors` series of `tags`.
pub fn push_error_flag(series: &mut SeriesSet, tags: Tags, failed: bool) {
    series.push(ERRORS_METRIC, Unit::Ratio, tags, if failed { 1.0 } else { 0.0 });
}

/// k6's convention (`http_req_failed`): a request succeeded when its status is
/// 200..=399; anything else, including a missing or non-numeric status such as
/// `ERR`, is a failure.
pub fn status_is_failure(status: Option<&str>) -> bool {
    !matches!(status.map(str::trim).and_then(|s| s.parse::<u16>().ok()), Some(200..=399))
}

/// Nanoseconds per unit of a latency column (`ns`, `us`/`µs`, `ms`, `s`).
pub fn nanos_per_unit(unit: &str) -> Option<f64> {
    match unit.trim() {
        "ns" => Some(1.0),
        "us" | "µs" | "μs" => Some(1e3),
        "ms" => Some(1e6),
        "s" => Some(1e9),
        _ => None,
    }
}

/// Parses a duration written in some unit into nanoseconds, or says what was
/// expected. Rejects negative, NaN and infinite values.
pub fn parse_duration_ns(text: &str, nanos_per_unit: f64) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| format!("expected a number, found {:?}", text))?;
    duration_ns(value, nanos_per_unit)
}

/// Converts a duration in some unit to nanoseconds, rejecting negative and
/// non-finite values.
pub fn duration_ns(value: f64, nanos_per_unit: f64) -> Result<f64, String> {
    if !value.is_finite() || value < 0.0 {
        return Err(format!("expected a finite, non-negative duration, found {value}"));
    }
    Ok(value * nanos_per_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn series_id_sorts_tag_keys_and_omits_empty_braces() {
        let tagged = tags(&[("route", "/api/users"), ("method", "GET")]);
        assert_eq!(series_id("latency", &tagged), "latency{method=GET,route=/api/users}");
        assert_eq!(series_id("vus", &Tags::new()), "vus");
    }

    #[test]
    fn series_set_groups_by_metric_and_tags_and_sorts_by_id() {
        let mut set = SeriesSet::default();
        set.push("latency", Unit::Ns, tags(&[("route", "/b")]), 2.0);
        set.push("latency", Unit::Ns, tags(&[("route", "/a")]), 1.0);
        set.push("latency", Unit::Ns, tags(&[("route", "/b")]), 3.0);
        let benchmarks = set.into_benchmarks();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["latency{route=/a}", "latency{route=/b}"]);
        assert_eq!(benchmarks[1].samples, [2.0, 3.0]);
        assert_eq!(benchmarks[1].tags, tags(&[("route", "/b")]));
    }

    #[test]
    fn request_record_feeds_latency_with_status_and_errors_without() {
        let mut set = SeriesSet::default();
        let record = RequestRecord {
            route: "/api".into(),
            method: Some("GET".into()),
            status: Some("503".into()),
            latency_ns: 5e6,
            failed: Some(true),
        };
        record.add_to(&mut set);
        let benchmarks = set.into_benchmarks();
        assert_eq!(benchmarks[0].id, "errors{method=GET,route=/api}");
        assert_eq!(benchmarks[0].unit, Unit::Ratio);
        assert_eq!(benchmarks[0].samples, [1.0]);
        assert_eq!(benchmarks[1].id, "latency{method=GET,route=/api,status=503}");
        assert_eq!(benchmarks[1].samples, [5e6]);
    }

    #[test]
    fn failure_follows_k6_convention() {
        assert!(!status_is_failure(Some("200")));
        assert!(!status_is_failure(Some("302")));
        assert!(!status_is_failure(Some(" 399 ")));
        assert!(status_is_failure(Some("404")));
        assert!(status_is_failure(Some("199")));
        assert!(status_is_failure(Some("ERR")));
        assert!(status_is_failure(Some("")));
        assert!(status_is_failure(None));
    }

    #[test]
    fn durations_convert_to_nanoseconds_and_reject_nonsense() {
        assert_eq!(parse_duration_ns("1.5", nanos_per_unit("ms").unwrap()), Ok(1_500_000.0));
        assert_eq!(parse_duration_ns(" 2 ", nanos_per_unit("s").unwrap()), Ok(2e9));
        assert_eq!(nanos_per_unit("minutes"), None);
        assert!(parse_duration_ns("-1", 1.0).unwrap_err().contains("non-negative"));
        assert!(parse_duration_ns("NaN", 1.0).is_err());
        assert!(parse_duration_ns("fast", 1.0).unwrap_err().contains("expected a number"));
    }
}
