//! The first pass of a check: every comparison of a KPI measured — the
//! head's statistic and its interval, the change against the baseline with
//! its interval and p-value, the run-to-run noise — and nothing decided yet.
//! `judge` makes the verdicts once the check-wide FDR step has seen every p-value.

use super::buckets;
use super::budget::{budget_of, has_relative_budget, relative_threshold};
pub use super::evidence::Confidence;
use super::evidence::{log_ratio, Evidence};
use super::outcome::{Against, Budget, Distribution, Footing, NoiseFrom, NoiseInfo};
use super::pool::prepare;
use super::select::Selection;
use super::series::{estimator, Series};
use crate::config::{Config, Kpi, Statistic};
use crate::model::calibration::Calibration;
use crate::model::{Direction, Unit};
use crate::stats::disturbance::Disturbance;
use crate::stats::{self, Adjusted, CompareOptions, LogRatio, RunNoise};

/// Comparisons needed before the suite's own spread is trusted as its run-to-run noise.
const MIN_SUITE_FOR_NOISE: usize = 5;
/// The run-to-run noise never assumed smaller than this (relative sd), even in a quiet suite.
const NOISE_FLOOR: f64 = 0.005;

/// A KPI's comparisons as measured, before any verdict.
pub struct KpiEstimate<'k> {
    pub kpi: &'k Kpi,
    /// What the head is compared with.
    pub against: Against,
    pub direction: Direction,
    pub budget: Budget,
    /// The run-to-run noise its relative comparisons were widened by (with a baseline).
    pub run_noise: Option<NoiseInfo>,
    /// The log shift of the whole suite between the runs, when estimated from the suite itself.
    pub suite_shift: Option<f64>,
    pub comparisons: Vec<Estimate>,
}

/// One comparison's numbers, before its verdict.
pub struct Estimate {
    pub bench: String,
    pub unit: Unit,
    /// The statistic on the baseline and on the head (None: indeterminate).
    pub base: Option<f64>,
    pub head: Option<f64>,
    /// Interval of the head's statistic, when the KPI has an absolute budget.
    pub head_ci: Option<[f64; 2]>,
    pub n_base: usize,
    pub n_head: usize,
    pub relative: RelativeEstimate,
    /// Both sides' quantiles, when the head has values.
    pub distribution: Option<Distribution>,
}

/// The change against the baseline, as far as it can be measured.
pub enum RelativeEstimate {
    /// The KPI has no relative budget: the plain change, shown for information.
    Unbudgeted {
        change: Option<f64>,
    },
    /// A relative budget, but no baseline for this series.
    NoBaseline,
    /// A baseline, but no change can be computed (the message says why).
    Undefined(String),
    /// The time budget ran out before the benchmark ran at all.
    NotMeasured,
    Estimated(Box<Relative>),
}

/// A relative comparison's change, widened by the run-to-run noise.
pub struct Relative {
    pub ratio: LogRatio,
    pub adjusted: Adjusted,
    /// The relative budget as a log ratio, and whether upwards is worse.
    pub threshold: f64,
    pub worse_is_up: bool,
    /// `None` for a bounding interval (bucket counts), which is judged by the interval alone.
    pub p_value: Option<f64>,
    pub noise: RunNoise,
    pub disturbance: Option<Disturbance>,
    pub undisturbed: Option<UndisturbedRounds>,
}

/// Paired rounds in some of which the head's run was disturbed: the interval
/// of the other rounds, which a failure must also clear.
pub struct UndisturbedRounds {
    /// None when every round's head run was disturbed.
    pub adjusted: Option<Adjusted>,
    pub disturbed: usize,
}

impl Estimate {
    /// A benchmark the time budget left without a single round.
    pub fn not_measured(bench: String, unit: Unit) -> Estimate {
        Estimate {
            bench,
            unit,
            base: None,
            head: None,
            head_ci: None,
            n_base: 0,
            n_head: 0,
            relative: RelativeEstimate::NotMeasured,
            distribution: None,
        }
    }
}

