//! Adapters: one module per tool format, each turning a tool's output into
//! normalized [`Benchmark`]s. `load` dispatches on [`Format`]; `detect`
//! recognizes a format from content when the suite says `format = "auto"`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Benchmark, ResultSet, RESULTS_SCHEMA};

pub mod bencher;
pub mod benchmark_dotnet;
pub mod benchmark_js;
pub mod bmf;
pub mod catch2;
pub mod criterion;
pub mod detect;
pub mod go_bench;
pub mod google_benchmark;
pub mod hlog;
pub mod hyperfine;
pub mod iai_callgrind;
pub mod jmeter;
pub mod jmh;
pub mod k6;
pub mod k6_csv;
pub mod k6_summary;
pub mod latency;
pub mod locust_csv;
pub mod locust_json;
pub mod oha;
pub mod prometheus;
pub mod pytest_benchmark;
pub mod rows;
#[cfg(test)]
mod test_support;
mod text;
pub mod units;
pub mod vegeta;
pub mod vegeta_csv;
pub mod wrk;

/// Every input format perfgate reads. The kebab-case names are what
/// `format = "..."` in `perf-budget.toml` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Recognize the format from the content.
    Auto,
    /// perfgate's own normalized results JSON (what `perfgate run` writes).
    Perfgate,
    /// A criterion `target/criterion` folder (or one benchmark's folder).
    Criterion,
    /// libtest / criterion `--output-format bencher` text.
    Bencher,
    /// hyperfine `--export-json`.
    Hyperfine,
    /// Bencher Metric Format JSON.
    Bmf,
    /// k6 `--out json` NDJSON.
    K6,
    /// k6 `--out csv` (plain or gzipped).
    K6Csv,
    /// k6 `--summary-export` or `handleSummary` JSON.
    K6Summary,
    /// Generic per-request latency CSV.
    LatencyCsv,
    /// Generic per-request latency NDJSON.
    LatencyNdjson,
    /// JMeter JTL CSV.
    Jmeter,
    /// `go test -bench` text.
    GoBench,
    /// pytest-benchmark `--benchmark-json` (or a saved `.benchmarks/` file).
    PytestBenchmark,
    /// Google Benchmark JSON (`--benchmark_format=json`).
    GoogleBenchmark,
    /// gungraun / iai-callgrind text output (Valgrind event counts).
    #[serde(alias = "gungraun")]
    #[value(alias = "gungraun")]
    IaiCallgrind,
    /// Catch2 benchmark results: console reporter text or `-r xml`.
    Catch2,
    /// JMH `-rf json` results.
    Jmh,
    /// BenchmarkDotNet JSON export (full or brief).
    BenchmarkDotnet,
    /// benchmark.js `String(event.target)` lines.
    BenchmarkJs,
    /// `wrk --latency` (or wrk2) text output.
    Wrk,
    /// oha JSON (`--output-format json`, `-j` in older versions).
    Oha,
    /// HdrHistogram interval log (`.hlog`, HistogramLogWriter); values in the suite's `unit`.
    Hlog,
    /// Prometheus text-format histograms (a saved `/metrics` scrape).
    Prometheus,
    /// Locust `--csv PREFIX` statistics (`PREFIX_stats.csv`).
    LocustCsv,
    /// Locust `--json` (or `--json-file`) statistics with response-time histograms.
    LocustJson,
    /// vegeta `report -type=json`.
    Vegeta,
    /// vegeta `encode --to csv` results (no header row).
    VegetaCsv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Perfgate => "perfgate",
            Format::Criterion => "criterion",
            Format::Bencher => "bencher",
            Format::Hyperfine => "hyperfine",
            Format::Bmf => "bmf",
            Format::K6 => "k6",
            Format::K6Csv => "k6-csv",
            Format::K6Summary => "k6-summary",
            Format::LatencyCsv => "latency-csv",
            Format::LatencyNdjson => "latency-ndjson",
            Format::Jmeter => "jmeter",
            Format::GoBench => "go-bench",
            Format::PytestBenchmark => "pytest-benchmark",
            Format::GoogleBenchmark => "google-benchmark",
            Format::IaiCallgrind => "iai-callgrind",
            Format::Catch2 => "catch2",
            Format::Jmh => "jmh",
            Format::BenchmarkDotnet => "benchmark-dotnet",
            Format::BenchmarkJs => "benchmark-js",
            Format::Wrk => "wrk",
            Format::Oha => "oha",
            Format::Hlog => "hlog",
            Format::Prometheus => "prometheus",
            Format::LocustCsv => "locust-csv",
            Format::LocustJson => "locust-json",
            Format::Vegeta => "vegeta",
            Format::VegetaCsv => "vegeta-csv",
        }
    }

    /// Where the tool writes its results when a suite names no `input`.
    pub fn default_input(self) -> Option<&'static str> {
        match self {
            Format::Criterion => Some("target/criterion"),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Field/column names of the generic row formats (latency CSV and NDJSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct FieldMap {
    pub route: String,
    pub method: String,
    pub status: String,
    pub latency: String,
    /// Unit of the latency column: `ns`, `us`, `ms` or `s`.
    pub latency_unit: String,
    /// Timestamp column, for throughput over the log's window; by default a
    /// column named `timestamp` is used when there is one.
    pub timestamp: Option<String>,
    /// How timestamps are written: `auto` (epoch numbers by size, RFC 3339 text), `s`, `ms`, `us` or `ns`.
    pub timestamp_unit: String,
    /// Numeric columns recorded per request as metrics of their own (`db_queries`), per route and method.
    pub counters: Vec<String>,
    /// More columns that tag every series (`["region", "scenario"]`), for `where` and `per`.
    pub tags: Vec<String>,
    /// Statuses that count as errors (`["5xx", "429"]`); default: anything outside 200–399.
    pub error_status: Option<Vec<String>>,
    /// A `true`/`false` success column that decides errors instead of the status.
    pub success: Option<String>,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            route: "route".into(),
            method: "method".into(),
            status: "status".into(),
            latency: "latency_ms".into(),
            latency_unit: "ms".into(),
            timestamp: None,
            timestamp_unit: "auto".into(),
            counters: Vec::new(),
            tags: Vec::new(),
            error_status: None,
            success: None,
        }
    }
}

