//! pytest-benchmark: pytest options anywhere on the line; `-k` selects tests
//! by an expression of names (substring, case-insensitive: a few more than
//! asked may run). Short rounds: `--benchmark-max-time` (seconds per test)
//! and `--benchmark-min-rounds 3`. Listing: `--collect-only -q` prints node ids.

use super::argv::{has_option, remove_option};
use super::RoundLength;

const KEYWORD: &[&str] = &["-k"];
/// Rounds pytest-benchmark takes at least, in a short round (its default is 5).
const MIN_ROUNDS: &str = "3";

/// Add a `-k` expression naming exactly the tests of `names` (node ids),
/// and-ed with the command's own.
pub fn filter(words: &mut Vec<String>, names: &[&str]) -> bool {
    let mut keywords: Vec<String> = names.iter().map(|name| keyword(name)).collect();
    keywords.sort();
    keywords.dedup();
    let ours = keywords.join(" or ");
    let expression = match remove_option(words, KEYWORD, true).pop() {
        Some(own) => format!("({own}) and ({ours})"),
        None => ours,
    };
    words.push("-k".into());
    words.push(expression);
    true
}

/// A node id's test name as a `-k` word: `-k` words may hold letters, digits,
/// `_:+-.[]\/`; a parameter id with anything else is cut off (`test_x[a b]` → `test_x`).
fn keyword(node_id: &str) -> String {
    let name = node_id.rsplit("::").next().unwrap_or(node_id);
    let allowed = |c: char| c.is_alphanumeric() || "_:+-.[]\\/".contains(c);
    if name.chars().all(allowed) {
        name.to_string()
    } else {
        name.split('[').next().unwrap_or(name).chars().filter(|&c| allowed(c)).collect()
    }
}

pub fn round_options(words: &[String], length: RoundLength) -> Vec<String> {
    let mut options = Vec::new();
    if !has_option(words, &["--benchmark-max-time"]) {
        options.push(format!("--benchmark-max-time={:.3}", length.seconds));
    }
    if !has_option(words, &["--benchmark-min-rounds"]) {
        options.push(format!("--benchmark-min-rounds={MIN_ROUNDS}"));
    }
    options
}

pub fn listing(words: &[String]) -> Vec<String> {
    let mut words = words.to_vec();
    words.extend(["--collect-only".to_string(), "-q".to_string()]);
    words
}

pub fn parse_listing(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|line| !line.starts_with(char::is_whitespace) && line.contains("::"))
        .map(|line| line.trim().to_string())
        .collect()
}
