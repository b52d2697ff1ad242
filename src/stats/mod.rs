//! Statistics: estimators, intervals, run noise and FDR — pure functions, no I/O.
//!
//! Everything here answers one question honestly: *is head worse than base by
//! more than the budget, given how noisy the measurements are?* The choices:
//!
//! - **Log scale.** Performance changes are multiplicative ("5 % slower"), and
//!   times are right-skewed. Comparing `log(head / base)` makes the change
//!   symmetric (a 2x slowdown and a 2x speedup have equal size) and makes
//!   budgets like `max-regression = "3%"` a fixed threshold, `ln 1.03`.
//! - **Median: Hodges–Lehmann.** The median of all pairwise differences of log
//!   times (Hodges & Lehmann 1963) with the distribution-free Moses interval
//!   from the Mann–Whitney statistic (Hollander & Wolfe 1999, §4.3). It needs
//!   no normality, resists outliers and is nearly as efficient as the mean
//!   under normal data (95.5 %). The interval is exact for small samples.
//! - **Min and max: block extremes.** The bootstrap fails for extremes, so
//!   each side is cut into six blocks of consecutive samples and the
//!   Hodges–Lehmann shift of the log block minima (maxima) is taken, with its
//!   distribution-free Moses interval (Gumbel 1958; see [`extremes`]).
//! - **Other estimators: percentile bootstrap** of the ratio of statistics
//!   (Efron & Tibshirani 1993, ch. 13), seeded with a PCG generator so that a
//!   report can be reproduced bit for bit; the seed travels in [`Method`].
//! - **Absolute budgets** use intervals of the statistic itself: for quantiles
//!   the distribution-free binomial order-statistic interval (David & Nagaraja
//!   2003, §7.1), which never pretends to bound a p99 it has not observed;
//!   Student t for means; Wilson (1927) for proportions.
//! - **Run-to-run noise.** Samples of one run cannot see that the whole run
//!   was slow. With one run per side, the suite itself is the reference: the
//!   median change of all benchmarks is the common-mode shift and their robust
//!   spread beyond the within-run error is the between-run noise — Efron's
//!   (2004) empirical null. This assumes most benchmarks did not change; a
//!   change that slows *every* benchmark alike is indistinguishable from a
//!   slow machine and is absorbed into `common_shift`. Interleaved rounds
//!   (paired data, [`RunNoise::none`]) are the remedy.
//! - **Many comparisons.** p-values are one-sided against the budget, not
//!   against zero, and adjusted with Benjamini–Hochberg (1995), which keeps the
//!   false discovery rate under the positive dependence that a shared machine
//!   induces (Benjamini & Yekutieli 2001). With one regression among many
//!   benchmarks this penalty, not the interval, limits power.
//! - **Coarse buckets** (Prometheus histograms) are judged by bucket bounds:
//!   intervals between bounds, a bounding interval for ratios, and no value
//!   above the largest finite bound ([`buckets`]).
//! - **Advice.** An inconclusive comparison gets a sample size aimed at 80 %
//!   power, or "rerun in rounds" when run-to-run noise alone is too large —
//!   more samples from the same run cannot average that away.

mod bootstrap;
mod buckets;
pub mod change_points;
mod counted;
pub mod disturbance;
mod extremes;
mod fdr;
mod histogram;
mod hodges_lehmann;
mod noise;
mod paired;
mod proportion;
mod quantile;
mod sequential;
mod settle;

#[cfg(test)]
mod test_support;

use statrs::distribution::{ContinuousCDF, Normal};

pub use buckets::{bucket_log_ratio, BucketValue, Bucketed};
pub use counted::{counted_log_ratio, COUNT_FLOOR};
pub use fdr::{benjamini_hochberg, conditional_benjamini_hochberg};
pub use histogram::{histogram_log_ratio, Ranked};
pub use noise::{adjust, estimate_run_noise, p_value_beyond, Adjusted, RunNoise};
pub use paired::{
    calibrated_paired_log_ratio, paired_log_ratio, paired_log_ratio_of_changes, round_log_ratios, signed_rank_depth,
    signed_rank_p_beyond,
};
pub use proportion::proportion_interval;
pub use quantile::{order_statistic_ranks, quantile_interval, quantile_sorted, statistic, statistic_interval};
pub use sequential::Looks;
pub use settle::{samples_to_settle, Settle};

