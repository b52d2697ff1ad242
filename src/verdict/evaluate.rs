//! The check itself: every KPI's comparisons, run noise, FDR across the
//! check, verdicts, and the report they make.

use std::collections::BTreeMap;

use super::buckets;
use super::check_wide;
use super::outcome::{BaselineInfo, Budget, GitInfo, NoiseInfo, Settings};
use super::select::{matches_any, select, Selection};
use super::pool::prepare;
use super::series::{estimator, Series};
use super::{judge_absolute, judge_min_ratio, judge_regression};
use super::{CheckVerdict, Comparison, KpiOutcome, Report, Verdict, REPORT_SCHEMA};
use crate::config::{Config, Kpi, Level, Statistic};
use crate::model::{Benchmark, Direction, Unit};
use crate::model::units::{format_change, format_value};
use crate::stats::disturbance::{disturbed_runs, Disturbance};
use crate::stats::{self, Adjusted, CompareOptions, LogRatio, RunNoise, Settle};

/// Comparisons needed before the suite's own spread is trusted as its run-to-run noise.
const MIN_SUITE_FOR_NOISE: usize = 5;
/// The run-to-run noise never assumed smaller than this (relative sd), even in a quiet suite.
const NOISE_FLOOR: f64 = 0.005;
/// What settles a comparison whose run was disturbed.
const DISTURBED_ROUNDS_SETTLE: &str = "more rounds in which the head run is not disturbed would settle it";
const DISTURBED_SETTLE: &str =
    "measure again on a quiet machine, or re-run base and head in interleaved rounds (`source = \"rerun\"`)";
/// A common-mode shift smaller than this is not worth a note.
const NOTABLE_COMMON_SHIFT: f64 = 0.01;

/// Results of every suite, for the head and (when there is one) the baseline.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub head: BTreeMap<String, Vec<Benchmark>>,
    pub base: Option<BTreeMap<String, Vec<Benchmark>>>,
    pub baseline: Option<BaselineInfo>,
    pub git: GitInfo,
    /// What obtaining the results found worth saying (uncommitted changes, a suite without baseline).
    pub notes: Vec<String>,
    /// Only part of each suite was measured (a shard, a confirmation): a KPI that matches nothing
    /// here is reported without comparisons instead of being an error.
    pub partial: bool,
}

/// A KPI that cannot be evaluated: the budget and the data do not fit (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{config}:{line}: KPI {kpi:?}: {message}")]
pub struct EvaluateError {
    pub config: String,
    pub line: usize,
    pub kpi: String,
    pub message: String,
}

/// A relative comparison waiting for the check-wide FDR adjustment.
struct Relative {
    ratio: LogRatio,
    adjusted: Adjusted,
    threshold: f64,
    worse_is_up: bool,
    /// `None` for a bounding interval (bucket counts), which is judged by the interval alone.
    p_value: Option<f64>,
    noise: RunNoise,
    disturbance: Option<Disturbance>,
    undisturbed: Option<UndisturbedRounds>,
}

/// Paired rounds in some of which the head's run was disturbed: the interval
/// of the other rounds, which a failure must also clear.
struct UndisturbedRounds {
    /// None when every round's head run was disturbed.
    adjusted: Option<Adjusted>,
    disturbed: usize,
}

struct Pending {
    comparison: Comparison,
    absolute: Option<Verdict>,
    relative: Option<Result<Relative, String>>,
}

