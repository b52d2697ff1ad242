//! The check-wide step that decides which failures stand, and the verdicts
//! that follow: one conditional Benjamini–Hochberg adjustment over the
//! p-values of every relative comparison of the check, then each comparison
//! whose interval lies wholly beyond its budget fails only when its q-value is
//! below `fdr` (else it is `inconclusive`, held back, and says why); then the
//! KPIs' verdicts and the check's. This is the only place that happens: a
//! plain check, each look of a sequential one (over the spent p-values of its
//! looks), a shard's report, a confirmation, and shard reports merged into one
//! (over the union of their comparisons) all call [`apply`], so a merged report
//! decides exactly as one unsharded check would.

use super::outcome::{Budget, HeldBack, Side};
use super::rollup::{check_verdict, kpi_verdict};
use super::{gain_interval, judge_absolute, Comparison, Report, Verdict};
use crate::model::Direction;
use crate::stats;

/// Relative comparisons whose p-value exceeds this carry no evidence of a regression and are set
/// aside before the FDR adjustment (conditional Benjamini–Hochberg, Ellis et al. 2020).
const FDR_SELECTION: f64 = 0.5;

/// Adjust every comparison's p-value across the whole report, decide the comparisons whose
/// relative interval lies wholly beyond the budget, then the KPI verdicts and the check's.
pub fn apply(report: &mut Report, fdr: f64) {
    apply_among(report, fdr, &[]);
}

/// [`apply`], with `others`: the p-values of comparisons decided outside `report` that share its
/// FDR step (the frozen comparisons of a sequential check, at a look that judges only the rest).
pub fn apply_among(report: &mut Report, fdr: f64, others: &[f64]) {
    let mut p_values: Vec<Option<f64>> = report.kpis.iter().flat_map(|k| &k.comparisons).map(|c| c.p_value).collect();
    p_values.extend(others.iter().copied().map(Some));
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

/// A comparison whose relative interval lies wholly beyond the budget fails when its q-value is
/// below `fdr` (or its absolute budget failed too), and is otherwise held back: inconclusive,
/// saying why. A disturbed head is no evidence of a regression, whatever the q-value.
fn decide(comparison: &mut Comparison, budget: &Budget, direction: Direction, q: f64, fdr: f64) {
    let Some(ci) = comparison.ci else { return };
    if !wholly_beyond(ci, budget, direction) || comparison.disturbed == Some(Side::Head) {
        return;
    }
    let absolute_failed =
        comparison.head_ci.is_some_and(|interval| judge_absolute(interval, budget.max, budget.min) == Verdict::Fail);
    if q < fdr || absolute_failed {
        comparison.verdict = Verdict::Fail;
        comparison.reason.held_back = None;
        comparison.settle = None;
    } else {
        comparison.verdict = Verdict::Inconclusive;
        comparison.reason.held_back = Some(HeldBack { q, fdr });
    }
}
