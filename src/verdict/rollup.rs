//! How the comparisons' verdicts roll up: a KPI's verdict from its
//! comparisons, the check's from its KPIs.

use super::outcome::{Budget, NoiseInfo};
use super::{CheckVerdict, Comparison, KpiOutcome, Verdict};
use crate::config::Level;
use crate::model::Direction;

/// A KPI's verdict from its comparisons: the worst of them, `improved` when all (and at least
/// one) improved, `pass` with none (a shard that holds none of its series), and at least
/// `inconclusive` when the whole suite moved beyond the budget.
pub fn kpi_verdict(
    comparisons: &[Comparison],
    run_noise: Option<&NoiseInfo>,
    budget: &Budget,
    direction: Direction,
) -> Verdict {
    let mut verdict = comparisons.iter().map(|c| c.verdict).max().unwrap_or(Verdict::Pass);
    if !comparisons.is_empty() && comparisons.iter().all(|c| c.verdict == Verdict::Improved) {
        verdict = Verdict::Improved;
    }
    if let Some(noise) = run_noise {
        if common_shift_beyond_budget(budget, noise, direction) && verdict < Verdict::Inconclusive {
            verdict = Verdict::Inconclusive;
        }
    }
    verdict
}

/// The check's verdict: fail when an error-level KPI failed, warn when anything needs a look.
pub fn check_verdict(kpis: &[KpiOutcome]) -> CheckVerdict {
    let mut verdict = CheckVerdict::Pass;
    for kpi in kpis.iter().filter(|k| k.level != Level::Off) {
        match kpi.verdict {
            Verdict::Fail if kpi.level == Level::Error && !kpi.overridden => return CheckVerdict::Fail,
            Verdict::Fail | Verdict::Inconclusive | Verdict::NoBaseline => verdict = CheckVerdict::Warn,
            Verdict::Pass | Verdict::Improved => {}
        }
    }
    verdict
}

fn common_shift_beyond_budget(budget: &Budget, noise: &NoiseInfo, direction: Direction) -> bool {
    if !noise.from_suite {
        return false;
    }
    let Some(tau) = budget.max_regression else { return false };
    match direction {
        Direction::LowerIsBetter => noise.common_shift > tau,
        Direction::HigherIsBetter => noise.common_shift < -tau,
    }
}
