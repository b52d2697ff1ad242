//! What a report says around its verdicts, for the reader of a pull request:
//! the trend on main of each KPI series that moved, where the time goes in
//! tagged latency data, and how big the change is. Gathered by the command
//! that makes the report (from git notes, the results, the diff); carried in
//! the JSON report so that `perfgate comment` and `perfgate report` show it too.

use serde::{Deserialize, Serialize};

use super::{Comparison, KpiOutcome};
use crate::model::history::Series;

/// The report's context; empty when nothing around the verdicts was found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Recorded points on main of the series that moved or failed, oldest first, each with the
    /// KPI whose comparison it is the history of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trends: Vec<Trend>,
    /// Latency KPIs with tags: the groups taking most of the total time (one per suite, metric and tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_shares: Vec<TimeShares>,
    /// Files and lines changed since the merge-base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_size: Option<ChangeSize>,
}

impl Context {
    pub fn is_empty(&self) -> bool {
        self.trends.is_empty() && self.time_shares.is_empty() && self.change_size.is_none()
    }

    /// The trend of `comparison`, one of `kpi`'s.
    pub fn trend_of(&self, kpi: &KpiOutcome, comparison: &Comparison) -> Option<&Series> {
        let found = self.trends.iter().find(|t| t.kpi_line == kpi.line && t.series.bench == comparison.bench);
        found.map(|trend| &trend.series)
    }
}

/// The history on main of one comparison against the base: the series, and the line of its KPI
/// in the budget file (with the series' benchmark, the comparison's key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub kpi_line: usize,
    #[serde(flatten)]
    pub series: Series,
}

impl Trend {
    /// The KPI and comparison (against the base) this trend is the history of, in `kpis`.
    pub fn comparison_in<'r>(&self, kpis: &'r [KpiOutcome]) -> Option<(&'r KpiOutcome, &'r Comparison)> {
        let kpi = kpis.iter().find(|k| k.line == self.kpi_line)?;
        let same = |c: &&Comparison| c.bench == self.series.bench && c.against == super::Against::Base;
        Some((kpi, kpi.comparisons.iter().find(same)?))
    }
}

/// Whether `series` is the history of `comparison`, one of `kpi`'s: the same suite, series and statistic.
pub fn is_trend_of(series: &Series, kpi: &KpiOutcome, comparison: &Comparison) -> bool {
    series.suite == kpi.suite && series.bench == comparison.bench && series.statistic == kpi.statistic
}

/// The groups of one suite's latency metric taking most of the total time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeShares {
    pub suite: String,
    pub metric: String,
    /// The tags grouped by (`route`, `method`).
    pub by: Vec<String>,
    /// The largest groups, by share of total time.
    pub groups: Vec<TimeShare>,
    /// Groups left out of `groups`.
    pub others: usize,
}

/// One group's share of the total time, and its p99 change against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeShare {
    /// `GET /users`: the group's tag values.
    pub group: String,
    /// Share of the total time (0..1).
    pub share: f64,
    /// p99 in nanoseconds.
    pub p99: f64,
    /// Relative change of the p99 against the baseline, and its interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<[f64; 2]>,
}

/// Files and lines changed since the merge-base (the working tree included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSize {
    pub files: usize,
    pub insertions: usize,
    pub deletions: usize,
}

impl ChangeSize {
    /// Beyond this many changed lines a change is large: a KPI that moves is hard to pin on one part.
    pub const LARGE_LINES: usize = 400;

    pub fn lines(&self) -> usize {
        self.insertions + self.deletions
    }

    pub fn is_large(&self) -> bool {
        self.lines() > Self::LARGE_LINES
    }
}
