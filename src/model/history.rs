//! Recorded results along main, as `perfgate history` reports them: one
//! series per benchmark and statistic, its points (one per recorded commit of
//! the first-parent chain) and the change points found in it.
//!
//! These are plain data: `baseline::history` fills them from the git notes,
//! `stats::change_points` finds the changes, the report stage draws them.

use serde::{Deserialize, Serialize};

use super::{Direction, Unit};

/// Version of the JSON form of [`History`].
pub const HISTORY_SCHEMA: u32 = 1;

/// The history of every series recorded along one first-parent chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub schema: u32,
    /// Full sha of the commit the chain ends at (REV).
    pub rev: String,
    /// Commits of the chain that were looked at (recorded or not).
    pub commits: usize,
    /// Of those, how many had a record.
    pub recorded: usize,
    pub series: Vec<Series>,
}

/// One benchmark's statistic over the recorded commits, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub suite: String,
    pub bench: String,
    /// `median`, `p99`, `min`, ... (the KPI's statistic, or `median` without a budget file).
    pub statistic: String,
    pub unit: Unit,
    pub direction: Direction,
    pub points: Vec<Point>,
    pub change_points: Vec<ChangePoint>,
}

/// The statistic at one recorded commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Full sha.
    pub commit: String,
    /// First-parent distance from the oldest commit looked at: gaps in it are
    /// commits without a record.
    pub position: usize,
    /// Commit time, seconds since the epoch.
    pub time: i64,
    pub value: f64,
    /// Samples (or events) the value was computed from.
    pub n: usize,
    /// Standard error of `value` from its own samples; `None` with a single value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub std_error: Option<f64>,
}

/// A lasting change of level in a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangePoint {
    /// Full sha of the first commit after the change.
    pub commit: String,
    /// Index into `points` of that commit.
    pub index: usize,
    /// Level (median of the segment) before and after.
    pub before: f64,
    pub after: f64,
    /// Relative change of level, `after / before - 1`.
    pub change: f64,
    /// Confidence interval of `change`.
    pub ci: [f64; 2],
    /// Significance of the split (permutation or penalty test, see `stats::change_points`).
    pub p_value: f64,
}
