//! Paired comparison of interleaved rounds. Base and head ran in the same
//! rounds on the same machine, so a slow spell that hits a round hits both
//! sides: the per-round log ratio `d_r = ln(head_r / base_r)` of the KPI
//! statistic cancels it, and the rounds become the replicates. The estimate is
//! the one-sample Hodges–Lehmann estimator (median of the Walsh averages
//! `(d_i + d_j) / 2, i <= j`) with the distribution-free interval from the exact
//! Wilcoxon signed-rank distribution (Hollander & Wolfe 1999, *Nonparametric
//! Statistical Methods*, §3.2), which needs only symmetry of `d_r` — not
//! normality — and resists a round spoiled by a burst of noise.

use std::cell::RefCell;
use std::rc::Rc;

use super::{std_normal, z_two_sided, LogRatio, Method, StatsError};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Above this many rounds the signed-rank distribution is taken as normal.
const EXACT_UP_TO: usize = 200;

/// Paired log ratio from per-round statistics of each side (same length, same round order).
pub fn paired_log_ratio(base_rounds: &[f64], head_rounds: &[f64], confidence: f64) -> Result<LogRatio, StatsError> {
    Ok(paired_log_ratio_of_changes(&round_log_ratios(base_rounds, head_rounds)?, confidence))
}

/// Paired log ratio from the per-round log ratios `d` of [`round_log_ratios`].
pub fn paired_log_ratio_of_changes(d: &[f64], confidence: f64) -> LogRatio {
    let mut walsh: Vec<f64> = Vec::with_capacity(d.len() * (d.len() + 1) / 2);
    for i in 0..d.len() {
        for j in i..d.len() {
            walsh.push((d[i] + d[j]) / 2.0);
        }
    }
    // Three order statistics of the Walsh averages, each by selection (linear) rather than a sort:
    // a sequential check asks for them for every comparison at every look.
    let m = walsh.len();
    let mut order_statistic = |k: usize| *walsh.select_nth_unstable_by(k, f64::total_cmp).1;
    let estimate =
        if m % 2 == 1 { order_statistic(m / 2) } else { (order_statistic(m / 2 - 1) + order_statistic(m / 2)) / 2.0 };
    let ci = match signed_rank_depth(d.len(), confidence) {
        Some(depth) => (order_statistic(depth - 1), order_statistic(m - depth)),
        None => (f64::NEG_INFINITY, f64::INFINITY),
    };
    let z = z_two_sided(confidence);
    let se = if ci.0.is_finite() { (ci.1 - ci.0) / (2.0 * z) } else { f64::INFINITY };
    LogRatio { estimate, se, ci, method: Method::Paired { rounds: d.len() }, n_base: d.len(), n_head: d.len() }
}

/// The per-round log ratios `ln(head_r / base_r)` (same length, same round order, at least 1).
pub fn round_log_ratios(base_rounds: &[f64], head_rounds: &[f64]) -> Result<Vec<f64>, StatsError> {
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
    if d.is_empty() {
        return Err(StatsError::Invalid("a paired comparison needs at least 1 round".into()));
    }
    Ok(d)
}

/// Paired log ratio of fewer rounds than a rank interval needs, against a per-round noise
/// measured elsewhere (`perfgate calibrate` on this machine): the mean of the per-round log
/// ratios `d` with the interval `mean ± t_df · s / √r`, where `s` is the larger of
/// `per_round_sd` and the rounds' own spread (so a benchmark noisier today than when it was
/// calibrated is not overtrusted), and `df` the degrees of freedom of the calibration (Student
/// 1908; the calibration is the variance estimate, as in a pooled-variance t interval). `se`
/// is the interval's half-width over the normal `z`, so that a normal p-value from it agrees
/// with the interval.
pub fn calibrated_paired_log_ratio(d: &[f64], per_round_sd: f64, df: f64, confidence: f64) -> LogRatio {
    let r = d.len() as f64;
    let mean = d.iter().sum::<f64>() / r;
    let own = if d.len() >= 2 { (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (r - 1.0)).sqrt() } else { 0.0 };
    let sd = per_round_sd.max(own);
    let t = StudentsT::new(0.0, 1.0, df.max(1.0)).map_or(f64::INFINITY, |t| t.inverse_cdf((1.0 + confidence) / 2.0));
    let half = t * sd / r.sqrt();
    LogRatio {
        estimate: mean,
        se: half / z_two_sided(confidence),
        ci: (mean - half, mean + half),
        method: Method::PairedCalibrated { rounds: d.len() },
        n_base: d.len(),
        n_head: d.len(),
    }
}

