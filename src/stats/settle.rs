//! How much more measuring would settle an inconclusive comparison.

use statrs::distribution::ContinuousCDF;

use super::{adjust, std_normal, z_two_sided, LogRatio, Method, RunNoise};

/// Below this distance to the threshold (on the log scale, about 0.1 %), no
/// realistic amount of measuring settles a comparison.
const TOO_CLOSE: f64 = 1e-3;

/// Probability that a comparison of the recommended size settles, if the
/// current estimate is the truth.
const TARGET_POWER: f64 = 0.8;

/// What would settle an inconclusive comparison.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Settle {
    /// Samples per side (base and head alike) for a rerun.
    Samples { per_side: usize },
    /// Run-to-run noise alone is too large: more samples in the same run
    /// cannot settle it; rerun in (interleaved) rounds.
    NeedsRounds,
    /// Interleaved rounds in all (paired comparisons: the rounds are the replicates).
    Rounds { rounds: usize },
    /// The estimate sits essentially on the threshold.
    TooClose,
}

/// Rough sample size to settle a comparison, by the usual normal sample-size
/// formula (Chow, Shao & Wang 2008, §3.1): the adjusted standard error must
/// shrink to `gap / (z + z_power)`, `gap = |estimate - threshold|` after
/// removing the common shift, so that the interval excludes the threshold
/// with probability 0.8 if the estimate is right (with `z` alone the
/// interval would land on either side half of the time). The within-run
/// variance scales as `1/n_base + 1/n_head`; the between-run variance
/// `between_sd^2` does not shrink with samples, so when it alone exceeds the
/// target the answer is [`Settle::NeedsRounds`]. A gap under 1e-3 is
/// [`Settle::TooClose`]. An already-settled or exact comparison returns at
/// most its current size; an unbounded interval (too few samples for any
/// interval) cannot be extrapolated and asks for double the samples, at
/// least 10. A paired comparison answers in rounds ([`Settle::Rounds`], at
/// least 6, the fewest for which a 95 % signed-rank interval exists).
pub fn samples_to_settle(ratio: &LogRatio, noise: &RunNoise, threshold: f64, confidence: f64) -> Settle {
    let adjusted = adjust(ratio, noise, confidence);
    let gap = (adjusted.estimate - threshold).abs();
    // NaN (no estimate) counts as too close, too.
    if gap.is_nan() || gap < TOO_CLOSE {
        return Settle::TooClose;
    }
    let current = ratio.n_base.max(ratio.n_head).max(1);
    if ratio.is_exact() || ratio.se == 0.0 {
        return Settle::Samples { per_side: current };
    }
    let target_se = gap / (z_two_sided(confidence) + std_normal().inverse_cdf(TARGET_POWER));
    let target_var = target_se * target_se - noise.between_sd * noise.between_sd;
    if target_var <= 0.0 {
        return Settle::NeedsRounds;
    }
    if let Method::Paired { rounds } = ratio.method {
        // The paired standard error shrinks as 1/sqrt(rounds); too few rounds for any interval: double them.
        let needed = if ratio.se.is_finite() {
            (rounds as f64 * ratio.se * ratio.se / target_var).ceil() as usize
        } else {
            2 * rounds
        };
        return Settle::Rounds { rounds: needed.max(6) };
    }
    if !ratio.se.is_finite() {
        return Settle::Samples { per_side: (2 * current).max(10) };
    }
    // se^2 = c (1/n_base + 1/n_head); with k per side it becomes c 2 / k.
    let harmonic = 1.0 / ratio.n_base.max(1) as f64 + 1.0 / ratio.n_head.max(1) as f64;
    let per_unit = ratio.se * ratio.se / harmonic;
    let k = (2.0 * per_unit / target_var).ceil();
    Settle::Samples { per_side: (k as usize).max(2) }
}

#[cfg(test)]
#[path = "settle_tests.rs"]
mod tests;
