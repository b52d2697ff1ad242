//! Hodges–Lehmann shift of log values with the Moses rank interval.

use super::{se_from_interval, z_two_sided, LogRatio, Method, StatsError};

/// Below this size per side and without ties, the interval uses the exact
/// null distribution of the Mann–Whitney U (as R's `wilcox.test` does).
const EXACT_BELOW: usize = 50;

/// Hodges–Lehmann estimate of the shift of log values (Hodges & Lehmann 1963):
/// the median of all `n * m` differences `ln h_j - ln b_i`, with the
/// distribution-free confidence interval of Moses (1965; Hollander & Wolfe
/// 1999, §4.3): `[D(k), D(nm + 1 - k)]` of the sorted differences, `k` the
/// lower critical value of the Mann–Whitney U (Mann & Whitney 1947). `k` comes
/// from the exact null distribution when both sides have fewer than 50 samples
/// and there are no ties, else from the normal approximation of U with tie
/// correction and continuity correction. When even the extreme differences
/// cannot reach the confidence (tiny samples), the interval is unbounded.
/// Samples must be strictly positive; the caller checked they are finite.
pub(crate) fn hodges_lehmann(base: &[f64], head: &[f64], confidence: f64) -> Result<LogRatio, StatsError> {
    for (samples, side) in [(base, "base"), (head, "head")] {
        if let Some(i) = samples.iter().position(|x| *x <= 0.0) {
            return Err(StatsError::Invalid(format!(
                "{side} sample #{} is {}; the median comparison (Hodges–Lehmann on log values) \
                 needs strictly positive samples",
                i + 1,
                samples[i]
            )));
        }
    }
    let log_base: Vec<f64> = base.iter().map(|x| x.ln()).collect();
    let log_head: Vec<f64> = head.iter().map(|x| x.ln()).collect();
    let mut diffs = Vec::with_capacity(base.len() * head.len());
    for h in &log_head {
        diffs.extend(log_base.iter().map(|b| h - b));
    }
    let pairs = diffs.len();
    let k = rank_index(&log_base, &log_head, confidence);
    // 0-based positions: the median (two middle ones) and, if bounded, the
    // interval's D(k) and D(pairs + 1 - k).
    let mut wanted = vec![(pairs - 1) / 2, pairs / 2];
    if k > 0 {
        wanted.extend([k - 1, pairs - k]);
    }
    wanted.sort_unstable();
    wanted.dedup();
    let values = select_many(&mut diffs, &wanted);
    let at = |i: usize| values[wanted.binary_search(&i).expect("position was selected")];
    let estimate = 0.5 * (at((pairs - 1) / 2) + at(pairs / 2));
    let ci = if k > 0 { (at(k - 1), at(pairs - k)) } else { (f64::NEG_INFINITY, f64::INFINITY) };
    Ok(LogRatio {
        estimate,
        se: se_from_interval(ci, confidence),
        ci,
        method: Method::HodgesLehmann,
        n_base: base.len(),
        n_head: head.len(),
    })
}

/// 1-based rank `k` of the lower interval bound among the sorted pairwise
/// differences, so that `P(U <= k - 1) <= (1 - confidence) / 2` under the
/// null; 0 when no `k` reaches that (the interval is then unbounded).
fn rank_index(log_base: &[f64], log_head: &[f64], confidence: f64) -> usize {
    let (m, n) = (log_base.len(), log_head.len());
    let mut pooled: Vec<f64> = log_base.iter().chain(log_head).copied().collect();
    pooled.sort_unstable_by(f64::total_cmp);
    let ties = tie_sum(&pooled);
    let tail = (1.0 - confidence) / 2.0;
    if m < EXACT_BELOW && n < EXACT_BELOW && ties == 0.0 {
        let cdf = mann_whitney_lower_cdf(m, n);
        // k - 1 = the largest u with P(U <= u) <= tail.
        return cdf.iter().take_while(|&&p| p <= tail).count();
    }
    let pairs = (m * n) as f64;
    let total = (m + n) as f64;
    let var = pairs / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)));
    let k = (pairs / 2.0 - z_two_sided(confidence) * var.max(0.0).sqrt()).round();
    if k < 1.0 {
        0
    } else {
        k as usize
    }
}

/// `sum(t^3 - t)` over groups of `t` tied values in sorted data: the tie
/// correction of the rank-sum variance (Lehmann 1975, §1.4).
fn tie_sum(sorted: &[f64]) -> f64 {
    sorted
        .chunk_by(|a, b| a == b)
        .map(|g| {
            let t = g.len() as f64;
            t * t * t - t
        })
        .sum()
}

/// Exact null CDF `P(U <= u)` of the Mann–Whitney U for samples of sizes `m`
/// and `n` without ties, for `u` up to `m n / 2`. The counts of U are the
/// coefficients of the Gaussian binomial `[m + n choose m]_q =
/// prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i)` (Andrews 1976, ch. 3), built here
/// factor by factor in exact integers.
fn mann_whitney_lower_cdf(m: usize, n: usize) -> Vec<f64> {
    let top = m * n / 2;
    let mut counts = vec![0i128; top + 1];
    counts[0] = 1;
    let mut total: i128 = 1;
    for i in 1..=m {
        for u in i..=top {
            counts[u] += counts[u - i];
        }
        for u in (n + i..=top).rev() {
            counts[u] -= counts[u - n - i];
        }
        total = total * (n + i) as i128 / i as i128;
    }
    let mut cumulative = 0i128;
    counts
        .iter()
        .map(|c| {
            cumulative += c;
            cumulative as f64 / total as f64
        })
        .collect()
}

/// Values at the sorted, distinct 0-based `positions` of `buf` in sorted
/// order, by recursive selection (reorders `buf`).
fn select_many(buf: &mut [f64], positions: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; positions.len()];
    select_into(buf, 0, positions, &mut out);
    out
}

fn select_into(buf: &mut [f64], offset: usize, positions: &[usize], out: &mut [f64]) {
    if positions.is_empty() {
        return;
    }
    let mid = positions.len() / 2;
    let local = positions[mid] - offset;
    let (below, value, above) = buf.select_nth_unstable_by(local, f64::total_cmp);
    out[mid] = *value;
    let (out_below, out_rest) = out.split_at_mut(mid);
    select_into(below, offset, &positions[..mid], out_below);
    select_into(above, positions[mid] + 1, &positions[mid + 1..], &mut out_rest[1..]);
}

#[cfg(test)]
#[path = "hodges_lehmann_tests.rs"]
mod tests;
