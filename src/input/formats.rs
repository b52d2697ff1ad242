//! The format registry: one row per input format, holding everything the rest
//! of perfgate needs to know about it — its name (for the budget file, the
//! command line and messages), what it is, how to recognize it, how to load
//! it, where its tool writes by default, and the KPI `perfgate init` starts a
//! suite of it with.
//!
//! The rows of the built-in formats are in [`builtin`]. Adding a format is an
//! adapter module with a `load(&Path, &InputOptions)` function, one row there
//! (a constant and its place in [`Format::BUILTIN`]),
//! its fixtures under `tests/fixtures/<name>/` and its README row; the tests
//! over the registry check the rest (detection of every fixture, `init`'s KPI
//! accepted by `check`, the README table).

use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use serde::{Serialize, Serializer};

use super::detect::{self, Sniffed};
use super::*;

mod builtin;
use crate::model::Benchmark;

/// Reads one input of a format into benchmarks.
pub type Loader = fn(&Path, &InputOptions) -> Result<Vec<Benchmark>, InputError>;

/// How a format is recognized when a suite says `format = "auto"`.
#[derive(Clone, Copy)]
pub enum Detection {
    /// Never guessed: only a suite that names the format reads it.
    Named,
    /// A rule on a file's first bytes; `looks_for` is shown when nothing matches.
    Content { looks_for: &'static str, matches: fn(&Sniffed) -> bool },
    /// A rule on a folder.
    Folder { looks_for: &'static str, matches: fn(&Path) -> bool },
}

/// Which series the starter KPI judges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StarterSeries {
    /// `bench = "*"`: every benchmark on its own.
    EveryBench,
    /// `bench = "NAME"`: one benchmark.
    Bench(&'static str),
    /// `metric = "NAME"`: the series of a metric, pooled over their tags.
    Metric(&'static str),
}

/// The budget of the starter KPI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StarterBudget {
    /// `max = "1s"`: an absolute bound on a latency, to be set to the service-level objective.
    LatencyBound,
    /// `max-regression = PERCENT`, and why that statistic and size suit the format.
    Regression { percent: &'static str, why: &'static str },
}

/// The KPI `perfgate init` writes for a suite of this format: a statistic
/// every input of the format has, and a budget `check` can judge it by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StarterKpi {
    pub series: StarterSeries,
    pub statistic: &'static str,
    /// `where = { KEY = "VALUE" }`, when the format mixes series the KPI should not judge.
    pub tag_filter: Option<(&'static str, &'static str)>,
    pub budget: StarterBudget,
}

/// One row of the registry.
pub struct FormatSpec {
    /// The name `format = "..."` and `--input-format` take, and messages show.
    pub name: &'static str,
    /// Other names accepted for it.
    pub aliases: &'static [&'static str],
    /// The file extensions it is saved under (what `perfgate init` opens to look for results).
    pub extensions: &'static [&'static str],
    /// What it is, for `--help` and the README.
    pub description: &'static str,
    pub detection: Detection,
    pub load: Loader,
    /// Where the tool writes its results when a suite names no `input`.
    pub default_input: Option<&'static str>,
    /// Whether its values carry no unit, so that a suite's `unit` says it.
    pub takes_value_unit: bool,
    pub starter: StarterKpi,
}

impl FormatSpec {
    /// What most rows share, to spread into a row (`..FormatSpec::DEFAULT`): no aliases or
    /// extensions, never guessed, no default input, values in their own units, the starter
    /// KPI on the minimum. A row always names its `name`, `description` and `load`.
    pub const DEFAULT: FormatSpec = FormatSpec {
        name: "",
        aliases: &[],
        extensions: &[],
        description: "",
        detection: Detection::Named,
        load: |path, _| Err(InputError::whole(path, "this format has no reader (a registry row without `load`)")),
        default_input: None,
        takes_value_unit: false,
        starter: builtin::MIN_REGRESSION,
    };
}

/// An input format: a row of the registry.
#[derive(Clone, Copy)]
pub struct Format {
    spec: &'static FormatSpec,
}

impl Format {
    /// The format of a registry row.
    pub const fn new(spec: &'static FormatSpec) -> Format {
        Format { spec }
    }

    pub fn spec(self) -> &'static FormatSpec {
        self.spec
    }

    pub fn name(self) -> &'static str {
        self.spec.name
    }

    /// Where the tool writes its results when a suite names no `input`.
    pub fn default_input(self) -> Option<&'static str> {
        self.spec.default_input
    }

    /// The format a suite names, or what is wrong with the name.
    pub fn of_suite(suite: &Suite) -> Result<Format, String> {
        Registry::builtin().named(&suite.format.name).ok_or_else(|| unknown_format(Registry::builtin(), suite))
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.spec.name == other.spec.name
    }
}

