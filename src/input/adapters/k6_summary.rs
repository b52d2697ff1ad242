//! k6 end-of-test summaries -> summary-only benchmarks, one per metric or sub-metric.
//!
//! Two dialects share the `{"metrics": {...}}` shape:
//! - legacy `--summary-export`: flat statistics (`avg`, `med`, `p(95)`, ...)
//!   and thresholds as `{"expr": bool}` where **true means failed**;
//! - `handleSummary` data: `{type, contains, values: {...}, thresholds: {"expr": {"ok": bool}}}`
//!   where `ok: true` means passed.
//!
//! Both normalize to the same statistic names (`mean`, `median`, `p95`,
//! `count`, `rate`, ...) and to `threshold_failed`, the number of the metric's
//! thresholds that failed. Sub-metrics (`http_req_duration{method:GET}`) keep
//! their name as id and get their selector as tags. The legacy dialect does
//! not say whether a custom trend holds times: built-in timings and names
//! ending in `_duration`, `_time`, `_latency` or `_ms` are taken as ms.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::input::k6::{normalize_tag, Contains, MetricKind, MetricShape};
use crate::input::rows::Tags;
use crate::input::units::percentile_key;
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::Benchmark;

/// Summary key holding how many of a metric's thresholds failed.
pub const THRESHOLD_FAILED: &str = "threshold_failed";

/// A problem inside one metric: JSON path below `$.metrics["name"]` and message.
type MetricError = (String, String);

/// Reads a k6 `--summary-export` or `handleSummary` JSON file.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let root: Value = crate::input::read_json(path)?;
    let metrics = root.get("metrics").and_then(Value::as_object).ok_or_else(|| {
        InputError::new(
            path,
            Location::JsonPath("$.metrics".into()),
            "expected an object of k6 metrics (from --summary-export or handleSummary)",
        )
    })?;
    let mut benchmarks = Vec::new();
    for (name, metric) in metrics {
        let located = |(suffix, message): MetricError| {
            InputError::new(path, Location::JsonPath(format!("$.metrics[{name:?}]{suffix}")), message)
        };
        if let Some(bench) = metric_benchmark(name, metric).map_err(located)? {
            benchmarks.push(bench);
        }
    }
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(benchmarks)
}

/// The benchmark of one metric, or `None` when it carries no statistic.
fn metric_benchmark(name: &str, metric: &Value) -> Result<Option<Benchmark>, MetricError> {
    let object = metric.as_object().ok_or_else(|| (String::new(), "expected an object".to_string()))?;
    let (base_name, tags) = split_sub_metric(name);
    let parsed = if object.contains_key("values") {
        handle_summary_metric(base_name, metric)?
    } else {
        legacy_metric(base_name, object)?
    };
    let mut summary = statistics(&parsed)?;
    if summary.is_empty() {
        return Ok(None);
    }
    if let Some(failed) = parsed.thresholds_failed {
        summary.insert(THRESHOLD_FAILED.into(), failed as f64);
    }
    let (unit, _) = parsed.shape.unit_and_scale();
    let mut bench = Benchmark::with_samples(name, base_name, unit, Vec::new());
    bench.tags = tags;
    bench.summary = summary;
    Ok(Some(bench))
}

/// One metric, whichever dialect it came from.
struct ParsedMetric<'a> {
    shape: MetricShape,
    values: &'a Map<String, Value>,
    /// JSON path of `values` below the metric (`.values` or nothing).
    values_path: &'static str,
    thresholds_failed: Option<usize>,
}

fn handle_summary_metric<'a>(base_name: &str, metric: &'a Value) -> Result<ParsedMetric<'a>, MetricError> {
    let shape = MetricShape::deserialize(metric).unwrap_or_else(|_| MetricShape::from_name(base_name));
    let metric = metric.as_object().ok_or_else(|| (String::new(), "expected an object".to_string()))?;
    let values = metric
        .get("values")
        .and_then(Value::as_object)
        .ok_or_else(|| (".values".to_string(), "expected an object of statistics".to_string()))?;
    let thresholds_failed = count_failed_thresholds(metric, |outcome| {
        outcome.get("ok").and_then(Value::as_bool).map(|ok| !ok).ok_or("expected {\"ok\": true|false}")
    })?;
    Ok(ParsedMetric { shape, values, values_path: ".values", thresholds_failed })
}

