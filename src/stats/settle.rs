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
mod tests {
    use super::*;
    use crate::stats::Method;

    fn ratio(estimate: f64, se: f64, n: usize) -> LogRatio {
        LogRatio {
            estimate,
            se,
            ci: (estimate - 1.96 * se, estimate + 1.96 * se),
            method: Method::HodgesLehmann,
            n_base: n,
            n_head: n,
        }
    }

    #[test]
    fn sample_size_follows_the_normal_formula() {
        // gap 0.02, z = 1.959963984540054, z_0.8 = 0.8416212335729143
        // (scipy.stats.norm.ppf(0.975), scipy.stats.norm.ppf(0.8)): target se
        // 0.02 / 2.8015852181129683 = 0.0071388...; se 0.02 at n = 10 gives
        // per_side = ceil(10 * (0.02 / 0.0071388)^2) = ceil(78.48...) = 79.
        let r = ratio(0.05, 0.02, 10);
        assert_eq!(samples_to_settle(&r, &RunNoise::none(), 0.03, 0.95), Settle::Samples { per_side: 79 });
    }

    #[test]
    fn run_noise_and_closeness() {
        let r = ratio(0.05, 0.02, 10);
        let noisy =
            RunNoise { common_shift: 0.0, between_sd: 0.01, from_suite: true, benchmarks: 50, ..RunNoise::none() };
        assert_eq!(samples_to_settle(&r, &noisy, 0.03, 0.95), Settle::NeedsRounds);
        assert_eq!(samples_to_settle(&r, &RunNoise::none(), 0.0495, 0.95), Settle::TooClose);
        // The common shift is removed before measuring the gap.
        let shifted =
            RunNoise { common_shift: 0.02, between_sd: 0.0, from_suite: true, benchmarks: 50, ..RunNoise::none() };
        assert_eq!(samples_to_settle(&r, &shifted, 0.0305, 0.95), Settle::TooClose);
        let exact = crate::stats::exact_log_ratio(100.0, 104.0).unwrap();
        assert_eq!(samples_to_settle(&exact, &noisy, 0.03, 0.95), Settle::Samples { per_side: 1 });
        let unbounded = ratio(0.05, f64::INFINITY, 2);
        assert_eq!(samples_to_settle(&unbounded, &RunNoise::none(), 0.03, 0.95), Settle::Samples { per_side: 10 });
        assert_eq!(
            serde_json::to_string(&Settle::Samples { per_side: 3 }).unwrap(),
            r#"{"kind":"samples","per_side":3}"#
        );
        assert_eq!(serde_json::to_string(&Settle::NeedsRounds).unwrap(), r#"{"kind":"needs-rounds"}"#);
    }
}
