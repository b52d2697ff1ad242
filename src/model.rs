//! Normalized results: what every adapter produces and every later stage reads.
//!
//! A [`ResultSet`] holds the benchmarks of one or more suites. Each
//! [`Benchmark`] is one measured series (a criterion benchmark, a hyperfine
//! command, a load-test metric for one tag combination) with its unit,
//! direction, tags and — wherever the tool provides them — the raw samples.
//! Durations are always stored in nanoseconds, whatever the tool printed, so
//! budgets like `max = "2ms"` work for every input.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod buckets;
pub mod calibration;
pub mod commit;
pub mod histogram;
pub mod history;
pub mod statistic;
pub mod units;

pub use commit::Commit;
pub use statistic::Statistic;

use buckets::BucketCount;
use histogram::Histogram;

/// The metric of the CPU time (user and system, in nanoseconds) of each run of a suite's command.
pub const CPU_TIME: &str = "cpu-time";
/// The metric of the peak resident memory (bytes) of each run of a suite's command.
pub const MAX_RSS: &str = "max-rss";

/// Whether `metric` is one of the resource series perfgate keeps of every run of a suite's
/// command: a KPI judges them only when its `metric` names them.
pub fn is_resource_metric(metric: &str) -> bool {
    metric == CPU_TIME || metric == MAX_RSS
}

/// Version of the JSON form of [`ResultSet`]; bumped on incompatible changes.
pub const RESULTS_SCHEMA: u32 = 1;

/// The results of one or more suites, as `perfgate run` writes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultSet {
    pub schema: u32,
    /// Where these results came from (commit, tool); informational.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
    pub suites: Vec<SuiteResults>,
}

/// The benchmarks collected for one `[[suite]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteResults {
    pub name: String,
    pub benchmarks: Vec<Benchmark>,
}

/// One measured series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    /// Benchmark id as the tool names it (`parse/small`, a hyperfine command,
    /// a k6 metric name). Globs in a KPI's `bench` match this.
    pub id: String,
    /// What is measured: `time` for microbenchmarks, the metric name for
    /// load-test data (`http_req_duration`, `latency`, `errors`, ...).
    pub metric: String,
    pub unit: Unit,
    pub direction: Direction,
    /// Tags of the series (route, method, status, ...); `where` filters match these.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Raw samples in `unit` (per-iteration times, per-request latencies, 0/1 flags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<f64>,
    /// The samples of a large series as a histogram (≤ 0.1 % relative error)
    /// instead of `samples`: memory bounded by the spread, not the row count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Histogram>,
    /// A tool's own coarse cumulative buckets (a Prometheus histogram) instead of
    /// values: a statistic is only known to lie between two bucket bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<Vec<BucketCount>>,
    /// Round of each sample when base and head ran in interleaved rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<Vec<u32>>,
    /// Statistics reported by the tool itself, keyed by statistic name
    /// (`mean`, `median`, `p95`, `min`, `max`, `count`, `rate`, `throughput`,
    /// `lower`, `upper`, ...). Used when there are no raw samples.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub summary: BTreeMap<String, f64>,
    /// Counts, bytes, instructions: the same code gives the same value, so
    /// comparisons are exact instead of statistical.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deterministic: bool,
    /// Instruction counts of repeated counted runs, one sample per run (`measure =
    /// "instructions"`): nearly deterministic, so compared by their ratio within the spread the
    /// runs show (never less than a measured floor), not exactly.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub counted: bool,
    /// Work done per iteration, for throughput KPIs (criterion `Throughput`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<Throughput>,
    /// Seconds of wall-clock time the values were observed over (request logs:
    /// first to last request of the whole log), so `throughput` is count / window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<f64>,
    /// Seconds the harness spent measuring these samples in the run that made them (criterion:
    /// the sum of its sample times), for telling whether a run was as short as it was asked to be.
    /// Known while the run's results are collected; never stored.
    #[serde(skip)]
    pub measured_seconds: Option<f64>,
    /// Where in its input the adapter read it (a JSON path), for the registry's one check of what
    /// every adapter made; never stored.
    #[serde(skip)]
    pub read_at: ReadAt,
}