impl Eq for Format {}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.spec.name.hash(state);
    }
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.spec.name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec.name)
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.spec.name)
    }
}

/// `--input-format`: `auto` and every registered format, with their descriptions.
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        static CHOICES: LazyLock<Vec<Format>> =
            LazyLock::new(|| std::iter::once(Format::AUTO).chain(Format::BUILTIN.iter().copied()).collect());
        &CHOICES
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.spec.name).help(self.spec.description);
        Some(self.spec.aliases.iter().fold(value, |value, alias| value.alias(*alias)))
    }
}

/// A set of formats to detect and load from: the built-in ones, or more for a test.
#[derive(Debug, Clone)]
pub struct Registry {
    formats: Vec<Format>,
}

static BUILTIN: LazyLock<Registry> = LazyLock::new(|| Registry { formats: Format::BUILTIN.to_vec() });

impl Registry {
    /// Every format perfgate reads.
    pub fn builtin() -> &'static Registry {
        &BUILTIN
    }

    /// This registry and one more format.
    pub fn with(&self, format: Format) -> Registry {
        let mut formats = self.formats.clone();
        formats.push(format);
        Registry { formats }
    }

    /// The formats, in the order detection tries them and messages list them.
    pub fn formats(&self) -> &[Format] {
        &self.formats
    }

    /// The format called `name` (or one of its aliases), `auto` included.
    pub fn named(&self, name: &str) -> Option<Format> {
        std::iter::once(Format::AUTO)
            .chain(self.formats.iter().copied())
            .find(|format| format.spec.name == name || format.spec.aliases.contains(&name))
    }

    /// The format of the file or folder at `path`: exactly one rule must match.
    pub fn detect(&self, path: &Path) -> Result<Format, InputError> {
        if path.is_dir() {
            return self.detect_folder(path);
        }
        let text = detect::read_prefix(path)?;
        let sniffed = Sniffed::new(&text);
        let matching: Vec<&str> = self
            .formats
            .iter()
            .filter(|format| matches!(format.spec.detection, Detection::Content { matches, .. } if matches(&sniffed)))
            .map(|format| format.name())
            .collect();
        match matching.as_slice() {
            [name] => Ok(self.named(name).expect("a registered format")),
            [] => Err(InputError::whole(path, detect::unrecognized_message(&self.looked_for(), &sniffed))),
            several => Err(InputError::whole(path, detect::ambiguous_message(several))),
        }
    }

    fn detect_folder(&self, path: &Path) -> Result<Format, InputError> {
        let folder_rule = |format: &Format| match format.spec.detection {
            Detection::Folder { looks_for, matches } => Some((*format, looks_for, matches(path))),
            _ => None,
        };
        let rules: Vec<(Format, &str, bool)> = self.formats.iter().filter_map(folder_rule).collect();
        if let Some((format, _, _)) = rules.iter().find(|(_, _, matched)| *matched) {
            return Ok(*format);
        }
        let looked_for: Vec<&str> = rules.iter().map(|(_, looks_for, _)| *looks_for).collect();
        Err(InputError::whole(path, detect::unrecognized_folder_message(&looked_for)))
    }

    /// What every rule looks for, in the registry's order.
    fn looked_for(&self) -> Vec<&'static str> {
        self.formats
            .iter()
            .filter_map(|format| match format.spec.detection {
                Detection::Content { looks_for, .. } | Detection::Folder { looks_for, .. } => Some(looks_for),
                Detection::Named => None,
            })
            .collect()
    }

    /// Load one input (detecting its format for `auto`) and check what the adapter made of it:
    /// at least one benchmark, each with finite, non-negative values.
    pub fn load(&self, format: Format, path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        let format = if format == Format::AUTO { self.detect(path)? } else { format };
        let benchmarks = (format.spec.load)(path, options)?;
        if benchmarks.is_empty() {
            return Err(InputError::whole(path, format!("no benchmarks found in this {format} input")));
        }
        for bench in &benchmarks {
            validate_benchmark(path, bench)?;
        }
        Ok(benchmarks)
    }
}

/// Why a suite's format name is not one: the names there are, and the closest.
fn unknown_format(registry: &Registry, suite: &Suite) -> String {
    let names: Vec<&str> =
        std::iter::once(Format::AUTO).chain(registry.formats.iter().copied()).map(Format::name).collect();
    let hint = match crate::config::closest_word(&suite.format.name, &names) {
        Some(close) => format!("did you mean {close:?}? "),
        None => String::new(),
    };
    format!("suite {:?}: unknown format {:?}; {hint}formats: {}", suite.name, suite.format.name, names.join(", "))
}

#[cfg(test)]
#[path = "formats_tests.rs"]
mod tests;
