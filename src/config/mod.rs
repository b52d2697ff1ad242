//! `perf-budget.toml`: the model of the budget file, strict parsing with
//! file:line:column errors and "did you mean" hints, and validation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::model::Direction;

mod error;
pub mod fields;
mod suite;
pub mod units;

pub use crate::model::Statistic;
pub use error::{closest as closest_word, ConfigError};
pub use suite::{FormatName, Measure, Placed, Suite};
pub use units::{Percent, Quantity, Ratio};

/// Default file name, searched upward from the working directory.
pub const CONFIG_FILE_NAME: &str = "perf-budget.toml";
/// Where `perfgate calibrate --record` writes the calibration when `[gate] calibration` is not set.
pub const CALIBRATION_FILE_NAME: &str = "perf-calibration.json";

/// A parsed and validated budget file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; relative paths inside are relative to its folder.
    pub path: PathBuf,
    pub gate: Gate,
    pub baseline: Baseline,
    pub suites: Vec<Suite>,
    pub kpis: Vec<Kpi>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct BudgetFile {
    #[serde(default)]
    gate: Gate,
    #[serde(default)]
    baseline: Baseline,
    #[serde(default)]
    suite: Vec<Spanned<Suite>>,
    #[serde(default)]
    kpi: Vec<Spanned<KpiTable>>,
}

/// How serious a failed KPI is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Reported only; never affects the verdict.
    Off,
    /// Reported as a warning; never fails the check (gradual rollout).
    Warn,
    /// A failure fails the check (exit code 1).
    Error,
}

/// `[gate]`: how the whole check decides.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Gate {
    pub level: Level,
    /// PR label that turns failures into warnings (kill switch).
    pub override_label: Option<String>,
    /// Level of every confidence interval.
    pub confidence: f64,
    /// False discovery rate across all relative comparisons of one check.
    pub fdr: f64,
    /// Assumed run-to-run noise (standard deviation of one run's shift per
    /// benchmark) when it cannot be estimated from the suite itself.
    pub run_noise: Percent,
    /// Seed of the bootstrap resampling (reported; results are reproducible).
    pub seed: u64,
    /// The calibration file `perfgate calibrate --record` writes (relative to the budget file):
    /// the run-to-run noise of each benchmark on this machine, used instead of `run-noise`.
    pub calibration: Option<PathBuf>,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            level: Level::Error,
            override_label: None,
            confidence: 0.95,
            fdr: 0.05,
            run_noise: Percent(0.02),
            seed: 0x5EED,
            calibration: None,
        }
    }
}

/// Where baseline results come from (`[baseline] source`, `--baseline-source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum BaselineSource {
    Rerun,
    Notes,
    File,
    None,
}

impl BaselineSource {
    /// The name the budget file and the report use.
    pub fn name(self) -> &'static str {
        match self {
            BaselineSource::Rerun => "rerun",
            BaselineSource::Notes => "notes",
            BaselineSource::File => "file",
            BaselineSource::None => "none",
        }
    }

    /// Results stored earlier (git notes, a file), not measured with the head.
    pub fn is_stored(self) -> bool {
        matches!(self, BaselineSource::Notes | BaselineSource::File)
    }
}