impl Estimate {
    /// What the noise allowed this comparison, as its share of its KPI's footing (empty when it
    /// had rounds enough or needed no noise: exact, bucket bounds).
    pub fn footing(&self) -> Footing {
        let mut footing = Footing::default();
        let RelativeEstimate::Estimated(relative) = &self.relative else { return footing };
        match relative.ratio.method {
            stats::Method::PairedCalibrated { .. } => {
                footing.few_rounds.push(self.bench.clone());
                footing.few_rounds_calibrated += 1;
            }
            stats::Method::Paired { .. } if !relative.ratio.se.is_finite() => {
                footing.few_rounds.push(self.bench.clone())
            }
            stats::Method::Paired { .. }
            | stats::Method::Exact
            | stats::Method::Counted { .. }
            | stats::Method::Buckets => {}
            _ => {
                footing.single_runs += 1;
                let sd = relative.noise.between_sd;
                footing.noise = Some([sd, sd]);
                footing.noise_from = Some(match (relative.noise.calibrated, relative.noise.from_suite) {
                    (true, _) => NoiseFrom::Calibration,
                    (false, true) => NoiseFrom::Suite,
                    (false, false) => NoiseFrom::Prior,
                });
            }
        }
        footing
    }

    /// Whether base and head were compared round by round.
    pub fn is_paired(&self) -> bool {
        matches!(&self.relative, RelativeEstimate::Estimated(relative)
            if matches!(relative.ratio.method, stats::Method::Paired { .. } | stats::Method::PairedCalibrated { .. }))
    }
}

impl KpiEstimate<'_> {
    /// What the noise allowed this KPI's relative comparisons; None when each had rounds
    /// enough or needed no noise (exact, bucket bounds).
    pub fn footing(&self) -> Option<Footing> {
        Footing::of(self.comparisons.iter().map(Estimate::footing))
    }
}

thread_local! {
    static ESTIMATES_MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many comparisons this thread has estimated so far: what a test counts to see that a look
/// estimates only what is still undecided.
pub fn estimates_made() -> usize {
    ESTIMATES_MADE.with(std::cell::Cell::get)
}

/// The ratio interval `[lo, hi]` of an adjusted log ratio.
pub fn ratio_interval(adjusted: &Adjusted) -> [f64; 2] {
    [adjusted.ci.0.exp(), adjusted.ci.1.exp()]
}

/// A KPI with nothing to compare in a partial check: its budget, no comparisons.
pub fn unmeasured(kpi: &Kpi) -> KpiEstimate<'_> {
    KpiEstimate {
        kpi,
        against: Against::Base,
        direction: kpi.direction.unwrap_or(Direction::LowerIsBetter),
        budget: budget_of(kpi, &Unit::Ns).unwrap_or_default(),
        run_noise: None,
        suite_shift: None,
        comparisons: Vec::new(),
    }
}

