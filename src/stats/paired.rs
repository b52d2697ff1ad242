//! Paired comparison of interleaved rounds. Base and head ran in the same
//! rounds on the same machine, so a slow spell that hits a round hits both
//! sides: the per-round log ratio `d_r = ln(head_r / base_r)` of the KPI
//! statistic cancels it, and the rounds become the replicates. The estimate is
//! the one-sample Hodges–Lehmann estimator (median of the Walsh averages
//! `(d_i + d_j) / 2, i <= j`) with the distribution-free interval from the exact
//! Wilcoxon signed-rank distribution (Hollander & Wolfe 1999, *Nonparametric
//! Statistical Methods*, §3.2), which needs only symmetry of `d_r` — not
//! normality — and resists a round spoiled by a burst of noise.

use super::{std_normal, z_two_sided, LogRatio, Method, StatsError};
use statrs::distribution::ContinuousCDF;

/// Above this many rounds the signed-rank distribution is taken as normal.
const EXACT_UP_TO: usize = 200;

/// Paired log ratio from per-round statistics of each side (same length, same round order).
pub fn paired_log_ratio(base_rounds: &[f64], head_rounds: &[f64], confidence: f64) -> Result<LogRatio, StatsError> {
    if base_rounds.len() != head_rounds.len() {
        return Err(StatsError::Invalid(format!(
            "{} base rounds against {} head rounds",
            base_rounds.len(),
            head_rounds.len()
        )));
    }
    let mut d = Vec::with_capacity(base_rounds.len());
    for (b, h) in base_rounds.iter().zip(head_rounds) {
        if !(b.is_finite() && h.is_finite() && *b > 0.0 && *h > 0.0) {
            return Err(StatsError::Invalid(format!(
                "round statistics must be positive and finite, found {b} and {h}"
            )));
        }
        d.push((h / b).ln());
    }
    if d.len() < 2 {
        return Err(StatsError::Invalid("a paired comparison needs at least 2 rounds".into()));
    }
    let mut walsh: Vec<f64> = Vec::with_capacity(d.len() * (d.len() + 1) / 2);
    for i in 0..d.len() {
        for j in i..d.len() {
            walsh.push((d[i] + d[j]) / 2.0);
        }
    }
    walsh.sort_by(f64::total_cmp);
    let estimate = median_sorted(&walsh);
    let ci = match signed_rank_depth(d.len(), confidence) {
        Some(depth) => (walsh[depth - 1], walsh[walsh.len() - depth]),
        None => (f64::NEG_INFINITY, f64::INFINITY),
    };
    let z = z_two_sided(confidence);
    let se = if ci.0.is_finite() { (ci.1 - ci.0) / (2.0 * z) } else { f64::INFINITY };
    Ok(LogRatio { estimate, se, ci, method: Method::Paired { rounds: d.len() }, n_base: d.len(), n_head: d.len() })
}

fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The 1-based depth `C` into the sorted Walsh averages whose interval
/// `[W_(C), W_(M+1-C)]` covers with at least `confidence`: the largest `C` with
/// `P(T+ <= C - 1) <= (1 - confidence) / 2` under the null. None when even the
/// extreme averages do not reach the confidence (too few rounds).
pub fn signed_rank_depth(n: usize, confidence: f64) -> Option<usize> {
    let alpha_half = (1.0 - confidence) / 2.0;
    let total = n * (n + 1) / 2;
    if n > EXACT_UP_TO {
        let mean = total as f64 / 2.0;
        let sd = ((n * (n + 1) * (2 * n + 1)) as f64 / 24.0).sqrt();
        let c = (mean - std_normal().inverse_cdf(1.0 - alpha_half) * sd).floor() as usize;
        return (c >= 1).then_some(c);
    }
    let cdf = signed_rank_cdf(n);
    // P(T+ <= C - 1) = cdf[C - 1]; find the largest C >= 1 with cdf[C - 1] <= alpha/2.
    let depth = (1..=total).take_while(|&c| cdf[c - 1] <= alpha_half).last()?;
    Some(depth)
}

