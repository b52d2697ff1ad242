//! Adapter for criterion's `target/criterion` folder: one benchmark per `new/` measurement.
//!
//! Criterion stores each benchmark in `<group>/<function>[/<value>]/` with a
//! `new/` folder for the latest run, plus `base/`, `change/` and saved
//! baselines beside it and HTML under `report/`. Only `new/` is read: it is
//! what the last `cargo bench` measured. `sample.json` holds the raw samples
//! (`times[i]` ns for `iters[i]` iterations), `benchmark.json` the id and
//! throughput, and the optional `estimates.json` criterion's own point
//! estimates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::input::read_json;
use serde::Deserialize;

use walkdir::WalkDir;

use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::{Benchmark, ReadAt, Throughput, Unit};

/// `benchmark.json`: who the benchmark is. Other fields are not needed.
#[derive(Debug, Deserialize)]
struct BenchmarkInfo {
    full_id: String,
    /// Kept as JSON so a throughput kind from a newer criterion does not make
    /// the whole folder unreadable.
    #[serde(default)]
    throughput: Option<serde_json::Value>,
}

/// `sample.json`: the raw measurements.
#[derive(Debug, Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// `estimates.json`: criterion's bootstrap estimates; only point estimates are used.
#[derive(Debug, Deserialize)]
struct Estimates {
    mean: Option<Estimate>,
    median: Option<Estimate>,
    std_dev: Option<Estimate>,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Load every benchmark under `path`: a `target/criterion` folder, a group
/// folder beneath it, or a single benchmark's folder. Sorted by id.
///
/// With the options' `modified_since`, benchmarks whose `sample.json` is older are left
/// out: they are stale results of benchmarks that the last run did not run
/// (removed or renamed since).
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let modified_since = options.modified_since;
    let mut measurements = find_new_measurements(path)?;
    if let Some(since) = modified_since {
        let found = measurements.len();
        measurements.retain(|folder| {
            std::fs::metadata(folder.join("sample.json"))
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified >= since)
        });
        if found > 0 && measurements.is_empty() {
            return Err(InputError::whole(
                path,
                format!("all {found} benchmarks here are older than this run: the command wrote no fresh results"),
            ));
        }
    }
    if measurements.is_empty() {
        return Err(InputError::whole(
            path,
            "expected a criterion folder (such as target/criterion) with <benchmark>/new/benchmark.json files; \
             found none — did `cargo bench` run?",
        ));
    }
    let mut benchmarks = Vec::with_capacity(measurements.len());
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for folder in measurements {
        let bench = load_measurement(&folder)?;
        if let Some(first) = seen.insert(bench.id.clone(), folder.clone()) {
            return Err(InputError::new(
                &folder.join("benchmark.json"),
                Location::JsonPath("$.full_id".into()),
                format!("benchmark id {:?} also appears in {}; expected each id once", bench.id, first.display()),
            ));
        }
        benchmarks.push(bench);
    }
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(benchmarks)
}

/// Every `new/` folder holding a `benchmark.json`, skipping criterion's HTML reports.
fn find_new_measurements(root: &Path) -> Result<Vec<PathBuf>, InputError> {
    if !root.is_dir() {
        let message = if root.exists() {
            "expected a folder (criterion writes target/criterion), found a file"
        } else {
            "expected a criterion folder such as target/criterion; it does not exist"
        };
        return Err(InputError::whole(root, message));
    }
    let mut folders = Vec::new();
    let walker = WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(|entry| entry.file_name() != "report");
    for entry in walker {
        let entry = entry.map_err(|e| {
            let at = e.path().unwrap_or(root);
            InputError::whole(at, format!("cannot read while walking the criterion folder: {e}"))
        })?;
        let in_new_folder = entry.path().parent().and_then(Path::file_name).is_some_and(|name| name == "new");
        if entry.file_type().is_file() && entry.file_name() == "benchmark.json" && in_new_folder {
            folders.push(entry.path().parent().unwrap_or(root).to_path_buf());
        }
    }
    Ok(folders)
}