/// What a KPI compares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Estimator {
    Mean,
    Median,
    Min,
    Max,
    /// Quantile `p` in (0, 1), e.g. 0.99; Hyndman–Fan type 7.
    Quantile(f64),
}

/// How a [`LogRatio`] was computed; reported so that results can be reproduced.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum Method {
    HodgesLehmann,
    Bootstrap {
        resamples: usize,
        seed: u64,
    },
    Exact,
    /// Per-round ratios of interleaved base/head rounds (one-sample Hodges–Lehmann, signed-rank interval).
    Paired {
        rounds: usize,
    },
    /// Fewer rounds than a rank interval needs, against the per-round noise `perfgate
    /// calibrate` measured: mean of the per-round ratios with a t interval.
    PairedCalibrated {
        rounds: usize,
    },
    /// One value per side (summary-only inputs): the ratio itself, whose
    /// uncertainty is all run-to-run noise.
    SingleValue,
    /// Block minima or maxima of `block` consecutive samples, `blocks` per
    /// side or more, compared by their Hodges–Lehmann shift.
    BlockExtremes {
        block: usize,
        blocks: usize,
    },
    /// Coarse bucket counts on both sides: a bounding interval from the bucket
    /// bounds, not a sampling distribution, so it carries no p-value.
    Buckets,
    /// Instruction counts of `runs` counted runs per side: their ratio, bound by their spread
    /// and the measured floor ([`counted_log_ratio`]).
    Counted {
        runs: usize,
    },
}

/// Options of a relative comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareOptions {
    /// Two-sided confidence level of intervals, in (0, 1).
    pub confidence: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Seed of the bootstrap generator.
    pub seed: u64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions { confidence: 0.95, resamples: 2000, seed: 0x5EED }
    }
}

/// Change of head vs base on the log scale: `log(stat_head / stat_base)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRatio {
    pub estimate: f64,
    /// Standard error implied by the interval: `(ci.1 - ci.0) / (2 z)`.
    pub se: f64,
    pub ci: (f64, f64),
    pub method: Method,
    pub n_base: usize,
    pub n_head: usize,
}

impl Method {
    /// Whether its interval already holds the run-to-run noise, or needs none: exact values,
    /// counted runs (bound by their own spread) and paired rounds.
    pub fn carries_run_noise(&self) -> bool {
        matches!(self, Method::Exact | Method::Counted { .. } | Method::Paired { .. } | Method::PairedCalibrated { .. })
    }
}

impl LogRatio {
    /// A deterministic comparison, which carries no sampling error.
    pub(crate) fn is_exact(&self) -> bool {
        self.method == Method::Exact && self.se == 0.0
    }
}

