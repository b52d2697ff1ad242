//! Adapter for oha's JSON output (`oha --output-format json`, `-j` in older
//! versions): three summary-only benchmarks, named after their metric.
//!
//! oha reports times in seconds; they are stored in nanoseconds.
//! - `latency` (ns): `latencyPercentiles` under the keys KPI statistics look
//!   up (`p50` as `median`, `p99.9`), `summary.average`/`fastest`/`slowest`
//!   become `mean`/`min`/`max`;
//! - `throughput` (per second): `summary.requestsPerSec`;
//! - `errors` (ratio): `rate` = 1 − `summary.successRate`.
//!
//! oha writes `null` for statistics it could not compute (no request
//! finished); those are left out rather than read as zero.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::text::parse_number;
use crate::input::units::percentile_key;
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::units::nanoseconds_per;
use crate::model::{Benchmark, Unit};

#[derive(Deserialize)]
struct Report {
    summary: Summary,
    #[serde(rename = "latencyPercentiles", default)]
    latency_percentiles: BTreeMap<String, Option<f64>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    success_rate: Option<f64>,
    requests_per_sec: Option<f64>,
    slowest: Option<f64>,
    fastest: Option<f64>,
    average: Option<f64>,
}

/// Load one oha JSON report.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let report: Report = crate::input::read_json(path)?;
    let at = |json_path: String, message: String| InputError::new(path, Location::JsonPath(json_path), message);
    let non_negative = |json_path: String, value: f64| crate::input::non_negative_at(path, json_path, value);
    let ns_per_second = nanoseconds_per("s").expect("seconds are a duration");

    let summary = &report.summary;
    let mut latency = BTreeMap::new();
    for (key, seconds) in [("mean", summary.average), ("min", summary.fastest), ("max", summary.slowest)] {
        if let Some(seconds) = seconds {
            latency.insert(
                key.to_string(),
                non_negative(format!("$.summary.{}", oha_name(key)), seconds)? * ns_per_second,
            );
        }
    }
    for (key, seconds) in &report.latency_percentiles {
        let percent = key.strip_prefix('p').and_then(parse_number).filter(|p| *p <= 100.0).ok_or_else(|| {
            at(format!("$.latencyPercentiles[{key:?}]"), "expected percentile keys like \"p99\"".into())
        })?;
        // p100 would be the maximum, which `slowest` gives.
        if let (Some(name), Some(seconds)) = (percentile_key(percent), seconds) {
            let ns = non_negative(format!("$.latencyPercentiles[{key:?}]"), *seconds)? * ns_per_second;
            latency.insert(name, ns);
        }
    }

    let mut benchmarks = Vec::new();
    let mut push = |metric: &str, unit: Unit, summary: BTreeMap<String, f64>| {
        if !summary.is_empty() {
            let mut bench = Benchmark::with_samples(metric, metric, unit, Vec::new());
            bench.summary = summary;
            benchmarks.push(bench);
        }
    };
    push("latency", Unit::Ns, latency);
    if let Some(rate) = summary.requests_per_sec {
        let rate = non_negative("$.summary.requestsPerSec".into(), rate)?;
        push("throughput", Unit::PerSecond, BTreeMap::from([("throughput".to_string(), rate)]));
    }
    if let Some(success) = summary.success_rate {
        if !(0.0..=1.0).contains(&success) {
            return Err(at("$.summary.successRate".into(), format!("expected a ratio from 0 to 1, found {success}")));
        }
        push("errors", Unit::Ratio, BTreeMap::from([("rate".to_string(), 1.0 - success)]));
    }
    Ok(benchmarks)
}