impl std::fmt::Display for BaselineSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `[baseline]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Baseline {
    pub source: BaselineSource,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// `rerun`: the most interleaved rounds (fewer when the time budget holds fewer).
    pub rounds: u32,
    /// `rerun`: rounds before the first look; from then on, a look after every round.
    pub min_rounds: u32,
    /// `rerun`: wall time of measuring, builds apart; what is undecided then is inconclusive.
    pub time_budget: Quantity,
    /// `notes`/`file`: before failing, re-run the failing benchmarks on the base commit and the
    /// head in interleaved rounds, and decide on those (when the suites have commands).
    pub confirm: bool,
    /// `source = "file"`: a normalized results file, or a tool output when there is one suite.
    pub path: Option<PathBuf>,
    /// A tag or commit the head is also judged against, on the KPIs' `max-drift`: the budget for
    /// the change accumulated since then, which small steps each inside `max-regression` can exceed.
    pub anchor: Option<String>,
}

/// `[baseline] rounds` when not set: see README, "What a check costs".
pub const DEFAULT_ROUNDS: u32 = 60;
/// `[baseline] min-rounds` when not set.
pub const DEFAULT_MIN_ROUNDS: u32 = 10;
/// `[baseline] time-budget` when not set, in seconds.
pub const DEFAULT_TIME_BUDGET_SECONDS: f64 = 900.0;

impl Default for Baseline {
    fn default() -> Self {
        Baseline {
            source: BaselineSource::Rerun,
            git_ref: None,
            rounds: DEFAULT_ROUNDS,
            min_rounds: DEFAULT_MIN_ROUNDS,
            time_budget: Quantity::Duration(DEFAULT_TIME_BUDGET_SECONDS * 1e9),
            confirm: true,
            path: None,
            anchor: None,
        }
    }
}

impl Baseline {
    /// The time budget of measuring.
    pub fn time_budget(&self) -> std::time::Duration {
        match self.time_budget {
            Quantity::Duration(ns) => std::time::Duration::from_nanos(ns as u64),
            _ => std::time::Duration::from_secs_f64(DEFAULT_TIME_BUDGET_SECONDS),
        }
    }
}

/// One `[[kpi]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct KpiTable {
    name: String,
    suite: Spanned<String>,
    bench: Option<String>,
    metric: Option<String>,
    #[serde(rename = "where", default)]
    tag_filters: BTreeMap<String, String>,
    /// Judge each value of these tags separately (`"route"`, `"route,method"`).
    per: Option<String>,
    statistic: Spanned<Statistic>,
    max: Option<Quantity>,
    min: Option<Quantity>,
    max_regression: Option<Percent>,
    max_drift: Option<Spanned<Percent>>,
    min_ratio: Option<Ratio>,
    level: Option<Level>,
    #[serde(default)]
    primary: bool,
    direction: Option<Direction>,
}

/// A KPI: which series, which statistic, which budgets.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    pub name: String,
    pub suite: String,
    /// Glob over benchmark ids; each match is judged.
    pub bench: Option<String>,
    /// Metric name (glob); matching tagged series are pooled into one comparison.
    pub metric: Option<String>,
    /// Tag filters, globs allowed.
    pub tag_filters: BTreeMap<String, String>,
    /// Tags whose every value is judged separately (one comparison each), under the same budget.
    pub per: Vec<String>,
    pub statistic: Statistic,
    pub max: Option<Quantity>,
    pub min: Option<Quantity>,
    pub max_regression: Option<Percent>,
    /// Budget for the change since `[baseline] anchor` (judged against the anchor's results).
    pub max_drift: Option<Percent>,
    pub min_ratio: Option<Ratio>,
    /// Effective level (the KPI's own, else the gate's).
    pub level: Level,
    pub primary: bool,
    pub direction: Option<Direction>,
    /// 1-based line of the `[[kpi]]` table in the budget file (for annotations).
    pub line: usize,
}

