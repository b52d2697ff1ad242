//! `[[suite]]`: where a suite's results come from and how to obtain them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::error::line_column;
use super::fields::FieldMap;
use super::Quantity;

/// `[[suite]]`: one set of results and how to obtain it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Suite {
    pub name: String,
    /// Command that produces the results; omitted means `input` is read as-is.
    pub command: Option<String>,
    /// The format's name as written (`auto` when omitted); the input stage resolves it.
    #[serde(default)]
    pub format: FormatName,
    /// Where the results are; a default exists for some formats (criterion: `target/criterion`).
    pub input: Option<PathBuf>,
    /// `source = "file"`: this suite's baseline in the suite's own format (overrides `[baseline] path`).
    pub baseline: Option<PathBuf>,
    /// Column/field names of generic latency CSV and NDJSON inputs.
    #[serde(default)]
    pub fields: FieldMap,
    /// Column delimiter of CSV inputs (one character).
    pub delimiter: Option<char>,
    /// Run `command` through `sh -c` (pipes, globs, `&&`); by default it is split like a shell
    /// would split it and run directly.
    #[serde(default)]
    pub shell: bool,
    /// Working directory of `command` and base of `input`, relative to the budget file's folder.
    pub workdir: Option<PathBuf>,
    /// Extra environment variables for `command`.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Longest time one run of `command` may take (e.g. `"20min"`).
    pub timeout: Option<Quantity>,
    /// Row formats: malformed rows tolerated (skipped, reported with their lines) before the input fails.
    #[serde(default)]
    pub max_bad_rows: u64,
    /// Unit of the values of inputs that do not say it (HdrHistogram logs): `ns` (default), `us`, `ms`, `s`.
    pub unit: Option<String>,
    /// `rerun`: short rounds with the harness's own options (criterion's `--measurement-time`, go's
    /// `-benchtime`, ...), their length chosen from the time budget. `false`: the command as written.
    #[serde(default = "yes")]
    pub short_rounds: bool,
    /// `rerun`: options added to every run instead of perfgate's short-round options.
    pub round_options: Option<String>,
    /// What a run measures: wall time (`time`, the default) or instructions counted under Valgrind.
    #[serde(default)]
    pub measure: Placed<Measure>,
    /// `measure = "instructions"`: simulate fixed caches too, for the `estimated-cycles` series.
    #[serde(default)]
    pub cache_sim: bool,
}

/// `measure`: what a run of a suite measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// The harness's own timing.
    #[default]
    Time,
    /// Instructions per iteration (criterion) or per run (a whole command), under Valgrind's Callgrind.
    Instructions,
}

impl Measure {
    pub fn name(self) -> &'static str {
        match self {
            Measure::Time => "time",
            Measure::Instructions => "instructions",
        }
    }
}

/// A value and where the budget file wrote it, for errors found after parsing (by the stage that
/// knows what is valid). Two are equal when their values are.
#[derive(Debug, Clone, Default)]
pub struct Placed<T> {
    pub value: T,
    /// 1-based line and column of the value (of the suite's table when the key is omitted).
    pub line: usize,
    pub column: usize,
    offset: Option<usize>,
}

impl<T> Placed<T> {
    pub fn new(value: T) -> Self {
        Placed { value, line: 0, column: 0, offset: None }
    }

    /// Fill in the line and column once the budget file's text is at hand.
    pub(super) fn locate(&mut self, text: &str, table_offset: usize) {
        (self.line, self.column) = line_column(text, self.offset.unwrap_or(table_offset));
    }
}

impl<T: PartialEq> PartialEq for Placed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Placed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        let offset = Some(spanned.span().start);
        Ok(Placed { offset, ..Placed::new(spanned.into_inner()) })
    }
}

fn yes() -> bool {
    true
}

impl Suite {
    /// A suite as a `[[suite]]` table with only `name` reads: every other key at its default.
    pub fn named(name: &str) -> Suite {
        Suite {
            name: name.to_string(),
            command: None,
            format: FormatName::default(),
            input: None,
            baseline: None,
            fields: FieldMap::default(),
            delimiter: None,
            shell: false,
            workdir: None,
            env: BTreeMap::new(),
            timeout: None,
            max_bad_rows: 0,
            unit: None,
            short_rounds: yes(),
            round_options: None,
            measure: Placed::default(),
            cache_sim: false,
        }
    }

    /// Whether runs count instructions instead of timing.
    pub fn counts(&self) -> bool {
        self.measure.value == Measure::Instructions
    }

    /// The timeout of one run of the command.
    pub fn timeout(&self) -> Option<std::time::Duration> {
        match self.timeout {
            Some(Quantity::Duration(ns)) => Some(std::time::Duration::from_nanos(ns as u64)),
            _ => None,
        }
    }
}

/// A suite's `format` as written, and where: which names exist is the
/// adapters' registry's to say, so it is checked when the input stage takes
/// the budget file. Two are equal when their names are.
#[derive(Debug, Clone)]
pub struct FormatName {
    pub name: String,
    /// 1-based line and column of the value (of the suite's table when `format` is omitted).
    pub line: usize,
    pub column: usize,
    offset: Option<usize>,
}

impl FormatName {
    /// The name `auto`: recognize the format from the content.
    pub const AUTO: &'static str = "auto";

    pub fn new(name: &str) -> Self {
        FormatName { name: name.to_string(), line: 0, column: 0, offset: None }
    }

    /// Fill in the line and column once the budget file's text is at hand.
    pub(super) fn locate(&mut self, text: &str, table_offset: usize) {
        (self.line, self.column) = line_column(text, self.offset.unwrap_or(table_offset));
    }
}

impl PartialEq for FormatName {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Default for FormatName {
    fn default() -> Self {
        FormatName::new(FormatName::AUTO)
    }
}

impl<'de> Deserialize<'de> for FormatName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<String>::deserialize(deserializer)?;
        Ok(FormatName { offset: Some(spanned.span().start), ..FormatName::new(spanned.get_ref()) })
    }
}

impl std::fmt::Display for FormatName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}