/// oha's name of the summary field read into `key`, for error paths.
fn oha_name(key: &str) -> &str {
    match key {
        "mean" => "average",
        "min" => "fastest",
        _ => "slowest",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support::{self, find};
    use crate::model::Direction;
    use std::path::PathBuf;

    /// Made by oha 1.16.0 (`cargo install oha --locked`) on loopback:
    /// - `ok.json`: `oha -n 200 -c 2 --no-tui --output-format json http://127.0.0.1:18080/`
    ///   against `python3 -m http.server 18080 --bind 127.0.0.1`;
    /// - `errors.json`: `oha -n 40 -c 4 -t 1s --no-tui --output-format json http://127.0.0.1:18081/`
    ///   against a local Python server that answered every 5th request after 1.2 s and closed
    ///   every 7th connection without answering (8 timeouts, 4 closed connections).
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("oha", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn seconds_become_nanoseconds() {
        let benchmarks = load(&fixture("ok.json"), &InputOptions::default()).unwrap();
        let latency = find(&benchmarks, "latency");
        assert_eq!((latency.metric.as_str(), &latency.unit), ("latency", &Unit::Ns));
        assert!(latency.samples.is_empty());
        // "average": 0.0010888723249999996, "fastest": 0.000402577, "slowest": 0.002387357,
        // "p10": 0.000683142, "p50": 0.001101572, "p99": 0.002062776, "p99.9": 0.002387357
        let expected = [
            ("mean", 1_088_872.325),
            ("min", 402_577.0),
            ("max", 2_387_357.0),
            ("p10", 683_142.0),
            ("median", 1_101_572.0),
            ("p99", 2_062_776.0),
            ("p99.9", 2_387_357.0),
        ];
        for (key, ns) in expected {
            assert!(close(latency.summary[key], ns), "{key}: {}", latency.summary[key]);
        }
        assert_eq!(latency.summary.len(), 3 + 9, "mean, min, max and nine percentiles");
        assert_eq!(find(&benchmarks, "throughput").summary["throughput"], 1811.536049965932);
        assert_eq!(find(&benchmarks, "errors").summary["rate"], 0.0);
    }

    #[test]
    fn failed_requests_are_an_error_rate() {
        let benchmarks = load(&fixture("errors.json"), &InputOptions::default()).unwrap();
        // "successRate": 0.7 (12 of 40 requests timed out or lost their connection)
        assert!(close(find(&benchmarks, "errors").summary["rate"], 0.3));
        // "p10": 0.000603804 and "p50": 0.043030444: sub-millisecond and tens of milliseconds
        let latency = find(&benchmarks, "latency");
        assert!(close(latency.summary["p10"], 603_804.0) && close(latency.summary["median"], 43_030_444.0));
    }

    #[test]
    fn null_statistics_are_left_out_and_bad_values_are_located() {
        let text = r#"{"summary":{"successRate":null,"requestsPerSec":0.0,"slowest":null,"fastest":null,"average":null},
            "latencyPercentiles":{"p50":null}}"#;
        let benchmarks = load_text(text).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["throughput"]);
        let error = load_text(r#"{"summary":{"successRate":1.5}}"#).unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$.summary.successRate".into()));
        let error = load_text(r#"{"summary":{"slowest":-0.5}}"#).unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$.summary.slowest".into()));
        let error = load_text(r#"{"summary":{},"latencyPercentiles":{"p50":"fast"}}"#).unwrap_err();
        assert!(matches!(error.location, Location::LineColumn(1, _)), "{error}");
        let error = load_text("{\"summary\":\n  {\"average\": 0.1,}\n}").unwrap_err();
        assert!(matches!(error.location, Location::LineColumn(2, _)), "{error}");
        assert!(load_text(r#"{"results":[]}"#).unwrap_err().message.contains("summary"));
    }

    #[test]
    fn directions_follow_units() {
        let text = r#"{"summary":{"successRate":0.75,"requestsPerSec":10.5,"average":0.002}}"#;
        let benchmarks = load_text(text).unwrap();
        assert_eq!(find(&benchmarks, "throughput").direction, Direction::HigherIsBetter);
        let errors = find(&benchmarks, "errors");
        assert_eq!(
            (&errors.unit, errors.direction, errors.summary["rate"]),
            (&Unit::Ratio, Direction::LowerIsBetter, 0.25)
        );
        assert!(close(find(&benchmarks, "latency").summary["mean"], 2e6));
    }
}
