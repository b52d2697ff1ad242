//! The check-wide step that decides which failures stand: one conditional
//! Benjamini–Hochberg adjustment over the p-values of every relative
//! comparison of the check, then each comparison whose interval lies wholly
//! beyond its budget fails only when its q-value is below `fdr` (else it is
//! `inconclusive`, and says why). The same step serves a plain check, a
//! sequential one (over the spent p-values of its looks) and shard reports
//! merged into one (over the union of their comparisons), so a merged report
//! decides exactly as one unsharded check would.

use super::outcome::Budget;
use super::{gain_interval, Comparison, Report, Verdict};
use crate::model::Direction;
use crate::stats;

/// Relative comparisons whose p-value exceeds this carry no evidence of a regression and are set
/// aside before the FDR adjustment (conditional Benjamini–Hochberg, Ellis et al. 2020).
pub(super) const FDR_SELECTION: f64 = 0.5;

/// The words appended to a reason when the q-value holds a failure back.
const HELD_BACK: &str = ", but q = ";

/// Adjust every comparison's p-value across the whole report and re-decide the
/// comparisons whose relative interval lies wholly beyond the budget; then the
/// KPI verdicts and the check's.
pub fn apply(report: &mut Report, fdr: f64) {
    let p_values: Vec<f64> = report.kpis.iter().flat_map(|k| &k.comparisons).filter_map(|c| c.p_value).collect();
    let mut q_values = stats::conditional_benjamini_hochberg(&p_values, FDR_SELECTION).into_iter();
    for outcome in &mut report.kpis {
        let (budget, direction) = (outcome.budget.clone(), outcome.direction);
        for comparison in &mut outcome.comparisons {
            if comparison.p_value.is_none() {
                continue;
            }
            let q = q_values.next().unwrap_or(1.0);
            comparison.q_value = Some(q);
            decide(comparison, &budget, direction, q, fdr);
        }
        outcome.verdict = super::evaluate::kpi_verdict(outcome);
    }
    report.verdict = super::evaluate::check_verdict(&report.kpis);
    report.settings.fdr = fdr;
}

/// Whether the relative interval lies wholly beyond the budget (a failure, if the q-value allows).
pub fn wholly_beyond(ci: [f64; 2], budget: &Budget, direction: Direction) -> bool {
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
    let Some(ci) = comparison.ci else { return };
    // A disturbed head is no evidence of a regression, whatever the q-value.
    if !wholly_beyond(ci, budget, direction) || comparison.disturbed.as_deref() == Some("head") {
        return;
    }
    if let Some(at) = comparison.reason.find(HELD_BACK) {
        comparison.reason.truncate(at);
    }
    let absolute_failed = comparison
        .head_ci
        .is_some_and(|interval| super::judge_absolute(interval, budget.max, budget.min) == Verdict::Fail);
    if q < fdr || absolute_failed {
        comparison.verdict = Verdict::Fail;
        comparison.settle = None;
    } else {
        comparison.verdict = Verdict::Inconclusive;
        comparison.reason = held_back(&comparison.reason, q, fdr);
    }
}

/// A reason whose wholly-beyond interval did not fail: the q-value says why.
pub fn held_back(reason: &str, q: f64, fdr: f64) -> String {
    format!("{reason}{HELD_BACK}{q:.3} across the whole check is not below fdr {fdr}")
}
