//! Adapter for `go test -bench` text output.
//!
//! A result line is `BenchmarkName/sub-8  20000  247.5 ns/op  0 B/op  0 allocs/op`:
//! the name, the `-N` GOMAXPROCS suffix (absent when it is 1), the iteration
//! count, then value/unit pairs (`ns/op`, `B/op`, `allocs/op`, `MB/s` from
//! `b.SetBytes`, custom units from `b.ReportMetric`). `pkg:` lines name the
//! package of the lines after them. Everything else (`goos:`, `--- BENCH:`
//! and the benchmark's own log lines, `PASS`, `ok`) is skipped. When a
//! benchmark prints to stdout, go ends the name line early and prints the
//! numbers on a later line; the two halves are joined.
//!
//! Each metric of a benchmark becomes one series: `ns/op` is the metric
//! `time` under the benchmark's name; the others keep their unit as metric
//! name under `NAME (UNIT)`. `-count` repeats are the raw samples (one line
//! alone is a mean over `b.N` iterations, kept as summary). `B/op` and
//! `allocs/op` are deterministic. The suffix is dropped from the id (kept as
//! tag `procs`) unless the file holds several GOMAXPROCS values for one name
//! (`-cpu 1,2`); a name found in several packages is qualified as `pkg.Name`.

use std::collections::BTreeSet;
use std::path::Path;

use crate::input::text::{numbered_lines, parse_number, read_lossy};
use crate::input::units::{normalize, repeated, secondary_id};
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::{Benchmark, Unit};

const TIME_UNIT: &str = "ns/op";

/// One benchmark of one package at one GOMAXPROCS, with every repeat's metrics.
#[derive(Debug)]
struct Series {
    package: Option<String>,
    /// The name as printed, `-N` suffix included.
    printed_name: String,
    name: String,
    procs: Option<u32>,
    /// Per unit, in first-seen order: the value of every repeat.
    metrics: Vec<(String, Vec<f64>)>,
}

/// Load every benchmark result of a `go test -bench` log.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = read_lossy(path)?;
    let mut package: Option<String> = None;
    let mut pending_name: Option<String> = None;
    let mut series: Vec<Series> = Vec::new();
    for (line_number, line) in numbered_lines(&text) {
        if let Some(name) = line.strip_prefix("pkg:") {
            package = Some(name.trim().to_string());
            continue;
        }
        let (name, measurement) = match (split_result_line(line), pending_name.take()) {
            (Some((name, "")), _) => {
                pending_name = Some(name.to_string());
                continue;
            }
            (Some((name, rest)), _) => (name.to_string(), rest),
            (None, Some(name)) if starts_with_iterations(line) => (name, line.trim()),
            (None, pending) => {
                // The benchmark's own output between its name and its numbers.
                pending_name = pending;
                continue;
            }
        };
        let Some(measures) = parse_measures(measurement)
            .map_err(|message| InputError::new(path, Location::Line(line_number), format!("{name}: {message}")))?
        else {
            continue;
        };
        add_repeat(&mut series, package.as_deref(), &name, measures)
            .map_err(|message| InputError::new(path, Location::Line(line_number), message))?;
    }
    if series.is_empty() {
        return Err(InputError::whole(
            path,
            "expected `go test -bench` lines like `BenchmarkName-8  20000  247.5 ns/op`; found none",
        ));
    }
    Ok(to_benchmarks(&series))
}

/// `BenchmarkName-8 <rest>` → `("BenchmarkName-8", rest)`; `rest` is empty when
/// the numbers come on a later line.
fn split_result_line(line: &str) -> Option<(&str, &str)> {
    if !line.starts_with("Benchmark") {
        return None;
    }
    let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    // Anything but numbers after the name is the benchmark's own output: the numbers come later.
    Some((name, if starts_with_iterations(rest) { rest } else { "" }))
}

fn starts_with_iterations(text: &str) -> bool {
    text.split_whitespace().next().is_some_and(|word| word.chars().all(|c| c.is_ascii_digit()))
}

/// `20000  247.5 ns/op  0 B/op` → `[(247.5, "ns/op"), (0, "B/op")]`;
/// `None` for a line with the iteration count alone (a failed benchmark).
fn parse_measures(text: &str) -> Result<Option<Vec<(f64, String)>>, String> {
    let mut words = text.split_whitespace();
    let iterations = words.next().unwrap_or_default();
    if iterations.parse::<u64>().is_err() {
        return Err(format!("expected an iteration count, found {iterations:?}"));
    }
    let words: Vec<&str> = words.collect();
    if words.is_empty() {
        return Ok(None);
    }
    if words.len() % 2 != 0 {
        return Err(format!("expected value/unit pairs after the iteration count, found {:?}", words.join(" ")));
    }
    let mut measures = Vec::with_capacity(words.len() / 2);
    for pair in words.chunks(2) {
        let value =
            parse_number(pair[0]).ok_or_else(|| format!("cannot read {:?} (unit {}) as a number", pair[0], pair[1]))?;
        if measures.iter().any(|(_, unit)| unit == pair[1]) {
            return Err(format!("unit {:?} appears twice on one line", pair[1]));
        }
        measures.push((value, pair[1].to_string()));
    }
    Ok(Some(measures))
}

