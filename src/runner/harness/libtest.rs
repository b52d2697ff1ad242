//! libtest `#[bench]` functions (`cargo bench` without criterion, bencher
//! lines): no options that shorten a run; any number of positional filters,
//! matched exactly with `--exact`.

use super::argv::{positionals, remove_at};
use super::cargo::Split;

/// libtest's options that take a value (as separate words).
const VALUE_OPTIONS: &[&str] =
    &["--logfile", "--test-threads", "--skip", "--color", "--format", "-Z", "--shuffle-seed", "--report-time"];

/// Replace the command's filters by exactly `names`.
pub fn filter(words: &mut Vec<String>, names: &[&str]) -> bool {
    let mut split = Split::of(words);
    split.take_cargo_filter();
    let own = positionals(&split.harness, VALUE_OPTIONS);
    remove_at(&mut split.harness, &own);
    if !split.harness.iter().any(|word| word == "--exact") {
        split.harness.push("--exact".into());
    }
    split.harness.extend(names.iter().map(|name| name.to_string()));
    *words = split.join();
    true
}
