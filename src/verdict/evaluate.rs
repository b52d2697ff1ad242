//! The check itself, in three steps: every KPI's comparisons are measured
//! (`estimate`), each is judged against its budgets (`judge`), then the
//! check-wide FDR step decides which failures stand and the KPIs' verdicts
//! and the check's follow (`check_wide`).

use std::collections::BTreeMap;

use super::budget::has_relative_budget;
use super::check_wide;
use super::drift::{drift_kpi, fold};
use super::estimate::{estimate_kpi, unmeasured, Confidence, Estimate, KpiEstimate};
use super::inputs::Inputs;
use super::judge::judge;
use super::outcome::CheckVerdict;
use super::outcome::Settings;
use super::outcome::{Against, Footing};
use super::reasons;
use super::select::{matches_any, matching_ids, select};
use super::{Comparison, KpiOutcome, Report, Verdict, REPORT_SCHEMA};
use crate::config::{Config, Gate, Kpi};
use crate::model::{Benchmark, Unit};
use crate::runner::counting::{ESTIMATED_CYCLES, INSTRUCTIONS};
use crate::stats::CompareOptions;

/// Results of every suite of one side.
type Results = BTreeMap<String, Vec<Benchmark>>;

/// A common-mode shift smaller than this is not worth a note.
const NOTABLE_COMMON_SHIFT: f64 = 0.01;

/// A KPI that cannot be evaluated: the budget and the data do not fit (exit 2).
#[derive(Debug, thiserror::Error)]
pub struct EvaluateError {
    pub config: String,
    /// The KPI's line in the budget file; 0 for a KPI no file holds (`compare` without one).
    pub line: usize,
    pub kpi: String,
    pub message: String,
}

impl std::fmt::Display for EvaluateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.config)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": KPI {:?}: {}", self.kpi, self.message)
    }
}

/// A comparison: the line of its KPI in the budget file, what it is against, and its label.
pub type ComparisonKey = (usize, Against, String);

/// What one evaluation judges: everything (a plain check), or what a look of a sequential check
/// has left undecided.
pub struct Plan<'p> {
    /// Comparisons decided at an earlier look: neither estimated nor judged again.
    pub decided: &'p dyn Fn(&ComparisonKey) -> bool,
    /// The confidence of paired and of unpaired comparisons.
    pub confidence: Confidence,
}

/// What an evaluation found before the check-wide step: the report, and each comparison's
/// share of its KPI's footing.
pub struct Evaluation {
    pub report: Report,
    pub footings: BTreeMap<ComparisonKey, Footing>,
}

/// Evaluate every KPI of `config` on `inputs`.
pub fn evaluate(config: &Config, inputs: &Inputs) -> Result<Report, EvaluateError> {
    let plan = Plan { decided: &|_| false, confidence: Confidence::of(config.gate.confidence) };
    let mut report = evaluate_planned(config, inputs, &plan)?.report;
    check_wide::apply(&mut report, config.gate.fdr);
    Ok(report)
}

/// Estimate and judge what `plan` asks for, every comparison against its budgets; which failures
/// stand is left to the check-wide step (`check_wide::apply`), and so are the verdicts of the
/// KPIs and the check.
pub fn evaluate_planned(config: &Config, inputs: &Inputs, plan: &Plan) -> Result<Evaluation, EvaluateError> {
    let mut notes = inputs.notes.clone();
    if inputs.base.is_none() && config.kpis.iter().any(has_relative_budget) {
        notes.push(reasons::NO_BASELINE_NOTE.to_string());
    }
    let mut measured = estimate_all(config, &config.kpis, inputs, (Against::Base, inputs.base.as_ref()), plan)?;
    for estimate in &measured {
        let shift = estimate.suite_shift.filter(|shift| shift.abs() >= NOTABLE_COMMON_SHIFT.ln_1p());
        notes.extend(shift.map(|shift| reasons::suite_shift_note(estimate.kpi, shift.exp_m1())));
    }
    // Against the anchor: the KPIs with `max-drift`, judged in the same FDR step as the rest.
    let drift_kpis: Vec<Kpi> = match &inputs.anchor {
        Some(_) => config.kpis.iter().filter_map(drift_kpi).collect(),
        None => Vec::new(),
    };
    let against_base = measured.len();
    measured.extend(estimate_all(config, &drift_kpis, inputs, (Against::Anchor, inputs.anchor.as_ref()), plan)?);
    let mut footings = BTreeMap::new();
    for estimate in &measured {
        for comparison in &estimate.comparisons {
            footings.insert((estimate.kpi.line, estimate.against, comparison.bench.clone()), comparison.footing());
        }
    }
    let mut kpis: Vec<KpiOutcome> = measured.into_iter().map(|estimate| judge_kpi(config, estimate, plan)).collect();
    let label = inputs.git.anchor.as_deref().or(config.baseline.anchor.as_deref()).unwrap_or("anchor");
    for against_anchor in kpis.split_off(against_base) {
        if let Some(outcome) = kpis.iter_mut().find(|k| k.line == against_anchor.line && k.name == against_anchor.name)
        {
            fold(outcome, against_anchor, label);
        }
    }
    let report = Report {
        schema: REPORT_SCHEMA,
        verdict: CheckVerdict::Pass,
        git: inputs.git.clone(),
        baseline: inputs.baseline.clone(),
        settings: Settings {
            confidence: config.gate.confidence,
            fdr: config.gate.fdr,
            seed: config.gate.seed,
            run_noise: config.gate.run_noise.0,
        },
        kpis,
        notes,
        warnings: inputs.warnings.clone(),
        override_label: None,
        measuring: None,
        shard: None,
        context: Default::default(),
    };
    Ok(Evaluation { report, footings })
}