/// One-sided p-value of the exact Wilcoxon signed-rank test (Wilcoxon 1945;
/// Hollander & Wolfe 1999, §3.1) of "the change is within the budget":
/// H0 `θ <= threshold` when `worse_is_up`, else H0 `θ >= threshold`, with `θ`
/// the centre of symmetry of the per-round log ratios `d`. The statistic is
/// the sum of the ranks of `|d_r - threshold|` over the rounds beyond the
/// threshold; its null distribution at the boundary is exact, so the p-value
/// is valid with a handful of rounds, where a normal p-value from the
/// interval's width is not (its tails are those of Student's t with few
/// degrees of freedom, and the false discovery rate rests on the smallest
/// p-values). It is the test the signed-rank interval inverts: the interval
/// lies wholly beyond the threshold exactly when this p-value is at most
/// `(1 - confidence) / 2`. Rounds exactly at the threshold are dropped; tied
/// magnitudes share their mean rank, and the statistic is rounded down
/// (conservative). Above 200 rounds, the normal approximation.
pub fn signed_rank_p_beyond(d: &[f64], threshold: f64, worse_is_up: bool) -> f64 {
    let excess: Vec<f64> = d
        .iter()
        .map(|x| if worse_is_up { x - threshold } else { threshold - x })
        .filter(|e| *e != 0.0 && !e.is_nan())
        .collect();
    let n = excess.len();
    if n == 0 {
        return 1.0;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| excess[a].abs().total_cmp(&excess[b].abs()));
    let mut statistic = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && excess[order[j + 1]].abs() == excess[order[i]].abs() {
            j += 1;
        }
        let mean_rank = (i + j + 2) as f64 / 2.0;
        statistic += mean_rank * order[i..=j].iter().filter(|&&k| excess[k] > 0.0).count() as f64;
        i = j + 1;
    }
    let observed = statistic.floor() as usize;
    if observed == 0 {
        return 1.0;
    }
    if n > EXACT_UP_TO {
        let mean = (n * (n + 1)) as f64 / 4.0;
        let sd = ((n * (n + 1) * (2 * n + 1)) as f64 / 24.0).sqrt();
        return std_normal().sf((observed as f64 - 0.5 - mean) / sd);
    }
    // P(T+ >= observed) = 1 - P(T+ <= observed - 1).
    (1.0 - signed_rank_cdf(n)[observed - 1]).max(0.0)
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
/// Built once per `n` and thread (O(n³)), then shared: a sequential check asks for it for every
/// comparison at every look.
fn signed_rank_cdf(n: usize) -> Rc<Vec<f64>> {
    thread_local! {
        static BUILT: RefCell<Vec<Option<Rc<Vec<f64>>>>> = const { RefCell::new(Vec::new()) };
    }
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        if built.len() <= n {
            built.resize(n + 1, None);
        }
        built[n].get_or_insert_with(|| Rc::new(build_signed_rank_cdf(n))).clone()
    })
}

