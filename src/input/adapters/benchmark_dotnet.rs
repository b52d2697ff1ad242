//! Adapter for BenchmarkDotNet JSON exports (`--exporters json`, or
//! `[JsonExporterAttribute.Full]`: `BenchmarkDotNet.Artifacts/results/*-report-full.json`;
//! the brief and compressed variants read too).
//!
//! One benchmark per `Benchmarks[]` entry, with id `FullName`
//! (`Namespace.Type.Method(N: 10)`); when one method ran in several jobs
//! (runtimes), the job from `DisplayInfo` is appended as `ID @JOB`. The job
//! is the tag `job`. Raw samples are the
//! `Measurements` of the workload's result stage (`Nanoseconds /
//! Operations`, i.e. per-operation time after overhead removal) — full
//! exports only; brief exports give the `Statistics` as summary.
//! `Memory.BytesAllocatedPerOperation` (`[MemoryDiagnoser]`) is the
//! deterministic series `ID (allocated)`. Entries without statistics or
//! measurements (failed benchmarks) are skipped.

use std::path::Path;

use serde::Deserialize;

use crate::input::units::secondary_id;
use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::{Benchmark, ReadAt, Unit};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Report {
    benchmarks: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    full_name: Option<String>,
    display_info: Option<String>,
    namespace: Option<String>,
    #[serde(rename = "Type")]
    type_name: String,
    method: String,
    parameters: Option<String>,
    statistics: Option<Statistics>,
    memory: Option<Memory>,
    #[serde(default)]
    measurements: Vec<Measurement>,
}

/// In nanoseconds per operation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Statistics {
    min: Option<f64>,
    median: Option<f64>,
    mean: Option<f64>,
    max: Option<f64>,
    standard_deviation: Option<f64>,
    percentiles: Option<Percentiles>,
    confidence_interval: Option<ConfidenceInterval>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Percentiles {
    p90: Option<f64>,
    p95: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ConfidenceInterval {
    lower: Option<f64>,
    upper: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Memory {
    bytes_allocated_per_operation: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Measurement {
    iteration_mode: String,
    iteration_stage: String,
    operations: f64,
    nanoseconds: f64,
}

/// Load every benchmark of a BenchmarkDotNet JSON export.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError::io(path, &e))?;
    let report: Report =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| InputError::json(path, &e))?;
    let names: Vec<String> = report.benchmarks.iter().map(full_name).collect();
    let mut ids: Vec<String> = Vec::new();
    let mut benchmarks = Vec::new();
    for (index, entry) in report.benchmarks.iter().enumerate() {
        let json_path = format!("$.Benchmarks[{index}]");
        let job = job_of(entry);
        let several_jobs = names.iter().filter(|name| **name == names[index]).count() > 1;
        let id = match (&job, several_jobs) {
            (Some(job), true) => format!("{} @{job}", names[index]),
            _ => names[index].clone(),
        };
        if let Some(first) = ids.iter().position(|earlier| *earlier == id) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.FullName")),
                format!("benchmark {id:?} also appears at $.Benchmarks[{first}]; expected each benchmark and job once"),
            ));
        }
        ids.push(id.clone());
        let Some(mut time) = time_series(path, &json_path, &id, entry)? else { continue };
        let mut series = vec![];
        if let Some(bytes) = entry.memory.as_ref().and_then(|m| m.bytes_allocated_per_operation) {
            let mut allocated =
                Benchmark::with_samples(secondary_id(&id, "allocated"), "allocated", Unit::Bytes, Vec::new());
            let value = Some(bytes);
            allocated.summary = summary_of([("mean", value), ("median", value), ("min", value), ("max", value)]);
            allocated.deterministic = true;
            series.push(allocated);
        }
        if let Some(job) = job {
            time.tags.insert("job".into(), job);
        }
        series.insert(0, time);
        benchmarks
            .extend(series.into_iter().map(|bench| Benchmark { read_at: ReadAt::json(json_path.clone()), ..bench }));
    }
    if benchmarks.is_empty() {
        return Err(InputError::new(
            path,
            Location::JsonPath("$.Benchmarks".into()),
            "expected at least one benchmark with Statistics or Measurements, found none",
        ));
    }
    Ok(benchmarks)
}

fn full_name(entry: &Entry) -> String {
    entry.full_name.clone().unwrap_or_else(|| {
        let namespace = entry.namespace.as_deref().map(|n| format!("{n}.")).unwrap_or_default();
        let parameters =
            entry.parameters.as_deref().filter(|p| !p.is_empty()).map(|p| format!("({p})")).unwrap_or_default();
        format!("{namespace}{}.{}{parameters}", entry.type_name, entry.method)
    })
}

/// `Type.Method: Job(Runtime=.NET 8.0)` → `Job(Runtime=.NET 8.0)`.
fn job_of(entry: &Entry) -> Option<String> {
    let display = entry.display_info.as_deref()?;
    display.rsplit_once(": ").map(|(_, job)| job.trim().to_string()).filter(|job| !job.is_empty())
}