/// Evaluate every KPI of `config` on `inputs`.
pub fn evaluate(config: &Config, inputs: &Inputs) -> Result<Report, EvaluateError> {
    let options = CompareOptions { confidence: config.gate.confidence, resamples: 2000, seed: config.gate.seed };
    let mut notes = inputs.notes.clone();
    if inputs.base.is_none() && config.kpis.iter().any(has_relative_budget) {
        notes.push("No baseline: relative budgets are reported as no-baseline (never a silent pass); absolute budgets are judged.".to_string());
    }

    // First pass: every comparison's numbers, with an interval wholly beyond a relative budget
    // counted as a failure; the check-wide FDR step then decides which failures stand.
    let mut kpis = Vec::new();
    for kpi in &config.kpis {
        let fail = |message: String| EvaluateError {
            config: config.path.display().to_string(),
            line: kpi.line,
            kpi: kpi.name.clone(),
            message,
        };
        let head = inputs.head.get(&kpi.suite).map(Vec::as_slice).unwrap_or(&[]);
        let base = inputs.base.as_ref().map(|b| b.get(&kpi.suite).map(Vec::as_slice).unwrap_or(&[]));
        let selections = match select(kpi, head, base) {
            Ok(selections) => selections,
            // A partial check with nothing of this KPI in its part.
            Err(_) if inputs.partial && !matches_any(kpi, head) => {
                let direction = kpi.direction.unwrap_or(Direction::LowerIsBetter);
                kpis.push(kpi_outcome(config, kpi, direction, budget_of(kpi, &Unit::Ns).unwrap_or_default()));
                continue;
            }
            Err(message) => return Err(fail(message)),
        };
        let (mut outcome, pending, note) =
            evaluate_kpi(config, kpi, &selections, inputs.base.is_some(), &options).map_err(fail)?;
        outcome.comparisons = pending.into_iter().map(|item| finish(kpi, item, config)).collect();
        notes.extend(note);
        kpis.push(outcome);
    }

    let baseline =
        inputs.baseline.clone().unwrap_or(BaselineInfo { source: "none".into(), description: "no baseline".into() });
    let mut report = Report {
        schema: REPORT_SCHEMA,
        verdict: CheckVerdict::Pass,
        git: inputs.git.clone(),
        baseline,
        settings: Settings {
            confidence: config.gate.confidence,
            fdr: config.gate.fdr,
            seed: config.gate.seed,
            run_noise: config.gate.run_noise.0,
        },
        kpis,
        notes,
        override_label: None,
        measuring: None,
        shard: None,
    };
    check_wide::apply(&mut report, config.gate.fdr);
    Ok(report)
}

/// A KPI's outcome before its comparisons: what the budget file says about it.
fn kpi_outcome(config: &Config, kpi: &Kpi, direction: Direction, budget: Budget) -> KpiOutcome {
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
        comparisons: Vec::new(),
        run_noise: None,
        rounds: None,
        seconds: None,
    }
}