impl FieldMap {
    /// Checks what can be checked before reading any input (the budget file's errors).
    pub fn validate(&self) -> Result<(), String> {
        rows::derived::TimestampUnit::parse(&self.timestamp_unit)?;
        self.error_statuses()?;
        if self.counters.len() > rows::request_csv::MAX_COUNTERS {
            return Err(format!(
                "`counters` lists {}, at most {} are supported",
                self.counters.len(),
                rows::request_csv::MAX_COUNTERS
            ));
        }
        if self.tags.len() > rows::request_csv::MAX_TAGS {
            let most = rows::request_csv::MAX_TAGS;
            return Err(format!("`tags` lists {}, at most {most} are supported", self.tags.len()));
        }
        let taken = [&self.route, &self.method, &self.status, &self.latency];
        let reserved = ["route", "method", "status"];
        let columns: Vec<&String> = self.counters.iter().chain(&self.tags).collect();
        for (i, column) in columns.iter().enumerate() {
            if taken.contains(column) || columns[..i].contains(column) || reserved.contains(&column.as_str()) {
                return Err(format!(
                    "`counters`/`tags`: {column:?} is listed twice or is already the route, method, status or latency field"
                ));
            }
        }
        Ok(())
    }

    /// The `error-status` patterns (default rule when absent).
    pub fn error_statuses(&self) -> Result<rows::derived::ErrorStatuses, String> {
        self.error_status
            .as_deref()
            .map_or(Ok(rows::derived::ErrorStatuses::default()), rows::derived::ErrorStatuses::parse)
    }
}

