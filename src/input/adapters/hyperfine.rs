//! Adapter for hyperfine's `--export-json`: one benchmark per command, run times as samples.
//!
//! hyperfine reports seconds; everything is converted to nanoseconds. The
//! `command` (after parameter substitution, or the `-n` name) is the id and
//! `parameters` become tags. Exports from hyperfine versions without `times`
//! load as summary-only benchmarks.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::{Benchmark, ReadAt, Unit};

const NANOS_PER_SECOND: f64 = 1e9;

#[derive(Debug, Deserialize)]
struct Export {
    results: Vec<CommandResult>,
}

/// One entry of `results`. Unlisted fields (`exit_codes`) are not needed: a
/// failing command only runs with `--ignore-failure`, which the user chose.
#[derive(Debug, Deserialize)]
struct CommandResult {
    command: String,
    mean: Option<f64>,
    /// `null` when the command ran once.
    stddev: Option<f64>,
    median: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    user: Option<f64>,
    system: Option<f64>,
    times: Option<Vec<f64>>,
    #[serde(default)]
    parameters: BTreeMap<String, serde_json::Value>,
}

/// Load every command of a hyperfine JSON export, in file order.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let export: Export = crate::input::read_json(path)?;
    if export.results.is_empty() {
        return Err(InputError::new(
            path,
            Location::JsonPath("$.results".into()),
            "expected at least one result, found none",
        ));
    }
    let mut first_index_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut benchmarks = Vec::with_capacity(export.results.len());
    for (index, result) in export.results.iter().enumerate() {
        let json_path = format!("$.results[{index}]");
        if let Some(first) = first_index_of.insert(&result.command, index) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.command")),
                format!(
                    "command {:?} also appears at $.results[{first}]; expected each command once (name them with -n)",
                    result.command
                ),
            ));
        }
        let bench = to_benchmark(path, &json_path, result)?;
        benchmarks.push(Benchmark { read_at: ReadAt::json(json_path), ..bench });
    }
    Ok(benchmarks)
}

fn to_benchmark(path: &Path, json_path: &str, result: &CommandResult) -> Result<Benchmark, InputError> {
    let samples = match &result.times {
        Some(times) => run_times_in_ns(path, &format!("{json_path}.times"), times)?,
        None => Vec::new(),
    };
    let statistics = [
        ("mean", result.mean),
        ("stddev", result.stddev),
        ("median", result.median),
        ("min", result.min),
        ("max", result.max),
        ("user", result.user),
        ("system", result.system),
    ];
    for (name, value) in statistics {
        if let Some(seconds) = value.filter(|seconds| *seconds < 0.0) {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}.{name}")),
                format!("expected a non-negative number of seconds, found {seconds}"),
            ));
        }
    }
    let mut bench = Benchmark::with_samples(result.command.clone(), "time", Unit::Ns, samples);
    bench.summary = summary_of(statistics.map(|(name, seconds)| (name, seconds.map(|s| s * NANOS_PER_SECOND))));
    bench.tags = result.parameters.iter().map(|(name, value)| (name.clone(), parameter_text(value))).collect();
    Ok(bench)
}

/// Run times in seconds → nanoseconds; a run cannot take zero or negative time.
fn run_times_in_ns(path: &Path, json_path: &str, times: &[f64]) -> Result<Vec<f64>, InputError> {
    if times.is_empty() {
        return Err(InputError::new(
            path,
            Location::JsonPath(json_path.to_string()),
            "expected at least one run time, found an empty array",
        ));
    }
    let mut samples = Vec::with_capacity(times.len());
    for (i, &seconds) in times.iter().enumerate() {
        if seconds <= 0.0 {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("{json_path}[{i}]")),
                format!("expected a positive run time in seconds, found {seconds}"),
            ));
        }
        samples.push(seconds * NANOS_PER_SECOND);
    }
    Ok(samples)
}

