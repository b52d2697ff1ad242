//! Adapter for Catch2 benchmark results: the console reporter's table
//! (the default output of a test binary built with benchmarking) and the XML
//! reporter (`-r xml`, Catch2 v2 `<Catch>` and v3 `<Catch2TestRun>`).
//!
//! Catch2 prints no raw samples: each benchmark is a summary with the
//! bootstrap `mean`, its interval (`lower`, `upper`) and `stddev`, in ns.
//! Benchmark names may hold spaces. The id is the benchmark's name; a name
//! used in several test cases is qualified as `TEST CASE/NAME`, and the test
//! case is the tag `test_case`.
//!
//! Console rows are three lines — `NAME  SAMPLES  ITERATIONS  ESTIMATED UNIT`,
//! `MEAN UNIT  LOW UNIT  HIGH UNIT`, `STDDEV UNIT  LOW UNIT  HIGH UNIT` — under a
//! `benchmark name` header; a long name is wrapped onto lines of its own,
//! padded with spaces to the table's width, before the first row line. Lines
//! between rows that are not part of one (test output, warnings: not padded)
//! are skipped.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

use crate::input::text::{numbered_lines, parse_number, read_lossy};
use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::units::nanoseconds_per;
use crate::model::{Benchmark, Unit};

/// Width of Catch2's console table; wrapped name lines are padded to about it.
const TABLE_WIDTH: usize = 70;

/// One benchmark result, from either reporter.
#[derive(Debug, Clone, PartialEq)]
struct CatchResult {
    test_case: String,
    name: String,
    mean: f64,
    lower: Option<f64>,
    upper: Option<f64>,
    stddev: Option<f64>,
    /// Where it was found, for duplicate-name errors.
    location: Location,
}

/// Load every benchmark of a Catch2 console or XML output.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = read_lossy(path)?;
    let results = if is_xml(&text) { parse_xml(path, &text)? } else { parse_console(path, &text)? };
    if results.is_empty() {
        return Err(InputError::whole(
            path,
            "expected Catch2 benchmark results (a `benchmark name` table, or <BenchmarkResults> in -r xml output); found none",
        ));
    }
    to_benchmarks(path, results)
}

pub fn is_xml(text: &str) -> bool {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    start.starts_with("<?xml") || start.starts_with("<Catch")
}

fn to_benchmarks(path: &Path, results: Vec<CatchResult>) -> Result<Vec<Benchmark>, InputError> {
    let mut benchmarks = Vec::with_capacity(results.len());
    for (index, result) in results.iter().enumerate() {
        let same_name: Vec<&CatchResult> = results.iter().filter(|other| other.name == result.name).collect();
        if let Some(earlier) =
            results[..index].iter().find(|o| o.name == result.name && o.test_case == result.test_case)
        {
            return Err(InputError::new(
                path,
                result.location.clone(),
                format!(
                    "benchmark {:?} of test case {:?} also appears at{}; expected each name once per test case",
                    result.name, result.test_case, earlier.location
                ),
            ));
        }
        let id =
            if same_name.len() > 1 { format!("{}/{}", result.test_case, result.name) } else { result.name.clone() };
        let mut bench = Benchmark::with_samples(id, "time", Unit::Ns, Vec::new());
        bench.summary = summary_of([
            ("mean", Some(result.mean)),
            ("lower", result.lower),
            ("upper", result.upper),
            ("stddev", result.stddev),
        ]);
        if !result.test_case.is_empty() {
            bench.tags.insert("test_case".into(), result.test_case.clone());
        }
        benchmarks.push(bench);
    }
    Ok(benchmarks)
}

/// Where a console table is.
#[derive(Debug, PartialEq)]
enum TableState {
    Outside,
    /// After `benchmark name`, before the dashed line that starts the rows.
    Header,
    Rows,
}

