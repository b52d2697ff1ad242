//! Adapter for the `bencher` text format: libtest's `cargo bench` output and criterion's `--output-format bencher`.
//!
//! Each result is one line, `test NAME ... bench:  1,234 ns/iter (+/- 56)`,
//! possibly followed by ` = 123 MB/s`. Everything else (compiler output,
//! `running 3 tests`, `test result:`, warnings) is skipped. Criterion prints
//! `test NAME ... ` before measuring and `bench: ...` after, so a warning on
//! stderr can land between the two halves; a `bench:` line right after such
//! an unfinished `test` line is joined to it.
//!
//! There are no raw samples. The value is stored as summary `median` (libtest
//! and criterion both print a median) and the `+/-` figure as `range`:
//! libtest prints max − min of its samples there, criterion its standard
//! deviation, so it is informational only.
//!
//! A criterion `Measurement` other than wall time prints its own unit
//! (`2835 cycles/iter`, `4.2 MS/s/iter`): units perfgate knows are converted
//! as everywhere, others are kept by name as the series' unit and metric,
//! lower-is-better unless the unit is a rate (`.../s`) or the KPI says.

use std::collections::BTreeMap;
use std::path::Path;

use crate::input::text::{numbered_lines, parse_number, read_lossy};
use crate::input::units::{normalize, Scaled};
use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::{Benchmark, Unit};

const RESULT_MARKER: &str = " ... ";
const BENCH_MARKER: &str = "bench:";

/// One parsed result line, before it becomes a [`Benchmark`].
#[derive(Debug, PartialEq)]
struct BenchLine {
    name: String,
    /// Nanoseconds for times, else the measurement's own unit.
    unit: Unit,
    median: f64,
    /// The `+/-` figure, when the line has one.
    range: Option<f64>,
}

/// Load every `bench:` result in a text file, in file order.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = read_lossy(path)?;
    let mut benchmarks = Vec::new();
    let mut first_line_of: BTreeMap<String, u64> = BTreeMap::new();
    let mut unfinished_name: Option<String> = None;
    for (line_number, line) in numbered_lines(&text) {
        let parsed = match (split_result_line(line), unfinished_name.take()) {
            (Some((name, rest)), _) if rest.contains(BENCH_MARKER) => parse_measurement(name, rest),
            (Some((name, rest)), _) => {
                // `test NAME ... ok` is a test, `test NAME ... ` a criterion bench still measuring.
                if rest.trim().is_empty() {
                    unfinished_name = Some(name.to_string());
                }
                continue;
            }
            (None, Some(name)) if line.trim_start().starts_with(BENCH_MARKER) => parse_measurement(&name, line),
            (None, pending) => {
                // Warnings between `test NAME ... ` and its `bench:` keep the name pending.
                unfinished_name = pending.filter(|_| !line.trim().is_empty());
                continue;
            }
        };
        let bench_line = parsed.map_err(|message| InputError::new(path, Location::Line(line_number), message))?;
        if let Some(first) = first_line_of.get(&bench_line.name) {
            return Err(InputError::new(
                path,
                Location::Line(line_number),
                format!("benchmark {:?} already appeared on line {first}; expected each name once", bench_line.name),
            ));
        }
        first_line_of.insert(bench_line.name.clone(), line_number);
        benchmarks.push(to_benchmark(bench_line));
    }
    if benchmarks.is_empty() {
        return Err(InputError::whole(
            path,
            "expected lines like `test NAME ... bench: 1,234 ns/iter (+/- 56)`; found none",
        ));
    }
    Ok(benchmarks)
}

fn to_benchmark(line: BenchLine) -> Benchmark {
    let metric = match &line.unit {
        Unit::Ns => "time".to_string(),
        other => other.label().to_string(),
    };
    let mut bench = Benchmark::with_samples(line.name, metric, line.unit, Vec::new());
    bench.summary = summary_of([("median", Some(line.median)), ("range", line.range)]);
    bench
}

/// `test NAME ... REST` → `(NAME, REST)`. Names may hold spaces and `/`,
/// so the split is at the last ` ... ` before any `bench:`.
fn split_result_line(line: &str) -> Option<(&str, &str)> {
    let body = line.strip_prefix("test ")?;
    let searchable = body.find(BENCH_MARKER).map_or(body, |at| &body[..at]);
    let split = searchable.rfind(RESULT_MARKER).or_else(|| searchable.strip_suffix(" ...").map(str::len))?;
    let name = body[..split].trim();
    if name.is_empty() {
        return None;
    }
    let rest = body[split..].strip_prefix(" ...").unwrap_or("");
    Some((name, rest))
}

