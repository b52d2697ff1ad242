//! Adapter for gungraun (formerly iai-callgrind) output: the text that
//! `cargo bench` prints for Valgrind-measured benchmarks.
//!
//! ```text
//! fib::fib_group::bench_fib short:(10)
//!   Instructions:                1803|1802          (+0.05549%) [+1.00055x]
//!   L1 Hits:                     2572|2573          (-0.03887%) [-1.00039x]
//! ```
//!
//! A benchmark is the unindented line above its indented `EVENT: NEW|OLD`
//! lines (the first run prints `NEW|N/A`; old iai-callgrind versions print
//! `EVENT: NEW` alone). Only the new value is read: the old one is the
//! tool's own baseline, perfgate has its own. Every event is a
//! deterministic count: `Instructions` is the metric `instructions` under
//! the benchmark's id, the others (`L1 Hits`, `Estimated Cycles`, DHAT's
//! `Total bytes`, ...) are secondary metrics under `ID (EVENT)`. Every series
//! has the tag `event`, so a KPI can judge one event of every benchmark.
//! Compiler output, warnings, tool headers (`======= CALLGRIND ====`) and the
//! closing summary are skipped.
//!
//! - **Colors**: terminal color codes (`CARGO_TERM_COLOR=always`) are removed first.
//! - **Long names** that gungraun wraps over several unindented lines are joined
//!   with a space, so two names that end alike stay apart.
//! - **Rates**: cache-simulation rates (`L1 Hit Rate: 99.8%`, `LL Miss Rate`) are
//!   ratios, hit rates higher-is-better and miss rates lower-is-better.
//! - **Memcheck, Helgrind, DRD**: `Errors`, `Contexts` and their `Suppressed`
//!   counts are events like any other.

use std::path::Path;

use crate::input::text::{numbered_lines, parse_number, read_lossy, without_color_codes};
use crate::input::units::secondary_id;
use crate::input::InputOptions;
use crate::input::{summary_of, InputError, Location};
use crate::model::{Benchmark, Direction, Unit};

const PRIMARY_EVENT: &str = "Instructions";

/// One benchmark and its event counts, with the line each was found on.
#[derive(Debug)]
struct Measured {
    id: String,
    line: u64,
    events: Vec<(String, f64)>,
}

/// Load every benchmark of a gungraun / iai-callgrind log.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = without_color_codes(&read_lossy(path)?);
    let mut measured: Vec<Measured> = Vec::new();
    let mut heading: Option<(u64, String)> = None;
    // Whether an event line came after the heading: a name line before any is its continuation.
    let mut heading_has_events = false;
    for (line_number, line) in numbered_lines(&text) {
        if line.trim().is_empty() {
            heading_has_events = true;
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            heading = match heading.take() {
                _ if is_noise(line) => None,
                Some((first, name)) if !heading_has_events => Some((first, format!("{name} {}", line.trim()))),
                _ => Some((line_number, line.trim().to_string())),
            };
            heading_has_events = false;
            continue;
        }
        let Some((event, value)) = parse_event_line(line) else { continue };
        heading_has_events = true;
        let Some((heading_line, id)) = heading.as_ref().map(|(line, id)| (*line, id.as_str())) else { continue };
        let at = |message: String| InputError::new(path, Location::Line(line_number), message);
        let value = value
            .map_err(|found| at(format!("{id}: {event}: expected a count such as `1802|1799`, found {found:?}")))?;
        if measured.last().is_none_or(|last| last.line != heading_line) {
            if let Some(earlier) = measured.iter().find(|m| m.id == id) {
                return Err(InputError::new(
                    path,
                    Location::Line(heading_line),
                    format!("benchmark {id:?} also appears on line {}; expected each benchmark once", earlier.line),
                ));
            }
            measured.push(Measured { id: id.to_string(), line: heading_line, events: Vec::new() });
        }
        let current = measured.last_mut().expect("pushed above");
        if current.events.iter().any(|(known, _)| *known == event) {
            return Err(at(format!("{id}: event {event:?} appears twice")));
        }
        current.events.push((event, value));
    }
    if measured.is_empty() {
        return Err(InputError::whole(
            path,
            "expected gungraun/iai-callgrind results: a benchmark name line followed by indented lines such as \
             `  Instructions:  1802|1799  (+0.17%)`; found none",
        ));
    }
    Ok(measured.iter().flat_map(to_benchmarks).collect())
}

