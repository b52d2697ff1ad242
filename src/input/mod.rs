//! Reading tools' outputs into normalized [`Benchmark`]s. The adapters, one
//! module per tool format, are in [`adapters`]; this folder holds what they
//! share: the registry ([`formats`]) says what each format is, how to
//! recognize and load it, and checks what every adapter made; [`detect`]
//! recognizes a format from the content; [`rows`] streams row formats;
//! [`units`] and `text` parse values. [`load`] loads and checks any input.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::fields::FieldMap;
use crate::config::{Config, ConfigError, Suite};
use crate::model::{Benchmark, ReadAt, ResultSet, RESULTS_SCHEMA};

pub use formats::{Format, Registry};

pub mod adapters;
pub use adapters::{
    bencher, benchmark_dotnet, benchmark_js, bmf, catch2, criterion, go_bench, google_benchmark, hlog, hyperfine,
    iai_callgrind, jaeger_json, jmeter, jmh, k6, k6_csv, k6_summary, latency, locust_csv, locust_json, oha, otlp_json,
    prometheus, pytest_benchmark, vegeta, vegeta_csv, wrk,
};

pub mod detect;
pub mod formats;
pub mod rows;
#[cfg(test)]
mod test_support;
mod text;
pub mod traces;
pub mod units;

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
    /// Say on stderr how an input was read where a format allows several readings (`--verbose`).
    pub verbose: bool,
}

impl InputOptions {
    /// Adapter options for a suite's inputs.
    pub fn for_suite(suite: &Suite) -> InputOptions {
        InputOptions {
            fields: suite.fields.clone(),
            delimiter: suite.delimiter.and_then(|c| u8::try_from(c).ok()),
            suite: Some(suite.name.clone()),
            modified_since: None,
            max_bad_rows: suite.max_bad_rows,
            unit: suite.unit.clone(),
            verbose: false,
        }
    }
}

/// What the input stage checks of a budget file: every suite names a format
/// there is, and sets `unit` only where the format's values carry none.
pub fn check_config(config: &Config) -> Result<(), ConfigError> {
    for suite in &config.suites {
        let error = |message: String, hint: Option<String>| ConfigError {
            path: config.path.clone(),
            line: suite.format.line,
            column: suite.format.column,
            message,
            hint,
        };
        let format = Format::of_suite(suite).map_err(|message| error(message, None))?;
        if let Some(unit) = &suite.unit {
            if !format.spec().takes_value_unit {
                return Err(error(
                    format!("suite {:?}: unit = {unit:?} applies to hlog inputs only, not {format}", suite.name),
                    Some("remove `unit`; this format carries its own units".into()),
                ));
            }
        }
    }
    Ok(())
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

/// Load one input in the given format (detected for `auto`), with what every adapter's output must obey checked.
pub fn load(format: Format, path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    Registry::builtin().load(format, path, options)
}

/// Read a normalized results file (what `perfgate run` writes), every benchmark checked.
pub fn read_result_set(path: &Path) -> Result<ResultSet, InputError> {
    let set = parse_result_set(path)?;
    for bench in set.suites.iter().flat_map(|suite| &suite.benchmarks) {
        validate_benchmark(path, bench)?;
    }
    Ok(set)
}

/// A normalized results file, each benchmark located (`$.suites[i].benchmarks[j]`) but not checked.
fn parse_result_set(path: &Path) -> Result<ResultSet, InputError> {
    let mut set: ResultSet = read_json(path)?;
    if set.schema != RESULTS_SCHEMA {
        return Err(InputError::new(
            path,
            Location::JsonPath("$.schema".into()),
            format!("results schema {} is not supported (this perfgate reads schema {RESULTS_SCHEMA})", set.schema),
        ));
    }
    for (suite_index, suite) in set.suites.iter_mut().enumerate() {
        for (bench_index, bench) in suite.benchmarks.iter_mut().enumerate() {
            bench.read_at = ReadAt::json(format!("$.suites[{suite_index}].benchmarks[{bench_index}]"));
        }
    }
    Ok(set)
}

/// Read one suite of a normalized results file: the only one, or the one named in the options.
fn load_normalized(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let suite = options.suite.as_deref();
    let set = parse_result_set(path)?;
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

/// What every adapter's output obeys, checked in one place (the registry's `load`, and reading a
/// results file): finite, non-negative samples; rounds aligned; some values. The benchmark's
/// `read_at` locates it in its input (a file of the input folder, a JSON path); without a JSON
/// path the message names the benchmark only.
pub fn validate_benchmark(path: &Path, bench: &Benchmark) -> Result<(), InputError> {
    let path = bench.read_at.file.as_deref().unwrap_or(path);
    let at = |suffix: String| match &bench.read_at.json_path {
        Some(json_path) => Location::JsonPath(format!("{json_path}{suffix}")),
        None => Location::Whole,
    };
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
    if !bench.has_raw_values() && bench.summary.is_empty() {
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
