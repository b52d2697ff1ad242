//! Row-shaped inputs (per-request CSV/NDJSON, JMeter JTL, k6 points): grouping
//! rows into series, one [`Benchmark`] per (metric, tag combination).
//!
//! The readers that turn files into rows live in [`csv_table`],
//! [`request_csv`] and [`ndjson`]; large files are parsed on several lanes
//! ([`blocks`]) whose series ([`request_lane`], [`recorder`]) are combined at
//! the end. This module only knows about values, units and tags.

pub mod blocks;
pub mod csv_table;
pub mod key_index;
pub mod ndjson;
#[cfg(test)]
#[cfg(test)]
pub mod one_pass_oracle;
pub mod recorder;
pub mod request_csv;
pub mod request_lane;
pub mod scan;
pub mod timestamps;

use std::collections::BTreeMap;

use crate::model::{Benchmark, Unit};
use recorder::Recorder;

/// Tag name -> value, sorted so ids and grouping are stable.
pub type Tags = BTreeMap<String, String>;

/// Metric of per-request latencies produced by the request-log adapters.
pub const LATENCY_METRIC: &str = "latency";
/// Metric of per-request error flags (0.0 ok, 1.0 error).
pub const ERRORS_METRIC: &str = "errors";

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

/// Tags shared by a request's latency and error series.
pub fn request_tags(route: String, method: Option<String>) -> Tags {
    let mut tags = Tags::from([("route".to_string(), route)]);
    if let Some(method) = method {
        tags.insert("method".into(), method);
    }
    tags
}

pub use crate::config::fields::{status_bytes_are_failure, status_is_failure};

/// A number from a field's bytes: plain decimals (`123`, `123.456`, `.5`) are
/// parsed by hand (the per-row hot path), anything else (signs, exponents,
/// `inf`) by the standard parser. `None` when it is not a number.
#[inline]
pub fn parse_number(text: &[u8]) -> Option<f64> {
    parse_plain_decimal(text).or_else(|| parse_other_number(text))
}

#[cold]
fn parse_other_number(text: &[u8]) -> Option<f64> {
    std::str::from_utf8(text).ok()?.parse::<f64>().ok()
}

/// Digits with at most one point, up to 19 characters.
#[inline]
fn parse_plain_decimal(text: &[u8]) -> Option<f64> {
    let (mantissa, decimals) = plain_decimal_parts(text)?;
    Some(mantissa as f64 / POWERS_OF_TEN[decimals])
}

const POWERS_OF_TEN: [f64; 19] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

/// `12.345` as (12345, 3): digits with at most one point, up to 19 characters.
#[inline]
fn plain_decimal_parts(text: &[u8]) -> Option<(u64, usize)> {
    if text.is_empty() || text.len() > 19 || text == b"." {
        return None;
    }
    let mut mantissa = 0u64;
    let mut decimals = None;
    for (i, &byte) in text.iter().enumerate() {
        match byte {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(byte - b'0'),
            b'.' if decimals.is_none() => decimals = Some(text.len() - i - 1),
            _ => return None,
        }
    }
    Some((mantissa, decimals.unwrap_or(0)))
}

/// A duration field in nanoseconds, given nanoseconds per unit of the field
/// (`1e6` for ms). A plain decimal and a power-of-ten unit are combined in
/// integers — `12.345` ms is exactly 12 345 000 ns, with no division — when
/// the result is exact in an f64; anything else goes through [`parse_number`]
/// and [`duration_ns`].
#[inline]
pub fn parse_duration_field_ns(text: &[u8], nanos_per_unit: f64) -> Result<f64, String> {
    if let Some((mantissa, decimals)) = plain_decimal_parts(text) {
        let exponent = POWERS_OF_TEN.iter().position(|p| *p == nanos_per_unit);
        if let Some(shift) = exponent.and_then(|e| e.checked_sub(decimals)) {
            let factor = 10u64.pow(shift as u32);
            if let Some(ns) = mantissa.checked_mul(factor).filter(|ns| *ns <= 1 << 53) {
                return Ok(ns as f64);
            }
        }
    }
    let value =
        parse_number(text).ok_or_else(|| format!("expected a number, found {:?}", String::from_utf8_lossy(text)))?;
    duration_ns(value, nanos_per_unit)
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
    use crate::model::units::nanoseconds_per;

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
    fn failure_follows_k6_convention() {
        assert!(!status_is_failure(Some("200")));
        assert!(!status_is_failure(Some("302")));
        assert!(!status_is_failure(Some(" 399 ")));
        assert!(status_is_failure(Some("404")));
        assert!(status_is_failure(Some("199")));
        assert!(status_is_failure(Some("ERR")));
        assert!(status_is_failure(Some("")));
        assert!(status_is_failure(None));
        assert!(!status_is_failure(Some("00200")), "leading zeros parse like u16");
        assert!(status_is_failure(Some("+200")) && status_is_failure(Some("2 00")));
        assert!(!status_bytes_are_failure(Some(b"204")) && status_bytes_are_failure(Some(b"\xff")));
    }

    #[test]
    fn plain_decimals_parse_like_the_standard_parser() {
        for text in ["0", "1", "1.5", "0.001", "123456.789", ".5", "7.", "00012.3400", "1700000000000000000"] {
            assert_eq!(parse_plain_decimal(text.as_bytes()), Some(text.parse::<f64>().unwrap()), "{text}");
        }
        for text in ["", ".", "1.2.3", "-1", "1e3", "inf", " 1"] {
            assert_eq!(parse_plain_decimal(text.as_bytes()), None, "{text}");
        }
        assert_eq!(parse_number(b"1e3"), Some(1000.0));
        assert_eq!(parse_number(b"-1.5"), Some(-1.5));
        assert_eq!(parse_number(b"fast"), None);
    }

    #[test]
    fn duration_fields_scale_exactly_in_integers() {
        assert_eq!(parse_duration_field_ns(b"12.345", 1e6), Ok(12_345_000.0));
        assert_eq!(parse_duration_field_ns(b"7", 1e9), Ok(7e9));
        assert_eq!(parse_duration_field_ns(b"0.5", 1.0), Ok(0.5), "more decimals than the unit: divided");
        assert_eq!(parse_duration_field_ns(b"1e3", 1e6), Ok(1e9));
        assert_eq!(parse_duration_field_ns(b"2.5", 1e3 * 1.5), Ok(3750.0), "not a power of ten");
        assert!(parse_duration_field_ns(b"-1", 1e6).unwrap_err().contains("non-negative"));
        assert!(parse_duration_field_ns(b"slow", 1e6).unwrap_err().contains("expected a number"));
        for text in ["0.001", "1.5", "123456.789", "99999.999"] {
            let exact = parse_duration_field_ns(text.as_bytes(), 1e6).unwrap();
            let rounded = text.parse::<f64>().unwrap() * 1e6;
            assert!((exact / rounded - 1.0).abs() < 1e-15, "{text}: {exact} vs {rounded}");
        }
    }

    #[test]
    fn durations_convert_to_nanoseconds_and_reject_nonsense() {
        assert_eq!(parse_duration_ns("1.5", nanoseconds_per("ms").unwrap()), Ok(1_500_000.0));
        assert_eq!(parse_duration_ns(" 2 ", nanoseconds_per("s").unwrap()), Ok(2e9));
        assert_eq!(nanoseconds_per("minutes"), None);
        assert!(parse_duration_ns("-1", 1.0).unwrap_err().contains("non-negative"));
        assert!(parse_duration_ns("NaN", 1.0).is_err());
        assert!(parse_duration_ns("fast", 1.0).unwrap_err().contains("expected a number"));
    }
}
