//! What a check judges: the results of every suite, for the head and (when
//! there is one) the baseline, with what obtaining them found worth saying.
//! `baseline::measure` obtains them; `evaluate` judges them.

use std::collections::{BTreeMap, BTreeSet};

use super::outcome::{BaselineInfo, GitInfo, Measuring};
use crate::model::calibration::Calibration;
use crate::model::Benchmark;

/// Results of every suite, for the head and (when there is one) the baseline.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub head: BTreeMap<String, Vec<Benchmark>>,
    pub base: Option<BTreeMap<String, Vec<Benchmark>>>,
    /// Results of the `[baseline] anchor` commit, for the KPIs' `max-drift` (None: no anchor, or
    /// nothing of it could be measured or read).
    pub anchor: Option<BTreeMap<String, Vec<Benchmark>>>,
    /// Where the baseline came from (by default: none).
    pub baseline: BaselineInfo,
    pub git: GitInfo,
    /// What obtaining the results found worth saying (uncommitted changes, a suite without baseline).
    pub notes: Vec<String>,
    /// What may make the whole check meaningless (the baseline commit is the head's).
    pub warnings: Vec<String>,
    /// Interleaved rounds: how they went (None: the results were read, not measured in rounds).
    pub measuring: Option<Measuring>,
    /// Only part of each suite was measured (a shard, a confirmation): a KPI that matches nothing
    /// here is reported without comparisons instead of being an error.
    pub partial: bool,
    /// `[gate] calibration`: each benchmark's run-to-run noise on this machine, for the
    /// comparisons that cannot measure it themselves.
    pub calibration: Option<Calibration>,
    /// Benchmark ids per suite that the time budget left without a single round: reported as
    /// inconclusive, never silently missing.
    pub unmeasured: BTreeMap<String, BTreeSet<String>>,
}
