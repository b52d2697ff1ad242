//! Adapter for Google Benchmark JSON (`--benchmark_format=json` or
//! `--benchmark_out=FILE --benchmark_out_format=json`).
//!
//! `benchmarks[]` holds one entry per run: `run_type` `iteration` entries
//! are measurements (one per repetition with `--benchmark_repetitions=N`),
//! `aggregate` entries (`_mean`, `_median`, `_stddev`, `_cv`) are the tool's
//! statistics over the repetitions and never benchmarks of their own. Entries
//! are grouped by `run_name`. Repetitions become raw samples; a single run is
//! a mean over its iterations and is kept as summary; with
//! `--benchmark_report_aggregates_only` the aggregates are the summary.
//!
//! `real_time` is the metric `time` (in `time_unit`, converted to ns);
//! `cpu_time`, `bytes_per_second`, `items_per_second` and user counters are
//! secondary metrics under `NAME (METRIC)`. Entries with `error_occurred`
//! (`state.SkipWithError`) are skipped, as Google Benchmark's own tools do.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::units::{normalize, repeated, secondary_id, Scaled};
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::units::nanoseconds_per;
use crate::model::{Benchmark, Unit};

#[derive(Debug, Deserialize)]
struct Report {
    benchmarks: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    name: String,
    /// Absent in versions before 1.5; then `name` is the run's name.
    run_name: Option<String>,
    run_type: Option<RunType>,
    aggregate_name: Option<String>,
    /// `time`, or `percentage` for `cv`.
    aggregate_unit: Option<String>,
    repetitions: Option<u64>,
    real_time: Option<f64>,
    cpu_time: Option<f64>,
    time_unit: Option<String>,
    #[serde(default)]
    error_occurred: bool,
    /// Everything else: counters among bookkeeping fields.
    #[serde(flatten)]
    other: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RunType {
    Iteration,
    Aggregate,
}

/// Numeric fields that are bookkeeping, not measurements.
const BOOKKEEPING: &[&str] = &[
    "family_index",
    "per_family_instance_index",
    "repetition_index",
    "threads",
    "iterations",
    "cpu_coefficient",
    "real_coefficient",
    "rms",
];

/// Aggregates whose values are not in the measurement's unit.
const NOT_IN_UNIT: &[&str] = &["cv", "BigO", "RMS"];

/// All values of one metric of one run: per repetition, and per aggregate.
#[derive(Debug, Default)]
struct MetricValues {
    scaled: Option<Scaled>,
    repetitions: Vec<f64>,
    aggregates: BTreeMap<String, f64>,
}

/// One benchmark run (all repetitions and aggregates of one `run_name`).
#[derive(Debug, Default)]
struct Run {
    name: String,
    declared_repetitions: u64,
    iterations_seen: u64,
    /// Metric name → values, in first-seen order.
    metrics: Vec<(String, MetricValues)>,
}

impl Run {
    fn metric(&mut self, name: &str, scaled: Scaled) -> &mut MetricValues {
        let index = match self.metrics.iter().position(|(known, _)| known == name) {
            Some(index) => index,
            None => {
                self.metrics.push((name.to_string(), MetricValues { scaled: Some(scaled), ..MetricValues::default() }));
                self.metrics.len() - 1
            }
        };
        &mut self.metrics[index].1
    }
}

/// Load every benchmark of a Google Benchmark JSON report.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let report: Report = crate::input::read_json(path)?;
    let mut runs: Vec<Run> = Vec::new();
    for (index, entry) in report.benchmarks.iter().enumerate() {
        let json_path = format!("$.benchmarks[{index}]");
        let at = |field: &str| Location::JsonPath(format!("{json_path}{field}"));
        if entry.error_occurred {
            continue;
        }
        let run_name = entry.run_name.as_deref().unwrap_or(&entry.name);
        let time_unit = entry.time_unit.as_deref().unwrap_or("ns");
        let ns = nanoseconds_per(time_unit).ok_or_else(|| {
            InputError::new(path, at(".time_unit"), format!("expected ns, us, ms or s, found {time_unit:?}"))
        })?;
        let run = match runs.iter().position(|run| run.name == run_name) {
            Some(position) => &mut runs[position],
            None => {
                runs.push(Run { name: run_name.to_string(), ..Run::default() });
                runs.last_mut().expect("just pushed")
            }
        };
        let aggregate = match entry.run_type {
            Some(RunType::Aggregate) => {
                let name = entry.aggregate_name.clone().unwrap_or_default();
                let in_unit =
                    !NOT_IN_UNIT.contains(&name.as_str()) && entry.aggregate_unit.as_deref() != Some("percentage");
                if !in_unit {
                    continue;
                }
                Some(name)
            }
            _ => {
                run.iterations_seen += 1;
                run.declared_repetitions = entry.repetitions.unwrap_or(1).max(1);
                if run.iterations_seen > run.declared_repetitions {
                    return Err(InputError::new(
                        path,
                        at(".name"),
                        format!(
                            "benchmark {run_name:?} has more runs than its {} repetition(s): \
                             expected each benchmark name once (two benchmarks share this name)",
                            run.declared_repetitions
                        ),
                    ));
                }
                None
            }
        };
        let time = Scaled { unit: Unit::Ns, factor: ns };
        let mut values: Vec<(&str, Scaled, f64, String)> = Vec::new();
        if let Some(real) = entry.real_time {
            values.push(("time", time.clone(), real, ".real_time".into()));
        }
        if let Some(cpu) = entry.cpu_time {
            values.push(("cpu_time", time.clone(), cpu, ".cpu_time".into()));
        }
        for (key, value) in &entry.other {
            let Some(number) = value.as_f64().filter(|_| !BOOKKEEPING.contains(&key.as_str())) else { continue };
            let scaled = match key.as_str() {
                "bytes_per_second" => normalize("B/s"),
                "items_per_second" => normalize("items/s"),
                _ => Scaled { unit: Unit::Count, factor: 1.0 },
            };
            values.push((key.as_str(), scaled, number, format!(".{key}")));
        }
        for (metric, scaled, value, field) in values {
            if !(value.is_finite() && value >= 0.0) {
                return Err(InputError::new(
                    path,
                    at(&field),
                    format!("benchmark {run_name:?}: expected a non-negative {metric}, found {value}"),
                ));
            }
            let factor = scaled.factor;
            let values = run.metric(metric, scaled);
            match &aggregate {
                Some(name) => {
                    values.aggregates.insert(name.clone(), value * factor);
                }
                None => values.repetitions.push(value),
            }
        }
    }
    let mut benchmarks = Vec::new();
    for run in &runs {
        for (metric, values) in &run.metrics {
            let id = if metric == "time" { run.name.clone() } else { secondary_id(&run.name, metric) };
            let scaled = values.scaled.clone().unwrap_or(Scaled { unit: Unit::Ns, factor: 1.0 });
            let mut bench = repeated(&id, metric, &scaled, &values.repetitions);
            bench.summary.extend(values.aggregates.iter().map(|(name, value)| (name.clone(), *value)));
            benchmarks.push(bench);
        }
    }
    if benchmarks.is_empty() {
        return Err(InputError::new(
            path,
            Location::JsonPath("$.benchmarks".into()),
            "expected at least one benchmark without error_occurred, found none",
        ));
    }
    Ok(benchmarks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support::{self, find};
    use std::path::PathBuf;

    /// Made with Google Benchmark 1.7.1 (Debian's libbenchmark-dev), on a program with
    /// `BM_StringCopy/8`, `BM_StringCopy/4096` (`SetBytesProcessed`), a benchmark renamed
    /// "sort 1000 ints" (microseconds, `SetItemsProcessed`, a user counter `swaps`) and a
    /// sub-nanosecond `BM_Increment`:
    /// - `repetitions.json`: `--benchmark_repetitions=3 --benchmark_out=… --benchmark_out_format=json`;
    /// - `aggregates-only.json`: `--benchmark_repetitions=4 --benchmark_report_aggregates_only=true --benchmark_format=json`;
    /// - `single-run.json`: no repetitions (console on stdout, JSON through `--benchmark_out`).
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("google-benchmark", name)
    }

