//! The outcome of a check: what every renderer shows and what `--format json`
//! writes (`"schema": 1`). `perfgate report` reads it back, so it round-trips.

use serde::{Deserialize, Serialize};

use super::context::Context;

use super::method::Method;
use super::Verdict;
use crate::config::{BaselineSource, Level};
use crate::model::{Commit, Direction, Unit};
pub use crate::runner::rounds::Stop;
pub use crate::runner::shard::Shard;
pub use crate::stats::disturbance::Side;

/// Version of the JSON report.
pub const REPORT_SCHEMA: u32 = 1;

/// Verdict of a whole check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckVerdict {
    /// Every KPI within budget.
    Pass,
    /// Nothing failed at level `error`, but something needs a look (a warn-level failure,
    /// an inconclusive comparison, a missing baseline, an overridden failure).
    Warn,
    /// At least one KPI at level `error` failed: exit code 1.
    Fail,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: u32,
    pub verdict: CheckVerdict,
    pub git: GitInfo,
    pub baseline: BaselineInfo,
    pub settings: Settings,
    pub kpis: Vec<KpiOutcome>,
    /// Things the reader must know: a missing baseline, a suite-wide shift, an override.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Things that may make the whole check meaningless (the baseline is the head itself, a
    /// shallow clone): shown first, and as annotations on GitHub.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The PR label that turned failures into warnings (the kill switch), when the PR has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_label: Option<String>,
    /// How base and head were measured in interleaved rounds (`source = "rerun"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measuring: Option<Measuring>,
    /// The shard of the check this report judges (`--shard I/N`); `perfgate report` merges shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// Trends on main, where the time goes, the size of the change.
    #[serde(default, skip_serializing_if = "Context::is_empty")]
    pub context: Context,
}

/// The interleaved rounds of a check: how many, how long, and why they ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measuring {
    /// Complete rounds.
    pub rounds: u32,
    /// The rounds that fit the time budget (at most `[baseline] rounds`).
    pub max_rounds: u32,
    /// Why the rounds ended.
    pub stop: Stop,
    /// Comparisons still undecided (inconclusive) when they ended.
    pub undecided: usize,
    /// `[baseline] time-budget`, in seconds.
    pub time_budget: f64,
    /// Wall time of the rounds, in seconds.
    pub seconds: f64,
    /// Wall time of listing (and so building) the benchmarks before the rounds, in seconds.
    pub build_seconds: f64,
    pub suites: Vec<SuiteMeasuring>,
}

/// How one suite ran in the rounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteMeasuring {
    pub name: String,
    /// Rounds it ran in (a suite whose benchmarks were all decided stops early).
    pub rounds: u32,
    /// Wall time of its runs on both sides, in seconds.
    pub seconds: f64,
    /// The harness perfgate steered (`criterion`, `go`, ...), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harness: Option<String>,
    /// What perfgate added to each run (`--warm-up-time 0.1 ...`); empty: the command as written.
    #[serde(default)]
    pub round_options: String,
    /// Later rounds ran only the undecided benchmarks (false: the command cannot be limited).
    pub filtered: bool,
    /// Its runs were long, so it ran in chunks of benchmarks, each chunk base-head-head-base:
    /// the seconds one side's run took per benchmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunked: Option<f64>,
    /// Benchmarks that measured far longer than the round options asked (a benchmark group that
    /// sets its own times in code), as the harness names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_round_options: Vec<String>,
    /// Seconds of measuring the round options asked for per benchmark, and the most one of
    /// `ignored_round_options` measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longest_seconds: Option<f64>,
    /// Benchmarks the time budget left unmeasured in the pass it ran out in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmeasured: Vec<String>,
}

/// Commits compared (when known).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GitInfo {
    pub base_commit: Option<Commit>,
    pub head_commit: Option<Commit>,
    /// The head includes uncommitted changes.
    #[serde(default)]
    pub head_dirty: bool,
    /// `[baseline] anchor` as written (a tag or commit), when the check judges drift since it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// The anchor's full sha.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor_commit: Option<Commit>,
}

/// Where the baseline came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineInfo {
    /// `rerun`, `notes`, `file`, `none`.
    pub source: BaselineSource,
    /// What was read (paths), or why there is none.
    pub description: String,
}

impl Default for BaselineInfo {
    /// No baseline.
    fn default() -> Self {
        BaselineInfo { source: BaselineSource::None, description: "no baseline".into() }
    }
}

