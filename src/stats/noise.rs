//! Run-to-run noise from the suite (empirical null) and tests against a budget.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::quantile::quantile_select;
use super::{std_normal, z_two_sided, LogRatio, Method};

/// Consistency constant that makes the MAD estimate a normal standard deviation.
const MAD_TO_SD: f64 = 1.4826;

/// Fewer comparisons than this cannot give a median and a spread.
const MIN_FOR_SPREAD: usize = 3;

/// Run-to-run noise that within-run samples cannot see, on the log scale.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunNoise {
    /// Shift shared by all benchmarks of the run ("the machine was slower").
    pub common_shift: f64,
    /// Standard deviation of the independent per-benchmark run shifts.
    pub between_sd: f64,
    /// Degrees of freedom of the spread estimate (infinite for a prior):
    /// intervals use Student's t with these, so a small suite is not overtrusted.
    pub degrees_of_freedom: f64,
    /// Whether the values above were estimated from the suite.
    pub from_suite: bool,
    /// Comparisons the estimate used (exact ones excluded).
    pub benchmarks: usize,
    /// `between_sd` is (at least) the benchmark's noise measured by `perfgate calibrate`.
    pub calibrated: bool,
}

impl RunNoise {
    /// Zero run noise, for exact comparisons or paired (interleaved) data.
    pub fn none() -> Self {
        RunNoise {
            common_shift: 0.0,
            between_sd: 0.0,
            degrees_of_freedom: f64::INFINITY,
            from_suite: false,
            benchmarks: 0,
            calibrated: false,
        }
    }

    /// A known (assumed) per-benchmark run noise, nothing estimated.
    pub fn prior(between_sd: f64) -> Self {
        RunNoise { between_sd, ..RunNoise::none() }
    }
}

/// Changes further than this many robust standard deviations from the
/// suite's centre are taken as real changes, not noise, when the spread is estimated.
const OUTLIER_CUTOFF: f64 = 3.5;

/// Empirical null (Efron 2004, "Large-scale simultaneous hypothesis testing";
/// Efron 2010, ch. 6): with one run per side each log ratio `d_i` carries a
/// common-mode shift plus an independent per-benchmark run shift. With at
/// least `min_suite` comparisons (and never fewer than 3):
///
/// - `common_shift = median(d_i)`, robust to the few benchmarks that really
///   changed. Its own error is not added to the intervals: a benchmark that is
///   part of the estimate moves the median with it (the covariance of `d_i`
///   and the median, `s^2 / k` by the median's influence function, outweighs
///   the median's variance, `(pi/2) s^2 / k`), so `var(d_i - median)` is
///   `s^2 (1 - 0.43 / k)` — adding the median's variance made unpaired
///   intervals 2.5 points too wide in the accuracy harness (docs/ACCURACY.md);
/// - the spread `s` is the standard deviation of the `d_i` around it after
///   setting aside those beyond 3.5 robust (MAD, Hampel 1974) standard
///   deviations — a "huberized" estimate nearly as efficient as the SD on
///   clean data, where the MAD alone wastes 63 % of a small suite;
/// - `between_sd = sqrt(max(0, s^2 - median(se_i^2)))`: the spread minus what
///   within-run error already explains, with `k' - 1` degrees of freedom.
///
/// Otherwise `common_shift = 0`, `between_sd = prior_between_sd`. `between_sd`
/// never falls below `prior_floor_sd`. Exact comparisons and unbounded
/// intervals (infinite `se`) carry no information on run noise and are left
/// out. Assumes most benchmarks did not change: a change that shifts every
/// benchmark alike is absorbed into `common_shift`.
pub fn estimate_run_noise(
    ratios: &[LogRatio],
    min_suite: usize,
    prior_between_sd: f64,
    prior_floor_sd: f64,
) -> RunNoise {
    let usable: Vec<&LogRatio> =
        ratios.iter().filter(|r| !r.is_exact() && r.se.is_finite() && r.estimate.is_finite()).collect();
    let floor = finite_or_zero(prior_floor_sd);
    if usable.is_empty() || usable.len() < min_suite.max(MIN_FOR_SPREAD) {
        return RunNoise {
            between_sd: finite_or_zero(prior_between_sd).max(floor),
            benchmarks: usable.len(),
            ..RunNoise::none()
        };
    }
    let mut d: Vec<f64> = usable.iter().map(|r| r.estimate).collect();
    let common_shift = quantile_select(&mut d, 0.5);
    let mut deviations: Vec<f64> = d.iter().map(|x| (x - common_shift).abs()).collect();
    let robust_sd = MAD_TO_SD * quantile_select(&mut deviations, 0.5);
    let kept: Vec<f64> = deviations.iter().copied().filter(|dev| *dev <= OUTLIER_CUTOFF * robust_sd).collect();
    let spread_var = kept.iter().map(|dev| dev * dev).sum::<f64>() / (kept.len().max(2) - 1) as f64;
    let mut within: Vec<f64> = usable.iter().map(|r| r.se * r.se).collect();
    let within_var = quantile_select(&mut within, 0.5);
    let between_sd = (spread_var - within_var).max(0.0).sqrt().max(floor);
    RunNoise {
        common_shift,
        between_sd,
        degrees_of_freedom: (kept.len().max(2) - 1) as f64,
        from_suite: true,
        benchmarks: usable.len(),
        calibrated: false,
    }
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 {
        x
    } else {
        0.0
    }
}