/// Why a statistic or comparison could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("no samples on the {0} side")]
    Empty(&'static str),
    #[error("the {0} statistic is zero, so a ratio is undefined")]
    ZeroStatistic(&'static str),
    #[error("{0}")]
    Invalid(String),
}

/// Pairs of samples above which the Hodges–Lehmann estimator (which holds all
/// `n * m` differences in memory) gives way to the bootstrap of the median.
const MAX_HL_PAIRS: usize = 4_000_000;

/// Relative change of head vs base, unpaired (one run per side).
///
/// - `Median`: Hodges–Lehmann shift of log values with the Moses rank interval
///   (Hodges & Lehmann 1963; Moses 1965; Hollander & Wolfe 1999, §4.3); exact
///   null distribution of the Mann–Whitney U for samples under 50 without ties,
///   normal approximation with tie correction otherwise. Above 4 million pairs,
///   the percentile bootstrap of the median ratio.
/// - `Min`, `Max`: Hodges–Lehmann shift of the log block extremes of six
///   blocks of consecutive samples per side, with the Moses interval (see
///   [`extremes`]); the bootstrap is inconsistent for extremes (Bickel &
///   Freedman 1981).
/// - `Mean`, `Quantile`: percentile bootstrap (Efron & Tibshirani 1993,
///   ch. 13) of `log(stat(head*) / stat(base*))`, each side resampled
///   independently, seeded by `opts.seed`.
///
/// Samples must be finite and non-negative; Hodges–Lehmann needs them strictly
/// positive.
pub fn log_ratio(
    base: &[f64],
    head: &[f64],
    estimator: Estimator,
    opts: &CompareOptions,
) -> Result<LogRatio, StatsError> {
    check_confidence(opts.confidence)?;
    check_estimator(estimator)?;
    check_samples(base, "base")?;
    check_samples(head, "head")?;
    if estimator == Estimator::Median && base.len().saturating_mul(head.len()) <= MAX_HL_PAIRS {
        hodges_lehmann::hodges_lehmann(base, head, opts.confidence)
    } else if matches!(estimator, Estimator::Min | Estimator::Max) {
        extremes::block_extreme_log_ratio(base, head, estimator, opts.confidence)
    } else {
        bootstrap::bootstrap_log_ratio(base, head, estimator, opts)
    }
}

/// Exact comparison for deterministic metrics (counts, bytes, instructions):
/// `estimate = log(head / base)`, `se = 0`, `ci = (estimate, estimate)`,
/// [`Method::Exact`]. Equal values (also `0` and `0`) are no change; otherwise
/// a zero on either side has no log ratio.
pub fn exact_log_ratio(base: f64, head: f64) -> Result<LogRatio, StatsError> {
    value_log_ratio(base, head, Method::Exact)
}

/// One value per side from a noisy measurement (a tool's own summary): the
/// same ratio as [`exact_log_ratio`], but `Method::SingleValue`, so that run
/// noise is added to it instead of it being taken as exact.
pub fn single_value_log_ratio(base: f64, head: f64) -> Result<LogRatio, StatsError> {
    value_log_ratio(base, head, Method::SingleValue)
}

fn value_log_ratio(base: f64, head: f64, method: Method) -> Result<LogRatio, StatsError> {
    for (value, side) in [(base, "base"), (head, "head")] {
        if !value.is_finite() || value < 0.0 {
            return Err(StatsError::Invalid(format!("the {side} value {value} is not a finite non-negative number")));
        }
    }
    let estimate = if base == head {
        0.0
    } else if base == 0.0 {
        return Err(StatsError::ZeroStatistic("base"));
    } else if head == 0.0 {
        return Err(StatsError::ZeroStatistic("head"));
    } else {
        (head / base).ln()
    };
    Ok(LogRatio { estimate, se: 0.0, ci: (estimate, estimate), method, n_base: 1, n_head: 1 })
}

/// Standard normal distribution.
pub(crate) fn std_normal() -> Normal {
    Normal::new(0.0, 1.0).expect("the standard normal distribution is valid")
}

/// Two-sided normal critical value `z` with `P(|Z| <= z) = confidence`.
/// Out-of-range confidences are clamped to [0, 1] (NaN counts as 1): 1 gives
/// an infinite `z`, so intervals become unbounded rather than wrong.
pub(crate) fn z_two_sided(confidence: f64) -> f64 {
    let c = if confidence.is_nan() { 1.0 } else { confidence.clamp(0.0, 1.0) };
    if c >= 1.0 {
        return f64::INFINITY;
    }
    std_normal().inverse_cdf((1.0 + c) / 2.0)
}

/// Standard error implied by a two-sided interval at `confidence`.
pub(crate) fn se_from_interval(ci: (f64, f64), confidence: f64) -> f64 {
    let z = z_two_sided(confidence);
    if ci.1 == ci.0 {
        0.0
    } else {
        (ci.1 - ci.0) / (2.0 * z)
    }
}

pub(crate) fn check_confidence(confidence: f64) -> Result<(), StatsError> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(StatsError::Invalid(format!("confidence must lie strictly between 0 and 1, got {confidence}")))
    }
}