/// Statistical settings of the check, so a report says how it was decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub confidence: f64,
    pub fdr: f64,
    pub seed: u64,
    pub run_noise: f64,
}

/// One KPI's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiOutcome {
    pub name: String,
    pub suite: String,
    pub verdict: Verdict,
    pub level: Level,
    #[serde(default)]
    pub primary: bool,
    pub statistic: String,
    pub direction: Direction,
    pub budget: Budget,
    /// 1-based line of the KPI in the budget file (for annotations).
    pub line: usize,
    /// The configuration file the KPI is defined in.
    pub config: String,
    /// A failure turned into a warning by the override label.
    #[serde(default)]
    pub overridden: bool,
    pub comparisons: Vec<Comparison>,
    /// Run-to-run noise used for this KPI's relative comparisons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_noise: Option<NoiseInfo>,
    /// Interleaved rounds: the most rounds any of its comparisons was measured for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
    /// Interleaved rounds: wall time of its suite's runs, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// What the noise allowed: comparisons judged on one run per side, or on fewer interleaved
    /// rounds than a rank interval needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footing: Option<Footing>,
    /// What its suite counted instead of timing (`instructions`, `estimated-cycles`, or both);
    /// absent when the suite's own measurements were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted: Option<String>,
}

/// The relative comparisons of a KPI that could not measure their own run-to-run noise.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Footing {
    /// Judged on one run per side (no interleaved rounds): how many.
    pub single_runs: usize,
    /// The run-to-run noise (relative standard deviation) they were widened by: least and most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<[f64; 2]>,
    /// Where that noise came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_from: Option<NoiseFrom>,
    /// Benchmarks judged on fewer interleaved rounds than a rank interval needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub few_rounds: Vec<String>,
    /// How many of those a calibration judged (the others are inconclusive).
    #[serde(default)]
    pub few_rounds_calibrated: usize,
}

impl Footing {
    /// The footing of a KPI from its comparisons' shares; None when none of them had one.
    pub fn of(shares: impl IntoIterator<Item = Footing>) -> Option<Footing> {
        let mut footing = Footing::default();
        for share in shares {
            footing.single_runs += share.single_runs;
            footing.noise = match (footing.noise, share.noise) {
                (Some([lo, hi]), Some([low, high])) => Some([lo.min(low), hi.max(high)]),
                (known, other) => known.or(other),
            };
            footing.noise_from = footing.noise_from.max(share.noise_from);
            footing.few_rounds.extend(share.few_rounds);
            footing.few_rounds_calibrated += share.few_rounds_calibrated;
        }
        (footing.single_runs > 0 || !footing.few_rounds.is_empty()).then_some(footing)
    }
}

/// Where the run-to-run noise of single-run comparisons came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoiseFrom {
    /// `[gate] run-noise`: an assumption.
    Prior,
    /// The spread of the suite's own comparisons (five or more).
    Suite,
    /// What `perfgate calibrate` measured on this machine (`[gate] calibration`).
    Calibration,
}

/// The budgets of a KPI, as written and in the metric's unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Upper bound of the statistic, in the comparisons' unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest allowed relative regression (0.03 = 3 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_regression: Option<f64>,
    /// Budget for the change since `[baseline] anchor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_drift: Option<f64>,
    /// Smallest required improvement factor (2.0 = twice as good).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ratio: Option<f64>,
    /// Human form, e.g. `max 1 s, +5%`.
    pub text: String,
}

/// How run-to-run noise was accounted for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoiseInfo {
    /// Shift common to every benchmark of the run (relative, e.g. 0.02), removed before judging.
    pub common_shift: f64,
    /// Standard deviation of one benchmark's run-to-run change (relative).
    pub between_sd: f64,
    /// Estimated from the suite itself (else the configured `run-noise`).
    pub from_suite: bool,
    pub benchmarks: usize,
}