/// A comparison after accounting for run noise.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjusted {
    pub estimate: f64,
    pub se: f64,
    pub ci: (f64, f64),
    /// Degrees of freedom of `se` (infinite: normal).
    pub degrees_of_freedom: f64,
}

/// Adds run noise to a comparison: the estimate is taken relative to the
/// common shift, `se = sqrt(se^2 + between_sd^2)`
/// (independent variance components, as in a random-effects model:
/// DerSimonian & Laird 1986), and the interval is `estimate ± t se` with
/// Student's t at the noise estimate's degrees of freedom (normal for a
/// prior). Exact comparisons pass through unchanged; bucket-bound intervals
/// ([`Method::Buckets`]) keep their bounds, shifted by the common shift and
/// widened by `t between_sd` on each side.
pub fn adjust(ratio: &LogRatio, noise: &RunNoise, confidence: f64) -> Adjusted {
    if ratio.is_exact() {
        return Adjusted { estimate: ratio.estimate, se: 0.0, ci: ratio.ci, degrees_of_freedom: f64::INFINITY };
    }
    let estimate = ratio.estimate - noise.common_shift;
    let se = ratio.se.hypot(noise.between_sd);
    if ratio.method == Method::Buckets {
        // A bounding interval is shifted and widened by the run noise, never re-centred on the estimate.
        let half = t_two_sided(confidence, noise.degrees_of_freedom) * noise.between_sd;
        let ci = (ratio.ci.0 - noise.common_shift - half, ratio.ci.1 - noise.common_shift + half);
        return Adjusted { estimate, se, ci, degrees_of_freedom: noise.degrees_of_freedom };
    }
    let half = if se == 0.0 { 0.0 } else { t_two_sided(confidence, noise.degrees_of_freedom) * se };
    Adjusted { estimate, se, ci: (estimate - half, estimate + half), degrees_of_freedom: noise.degrees_of_freedom }
}

/// Two-sided critical value of Student's t (normal when `df` is infinite).
fn t_two_sided(confidence: f64, df: f64) -> f64 {
    if !df.is_finite() {
        return z_two_sided(confidence);
    }
    let c = if confidence.is_nan() { 1.0 } else { confidence.clamp(0.0, 1.0) };
    match StudentsT::new(0.0, 1.0, df.max(1.0)) {
        Ok(t) if c < 1.0 => t.inverse_cdf((1.0 + c) / 2.0),
        _ => f64::INFINITY,
    }
}

/// One-sided p-value that the true log change lies beyond `threshold` in the
/// worse direction — a test of a shifted null (the budget), not of zero
/// (Wellek 2010, ch. 2, on non-inferiority tests): H0 `change <= threshold`
/// when `worse_is_up`, else H0 `change >= threshold`; Student's t at the
/// adjusted degrees of freedom (normal when infinite) from the estimate and se. For `se == 0` (exact): 0 when strictly
/// beyond, else 1. An infinite se gives 0.5 (no information); NaN input
/// gives 1 (no evidence), never NaN.
pub fn p_value_beyond(adjusted: &Adjusted, threshold: f64, worse_is_up: bool) -> f64 {
    let excess = if worse_is_up { adjusted.estimate - threshold } else { threshold - adjusted.estimate };
    if excess.is_nan() || adjusted.se.is_nan() {
        return 1.0;
    }
    if adjusted.se == 0.0 {
        return if excess > 0.0 { 0.0 } else { 1.0 };
    }
    if adjusted.se.is_infinite() {
        return 0.5;
    }
    let z = excess / adjusted.se;
    match StudentsT::new(0.0, 1.0, adjusted.degrees_of_freedom.max(1.0)) {
        Ok(t) if adjusted.degrees_of_freedom.is_finite() => t.sf(z),
        _ => std_normal().sf(z),
    }
}

#[cfg(test)]
#[path = "noise_tests.rs"]
mod tests;