/// `Name-8` → `("Name", Some(8))`; a name without a numeric suffix has no procs.
fn split_procs(printed_name: &str) -> (&str, Option<u32>) {
    match printed_name.rsplit_once('-') {
        Some((name, digits)) if !name.is_empty() => match digits.parse::<u32>() {
            Ok(procs) if !digits.starts_with('+') => (name, Some(procs)),
            _ => (printed_name, None),
        },
        _ => (printed_name, None),
    }
}

fn add_repeat(
    series: &mut Vec<Series>,
    package: Option<&str>,
    printed_name: &str,
    measures: Vec<(f64, String)>,
) -> Result<(), String> {
    let (name, procs) = split_procs(printed_name);
    let found = series.iter_mut().find(|s| s.package.as_deref() == package && s.printed_name == printed_name);
    let entry = match found {
        Some(entry) => entry,
        None => {
            series.push(Series {
                package: package.map(str::to_string),
                printed_name: printed_name.to_string(),
                name: name.to_string(),
                procs,
                metrics: Vec::new(),
            });
            series.last_mut().expect("just pushed")
        }
    };
    let repeats_before = entry.metrics.first().map_or(0, |(_, values)| values.len());
    for (value, unit) in measures {
        match entry.metrics.iter_mut().find(|(known, _)| *known == unit) {
            Some((_, values)) => values.push(value),
            None if repeats_before == 0 => entry.metrics.push((unit, vec![value])),
            None => return Err(format!("{printed_name}: unit {unit:?} is missing from its earlier repeats")),
        }
    }
    if entry.metrics.iter().any(|(_, values)| values.len() != repeats_before + 1) {
        return Err(format!("{printed_name}: this repeat reports other units than the earlier ones"));
    }
    Ok(())
}