/// One judged series of a KPI: a benchmark, or a pooled selection of tagged series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub bench: String,
    pub verdict: Verdict,
    pub unit: Unit,
    /// The statistic on the baseline.
    pub base: Option<f64>,
    /// The statistic on the head; `null` when it is indeterminate (a quantile
    /// above the largest bucket bound of a Prometheus histogram: `head_ci` then
    /// starts at that bound).
    pub head: Option<f64>,
    /// Interval of the head's statistic (absolute budgets); `null` for an
    /// unbounded end (a maximum, a quantile above the largest bucket bound).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "unbounded::deserialize")]
    pub head_ci: Option<[f64; 2]>,
    /// Relative change head vs base (0.052 = +5.2 %), after removing a common-mode shift.
    pub change: Option<f64>,
    /// Interval of `change` the verdict is decided on; `null` for an unbounded end.
    /// In rounds decided look by look it is a repeated confidence interval: it
    /// covers at `confidence` however many looks were taken, so it is wider
    /// than a one-look interval of the same rounds.
    #[serde(default, deserialize_with = "unbounded::deserialize")]
    pub ci: Option<[f64; 2]>,
    /// One-sided p-value that the change is beyond the relative budget.
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg adjusted p-value across all relative comparisons of the check.
    pub q_value: Option<f64>,
    pub n_base: usize,
    pub n_head: usize,
    /// How the change was estimated, in words (`paired, 12 rounds`, `hodges-lehmann`, `bootstrap (2000
    /// resamples), suite-relative`, `exact`, `single-value`); `""` without a relative estimate.
    #[serde(with = "super::method::words")]
    pub method: Option<Method>,
    /// For inconclusive comparisons: what would settle it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settle: Option<String>,
    /// One run per side: `base` or `head` when that side's run was disturbed (far noisier,
    /// or drifting). A disturbed head does not fail the comparison; a disturbed base
    /// (slowed) could only have hidden a regression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disturbed: Option<Side>,
    /// Why this verdict, in a sentence (`reason`), and, when the check-wide FDR step held a failure
    /// back, its q-value and the `fdr` it was not below (`held_back`).
    #[serde(flatten)]
    pub reason: Reason,
    /// What the head is compared with: the baseline (`base`) or the `[baseline] anchor` (`anchor`,
    /// judged on the KPI's `max-drift`).
    #[serde(default)]
    pub against: Against,
    /// The shape of both sides' values, for pictures (quantiles); absent without raw values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
}

/// Why a comparison got its verdict: the judgement in words, and the FDR step's say when it held
/// a failure back. Shown whole (`Display`); the FDR step changes only `held_back`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reason {
    /// The judgement of the budgets, before the check-wide FDR step.
    pub judged: String,
    pub held_back: Option<HeldBack>,
}

/// A comparison whose interval lies wholly beyond its budget, not failed: its check-wide q-value
/// is not below `fdr`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeldBack {
    pub q: f64,
    pub fdr: f64,
}

impl Reason {
    pub fn new(judged: impl Into<String>) -> Reason {
        Reason { judged: judged.into(), held_back: None }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.judged)?;
        if let Some(held_back) = self.held_back {
            f.write_str(&super::reasons::held_back(held_back.q, held_back.fdr))?;
        }
        Ok(())
    }
}

/// In JSON: `reason`, the whole sentence, and `held_back` when there is one.
impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("reason", &self.to_string())?;
        if let Some(held_back) = &self.held_back {
            map.serialize_entry("held_back", held_back)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Reason, D::Error> {
        #[derive(Deserialize)]
        struct Fields {
            reason: String,
            #[serde(default)]
            held_back: Option<HeldBack>,
        }
        let Fields { reason, held_back } = Fields::deserialize(deserializer)?;
        let judged = match held_back {
            Some(held_back) => super::reasons::judged_before_holding_back(&reason, held_back.q, held_back.fdr),
            None => reason,
        };
        Ok(Reason { judged, held_back })
    }
}

impl Comparison {
    /// How its change was estimated, in words; empty without a relative estimate.
    pub fn method_words(&self) -> String {
        self.method.map(|method| method.to_string()).unwrap_or_default()
    }
}

/// The side a comparison judges the head against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Against {
    /// The baseline of the check (merge-base rerun, notes, a file).
    #[default]
    Base,
    /// The `[baseline] anchor` commit: the drift since it, judged on `max-drift`.
    Anchor,
}

/// Quantiles of each side's values at 0 %, 5 %, ..., 100 % ([`Distribution::LEVELS`] values), in the
/// comparison's unit: enough to draw both distributions without keeping every sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base: Vec<f64>,
    pub head: Vec<f64>,
}

impl Distribution {
    /// Number of quantiles kept per side.
    pub const LEVELS: usize = 21;
}

/// Intervals in JSON: an infinite end is written as `null` (JSON has no
/// infinity) and read back as −∞ (lower end) or +∞ (upper end).
mod unbounded {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<[f64; 2]>, D::Error> {
        let ends = Option::<[Option<f64>; 2]>::deserialize(deserializer)?;
        Ok(ends.map(|[lo, hi]| [lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY)]))
    }
}