fn time_series(path: &Path, json_path: &str, id: &str, entry: &Entry) -> Result<Option<Benchmark>, InputError> {
    let workload = |stage: &str| -> Vec<(usize, &Measurement)> {
        entry
            .measurements
            .iter()
            .enumerate()
            .filter(|(_, m)| m.iteration_mode == "Workload" && m.iteration_stage == stage)
            .collect()
    };
    let mut chosen = workload("Result");
    if chosen.is_empty() {
        chosen = workload("Actual");
    }
    let mut samples = Vec::with_capacity(chosen.len());
    for (index, measurement) in chosen {
        let per_operation = measurement.nanoseconds / measurement.operations;
        if !(per_operation.is_finite() && per_operation > 0.0) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.Measurements[{index}]")),
                format!(
                    "expected positive Nanoseconds and Operations, found {} ns for {} operations",
                    measurement.nanoseconds, measurement.operations
                ),
            ));
        }
        samples.push(per_operation);
    }
    let stats = entry.statistics.as_ref();
    if samples.is_empty() && stats.is_none() {
        return Ok(None);
    }
    let mut bench = Benchmark::with_samples(id, "time", Unit::Ns, samples);
    if let Some(stats) = stats {
        let percentiles = stats.percentiles.as_ref();
        let interval = stats.confidence_interval.as_ref();
        bench.summary = summary_of([
            ("min", stats.min),
            ("median", stats.median),
            ("mean", stats.mean),
            ("max", stats.max),
            ("stddev", stats.standard_deviation),
            ("p90", percentiles.and_then(|p| p.p90)),
            ("p95", percentiles.and_then(|p| p.p95)),
            ("lower", interval.and_then(|i| i.lower)),
            ("upper", interval.and_then(|i| i.upper)),
        ]);
        if let Some((name, value)) = bench.summary.iter().find(|(_, value)| !(value.is_finite() && **value >= 0.0)) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.Statistics")),
                format!("expected non-negative statistics in ns, found {name} = {value}"),
            ));
        }
    }
    Ok(Some(bench))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// BenchmarkDotNet does not run here (no .NET SDK or NuGet), so these follow its documented
    /// JSON exporters (BenchmarkDotNet docs, "Sample: IntroExportJson", and the `Measurement`
    /// fields `IterationMode`, `IterationStage`, `LaunchIndex`, `IterationIndex`, `Operations`,
    /// `Nanoseconds` of its source):
    /// - `brief.json`: the documented brief export of `IntroJsonExport` (`Sleep10`, `Sleep20`), statistics only;
    /// - `full-two-jobs.json`: a full export, one method with a parameter in two jobs, with
    ///   `Measurements` (overhead, warmup, actual and result stages) and `[MemoryDiagnoser]` memory.
    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/benchmark-dotnet").join(name)
    }

    fn load_json(json: &str) -> Result<Vec<Benchmark>, InputError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
        load(file.path(), &InputOptions::default()).inspect_err(|error| assert_eq!(error.path, file.path()))
    }

    #[test]
    fn brief_exports_are_summaries_in_nanoseconds() {
        let benchmarks = load(&fixture("brief.json"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "BenchmarkDotNet.Samples.Intro.IntroJsonExport.Sleep10",
                "BenchmarkDotNet.Samples.Intro.IntroJsonExport.Sleep20"
            ]
        );
        let sleep10 = &benchmarks[0];
        assert!(sleep10.samples.is_empty());
        assert!((sleep10.summary["median"] - 10360382.6953125).abs() < 1e-6);
        assert!((sleep10.summary["p95"] - 10435620.51609375).abs() < 1e-6);
        assert!((sleep10.summary["lower"] - 10342253.249292579).abs() < 1e-6);
    }

    #[test]
    fn full_exports_keep_result_stage_measurements_and_memory() {
        let benchmarks = load(&fixture("full-two-jobs.json"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "Demo.ParserBench.Parse(Size: 100) @Job-NET80",
                "Demo.ParserBench.Parse(Size: 100) @Job-NET80 (allocated)",
                "Demo.ParserBench.Parse(Size: 100) @Job-NET90",
                "Demo.ParserBench.Parse(Size: 100) @Job-NET90 (allocated)",
            ]
        );
        assert_eq!(benchmarks[0].samples, [1000.0, 1010.0, 990.0]);
        assert_eq!(benchmarks[0].tags["job"], "Job-NET80");
        assert_eq!(benchmarks[2].samples, [900.0, 905.0], "no Result stage: the Actual stage");
        let allocated = &benchmarks[1];
        assert_eq!(
            (allocated.unit.clone(), allocated.deterministic, allocated.summary["mean"]),
            (Unit::Bytes, true, 312.0)
        );
    }

    #[test]
    fn failed_benchmarks_are_skipped_and_bad_measurements_located() {
        let entry = |method: &str, rest: &str| format!(r#"{{"Type":"T","Method":"{method}"{rest}}}"#);
        let json =
            format!(r#"{{"Benchmarks":[{},{}]}}"#, entry("Failed", ""), entry("Ok", r#","Statistics":{"Mean":5.0}"#));
        let benchmarks = load_json(&json).unwrap();
        assert_eq!(benchmarks.len(), 1);
        assert_eq!(benchmarks[0].id, "T.Ok");
        let bad = entry(
            "M",
            r#","Measurements":[{"IterationMode":"Workload","IterationStage":"Result","Operations":0,"Nanoseconds":5}]"#,
        );
        let error = load_json(&format!(r#"{{"Benchmarks":[{bad}]}}"#)).unwrap_err();
        assert!(error.to_string().contains("$.Benchmarks[0].Measurements[0]: expected positive"), "{error}");
        let error = load_json(&format!(r#"{{"Benchmarks":[{}]}}"#, entry("Failed", ""))).unwrap_err();
        assert!(error.message.contains("found none"), "{error}");
        let twice = entry("Ok", r#","Statistics":{"Mean":5.0}"#);
        let error = load_json(&format!(r#"{{"Benchmarks":[{twice},{twice}]}}"#)).unwrap_err();
        assert!(error.message.contains("also appears"), "{error}");
    }
}