fn to_benchmarks(series: &[Series]) -> Vec<Benchmark> {
    let several_procs = |s: &Series| {
        let procs: BTreeSet<Option<u32>> =
            series.iter().filter(|o| o.package == s.package && o.name == s.name).map(|o| o.procs).collect();
        procs.len() > 1
    };
    let several_packages = |s: &Series| series.iter().any(|o| o.package != s.package && o.name == s.name);
    let mut benchmarks = Vec::new();
    for s in series {
        let mut id = if several_procs(s) { s.printed_name.clone() } else { s.name.clone() };
        if let (true, Some(package)) = (several_packages(s), &s.package) {
            id = format!("{package}.{id}");
        }
        for (unit_text, values) in &s.metrics {
            let scaled = normalize(unit_text);
            let mut bench = if unit_text == TIME_UNIT {
                repeated(&id, "time", &scaled, values)
            } else {
                repeated(&secondary_id(&id, unit_text), unit_text, &scaled, values)
            };
            bench.deterministic = matches!(bench.unit, Unit::Bytes | Unit::Count);
            if let Some(package) = &s.package {
                bench.tags.insert("pkg".into(), package.clone());
            }
            if let Some(procs) = s.procs {
                bench.tags.insert("procs".into(), procs.to_string());
            }
            benchmarks.push(bench);
        }
    }
    benchmarks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support::{self, find};
    use std::path::PathBuf;

    /// - `count3-cpu1-2.txt`: go 1.19.8 (Debian), `go test -run '^$' -bench . -benchmem -count 3 -cpu 1,2 ./...`
    ///   on a package with sub-benchmarks, `b.SetBytes`, `b.ReportMetric(3, "widgets/op")`, a sub-benchmark
    ///   named "with space" that calls `b.Log` (interleaved `--- BENCH:` output), and two sub-benchmarks both
    ///   named "dup" (go renames the second `dup#01`);
    /// - `two-packages-crlf.txt`: handwritten in go's format, Windows line endings, `count` 1, the same
    ///   benchmark name in two packages, and a benchmark whose stdout split its result line.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("go-bench", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    #[test]
    fn count_repeats_are_samples_and_cpu_values_stay_apart() {
        let benchmarks = load(&fixture("count3-cpu1-2.txt"), &InputOptions::default()).unwrap();
        let add = find(&benchmarks, "BenchmarkAdd");
        assert_eq!(add.samples, [2.428, 1.779, 1.897]);
        assert_eq!((add.metric.as_str(), &add.unit), ("time", &Unit::Ns));
        assert!(!add.tags.contains_key("procs"), "GOMAXPROCS 1 prints no suffix");
        let add2 = find(&benchmarks, "BenchmarkAdd-2");
        assert_eq!(add2.samples, [1.793, 1.972, 2.547]);
        assert_eq!(add2.tags["procs"], "2");
        assert_eq!(add2.tags["pkg"], "example.com/gofix/parse");
    }

    #[test]
    fn extra_metrics_get_their_own_ids_units_and_directions() {
        let benchmarks = load(&fixture("count3-cpu1-2.txt"), &InputOptions::default()).unwrap();
        let speed = find(&benchmarks, "BenchmarkParse/size=10 (MB/s)");
        assert_eq!(speed.unit, Unit::BytesPerSecond);
        assert_eq!(speed.samples, [179.72e6, 240.58e6, 168.63e6]);
        assert_eq!(speed.direction, crate::model::Direction::HigherIsBetter);
        let bytes = find(&benchmarks, "BenchmarkParse/size=1000 (B/op)");
        assert_eq!((bytes.unit.clone(), bytes.deterministic), (Unit::Bytes, true));
        assert_eq!(bytes.samples, [16384.0; 3]);
        let allocs = find(&benchmarks, "BenchmarkParse/size=1000-2 (allocs/op)");
        assert_eq!((allocs.unit.clone(), allocs.deterministic), (Unit::Count, true));
        let widgets = find(&benchmarks, "BenchmarkParse/with_space (widgets/op)");
        assert_eq!((widgets.unit.clone(), widgets.deterministic), (Unit::Other("widgets/op".into()), false));
    }

    #[test]
    fn log_lines_and_duplicate_names_are_handled() {
        let benchmarks = load(&fixture("count3-cpu1-2.txt"), &InputOptions::default()).unwrap();
        // `--- BENCH:` and the log lines between repeats do not break the series.
        assert_eq!(find(&benchmarks, "BenchmarkParse/with_space").samples, [69.34, 57.31, 105.0]);
        assert_eq!(find(&benchmarks, "BenchmarkParse/dup").samples, [3.171, 3.698, 3.312]);
        assert_eq!(find(&benchmarks, "BenchmarkParse/dup#01-2").samples, [3.111, 3.215, 4.968]);
        let times = benchmarks.iter().filter(|b| b.metric == "time").count();
        assert_eq!(times, 12, "6 benchmarks at 2 GOMAXPROCS values");
        let ids: BTreeSet<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids.len(), benchmarks.len(), "ids are unique");
    }

    #[test]
    fn packages_qualify_shared_names_and_single_runs_are_means() {
        let benchmarks = load(&fixture("two-packages-crlf.txt"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().filter(|b| b.metric == "time").map(|b| b.id.as_str()).collect();
        assert_eq!(
            ids,
            ["example.com/a.BenchmarkEncode", "BenchmarkOnlyInA", "example.com/b.BenchmarkEncode", "BenchmarkChatty"]
        );
        let encode = &benchmarks[0];
        assert!(encode.samples.is_empty());
        assert_eq!(encode.summary["mean"], 0.2500);
        assert_eq!(find(&benchmarks, "BenchmarkChatty").summary["mean"], 1234.0);
        assert_eq!(find(&benchmarks, "BenchmarkOnlyInA").tags["procs"], "8");
    }

    #[test]
    fn malformed_results_cite_their_line() {
        let cases = [
            ("BenchmarkA-8  100  12.5 ns/op  7\n", "value/unit pairs"),
            ("BenchmarkA-8  100  fast ns/op\n", "cannot read \"fast\""),
            ("BenchmarkA-8  100  -3 ns/op\n", "cannot read \"-3\""),
            ("BenchmarkA-8  100  3 ns/op  4 ns/op\n", "appears twice"),
        ];
        for (line, expected) in cases {
            let error = load_text(&format!("pkg: x\n{line}")).unwrap_err();
            assert_eq!(error.location, Location::Line(2), "{line}");
            assert!(error.message.contains("BenchmarkA-8") && error.message.contains(expected), "{error}");
        }
        let error = load_text("BenchmarkA 10 1 ns/op\nBenchmarkA 10 1 ns/op 2 B/op\n").unwrap_err();
        assert_eq!(error.location, Location::Line(2));
    }

    #[test]
    fn text_without_results_is_an_error_but_user_lines_starting_with_benchmark_are_skipped() {
        let error = load_text("PASS\nok  example.com/x  0.1s\n").unwrap_err();
        assert!(error.message.contains("found none"), "{error}");
        let benchmarks = load_text("Benchmarking is fun\nBenchmarkA 10 1 ns/op\nBenchmarkB 10\n").unwrap();
        assert_eq!(benchmarks.len(), 1, "a failed benchmark without numbers is skipped");
    }

    #[test]
    fn truncated_or_garbled_text_never_panics() {
        test_support::never_panics_on_prefixes(load, &fixture("two-packages-crlf.txt"));
    }
}
