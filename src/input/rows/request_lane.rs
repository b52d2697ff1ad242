//! One lane's share of a request log (see [`super::blocks`]): `latency` per
//! (route, method, status, extra tags), `errors` and counters per (route,
//! method, extra tags), and the lanes combined into benchmarks at the end. Shared by the request CSV
//! and NDJSON readers, which differ only in how a row becomes fields.
//!
//! Values are stamped with their place in the file while a series is small,
//! so [`combine`] gives raw samples in file order; error flags are counts
//! (successes, then failures, as [`Recorder::flags`] writes them — the raw
//! order of 0/1 flags carries no information).

use std::collections::BTreeMap;

use super::key_index::KeyIndex;
use super::recorder::{combine, LaneRecorder, Recorder};
use super::timestamps::WindowTracker;
use super::{tagged_series, Tags, ERRORS_METRIC, LATENCY_METRIC};
use crate::model::{Benchmark, Unit};

/// Whether a request failed, as far as its row tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    /// The log cannot tell (no status or success column): no `errors` series.
    Untold,
    /// No status, in a log that may give other requests one (NDJSON): a
    /// failure when any request of the log has a status, else untold.
    NoStatus,
}

impl From<Option<bool>> for Outcome {
    fn from(failed: Option<bool>) -> Self {
        match failed {
            Some(true) => Outcome::Failed,
            Some(false) => Outcome::Succeeded,
            None => Outcome::Untold,
        }
    }
}

/// The series one lane has seen, keyed by the raw bytes of route, method,
/// status and the extra tags.
#[derive(Default)]
pub struct RequestLane {
    index: KeyIndex,
    series: Vec<RequestSeries>,
    key: Vec<u8>,
    /// Series with pending values in the current block.
    touched: Vec<usize>,
    /// The requests' timestamps.
    pub window: WindowTracker,
}

struct RequestSeries {
    /// Values of route, method, status, then the extra tags (`None`: absent).
    tags: Vec<Option<String>>,
    latencies: Values,
    /// One per counter column.
    counters: Vec<Values>,
    failures: FailureCount,
}

/// One metric of a series in a lane.
#[derive(Default)]
struct Values {
    recorder: LaneRecorder,
    /// The current block's values, recorded together at the block's end: one
    /// histogram at a time stays in cache.
    pending: Vec<f64>,
    /// Their lines in the block, while the recorder keeps raw (stamped) values.
    pending_lines: Vec<u32>,
}

impl Values {
    #[inline]
    fn push(&mut self, line: u32, value: f64) {
        if self.recorder.is_raw() {
            self.pending_lines.push(line);
        }
        self.pending.push(value);
    }

    /// Records the pending values of block `number`.
    fn flush(&mut self, number: u32) {
        let block = u64::from(number) << 32;
        if self.pending_lines.len() == self.pending.len() {
            for (line, value) in self.pending_lines.iter().zip(&self.pending) {
                self.recorder.record(block | u64::from(*line), *value);
            }
        } else {
            // Binned: the stamps are not kept.
            self.pending.iter().for_each(|value| self.recorder.record(block, *value));
        }
        self.pending.clear();
        self.pending_lines.clear();
    }
}

/// Requests and failed requests of a group: 0/1 flags need no histogram.
#[derive(Debug, Default, Clone, Copy)]
struct FailureCount {
    requests: u64,
    failed: u64,
    /// Requests without a status ([`Outcome::NoStatus`]), not in `requests`.
    no_status: u64,
}

impl FailureCount {
    fn add(&mut self, other: FailureCount) {
        self.requests += other.requests;
        self.failed += other.failed;
        self.no_status += other.no_status;
    }

    /// The counts once it is known whether the log has statuses.
    fn resolved(self, log_has_status: bool) -> FailureCount {
        let no_status = if log_has_status { self.no_status } else { 0 };
        FailureCount { requests: self.requests + no_status, failed: self.failed + no_status, no_status: 0 }
    }
}

impl RequestLane {
    /// The series of `parts` — route, method, status, then the extra tags
    /// (`None`: absent) — created on first sight; an error when a new
    /// series' fields are not UTF-8.
    #[inline]
    pub fn slot(&mut self, parts: &[Option<&[u8]>], counters: usize) -> Result<usize, String> {
        self.key.clear();
        // 0xfe and 0xff never occur in UTF-8, so no two field lists share a key.
        for part in parts {
            self.key.extend_from_slice(part.unwrap_or(b"\xff"));
            self.key.push(0xfe);
        }
        // Whole words hash fastest; the key still ends in a separator, so no two keys collide.
        self.key.resize(self.key.len().next_multiple_of(8), 0);
        match self.index.get(&self.key) {
            Some(slot) => Ok(slot),
            None => self.new_slot(parts, counters),
        }
    }

