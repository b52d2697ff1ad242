//! `cargo bench` command lines: what is cargo's and what goes to the
//! benchmark binaries (the words after `--`), and cargo's own `BENCHNAME`
//! filter, which cargo hands to the binaries as theirs.

use super::argv::{positionals, remove_at};

/// cargo options of `cargo bench` that take a value (as separate words).
const CARGO_VALUE_OPTIONS: &[&str] = &[
    "--bench",
    "--test",
    "--example",
    "--bin",
    "-p",
    "--package",
    "--exclude",
    "-F",
    "--features",
    "-j",
    "--jobs",
    "--target",
    "--target-dir",
    "--profile",
    "--manifest-path",
    "--color",
    "--message-format",
    "--config",
    "-Z",
    "--lockfile-path",
];

/// A command split into the part that runs the benchmark binaries and the
/// arguments they receive.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// `cargo bench ...` (without `--`), or the binary itself.
    pub runner: Vec<String>,
    /// What the benchmark binaries get.
    pub harness: Vec<String>,
    /// Whether `runner` is cargo (arguments then go after `--`).
    pub through_cargo: bool,
}

impl Split {
    /// Split `words`: a cargo command at its `--`, anything else after the program.
    pub fn of(words: &[String]) -> Split {
        let through_cargo = words.first().is_some_and(|program| program == "cargo" || program.ends_with("/cargo"));
        if !through_cargo {
            return Split {
                runner: words[..words.len().min(1)].to_vec(),
                harness: words[1.min(words.len())..].to_vec(),
                through_cargo,
            };
        }
        match words.iter().position(|word| word == "--") {
            Some(dash) => Split { runner: words[..dash].to_vec(), harness: words[dash + 1..].to_vec(), through_cargo },
            None => Split { runner: words.to_vec(), harness: Vec::new(), through_cargo },
        }
    }

    /// Remove cargo's `BENCHNAME` filter (a positional word after the
    /// subcommand), which cargo passes to every benchmark binary.
    pub fn take_cargo_filter(&mut self) -> Vec<String> {
        if !self.through_cargo {
            return Vec::new();
        }
        let Some(subcommand) = self.runner.iter().skip(1).position(|word| !word.starts_with('+')).map(|i| i + 1) else {
            return Vec::new();
        };
        let after = &self.runner[subcommand + 1..];
        let found: Vec<usize> =
            positionals(after, CARGO_VALUE_OPTIONS).into_iter().map(|i| i + subcommand + 1).collect();
        remove_at(&mut self.runner, &found)
    }

    /// The whole command again.
    pub fn join(self) -> Vec<String> {
        let mut words = self.runner;
        if self.through_cargo && !self.harness.is_empty() {
            words.push("--".into());
        }
        words.extend(self.harness);
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        shell_words::split(text).unwrap()
    }

    #[test]
    fn cargo_commands_split_at_the_double_dash() {
        let split = Split::of(&words("cargo bench --bench b -- --noplot small"));
        assert_eq!(split.runner, words("cargo bench --bench b"));
        assert_eq!(split.harness, words("--noplot small"));
        assert_eq!(split.clone().join(), words("cargo bench --bench b -- --noplot small"));
        let bare = Split::of(&words("cargo bench"));
        assert!(bare.harness.is_empty());
        let mut with_options = bare;
        with_options.harness.push("--noplot".into());
        assert_eq!(with_options.join(), words("cargo bench -- --noplot"));
    }

    #[test]
    fn a_benchmark_binary_gets_everything_after_its_name() {
        let split = Split::of(&words("target/release/deps/b-123 --bench x"));
        assert!(!split.through_cargo);
        assert_eq!(split.harness, words("--bench x"));
        assert_eq!(split.join(), words("target/release/deps/b-123 --bench x"));
    }

    #[test]
    fn cargos_own_filter_is_found_among_its_options() {
        let mut split =
            Split::of(&words("cargo +nightly bench --bench b -p core small_input --features f -- --noplot"));
        assert_eq!(split.take_cargo_filter(), ["small_input"]);
        assert_eq!(split.runner, words("cargo +nightly bench --bench b -p core --features f"));
        let mut none = Split::of(&words("cargo bench --bench b"));
        assert!(none.take_cargo_filter().is_empty());
    }
}
