//! The second pass of a check: one measured comparison (`estimate`) made
//! into a judged `Comparison` — the absolute budget's verdict, the relative
//! budget's (held back when the head run was disturbed) and their
//! combination. Which failures stand is the check-wide FDR step's say
//! (`check_wide`), once every comparison of the check is judged.

use super::estimate::{ratio_interval, Estimate, KpiEstimate, Relative, RelativeEstimate};
use super::method::Method;
use super::outcome::{Reason, Side};
use super::{judge_absolute, judge_min_ratio, judge_regression, reasons, Comparison, Verdict};
use crate::config::{Gate, Kpi};
use crate::model::Direction;
use crate::stats;

/// The judged comparison of `estimate`, a comparison of `kpi`, before the check-wide FDR step: an
/// interval wholly beyond a relative budget is a failure here.
pub fn judge(kpi: &KpiEstimate, estimate: Estimate, gate: &Gate) -> Comparison {
    let budget = &kpi.budget;
    let absolute = estimate.head_ci.map(|interval| judge_absolute(interval, budget.max, budget.min));
    let mut verdicts: Vec<Verdict> = absolute.into_iter().collect();
    let mut reasons = Vec::new();
    if let (Some(verdict), Some(interval)) = (absolute, estimate.head_ci) {
        reasons.push(reasons::absolute(kpi.kpi, verdict, interval, estimate.head.is_some(), &estimate.unit));
    }
    let mut numbers = RelativeNumbers::default();
    let mut settle = None;
    let mut disturbed = None;
    match &estimate.relative {
        RelativeEstimate::Unbudgeted { change } => numbers.change = *change,
        RelativeEstimate::NoBaseline => {
            verdicts.push(Verdict::NoBaseline);
            reasons.push(reasons::NO_BASELINE.into());
        }
        RelativeEstimate::Undefined(message) => {
            verdicts.push(Verdict::Inconclusive);
            reasons.push(reasons::undefined(message));
        }
        RelativeEstimate::NotMeasured => {
            verdicts.push(Verdict::Inconclusive);
            reasons.push(reasons::NOT_MEASURED.into());
            settle = Some(reasons::NOT_MEASURED_SETTLE.to_string());
        }
        RelativeEstimate::Estimated(relative) => {
            let judged = judge_relative(kpi.kpi, relative, gate);
            numbers = RelativeNumbers::of(relative);
            verdicts.push(judged.verdict);
            reasons.push(judged.reason);
            settle = judged.settle;
            disturbed = judged.disturbed;
        }
    }
    Comparison {
        bench: estimate.bench,
        verdict: Verdict::combine(&verdicts),
        unit: estimate.unit,
        base: estimate.base,
        head: estimate.head,
        head_ci: estimate.head_ci,
        change: numbers.change,
        ci: numbers.ci,
        p_value: numbers.p_value,
        q_value: None,
        n_base: estimate.n_base,
        n_head: estimate.n_head,
        method: numbers.method,
        settle,
        disturbed,
        reason: Reason::new(reasons.join("; ")),
        against: kpi.against,
        distribution: estimate.distribution,
    }
}

/// The relative numbers a comparison reports.
#[derive(Default)]
struct RelativeNumbers {
    change: Option<f64>,
    ci: Option<[f64; 2]>,
    p_value: Option<f64>,
    method: Option<Method>,
}

impl RelativeNumbers {
    fn of(relative: &Relative) -> RelativeNumbers {
        let interval = ratio_interval(&relative.adjusted);
        RelativeNumbers {
            change: Some(relative.adjusted.estimate.exp_m1()),
            ci: Some([interval[0] - 1.0, interval[1] - 1.0]),
            p_value: relative.p_value,
            method: Some(Method {
                estimator: relative.ratio.method.into(),
                suite_relative: relative.noise.from_suite,
                calibrated: relative.noise.calibrated,
            }),
        }
    }
}

/// The relative budget's verdict on a comparison, before the FDR step.
struct RelativeJudgement {
    verdict: Verdict,
    reason: String,
    settle: Option<String>,
    /// The side whose run was disturbed.
    disturbed: Option<Side>,
}

/// An interval wholly beyond the relative budget counts as a failure here; a disturbed head
/// run holds it back, and the FDR step (`after_fdr`) decides whether it stands.
fn judge_relative(kpi: &Kpi, relative: &Relative, gate: &Gate) -> RelativeJudgement {
    let interval = ratio_interval(&relative.adjusted);
    let mut verdict = judge_interval(kpi, relative, interval, gate.fdr);
    let mut reason = reasons::relative(verdict, kpi, interval);
    let mut settle = (verdict == Verdict::Inconclusive || (verdict == Verdict::Fail && relative.p_value.is_some()))
        .then(|| settle_text(relative, gate.confidence));
    if let stats::Method::Paired { rounds } = relative.ratio.method {
        if interval[0] == 0.0 || !interval[1].is_finite() {
            let needed = (rounds + 1..).find(|&n| stats::signed_rank_depth(n, gate.confidence).is_some());
            reason = reasons::too_few_rounds(rounds, needed.unwrap_or(rounds + 1));
        }
    }
    if let (stats::Method::PairedCalibrated { rounds }, Verdict::Fail | Verdict::Improved) =
        (relative.ratio.method, verdict)
    {
        reason = reasons::decided_on_few_rounds(&reason, rounds);
    }
    let mut disturbed = None;
    if let (Verdict::Fail, Some(undisturbed)) = (verdict, &relative.undisturbed) {
        let without = undisturbed.adjusted.as_ref().map(ratio_interval);
        if without.is_none_or(|without| judge_interval(kpi, relative, without, gate.fdr) != Verdict::Fail) {
            verdict = Verdict::Inconclusive;
            reason = reasons::disturbed_rounds(&reason, undisturbed.disturbed, without);
            disturbed = Some(Side::Head);
            settle = Some(reasons::DISTURBED_ROUNDS_SETTLE.to_string());
        }
    }
    if let Some(disturbance) = &relative.disturbance {
        disturbed = Some(disturbance.side);
        // A disturbance slows a run: a disturbed baseline can only hide a regression.
        if verdict == Verdict::Fail && disturbance.side == Side::Head {
            verdict = Verdict::Inconclusive;
            reason = reasons::disturbed_run(&reason, disturbance);
            settle = Some(reasons::DISTURBED_SETTLE.to_string());
        }
    }
    RelativeJudgement { verdict, reason, settle, disturbed }
}

/// A relative comparison's verdict from its ratio interval alone: the FDR step
/// (`after_fdr`) later holds back failures whose q-value is too high.
fn judge_interval(kpi: &Kpi, relative: &Relative, interval: [f64; 2], fdr: f64) -> Verdict {
    let q = 0.0;
    let direction = if relative.worse_is_up { Direction::LowerIsBetter } else { Direction::HigherIsBetter };
    let mut verdicts = Vec::new();
    if let Some(tau) = kpi.max_regression {
        verdicts.push(judge_regression(interval, tau.0, direction, q, fdr));
    }
    if let Some(ratio) = kpi.min_ratio {
        verdicts.push(judge_min_ratio(interval, ratio.0, direction, q, fdr));
    }
    Verdict::combine(&verdicts)
}

fn settle_text(relative: &Relative, confidence: f64) -> String {
    if relative.ratio.method == stats::Method::Buckets {
        return reasons::BUCKETS_SETTLE.to_string();
    }
    reasons::settle(stats::samples_to_settle(&relative.ratio, &relative.noise, relative.threshold, confidence))
}