/// Parameter values are strings in hyperfine's export; numbers are accepted too.
fn parameter_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Exports made by hyperfine 1.15.0 (`-N --warmup 2 --runs 15 --export-json`):
    /// - `aa-base.json`, `aa-head.json`: two runs of identical `sleep 0.02` and `sleep 0.03`;
    /// - `slow-head.json`: `sleep 0.024` named `sleep 0.02` with `-n` (~20 % slower, same id),
    ///   and an unchanged `sleep 0.03`;
    /// - `parameterized.json`: `-P n 1 2 'sleep 0.0{n}'`, 5 runs each.
    ///
    /// (Notes live here: every file in a fixture folder must be an input of its format.)
    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hyperfine").join(name)
    }

    fn error_of(json: &str) -> String {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
        // Through the registry, which checks what every adapter made.
        let format = crate::input::Format::HYPERFINE;
        let message = crate::input::load(format, file.path(), &InputOptions::default()).unwrap_err().to_string();
        assert!(message.starts_with(&file.path().display().to_string()), "names the file: {message}");
        message
    }

    /// A one-command export with `times` replaced by `times_json`.
    fn export_with_times(times_json: &str) -> String {
        format!(r#"{{"results":[{{"command":"true","mean":0.01,"times":{times_json}}}]}}"#)
    }

    #[test]
    fn reads_a_real_export_in_nanoseconds() {
        let benchmarks = load(&fixture("aa-base.json"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["sleep 0.02", "sleep 0.03"]);
        let sleep_30ms = &benchmarks[1];
        assert_eq!((sleep_30ms.metric.as_str(), &sleep_30ms.unit), ("time", &Unit::Ns));
        assert_eq!(sleep_30ms.samples.len(), 15);
        // times[3] = 0.036528641 s in the file.
        assert!((sleep_30ms.samples[3] - 36_528_641.0).abs() < 1e-3);
        assert!((sleep_30ms.summary["median"] - 31_625_456.0).abs() < 1e-3);
        assert!((sleep_30ms.summary["min"] - 31_253_465.0).abs() < 1e-3);
        for statistic in ["mean", "stddev", "max", "user", "system"] {
            assert!(sleep_30ms.summary.contains_key(statistic), "{statistic}");
        }
        assert!(sleep_30ms.tags.is_empty());
    }

    #[test]
    fn the_slow_head_is_slower_than_its_base() {
        let median = |name: &str| load(&fixture(name), &InputOptions::default()).unwrap()[0].summary["median"];
        let ratio = median("slow-head.json") / median("aa-base.json");
        assert!(ratio > 1.1, "sleep 0.024 named `sleep 0.02` should be ~20 % slower, got {ratio}");
    }

    #[test]
    fn parameters_become_tags() {
        let benchmarks = load(&fixture("parameterized.json"), &InputOptions::default()).unwrap();
        let found: Vec<(&str, &str)> = benchmarks.iter().map(|b| (b.id.as_str(), b.tags["n"].as_str())).collect();
        assert_eq!(found, [("sleep 0.01", "1"), ("sleep 0.02", "2")]);
    }

    #[test]
    fn an_export_without_times_loads_as_summary_only() {
        let json =
            r#"{"results":[{"command":"old","mean":0.5,"stddev":null,"min":0.25,"max":1.0,"user":0.1,"system":0.0}]}"#;
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
        let bench = &load(file.path(), &InputOptions::default()).unwrap()[0];
        assert!(bench.samples.is_empty());
        assert_eq!(bench.summary["mean"], 5e8);
        assert_eq!(bench.summary["min"], 2.5e8);
        assert!(!bench.summary.contains_key("stddev"), "null stddev (one run) is left out");
    }

    #[test]
    fn rejects_truncated_json_with_line_and_column() {
        let message = error_of("{\"results\":[{\"command\":\"a\",\n\"times\":[0.1,");
        assert!(message.contains(":2:") && message.contains("invalid JSON"), "{message}");
    }

    #[test]
    fn rejects_missing_command_and_results() {
        let message = error_of(r#"{"results":[{"times":[0.1]}]}"#);
        assert!(message.contains("missing field `command`"), "{message}");
        let message = error_of(r#"{"benchmarks":[]}"#);
        assert!(message.contains("missing field `results`"), "{message}");
        let message = error_of(r#"{"results":[]}"#);
        assert!(message.contains(" at $.results: expected at least one result"), "{message}");
    }

    #[test]
    fn rejects_empty_negative_zero_and_non_numeric_times() {
        let message = error_of(&export_with_times("[]"));
        assert!(message.contains(" at $.results[0].times: expected at least one run time"), "{message}");
        let message = error_of(&export_with_times("[0.1, 0.2, -0.3]"));
        assert!(
            message.contains(" at $.results[0].times[2]: expected a positive run time in seconds, found -0.3"),
            "{message}"
        );
        let message = error_of(&export_with_times("[0.1, 0]"));
        assert!(message.contains(" at $.results[0].times[1]"), "{message}");
        for not_a_number in [r#"["NaN"]"#, "[null]"] {
            let message = error_of(&export_with_times(not_a_number));
            assert!(message.contains(":1:") && message.contains("expected f64"), "{message}");
        }
    }

    #[test]
    fn rejects_negative_statistics() {
        let message =
            error_of(r#"{"results":[{"command":"a","mean":1.0},{"command":"b","median":-1.0,"times":[0.1]}]}"#);
        assert!(message.contains(" at $.results[1].median: expected a non-negative number of seconds"), "{message}");
    }

    #[test]
    fn rejects_a_result_with_neither_times_nor_statistics() {
        let message = error_of(r#"{"results":[{"command":"a","exit_codes":[0]}]}"#);
        assert!(message.contains(" at $.results[0]: benchmark \"a\" has neither samples nor summary"), "{message}");
    }

    #[test]
    fn rejects_a_command_that_appears_twice() {
        let message = error_of(r#"{"results":[{"command":"a","mean":1.0},{"command":"a","mean":2.0}]}"#);
        assert!(message.contains(" at $.results[1].command: command \"a\" also appears at $.results[0]"), "{message}");
    }

    #[test]
    fn every_truncation_of_a_real_export_is_an_error() {
        let full = std::fs::read_to_string(fixture("parameterized.json")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.json");
        // The closing `}` is the last byte that matters; cutting before it must fail.
        for end in 0..full.trim_end().len() {
            std::fs::write(&cut, &full[..end]).unwrap();
            assert!(load(&cut, &InputOptions::default()).is_err(), "accepted a file cut at byte {end}");
        }
    }
}
