//! criterion (and cargo benches with criterion's `--output-format bencher`):
//! options after cargo's `--`; a single positional filter, a regular
//! expression searched in each benchmark id (`group/function/value`).
//!
//! Short rounds: `--warm-up-time` and `--measurement-time` share the round's
//! seconds (a quarter warming up), `--nresamples 1000` (criterion's own
//! bootstrap, whose numbers perfgate does not use, takes 100 000 by default)
//! and `--noplot`. Times a benchmark group sets in code
//! (`BenchmarkGroup::measurement_time`) win over the command line: criterion
//! ignores these options for such groups.

use super::argv::{exact_names_regex, has_option, positionals, remove_at, remove_option};
use super::cargo::Split;
use super::RoundLength;

/// criterion's options that take a value (as separate words).
const VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--color",
    "--colour",
    "-s",
    "--save-baseline",
    "-b",
    "--baseline",
    "--baseline-lenient",
    "--profile-time",
    "--load-baseline",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--plotting-backend",
    "--output-format",
    "--format",
    "--logfile",
    "--test-threads",
    "--skip",
];

/// Share of a round's seconds spent warming up.
const WARM_UP_SHARE: f64 = 0.25;
/// criterion refuses nothing below these, but less gives too few iterations to time.
const SHORTEST_WARM_UP: f64 = 0.05;
const SHORTEST_MEASUREMENT: f64 = 0.1;
/// Resamples of criterion's own analysis (its default is 100 000).
const RESAMPLES: &str = "1000";

/// Whether the command asks criterion for libtest-style `bencher` lines.
pub fn prints_bencher_lines(words: &[String]) -> bool {
    words.windows(2).any(|pair| pair[0] == "--output-format" && pair[1] == "bencher")
        || words.iter().any(|word| word == "--output-format=bencher")
}

/// The cargo command that builds what `words` runs, without running it (`--no-run`), reporting
/// each executable as JSON; and the filter the benchmarks get (cargo's `BENCHNAME` or criterion's
/// own positional filter), if any.
pub fn build_without_running(words: &[String]) -> (Vec<String>, Option<String>) {
    let mut split = Split::of(words);
    let cargo_filter = split.take_cargo_filter();
    let own = positionals(&split.harness, VALUE_OPTIONS);
    let filter = own.first().map(|&at| split.harness[at].clone()).or_else(|| cargo_filter.into_iter().next());
    let mut build = split.runner;
    build.extend(["--no-run".into(), "--message-format=json-render-diagnostics".into()]);
    (build, filter)
}

/// Replace the command's filter by a regex of exactly `names`.
pub fn filter(words: &mut Vec<String>, names: &[&str]) -> bool {
    let mut split = Split::of(words);
    split.take_cargo_filter();
    let own = positionals(&split.harness, VALUE_OPTIONS);
    remove_at(&mut split.harness, &own);
    remove_option(&mut split.harness, &["--exact"], false);
    split.harness.push(exact_names_regex(names.iter().copied()));
    *words = split.join();
    true
}

/// The short-round options the command does not already set.
pub fn round_options(words: &[String], length: RoundLength) -> Vec<String> {
    let harness = Split::of(words).harness;
    let warm_up = (length.seconds * WARM_UP_SHARE).max(SHORTEST_WARM_UP);
    let measurement = (length.seconds - warm_up).max(SHORTEST_MEASUREMENT);
    let wanted = [
        ("--warm-up-time", Some(seconds(warm_up))),
        ("--measurement-time", Some(seconds(measurement))),
        ("--nresamples", Some(RESAMPLES.to_string())),
        ("--noplot", None),
    ];
    let mut options = Vec::new();
    for (name, value) in wanted {
        if !has_option(&harness, &[name]) {
            options.push(name.to_string());
            options.extend(value);
        }
    }
    options
}

/// The seconds of measuring (warm-up apart) a command asks criterion for per benchmark, if it
/// says (`--measurement-time`).
pub fn asked_measuring(words: &[String]) -> Option<f64> {
    let mut harness = Split::of(words).harness;
    remove_option(&mut harness, &["--measurement-time"], true).last().and_then(|value| value.parse().ok())
}

/// Seconds as criterion reads them, to the millisecond.
fn seconds(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Arguments appended after cargo's `--` (added when missing).
pub fn append_harness_args(words: &mut Vec<String>, args: Vec<String>) {
    let mut split = Split::of(words);
    split.harness.extend(args);
    *words = split.join();
}

/// The command with `--list`: libtest and criterion up to 0.4 print `NAME: bench` per benchmark,
/// criterion 0.5 on `NAME: benchmark`.
pub fn listing(words: &[String]) -> Vec<String> {
    let mut split = Split::of(words);
    split.harness.push("--list".into());
    split.join()
}

pub fn parse_listing(stdout: &str) -> Vec<String> {
    let listed = |line: &str| {
        let line = line.trim_end();
        line.strip_suffix(": benchmark").or_else(|| line.strip_suffix(": bench")).map(str::to_string)
    };
    stdout.lines().filter_map(listed).collect()
}
