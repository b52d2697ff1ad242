//! Adapter for JMH JSON results (`java -jar benchmarks.jar -rf json -rff results.json`).
//!
//! One benchmark per entry of the top-level array, with id `benchmark`
//! followed by `:name=value,...` when the run has `params` (also kept as
//! tags, with `mode` and `threads`). The primary metric's `scoreUnit` decides
//! unit and direction: `ops/s`, `ops/ms`, ... (throughput mode, metric
//! `throughput`, higher is better) or `ns/op`, `us/op`, ... (average time,
//! sample time and single-shot modes, metric `time`, lower is better), with
//! values converted to events per second or ns. `rawData` (every
//! measurement iteration of every fork) is the raw samples; without it the
//! score and its percentiles are the summary. Secondary metrics
//! (`·gc.alloc.rate.norm`, ...) become `ID (NAME)` series.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::units::{normalize, secondary_id, Scaled};
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::{Benchmark, ReadAt, Unit};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    benchmark: String,
    mode: String,
    threads: Option<u32>,
    #[serde(default)]
    params: BTreeMap<String, String>,
    primary_metric: Metric,
    #[serde(default)]
    secondary_metrics: BTreeMap<String, Metric>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metric {
    score: f64,
    /// `[lower, upper]`; JMH writes `"NaN"` strings when it has too few iterations.
    #[serde(default)]
    score_confidence: Vec<serde_json::Value>,
    /// Percentile (`"0.0"`, `"50.0"`, `"99.9"`, `"100.0"`) → score.
    #[serde(default)]
    score_percentiles: BTreeMap<String, serde_json::Value>,
    score_unit: String,
    /// Per fork, the score of every measurement iteration.
    raw_data: Option<Vec<Vec<f64>>>,
}

/// Load every run of a JMH JSON result file.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let runs: Vec<Run> = crate::input::read_json(path)?;
    let ids = run_ids(&runs);
    let mut benchmarks = Vec::new();
    for (index, (run, id)) in runs.iter().zip(&ids).enumerate() {
        let json_path = format!("$[{index}]");
        if let Some(first) = ids[..index].iter().position(|earlier| earlier == id) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.benchmark")),
                format!("benchmark {id:?} (mode {}) also appears at $[{first}]; expected each run once", run.mode),
            ));
        }
        let mut primary = to_benchmark(path, &format!("{json_path}.primaryMetric"), id, &run.primary_metric)?;
        primary.metric = if primary.unit == Unit::Ns { "time" } else { "throughput" }.to_string();
        benchmarks.push(primary);
        for (name, metric) in &run.secondary_metrics {
            let label = name.trim_start_matches('·');
            let json_path =
                format!("{json_path}.secondaryMetrics[{}]", serde_json::to_string(name).unwrap_or_default());
            let mut bench = to_benchmark(path, &json_path, &secondary_id(id, label), metric)?;
            bench.metric = label.to_string();
            benchmarks.push(bench);
        }
        let first_of_run = benchmarks.len() - 1 - run.secondary_metrics.len();
        for bench in &mut benchmarks[first_of_run..] {
            bench.tags.extend(run.params.iter().map(|(k, v)| (k.clone(), v.clone())));
            bench.tags.insert("mode".into(), run.mode.clone());
            if let Some(threads) = run.threads {
                bench.tags.insert("threads".into(), threads.to_string());
            }
        }
    }
    if benchmarks.is_empty() {
        return Err(InputError::new(path, Location::JsonPath("$".into()), "expected at least one JMH run, found none"));
    }
    Ok(benchmarks)
}

/// `benchmark` plus params; the mode too when one benchmark ran in several modes (`-bm all`).
fn run_ids(runs: &[Run]) -> Vec<String> {
    let base = |run: &Run| {
        let params: Vec<String> = run.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if params.is_empty() {
            run.benchmark.clone()
        } else {
            format!("{}:{}", run.benchmark, params.join(","))
        }
    };
    runs.iter()
        .map(|run| {
            let id = base(run);
            let several_modes = runs.iter().any(|other| other.mode != run.mode && base(other) == id);
            if several_modes {
                format!("{id}:{}", run.mode)
            } else {
                id
            }
        })
        .collect()
}