/// Parse `bench: 1,234.5 ns/iter (+/- 56) [= 12 MB/s]` for benchmark `name`.
fn parse_measurement(name: &str, rest: &str) -> Result<BenchLine, String> {
    let expected = "expected `bench: <number> <unit>/iter (+/- <number>)`";
    let after_marker = rest.split_once(BENCH_MARKER).map(|(_, after)| after.trim()).unwrap_or_default();
    let mut words = after_marker.split_whitespace();
    let (Some(value), Some(unit)) = (words.next(), words.next()) else {
        return Err(format!("benchmark {name:?}: {expected}, found {after_marker:?}"));
    };
    let Scaled { unit, factor } = normalize(unit.strip_suffix("/iter").unwrap_or(unit));
    let median = parse_number(value)
        .ok_or_else(|| format!("benchmark {name:?}: cannot read {value:?} as a number; {expected}"))?;
    let range = parse_range(after_marker)
        .map_err(|()| format!("benchmark {name:?}: cannot read the `(+/- ...)` part; {expected}"))?;
    Ok(BenchLine { name: name.to_string(), unit, median: median * factor, range: range.map(|range| range * factor) })
}

/// The `+/-` figure, in the same unit as the value; hand-made logs may leave it out.
fn parse_range(after_marker: &str) -> Result<Option<f64>, ()> {
    let Some((_, after_open)) = after_marker.split_once("(+/-") else {
        return Ok(None);
    };
    let (inside, _) = after_open.split_once(')').ok_or(())?;
    parse_number(inside.trim()).map(Some).ok_or(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support;
    use std::path::PathBuf;

    /// - `criterion-bencher.txt`: stdout of `cargo bench -- --output-format bencher`, criterion 0.5.1
    ///   (no thousands separators; its `+/-` is a standard deviation);
    /// - `libtest-nightly.txt`: stdout and stderr of `cargo +nightly bench` on `#[bench]` functions,
    ///   and `libtest-nightly-crlf.txt` the same with Windows line endings;
    /// - `handwritten-mixed.txt`: written by hand; its header says which cases it gathers.
    ///
    /// (Notes live here: every file in a fixture folder must be an input of its format.)
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("bencher", name)
    }

    fn summary(bench: &Benchmark) -> (f64, f64) {
        (bench.summary["median"], bench.summary["range"])
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    fn error_of(text: &str) -> (Location, String) {
        let error = load_text(text).unwrap_err();
        (error.location, error.message)
    }

    #[test]
    fn reads_criterion_bencher_output() {
        let benchmarks = load(&fixture("criterion-bencher.txt"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["fib 20", "sum_vec", "checksum/adler", "parse/100", "parse/1000", "sort/unstable"]);
        // `test fib 20 ... bench:       23631 ns/iter (+/- 7541)`
        assert_eq!(summary(&benchmarks[0]), (23631.0, 7541.0));
        for bench in &benchmarks {
            assert!(bench.samples.is_empty());
            assert_eq!((bench.metric.as_str(), &bench.unit), ("time", &Unit::Ns));
        }
    }

    #[test]
    fn reads_real_libtest_output_with_decimals_commas_and_throughput() {
        let benchmarks = load(&fixture("libtest-nightly.txt"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["tests::bench_add_two", "tests::bench_copy_64k", "tests::bench_sort_10k"]);
        assert_eq!(summary(&benchmarks[0]), (0.55, 0.08));
        assert_eq!(summary(&benchmarks[1]), (1475.52, 909.97));
        assert_eq!(summary(&benchmarks[2]), (100_893.19, 132_299.56));
    }

    #[test]
    fn windows_line_endings_read_the_same() {
        let unix = load(&fixture("libtest-nightly.txt"), &InputOptions::default()).unwrap();
        let windows = load(&fixture("libtest-nightly-crlf.txt"), &InputOptions::default()).unwrap();
        assert_eq!(unix, windows);
    }

    #[test]
    fn converts_units_and_survives_interleaved_warnings() {
        let benchmarks = load(&fixture("handwritten-mixed.txt"), &InputOptions::default()).unwrap();
        let found: Vec<(&str, f64, f64)> =
            benchmarks.iter().map(|b| (b.id.as_str(), b.summary["median"], b.summary["range"])).collect();
        assert_eq!(
            found,
            [
                ("tests::tiny", 0.55, 0.08),
                ("tests::copy 64k", 1475.52, 909.97),
                ("group/parse/1000", 12_345_678.0, 1234.0),
                ("slow path", 2.5e6, 0.1e6),
                ("micro/us unit", 12_500.0, 1500.0),
                ("split by warning", 148.0, 7.0),
            ]
        );
    }

    #[test]
    fn duplicate_names_cite_both_lines() {
        let text = "test a ... bench: 1 ns/iter (+/- 0)\nnoise\ntest a ... bench: 2 ns/iter (+/- 0)\n";
        let (location, message) = error_of(text);
        assert_eq!(location, Location::Line(3));
        assert!(message.contains("\"a\" already appeared on line 1"), "{message}");
    }

    #[test]
    fn unreadable_values_cite_their_line() {
        let cases = [
            ("bench: NaN ns/iter (+/- 1)", "cannot read \"NaN\""),
            ("bench: -5 ns/iter (+/- 1)", "cannot read \"-5\""),
            ("bench: 5 ns/iter (+/- oops)", "cannot read the `(+/- ...)` part"),
            ("bench:", "expected `bench: <number>"),
        ];
        for (measurement, expected) in cases {
            let text = format!("running 1 test\r\ntest broken one ... {measurement}\r\n");
            let (location, message) = error_of(&text);
            assert_eq!(location, Location::Line(2), "{measurement}");
            assert!(message.contains("\"broken one\"") && message.contains(expected), "{message}");
        }
    }

    /// Lines of criterion's bencher output for custom `Measurement`s (a cycle counter and a
    /// throughput formatter), written in the shape criterion prints them.
    #[test]
    fn custom_measurements_keep_their_unit_and_its_direction() {
        let text = "test cmov ... bench:        2835 cycles/iter (+/- 12)\n\
                    test decode ... bench:         4.2 MS/s/iter (+/- 0.1)\n\
                    test copy ... bench:         512 MB/s/iter (+/- 3)\n";
        let benchmarks = load_text(text).unwrap();
        let found: Vec<(&str, &str, String, crate::model::Direction, f64)> = benchmarks
            .iter()
            .map(|b| (b.id.as_str(), b.metric.as_str(), b.unit.label().to_string(), b.direction, b.summary["median"]))
            .collect();
        use crate::model::Direction::*;
        assert_eq!(
            found,
            [
                ("cmov", "cycles", "cycles".into(), LowerIsBetter, 2835.0),
                ("decode", "MS/s", "MS/s".into(), HigherIsBetter, 4.2),
                ("copy", "B/s", "B/s".into(), HigherIsBetter, 512e6),
            ]
        );
        assert_eq!(benchmarks[0].summary["range"], 12.0);
    }

    #[test]
    fn a_file_without_results_is_an_error() {
        let (location, message) = error_of("running 0 tests\n\ntest result: ok. 0 passed\ntest t ... ok\n");
        assert_eq!(location, Location::Whole);
        assert!(message.contains("found none"), "{message}");
        assert!(load_text("").is_err());
    }

    #[test]
    fn a_bench_line_without_a_pending_name_is_ignored() {
        let text = "bench: 5 ns/iter (+/- 1)\n\ntest a ... \n\nbench: 6 ns/iter (+/- 1)\ntest b ... bench: 7 ns/iter\n";
        let benchmarks = load_text(text).unwrap();
        assert_eq!(benchmarks.len(), 1);
        assert_eq!(benchmarks[0].summary.get("median"), Some(&7.0));
        assert_eq!(benchmarks[0].summary.get("range"), None, "no `+/-`, no range");
    }

    #[test]
    fn missing_file_names_the_path() {
        let message = load(Path::new("/no/such/bench.txt"), &InputOptions::default()).unwrap_err().to_string();
        assert!(message.starts_with("/no/such/bench.txt: cannot read"), "{message}");
    }

    #[test]
    fn truncated_or_garbled_text_never_panics() {
        test_support::never_panics_on_prefixes(load, &fixture("handwritten-mixed.txt"));
    }
}
