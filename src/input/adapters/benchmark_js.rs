//! Adapter for benchmark.js text output: the `String(event.target)` lines a
//! suite's `cycle` handler prints, `NAME x 23,723,566 ops/sec ±1.04% (52 runs sampled)`.
//!
//! The rate (operations per second, higher is better) is the metric
//! `throughput`, a summary-only value stored as `throughput` and `mean`;
//! `±` is the relative margin of error, kept as `lower`/`upper` bounds.
//! Names may hold spaces and ` x `: the split is at the last ` x ` before the
//! rate. Other lines (`Fastest is ...`, the suite's own logging) are skipped.

use std::collections::BTreeMap;
use std::path::Path;

use crate::input::text::{numbered_lines, parse_number, read_lossy};
use crate::input::units::normalize;
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::Benchmark;

const RATE_UNIT: &str = " ops/sec";

/// Load every result line of a benchmark.js log.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = read_lossy(path)?;
    let mut benchmarks = Vec::new();
    let mut first_line_of: BTreeMap<String, u64> = BTreeMap::new();
    for (line_number, line) in numbered_lines(&text) {
        let Some((name, measurement)) = split_result_line(line) else { continue };
        let at = |message: String| InputError::new(path, Location::Line(line_number), message);
        let (hz, margin) =
            parse_measurement(measurement).map_err(|message| at(format!("benchmark {name:?}: {message}")))?;
        if let Some(first) = first_line_of.insert(name.to_string(), line_number) {
            return Err(at(format!("benchmark {name:?} already appeared on line {first}; expected each name once")));
        }
        let scaled = normalize("ops/s");
        let mut bench = Benchmark::with_samples(name, "throughput", scaled.unit, Vec::new());
        for key in ["throughput", "mean"] {
            bench.summary.insert(key.into(), hz);
        }
        if let Some(margin) = margin {
            bench.summary.insert("lower".into(), hz * (1.0 - margin).max(0.0));
            bench.summary.insert("upper".into(), hz * (1.0 + margin));
        }
        benchmarks.push(bench);
    }
    if benchmarks.is_empty() {
        return Err(InputError::whole(
            path,
            "expected benchmark.js lines like `name x 1,234 ops/sec ±1.5% (60 runs sampled)`; found none",
        ));
    }
    Ok(benchmarks)
}

/// `NAME x 1,234 ops/sec ±1.5% (...)` → `(NAME, "1,234 ops/sec ±1.5% (...)")`.
fn split_result_line(line: &str) -> Option<(&str, &str)> {
    let rate_at = line.find(RATE_UNIT)?;
    let split = line[..rate_at].rfind(" x ")?;
    let name = line[..split].trim();
    (!name.is_empty()).then(|| (name, line[split + 3..].trim()))
}

/// `1,234.5 ops/sec ±1.5% (60 runs sampled)` → (1234.5, Some(0.015)).
fn parse_measurement(text: &str) -> Result<(f64, Option<f64>), String> {
    let (rate, rest) = text.split_once(RATE_UNIT).ok_or("expected `<number> ops/sec`")?;
    let hz =
        parse_number(rate.trim()).ok_or_else(|| format!("cannot read {:?} as operations per second", rate.trim()))?;
    let margin = match rest.trim_start().strip_prefix('±') {
        None => None,
        Some(after) => {
            let percent = after.split('%').next().unwrap_or_default();
            Some(
                parse_number(percent).ok_or_else(|| format!("cannot read the margin {percent:?}; expected `±1.5%`"))?
                    / 100.0,
            )
        }
    };
    Ok((hz, margin))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support;
    use crate::model::{Direction, Unit};
    use std::path::PathBuf;

    /// - `suite.txt`: benchmark.js 2.1.4 on node, a suite of "RegExp#test", "String#indexOf" and
    ///   "slow sort of 10000 numbers" whose `cycle` handler prints `String(event.target)`;
    /// - `two-suites-crlf.txt`: handwritten in the same format: two suites, Windows line endings,
    ///   log lines between results, decimal rates below 1 op/s, a name containing " x ".
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("benchmark-js", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    #[test]
    fn rates_with_thousands_separators_are_higher_is_better() {
        let benchmarks = load(&fixture("suite.txt"), &InputOptions::default()).unwrap();
        let found: Vec<(&str, f64)> = benchmarks.iter().map(|b| (b.id.as_str(), b.summary["throughput"])).collect();
        assert_eq!(
            found,
            [("RegExp#test", 23_723_566.0), ("String#indexOf", 571_219_245.0), ("slow sort of 10000 numbers", 246.0)]
        );
        let regexp = &benchmarks[0];
        assert_eq!((&regexp.unit, regexp.direction), (&Unit::PerSecond, Direction::HigherIsBetter));
        assert!((regexp.summary["lower"] - 23_723_566.0 * (1.0 - 0.1204)).abs() < 1e-6);
    }

    #[test]
    fn crlf_log_lines_and_names_with_x() {
        let benchmarks = load(&fixture("two-suites-crlf.txt"), &InputOptions::default()).unwrap();
        let found: Vec<(&str, f64)> = benchmarks.iter().map(|b| (b.id.as_str(), b.summary["mean"])).collect();
        assert_eq!(
            found,
            [("parse 1 x 1 matrix", 1_234_567.89), ("render page", 0.85), ("render page (cached)", 1_024.0)]
        );
        assert!(!benchmarks[1].summary.contains_key("lower"), "no ± margin printed");
    }

    #[test]
    fn duplicates_and_garbled_rates_cite_lines() {
        let error =
            load_text("a x 1 ops/sec ±1% (5 runs sampled)\nlog\na x 2 ops/sec ±1% (5 runs sampled)\n").unwrap_err();
        assert_eq!(error.location, Location::Line(3));
        assert!(error.message.contains("already appeared on line 1"), "{error}");
        let error = load_text("a x 1.2.3 ops/sec ±1% (5 runs sampled)\n").unwrap_err();
        assert!(error.message.contains("cannot read \"1.2.3\""), "{error}");
        let error = load_text("a x 12 ops/sec ±lots% (5 runs sampled)\n").unwrap_err();
        assert!(error.message.contains("margin"), "{error}");
        assert!(load_text("Fastest is nothing\n").unwrap_err().message.contains("found none"));
    }
}
