//! Google Benchmark binaries: `--benchmark_filter` is a regular expression
//! over benchmark names (`BM_Copy/8`); names may carry suffixes such as
//! `/real_time` or `/repeats:3`, so a name matches with any `/...` after it.
//! Short rounds: `--benchmark_min_time=<seconds>` (a plain number: accepted
//! by old and new versions). Listing: `--benchmark_list_tests=true`.

use super::argv::{escape_regex, has_option, remove_option};
use super::RoundLength;

const FILTER: &[&str] = &["--benchmark_filter"];

pub fn filter(words: &mut Vec<String>, names: &[&str]) -> bool {
    remove_option(words, FILTER, true);
    let alternatives: Vec<String> = names.iter().map(|name| escape_regex(name)).collect();
    words.push(format!("--benchmark_filter=^({})(/.*)?$", alternatives.join("|")));
    true
}

pub fn round_options(words: &[String], length: RoundLength) -> Vec<String> {
    if has_option(words, &["--benchmark_min_time"]) {
        return Vec::new();
    }
    vec![format!("--benchmark_min_time={:.3}", length.seconds)]
}

pub fn listing(words: &[String]) -> Vec<String> {
    let mut words = words.to_vec();
    words.push("--benchmark_list_tests=true".into());
    words
}

pub fn parse_listing(stdout: &str) -> Vec<String> {
    stdout.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_string).collect()
}