/// A KPI's verdict from its comparisons: the worst of them, `improved` when all
/// improved, and at least `inconclusive` when the whole suite moved beyond the budget.
pub(super) fn kpi_verdict(outcome: &KpiOutcome) -> Verdict {
    let mut verdict = outcome.comparisons.iter().map(|c| c.verdict).max().unwrap_or(Verdict::Pass);
    if outcome.comparisons.iter().all(|c| c.verdict == Verdict::Improved) {
        verdict = Verdict::Improved;
    }
    if let Some(noise) = &outcome.run_noise {
        if common_shift_beyond_budget(&outcome.budget, noise, outcome.direction) && verdict < Verdict::Inconclusive {
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

fn has_relative_budget(kpi: &Kpi) -> bool {
    kpi.max_regression.is_some() || kpi.min_ratio.is_some()
}

type KpiParts = (KpiOutcome, Vec<Pending>, Option<String>);

fn evaluate_kpi(
    config: &Config,
    kpi: &Kpi,
    selections: &[Selection],
    have_baseline: bool,
    options: &CompareOptions,
) -> Result<KpiParts, String> {
    let mut prepared = Vec::new();
    for selection in selections {
        let head = prepare(&selection.head, kpi.statistic).map_err(|e| format!("{}: {e}", selection.label))?;
        let base = if selection.base.is_empty() {
            None
        } else {
            Some(prepare(&selection.base, kpi.statistic).map_err(|e| format!("{} (baseline): {e}", selection.label))?)
        };
        prepared.push((selection, head, base));
    }
    let unit = prepared[0].1.unit.clone();
    let direction = kpi.direction.unwrap_or_else(|| {
        if kpi.statistic == Statistic::Throughput {
            Direction::HigherIsBetter
        } else {
            selections[0].head[0].direction
        }
    });
    let budget = budget_of(kpi, &unit)?;

    // Sample-based log ratios first: together they estimate the run-to-run noise.
    let ratios: Vec<Option<Result<Evidence, String>>> = prepared
        .iter()
        .map(|(_, head, base)| base.as_ref().map(|base| log_ratio(base, head, kpi.statistic, options)))
        .collect();
    let noisy: Vec<LogRatio> = ratios
        .iter()
        .flatten()
        .filter_map(|r| r.as_ref().ok())
        .map(|evidence| &evidence.ratio)
        .filter(|r| !matches!(r.method, stats::Method::Exact | stats::Method::Paired { .. } | stats::Method::Buckets))
        .cloned()
        .collect();
    let prior = config.gate.run_noise.0;
    let noise = stats::estimate_run_noise(&noisy, MIN_SUITE_FOR_NOISE, prior, NOISE_FLOOR.min(prior));

    let mut pending = Vec::new();
    for ((selection, head, base), ratio) in prepared.iter().zip(ratios) {
        let absolute = (budget.max.is_some() || budget.min.is_some())
            .then(|| absolute_interval(head, kpi.statistic, config.gate.confidence))
            .transpose()?;
        let relative = match (has_relative_budget(kpi), ratio) {
            (true, Some(evidence)) => Some(evidence.map(|evidence| {
                // Exact values have no noise; paired rounds already carry the run-to-run noise in their spread.
                let noise = match evidence.ratio.method {
                    stats::Method::Exact | stats::Method::Paired { .. } => RunNoise::none(),
                    _ => noise.clone(),
                };
                relative_part(kpi, direction, evidence, noise, config.gate.confidence)
            })),
            _ => None,
        };
        let comparison = Comparison {
            bench: selection.label.clone(),
            verdict: Verdict::Pass,
            unit: head.unit.clone(),
            base: base.as_ref().and_then(|b| b.value),
            head: head.value,
            head_ci: absolute,
            change: None,
            ci: None,
            p_value: None,
            q_value: None,
            n_base: base.as_ref().map_or(0, Series::count),
            n_head: head.count(),
            method: String::new(),
            settle: None,
            disturbed: None,
            reason: String::new(),
        };
        let absolute = absolute.map(|interval| judge_absolute(interval, budget.max, budget.min));
        pending.push(Pending { comparison, absolute, relative });
    }

    let from_suite = noise.from_suite && !noisy.is_empty();
    let mut note = None;
    if from_suite && noise.common_shift.abs() >= NOTABLE_COMMON_SHIFT.ln_1p() {
        note = Some(format!(
            "Suite {:?} moved {} as a whole between the runs (KPI {:?}). With one run per side a slower machine \
             looks like slower code, so each benchmark is judged against the rest of the suite; \
             re-run base and head in interleaved rounds to measure a suite-wide change.",
            kpi.suite,
            format_change(noise.common_shift.exp_m1()),
            kpi.name
        ));
    }
    let mut outcome = kpi_outcome(config, kpi, direction, budget);
    outcome.run_noise = (have_baseline && !noisy.is_empty()).then(|| NoiseInfo {
        common_shift: noise.common_shift.exp_m1(),
        between_sd: noise.between_sd,
        from_suite: noise.from_suite,
        benchmarks: noise.benchmarks,
    });
    Ok((outcome, pending, note))
}

/// A relative comparison's log ratio and, with paired rounds, the per-round
/// log ratios its exact p-value is computed from.
struct Evidence {
    ratio: LogRatio,
    round_changes: Option<Vec<f64>>,
    /// One run per side: the side whose run was disturbed, if one was.
    disturbance: Option<Disturbance>,
    /// Paired rounds: the log ratio without the rounds whose head run was disturbed, and how many those were.
    /// (None when every round's head run was disturbed.)
    undisturbed: Option<(Option<LogRatio>, usize)>,
}

fn log_ratio(base: &Series, head: &Series, statistic: Statistic, options: &CompareOptions) -> Result<Evidence, String> {
    // The same order of precedence as the unpaired path: exact, buckets, single values and histograms first.
    let raw_samples = |series: &Series| series.buckets.is_none() && series.histogram.is_none() && series.has_values();
    let comparable_runs = !(base.deterministic && head.deterministic) && raw_samples(base) && raw_samples(head);
    if comparable_runs {
        if let Some(rounds) = per_round_statistics(base, head, statistic)? {
            let changes = stats::round_log_ratios(&rounds.base, &rounds.head).map_err(|e| e.to_string())?;
            let ratio = stats::paired_log_ratio_of_changes(&changes, options.confidence);
            let disturbed = rounds.head_disturbed.iter().filter(|&&disturbed| disturbed).count();
            let undisturbed = (disturbed > 0).then(|| {
                let kept: Vec<f64> =
                    changes.iter().zip(&rounds.head_disturbed).filter(|(_, &d)| !d).map(|(c, _)| *c).collect();
                let ratio = (!kept.is_empty()).then(|| stats::paired_log_ratio_of_changes(&kept, options.confidence));
                (ratio, disturbed)
            });
            return Ok(Evidence { ratio, round_changes: Some(changes), disturbance: None, undisturbed });
        }
    }
    let ratio = unpaired_log_ratio(base, head, statistic, options)?;
    let disturbance = comparable_runs.then(|| disturbed_runs(&base.samples, &head.samples)).flatten();
    Ok(Evidence { ratio, round_changes: None, disturbance, undisturbed: None })
}

fn unpaired_log_ratio(
    base: &Series,
    head: &Series,
    statistic: Statistic,
    options: &CompareOptions,
) -> Result<LogRatio, String> {
    if base.deterministic && head.deterministic {
        return stats::exact_log_ratio(base.point()?, head.point()?).map_err(|e| e.to_string());
    }
    if base.buckets.is_some() || head.buckets.is_some() {
        return buckets::log_ratio(base, head, statistic, options.confidence);
    }
    if !base.has_values() || !head.has_values() {
        return stats::single_value_log_ratio(base.point()?, head.point()?).map_err(|e| e.to_string());
    }
    if base.histogram.is_some() || head.histogram.is_some() {
        return stats::histogram_log_ratio(&base.to_histogram(), &head.to_histogram(), estimator(statistic), options)
            .map_err(|e| e.to_string());
    }
    stats::log_ratio(&base.samples, &head.samples, estimator(statistic), options).map_err(|e| e.to_string())
}

/// Per-round statistics of base and head, aligned by round.
pub(super) struct RoundPairs {
    pub base: Vec<f64>,
    pub head: Vec<f64>,
    /// Per round: whether the head's run of it was disturbed (`stats::disturbance`).
    pub head_disturbed: Vec<bool>,
}

/// The KPI statistic of each round both sides ran in, when both sides carry rounds; None below two rounds.
///
/// Every round is kept: the rank-based paired interval is not moved far by one odd round, and the
/// shape of a short run (its spread, its drift) is too variable to tell a disturbed run from an
/// ordinary one — on a quiet machine the shape rule flags 33–57 % of the rounds of identical
/// code. A failure must therefore also hold without the rounds whose head run looked
/// disturbed (`finish`), which is all the guard needs: a disturbance can fake a
/// regression only through the head.
pub(super) fn per_round_statistics(
    base: &Series,
    head: &Series,
    statistic: Statistic,
) -> Result<Option<RoundPairs>, String> {
    let (Some(base_rounds), Some(head_rounds)) = (&base.rounds, &head.rounds) else { return Ok(None) };
    let by_round = |samples: &[f64], rounds: &[u32]| {
        let mut grouped: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for (value, round) in samples.iter().zip(rounds) {
            grouped.entry(*round).or_default().push(*value);
        }
        grouped
    };
    let base_groups = by_round(&base.samples, base_rounds);
    let head_groups = by_round(&head.samples, head_rounds);
    let mut pairs = RoundPairs { base: Vec::new(), head: Vec::new(), head_disturbed: Vec::new() };
    for (round, base_samples) in &base_groups {
        if let Some(head_samples) = head_groups.get(round) {
            let disturbance = disturbed_runs(base_samples, head_samples);
            pairs.head_disturbed.push(disturbance.is_some_and(|disturbance| disturbance.side == "head"));
            let value =
                |samples: &[f64]| round_statistic(samples, statistic).map_err(|e| format!("round {round}: {e}"));
            pairs.base.push(value(base_samples)?);
            pairs.head.push(value(head_samples)?);
        }
    }
    Ok((pairs.base.len() >= 2).then_some(pairs))
}

fn round_statistic(samples: &[f64], statistic: Statistic) -> Result<f64, stats::StatsError> {
    match statistic {
        Statistic::Count => Ok(samples.len() as f64),
        _ => stats::statistic(samples, estimator(statistic)),
    }
}

/// The relative budget a comparison is tested against, as a log-ratio threshold.
fn relative_threshold(kpi: &Kpi, direction: Direction) -> (f64, bool) {
    match (kpi.max_regression, kpi.min_ratio, direction) {
        (Some(tau), _, Direction::LowerIsBetter) => (tau.0.ln_1p(), true),
        (Some(tau), _, Direction::HigherIsBetter) => ((-tau.0).ln_1p(), false),
        (None, Some(ratio), Direction::LowerIsBetter) => (-ratio.0.ln(), true),
        (None, Some(ratio), Direction::HigherIsBetter) => (ratio.0.ln(), false),
        (None, None, _) => (0.0, true),
    }
}

fn relative_part(kpi: &Kpi, direction: Direction, evidence: Evidence, noise: RunNoise, confidence: f64) -> Relative {
    let Evidence { ratio, round_changes, disturbance, undisturbed } = evidence;
    let adjusted = stats::adjust(&ratio, &noise, confidence);
    let undisturbed = undisturbed.map(|(ratio, disturbed)| UndisturbedRounds {
        adjusted: ratio.map(|ratio| stats::adjust(&ratio, &noise, confidence)),
        disturbed,
    });
    let (threshold, worse_is_up) = relative_threshold(kpi, direction);
    let p_value = match (&round_changes, ratio.method) {
        (_, stats::Method::Buckets) => None,
        (Some(changes), _) => Some(stats::signed_rank_p_beyond(changes, threshold, worse_is_up)),
        (None, _) => Some(stats::p_value_beyond(&adjusted, threshold, worse_is_up)),
    };
    Relative { ratio, adjusted, threshold, worse_is_up, p_value, noise, disturbance, undisturbed }
}

fn absolute_interval(series: &Series, statistic: Statistic, confidence: f64) -> Result<[f64; 2], String> {
    if series.buckets.is_some() {
        return buckets::absolute_interval(series, statistic, confidence);
    }
    if !series.has_values() || series.deterministic {
        let value = series.point()?;
        return Ok([value, value]);
    }
    if let Some(histogram) = &series.histogram {
        let (lo, hi) = if statistic == Statistic::Rate {
            stats::proportion_interval(histogram.sum(), histogram.count() as f64, confidence)
        } else {
            stats::Ranked::new(histogram)
                .and_then(|ranked| ranked.statistic_interval(estimator(statistic), confidence))
                .map_err(|e| e.to_string())?
        };
        return Ok([lo, hi]);
    }
    let (lo, hi) = if statistic == Statistic::Rate {
        let flagged: f64 = series.samples.iter().sum();
        stats::proportion_interval(flagged, series.samples.len() as f64, confidence)
    } else {
        stats::statistic_interval(&series.samples, estimator(statistic), confidence).map_err(|e| e.to_string())?
    };
    Ok([lo, hi])
}

fn budget_of(kpi: &Kpi, unit: &Unit) -> Result<Budget, String> {
    let in_unit = |q: Option<crate::config::Quantity>, key: &str| {
        q.map(|q| q.in_unit(unit).map_err(|e| format!("{key} = {q}: {e}"))).transpose()
    };
    let max = in_unit(kpi.max, "max")?;
    let min = in_unit(kpi.min, "min")?;
    let mut parts = Vec::new();
    if let Some(q) = kpi.max {
        parts.push(format!("≤ {q}"));
    }
    if let Some(q) = kpi.min {
        parts.push(format!("≥ {q}"));
    }
    if let Some(tau) = kpi.max_regression {
        parts.push(format!("+{tau}"));
    }
    if let Some(ratio) = kpi.min_ratio {
        parts.push(format!("≥ {}x", ratio.0));
    }
    Ok(Budget {
        max,
        min,
        max_regression: kpi.max_regression.map(|p| p.0),
        min_ratio: kpi.min_ratio.map(|r| r.0),
        text: parts.join(", "),
    })
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

/// One comparison's numbers and provisional verdict: an interval wholly beyond a relative
/// budget counts as a failure until the check-wide FDR step has seen every p-value.
fn finish(kpi: &Kpi, item: Pending, config: &Config) -> Comparison {
    let mut comparison = item.comparison;
    let mut verdicts: Vec<Verdict> = item.absolute.into_iter().collect();
    let mut reasons = Vec::new();
    if let (Some(verdict), Some([lo, hi])) = (item.absolute, comparison.head_ci) {
        let unit = &comparison.unit;
        let bounds = [(kpi.max, "≤"), (kpi.min, "≥")]
            .iter()
            .filter_map(|(q, sign)| q.map(|q| format!("{sign} {q}")))
            .collect::<Vec<_>>()
            .join(" and ");
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
        reasons.push(match comparison.head {
            Some(_) => format!("{} {interval} {relation} {bounds}", kpi.statistic),
            None => buckets::indeterminate_reason(kpi.statistic, lo, unit, verdict == Verdict::Fail, &bounds),
        });
    }
    match item.relative {
        // No relative budget: the change is still shown, for information.
        None if !has_relative_budget(kpi) => {
            comparison.change = comparison
                .base
                .zip(comparison.head)
                .filter(|(base, _)| *base > 0.0)
                .map(|(base, head)| head / base - 1.0);
        }
        None => {
            verdicts.push(Verdict::NoBaseline);
            reasons.push("no baseline for this series".into());
        }
        Some(Err(message)) => {
            verdicts.push(Verdict::Inconclusive);
            reasons.push(format!("relative change undefined: {message}"));
        }
        Some(Ok(relative)) => {
            let interval = ratio_interval(&relative.adjusted);
            let mut verdict = judge_interval(kpi, &relative, interval, config.gate.fdr);
            let mut reason = relative_reason(verdict, kpi, interval);
            comparison.change = Some(relative.adjusted.estimate.exp_m1());
            comparison.ci = Some([interval[0] - 1.0, interval[1] - 1.0]);
            comparison.p_value = relative.p_value;
            comparison.method = method_name(&relative);
            if verdict == Verdict::Inconclusive || (verdict == Verdict::Fail && relative.p_value.is_some()) {
                comparison.settle = Some(settle_text(&relative, config.gate.confidence));
            }
            if let (Verdict::Fail, Some(undisturbed)) = (verdict, &relative.undisturbed) {
                let without = undisturbed.adjusted.as_ref().map(ratio_interval);
                if without
                    .is_none_or(|without| judge_interval(kpi, &relative, without, config.gate.fdr) != Verdict::Fail)
                {
                    verdict = Verdict::Inconclusive;
                    let without = without.map_or_else(|| "unknown".into(), change_interval);
                    reason = format!(
                        "{reason}, but not failed: the head run was disturbed in {} of its rounds, and without them the interval is {without}",
                        undisturbed.disturbed
                    );
                    comparison.disturbed = Some("head".into());
                    comparison.settle = Some(DISTURBED_ROUNDS_SETTLE.to_string());
                }
            }
            if let Some(disturbance) = &relative.disturbance {
                comparison.disturbed = Some(disturbance.side.to_string());
                // A disturbance slows a run: a disturbed baseline can only hide a regression.
                if verdict == Verdict::Fail && disturbance.side == "head" {
                    verdict = Verdict::Inconclusive;
                    reason = format!(
                        "{reason}, but not failed: the {} run was disturbed ({})",
                        disturbance.side, disturbance.what
                    );
                    comparison.settle = Some(DISTURBED_SETTLE.to_string());
                }
            }
            reasons.push(reason);
            verdicts.push(verdict);
        }
    }
    comparison.verdict = Verdict::combine(&verdicts);
    comparison.reason = reasons.join("; ");
    comparison
}

/// A ratio interval as changes, e.g. `[+1.2%, +4.5%]`.
fn change_interval(interval: [f64; 2]) -> String {
    format!("[{}, {}]", format_change(interval[0] - 1.0), format_change(interval[1] - 1.0))
}

/// The ratio interval `[lo, hi]` of an adjusted log ratio.
fn ratio_interval(adjusted: &Adjusted) -> [f64; 2] {
    [adjusted.ci.0.exp(), adjusted.ci.1.exp()]
}

/// A relative comparison's verdict from its ratio interval alone: the FDR step
/// (`check_wide`) later holds back failures whose q-value is too high.
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

fn method_name(relative: &Relative) -> String {
    let base = match relative.ratio.method {
        stats::Method::HodgesLehmann => "hodges-lehmann".to_string(),
        stats::Method::Bootstrap { resamples, .. } => format!("bootstrap ({resamples} resamples)"),
        stats::Method::SingleValue => "single-value".to_string(),
        stats::Method::Paired { rounds } => format!("paired, {rounds} rounds"),
        stats::Method::BlockExtremes { block, blocks } => format!("block extremes ({blocks} blocks of {block})"),
        stats::Method::Exact => "exact".to_string(),
        stats::Method::Buckets => "bucket bounds".to_string(),
    };
    if relative.noise.from_suite {
        format!("{base}, suite-relative")
    } else {
        base
    }
}

fn relative_reason(verdict: Verdict, kpi: &Kpi, interval: [f64; 2]) -> String {
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

fn settle_text(relative: &Relative, confidence: f64) -> String {
    if relative.ratio.method == stats::Method::Buckets {
        return buckets::SETTLE.to_string();
    }
    match stats::samples_to_settle(&relative.ratio, &relative.noise, relative.threshold, confidence) {
        Settle::Samples { per_side } => format!("about {per_side} samples per side would settle it"),
        Settle::NeedsRounds => {
            "run-to-run noise dominates: more samples won't settle it; re-run base and head in interleaved rounds"
                .into()
        }
        Settle::Rounds { rounds } => format!("about {rounds} interleaved rounds would settle it"),
        Settle::TooClose => "the change sits at the budget; more data will barely move it".into(),
    }
}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod tests;