/// Adapter options that come from a `[[suite]]` table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputOptions {
    pub fields: FieldMap,
    /// Column delimiter for CSV formats (default `,`).
    pub delimiter: Option<u8>,
    /// Suite name, used to pick a suite out of a normalized results file.
    pub suite: Option<String>,
    /// Results written before this moment are stale (left over from an earlier run) and ignored
    /// where the format allows telling (criterion folders).
    pub modified_since: Option<std::time::SystemTime>,
    /// Rows of a row format that may fail to parse (skipped and reported) before the input fails.
    pub max_bad_rows: u64,
    /// Unit of values that carry none (HdrHistogram logs): `ns`, `us`, `ms` or `s`.
    pub unit: Option<String>,
}

/// Reads a whole JSON file as a `T`; errors name the file and, for bad JSON, the place.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError::io(path, &e))?;
    serde_json::from_str(&text).map_err(|e| InputError::json(path, &e))
}

/// `value` unless it is negative, which is an error at `json_path` of `path`.
pub(crate) fn non_negative_at(path: &Path, json_path: String, value: f64) -> Result<f64, InputError> {
    if value < 0.0 {
        let message = format!("expected a non-negative number, found {value}");
        return Err(InputError::new(path, Location::JsonPath(json_path), message));
    }
    Ok(value)
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    Whole,
    Line(u64),
    LineColumn(u64, u64),
    JsonPath(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Whole => Ok(()),
            Location::Line(line) => write!(f, ":{line}"),
            Location::LineColumn(line, column) => write!(f, ":{line}:{column}"),
            Location::JsonPath(path) => write!(f, " at {path}"),
        }
    }
}

/// A problem with an input file: names the file, the place and what was expected.
#[derive(Debug, thiserror::Error)]
#[error("{}{location}: {message}", path.display())]
pub struct InputError {
    pub path: PathBuf,
    pub location: Location,
    pub message: String,
}

impl InputError {
    pub fn new(path: &Path, location: Location, message: impl Into<String>) -> Self {
        InputError { path: path.to_path_buf(), location, message: message.into() }
    }

    pub fn whole(path: &Path, message: impl Into<String>) -> Self {
        Self::new(path, Location::Whole, message)
    }

    pub fn io(path: &Path, error: &std::io::Error) -> Self {
        Self::whole(path, format!("cannot read: {error}"))
    }

    /// A serde_json error, located by line and column.
    pub fn json(path: &Path, error: &serde_json::Error) -> Self {
        let location = if error.line() == 0 {
            Location::Whole
        } else {
            Location::LineColumn(error.line() as u64, error.column() as u64)
        };
        Self::new(path, location, format!("invalid JSON: {error}"))
    }
}

/// Load one input in the given format.
pub fn load(format: Format, path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let format = match format {
        Format::Auto => detect::detect(path)?,
        other => other,
    };
    let benchmarks = match format {
        Format::Auto => unreachable!("detect never answers auto"),
        Format::Perfgate => load_normalized(path, options.suite.as_deref())?,
        Format::Criterion => criterion::load(path, options.modified_since)?,
        Format::Bencher => bencher::load(path)?,
        Format::Hyperfine => hyperfine::load(path)?,
        Format::Bmf => bmf::load(path)?,
        Format::K6 => k6::load_with_options(path, options)?,
        Format::K6Csv => k6_csv::load(path)?,
        Format::K6Summary => k6_summary::load(path)?,
        Format::LatencyCsv => latency::load_csv(path, options)?,
        Format::LatencyNdjson => latency::load_ndjson(path, options)?,
        Format::Jmeter => jmeter::load(path, options)?,
        Format::GoBench => go_bench::load(path)?,
        Format::PytestBenchmark => pytest_benchmark::load(path)?,
        Format::GoogleBenchmark => google_benchmark::load(path)?,
        Format::IaiCallgrind => iai_callgrind::load(path)?,
        Format::Catch2 => catch2::load(path)?,
        Format::Jmh => jmh::load(path)?,
        Format::BenchmarkDotnet => benchmark_dotnet::load(path)?,
        Format::BenchmarkJs => benchmark_js::load(path)?,
        Format::Wrk => wrk::load(path)?,
        Format::Oha => oha::load(path)?,
        Format::Hlog => hlog::load(path, options.unit.as_deref())?,
        Format::Prometheus => prometheus::load(path)?,
        Format::LocustCsv => locust_csv::load(path)?,
        Format::LocustJson => locust_json::load(path)?,
        Format::Vegeta => vegeta::load(path)?,
        Format::VegetaCsv => vegeta_csv::load(path, options)?,
    };
    if benchmarks.is_empty() {
        return Err(InputError::whole(path, format!("no benchmarks found in this {format} input")));
    }
    Ok(benchmarks)
}