/// One benchmark from its `new/` folder.
fn load_measurement(folder: &Path) -> Result<Benchmark, InputError> {
    let info_path = folder.join("benchmark.json");
    let info: BenchmarkInfo = read_json(&info_path)?;
    let sample_path = folder.join("sample.json");
    let sample: Sample = read_json(&sample_path)?;
    let samples = per_iteration_times(&sample_path, &sample)?;

    let mut bench = Benchmark::with_samples(info.full_id, "time", Unit::Ns, samples);
    bench.throughput = info.throughput.as_ref().and_then(throughput_of);
    bench.measured_seconds = Some(sample.times.iter().sum::<f64>() / 1e9);
    let estimates_path = folder.join("estimates.json");
    if estimates_path.is_file() {
        let estimates: Estimates = read_json(&estimates_path)?;
        bench.summary = summary_of_estimates(&estimates_path, &estimates)?;
    }
    bench.read_at = ReadAt::in_file(sample_path, "$");
    Ok(bench)
}

/// `times[i] / iters[i]`: nanoseconds per iteration of each sample.
fn per_iteration_times(path: &Path, sample: &Sample) -> Result<Vec<f64>, InputError> {
    let at = |json_path: String, message: String| InputError::new(path, Location::JsonPath(json_path), message);
    if sample.times.is_empty() {
        return Err(at("$.times".into(), "expected at least one sample, found an empty array".into()));
    }
    if sample.iters.len() != sample.times.len() {
        return Err(at(
            "$.iters".into(),
            format!(
                "expected one iteration count per time: {} iters for {} times",
                sample.iters.len(),
                sample.times.len()
            ),
        ));
    }
    let mut per_iteration = Vec::with_capacity(sample.times.len());
    for (i, (&iters, &time)) in sample.iters.iter().zip(&sample.times).enumerate() {
        // serde_json only yields finite numbers; a zero or negative count would
        // divide into an infinite or negative time.
        if iters <= 0.0 {
            return Err(at(format!("$.iters[{i}]"), format!("expected a positive iteration count, found {iters}")));
        }
        if time <= 0.0 {
            return Err(at(format!("$.times[{i}]"), format!("expected a positive time in ns, found {time}")));
        }
        per_iteration.push(time / iters);
    }
    Ok(per_iteration)
}

/// Criterion's throughput kinds; `Bits` counts eighths of a byte.
fn throughput_of(value: &serde_json::Value) -> Option<Throughput> {
    let (kind, amount) = value.as_object()?.iter().next()?;
    let amount = amount.as_f64();
    match kind.as_str() {
        "Bytes" | "BytesDecimal" => amount.map(Throughput::Bytes),
        "Bits" => amount.map(|bits| Throughput::Bytes(bits / 8.0)),
        "Elements" => amount.map(Throughput::Elements),
        // Later criterion versions report both; elements are what the user named first.
        "ElementsAndBytes" => value[kind]["elements"].as_f64().map(Throughput::Elements),
        // Unknown kinds from newer criterion: the samples are still worth gating.
        _ => None,
    }
}

