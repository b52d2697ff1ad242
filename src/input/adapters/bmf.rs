//! Adapter for Bencher Metric Format JSON: one summary-only benchmark per (benchmark, measure).
//!
//! `{"<bench>": {"<measure>": {"value": f, "lower_value"?: f, "upper_value"?: f}}}`.
//! BMF carries no units or direction, so they come from Bencher's built-in
//! measure slugs: `latency` (ns), `throughput` (operations/s, higher is
//! better), `build-time` (seconds, converted to ns) and `file-size` (bytes).
//! Any other measure keeps its name as the unit and counts as lower-is-better.
//! Benchmarks come out sorted by name, then measure.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::units::secondary_id;
use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::{Benchmark, ReadAt, Unit};

/// One measure's metric. Unknown extra fields are tolerated for newer Bencher versions.
#[derive(Debug, Deserialize)]
struct Metric {
    value: f64,
    lower_value: Option<f64>,
    upper_value: Option<f64>,
}

type Report = BTreeMap<String, BTreeMap<String, Metric>>;

/// Load every (benchmark, measure) pair of a BMF file.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let report: Report = crate::input::read_json(path)?;
    let mut benchmarks = Vec::new();
    for (bench_name, measures) in &report {
        if measures.is_empty() {
            return Err(InputError::new(
                path,
                Location::JsonPath(format!("$[{}]", quoted(bench_name))),
                "expected at least one measure such as {\"latency\": {\"value\": 88.0}}, found an empty object",
            ));
        }
        for (measure, metric) in measures {
            let json_path = format!("$[{}][{}]", quoted(bench_name), quoted(measure));
            let id = series_id(bench_name, measure, measures.len());
            let bench = to_benchmark(path, &json_path, &id, measure, metric)?;
            benchmarks.push(Benchmark { read_at: ReadAt::json(json_path), ..bench });
        }
    }
    Ok(benchmarks)
}

/// A benchmark's only measure, or its `latency` (Bencher's default measure), keeps the
/// benchmark's name; any other of several measures is the series `NAME (MEASURE)`, so a
/// `bench` glob judges each measure on its own instead of pooling different units.
fn series_id(bench_name: &str, measure: &str, measures: usize) -> String {
    if measures == 1 || measure == PRIMARY_MEASURE {
        bench_name.to_string()
    } else {
        secondary_id(bench_name, measure)
    }
}

/// The measure Bencher records when none is named.
const PRIMARY_MEASURE: &str = "latency";

fn to_benchmark(
    path: &Path,
    json_path: &str,
    bench_name: &str,
    measure: &str,
    metric: &Metric,
) -> Result<Benchmark, InputError> {
    let (lower, upper) = consistent_bounds(path, json_path, metric);
    let (unit, scale) = unit_of(measure);
    if unit != Unit::Other(measure.to_string()) && metric.value < 0.0 {
        return Err(InputError::new(
            path,
            Location::JsonPath(format!("{json_path}.value")),
            format!("expected a non-negative {measure}, found {}", metric.value),
        ));
    }
    let scaled = |value: Option<f64>| value.map(|v| v * scale);
    let mut bench = Benchmark::with_samples(bench_name, measure, unit, Vec::new());
    // BMF has one central value and no word on which statistic it is; storing
    // it as both lets mean- and median-based budgets read it.
    bench.summary = summary_of([
        ("value", scaled(Some(metric.value))),
        ("mean", scaled(Some(metric.value))),
        ("median", scaled(Some(metric.value))),
        ("lower", scaled(lower)),
        ("upper", scaled(upper)),
    ]);
    Ok(bench)
}

/// `lower_value <= value <= upper_value`, when the bounds are given.
/// The bounds that lie on their side of the value. BMF requires only `value`, so a
/// bound on the wrong side is dropped with a warning naming its place, and the value kept.
fn consistent_bounds(path: &Path, json_path: &str, metric: &Metric) -> (Option<f64>, Option<f64>) {
    let keep = |field: &str, bound: Option<f64>, on_its_side: fn(f64, f64) -> bool, relation: &str| {
        let bound = bound?;
        if on_its_side(bound, metric.value) {
            return Some(bound);
        }
        let place = Location::JsonPath(format!("{json_path}.{field}"));
        eprintln!(
            "perfgate: warning: {}{place}: expected {field} {relation} value ({}), found {bound}; the bound is dropped, the value kept",
            path.display(),
            metric.value
        );
        None
    };
    (
        keep("lower_value", metric.lower_value, |lower, value| lower <= value, "<="),
        keep("upper_value", metric.upper_value, |upper, value| upper >= value, ">="),
    )
}

/// Unit of a measure slug and the factor that converts its values into that unit.
fn unit_of(measure: &str) -> (Unit, f64) {
    match measure {
        "latency" => (Unit::Ns, 1.0),
        "throughput" => (Unit::PerSecond, 1.0),
        "build-time" => (Unit::Ns, 1e9),
        "file-size" => (Unit::Bytes, 1.0),
        other => (Unit::Other(other.to_string()), 1.0),
    }
}