/// The first pass: every comparison of `kpis` that `plan` has not decided measured, the head
/// against `side` (the baseline or the anchor, and its results), in the budget file's order.
fn estimate_all<'k>(
    config: &Config,
    kpis: &'k [Kpi],
    inputs: &Inputs,
    (side, against): (Against, Option<&Results>),
    plan: &Plan,
) -> Result<Vec<KpiEstimate<'k>>, EvaluateError> {
    let options = CompareOptions { confidence: config.gate.confidence, resamples: 2000, seed: config.gate.seed };
    let mut measured = Vec::new();
    for kpi in kpis {
        let fail = |message: String| EvaluateError {
            config: config.path.display().to_string(),
            line: kpi.line,
            kpi: kpi.name.clone(),
            message,
        };
        let head = inputs.head.get(&kpi.suite).map(Vec::as_slice).unwrap_or(&[]);
        let base = against.map(|b| b.get(&kpi.suite).map(Vec::as_slice).unwrap_or(&[]));
        let not_measured = inputs.unmeasured.get(&kpi.suite).map(|ids| matching_ids(kpi, ids)).unwrap_or_default();
        let undecided = |label: &String| !(plan.decided)(&(kpi.line, side, label.clone()));
        let mut estimate = match select(kpi, head, base) {
            Ok(mut selections) => {
                selections.retain(|selection| undecided(&selection.label));
                if selections.is_empty() {
                    unmeasured(kpi)
                } else {
                    let calibration = inputs.calibration.as_ref();
                    let have_baseline = against.is_some();
                    estimate_kpi(config, kpi, &selections, have_baseline, calibration, &options, plan.confidence)
                        .map_err(fail)?
                }
            }
            // A partial check with nothing of this KPI in its part, or a time budget that ran out
            // before any of its benchmarks ran.
            Err(_) if !not_measured.is_empty() || (inputs.partial && !matches_any(kpi, head)) => unmeasured(kpi),
            Err(message) => return Err(fail(message)),
        };
        let unit = estimate.comparisons.first().map_or(Unit::Ns, |c| c.unit.clone());
        let not_measured = not_measured.into_iter().filter(undecided);
        estimate.comparisons.extend(not_measured.map(|id| Estimate::not_measured(id, unit.clone())));
        estimate.against = side;
        measured.push(estimate);
    }
    Ok(measured)
}

/// The second pass on one KPI: each comparison judged against its budgets, at the confidence of
/// its kind (the KPI's verdict is the check-wide step's).
fn judge_kpi(config: &Config, mut estimate: KpiEstimate, plan: &Plan) -> KpiOutcome {
    let footing = estimate.footing();
    let gate = |paired: bool| Gate {
        confidence: if paired { plan.confidence.paired } else { plan.confidence.unpaired },
        ..config.gate.clone()
    };
    let (paired, unpaired) = (gate(true), gate(false));
    let comparisons: Vec<Comparison> = std::mem::take(&mut estimate.comparisons)
        .into_iter()
        .map(|comparison| {
            let gate = if comparison.is_paired() { &paired } else { &unpaired };
            judge(&estimate, comparison, gate)
        })
        .collect();
    let KpiEstimate { kpi, direction, budget, run_noise, .. } = estimate;
    KpiOutcome {
        name: kpi.name.clone(),
        suite: kpi.suite.clone(),
        verdict: Verdict::Pass,
        level: kpi.level,
        primary: kpi.primary,
        statistic: kpi.statistic.to_string(),
        direction,
        budget,
        line: kpi.line,
        config: config.path.display().to_string(),
        overridden: false,
        comparisons,
        run_noise,
        rounds: None,
        seconds: None,
        footing,
        counted: counted_measure(config, kpi),
    }
}

/// What a KPI on a counting suite judges: its metric, or every counted metric of the suite.
fn counted_measure(config: &Config, kpi: &Kpi) -> Option<String> {
    let suite = config.suites.iter().find(|suite| suite.name == kpi.suite).filter(|suite| suite.counts())?;
    Some(match (&kpi.metric, suite.cache_sim) {
        (Some(metric), _) => metric.clone(),
        (None, false) => INSTRUCTIONS.to_string(),
        (None, true) => format!("{INSTRUCTIONS}, {ESTIMATED_CYCLES}"),
    })
}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "evaluate_buckets_tests.rs"]
mod bucket_tests;

#[cfg(test)]
#[path = "evaluate_calibration_tests.rs"]
mod calibration_tests;