    #[cold]
    fn new_slot(&mut self, parts: &[Option<&[u8]>], counters: usize) -> Result<usize, String> {
        let text = |bytes: &[u8]| {
            std::str::from_utf8(bytes).map(str::to_string).map_err(|_| "expected UTF-8 text".to_string())
        };
        self.series.push(RequestSeries {
            tags: parts.iter().map(|part| part.map(text).transpose()).collect::<Result<_, _>>()?,
            latencies: Values::default(),
            counters: (0..counters).map(|_| Values::default()).collect(),
            failures: FailureCount::default(),
        });
        Ok(self.index.insert(&self.key))
    }

    /// Adds one request to the series at `slot`; `line` is its line in the
    /// block, `counters` its counter values (`None`: not measured).
    #[inline]
    pub fn record(&mut self, slot: usize, line: u32, latency: f64, counters: &[Option<f64>], outcome: Outcome) {
        let series = &mut self.series[slot];
        if series.latencies.pending.is_empty() {
            self.touched.push(slot);
        }
        series.latencies.push(line, latency);
        for (values, value) in series.counters.iter_mut().zip(counters) {
            if let Some(value) = value {
                values.push(line, *value);
            }
        }
        let failures = &mut series.failures;
        match outcome {
            Outcome::Succeeded => failures.requests += 1,
            Outcome::Failed => {
                failures.requests += 1;
                failures.failed += 1;
            }
            Outcome::Untold => {}
            Outcome::NoStatus => failures.no_status += 1,
        }
    }

    /// Records the values of block `number` (call after its last row).
    pub fn finish_block(&mut self, number: u32) {
        for slot in self.touched.drain(..) {
            let series = &mut self.series[slot];
            series.latencies.flush(number);
            series.counters.iter_mut().for_each(|values| values.flush(number));
        }
    }
}

/// `latency` per (route, method, status, extra tags named `tag_names`);
/// `errors` and the counters named `counter_names` per (route, method, extra
/// tags); all from every lane, sorted by id, with the log's window.
pub fn into_benchmarks(lanes: Vec<RequestLane>, tag_names: &[&str], counter_names: &[&str]) -> Vec<Benchmark> {
    let mut index = KeyIndex::default();
    let mut merged: Vec<(Tags, Vec<Vec<LaneRecorder>>, FailureCount)> = Vec::new();
    let mut window = super::timestamps::Window::default();
    for lane in lanes {
        window.merge(lane.window.window());
        for (lane_slot, series) in lane.series.into_iter().enumerate() {
            let key = lane.index.key(lane_slot);
            let slot = index.get(key).unwrap_or_else(|| {
                index.insert(key);
                let names = ["route", "method", "status"].iter().chain(tag_names);
                let tags: Tags =
                    names.zip(series.tags).filter_map(|(name, value)| Some((name.to_string(), value?))).collect();
                merged.push((tags, vec![Vec::new(); 1 + series.counters.len()], FailureCount::default()));
                merged.len() - 1
            });
            let (_, parts, failures) = &mut merged[slot];
            let values = std::iter::once(series.latencies).chain(series.counters);
            parts.iter_mut().zip(values).for_each(|(parts, values)| parts.push(values.recorder));
            failures.add(series.failures);
        }
    }
    let has_requests = |parts: &[Vec<LaneRecorder>]| parts[0].iter().any(|part| part.count() > 0);
    let log_has_status = merged.iter().any(|(tags, parts, _)| tags.contains_key("status") && has_requests(parts));
    let mut errors: BTreeMap<Tags, FailureCount> = BTreeMap::new();
    let mut counters: BTreeMap<(usize, Tags), Vec<LaneRecorder>> = BTreeMap::new();
    let mut benchmarks = Vec::new();
    for (tags, parts, failures) in merged {
        if !has_requests(&parts) {
            continue; // created by a row that turned out bad
        }
        let mut request_tags = tags.clone();
        request_tags.remove("status");
        let mut parts = parts.into_iter();
        let latencies = parts.next().unwrap_or_default();
        for (counter, counter_parts) in parts.enumerate() {
            counters.entry((counter, request_tags.clone())).or_default().extend(counter_parts);
        }
        let failures = failures.resolved(log_has_status);
        if failures.requests > 0 {
            errors.entry(request_tags).or_default().add(failures);
        }
        benchmarks.push(tagged_series(combine(latencies), LATENCY_METRIC, Unit::Ns, tags));
    }
    benchmarks.extend(errors.into_iter().map(|(tags, counts)| {
        tagged_series(Recorder::flags(counts.requests, counts.failed), ERRORS_METRIC, Unit::Ratio, tags)
    }));
    benchmarks.extend(
        counters
            .into_iter()
            .filter(|(_, parts)| parts.iter().any(|p| p.count() > 0))
            .map(|((counter, tags), parts)| tagged_series(combine(parts), counter_names[counter], Unit::Count, tags)),
    );
    let window_seconds = window.seconds();
    benchmarks.iter_mut().for_each(|bench| bench.window_seconds = window_seconds);
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    benchmarks
}
