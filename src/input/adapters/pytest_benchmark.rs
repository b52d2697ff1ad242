//! Adapter for pytest-benchmark JSON (`pytest --benchmark-json=FILE`, or the
//! files `--benchmark-save`/`--benchmark-autosave` write under `.benchmarks/`).
//!
//! One benchmark per `benchmarks[]` entry, with id `fullname`
//! (`tests/test_x.py::test_sort[10]`), `group` and `params` as tags. Times are
//! seconds per iteration, converted to ns. `stats.data` holds the raw rounds
//! (always in `--benchmark-json` output of pytest-benchmark 5, and in saved
//! files with `--benchmark-save-data`); without it the statistics are the summary.
//! So is a `stats.data` that is not the rounds: fewer or more values than
//! `stats.rounds` (trimmed by hand or a tool), or values that are not numbers
//! (annotations) — `--verbose` says which benchmarks were read so.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::{Benchmark, ReadAt, Unit};

const NANOS_PER_SECOND: f64 = 1e9;

#[derive(Debug, Deserialize)]
struct Report {
    benchmarks: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    name: String,
    fullname: Option<String>,
    group: Option<String>,
    params: Option<BTreeMap<String, serde_json::Value>>,
    stats: Stats,
}

/// `stats` in seconds per iteration.
#[derive(Debug, Deserialize)]
struct Stats {
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    stddev: Option<f64>,
    median: Option<f64>,
    q1: Option<f64>,
    q3: Option<f64>,
    rounds: Option<u64>,
    data: Option<Vec<serde_json::Value>>,
}

/// Load every benchmark of a pytest-benchmark JSON file.
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let report: Report = crate::input::read_json(path)?;
    let mut first_index_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut benchmarks = Vec::with_capacity(report.benchmarks.len());
    for (index, entry) in report.benchmarks.iter().enumerate() {
        let json_path = format!("$.benchmarks[{index}]");
        let id = entry.fullname.clone().unwrap_or_else(|| entry.name.clone());
        if let Some(first) = first_index_of.insert(id.clone(), index) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.fullname")),
                format!("benchmark {id:?} also appears at $.benchmarks[{first}]; expected each benchmark once"),
            ));
        }
        let bench = to_benchmark(path, &json_path, id, entry, options)?;
        benchmarks.push(Benchmark { read_at: ReadAt::json(json_path), ..bench });
    }
    if benchmarks.is_empty() {
        return Err(InputError::new(
            path,
            Location::JsonPath("$.benchmarks".into()),
            "expected at least one benchmark, found none (did pytest run any test using the `benchmark` fixture?)",
        ));
    }
    Ok(benchmarks)
}

/// The round times of `stats.data` in ns, or why they are not the rounds. A round time
/// that is a number but not positive is an error.
fn raw_rounds(path: &Path, json_path: &str, stats: &Stats) -> Result<Result<Vec<f64>, String>, InputError> {
    let Some(data) = &stats.data else { return Ok(Ok(Vec::new())) };
    let mut samples = Vec::with_capacity(data.len());
    for (i, value) in data.iter().enumerate() {
        let Some(seconds) = value.as_f64() else {
            return Ok(Err(format!("value {i} is {value}, not a round time")));
        };
        if seconds <= 0.0 {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.stats.data[{i}]")),
                format!("expected a positive round time in seconds, found {seconds}"),
            ));
        }
        samples.push(seconds * NANOS_PER_SECOND);
    }
    match stats.rounds {
        Some(rounds) if rounds != samples.len() as u64 => {
            Ok(Err(format!("{} values for {rounds} rounds (trimmed or added to)", samples.len())))
        }
        _ => Ok(Ok(samples)),
    }
}