/// Where in an input a benchmark was read: a JSON path such as `$.results[2]`, when the format
/// has them, and the file inside an input folder. Not part of what the benchmark is: two
/// benchmarks equal in every value are equal wherever they were read.
#[derive(Debug, Clone, Default)]
pub struct ReadAt {
    /// The file it was read from, when the input is a folder of files.
    pub file: Option<std::path::PathBuf>,
    pub json_path: Option<String>,
}

impl ReadAt {
    /// At `json_path` of the input.
    pub fn json(json_path: impl Into<String>) -> ReadAt {
        ReadAt { file: None, json_path: Some(json_path.into()) }
    }

    /// At `json_path` of `file`, one file of an input folder.
    pub fn in_file(file: impl Into<std::path::PathBuf>, json_path: impl Into<String>) -> ReadAt {
        ReadAt { file: Some(file.into()), json_path: Some(json_path.into()) }
    }
}

impl PartialEq for ReadAt {
    fn eq(&self, _: &ReadAt) -> bool {
        true
    }
}

/// Units perfgate understands. Durations are normalized to nanoseconds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// A duration in nanoseconds.
    Ns,
    Bytes,
    /// A plain count (queries, allocations, requests).
    Count,
    /// A fraction in [0, 1] (error flags, rates).
    Ratio,
    /// Events per second (requests/s, ops/s, elements/s).
    PerSecond,
    BytesPerSecond,
    /// Anything else, named as the tool named it (e.g. `instructions`).
    #[serde(untagged)]
    Other(String),
}

impl Unit {
    /// The direction a metric in this unit improves in, when nothing says otherwise.
    pub fn default_direction(&self) -> Direction {
        match self {
            Unit::PerSecond | Unit::BytesPerSecond => Direction::HigherIsBetter,
            // A unit perfgate does not know but that is per second (`MS/s`) is a rate too.
            Unit::Other(name) if name.ends_with("/s") || name.ends_with("/sec") => Direction::HigherIsBetter,
            _ => Direction::LowerIsBetter,
        }
    }

    /// Short label for reports.
    pub fn label(&self) -> &str {
        match self {
            Unit::Ns => "ns",
            Unit::Bytes => "B",
            Unit::Count => "count",
            Unit::Ratio => "ratio",
            Unit::PerSecond => "/s",
            Unit::BytesPerSecond => "B/s",
            Unit::Other(name) => name,
        }
    }
}

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    LowerIsBetter,
    HigherIsBetter,
}

/// Amount of work in one iteration of a benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Throughput {
    Bytes(f64),
    Elements(f64),
}

impl Benchmark {
    /// Whether it holds values (samples, a histogram or bucket counts), not only a tool's summary.
    pub fn has_raw_values(&self) -> bool {
        !self.samples.is_empty() || self.histogram.is_some() || self.buckets.is_some()
    }

    /// A benchmark with raw samples and the unit's default direction.
    pub fn with_samples(id: impl Into<String>, metric: impl Into<String>, unit: Unit, samples: Vec<f64>) -> Self {
        let direction = unit.default_direction();
        Benchmark {
            id: id.into(),
            metric: metric.into(),
            unit,
            direction,
            tags: BTreeMap::new(),
            samples,
            histogram: None,
            buckets: None,
            rounds: None,
            summary: BTreeMap::new(),
            deterministic: false,
            counted: false,
            throughput: None,
            window_seconds: None,
            measured_seconds: None,
            read_at: ReadAt::default(),
        }
    }
}

impl Benchmark {
    /// A benchmark whose samples are held as a histogram.
    pub fn with_histogram(id: impl Into<String>, metric: impl Into<String>, unit: Unit, histogram: Histogram) -> Self {
        let mut bench = Benchmark::with_samples(id, metric, unit, Vec::new());
        bench.histogram = Some(histogram);
        bench
    }

    /// Number of values measured (raw samples, histogram or bucket counts).
    pub fn value_count(&self) -> u64 {
        match (&self.histogram, &self.buckets) {
            (Some(histogram), _) => histogram.count(),
            (None, Some(buckets)) => buckets::total(buckets),
            (None, None) => self.samples.len() as u64,
        }
    }
}

impl ResultSet {
    pub fn new(suites: Vec<SuiteResults>) -> Self {
        ResultSet { schema: RESULTS_SCHEMA, meta: BTreeMap::new(), suites }
    }
}