/// Read a normalized results file (what `perfgate run` writes).
pub fn read_result_set(path: &Path) -> Result<ResultSet, InputError> {
    let set: ResultSet = read_json(path)?;
    if set.schema != RESULTS_SCHEMA {
        return Err(InputError::new(
            path,
            Location::JsonPath("$.schema".into()),
            format!("results schema {} is not supported (this perfgate reads schema {RESULTS_SCHEMA})", set.schema),
        ));
    }
    for (suite_index, suite) in set.suites.iter().enumerate() {
        for (bench_index, bench) in suite.benchmarks.iter().enumerate() {
            let json_path = format!("$.suites[{suite_index}].benchmarks[{bench_index}]");
            validate_benchmark(path, &json_path, bench)?;
        }
    }
    Ok(set)
}

fn load_normalized(path: &Path, suite: Option<&str>) -> Result<Vec<Benchmark>, InputError> {
    let set = read_result_set(path)?;
    let names: Vec<String> = set.suites.iter().map(|s| s.name.clone()).collect();
    let chosen = match (suite, set.suites.len()) {
        (_, 1) => set.suites.into_iter().next(),
        (Some(name), _) => set.suites.into_iter().find(|s| s.name == name),
        (None, _) => None,
    };
    chosen.map(|s| s.benchmarks).ok_or_else(|| {
        InputError::new(
            path,
            Location::JsonPath("$.suites".into()),
            format!("expected a suite named {:?}; this file has: {}", suite.unwrap_or("?"), names.join(", ")),
        )
    })
}

/// Checks every adapter's output obeys: finite, non-negative samples; rounds aligned.
pub fn validate_benchmark(path: &Path, json_path: &str, bench: &Benchmark) -> Result<(), InputError> {
    let at = |suffix: String| Location::JsonPath(format!("{json_path}{suffix}"));
    for (i, value) in bench.samples.iter().enumerate() {
        if !value.is_finite() || *value < 0.0 {
            return Err(InputError::new(
                path,
                at(format!(".samples[{i}]")),
                format!("benchmark {:?}: expected a finite, non-negative sample, found {value}", bench.id),
            ));
        }
    }
    if let Some(rounds) = &bench.rounds {
        if rounds.len() != bench.samples.len() {
            return Err(InputError::new(
                path,
                at(".rounds".into()),
                format!("benchmark {:?}: {} rounds for {} samples", bench.id, rounds.len(), bench.samples.len()),
            ));
        }
    }
    if let Some(buckets) = &bench.buckets {
        crate::model::buckets::validate(buckets).map_err(|message| {
            InputError::new(path, at(".buckets".into()), format!("benchmark {:?}: {message}", bench.id))
        })?;
    }
    if bench.samples.is_empty() && bench.histogram.is_none() && bench.buckets.is_none() && bench.summary.is_empty() {
        return Err(InputError::new(
            path,
            at(String::new()),
            format!("benchmark {:?} has neither samples nor summary statistics", bench.id),
        ));
    }
    Ok(())
}

/// Summary statistics map from `(name, value)` pairs, skipping missing values.
pub fn summary_of<const N: usize>(pairs: [(&str, Option<f64>); N]) -> BTreeMap<String, f64> {
    pairs.into_iter().filter_map(|(name, value)| value.map(|v| (name.to_string(), v))).collect()
}