/// Measure every comparison of `kpi`, one per selection.
pub fn estimate_kpi<'k>(
    config: &Config,
    kpi: &'k Kpi,
    selections: &[Selection],
    have_baseline: bool,
    calibration: Option<&Calibration>,
    options: &CompareOptions,
    confidence: Confidence,
) -> Result<KpiEstimate<'k>, String> {
    ESTIMATES_MADE.with(|made| made.set(made.get() + selections.len()));
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
    let direction = kpi.direction.unwrap_or_else(|| {
        if kpi.statistic == Statistic::Throughput {
            Direction::HigherIsBetter
        } else {
            selections[0].head[0].direction
        }
    });
    let budget = budget_of(kpi, &prepared[0].1.unit)?;

    // Sample-based log ratios first: together they estimate the run-to-run noise.
    let ratios: Vec<Option<Result<Evidence, String>>> = prepared
        .iter()
        .map(|(selection, head, base)| {
            let calibrated = calibration.and_then(|c| {
                let noise = c.noise(&kpi.suite, &selection.label, kpi.statistic)?;
                Some((noise.per_round, (c.rounds.max(2) - 1) as f64))
            });
            base.as_ref().map(|base| log_ratio(base, head, kpi.statistic, calibrated, options, confidence))
        })
        .collect();
    let noisy: Vec<LogRatio> = ratios
        .iter()
        .flatten()
        .filter_map(|r| r.as_ref().ok())
        .filter(|evidence| evidence.estimates_run_noise())
        .map(|evidence| evidence.ratio.clone())
        .collect();
    let prior = config.gate.run_noise.0;
    let noise = stats::estimate_run_noise(&noisy, MIN_SUITE_FOR_NOISE, prior, NOISE_FLOOR.min(prior));

    let mut comparisons = Vec::new();
    for ((selection, head, base), ratio) in prepared.iter().zip(ratios) {
        let paired = matches!(&ratio, Some(Ok(evidence)) if evidence.is_paired());
        let at = if paired { confidence.paired } else { confidence.unpaired };
        let head_ci = (budget.max.is_some() || budget.min.is_some())
            .then(|| absolute_interval(head, kpi.statistic, at))
            .transpose()?;
        let base_value = base.as_ref().and_then(|b| b.value);
        let relative = match ratio {
            _ if !has_relative_budget(kpi) => RelativeEstimate::Unbudgeted {
                change: base_value
                    .zip(head.value)
                    .filter(|(base, _)| *base > 0.0)
                    .map(|(base, head)| head / base - 1.0),
            },
            None => RelativeEstimate::NoBaseline,
            Some(Err(message)) => RelativeEstimate::Undefined(message),
            Some(Ok(evidence)) => {
                // Exact values have no noise; paired rounds already carry the run-to-run noise in their spread.
                let noise = if evidence.ratio.method.carries_run_noise() {
                    RunNoise::none()
                } else {
                    with_calibration(&noise, calibration, kpi, &selection.label)
                };
                RelativeEstimate::Estimated(Box::new(relative(kpi, direction, evidence, noise, at)))
            }
        };
        comparisons.push(Estimate {
            bench: selection.label.clone(),
            unit: head.unit.clone(),
            base: base_value,
            head: head.value,
            head_ci,
            n_base: base.as_ref().map_or(0, Series::count),
            n_head: head.count(),
            relative,
            distribution: distribution(base.as_ref(), head),
        });
    }

    let from_suite = noise.from_suite && !noisy.is_empty();
    Ok(KpiEstimate {
        kpi,
        against: Against::Base,
        direction,
        budget,
        run_noise: (have_baseline && !noisy.is_empty()).then(|| NoiseInfo {
            common_shift: noise.common_shift.exp_m1(),
            between_sd: noise.between_sd,
            from_suite: noise.from_suite,
            benchmarks: noise.benchmarks,
        }),
        suite_shift: from_suite.then_some(noise.common_shift),
        comparisons,
    })
}

/// The run noise of one benchmark's unpaired comparison: the suite's, or the calibrated noise of
/// this benchmark on this machine where there is one — never less than what the calibration
/// measured, and in place of the fixed `run-noise` prior.
fn with_calibration(noise: &RunNoise, calibration: Option<&Calibration>, kpi: &Kpi, bench: &str) -> RunNoise {
    let Some((calibrated, rounds)) =
        calibration.and_then(|c| Some((c.noise(&kpi.suite, bench, kpi.statistic)?, c.rounds)))
    else {
        return noise.clone();
    };
    let degrees_of_freedom = (rounds.max(2) - 1) as f64;
    if noise.from_suite {
        RunNoise {
            between_sd: noise.between_sd.max(calibrated.between_runs),
            degrees_of_freedom: noise.degrees_of_freedom.min(degrees_of_freedom),
            calibrated: true,
            ..noise.clone()
        }
    } else {
        RunNoise { between_sd: calibrated.between_runs, degrees_of_freedom, calibrated: true, ..noise.clone() }
    }
}

/// Both sides' quantiles for pictures; None when the head has no values to draw.
fn distribution(base: Option<&Series>, head: &Series) -> Option<Distribution> {
    let head = head.quantiles();
    (head.len() == Distribution::LEVELS).then(|| Distribution {
        base: base.map(Series::quantiles).filter(|q| q.len() == Distribution::LEVELS).unwrap_or_default(),
        head,
    })
}

fn relative(kpi: &Kpi, direction: Direction, evidence: Evidence, noise: RunNoise, confidence: f64) -> Relative {
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

/// The interval of the head's statistic, for absolute budgets.
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
