//! The words of a check: why each comparison got its verdict (its `reason`),
//! what would settle an undecided one (its `settle`), and the notes a report
//! carries. The decisions are made elsewhere; this module only says them.

use super::Verdict;
use crate::config::{Kpi, Statistic};
use crate::model::units::{format_change, format_value};
use crate::model::Unit;
use crate::stats::disturbance::Disturbance;
use crate::stats::Settle;

/// The reason of a comparison that has a relative budget but no baseline.
pub const NO_BASELINE: &str = "no baseline for this series";

/// The reason of a benchmark the time budget left without a single round.
pub const NOT_MEASURED: &str = "not measured: the time budget ran out before this benchmark's turn";
/// What settles it.
pub const NOT_MEASURED_SETTLE: &str =
    "a larger `[baseline] time-budget`, or the suite split over a CI matrix (`--shard`), would measure it";

/// What settles an inconclusive bucketed comparison.
pub const BUCKETS_SETTLE: &str =
    "the buckets are too coarse to tell: finer buckets around the budget (or raw latencies) would settle it";
/// What settles a paired comparison failed only by the rounds whose head run was disturbed.
pub const DISTURBED_ROUNDS_SETTLE: &str = "more rounds in which the head run is not disturbed would settle it";
/// What settles a comparison whose head run was disturbed.
pub const DISTURBED_SETTLE: &str =
    "measure again on a quiet machine, or re-run base and head in interleaved rounds (`source = \"rerun\"`)";

/// The note of a check without a baseline whose KPIs have relative budgets.
pub const NO_BASELINE_NOTE: &str =
    "No baseline: relative budgets are reported as no-baseline (never a silent pass); absolute budgets are judged.";

/// An absolute judgement: the head's statistic (`interval`, a point when both ends agree)
/// against the KPI's `max`/`min`; `known`: whether the statistic has a value at all.
pub fn absolute(kpi: &Kpi, verdict: Verdict, [lo, hi]: [f64; 2], known: bool, unit: &Unit) -> String {
    let bounds = [(kpi.max, "≤"), (kpi.min, "≥")]
        .iter()
        .filter_map(|(q, sign)| q.map(|q| format!("{sign} {q}")))
        .collect::<Vec<_>>()
        .join(" and ");
    if !known {
        return indeterminate(kpi.statistic, lo, unit, verdict == Verdict::Fail, &bounds);
    }
    let interval = if lo == hi {
        format_value(lo, unit)
    } else {
        format!("interval [{}, {}]", format_value(lo, unit), format_value(hi, unit))
    };
    let relation = match verdict {
        Verdict::Fail => "lies beyond",
        Verdict::Pass => "lies within",
        _ => "straddles",
    };
    format!("{} {interval} {relation} {bounds}", kpi.statistic)
}

/// An absolute judgement of a statistic above the largest bucket bound `bound`.
fn indeterminate(statistic: Statistic, bound: f64, unit: &Unit, fails: bool, budget: &str) -> String {
    let bound = format_value(bound, unit);
    if fails {
        format!("{statistic} lies above the largest bucket bound {bound}, so beyond {budget}")
    } else {
        format!("{statistic} lies above the largest bucket bound {bound}: indeterminate against {budget}")
    }
}

/// A relative comparison whose change cannot be computed.
pub fn undefined(message: &str) -> String {
    format!("relative change undefined: {message}")
}

/// A relative judgement: the ratio interval against the KPI's relative budget.
pub fn relative(verdict: Verdict, kpi: &Kpi, interval: [f64; 2]) -> String {
    let budget = match (kpi.max_regression, kpi.min_ratio) {
        (Some(tau), _) => format!("the {tau} budget"),
        (None, Some(ratio)) => format!("the {}x target", ratio.0),
        (None, None) => "the budget".into(),
    };
    let change = change_interval(interval);
    match verdict {
        Verdict::Fail => format!("interval {change} lies wholly beyond {budget}"),
        Verdict::Pass => format!("interval {change} lies within {budget}"),
        Verdict::Improved => format!("interval {change} is better than {budget}"),
        _ => format!("interval {change} straddles {budget}"),
    }
}

/// `reason`, not failed because the failure needs the `disturbed` rounds whose head run was
/// disturbed; `without`: the ratio interval of the other rounds (None: there are none).
pub fn disturbed_rounds(reason: &str, disturbed: usize, without: Option<[f64; 2]>) -> String {
    let without = without.map_or_else(|| "unknown".into(), change_interval);
    format!(
        "{reason}, but not failed: the head run was disturbed in {disturbed} of its rounds, and without them the interval is {without}"
    )
}

/// A paired comparison of fewer rounds than a rank interval needs, and no calibration to judge them by.
pub fn too_few_rounds(rounds: usize, needed: usize) -> String {
    format!(
        "{rounds} round{} too few for a rank interval at this confidence ({needed} are needed), and no \
         calibration says how much one round of it moves (`perfgate calibrate --record`)",
        if rounds == 1 { " is" } else { "s are" }
    )
}

/// `reason` of a comparison decided on fewer rounds than a rank interval needs.
pub fn decided_on_few_rounds(reason: &str, rounds: usize) -> String {
    format!(
        "{reason} — judged on {rounds} round{} against the run-to-run noise `perfgate calibrate` measured for it",
        if rounds == 1 { "" } else { "s" }
    )
}

/// `reason`, not failed because a run was disturbed.
pub fn disturbed_run(reason: &str, disturbance: &Disturbance) -> String {
    format!("{reason}, but not failed: the {} run was disturbed ({})", disturbance.side, disturbance.what)
}

/// What a reason says after its judgement when the q-value `q` held a failure back.
pub fn held_back(q: f64, fdr: f64) -> String {
    format!(", but q = {q:.3} across the whole check is not below fdr {fdr}")
}

/// The judgement of a reason read back from a report, without what [`held_back`] added to it.
pub fn judged_before_holding_back(reason: &str, q: f64, fdr: f64) -> String {
    let added = held_back(q, fdr);
    reason.strip_suffix(added.as_str()).unwrap_or(reason).to_string()
}

/// A reason of a comparison judged against the anchor `label`.
pub fn since_anchor(label: &str, reason: &str) -> String {
    format!("since the anchor {label}: {reason}")
}

/// A ratio interval as changes, e.g. `[+1.2%, +4.5%]`.
pub fn change_interval(interval: [f64; 2]) -> String {
    format!("[{}, {}]", format_change(interval[0] - 1.0), format_change(interval[1] - 1.0))
}

/// What more measuring would settle a comparison.
pub fn settle(settle: Settle) -> String {
    match settle {
        Settle::Samples { per_side } => format!("about {per_side} samples per side would settle it"),
        Settle::NeedsRounds => {
            "run-to-run noise dominates: more samples won't settle it; re-run base and head in interleaved rounds"
                .into()
        }
        Settle::Rounds { rounds } => format!("about {rounds} interleaved rounds would settle it"),
        Settle::TooClose => "the change sits at the budget; more data will barely move it".into(),
    }
}

/// The note of a suite that moved `shift` (relative) as a whole between the runs.
pub fn suite_shift_note(kpi: &Kpi, shift: f64) -> String {
    format!(
        "Suite {:?} moved {} as a whole between the runs (KPI {:?}). With one run per side a slower machine \
         looks like slower code, so each benchmark is judged against the rest of the suite; \
         re-run base and head in interleaved rounds to measure a suite-wide change.",
        kpi.suite,
        format_change(shift),
        kpi.name
    )
}