/// A JSON string literal, so keys with spaces, dots or quotes stay readable in paths.
fn quoted(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("{key:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Direction;

    fn load_json(json: &str) -> Result<Vec<Benchmark>, InputError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
        load(file.path(), &InputOptions::default())
            .inspect_err(|error| assert_eq!(error.path, file.path(), "the error names the file"))
    }

    fn error_of(json: &str) -> String {
        load_json(json).unwrap_err().to_string()
    }

    #[test]
    fn reads_one_series_per_measure_with_units_and_directions() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bmf/docs-example.json");
        let benchmarks = load(&path, &InputOptions::default()).unwrap();
        let found: Vec<(&str, &str, Unit, Direction)> =
            benchmarks.iter().map(|b| (b.id.as_str(), b.metric.as_str(), b.unit.clone(), b.direction)).collect();
        use Direction::*;
        assert_eq!(
            found,
            [
                ("/bin/sh -c ./my_build_script.sh", "build-time", Unit::Ns, LowerIsBetter),
                ("benchmark_name", "latency", Unit::Ns, LowerIsBetter),
                ("benchmark_name (throughput)", "throughput", Unit::PerSecond, HigherIsBetter),
                ("my_binary", "file-size", Unit::Bytes, LowerIsBetter),
                ("parse/large input (instructions)", "instructions", Unit::Other("instructions".into()), LowerIsBetter),
                ("parse/large input", "latency", Unit::Ns, LowerIsBetter),
            ]
        );
        assert!(benchmarks.iter().all(|b| b.samples.is_empty()));
    }

    #[test]
    fn value_and_bounds_go_to_the_summary() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bmf/docs-example.json");
        let benchmarks = load(&path, &InputOptions::default()).unwrap();
        let throughput = &benchmarks[2].summary;
        assert_eq!((throughput["value"], throughput["mean"], throughput["median"]), (5.55, 5.55, 5.55));
        assert_eq!((throughput["lower"], throughput["upper"]), (3.25, 6.30));
        // build-time is in seconds; durations are stored in ns.
        assert_eq!(benchmarks[0].summary["median"], 87.0e9);
        assert!(!benchmarks[0].summary.contains_key("lower"));
    }

    #[test]
    fn rejects_truncated_json_and_missing_value() {
        let message = error_of("{\"a\": {\"latency\": {\"value\": 1.0,");
        assert!(message.contains(":1:") && message.contains("invalid JSON"), "{message}");
        let message = error_of(r#"{"a": {"latency": {"lower_value": 1.0}}}"#);
        assert!(message.contains("missing field `value`"), "{message}");
    }

    #[test]
    fn rejects_non_numbers_where_values_belong() {
        for not_a_number in [r#""NaN""#, "null", "[]"] {
            let message = error_of(&format!(r#"{{"a": {{"latency": {{"value": {not_a_number}}}}}}}"#));
            assert!(message.contains(":1:") && message.contains("expected f64"), "{message}");
        }
    }

    #[test]
    fn rejects_a_benchmark_without_measures() {
        let message = error_of(r#"{"a b": {}}"#);
        assert!(message.contains(r#" at $["a b"]: expected at least one measure"#), "{message}");
    }

    #[test]
    fn rejects_negative_latency_but_not_a_custom_measure() {
        let message = error_of(r#"{"a": {"latency": {"value": -3.0}}}"#);
        assert!(message.contains(r#" at $["a"]["latency"].value: expected a non-negative latency"#), "{message}");
        let custom = load_json(r#"{"a": {"score delta": {"value": -3.0}}}"#).unwrap();
        assert_eq!(custom[0].summary["value"], -3.0);
    }

    #[test]
    fn bounds_on_the_wrong_side_of_the_value_are_dropped_and_the_value_kept() {
        let json = r#"{"a": {"latency": {"value": 5.0, "lower_value": 6.0, "upper_value": 7.0}},
                       "b": {"latency": {"value": 5.0, "lower_value": 4.0, "upper_value": 4.5}}}"#;
        let benchmarks = load_json(json).unwrap();
        let bounds =
            |b: &Benchmark| (b.summary["value"], b.summary.get("lower").copied(), b.summary.get("upper").copied());
        assert_eq!(bounds(&benchmarks[0]), (5.0, None, Some(7.0)));
        assert_eq!(bounds(&benchmarks[1]), (5.0, Some(4.0), None));
    }

    #[test]
    fn rejects_a_top_level_that_is_not_an_object() {
        let message = error_of(r#"[{"a": 1}]"#);
        assert!(message.contains("invalid JSON") && message.contains("expected a map"), "{message}");
    }

    #[test]
    fn every_truncation_of_a_real_file_is_an_error() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bmf/docs-example.json");
        let full = std::fs::read_to_string(path).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.json");
        for end in 0..full.trim_end().len() {
            std::fs::write(&cut, &full[..end]).unwrap();
            assert!(load(&cut, &InputOptions::default()).is_err(), "accepted a file cut at byte {end}");
        }
    }
}