impl Config {
    /// Read and validate a budget file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::unreadable(path, &e))?;
        Self::parse(&text, path)
    }

    /// Parse budget-file text; `path` names the file in errors and anchors relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: BudgetFile = toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
        let at = |span: std::ops::Range<usize>, message: String| ConfigError::at(path, text, span.start, message);
        validate_gate(&file.gate).map_err(|message| ConfigError::at(path, text, 0, message))?;
        validate_baseline(&file.baseline).map_err(|message| ConfigError::at(path, text, 0, message))?;

        let mut suites: Vec<Suite> = Vec::new();
        for suite in &file.suite {
            if suites.iter().any(|known| known.name == suite.get_ref().name) {
                return Err(at(suite.span(), format!("suite {:?} is defined twice", suite.get_ref().name)));
            }
            if let Some(timeout) = suite.get_ref().timeout {
                if !matches!(timeout, Quantity::Duration(ns) if ns > 0.0) {
                    let mut error = at(
                        suite.span(),
                        format!("suite {:?}: timeout = {timeout} is not a duration", suite.get_ref().name),
                    );
                    error.hint = Some("write it with a unit, e.g. timeout = \"20min\"".into());
                    return Err(error);
                }
            }
            if let Some(options) = &suite.get_ref().round_options {
                if let Err(e) = shell_words::split(options) {
                    return Err(at(
                        suite.span(),
                        format!(
                            "suite {:?}: round-options = {options:?} cannot be split into words: {e}",
                            suite.get_ref().name
                        ),
                    ));
                }
            }
            if let Err(message) = suite.get_ref().fields.validate() {
                return Err(at(suite.span(), format!("suite {:?}: fields: {message}", suite.get_ref().name)));
            }
            validate_unit(suite.get_ref()).map_err(|(message, hint)| {
                let mut error = at(suite.span(), message);
                error.hint = Some(hint);
                error
            })?;
            let mut suite_value = suite.get_ref().clone();
            suite_value.format.locate(text, suite.span().start);
            suite_value.measure.locate(text, suite.span().start);
            if suite_value.cache_sim && !suite_value.counts() {
                let mut error = at(
                    suite.span(),
                    format!("suite {:?}: cache-sim = true needs measure = \"instructions\"", suite_value.name),
                );
                error.hint = Some("the cache simulation runs under Valgrind, with the instruction counts".into());
                return Err(error);
            }
            suites.push(suite_value);
        }

        let mut kpis = Vec::new();
        for table in &file.kpi {
            let kpi = table.get_ref();
            let suite_name = kpi.suite.get_ref();
            if !suites.iter().any(|s| &s.name == suite_name) {
                let known: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
                let mut error = at(
                    kpi.suite.span(),
                    format!("KPI {:?} names suite {suite_name:?}, which no [[suite]] defines", kpi.name),
                );
                error.hint = Some(match error::closest(suite_name, &known) {
                    Some(close) => format!("did you mean {close:?}?"),
                    None if known.is_empty() => "add a [[suite]] table with this name".to_string(),
                    None => format!("defined suites: {}", known.join(", ")),
                });
                return Err(error);
            }
            if kpi.max.is_none()
                && kpi.min.is_none()
                && kpi.max_regression.is_none()
                && kpi.min_ratio.is_none()
                && kpi.max_drift.is_none()
            {
                let mut error = at(table.span(), format!("KPI {:?} has no budget", kpi.name));
                error.hint = Some("set at least one of max, min, max-regression, min-ratio, max-drift".into());
                return Err(error);
            }
            if let (Some(drift), None) = (&kpi.max_drift, &file.baseline.anchor) {
                let mut error = at(
                    drift.span(),
                    format!(
                        "KPI {:?} sets max-drift, the budget since an anchor, but [baseline] names no anchor",
                        kpi.name
                    ),
                );
                error.hint =
                    Some("add `anchor = \"v1.0\"` (a tag or commit) to [baseline], or remove max-drift".into());
                return Err(error);
            }
            kpis.push(Kpi {
                name: kpi.name.clone(),
                suite: suite_name.clone(),
                bench: kpi.bench.clone(),
                metric: kpi.metric.clone(),
                tag_filters: kpi.tag_filters.clone(),
                per: kpi
                    .per
                    .iter()
                    .flat_map(|tags| tags.split(','))
                    .map(|tag| tag.trim().to_string())
                    .filter(|tag| !tag.is_empty())
                    .collect(),
                statistic: *kpi.statistic.get_ref(),
                max: kpi.max,
                min: kpi.min,
                max_regression: kpi.max_regression,
                max_drift: kpi.max_drift.as_ref().map(|drift| *drift.get_ref()),
                min_ratio: kpi.min_ratio,
                level: kpi.level.unwrap_or(file.gate.level),
                primary: kpi.primary,
                direction: kpi.direction,
                line: error::line_column(text, table.span().start).0,
            });
        }
        Ok(Config { path: path.to_path_buf(), gate: file.gate, baseline: file.baseline, suites, kpis })
    }

    /// The folder the budget file is in (`.` for a bare file name).
    pub fn folder(&self) -> &Path {
        self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
    }

    /// Where the calibration file is: `[gate] calibration`, else `perf-calibration.json` beside
    /// the budget file (where `perfgate calibrate --record` writes one).
    pub fn calibration_path(&self) -> PathBuf {
        self.resolve(self.gate.calibration.as_deref().unwrap_or(Path::new(CALIBRATION_FILE_NAME)))
    }

    /// A path written in the budget file, resolved against the file's folder.
    pub fn resolve(&self, relative: &Path) -> PathBuf {
        match self.path.parent() {
            Some(folder) if relative.is_relative() => folder.join(relative),
            _ => relative.to_path_buf(),
        }
    }

    pub fn suite(&self, name: &str) -> Option<&Suite> {
        self.suites.iter().find(|s| s.name == name)
    }
}

/// `unit` names a duration unit (which formats take one is the input stage's to say).
fn validate_unit(suite: &Suite) -> Result<(), (String, String)> {
    let Some(unit) = &suite.unit else { return Ok(()) };
    if crate::model::units::nanoseconds_per(unit).is_none() {
        return Err((
            format!("suite {:?}: unit = {unit:?} is not a unit of hlog values", suite.name),
            format!("use one of {} (the unit the recorder used)", crate::model::units::duration_words()),
        ));
    }
    Ok(())
}

fn validate_baseline(baseline: &Baseline) -> Result<(), String> {
    if baseline.rounds == 0 {
        return Err("[baseline] rounds must be at least 1".into());
    }
    if baseline.min_rounds < 2 {
        return Err(format!(
            "[baseline] min-rounds must be at least 2 (a paired comparison needs two rounds), found {}",
            baseline.min_rounds
        ));
    }
    if !matches!(baseline.time_budget, Quantity::Duration(ns) if ns >= 1e9) {
        return Err(format!(
            "[baseline] time-budget = {} is not a duration of at least 1 s (write it with a unit, e.g. time-budget = \"15min\")",
            baseline.time_budget
        ));
    }
    Ok(())
}

fn validate_gate(gate: &Gate) -> Result<(), String> {
    if !(0.5..1.0).contains(&gate.confidence) {
        return Err(format!("[gate] confidence must be in [0.5, 1), found {}", gate.confidence));
    }
    if !(gate.fdr > 0.0 && gate.fdr < 1.0) {
        return Err(format!("[gate] fdr must be in (0, 1), found {}", gate.fdr));
    }
    Ok(())
}

/// Find `perf-budget.toml` in `start` or its parents, stopping at the git root.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    for folder in start.ancestors() {
        let candidate = folder.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if folder.join(".git").exists() {
            return None;
        }
    }
    None
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