fn parse_console(path: &Path, text: &str) -> Result<Vec<CatchResult>, InputError> {
    let lines: Vec<(u64, &str)> = numbered_lines(text).collect();
    let mut results = Vec::new();
    let mut state = TableState::Outside;
    let mut test_case = String::new();
    let mut name_fragments: Vec<&str> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let (line_number, line) = lines[index];
        index += 1;
        let trimmed = line.trim();
        let is_rule = trimmed.len() >= 20 && trimmed.chars().all(|c| matches!(c, '-' | '=' | '.' | '~'));
        match state {
            _ if trimmed.starts_with("benchmark name") => state = TableState::Header,
            TableState::Header if is_rule => state = TableState::Rows,
            TableState::Header => {}
            TableState::Outside | TableState::Rows if is_rule && trimmed.starts_with('-') => {
                // `----` / test case name (and section names) / `----`: a new test case.
                state = TableState::Outside;
                let closing =
                    lines[index..].iter().take(6).position(|(_, next)| next.trim_start().starts_with("-----"));
                if let Some(offset) = closing.filter(|offset| *offset > 0) {
                    test_case = lines[index].1.trim().to_string();
                    index += offset + 1;
                }
            }
            TableState::Outside => {}
            TableState::Rows if trimmed.is_empty() || is_rule => {
                state = if is_rule { TableState::Outside } else { TableState::Rows };
                name_fragments.clear();
            }
            TableState::Rows => match split_first_row_line(trimmed) {
                Some(name) => {
                    name_fragments.push(name);
                    let full_name = name_fragments.iter().map(|f| f.trim()).collect::<Vec<_>>().join(" ");
                    name_fragments.clear();
                    let row_error = |line_number: u64, what: &str| {
                        InputError::new(
                            path,
                            Location::Line(line_number),
                            format!("benchmark {full_name:?}: expected the {what} line (`VALUE UNIT  VALUE UNIT  VALUE UNIT`)"),
                        )
                    };
                    let (mean_line, mean_text) = lines.get(index).copied().unwrap_or((line_number + 1, ""));
                    let mean = parse_three_durations(mean_text).ok_or_else(|| row_error(mean_line, "mean"))?;
                    let (stddev_line, stddev_text) = lines.get(index + 1).copied().unwrap_or((mean_line + 1, ""));
                    let stddev = parse_three_durations(stddev_text).ok_or_else(|| row_error(stddev_line, "std dev"))?;
                    index += 2;
                    results.push(CatchResult {
                        test_case: test_case.clone(),
                        name: full_name,
                        mean: mean[0],
                        lower: Some(mean[1]),
                        upper: Some(mean[2]),
                        stddev: Some(stddev[0]),
                        location: Location::Line(line_number),
                    });
                }
                // Catch2 pads a wrapped name's lines to the table's width; other output is not padded.
                None if line.len() >= TABLE_WIDTH && line.ends_with(' ') => name_fragments.push(trimmed),
                None => name_fragments.clear(),
            },
        }
    }
    Ok(results)
}

/// `NAME  20  4  1.9664 ms` → `NAME`, when the line ends with samples, iterations and an estimate.
fn split_first_row_line(line: &str) -> Option<&str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let [.., samples, iterations, estimate, unit] = words.as_slice() else { return None };
    let integers = [samples, iterations].iter().all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()));
    if !(integers && parse_number(estimate).is_some() && nanoseconds_per(unit).is_some()) || words.len() < 5 {
        return None;
    }
    // The name is what precedes the samples count (names may hold spaces and numbers).
    let mut rest = line.trim_end();
    for _ in 0..4 {
        rest = rest.trim_end();
        rest = &rest[..rest.rfind(char::is_whitespace)?];
    }
    Some(rest.trim_end())
}

/// `7.61406 us  7.57475 us  7.76994 us` → the three values in ns.
fn parse_three_durations(line: &str) -> Option<[f64; 3]> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let [v1, u1, v2, u2, v3, u3] = words.as_slice() else { return None };
    let value = |v: &str, u: &str| Some(parse_number(v)? * nanoseconds_per(u)?);
    Some([value(v1, u1)?, value(v2, u2)?, value(v3, u3)?])
}