/// Null distribution of the signed-rank statistic for `n` untied ranks: `cdf[w] = P(T+ <= w)`.
fn signed_rank_cdf(n: usize) -> Vec<f64> {
    let total = n * (n + 1) / 2;
    // counts[w] = number of subsets of {1..n} with sum w, built one rank at a time.
    let mut counts = vec![0.0f64; total + 1];
    counts[0] = 1.0;
    for rank in 1..=n {
        for w in (rank..=total).rev() {
            counts[w] += counts[w - rank];
        }
    }
    let subsets = 2f64.powi(n as i32);
    let mut running = 0.0;
    counts
        .iter()
        .map(|c| {
            running += c / subsets;
            running
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_rank_critical_depths_match_brute_force_enumeration() {
        // Independent reference: enumerate all 2^n sign assignments in Python,
        //   cdf = np.cumsum(np.bincount([sum(r for r, s in zip(range(1, n+1), signs) if s)
        //                                for signs in itertools.product([0, 1], repeat=n)])) / 2**n
        //   depth = max(c for c in range(1, len(cdf)+1) if cdf[c-1] <= 0.025)
        // n = 6 -> 1, n = 8 -> 4, n = 10 -> 9, n = 12 -> 14, n = 20 -> 53; n = 5 -> none.
        assert_eq!(signed_rank_depth(5, 0.95), None);
        assert_eq!(signed_rank_depth(6, 0.95), Some(1));
        assert_eq!(signed_rank_depth(8, 0.95), Some(4));
        assert_eq!(signed_rank_depth(10, 0.95), Some(9));
        assert_eq!(signed_rank_depth(12, 0.95), Some(14));
        assert_eq!(signed_rank_depth(20, 0.95), Some(53));
        // The normal approximation continues the exact values smoothly.
        let exact = signed_rank_depth(200, 0.95).unwrap() as f64;
        let approx = signed_rank_depth(201, 0.95).unwrap() as f64;
        assert!((approx / exact - 1.0).abs() < 0.02, "{exact} vs {approx}");
    }

    #[test]
    fn paired_estimate_and_interval_on_known_data() {
        // d = ln(head/base) = [0.01, 0.03, 0.02, 0.05, 0.04, 0.02, 0.03, 0.06] (8 rounds);
        // Walsh averages: np.sort([(d[i]+d[j])/2 for i in range(8) for j in range(i, 8)]);
        // median -> 0.03; depth 4 -> interval [W_4, W_33] = [0.02, 0.05].
        let d = [0.01, 0.03, 0.02, 0.05, 0.04, 0.02, 0.03, 0.06];
        let base = vec![100.0; 8];
        let head: Vec<f64> = d.iter().map(|x: &f64| 100.0 * x.exp()).collect();
        let ratio = paired_log_ratio(&base, &head, 0.95).unwrap();
        assert!((ratio.estimate - 0.03).abs() < 1e-12, "{ratio:?}");
        assert!((ratio.ci.0 - 0.02).abs() < 1e-12 && (ratio.ci.1 - 0.05).abs() < 1e-12, "{ratio:?}");
        assert_eq!(ratio.method, Method::Paired { rounds: 8 });
    }

    #[test]
    fn few_rounds_give_an_unbounded_interval_and_bad_input_an_error() {
        let ratio = paired_log_ratio(&[1.0, 1.0, 1.0], &[1.1, 1.2, 1.1], 0.95).unwrap();
        assert!(ratio.ci.0.is_infinite() && ratio.se.is_infinite());
        assert!(paired_log_ratio(&[1.0], &[1.0], 0.95).is_err());
        assert!(paired_log_ratio(&[1.0, 0.0], &[1.0, 1.0], 0.95).is_err());
        assert!(paired_log_ratio(&[1.0, 2.0], &[1.0], 0.95).is_err());
    }

    #[test]
    fn coverage_is_nominal_under_round_shifts_that_hit_both_sides() {
        use crate::stats::test_support::{lognormal, rng};
        // 10 rounds; each round shifts both sides by a common N(0, 5 %) factor; true change +4 %.
        let truth = 1.04f64.ln();
        let mut covered = 0;
        for seed in 0..1000 {
            let mut rng = rng(50_000 + seed);
            let shifts = lognormal(&mut rng, 10, 0.0, 0.05);
            let base: Vec<f64> = shifts.iter().map(|s| s * lognormal(&mut rng, 1, 0.0, 0.01)[0]).collect();
            let head: Vec<f64> =
                shifts.iter().map(|s| s * truth.exp() * lognormal(&mut rng, 1, 0.0, 0.01)[0]).collect();
            let ratio = paired_log_ratio(&base, &head, 0.95).unwrap();
            covered += usize::from(ratio.ci.0 <= truth && truth <= ratio.ci.1);
        }
        // Exact signed-rank coverage for n = 10 at depth 9 is 1 - 2 P(T+ <= 8) = 0.9512.
        assert!((930..=970).contains(&covered), "covered {covered} of 1000");
    }
}
