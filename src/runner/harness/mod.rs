//! The benchmark harnesses perfgate steers between interleaved rounds: how
//! each one is told to measure briefly (short rounds: pairing removes the
//! slow noise long measurement windows were fighting), to run only the
//! benchmarks still undecided, and to list its benchmarks before anything
//! runs (for shards, and to build both sides before the clock starts).
//!
//! | harness | short rounds | only these | listing |
//! |---|---|---|---|
//! | criterion | `--warm-up-time`, `--measurement-time`, `--nresamples`, `--noplot` | filter regex of exact ids | `--list` |
//! | libtest `#[bench]` | (none) | the names, `--exact` | `--list` |
//! | go | `-benchtime`, `-count 1` | `-bench` regex per level | `go test -list` |
//! | pytest-benchmark | `--benchmark-max-time`, `--benchmark-min-rounds` | `-k` | `--collect-only -q` |
//! | Google Benchmark | `--benchmark_min_time` | `--benchmark_filter` | `--benchmark_list_tests` |
//! | hyperfine | `--runs` | the undecided commands | its commands |
//!
//! Options the suite's command already gives are left as they are: the
//! user's own settings win over perfgate's. A filter the command already has
//! is replaced only by a subset of what it selected (the ids it ran or
//! listed), so the two are intersected.

use std::collections::BTreeSet;

use crate::config::Suite;
use crate::input::Format;
use crate::model::Benchmark;

mod argv;
mod cargo;
pub(super) mod criterion;
mod go;
mod google_benchmark;
pub(super) mod hyperfine;
mod libtest;
mod pytest;

pub use argv::{escape_regex, exact_names_regex};

/// A benchmark harness perfgate knows how to steer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Harness {
    Criterion,
    Libtest,
    Go,
    Pytest,
    GoogleBenchmark,
    Hyperfine,
}

/// How much each benchmark measures in one run of one side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundLength {
    /// Seconds of measuring (warm-up included) per benchmark and run.
    pub seconds: f64,
    /// hyperfine: runs of each command per round.
    pub runs: u32,
}

/// What perfgate changes in one run of a suite's command.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Steering {
    /// perfgate's short-round options (None: the command's own settings).
    pub length: Option<RoundLength>,
    /// The suite's own per-round options (`round-options`), used instead of perfgate's.
    pub own_options: Vec<String>,
    /// Run only these benchmarks (harness names); None: all the command runs.
    pub only: Option<BTreeSet<String>>,
}

/// A command line perfgate changed, and whether the filter could be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Steered {
    pub words: Vec<String>,
    /// False when `only` was asked for but this command cannot be limited to it:
    /// every benchmark runs.
    pub filtered: bool,
}

/// Programs that run something else: a Google Benchmark binary behind them may not get the options.
const LAUNCHERS: &[&str] = &[
    "sh", "bash", "zsh", "env", "make", "just", "npm", "npx", "python", "python3", "uv", "cmake", "ctest", "ninja",
    "bazel",
];

/// The longest filter perfgate passes in one argument; beyond it every benchmark runs
/// (Linux limits one argument to 128 kB).
const LONGEST_FILTER: usize = 100_000;

/// The harness whose output each format is (criterion's bencher lines are told apart by the command).
const HARNESS_FORMATS: [(Format, Harness); 6] = [
    (Format::CRITERION, Harness::Criterion),
    (Format::BENCHER, Harness::Libtest),
    (Format::GO_BENCH, Harness::Go),
    (Format::PYTEST_BENCHMARK, Harness::Pytest),
    (Format::GOOGLE_BENCHMARK, Harness::GoogleBenchmark),
    (Format::HYPERFINE, Harness::Hyperfine),
];

impl Harness {
    /// The harness a suite's command drives: from its format (for `format =
    /// "auto"`, from the program), when the command runs that harness itself
    /// (`cargo bench`, `go test`, pytest, hyperfine, a Google Benchmark
    /// binary). None for shell commands, wrapper scripts and suites without a
    /// command: they run as written.
    pub fn of(suite: &Suite) -> Option<Harness> {
        let command = suite.command.as_deref().filter(|_| !suite.shell)?;
        let words = shell_words::split(command).ok()?;
        let format = Format::of_suite(suite).ok()?;
        let harness = match HARNESS_FORMATS.iter().find(|(of, _)| *of == format) {
            Some((_, Harness::Libtest)) if criterion::prints_bencher_lines(&words) => Harness::Criterion,
            Some((_, harness)) => *harness,
            None if format == Format::AUTO => Harness::from_program(&words)?,
            None => return None,
        };
        harness.runs_itself(&words).then_some(harness)
    }

    fn from_program(words: &[String]) -> Option<Harness> {
        [Harness::Hyperfine, Harness::Go, Harness::Pytest].into_iter().find(|h| h.runs_itself(words))
    }

