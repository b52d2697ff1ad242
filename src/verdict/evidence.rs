//! The evidence of a relative comparison: the log ratio of head over base,
//! from paired rounds when both sides carry them, else from the pooled values
//! (exact, bucket bounds, single values, histograms or raw samples), with the
//! runs that looked disturbed.

use super::buckets;
use super::rounds::per_round_statistics;
use super::series::{estimator, Series};
use crate::config::Statistic;
use crate::stats::disturbance::{disturbed_runs, Disturbance};
use crate::stats::{self, CompareOptions, LogRatio};

/// A relative comparison's log ratio and, with paired rounds, the per-round
/// log ratios its exact p-value is computed from.
pub struct Evidence {
    pub ratio: LogRatio,
    pub round_changes: Option<Vec<f64>>,
    /// One run per side: the side whose run was disturbed, if one was.
    pub disturbance: Option<Disturbance>,
    /// Paired rounds: the log ratio without the rounds whose head run was disturbed, and how many those were.
    /// (None when every round's head run was disturbed.)
    pub undisturbed: Option<(Option<LogRatio>, usize)>,
}

impl Evidence {
    /// Whether the ratio is of paired rounds.
    pub fn is_paired(&self) -> bool {
        matches!(self.ratio.method, stats::Method::Paired { .. } | stats::Method::PairedCalibrated { .. })
    }

    /// Whether the log ratio's spread already holds (or needs no) run-to-run noise: exact values,
    /// paired rounds and bucket bounds do not estimate the suite's run noise.
    pub fn estimates_run_noise(&self) -> bool {
        !self.ratio.method.carries_run_noise() && self.ratio.method != stats::Method::Buckets
    }
}

/// The confidence of a comparison's intervals: a sequential check's looks judge paired
/// comparisons at the look's confidence, and the others (whose data no look changes) at the
/// check's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confidence {
    pub paired: f64,
    pub unpaired: f64,
}

impl Confidence {
    /// One confidence for every comparison.
    pub fn of(confidence: f64) -> Confidence {
        Confidence { paired: confidence, unpaired: confidence }
    }
}

/// The evidence of `head` against `base` for `statistic`; `calibrated`: the per-round noise (log
/// sd) and degrees of freedom `perfgate calibrate` measured for this benchmark, for rounds too
/// few for a rank interval.
pub fn log_ratio(
    base: &Series,
    head: &Series,
    statistic: Statistic,
    calibrated: Option<(f64, f64)>,
    options: &CompareOptions,
    confidence: Confidence,
) -> Result<Evidence, String> {
    // The same order of precedence as the unpaired path: exact, buckets, single values and histograms first.
    let raw_samples = |series: &Series| series.buckets.is_none() && series.histogram.is_none() && series.has_values();
    let comparable_runs = !(base.deterministic && head.deterministic) && raw_samples(base) && raw_samples(head);
    if comparable_runs {
        if let Some(rounds) = per_round_statistics(base, head, statistic)? {
            let options = CompareOptions { confidence: confidence.paired, ..*options };
            let changes = stats::round_log_ratios(&rounds.base, &rounds.head).map_err(|e| e.to_string())?;
            if let (None, Some((per_round, df))) =
                (stats::signed_rank_depth(changes.len(), options.confidence), calibrated)
            {
                let ratio = stats::calibrated_paired_log_ratio(&changes, per_round, df, options.confidence);
                return Ok(Evidence { ratio, round_changes: None, disturbance: None, undisturbed: None });
            }
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
    let options = CompareOptions { confidence: confidence.unpaired, ..*options };
    let ratio = unpaired_log_ratio(base, head, statistic, &options)?;
    let disturbance = comparable_runs.then(|| disturbed_runs(&base.samples, &head.samples)).flatten();
    Ok(Evidence { ratio, round_changes: None, disturbance, undisturbed: None })
}

fn unpaired_log_ratio(
    base: &Series,
    head: &Series,
    statistic: Statistic,
    options: &CompareOptions,
) -> Result<LogRatio, String> {
    if base.counted && head.counted {
        return stats::counted_log_ratio(&base.samples, &head.samples, options.confidence).map_err(|e| e.to_string());
    }
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
