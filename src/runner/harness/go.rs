//! `go test -bench`: flags after `go test` (`-flag value` or `-flag=value`,
//! also spelled `--flag` and `-test.flag`). `-bench` is a regular expression
//! split at slashes, one part per level of sub-benchmarks
//! (`BenchmarkParse/size=10`); a level without sub-benchmarks matches on its
//! own. Short rounds: `-benchtime=<seconds>s` and `-count=1`. `go test -list`
//! prints the top-level names only.

use std::collections::BTreeSet;

use super::argv::{exact_names_regex, has_option, remove_option};
use super::RoundLength;

const BENCH: &[&str] = &["-bench", "--bench", "-test.bench"];
const BENCHTIME: &[&str] = &["-benchtime", "--benchtime", "-test.benchtime"];
const COUNT: &[&str] = &["-count", "--count", "-test.count"];

/// Replace the `-bench` pattern by one that runs exactly `names` (or a few
/// more, where two levels combine). A command without `-bench` runs no
/// benchmark at all and is left alone.
pub fn filter(words: &mut Vec<String>, names: &[&str]) -> bool {
    if !has_option(words, BENCH) {
        return false;
    }
    remove_option(words, BENCH, true);
    insert_flags(words, vec![format!("-bench={}", level_pattern(names))]);
    true
}

/// One exact alternation per level: `^(A|B)$/^(x|y)$`.
fn level_pattern(names: &[&str]) -> String {
    let mut levels: Vec<BTreeSet<&str>> = Vec::new();
    for name in names {
        for (depth, part) in name.split('/').enumerate() {
            if levels.len() <= depth {
                levels.push(BTreeSet::new());
            }
            levels[depth].insert(part);
        }
    }
    levels.iter().map(|parts| exact_names_regex(parts.iter().copied())).collect::<Vec<_>>().join("/")
}

pub fn round_options(words: &[String], length: RoundLength) -> Vec<String> {
    let mut flags = Vec::new();
    if !has_option(words, BENCHTIME) {
        flags.push(format!("-benchtime={:.3}s", length.seconds));
    }
    if !has_option(words, COUNT) {
        flags.push("-count=1".into());
    }
    flags
}

/// Flags go right after `go test` (before packages and `-args`).
pub fn insert_flags(words: &mut Vec<String>, flags: Vec<String>) {
    let at = words.iter().position(|word| word == "test").map_or(words.len(), |test| test + 1);
    words.splice(at..at, flags);
}

/// `go test -list` with the top level of the `-bench` pattern.
pub fn listing(words: &[String]) -> Option<Vec<String>> {
    let mut words = words.to_vec();
    let pattern = remove_option(&mut words, BENCH, true).pop()?;
    for value_flag in [BENCHTIME, COUNT] {
        remove_option(&mut words, value_flag, true);
    }
    remove_option(&mut words, &["-json", "--json", "-benchmem", "--benchmem"], false);
    insert_flags(&mut words, vec![format!("-list={}", top_level(&pattern))]);
    Some(words)
}

/// The part of a `-bench` pattern before its first slash outside brackets.
fn top_level(pattern: &str) -> &str {
    let mut depth = 0usize;
    for (index, c) in pattern.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => return &pattern[..index],
            _ => {}
        }
    }
    pattern
}

pub fn parse_listing(stdout: &str) -> Vec<String> {
    let names: BTreeSet<&str> =
        stdout.lines().map(str::trim).filter(|line| line.starts_with("Benchmark") && !line.contains(' ')).collect();
    names.into_iter().map(str::to_string).collect()
}

/// A benchmark name without the package that qualifies it (`pkg/path.BenchmarkX` → `BenchmarkX`).
pub fn unqualified(id: &str) -> &str {
    match id.find(".Benchmark") {
        Some(dot) => &id[dot + 1..],
        None => id,
    }
}
