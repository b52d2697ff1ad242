//! The check-wide step that decides which failures stand: one conditional
//! Benjamini–Hochberg adjustment over the p-values of every relative
//! comparison of the check, then each comparison whose interval lies wholly
//! beyond its budget fails only when its q-value is below `fdr` (else it is
//! `inconclusive`, and says why). The same step serves a plain check, a
//! sequential one (over the spent p-values of its looks) and shard reports
//! merged into one (over the union of their comparisons), so a merged report
//! decides exactly as one unsharded check would.

use super::outcome::Budget;
use super::reasons::{held_back, HELD_BACK};
use super::rollup::{check_verdict, kpi_verdict};
use super::{gain_interval, judge_absolute, Comparison, Report, Verdict};
use crate::model::Direction;
use crate::stats;

/// Relative comparisons whose p-value exceeds this carry no evidence of a regression and are set
/// aside before the FDR adjustment (conditional Benjamini–Hochberg, Ellis et al. 2020).
const FDR_SELECTION: f64 = 0.5;

/// A comparison's verdict, its reason and what would settle it: what the FDR step may change.
pub struct Said {
    pub verdict: Verdict,
    pub reason: String,
    pub settle: Option<String>,
}

/// What the FDR step looks at in a comparison of a KPI with `budget`.
pub struct Facts<'a> {
    /// The interval of the relative change (`Comparison::ci`).
    pub ci: Option<[f64; 2]>,
    /// The interval of the head's statistic (`Comparison::head_ci`).
    pub head_ci: Option<[f64; 2]>,
    /// The side whose run was disturbed.
    pub disturbed: Option<&'a str>,
    pub budget: &'a Budget,
    pub direction: Direction,
}

/// Adjust every comparison's p-value across the whole report and re-decide the
/// comparisons whose relative interval lies wholly beyond the budget; then the
/// KPI verdicts and the check's.
pub fn apply(report: &mut Report, fdr: f64) {
    let p_values: Vec<Option<f64>> = report.kpis.iter().flat_map(|k| &k.comparisons).map(|c| c.p_value).collect();
    let mut q_values = q_values(&p_values).into_iter();
    for outcome in &mut report.kpis {
        for comparison in &mut outcome.comparisons {
            let Some(q) = q_values.next().flatten() else { continue };
            comparison.q_value = Some(q);
            decide(comparison, &outcome.budget, outcome.direction, q, fdr);
        }
        outcome.verdict =
            kpi_verdict(&outcome.comparisons, outcome.run_noise.as_ref(), &outcome.budget, outcome.direction);
    }
    report.verdict = check_verdict(&report.kpis);
    report.settings.fdr = fdr;
}

/// The check-wide q-value of every p-value, in order (None where there is none).
pub fn q_values(p_values: &[Option<f64>]) -> Vec<Option<f64>> {
    let present: Vec<f64> = p_values.iter().flatten().copied().collect();
    let mut q_values = stats::conditional_benjamini_hochberg(&present, FDR_SELECTION).into_iter();
    p_values.iter().map(|p| p.map(|_| q_values.next().unwrap_or(1.0))).collect()
}

/// Whether the relative interval lies wholly beyond the budget (a failure, if the q-value allows).
fn wholly_beyond(ci: [f64; 2], budget: &Budget, direction: Direction) -> bool {
    let ratio = [1.0 + ci[0], 1.0 + ci[1]];
    let beyond_regression = budget.max_regression.is_some_and(|tau| match direction {
        Direction::LowerIsBetter => ratio[0] > 1.0 + tau,
        Direction::HigherIsBetter => ratio[1] < 1.0 - tau,
    });
    let short_of_ratio = budget.min_ratio.is_some_and(|target| gain_interval(ratio, direction)[1] < target);
    beyond_regression || short_of_ratio
}

/// Fail or hold back a comparison whose interval lies wholly beyond the budget, by its q-value.
fn decide(comparison: &mut Comparison, budget: &Budget, direction: Direction, q: f64, fdr: f64) {
    let facts = Facts {
        ci: comparison.ci,
        head_ci: comparison.head_ci,
        disturbed: comparison.disturbed.as_deref(),
        budget,
        direction,
    };
    let said = Said {
        verdict: comparison.verdict,
        reason: std::mem::take(&mut comparison.reason),
        settle: comparison.settle.take(),
    };
    let said = after_fdr(said, &facts, q, fdr);
    (comparison.verdict, comparison.reason, comparison.settle) = (said.verdict, said.reason, said.settle);
}

/// What a comparison says after the FDR step: one whose relative interval lies wholly beyond
/// the budget fails when its q-value is below `fdr` (or its absolute budget failed too), and
/// is otherwise inconclusive, saying why. A disturbed head is no evidence of a regression,
/// whatever the q-value.
pub fn after_fdr(mut said: Said, facts: &Facts, q: f64, fdr: f64) -> Said {
    let Some(ci) = facts.ci else { return said };
    if !wholly_beyond(ci, facts.budget, facts.direction) || facts.disturbed == Some("head") {
        return said;
    }
    if let Some(at) = said.reason.find(HELD_BACK) {
        said.reason.truncate(at);
    }
    let absolute_failed = facts
        .head_ci
        .is_some_and(|interval| judge_absolute(interval, facts.budget.max, facts.budget.min) == Verdict::Fail);
    if q < fdr || absolute_failed {
        Said { verdict: Verdict::Fail, reason: said.reason, settle: None }
    } else {
        Said { verdict: Verdict::Inconclusive, reason: held_back(&said.reason, q, fdr), settle: said.settle }
    }
}
