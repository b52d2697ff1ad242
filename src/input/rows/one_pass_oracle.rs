//! The single-threaded NDJSON reading perfgate had before the lane-parallel
//! readers (one line at a time into one map of series), kept as the oracle
//! those readers are tested against, and the comparison of the two results.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use serde::de::DeserializeOwned;

use super::recorder::Recorder;
use super::{request_tags, tagged_series, RequestRecord, Tags, ERRORS_METRIC, LATENCY_METRIC};
use crate::input::{InputError, Location};
use crate::model::{Benchmark, Unit};

/// Parses every non-blank line as a `T` and calls `visit` with its line
/// number; an `Err(message)` from `visit` becomes an error at that line.
/// Fails when the file holds no line at all.
pub fn for_each_line<T: DeserializeOwned>(
    path: &Path,
    mut visit: impl FnMut(u64, T) -> Result<(), String>,
) -> Result<(), InputError> {
    let mut reader = super::ndjson::open_maybe_gzipped(path).map_err(|e| InputError::io(path, &e))?;
    let mut bytes = Vec::new();
    let mut line = 0u64;
    let mut records = 0u64;
    loop {
        bytes.clear();
        let read = reader.read_until(b'\n', &mut bytes).map_err(|e| InputError::io(path, &e))?;
        if read == 0 {
            break;
        }
        line += 1;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| InputError::new(path, Location::Line(line), "expected UTF-8 text"))?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        let record: T = serde_json::from_str(text).map_err(|e| record_error(path, line, &e))?;
        visit(line, record).map_err(|message| InputError::new(path, Location::Line(line), message))?;
        records += 1;
    }
    if records == 0 {
        return Err(InputError::whole(path, "the file is empty: expected one JSON object per line"));
    }
    Ok(())
}

fn record_error(path: &Path, line: u64, error: &serde_json::Error) -> InputError {
    let expectation = if error.is_eof() {
        "expected a complete JSON object on this line (is it truncated?)"
    } else if error.is_syntax() {
        "expected one JSON object per line"
    } else {
        "unexpected JSON object on this line"
    };
    InputError::new(path, Location::LineColumn(line, error.column() as u64), format!("{expectation}: {error}"))
}

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

/// Adds the request to the `latency` series (tags route, method, status)
/// and, when the log says whether it failed, to the `errors` series (tags
/// route, method).
pub fn add_request(record: RequestRecord, series: &mut SeriesSet) {
    let mut tags = request_tags(record.route, record.method);
    if let Some(failed) = record.failed {
        push_error_flag(series, tags.clone(), failed);
    }
    if let Some(status) = record.status {
        tags.insert("status".into(), status);
    }
    series.push(LATENCY_METRIC, Unit::Ns, tags, record.latency_ns);
}

/// Adds one request's 0/1 error flag to the `errors` series of `tags`.
pub fn push_error_flag(series: &mut SeriesSet, tags: Tags, failed: bool) {
    series.push(ERRORS_METRIC, Unit::Ratio, tags, if failed { 1.0 } else { 0.0 });
}

/// Asserts that the lanes read the series the single pass read: the same
/// ids, units, tags and window; raw samples in the same order (error flags
/// as counts: their order is not kept); histograms with the same buckets,
/// count, minimum and maximum, and sums equal but for the order of additions.
pub fn assert_same_benchmarks(lanes: &[Benchmark], one_pass: &[Benchmark]) {
    let ids = |benchmarks: &[Benchmark]| benchmarks.iter().map(|b| b.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(lanes), ids(one_pass));
    for (lane, single) in lanes.iter().zip(one_pass) {
        let mut lane = lane.clone();
        let mut single = single.clone();
        if lane.metric == ERRORS_METRIC {
            lane.samples.sort_by(f64::total_cmp);
            single.samples.sort_by(f64::total_cmp);
        }
        match (lane.histogram.take(), single.histogram.take()) {
            (Some(a), Some(b)) => {
                assert!(a.ranges() == b.ranges(), "{}: buckets", lane.id);
                assert_eq!((a.count(), a.min(), a.max()), (b.count(), b.min(), b.max()), "{}", lane.id);
                let close = |x: f64, y: f64, within: f64| (x - y).abs() <= within * x.abs().max(y.abs());
                assert!(close(a.sum(), b.sum(), 1e-12), "{}: sum {} vs {}", lane.id, a.sum(), b.sum());
                assert!(close(a.std_dev(), b.std_dev(), 1e-9), "{}: sd {} vs {}", lane.id, a.std_dev(), b.std_dev());
            }
            (a, b) => assert!(a.is_none() && b.is_none(), "{}: binned in one reading only", lane.id),
        }
        assert_eq!(lane, single);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
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
        add_request(record, &mut set);
        let benchmarks = set.into_benchmarks();
        assert_eq!(benchmarks[0].id, "errors{method=GET,route=/api}");
        assert_eq!(benchmarks[0].unit, Unit::Ratio);
        assert_eq!(benchmarks[0].samples, [1.0]);
        assert_eq!(benchmarks[1].id, "latency{method=GET,route=/api,status=503}");
        assert_eq!(benchmarks[1].samples, [5e6]);
    }
}