/// Point estimates as summary statistics, rejecting negative ones.
fn summary_of_estimates(path: &Path, estimates: &Estimates) -> Result<BTreeMap<String, f64>, InputError> {
    let named = [("mean", &estimates.mean), ("median", &estimates.median), ("std_dev", &estimates.std_dev)];
    for (name, estimate) in named {
        if let Some(Estimate { point_estimate }) = estimate {
            if *point_estimate < 0.0 {
                return Err(InputError::new(
                    path,
                    Location::JsonPath(format!("$.{name}.point_estimate")),
                    format!("expected a non-negative estimate in ns, found {point_estimate}"),
                ));
            }
        }
    }
    let point = |estimate: &Option<Estimate>| estimate.as_ref().map(|e| e.point_estimate);
    Ok(summary_of([
        ("mean", point(&estimates.mean)),
        ("median", point(&estimates.median)),
        ("stddev", point(&estimates.std_dev)),
    ]))
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    const BENCHMARK_JSON: &str = r#"{"group_id":"g","function_id":"f","value_str":null,"throughput":null,"full_id":"g/f","directory_name":"g/f","title":"g/f"}"#;

    fn load_all(path: &Path) -> Result<Vec<Benchmark>, InputError> {
        load(path, &InputOptions::default())
    }

    fn load_since(path: &Path, since: SystemTime) -> Result<Vec<Benchmark>, InputError> {
        load(path, &InputOptions { modified_since: Some(since), ..InputOptions::default() })
    }

    #[test]
    fn stale_benchmarks_are_left_out_when_asked() {
        let since = SystemTime::now() + std::time::Duration::from_secs(3600);
        let error = load_since(&fixture("aa-run1"), since).unwrap_err().to_string();
        assert!(error.contains("all 6 benchmarks here are older than this run"), "{error}");
        assert_eq!(load_since(&fixture("aa-run1"), SystemTime::UNIX_EPOCH).unwrap().len(), 6);
    }

    fn fixture(relative: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/criterion").join(relative)
    }

    fn ids(benchmarks: &[Benchmark]) -> Vec<&str> {
        benchmarks.iter().map(|b| b.id.as_str()).collect()
    }

    /// A throw-away `target/criterion` with one benchmark `g/f` whose `new/` holds these files.
    fn criterion_dir(sample_json: &str, estimates_json: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("g/f/new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("benchmark.json"), BENCHMARK_JSON).unwrap();
        std::fs::write(new.join("sample.json"), sample_json).unwrap();
        if let Some(estimates) = estimates_json {
            std::fs::write(new.join("estimates.json"), estimates).unwrap();
        }
        dir
    }

    fn load_error(sample_json: &str) -> String {
        let dir = criterion_dir(sample_json, None);
        load_all(dir.path()).unwrap_err().to_string()
    }

    #[test]
    fn reads_every_benchmark_of_a_real_run_sorted_by_id() {
        let benchmarks = load_all(&fixture("aa-run1")).unwrap();
        assert_eq!(
            ids(&benchmarks),
            ["checksum/adler", "fib 20", "parse/100", "parse/1000", "sort/unstable", "sum_vec"]
        );
        for bench in &benchmarks {
            assert_eq!((bench.metric.as_str(), &bench.unit), ("time", &Unit::Ns));
            assert_eq!(bench.samples.len(), 30, "{}", bench.id);
        }
    }

    /// `sum(times) / 1e9` of aa-run1's checksum/adler, computed in Python.
    const MEASURED_ADLER: f64 = 1.036516601;

    #[test]
    fn samples_are_nanoseconds_per_iteration() {
        let benchmarks = load_all(&fixture("aa-run1")).unwrap();
        let adler = &benchmarks[0];
        // sample.json: iters[2] = 132, times[2] = 5956945 ns.
        assert!((adler.samples[2] - 5_956_945.0 / 132.0).abs() < 1e-9);
        let fib = &benchmarks[1];
        // sample.json: iters[0] = 78, times[0] = 1315649 ns.
        assert!((fib.samples[0] - 1_315_649.0 / 78.0).abs() < 1e-9);
        // The seconds criterion measured: the sum of sample.json's times (Python: sum(times) / 1e9).
        assert!((adler.measured_seconds.unwrap() - MEASURED_ADLER).abs() < 1e-12);
    }

    #[test]
    fn throughput_and_estimates_come_from_the_side_files() {
        let benchmarks = load_all(&fixture("aa-run1")).unwrap();
        assert_eq!(benchmarks[0].throughput, Some(Throughput::Bytes(16384.0)));
        assert_eq!(benchmarks[2].throughput, Some(Throughput::Elements(100.0)));
        assert_eq!(benchmarks[1].throughput, None);
        let fib = &benchmarks[1].summary;
        assert_eq!(fib["median"], 17816.01909340659);
        assert_eq!(fib["mean"], 18851.553196981415);
        assert_eq!(fib["stddev"], 2050.3397171367483);
    }

    #[test]
    fn reads_a_group_folder_or_a_single_benchmark_folder() {
        assert_eq!(ids(&load_all(&fixture("aa-run1/parse")).unwrap()), ["parse/100", "parse/1000"]);
        assert_eq!(ids(&load_all(&fixture("aa-run1/fib 20")).unwrap()), ["fib 20"]);
        assert_eq!(ids(&load_all(&fixture("aa-run1/fib 20/new")).unwrap()), ["fib 20"]);
    }

    #[test]
    fn ignores_base_saved_baselines_and_reports() {
        let dir = criterion_dir(r#"{"sampling_mode":"Flat","iters":[2.0],"times":[10.0]}"#, None);
        for other in ["g/f/base", "g/f/my-baseline", "g/f/report/new", "report/new"] {
            let folder = dir.path().join(other);
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("benchmark.json"), BENCHMARK_JSON.replace("g/f", "other")).unwrap();
            std::fs::write(folder.join("sample.json"), "not even JSON").unwrap();
        }
        let benchmarks = load_all(dir.path()).unwrap();
        assert_eq!(ids(&benchmarks), ["g/f"]);
        assert_eq!(benchmarks[0].samples, [5.0]);
        assert!(benchmarks[0].summary.is_empty());
    }

    #[test]
    fn the_readme_example_has_one_clearly_slower_benchmark() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/micro");
        let fastest = |side: &str| -> Vec<(String, f64)> {
            let benchmarks = load_all(&examples.join(side)).unwrap();
            benchmarks.into_iter().map(|b| (b.id, b.samples.iter().copied().fold(f64::MAX, f64::min))).collect()
        };
        let (base, head) = (fastest("base"), fastest("head"));
        assert_eq!(base.len(), 6);
        for ((id, base_min), (head_id, head_min)) in base.iter().zip(&head) {
            assert_eq!(id, head_id);
            let ratio = head_min / base_min;
            if id == "fib 20" {
                assert!(ratio > 1.2, "{id}: {ratio}");
            } else {
                assert!((0.95..1.05).contains(&ratio), "{id}: {ratio}");
            }
        }
    }

    #[test]
    fn reads_every_throughput_kind() {
        let kinds = [
            (r#"{"Bytes":64}"#, Some(Throughput::Bytes(64.0))),
            (r#"{"BytesDecimal":1000}"#, Some(Throughput::Bytes(1000.0))),
            (r#"{"Bits":64}"#, Some(Throughput::Bytes(8.0))),
            (r#"{"Elements":3}"#, Some(Throughput::Elements(3.0))),
            (r#"{"ElementsAndBytes":{"elements":3,"bytes":64}}"#, Some(Throughput::Elements(3.0))),
            (r#"{"Furlongs":3}"#, None),
        ];
        for (json, expected) in kinds {
            assert_eq!(throughput_of(&serde_json::from_str(json).unwrap()), expected, "{json}");
        }
    }

    #[test]
    fn missing_or_empty_folders_are_errors() {
        let missing = load_all(Path::new("/no/such/target/criterion")).unwrap_err().to_string();
        assert!(missing.starts_with("/no/such/target/criterion: ") && missing.contains("does not exist"), "{missing}");
        let empty = tempfile::tempdir().unwrap();
        let message = load_all(empty.path()).unwrap_err().to_string();
        assert!(message.contains("found none"), "{message}");
    }

    #[test]
    fn truncated_sample_names_file_line_and_column() {
        let message = load_error(r#"{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[5.0,"#);
        assert!(message.contains("g/f/new/sample.json:1:"), "{message}");
        assert!(message.contains("invalid JSON"), "{message}");
    }

    #[test]
    fn rejects_empty_arrays() {
        let message = load_error(r#"{"sampling_mode":"Linear","iters":[],"times":[]}"#);
        assert!(message.contains("sample.json at $.times: expected at least one sample"), "{message}");
    }

    #[test]
    fn rejects_non_numbers_where_times_belong() {
        // serde_json refuses a bare NaN, so NaN reaches us as a string or null.
        for bad in [r#""NaN""#, "null"] {
            let message = load_error(&format!(r#"{{"iters":[1.0,1.0],"times":[5.0,{bad}]}}"#));
            assert!(message.contains("sample.json:1:") && message.contains("expected f64"), "{message}");
        }
    }

    #[test]
    fn rejects_negative_and_zero_times() {
        let message = load_error(r#"{"iters":[1.0,1.0,1.0],"times":[5.0,6.0,-7.0]}"#);
        assert!(message.contains("sample.json at $.times[2]: expected a positive time in ns, found -7"), "{message}");
        let message = load_error(r#"{"iters":[1.0],"times":[0.0]}"#);
        assert!(message.contains("at $.times[0]"), "{message}");
    }

    #[test]
    fn rejects_zero_iterations() {
        let message = load_error(r#"{"iters":[1.0,0.0],"times":[5.0,6.0]}"#);
        assert!(
            message.contains("sample.json at $.iters[1]: expected a positive iteration count, found 0"),
            "{message}"
        );
    }

    #[test]
    fn rejects_mismatched_lengths() {
        let message = load_error(r#"{"iters":[1.0,2.0,3.0],"times":[5.0,6.0]}"#);
        assert!(
            message.contains("at $.iters: expected one iteration count per time: 3 iters for 2 times"),
            "{message}"
        );
    }

    #[test]
    fn rejects_missing_keys_and_files() {
        let message = load_error(r#"{"sampling_mode":"Linear","iters":[1.0]}"#);
        assert!(message.contains("sample.json:1:") && message.contains("missing field `times`"), "{message}");

        let dir = criterion_dir(r#"{"iters":[1.0],"times":[5.0]}"#, None);
        std::fs::write(dir.path().join("g/f/new/benchmark.json"), r#"{"group_id":"g"}"#).unwrap();
        let message = load_all(dir.path()).unwrap_err().to_string();
        assert!(message.contains("benchmark.json:1:") && message.contains("missing field `full_id`"), "{message}");

        std::fs::remove_file(dir.path().join("g/f/new/sample.json")).unwrap();
        std::fs::write(dir.path().join("g/f/new/benchmark.json"), BENCHMARK_JSON).unwrap();
        let message = load_all(dir.path()).unwrap_err().to_string();
        assert!(message.contains("g/f/new/sample.json: cannot read"), "{message}");
    }

    #[test]
    fn rejects_a_malformed_or_negative_estimate() {
        let sample = r#"{"iters":[1.0],"times":[5.0]}"#;
        let dir = criterion_dir(sample, Some(r#"{"mean":{"point_estimate":5.0},"median":{"point_estimate":-1.0}}"#));
        let message = load_all(dir.path()).unwrap_err().to_string();
        assert!(message.contains("estimates.json at $.median.point_estimate"), "{message}");
        let dir = criterion_dir(sample, Some(r#"{"mean":{"point_estimate":"#));
        let message = load_all(dir.path()).unwrap_err().to_string();
        assert!(message.contains("estimates.json:1:"), "{message}");
    }

    #[test]
    fn rejects_the_same_id_in_two_folders() {
        let dir = criterion_dir(r#"{"iters":[1.0],"times":[5.0]}"#, None);
        let copy = dir.path().join("g_f/new");
        std::fs::create_dir_all(&copy).unwrap();
        for file in ["benchmark.json", "sample.json"] {
            std::fs::copy(dir.path().join("g/f/new").join(file), copy.join(file)).unwrap();
        }
        let message = load_all(dir.path()).unwrap_err().to_string();
        assert!(message.contains("benchmark id \"g/f\" also appears in"), "{message}");
    }
}