fn legacy_metric<'a>(base_name: &str, metric: &'a Map<String, Value>) -> Result<ParsedMetric<'a>, MetricError> {
    let has = |key: &str| metric.contains_key(key);
    let kind = if has("passes") || has("fails") {
        MetricKind::Rate
    } else if has("avg") || has("med") {
        MetricKind::Trend
    } else if has("count") {
        MetricKind::Counter
    } else {
        MetricKind::Gauge
    };
    let shape = MetricShape { kind, contains: Contains::from_name(base_name) };
    // In this dialect `true` means the threshold FAILED (k6 issue #1498).
    let thresholds_failed =
        count_failed_thresholds(metric, |outcome| outcome.as_bool().ok_or("expected true (failed) or false (passed)"))?;
    Ok(ParsedMetric { shape, values: metric, values_path: "", thresholds_failed })
}

/// Number of failed thresholds under `thresholds`, judged by `failed`;
/// `None` when the metric has no thresholds.
fn count_failed_thresholds(
    object: &Map<String, Value>,
    failed: impl Fn(&Value) -> Result<bool, &'static str>,
) -> Result<Option<usize>, MetricError> {
    let Some(thresholds) = object.get("thresholds") else { return Ok(None) };
    let thresholds = thresholds
        .as_object()
        .ok_or_else(|| (".thresholds".to_string(), "expected an object of threshold results".to_string()))?;
    let mut count = 0;
    for (expression, outcome) in thresholds {
        let failed =
            failed(outcome).map_err(|message| (format!(".thresholds[{expression:?}]"), message.to_string()))?;
        count += usize::from(failed);
    }
    Ok((!thresholds.is_empty()).then_some(count))
}

/// k6 statistic names -> perfgate's, times converted from ms to ns.
fn statistics(metric: &ParsedMetric) -> Result<BTreeMap<String, f64>, MetricError> {
    let kind = metric.shape.kind;
    let (_, scale) = metric.shape.unit_and_scale();
    let mut summary = BTreeMap::new();
    let mut passes_and_fails = 0.0;
    for (key, value) in metric.values {
        let Some(statistic) = statistic_name(key, kind) else { continue };
        let number = number_or_null(value).map_err(|message| (format!("{}[{key:?}]", metric.values_path), message))?;
        let Some(number) = number else { continue };
        if matches!(key.as_str(), "passes" | "fails") {
            passes_and_fails += number;
            continue;
        }
        // Rates are fractions and a trend's count is a number of samples: neither is in the metric's unit.
        let in_metric_unit = kind != MetricKind::Rate && !(kind == MetricKind::Trend && statistic == "count");
        summary.insert(statistic, if in_metric_unit { number * scale } else { number });
    }
    if kind == MetricKind::Rate && !summary.contains_key("count") && passes_and_fails > 0.0 {
        summary.insert("count".into(), passes_and_fails);
    }
    Ok(summary)
}

/// perfgate's name for a k6 statistic key; `None` for keys it does not keep.
fn statistic_name(key: &str, kind: MetricKind) -> Option<String> {
    let name = match key {
        "avg" => "mean",
        "med" => "median",
        "min" | "max" | "count" | "rate" => key,
        "passes" | "fails" => key,
        "value" if kind == MetricKind::Rate => "rate",
        "value" => "value",
        _ => return percentile_name(key),
    };
    Some(name.to_string())
}

/// `p(99.9)` -> `p99.9`, `p(50)` -> `median`: the keys KPI statistics look up
/// (`p(100)` is the `max` k6 reports as well).
fn percentile_name(key: &str) -> Option<String> {
    let level = key.strip_prefix("p(")?.strip_suffix(')')?;
    percentile_key(crate::input::text::parse_number(level)?)
}

/// A statistic's value; `None` for `null` (JSON.stringify writes NaN as null).
fn number_or_null(value: &Value) -> Result<Option<f64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => Ok(number.as_f64()),
        other => Err(format!("expected a number, found {other}")),
    }
}