    /// Whether the command line runs the harness directly (so its options reach it).
    fn runs_itself(self, words: &[String]) -> bool {
        let program = words.first().and_then(|p| p.rsplit('/').next()).unwrap_or_default();
        let second = words.get(1).map(String::as_str);
        match self {
            Harness::Criterion | Harness::Libtest => runs_cargo_bench(words),
            Harness::Go => program == "go" && second == Some("test"),
            // `pytest ...`, `python -m pytest ...`, `uv run pytest ...`
            Harness::Pytest => words.iter().any(|w| matches!(w.rsplit('/').next(), Some("pytest" | "py.test"))),
            Harness::Hyperfine => program == "hyperfine",
            Harness::GoogleBenchmark => !LAUNCHERS.contains(&program) && !program.ends_with(".sh"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Harness::Criterion => "criterion",
            Harness::Libtest => "libtest",
            Harness::Go => "go",
            Harness::Pytest => "pytest-benchmark",
            Harness::GoogleBenchmark => "Google Benchmark",
            Harness::Hyperfine => "hyperfine",
        }
    }

    /// Whether the harness has options that make a round short.
    pub fn has_round_options(self) -> bool {
        self != Harness::Libtest
    }

    /// `words` with perfgate's options and filter.
    pub fn steer(self, words: &[String], steering: &Steering) -> Steered {
        let mut words = words.to_vec();
        let mut filtered = true;
        if let Some(only) = &steering.only {
            let names: Vec<&str> = only.iter().map(String::as_str).collect();
            let applied = names.iter().map(|n| n.len() + 1).sum::<usize>() <= LONGEST_FILTER
                && match self {
                    Harness::Criterion => criterion::filter(&mut words, &names),
                    Harness::Libtest => libtest::filter(&mut words, &names),
                    Harness::Go => go::filter(&mut words, &names),
                    Harness::Pytest => pytest::filter(&mut words, &names),
                    Harness::GoogleBenchmark => google_benchmark::filter(&mut words, &names),
                    Harness::Hyperfine => hyperfine::filter(&mut words, &names),
                };
            filtered = applied;
        }
        if !steering.own_options.is_empty() {
            add_options(self, &mut words, steering.own_options.clone());
        } else if let Some(length) = steering.length {
            let options = match self {
                Harness::Criterion => criterion::round_options(&words, length),
                Harness::Libtest => Vec::new(),
                Harness::Go => go::round_options(&words, length),
                Harness::Pytest => pytest::round_options(&words, length),
                Harness::GoogleBenchmark => google_benchmark::round_options(&words, length),
                Harness::Hyperfine => hyperfine::round_options(&words, length),
            };
            add_options(self, &mut words, options);
        }
        Steered { words, filtered }
    }

    /// Seconds of measuring per benchmark the command line asks the harness for, where the
    /// harness says afterwards how long it measured (criterion's sample times): the check of
    /// whether round options took.
    pub fn asked_measuring(self, words: &[String]) -> Option<f64> {
        match self {
            Harness::Criterion => criterion::asked_measuring(words),
            _ => None,
        }
    }

    /// The command that lists the benchmarks `words` would run, without running them.
    pub fn listing(self, words: &[String]) -> Option<Vec<String>> {
        match self {
            Harness::Criterion | Harness::Libtest => Some(criterion::listing(words)),
            Harness::Go => go::listing(words),
            Harness::Pytest => Some(pytest::listing(words)),
            Harness::GoogleBenchmark => Some(google_benchmark::listing(words)),
            Harness::Hyperfine => None,
        }
    }

    /// The benchmark names in a listing command's output.
    pub fn parse_listing(self, stdout: &str) -> Vec<String> {
        match self {
            Harness::Criterion | Harness::Libtest => criterion::parse_listing(stdout),
            Harness::Go => go::parse_listing(stdout),
            Harness::Pytest => pytest::parse_listing(stdout),
            Harness::GoogleBenchmark => google_benchmark::parse_listing(stdout),
            Harness::Hyperfine => Vec::new(),
        }
    }

    /// The names a command line itself gives its benchmarks (hyperfine's commands).
    pub fn names_in_command(self, words: &[String]) -> Option<Vec<String>> {
        match self {
            Harness::Hyperfine => hyperfine::command_names(words),
            _ => None,
        }
    }

    /// The name under which the harness runs `bench`: its id without the
    /// `NAME (UNIT)` suffix of a secondary metric, and for go without the
    /// package that qualifies a name found in several packages.
    pub fn name_of(self, bench: &Benchmark) -> String {
        let suffix = format!(" ({})", bench.metric);
        let id = bench.id.strip_suffix(&suffix).filter(|_| bench.metric != "time").unwrap_or(&bench.id);
        match self {
            Harness::Go => go::unqualified(id).to_string(),
            _ => id.to_string(),
        }
    }

    /// The top of the hierarchy a listing shows for `name` (go lists top-level benchmarks only).
    pub fn listed_name(self, name: &str) -> String {
        match self {
            Harness::Go => name.split('/').next().unwrap_or(name).to_string(),
            _ => name.to_string(),
        }
    }
}

/// Whether the command line is `cargo bench ...` (a toolchain such as `+nightly` allowed before it).
pub fn runs_cargo_bench(words: &[String]) -> bool {
    let program = words.first().and_then(|p| p.rsplit('/').next());
    program == Some("cargo") && words.iter().skip(1).find(|w| !w.starts_with('+')).is_some_and(|w| w == "bench")
}

/// Append `options` where the harness reads them, each unless the command already has it.
fn add_options(harness: Harness, words: &mut Vec<String>, options: Vec<String>) {
    match harness {
        Harness::Criterion | Harness::Libtest => criterion::append_harness_args(words, options),
        Harness::Go => go::insert_flags(words, options),
        _ => words.extend(options),
    }
}

#[cfg(test)]
#[path = "harness_tests.rs"]
mod tests;