fn parse_xml(path: &Path, text: &str) -> Result<Vec<CatchResult>, InputError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut results = Vec::new();
    let mut test_case = String::new();
    let mut current: Option<CatchResult> = None;
    let at = |offset: u64| {
        let before = &text[..(offset as usize).min(text.len())];
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        Location::LineColumn(line, column)
    };
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|error| InputError::new(path, at(reader.error_position()), format!("invalid XML: {error}")))?;
        let element_error = |message: String| InputError::new(path, at(position), message);
        match event {
            Event::Start(element) | Event::Empty(element) => match element.name().as_ref() {
                b"TestCase" => test_case = attribute(&element, "name").map_err(element_error)?.unwrap_or_default(),
                b"BenchmarkResults" => {
                    let name = attribute(&element, "name")
                        .map_err(element_error)?
                        .ok_or_else(|| element_error("<BenchmarkResults> without a name attribute".into()))?;
                    current = Some(CatchResult {
                        test_case: test_case.clone(),
                        name,
                        mean: f64::NAN,
                        lower: None,
                        upper: None,
                        stddev: None,
                        location: at(position),
                    });
                }
                tag @ (b"mean" | b"standardDeviation") => {
                    let Some(result) = current.as_mut() else { continue };
                    let number = |key: &str| -> Result<Option<f64>, InputError> {
                        match attribute(&element, key).map_err(element_error)? {
                            None => Ok(None),
                            Some(text) => parse_number(&text).map(Some).ok_or_else(|| {
                                element_error(format!(
                                    "benchmark {:?}: expected a non-negative number in {key}, found {text:?}",
                                    result.name
                                ))
                            }),
                        }
                    };
                    if tag == b"mean" {
                        let value = number("value")?.ok_or_else(|| {
                            element_error(format!("benchmark {:?}: <mean> without value", result.name))
                        })?;
                        (result.mean, result.lower, result.upper) =
                            (value, number("lowerBound")?, number("upperBound")?);
                    } else {
                        result.stddev = number("value")?;
                    }
                }
                _ => {}
            },
            Event::End(element) if element.name().as_ref() == b"BenchmarkResults" => {
                if let Some(result) = current.take() {
                    if result.mean.is_nan() {
                        return Err(InputError::new(
                            path,
                            result.location,
                            format!("benchmark {:?}: expected a <mean value=\"…\"/> element", result.name),
                        ));
                    }
                    results.push(result);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if current.is_some() {
        return Err(InputError::whole(path, "the XML ends inside <BenchmarkResults>: the file is cut off"));
    }
    Ok(results)
}

fn attribute(element: &BytesStart, key: &str) -> Result<Option<String>, String> {
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| format!("invalid XML attribute: {e}"))?;
        if attribute.key.as_ref() == key.as_bytes() {
            let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|e| format!("invalid XML: {e}"))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support;
    use std::path::PathBuf;

    /// Made with Catch2 2.13.10 (Debian's catch2) from one test binary with test cases
    /// "Fibonacci" (benchmarks "fib 20", "fib 25") and "Sorting vectors" ("sort 10000 ints",
    /// sub-nanosecond "increment"), `--benchmark-samples 20`:
    /// - `console.txt`: the default console reporter;
    /// - `results.xml`: `-r xml`;
    /// - `long-name.txt`: the console reporter on a benchmark whose long name Catch2 wraps onto three lines;
    /// - `console-crlf-warnings.txt`: handwritten from `console.txt`: Windows line endings, test output
    ///   between rows (right before a wrapped name, too), and "fib 20" in a second test case.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("catch2", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    /// (id, mean) with the mean rounded to 1e-6 ns: unit conversions are not exact in binary.
    fn summaries(benchmarks: &[Benchmark]) -> Vec<(&str, f64)> {
        benchmarks.iter().map(|b| (b.id.as_str(), (b.summary["mean"] * 1e6).round() / 1e6)).collect()
    }

    fn close(found: f64, expected: f64) -> bool {
        (found - expected).abs() <= 1e-9 * expected.abs()
    }

    #[test]
    fn console_rows_become_summaries_in_nanoseconds() {
        let benchmarks = load(&fixture("console.txt"), &InputOptions::default()).unwrap();
        assert_eq!(
            summaries(&benchmarks),
            [("fib 20", 7614.06), ("fib 25", 511_224.0), ("sort 10000 ints", 1_247_120.0), ("increment", 0.540891)]
        );
        let fib = &benchmarks[0];
        assert!(close(fib.summary["lower"], 7574.75) && close(fib.summary["upper"], 7769.94), "{:?}", fib.summary);
        assert!(close(fib.summary["stddev"], 169.546));
        assert_eq!(fib.tags["test_case"], "Fibonacci");
        assert_eq!(benchmarks[3].tags["test_case"], "Sorting vectors");
        assert!(benchmarks.iter().all(|b| b.samples.is_empty() && b.unit == Unit::Ns));
    }

    #[test]
    fn xml_results_read_the_same_fields() {
        let benchmarks = load(&fixture("results.xml"), &InputOptions::default()).unwrap();
        assert_eq!(
            summaries(&benchmarks),
            [("fib 20", 7647.02), ("fib 25", 111_208.0), ("sort 10000 ints", 844_145.0), ("increment", 0.541705)]
        );
        assert!(close(benchmarks[1].summary["stddev"], 9996.05));
        assert!(close(benchmarks[2].summary["upper"], 2.56939e6));
        assert_eq!(benchmarks[2].tags["test_case"], "Sorting vectors");
    }

    #[test]
    fn warnings_wrapped_names_crlf_and_shared_names() {
        let benchmarks = load(&fixture("console-crlf-warnings.txt"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "Fibonacci/fib 20",
                "a rather long benchmark name that Catch2 wraps onto two lines",
                "Fibonacci again/fib 20",
                "increment"
            ]
        );
        assert!(close(benchmarks[2].summary["mean"], 7.5e6));
    }

    #[test]
    fn long_names_wrapped_by_catch2_are_joined() {
        let benchmarks = load(&fixture("long-name.txt"), &InputOptions::default()).unwrap();
        assert_eq!(
            summaries(&benchmarks),
            [("a rather long benchmark name that Catch2 may need to wrap onto two lines", 2925.14), ("short", 243.092)]
        );
    }

    #[test]
    fn broken_rows_and_duplicates_are_errors_with_lines() {
        let header = "benchmark name  samples  iterations  estimated\n  mean low high\n  std low high\n--------------------------------------\n";
        let row = "fib 20      20    4    1.9664 ms\n   7.6 us   7.5 us   7.7 us\n";
        let error = load_text(&format!("{header}{row}   oops\n")).unwrap_err();
        assert_eq!(error.location, Location::Line(7));
        assert!(error.message.contains("\"fib 20\": expected the std dev line"), "{error}");
        let full_row = format!("{row}   1 ns  1 ns  1 ns\n\n");
        let error = load_text(&format!("{header}{full_row}{full_row}")).unwrap_err();
        assert_eq!(error.location, Location::Line(9));
        assert!(error.message.contains("also appears at:5"), "{error}");
        let error = load_text("no benchmarks here\n").unwrap_err();
        assert!(error.message.contains("found none"), "{error}");
    }

    #[test]
    fn bad_xml_is_located() {
        let error = load_text(
            "<?xml version=\"1.0\"?>\n<Catch>\n  <BenchmarkResults name=\"a\">\n    <mean value=\"fast\"/>\n",
        )
        .unwrap_err();
        assert_eq!(error.location, Location::LineColumn(4, 5));
        assert!(error.message.contains("found \"fast\""), "{error}");
        let error = load_text("<?xml version=\"1.0\"?>\n<Catch><BenchmarkResults name=\"a\"></Catch>").unwrap_err();
        assert!(error.message.contains("invalid XML") || error.message.contains("cut off"), "{error}");
    }

    #[test]
    fn truncated_inputs_never_panic() {
        for name in ["console.txt", "results.xml"] {
            let full = std::fs::read(fixture(name)).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let cut = dir.path().join(name);
            for end in (0..full.len()).step_by(3) {
                std::fs::write(&cut, &full[..end]).unwrap();
                let _ = load(&cut, &InputOptions::default());
            }
        }
    }
}