/// `http_req_duration{method:GET,name:/api}` -> (`http_req_duration`, {method: GET, route: /api}).
fn split_sub_metric(name: &str) -> (&str, Tags) {
    let Some((base, selector)) = name.split_once('{') else { return (name, Tags::new()) };
    let Some(selector) = selector.strip_suffix('}') else { return (name, Tags::new()) };
    let tags = selector
        .split(',')
        .filter_map(|pair| pair.split_once(':'))
        .map(|(key, value)| normalize_tag(key.trim(), value.trim()))
        .collect();
    (base, tags)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::input::validate_benchmark;
    use crate::model::Unit;

    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("k6-summary", name)
    }

    fn load_text(content: &str) -> Result<Vec<Benchmark>, InputError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content.as_bytes()).unwrap();
        load(file.path(), &InputOptions::default())
    }

    fn both_dialects() -> (Vec<Benchmark>, Vec<Benchmark>) {
        (
            load(&fixture("summary-export.json"), &InputOptions::default()).unwrap(),
            load(&fixture("handle-summary.json"), &InputOptions::default()).unwrap(),
        )
    }

    #[test]
    fn both_dialects_of_one_run_normalize_to_the_same_benchmarks() {
        let (legacy, handle_summary) = both_dialects();
        assert_eq!(legacy.len(), 18);
        assert_eq!(legacy, handle_summary);
        for bench in &legacy {
            validate_benchmark(&fixture("summary-export.json"), bench).unwrap();
        }
    }

    #[test]
    fn threshold_outcomes_agree_across_dialects() {
        let (legacy, handle_summary) = both_dialects();
        // Legacy `true` and handleSummary `ok: false` are both failures.
        for (id, failed) in [
            ("http_req_duration", 0.0),
            ("http_req_duration{method:GET}", 2.0),
            ("http_req_failed", 1.0),
            ("checks", 1.0),
        ] {
            assert_eq!(find(&legacy, id).summary.get(THRESHOLD_FAILED), Some(&failed), "{id} legacy");
            assert_eq!(find(&handle_summary, id).summary.get(THRESHOLD_FAILED), Some(&failed), "{id} handleSummary");
        }
        assert_eq!(find(&legacy, "http_reqs").summary.get(THRESHOLD_FAILED), None, "no thresholds, no key");
    }

    #[test]
    fn threshold_booleans_mean_opposite_things_in_the_two_dialects() {
        let legacy = load_text(r#"{"metrics":{"vus":{"value":1,"thresholds":{"value<10":false}}}}"#).unwrap();
        let handle = load_text(
            r#"{"metrics":{"vus":{"type":"gauge","contains":"default","values":{"value":1},"thresholds":{"value<10":{"ok":false}}}}}"#,
        )
        .unwrap();
        assert_eq!(legacy[0].summary[THRESHOLD_FAILED], 0.0, "legacy false = passed");
        assert_eq!(handle[0].summary[THRESHOLD_FAILED], 1.0, "ok false = failed");
    }

    #[test]
    fn trend_statistics_are_renamed_and_converted_to_ns() {
        let (legacy, _) = both_dialects();
        let get = find(&legacy, "http_req_duration{method:GET}");
        // "avg": 3046.5806633, "med": 43.414935, "p(99.9)": 58862.376663235096 (ms)
        assert_eq!(get.unit, Unit::Ns);
        assert_eq!(get.summary["mean"], 3046.5806633 * 1e6);
        assert_eq!(get.summary["median"], 43.414935 * 1e6);
        assert_eq!(get.summary["p99.9"], 58862.376663235096 * 1e6);
        for key in ["min", "max", "p90", "p95", "p99"] {
            assert!(get.summary.contains_key(key), "{key}");
        }
        assert!(get.samples.is_empty());
        // `--summary-trend-stats` may ask for p(50), p(99.90) or p(100): keys KPI statistics find.
        let custom =
            load_text(r#"{"metrics":{"http_req_duration":{"p(50)":2,"p(99.90)":9,"p(100)":10,"max":10}}}"#).unwrap();
        let keys: Vec<&str> = custom[0].summary.keys().map(String::as_str).collect();
        assert_eq!(keys, ["max", "median", "p99.9"]);
    }

    #[test]
    fn rates_counters_and_gauges_keep_their_meaning() {
        let (legacy, _) = both_dialects();
        // "http_req_failed": {"fails": 27, "passes": 3, "value": 0.1}
        let failed = find(&legacy, "http_req_failed");
        assert_eq!(failed.unit, Unit::Ratio);
        assert_eq!((failed.summary["rate"], failed.summary["count"]), (0.1, 30.0));
        let requests = find(&legacy, "http_reqs");
        assert_eq!((requests.unit.clone(), requests.summary["count"]), (Unit::Count, 30.0));
        assert_eq!(find(&legacy, "data_received").unit, Unit::Bytes);
        assert!(find(&legacy, "vus_max").summary.contains_key("value"));
    }

    #[test]
    fn sub_metric_selectors_become_tags() {
        let (legacy, _) = both_dialects();
        let get = find(&legacy, "http_req_duration{method:GET}");
        assert_eq!(get.metric, "http_req_duration");
        assert_eq!(get.tags.get("method").map(String::as_str), Some("GET"));
        let (base, tags) = split_sub_metric("http_req_duration{name:https://api.example.test/a, status:200}");
        assert_eq!(base, "http_req_duration");
        assert_eq!(tags.get("route").map(String::as_str), Some("/a"));
        assert_eq!(tags.get("status").map(String::as_str), Some("200"));
        assert_eq!(split_sub_metric("odd{name").0, "odd{name");
    }

    #[test]
    fn legacy_custom_trends_are_times_only_when_named_like_durations() {
        let text = r#"{"metrics":{"login_duration":{"avg":2,"med":1},"cart_items":{"avg":2,"med":1}}}"#;
        let benchmarks = load_text(text).unwrap();
        assert_eq!(find(&benchmarks, "login_duration").summary["mean"], 2e6);
        assert_eq!(find(&benchmarks, "cart_items").summary["mean"], 2.0);
        assert_eq!(find(&benchmarks, "cart_items").unit, Unit::Count);
    }

    #[test]
    fn null_statistics_are_skipped_and_empty_metrics_dropped() {
        let text = r#"{"metrics":{"a_time":{"type":"trend","contains":"time","values":{"avg":null,"max":3}},"b":{"type":"counter","values":{}}}}"#;
        let benchmarks = load_text(text).unwrap();
        assert_eq!(benchmarks.len(), 1);
        assert_eq!(benchmarks[0].summary, BTreeMap::from([("max".to_string(), 3e6)]));
    }

    #[test]
    fn malformed_summaries_are_located_by_json_path() {
        let no_metrics = load_text(r#"{"name": "app"}"#).unwrap_err();
        assert_eq!(no_metrics.location, Location::JsonPath("$.metrics".into()));
        let bad_value = load_text(r#"{"metrics":{"x":{"type":"trend","values":{"avg":"fast"}}}}"#).unwrap_err();
        assert_eq!(bad_value.location, Location::JsonPath(r#"$.metrics["x"].values["avg"]"#.into()));
        assert!(bad_value.message.contains("expected a number"), "{}", bad_value.message);
        let bad_threshold = load_text(r#"{"metrics":{"x":{"avg":1,"thresholds":{"avg<2":"yes"}}}}"#).unwrap_err();
        assert_eq!(bad_threshold.location, Location::JsonPath(r#"$.metrics["x"].thresholds["avg<2"]"#.into()));
        assert!(bad_threshold.message.contains("true (failed)"), "{}", bad_threshold.message);
        let not_object = load_text(r#"{"metrics":{"x":[1]}}"#).unwrap_err();
        assert_eq!(not_object.location, Location::JsonPath(r#"$.metrics["x"]"#.into()));
        let truncated = load_text("{\"metrics\": {\"x\": {\"avg\": 1").unwrap_err();
        assert!(matches!(truncated.location, Location::LineColumn(1, _)), "{:?}", truncated.location);
        assert!(load_text("").unwrap_err().message.contains("invalid JSON"));
    }
}