pub(crate) fn check_estimator(estimator: Estimator) -> Result<(), StatsError> {
    match estimator {
        Estimator::Quantile(p) if !(p > 0.0 && p < 1.0) => {
            Err(StatsError::Invalid(format!("quantile must lie strictly between 0 and 1 (e.g. 0.99 for p99), got {p}")))
        }
        _ => Ok(()),
    }
}

/// Rejects empty sides, NaN, infinities and negative values: a ratio of
/// statistics is only meaningful for non-negative quantities.
pub(crate) fn check_samples(samples: &[f64], side: &'static str) -> Result<(), StatsError> {
    quantile::check_finite(samples, side)?;
    match samples.iter().position(|x| *x < 0.0) {
        None => Ok(()),
        Some(i) => Err(StatsError::Invalid(format!(
            "{side} sample #{} is {}; a ratio needs non-negative samples",
            i + 1,
            samples[i]
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options() {
        let o = CompareOptions::default();
        assert_eq!((o.confidence, o.resamples, o.seed), (0.95, 2000, 0x5EED));
    }

    #[test]
    fn z_matches_scipy() {
        // scipy.stats.norm.ppf(0.975) = 1.959963984540054
        assert!((z_two_sided(0.95) - 1.959963984540054).abs() < 1e-9);
        // scipy.stats.norm.ppf(0.995) = 2.5758293035489004
        assert!((z_two_sided(0.99) - 2.5758293035489004).abs() < 1e-9);
        assert_eq!(z_two_sided(1.0), f64::INFINITY);
    }

    #[test]
    fn exact_log_ratio_cases() {
        let r = exact_log_ratio(100.0, 110.0).unwrap();
        assert!((r.estimate - 1.1f64.ln()).abs() < 1e-15);
        assert_eq!((r.se, r.ci, r.method), (0.0, (r.estimate, r.estimate), Method::Exact));
        assert!(r.is_exact());
        assert_eq!(exact_log_ratio(0.0, 0.0).unwrap().estimate, 0.0);
        assert_eq!(exact_log_ratio(0.0, 3.0), Err(StatsError::ZeroStatistic("base")));
        assert_eq!(exact_log_ratio(3.0, 0.0), Err(StatsError::ZeroStatistic("head")));
        assert!(matches!(exact_log_ratio(f64::NAN, 1.0), Err(StatsError::Invalid(_))));
        assert!(matches!(exact_log_ratio(-1.0, 1.0), Err(StatsError::Invalid(_))));
    }

    #[test]
    fn log_ratio_rejects_bad_input() {
        let o = CompareOptions::default();
        let x = [1.0, 2.0, 3.0];
        assert_eq!(log_ratio(&[], &x, Estimator::Mean, &o), Err(StatsError::Empty("base")));
        assert_eq!(log_ratio(&x, &[], Estimator::Median, &o), Err(StatsError::Empty("head")));
        for bad in [f64::NAN, f64::INFINITY, -1.0] {
            let e = log_ratio(&x, &[1.0, bad], Estimator::Mean, &o).unwrap_err();
            assert!(matches!(e, StatsError::Invalid(ref m) if m.contains("head sample #2")), "{e}");
        }
        let bad_q = log_ratio(&x, &x, Estimator::Quantile(1.0), &o).unwrap_err();
        assert!(matches!(bad_q, StatsError::Invalid(_)));
        let bad_c = CompareOptions { confidence: 1.0, ..o };
        assert!(log_ratio(&x, &x, Estimator::Mean, &bad_c).is_err());
    }

    #[test]
    fn method_serializes_with_its_parameters() {
        let m = Method::Bootstrap { resamples: 2000, seed: 7 };
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"name":"bootstrap","resamples":2000,"seed":7}"#);
        assert_eq!(serde_json::to_string(&Method::HodgesLehmann).unwrap(), r#"{"name":"hodges-lehmann"}"#);
    }
}