fn to_benchmark(
    path: &Path,
    json_path: &str,
    id: String,
    entry: &Entry,
    options: &InputOptions,
) -> Result<Benchmark, InputError> {
    let stats = &entry.stats;
    let samples = match raw_rounds(path, json_path, stats)? {
        Ok(samples) => samples,
        Err(why) => {
            if options.verbose {
                eprintln!(
                    "perfgate: note: {}{}: {why}; its `stats` are read instead",
                    path.display(),
                    Location::JsonPath(format!("{json_path}.stats.data"))
                );
            }
            Vec::new()
        }
    };
    let statistics = [
        ("min", stats.min),
        ("max", stats.max),
        ("mean", stats.mean),
        ("stddev", stats.stddev),
        ("median", stats.median),
        ("p25", stats.q1),
        ("p75", stats.q3),
    ];
    for (name, value) in statistics {
        if let Some(seconds) = value.filter(|seconds| *seconds < 0.0) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.stats.{}", name.replace("p25", "q1").replace("p75", "q3"))),
                format!("expected a non-negative number of seconds, found {seconds}"),
            ));
        }
    }
    let mut bench = Benchmark::with_samples(id, "time", Unit::Ns, samples);
    bench.summary = summary_of(statistics.map(|(name, seconds)| (name, seconds.map(|s| s * NANOS_PER_SECOND))));
    if let Some(group) = &entry.group {
        bench.tags.insert("group".into(), group.clone());
    }
    for (name, value) in entry.params.iter().flatten() {
        let text = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        bench.tags.insert(name.clone(), text);
    }
    Ok(bench)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Made with pytest 9.2.0 and pytest-benchmark 5.3.1 on a module with `test_fib_15`,
    /// `test_sort[10]`/`test_sort[1000]` (parametrized), `test_join` (group "strings") and a
    /// `benchmark.pedantic` test of 5 rounds:
    /// - `json-with-data.json`: `--benchmark-json=… --benchmark-save-data` (raw `stats.data`);
    /// - `saved-stats-only.json`: the file `--benchmark-save=nodata` wrote (statistics only).
    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pytest-benchmark").join(name)
    }

    fn load_json(json: &str) -> Result<Vec<Benchmark>, InputError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
        load(file.path(), &InputOptions::default()).inspect_err(|error| assert_eq!(error.path, file.path()))
    }

    #[test]
    fn raw_rounds_are_samples_in_nanoseconds() {
        let benchmarks = load(&fixture("json-with-data.json"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "test_bench.py::test_fib_15",
                "test_bench.py::test_sort[10]",
                "test_bench.py::test_sort[1000]",
                "test_bench.py::test_join",
                "test_bench.py::test_pedantic_sleep"
            ]
        );
        let sleep = &benchmarks[4];
        assert_eq!(sleep.samples.len(), 5);
        assert!(sleep.samples.iter().all(|ns| *ns > 1e6), "time.sleep(0.001) takes over 1 ms: {:?}", sleep.samples);
        let min = sleep.samples.iter().copied().fold(f64::INFINITY, f64::min);
        assert!((min - sleep.summary["min"]).abs() < 1e-3, "the summary's min is the data's");
        assert_eq!(benchmarks[1].tags["size"], "10");
        assert_eq!(benchmarks[3].tags["group"], "strings");
    }

    #[test]
    fn saved_files_without_data_are_summaries() {
        let benchmarks = load(&fixture("saved-stats-only.json"), &InputOptions::default()).unwrap();
        assert_eq!(benchmarks.len(), 5);
        for bench in &benchmarks {
            assert!(bench.samples.is_empty());
            let keys: Vec<&str> = bench.summary.keys().map(String::as_str).collect();
            assert_eq!(keys, ["max", "mean", "median", "min", "p25", "p75", "stddev"]);
        }
        assert!(benchmarks[4].summary["median"] > 1e6);
    }

    #[test]
    fn duplicates_negative_and_empty_inputs_are_errors() {
        let entry = |name: &str, data: &str| {
            format!(r#"{{"name":"{name}","fullname":"t.py::{name}","stats":{{"min":0.1,"mean":0.2,"data":[{data}]}}}}"#)
        };
        let error =
            load_json(&format!(r#"{{"benchmarks":[{},{}]}}"#, entry("a b", "0.1"), entry("a b", "0.2"))).unwrap_err();
        assert!(
            error.to_string().contains("$.benchmarks[1].fullname: benchmark \"t.py::a b\" also appears"),
            "{error}"
        );
        let error = load_json(&format!(r#"{{"benchmarks":[{}]}}"#, entry("a", "0.1, 0"))).unwrap_err();
        assert!(error.to_string().contains("$.benchmarks[0].stats.data[1]: expected a positive"), "{error}");
        let error = load_json(r#"{"benchmarks":[]}"#).unwrap_err();
        assert!(error.message.contains("found none"), "{error}");
        let error = load_json(r#"{"benchmarks":[{"name":"a","stats":{"mean":-1}}]}"#).unwrap_err();
        assert!(error.to_string().contains("$.benchmarks[0].stats.mean"), "{error}");
    }

    /// `stats.data` edited after the run: one round cut, or a value annotated with a string.
    #[test]
    fn data_that_is_not_the_rounds_gives_way_to_the_stats() {
        let entry = |name: &str, rounds: u64, data: &str| {
            format!(
                r#"{{"name":"{name}","fullname":"t.py::{name}","stats":{{"min":0.1,"median":0.15,"mean":0.2,"rounds":{rounds},"data":[{data}]}}}}"#
            )
        };
        let json = format!(
            r#"{{"benchmarks":[{},{},{}]}}"#,
            entry("trimmed", 3, "0.1, 0.2"),
            entry("annotated", 2, r#"0.1, "0.2 (warm)""#),
            entry("whole", 2, "0.1, 0.3")
        );
        let benchmarks = load_json(&json).unwrap();
        let read: Vec<(&str, usize, f64)> =
            benchmarks.iter().map(|b| (b.id.as_str(), b.samples.len(), b.summary["median"])).collect();
        assert_eq!(read, [("t.py::trimmed", 0, 0.15e9), ("t.py::annotated", 0, 0.15e9), ("t.py::whole", 2, 0.15e9)]);
        assert_eq!(
            raw_rounds(Path::new("x"), "$", &Stats { rounds: Some(3), ..stats_of("[0.1, 0.2]") }).unwrap(),
            Err("2 values for 3 rounds (trimmed or added to)".to_string())
        );
    }

    fn stats_of(data: &str) -> Stats {
        serde_json::from_str(&format!(r#"{{"data": {data}}}"#)).unwrap()
    }

    #[test]
    fn every_truncation_of_a_real_file_is_an_error() {
        let full = std::fs::read_to_string(fixture("saved-stats-only.json")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.json");
        for end in (0..full.trim_end().len()).step_by(11) {
            std::fs::write(&cut, &full[..end]).unwrap();
            assert!(load(&cut, &InputOptions::default()).is_err(), "accepted a file cut at byte {end}");
        }
    }
}