/// Lines at the start of a line that are never benchmark names.
fn is_noise(line: &str) -> bool {
    const PREFIXES: [&str; 6] = ["warning", "error", "Gungraun result", "Iai-Callgrind result", "Running", "note:"];
    PREFIXES.iter().any(|prefix| line.starts_with(prefix))
}

/// `  L1 Hits:   2572|2573   (-0.03887%)` → `("L1 Hits", Ok(2572))`; `None` for other
/// indented lines. The error holds the text where a count was expected.
fn parse_event_line(line: &str) -> Option<(String, Result<f64, String>)> {
    let (label, rest) = line.trim().split_once(':')?;
    let rest = rest.trim_start();
    let new_value = rest.split(['|', ' ']).next().unwrap_or_default();
    // Rates are printed as percents.
    let new_value = new_value.strip_suffix('%').unwrap_or(new_value);
    // `Baselines:  default|default` and prose with colons are not event lines.
    let looks_numeric = new_value.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    if !is_event_label(label) || !looks_numeric {
        return None;
    }
    Some((label.trim().to_string(), parse_number(new_value).ok_or_else(|| new_value.to_string())))
}

/// An event's name as gungraun prints it (`Instructions`, `L1 Hit Rate`, `Total read+write`).
pub fn is_event_label(label: &str) -> bool {
    !label.trim().is_empty()
        && label.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '+' | '-' | '_' | '.' | '(' | ')'))
}

fn to_benchmarks(measured: &Measured) -> Vec<Benchmark> {
    measured
        .events
        .iter()
        .map(|(event, value)| {
            let (id, metric) = if event == PRIMARY_EVENT {
                (measured.id.clone(), "instructions".to_string())
            } else {
                (secondary_id(&measured.id, event), event.to_lowercase())
            };
            let (unit, value, direction) = match rate_direction(event) {
                Some(direction) => (Unit::Ratio, value / 100.0, direction),
                None => (Unit::Count, *value, Direction::LowerIsBetter),
            };
            let mut bench = Benchmark::with_samples(id, metric, unit, Vec::new());
            bench.direction = direction;
            // One exact value: every statistic of it is the value itself.
            let value = Some(value);
            bench.summary = summary_of([("mean", value), ("median", value), ("min", value), ("max", value)]);
            bench.deterministic = true;
            // `where = { event = "Instructions" }` picks one event of every benchmark.
            bench.tags.insert("event".into(), event.clone());
            bench
        })
        .collect()
}