fn to_benchmark(path: &Path, json_path: &str, id: &str, metric: &Metric) -> Result<Benchmark, InputError> {
    let Scaled { unit, factor } = normalize(&metric.score_unit);
    let mut samples = Vec::new();
    for (fork, iterations) in metric.raw_data.iter().flatten().enumerate() {
        for (iteration, score) in iterations.iter().enumerate() {
            if !(score.is_finite() && *score >= 0.0) {
                return Err(InputError::new(
                    path,
                    Location::JsonPath(format!("{json_path}.rawData[{fork}][{iteration}]")),
                    format!("expected a non-negative score in {}, found {score}", metric.score_unit),
                ));
            }
            samples.push(score * factor);
        }
    }
    if !(metric.score.is_finite() && metric.score >= 0.0) {
        return Err(InputError::new(
            path,
            Location::JsonPath(format!("{json_path}.score")),
            format!("expected a non-negative score, found {}", metric.score),
        ));
    }
    let mut bench = Benchmark::with_samples(id, "", unit.clone(), samples);
    let score = metric.score * factor;
    bench.summary.insert("mean".into(), score);
    if matches!(unit, Unit::PerSecond | Unit::BytesPerSecond) {
        bench.summary.insert("throughput".into(), score);
    }
    let numbers: Vec<f64> = metric.score_confidence.iter().filter_map(serde_json::Value::as_f64).collect();
    if let [lower, upper] = numbers.as_slice() {
        bench.summary.insert("lower".into(), lower * factor);
        bench.summary.insert("upper".into(), upper * factor);
    }
    for (percentile, value) in &metric.score_percentiles {
        let (Ok(percent), Some(value)) = (percentile.parse::<f64>(), value.as_f64()) else { continue };
        let key = if percent == 0.0 {
            "min".to_string()
        } else if percent == 50.0 {
            "median".to_string()
        } else if percent == 100.0 {
            "max".to_string()
        } else {
            format!("p{}", format!("{percent:.4}").trim_end_matches('0').trim_end_matches('.'))
        };
        bench.summary.insert(key, value * factor);
    }
    bench.read_at = ReadAt::json(json_path);
    Ok(bench)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Direction;
    use std::path::PathBuf;

    /// JMH cannot run here (no Maven Central), so these follow the JSON that JMH's `-rf json`
    /// writes, as documented by JMH's `JSONResultFormat` and shown in published result files
    /// (e.g. the jmh-visualizer project's examples):
    /// - `thrpt-and-avgt.json`: a throughput run (ops/s, 2 forks × 3 iterations, with
    ///   `·gc.alloc.rate.norm`), an average-time run in us/op with `params`, and the same
    ///   benchmark in two modes;
    /// - `sample-mode-summary.json`: a sample-time run without `rawData` (percentiles only)
    ///   and `"NaN"` confidence bounds.
    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jmh").join(name)
    }

    fn load_json(json: &str) -> Result<Vec<Benchmark>, InputError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
        load(file.path(), &InputOptions::default()).inspect_err(|error| assert_eq!(error.path, file.path()))
    }

    #[test]
    fn throughput_is_higher_is_better_and_raw_data_are_samples() {
        let benchmarks = load(&fixture("thrpt-and-avgt.json"), &InputOptions::default()).unwrap();
        let list = &benchmarks[0];
        assert_eq!(list.id, "org.example.ListBench.arrayList");
        assert_eq!(
            (list.metric.as_str(), &list.unit, list.direction),
            ("throughput", &Unit::PerSecond, Direction::HigherIsBetter)
        );
        assert_eq!(list.samples, [3524193.15, 3531314.66, 3532453.33, 3440045.31, 3333994.17, 3445535.46]);
        assert_eq!(list.tags["mode"], "thrpt");
        let alloc = &benchmarks[1];
        assert_eq!(alloc.id, "org.example.ListBench.arrayList (gc.alloc.rate.norm)");
        assert_eq!((alloc.unit.clone(), alloc.direction), (Unit::Bytes, Direction::LowerIsBetter));
    }

    #[test]
    fn average_time_in_microseconds_becomes_nanoseconds_with_params() {
        let benchmarks = load(&fixture("thrpt-and-avgt.json"), &InputOptions::default()).unwrap();
        let parse = &benchmarks[2];
        assert_eq!(parse.id, "org.example.ParseBench.parse:format=json,size=1000");
        assert_eq!((parse.metric.as_str(), &parse.unit), ("time", &Unit::Ns));
        assert_eq!(parse.samples, [12_500.0, 12_750.0, 12_250.0]);
        assert_eq!(parse.tags["size"], "1000");
        let ids: Vec<&str> = benchmarks[3..].iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["org.example.ListBench.linkedList:thrpt", "org.example.ListBench.linkedList:avgt"]);
        assert_eq!(benchmarks[3].unit, Unit::PerSecond);
        assert_eq!(benchmarks[3].samples, [1.5e6, 1.6e6], "ops/ms are 1000 ops/s");
        assert_eq!(benchmarks[4].unit, Unit::Ns);
    }

    #[test]
    fn without_raw_data_the_score_and_percentiles_are_the_summary() {
        let benchmarks = load(&fixture("sample-mode-summary.json"), &InputOptions::default()).unwrap();
        let sample = &benchmarks[0];
        assert!(sample.samples.is_empty());
        let keys: Vec<&str> = sample.summary.keys().map(String::as_str).collect();
        assert_eq!(keys, ["max", "mean", "median", "min", "p90", "p99", "p99.9"]);
        assert_eq!(sample.summary["p99"], 2_000_000.0, "2 ms/op in ns");
    }

    #[test]
    fn duplicates_and_bad_scores_are_located() {
        let run = |name: &str, score: &str| {
            format!(
                r#"{{"benchmark":"{name}","mode":"avgt","primaryMetric":{{"score":1.0,"scoreUnit":"ns/op","rawData":[[{score}]]}}}}"#
            )
        };
        let error = load_json(&format!("[{},{}]", run("a", "1"), run("a", "2"))).unwrap_err();
        assert!(
            error.to_string().contains("$[1].benchmark: benchmark \"a\" (mode avgt) also appears at $[0]"),
            "{error}"
        );
        let error = load_json(&format!("[{}]", run("a", "-1"))).unwrap_err();
        assert!(error.to_string().contains("$[0].primaryMetric.rawData[0][0]"), "{error}");
        assert!(load_json("[]").unwrap_err().message.contains("found none"));
        assert!(load_json(r#"{"benchmark":"a"}"#).unwrap_err().message.contains("invalid JSON"));
    }
}