    fn load_json(json: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, json)
    }

    #[test]
    fn repetitions_are_samples_and_aggregates_are_not_benchmarks() {
        let benchmarks = load(&fixture("repetitions.json"), &InputOptions::default()).unwrap();
        let times: Vec<&str> = benchmarks.iter().filter(|b| b.metric == "time").map(|b| b.id.as_str()).collect();
        assert_eq!(times, ["BM_StringCopy/8", "BM_StringCopy/4096", "sort 1000 ints", "BM_Increment"]);
        let copy = find(&benchmarks, "BM_StringCopy/8");
        assert_eq!(copy.samples.len(), 3);
        assert!((copy.samples[0] - 9.567_127_365_782_781).abs() < 1e-12);
        assert!((copy.summary["median"] - 9.56712736578278).abs() < 1e-9);
        assert!(!copy.summary.contains_key("cv"), "cv is a percentage, not a time");
    }

    #[test]
    fn time_units_counters_and_rates_are_normalized() {
        let benchmarks = load(&fixture("repetitions.json"), &InputOptions::default()).unwrap();
        let sort = find(&benchmarks, "sort 1000 ints");
        assert!((sort.samples[0] - 26_517.655237202657).abs() < 1e-6, "microseconds become ns");
        let items = find(&benchmarks, "sort 1000 ints (items_per_second)");
        assert_eq!(items.unit, Unit::PerSecond);
        assert_eq!(items.direction, crate::model::Direction::HigherIsBetter);
        assert_eq!(find(&benchmarks, "sort 1000 ints (swaps)").samples, [42.0; 3]);
        assert_eq!(find(&benchmarks, "BM_StringCopy/4096 (bytes_per_second)").unit, Unit::BytesPerSecond);
        let increment = find(&benchmarks, "BM_Increment");
        assert!(increment.samples.iter().all(|ns| *ns < 1.0), "sub-nanosecond times stay decimals");
        assert_eq!(find(&benchmarks, "BM_Increment (cpu_time)").unit, Unit::Ns);
    }

    #[test]
    fn aggregates_only_reports_are_summaries() {
        let benchmarks = load(&fixture("aggregates-only.json"), &InputOptions::default()).unwrap();
        let sort = find(&benchmarks, "sort 1000 ints");
        assert!(sort.samples.is_empty());
        let keys: Vec<&str> = sort.summary.keys().map(String::as_str).collect();
        assert_eq!(keys, ["mean", "median", "stddev"]);
        assert!(sort.summary["mean"] > 1000.0, "in ns");
    }

    #[test]
    fn a_single_run_is_a_mean() {
        let benchmarks = load(&fixture("single-run.json"), &InputOptions::default()).unwrap();
        let copy = find(&benchmarks, "BM_StringCopy/8");
        assert!(copy.samples.is_empty());
        assert!(copy.summary["mean"] > 0.0);
    }

    #[test]
    fn duplicate_names_errors_and_bad_units() {
        let entry = |name: &str| {
            format!(
                r#"{{"name":"{name}","run_name":"{name}","run_type":"iteration","repetitions":1,"real_time":1.5,"cpu_time":1.0,"time_unit":"ns"}}"#
            )
        };
        let error = load_json(&format!(r#"{{"benchmarks":[{},{}]}}"#, entry("BM_A"), entry("BM_A"))).unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$.benchmarks[1].name".into()));
        assert!(error.message.contains("share this name"), "{error}");
        let bad_unit = entry("BM_A").replace(r#""ns""#, r#""fortnights""#);
        let error = load_json(&format!(r#"{{"benchmarks":[{bad_unit}]}}"#)).unwrap_err();
        assert!(error.to_string().contains("$.benchmarks[0].time_unit: expected ns, us, ms or s"), "{error}");
        let negative = entry("BM_A").replace("1.5", "-1.5");
        let error = load_json(&format!(r#"{{"benchmarks":[{negative}]}}"#)).unwrap_err();
        assert!(error.to_string().contains("$.benchmarks[0].real_time"), "{error}");
    }

    #[test]
    fn errored_runs_are_skipped_and_an_all_error_report_is_an_error() {
        let json = r#"{"benchmarks":[
            {"name":"BM_Bad","run_name":"BM_Bad","run_type":"iteration","repetitions":1,"error_occurred":true,"error_message":"x","real_time":0,"cpu_time":0,"time_unit":"ns"},
            {"name":"BM_Good","run_name":"BM_Good","run_type":"iteration","repetitions":1,"real_time":3,"cpu_time":3,"time_unit":"ms"}]}"#;
        let benchmarks = load_json(json).unwrap();
        assert_eq!(benchmarks[0].id, "BM_Good");
        assert_eq!(benchmarks[0].summary["mean"], 3e6);
        let only_bad = json.split("},\n").next().unwrap().to_string() + "}]}";
        assert!(load_json(&only_bad).unwrap_err().message.contains("found none"));
    }

    #[test]
    fn windows_line_endings_read_the_same() {
        let unix = std::fs::read_to_string(fixture("repetitions.json")).unwrap();
        let windows = load_json(&unix.replace('\n', "\r\n")).unwrap();
        assert_eq!(windows, load(&fixture("repetitions.json"), &InputOptions::default()).unwrap());
    }

    #[test]
    fn every_truncation_of_a_real_report_is_an_error() {
        let full = std::fs::read_to_string(fixture("single-run.json")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.json");
        for end in (0..full.trim_end().len()).step_by(7) {
            std::fs::write(&cut, &full[..end]).unwrap();
            assert!(load(&cut, &InputOptions::default()).is_err(), "accepted a file cut at byte {end}");
        }
    }
}