/// Cache-simulation rates (percents): hit rates are better higher, miss rates lower.
fn rate_direction(event: &str) -> Option<Direction> {
    if event.ends_with("Hit Rate") {
        Some(Direction::HigherIsBetter)
    } else if event.ends_with("Miss Rate") {
        Some(Direction::LowerIsBetter)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support::{self, find};
    use std::path::PathBuf;

    /// Made with gungraun 0.20.0 (gungraun-runner 0.20.0, Valgrind 3.19 from Debian) on a throw-away
    /// crate with `bench_fib` (`#[bench::short(10)]`, `#[bench::long(20)]`) and `bench_vec_with_spaces`:
    /// - `first-run.txt`: stdout of the first `cargo bench` (old values `N/A`);
    /// - `second-run.txt`: stdout after changing the benchmark (changes against gungraun's own baseline);
    /// - `old-iai-crlf.txt`: handwritten in iai-callgrind 0.10's layout (one value per event, no `|`),
    ///   with cargo's compiler output and a warning, Windows line endings.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("iai-callgrind", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    #[test]
    fn instructions_and_other_events_are_deterministic_counts() {
        let benchmarks = load(&fixture("second-run.txt"), &InputOptions::default()).unwrap();
        assert_eq!(benchmarks.len(), 18, "3 benchmarks with 6 events each");
        let short = find(&benchmarks, "fib::fib_group::bench_fib short:(10)");
        assert_eq!((short.metric.as_str(), &short.unit, short.deterministic), ("instructions", &Unit::Count, true));
        assert_eq!(short.summary["mean"], 1803.0, "the new value, not gungraun's old one");
        assert_eq!(short.tags["event"], "Instructions");
        assert!(short.samples.is_empty());
        let cycles = find(&benchmarks, "fib::fib_group::bench_fib long:(20) (Estimated Cycles)");
        assert_eq!((cycles.metric.as_str(), cycles.summary["min"]), ("estimated cycles", 315_955.0));
        assert_eq!(find(&benchmarks, "fib::fib_group::bench_vec_with_spaces (RAM Hits)").summary["median"], 132.0);
    }

    #[test]
    fn a_first_run_without_old_values_reads_the_same_way() {
        let benchmarks = load(&fixture("first-run.txt"), &InputOptions::default()).unwrap();
        assert_eq!(find(&benchmarks, "fib::fib_group::bench_fib short:(10)").summary["max"], 1802.0);
    }

    #[test]
    fn old_layout_with_compiler_output_and_crlf() {
        let benchmarks = load(&fixture("old-iai-crlf.txt"), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().filter(|b| b.metric == "instructions").map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["bench_fib short:10", "bench_fib long:30"]);
        assert_eq!(find(&benchmarks, "bench_fib long:30").summary["mean"], 1_234_567.0);
    }

    #[test]
    fn duplicates_and_unreadable_counts_cite_lines() {
        let error = load_text("a::b\n  Instructions: 5|N/A\na::b\n  Instructions: 6|5\n").unwrap_err();
        assert_eq!(error.location, Location::Line(3));
        assert!(error.message.contains("also appears on line 1"), "{error}");
        let error = load_text("a::b\n  Instructions: 5x|N/A\n").unwrap_err();
        assert_eq!(error.location, Location::Line(2));
        assert!(error.message.contains("found \"5x\""), "{error}");
        let error = load_text("a::b\n  Instructions: -5|N/A\n").unwrap_err();
        assert!(error.message.contains("found \"-5\""), "{error}");
        let error = load_text("   Compiling foo v0.1.0\nGungraun result: Ok.\n").unwrap_err();
        assert!(error.message.contains("found none"), "{error}");
    }

    /// `colored-rates-memcheck.txt` and `helgrind-only.txt` are written by hand in the shape
    /// gungraun prints: colored as with `CARGO_TERM_COLOR=always`, a benchmark whose
    /// arguments wrap its name over two lines, `--cache-sim=yes` rates, and Memcheck and
    /// Helgrind error counts.
    #[test]
    fn colors_wrapped_names_rates_and_error_counts() {
        let benchmarks = load(&fixture("colored-rates-memcheck.txt"), &InputOptions::default()).unwrap();
        let first = "lib_bench::parse_group::parse_document with_args:(\"a document whose name is long\", 1024)";
        let second = "lib_bench::parse_group::parse_document with_args:(\"another document, also long\", 1024)";
        assert_eq!(find(&benchmarks, first).summary["mean"], 48213.0);
        assert_eq!(find(&benchmarks, second).summary["mean"], 50117.0, "names ending alike stay apart");
        let hit_rate = find(&benchmarks, &format!("{first} (L1 Hit Rate)"));
        assert_eq!((&hit_rate.unit, hit_rate.direction), (&Unit::Ratio, Direction::HigherIsBetter));
        assert!((hit_rate.summary["mean"] - 0.9982364).abs() < 1e-12);
        let suppressed = find(&benchmarks, "lib_bench::leak_group::bench_alloc (Suppressed Errors)");
        assert_eq!((suppressed.summary["mean"], suppressed.direction), (3.0, Direction::LowerIsBetter));
        assert_eq!(find(&benchmarks, "lib_bench::leak_group::bench_alloc (Errors)").tags["event"], "Errors");

        let helgrind = load(&fixture("helgrind-only.txt"), &InputOptions::default()).unwrap();
        assert_eq!(helgrind.len(), 8);
        assert_eq!(find(&helgrind, "lib_bench::threads::bench_spawn (Errors)").summary["mean"], 2.0);
    }

    #[test]
    fn truncated_inputs_never_panic() {
        test_support::never_panics_on_prefixes(load, &fixture("second-run.txt"));
    }
}