fn build_signed_rank_cdf(n: usize) -> Vec<f64> {
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
    fn signed_rank_p_values_match_scipy() {
        // scipy 1.17: d = np.array([0.05, 0.12, -0.03, 0.08, 0.2, 0.01, 0.07, 0.15, -0.06, 0.09]);
        //   wilcoxon(d - np.log(1.03), alternative='greater', method='exact').pvalue = 0.080078125
        //   wilcoxon(np.log(1.03) - d, alternative='greater', method='exact').pvalue = 0.9345703125
        //   wilcoxon(d - np.log(0.97), alternative='less', method='exact').pvalue = 0.998046875
        // e = [0.31, 0.22, 0.4, 0.5, 0.33, 0.27, 0.45, 0.38]:
        //   wilcoxon(e - 0.1, alternative='greater', method='exact').pvalue = 0.00390625 (= 1/256)
        let d = [0.05, 0.12, -0.03, 0.08, 0.2, 0.01, 0.07, 0.15, -0.06, 0.09];
        let budget = 1.03f64.ln();
        assert!((signed_rank_p_beyond(&d, budget, true) - 0.080078125).abs() < 1e-12);
        assert!((signed_rank_p_beyond(&d.map(|x| 2.0 * budget - x), budget, true) - 0.9345703125).abs() < 1e-12);
        assert!((signed_rank_p_beyond(&d, 0.97f64.ln(), false) - 0.998046875).abs() < 1e-12);
        let e = [0.31, 0.22, 0.4, 0.5, 0.33, 0.27, 0.45, 0.38];
        assert!((signed_rank_p_beyond(&e, 0.1, true) - 0.00390625).abs() < 1e-12);
        assert_eq!(signed_rank_p_beyond(&[0.1, 0.1], 0.1, true), 1.0, "nothing beyond the threshold");
    }

    #[test]
    fn the_signed_rank_p_value_is_uniform_at_the_boundary_not_anti_conservative() {
        use crate::stats::test_support::rng;
        use rand::Rng;
        // 10 rounds of symmetric (Laplace-like) noise centred exactly on the budget:
        // P(p <= 1/1024) must be 1/1024 (the attainable level), not the ~1 % a normal
        // p-value from an interval of 10 rounds gives.
        let budget = 1.03f64.ln();
        let trials = 20_000;
        let mut smallest = 0;
        let mut below_5_percent = 0;
        let mut g = rng(77);
        for _ in 0..trials {
            let d: Vec<f64> = (0..10).map(|_| budget + 0.1 * (g.gen::<f64>() - 0.5) * g.gen::<f64>()).collect();
            let p = signed_rank_p_beyond(&d, budget, true);
            smallest += usize::from(p <= 1.0 / 1024.0 + 1e-12);
            below_5_percent += usize::from(p <= 0.05);
        }
        // Binomial(20000, 1/1024): mean 19.5, sd 4.4; P(p <= 0.05) = 0.0420 exactly for n = 10.
        assert!(smallest <= 33, "{smallest} of {trials} at the smallest p-value");
        assert!((below_5_percent as f64 / trials as f64 - 0.042).abs() < 0.006, "{below_5_percent}");
    }

    #[test]
    fn few_rounds_give_an_unbounded_interval_and_bad_input_an_error() {
        let ratio = paired_log_ratio(&[1.0, 1.0, 1.0], &[1.1, 1.2, 1.1], 0.95).unwrap();
        assert!(ratio.ci.0.is_infinite() && ratio.se.is_infinite());
        let one = paired_log_ratio(&[1.0], &[1.5], 0.95).unwrap();
        assert!(one.ci.0.is_infinite() && one.ci.1.is_infinite(), "one round has no rank interval");
        assert!(paired_log_ratio(&[], &[], 0.95).is_err());
        assert!(paired_log_ratio(&[1.0, 0.0], &[1.0, 1.0], 0.95).is_err());
        assert!(paired_log_ratio(&[1.0, 2.0], &[1.0], 0.95).is_err());
    }

    #[test]
    fn few_rounds_against_a_calibrated_noise_match_scipy() {
        // scipy.stats: t.ppf(0.975, 9) = 2.262157162798205; 0.2 ± t * 0.03 / sqrt(2)
        // = (0.15201239990227006, 0.24798760009772997); se = half / norm.ppf(0.975) = 0.024483919335380654.
        let ratio = calibrated_paired_log_ratio(&[0.18, 0.22], 0.03, 9.0, 0.95);
        assert!((ratio.estimate - 0.2).abs() < 1e-12);
        assert!((ratio.ci.0 - 0.15201239990227006).abs() < 1e-9 && (ratio.ci.1 - 0.24798760009772997).abs() < 1e-9);
        assert!((ratio.se - 0.024483919335380654).abs() < 1e-9);
        assert_eq!(ratio.method, Method::PairedCalibrated { rounds: 2 });
        // Rounds noisier than the calibration: their own spread (tstd([0.1, 0.3]) = 0.1414) widens it,
        // to 0.2 ± t * 0.1414 / sqrt(2) = (-0.026215716279820445, 0.42621571627982047).
        let noisier = calibrated_paired_log_ratio(&[0.10, 0.30], 0.03, 9.0, 0.95);
        assert!((noisier.ci.0 - -0.026215716279820445).abs() < 1e-9, "{noisier:?}");
        assert!((noisier.ci.1 - 0.42621571627982047).abs() < 1e-9, "{noisier:?}");
        // One round: the calibration alone.
        let one = calibrated_paired_log_ratio(&[0.2], 0.03, 9.0, 0.95);
        assert!((one.ci.1 - one.ci.0 - 2.0 * 2.262157162798205 * 0.03).abs() < 1e-9);
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
