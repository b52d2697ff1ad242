//! The check itself, in two passes: first every KPI's comparisons are
//! measured (`estimate`), then one Benjamini–Hochberg step over the whole
//! check gives their q-values and every comparison is judged (`judge`); the
//! KPIs' verdicts and the check's follow (`rollup`).

use std::collections::BTreeMap;

use super::budget::has_relative_budget;
use super::check_wide::q_values;
use super::drift::{drift_kpi, fold};
use super::estimate::{estimate_kpi, unmeasured, Estimate, KpiEstimate};
use super::inputs::Inputs;
use super::judge::judge;
use super::outcome::Settings;
use super::reasons;
use super::rollup::{check_verdict, kpi_verdict};
use super::select::{matches_any, matching_ids, select};
use super::{Comparison, KpiOutcome, Report, REPORT_SCHEMA};
use crate::config::{Config, Kpi};
use crate::model::{Benchmark, Unit};
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

/// Evaluate every KPI of `config` on `inputs`.
pub fn evaluate(config: &Config, inputs: &Inputs) -> Result<Report, EvaluateError> {
    let mut notes = inputs.notes.clone();
    if inputs.base.is_none() && config.kpis.iter().any(has_relative_budget) {
        notes.push(reasons::NO_BASELINE_NOTE.to_string());
    }
    let mut measured = estimate_all(config, &config.kpis, inputs, inputs.base.as_ref())?;
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
    measured.extend(estimate_all(config, &drift_kpis, inputs, inputs.anchor.as_ref())?);
    let mut kpis = judge_all(config, measured);
    let label = inputs.git.anchor.as_deref().or(config.baseline.anchor.as_deref()).unwrap_or("anchor");
    for against_anchor in kpis.split_off(against_base) {
        if let Some(outcome) = kpis.iter_mut().find(|k| k.line == against_anchor.line && k.name == against_anchor.name)
        {
            fold(outcome, against_anchor, label);
        }
    }
    Ok(Report {
        schema: REPORT_SCHEMA,
        verdict: check_verdict(&kpis),
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
    })
}

/// The first pass: every comparison of `kpis` measured, the head against `against` (the baseline
/// or the anchor), in the budget file's order.
fn estimate_all<'k>(
    config: &Config,
    kpis: &'k [Kpi],
    inputs: &Inputs,
    against: Option<&Results>,
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
        let mut estimate = match select(kpi, head, base) {
            Ok(selections) => {
                let calibration = inputs.calibration.as_ref();
                estimate_kpi(config, kpi, &selections, against.is_some(), calibration, &options).map_err(fail)?
            }
            // A partial check with nothing of this KPI in its part, or a time budget that ran out
            // before any of its benchmarks ran.
            Err(_) if !not_measured.is_empty() || (inputs.partial && !matches_any(kpi, head)) => unmeasured(kpi),
            Err(message) => return Err(fail(message)),
        };
        let unit = estimate.comparisons.first().map_or(Unit::Ns, |c| c.unit.clone());
        estimate.comparisons.extend(not_measured.into_iter().map(|id| Estimate::not_measured(id, unit.clone())));
        measured.push(estimate);
    }
    Ok(measured)
}

/// The second pass: the check-wide q-values, then every comparison and KPI judged.
fn judge_all(config: &Config, measured: Vec<KpiEstimate>) -> Vec<KpiOutcome> {
    let p_values: Vec<Option<f64>> = measured.iter().flat_map(|k| &k.comparisons).map(Estimate::p_value).collect();
    let mut q_values = q_values(&p_values).into_iter();
    measured
        .into_iter()
        .map(|mut estimate| {
            let footing = estimate.footing();
            let comparisons: Vec<Comparison> = std::mem::take(&mut estimate.comparisons)
                .into_iter()
                .map(|comparison| judge(&estimate, comparison, q_values.next().flatten(), &config.gate))
                .collect();
            KpiOutcome { footing, ..kpi_outcome(config, estimate, comparisons) }
        })
        .collect()
}

/// A KPI's outcome from its judged comparisons.
fn kpi_outcome(config: &Config, estimate: KpiEstimate, comparisons: Vec<Comparison>) -> KpiOutcome {
    let KpiEstimate { kpi, direction, budget, run_noise, .. } = estimate;
    KpiOutcome {
        name: kpi.name.clone(),
        suite: kpi.suite.clone(),
        verdict: kpi_verdict(&comparisons, run_noise.as_ref(), &budget, direction),
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
        footing: None,
    }
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
