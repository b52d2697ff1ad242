//! vegeta `report -type=json` -> three summary-only series named after their
//! metric (vegeta reports the whole attack, without tags), as oha's are:
//!
//! - `latency` (ns, as vegeta writes them): `mean`, `min`, `max`, and every
//!   `NNth` key as its percentile (`50th` as `median`, `90th` as `p90`, ...),
//!   with `count` = `requests`;
//! - `throughput` (per second): `throughput`, the successful requests per
//!   second over the attack and the wait for its last responses; older vegeta
//!   without it: `rate`, the requests sent per second;
//! - `errors` (ratio): `rate` = 1 − `success`, and `count`, the requests of
//!   `status_codes` outside 200–399 (vegeta's success rule; 0 means no response).
//!
//! `errors` in the report (the distinct error messages) are not statistics
//! and are not read.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::rows::{status_is_failure, summary_series, Tags, ERRORS_METRIC, LATENCY_METRIC};
use crate::input::text::parse_number;
use crate::input::units::percentile_key;
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::{Benchmark, Unit};

#[derive(Deserialize)]
struct Report {
    latencies: BTreeMap<String, f64>,
    requests: Option<u64>,
    rate: Option<f64>,
    throughput: Option<f64>,
    success: Option<f64>,
    #[serde(default)]
    status_codes: BTreeMap<String, u64>,
}

/// Reads one `vegeta report -type=json` output.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let report: Report = crate::input::read_json(path)?;
    let at = |json_path: String, message: String| InputError::new(path, Location::JsonPath(json_path), message);
    let non_negative = |json_path: String, value: f64| crate::input::non_negative_at(path, json_path, value);

    let mut latency = BTreeMap::new();
    for (key, ns) in &report.latencies {
        let name = match key.as_str() {
            "mean" | "min" | "max" => Some(key.clone()),
            _ => key.strip_suffix("th").and_then(parse_number).and_then(percentile_key),
        };
        if let Some(name) = name {
            latency.insert(name, non_negative(format!("$.latencies[{key:?}]"), *ns)?);
        }
    }
    latency.extend(report.requests.map(|n| ("count".to_string(), n as f64)));

    let throughput = match (report.throughput, report.rate) {
        (Some(rate), _) => Some(non_negative("$.throughput".into(), rate)?),
        (None, Some(rate)) => Some(non_negative("$.rate".into(), rate)?),
        (None, None) => None,
    };

    let mut errors = BTreeMap::new();
    if let Some(success) = report.success {
        if !(0.0..=1.0).contains(&success) {
            return Err(at("$.success".into(), format!("expected a ratio from 0 to 1, found {success}")));
        }
        errors.insert("rate".to_string(), 1.0 - success);
    }
    if !report.status_codes.is_empty() {
        let failed = report.status_codes.iter().filter(|(code, _)| status_is_failure(Some(code))).map(|(_, n)| n);
        errors.insert("count".to_string(), failed.sum::<u64>() as f64);
    }

    let series = [
        (LATENCY_METRIC, Unit::Ns, latency),
        ("throughput", Unit::PerSecond, throughput.map(|rate| ("throughput".to_string(), rate)).into_iter().collect()),
        (ERRORS_METRIC, Unit::Ratio, errors),
    ];
    Ok(series
        .into_iter()
        .filter(|(_, _, summary)| !summary.is_empty())
        .map(|(metric, unit, summary)| summary_series(metric, unit, Tags::new(), summary))
        .collect())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::model::Direction;

    /// Written from vegeta's documented report format, not by vegeta: see the README next to it.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("vegeta", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    #[test]
    fn latencies_keep_their_nanoseconds_under_kpi_statistic_names() {
        let benchmarks = load(&fixture("report.json"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["latency", "throughput", "errors"]);
        let latency = find(&benchmarks, "latency");
        assert_eq!((&latency.unit, latency.tags.is_empty()), (&Unit::Ns, true));
        // "mean": 12028657, "50th": 3212135, "90th": 32046598, "95th": 35506716, "99th": 47305570,
        // "max": 63935184, "min": 167610; "requests": 200 ("total" is not a statistic)
        let expected = [
            ("count", 200.0),
            ("max", 63935184.0),
            ("mean", 12028657.0),
            ("median", 3212135.0),
            ("min", 167610.0),
            ("p90", 32046598.0),
            ("p95", 35506716.0),
            ("p99", 47305570.0),
        ];
        assert_eq!(latency.summary, expected.iter().map(|(k, v)| (k.to_string(), *v)).collect());
    }

    #[test]
    fn throughput_and_errors_come_from_success_and_status_codes() {
        let benchmarks = load(&fixture("report.json"), &InputOptions::default()).unwrap();
        let throughput = find(&benchmarks, "throughput");
        assert_eq!(throughput.summary["throughput"], 93.15247545433142, "throughput, not the attack rate");
        assert_eq!(throughput.direction, Direction::HigherIsBetter);
        // "success": 0.935; "status_codes": {"0": 3, "200": 187, "500": 10}
        let errors = find(&benchmarks, "errors");
        assert_eq!(errors.unit, Unit::Ratio);
        assert!((errors.summary["rate"] - 0.065).abs() < 1e-12, "{:?}", errors.summary);
        assert_eq!(errors.summary["count"], 13.0);
    }

    #[test]
    fn older_reports_without_throughput_90th_or_min_use_what_they_have() {
        // vegeta's README example of `report -type=json` from before 90th, min and throughput.
        let text = r#"{"latencies": {"total": 237119463, "mean": 2371194, "50th": 2854306, "95th": 3478629,
            "99th": 3530000, "max": 3660505}, "requests": 100, "rate": 101.01010672380401, "success": 1,
            "status_codes": {"200": 100}, "errors": []}"#;
        let benchmarks = load_text(text).unwrap();
        let latency = find(&benchmarks, "latency");
        assert_eq!(latency.summary.keys().collect::<Vec<_>>(), ["count", "max", "mean", "median", "p95", "p99"]);
        assert!((find(&benchmarks, "throughput").summary["throughput"] - 101.01010672380401).abs() < 1e-9);
        assert_eq!(
            (find(&benchmarks, "errors").summary["rate"], find(&benchmarks, "errors").summary["count"]),
            (0.0, 0.0)
        );
    }

    #[test]
    fn bad_values_are_located() {
        let error = load_text(r#"{"latencies": {"99th": -1}}"#).unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$.latencies[\"99th\"]".into()));
        let error = load_text(r#"{"latencies": {}, "success": 1.5}"#).unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$.success".into()));
        let error = load_text(r#"{"latencies": {}, "throughput": -3}"#).unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$.throughput".into()));
        let error = load_text("{\"latencies\": {\n  \"50th\": \"fast\"}}").unwrap_err();
        assert!(matches!(error.location, Location::LineColumn(2, _)), "{error}");
        assert!(load_text(r#"{"requests": 3}"#).unwrap_err().message.contains("latencies"));
    }

    #[test]
    fn never_panics_on_cut_or_garbled_output() {
        test_support::never_panics_on_prefixes(load, &fixture("report.json"));
    }
}
