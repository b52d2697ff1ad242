//! Run-to-run noise from the suite (empirical null) and tests against a budget.

use statrs::distribution::ContinuousCDF;

use super::quantile::quantile_select;
use super::{std_normal, z_two_sided, LogRatio};

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
    /// Whether the two values above were estimated from the suite.
    pub from_suite: bool,
    /// Comparisons the estimate used (exact ones excluded).
    pub benchmarks: usize,
}

impl RunNoise {
    /// Zero run noise, for exact comparisons or paired (interleaved) data.
    pub fn none() -> Self {
        RunNoise { common_shift: 0.0, between_sd: 0.0, from_suite: false, benchmarks: 0 }
    }
}

/// Empirical null (Efron 2004, "Large-scale simultaneous hypothesis testing";
/// Efron 2010, ch. 6): with one run per side each log ratio `d_i` carries a
/// common-mode shift plus an independent per-benchmark run shift. With at
/// least `min_suite` comparisons (and never fewer than 3),
/// `common_shift = median(d_i)` and
/// `between_sd = sqrt(max(0, (1.4826 MAD(d_i))^2 - median(se_i^2)))` — the
/// robust spread (Hampel 1974) minus what within-run error already explains.
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
            common_shift: 0.0,
            between_sd: finite_or_zero(prior_between_sd).max(floor),
            from_suite: false,
            benchmarks: usable.len(),
        };
    }
    let mut d: Vec<f64> = usable.iter().map(|r| r.estimate).collect();
    let common_shift = quantile_select(&mut d, 0.5);
    let mut deviations: Vec<f64> = d.iter().map(|x| (x - common_shift).abs()).collect();
    let spread = MAD_TO_SD * quantile_select(&mut deviations, 0.5);
    let mut within: Vec<f64> = usable.iter().map(|r| r.se * r.se).collect();
    let within_var = quantile_select(&mut within, 0.5);
    RunNoise {
        common_shift,
        between_sd: (spread * spread - within_var).max(0.0).sqrt().max(floor),
        from_suite: true,
        benchmarks: usable.len(),
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
}

/// Adds run noise to a comparison: the estimate is taken relative to the
/// common shift, `se = sqrt(se^2 + between_sd^2)` (independent variance
/// components, as in a random-effects model: DerSimonian & Laird 1986), and
/// the interval is the normal one, `estimate ± z se`. Exact comparisons pass
/// through unchanged. The uncertainty of the common shift itself (of order
/// `between_sd / sqrt(benchmarks)`) is neglected.
pub fn adjust(ratio: &LogRatio, noise: &RunNoise, confidence: f64) -> Adjusted {
    if ratio.is_exact() {
        return Adjusted { estimate: ratio.estimate, se: 0.0, ci: ratio.ci };
    }
    let estimate = ratio.estimate - noise.common_shift;
    let se = ratio.se.hypot(noise.between_sd);
    let half = if se == 0.0 { 0.0 } else { z_two_sided(confidence) * se };
    Adjusted { estimate, se, ci: (estimate - half, estimate + half) }
}

/// One-sided p-value that the true log change lies beyond `threshold` in the
/// worse direction — a test of a shifted null (the budget), not of zero
/// (Wellek 2010, ch. 2, on non-inferiority tests): H0 `change <= threshold`
/// when `worse_is_up`, else H0 `change >= threshold`; normal approximation
/// from the adjusted estimate and se. For `se == 0` (exact): 0 when strictly
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
    std_normal().sf(excess / adjusted.se)
}

#[cfg(test)]
#[path = "noise_tests.rs"]
mod tests;
