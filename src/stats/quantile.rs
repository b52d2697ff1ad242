//! Point statistics and intervals of a statistic itself (absolute budgets).

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, StudentsT};

use super::{check_confidence, check_estimator, Estimator, StatsError};

/// Point value of the statistic. Quantiles (and the median) are Hyndman & Fan
/// (1996) type 7, numpy's default `'linear'` method: with `h = (n - 1) p`, the
/// value interpolates linearly between order statistics `floor(h)` and
/// `floor(h) + 1` (0-based). Computed by selection (Hoare's quickselect via
/// `select_nth_unstable`), not a full sort. Samples must be finite.
pub fn statistic(samples: &[f64], estimator: Estimator) -> Result<f64, StatsError> {
    check_estimator(estimator)?;
    check_finite(samples, "measured")?;
    Ok(match estimator {
        Estimator::Mean | Estimator::Min | Estimator::Max => statistic_in_place(&mut [], samples, estimator),
        Estimator::Median | Estimator::Quantile(_) => {
            let mut buf = samples.to_vec();
            statistic_in_place(&mut buf, samples, estimator)
        }
    })
}

/// The statistic of `samples` (non-empty); quantiles are selected in `buf`,
/// which the caller fills with the samples (and may reuse), others read
/// `samples` directly.
pub(crate) fn statistic_in_place(buf: &mut [f64], samples: &[f64], estimator: Estimator) -> f64 {
    match estimator {
        Estimator::Mean => samples.iter().sum::<f64>() / samples.len() as f64,
        Estimator::Min => samples.iter().copied().fold(f64::INFINITY, f64::min),
        Estimator::Max => samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Estimator::Median => quantile_select(buf, 0.5),
        Estimator::Quantile(p) => quantile_select(buf, p),
    }
}

/// Hyndman–Fan type 7 quantile of an unsorted, non-empty buffer, by selection
/// (the buffer is reordered).
pub(crate) fn quantile_select(buf: &mut [f64], p: f64) -> f64 {
    let (k, frac) = type7_position(buf.len(), p);
    let (_, kth, above) = buf.select_nth_unstable_by(k, f64::total_cmp);
    let low = *kth;
    if frac == 0.0 || above.is_empty() {
        return low;
    }
    let high = above.iter().copied().fold(f64::INFINITY, f64::min);
    low + frac * (high - low)
}

/// Hyndman & Fan (1996) type 7 quantile of already sorted data (numpy's
/// default `'linear'`). `p` is clamped to [0, 1]; empty input or a NaN `p`
/// gives NaN ([`statistic`] checks both and is the safer entry point).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() || p.is_nan() {
        return f64::NAN;
    }
    let (k, frac) = type7_position(sorted.len(), p);
    let low = sorted[k];
    if frac == 0.0 || k + 1 == sorted.len() {
        return low;
    }
    low + frac * (sorted[k + 1] - low)
}

/// 0-based index of the lower order statistic and the interpolation weight.
pub(crate) fn type7_position(n: usize, p: f64) -> (usize, f64) {
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let k = (h.floor() as usize).min(n - 1);
    (k, h - k as f64)
}

/// Distribution-free confidence interval of the population `p`-quantile from
/// order statistics (Thompson 1936; David & Nagaraja 2003, §7.1): the number
/// of samples below the quantile is Binomial(n, p), so `[X(l), X(u)]` covers it
/// with probability `P(l <= B < u)`. Each tail is kept at or below
/// `(1 - confidence) / 2` (equal-tailed as the discrete binomial allows, with
/// coverage >= confidence); a tail stays at its nominal size even when the
/// other bound does not exist, so that a `fail` resting on one bound has the
/// same error rate at every sample size. A bound the sample cannot provide
/// is -inf / +inf: p99 of 50 samples has no finite upper bound, and `p = 0`
/// (`1`) gives `(-inf, min)` (`(max, +inf)`). Empty input or a NaN
/// `p` gives `(-inf, +inf)`; `p` and `confidence` are clamped to [0, 1], a
/// NaN confidence counts as 1.
pub fn quantile_interval(sorted: &[f64], p: f64, confidence: f64) -> (f64, f64) {
    let n = sorted.len();
    if n == 0 || p.is_nan() {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    let (l, u) = order_statistic_ranks(n, p, confidence);
    let lo = if l == 0 { f64::NEG_INFINITY } else { sorted[l - 1] };
    let hi = if u == n + 1 { f64::INFINITY } else { sorted[u - 1] };
    (lo.min(hi), hi.max(lo))
}

/// The 1-based ranks `(l, u)` of the order statistics that bound the
/// `p`-quantile of `n > 0` samples with [`quantile_interval`]'s rule; `l = 0`
/// means no lower bound, `u = n + 1` no upper bound. Histogram-backed series
/// map these ranks to bucket bounds.
pub fn order_statistic_ranks(n: usize, p: f64, confidence: f64) -> (usize, usize) {
    let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
    let tail = if confidence.is_nan() { 0.0 } else { (1.0 - confidence.clamp(0.0, 1.0)) / 2.0 };
    let binom = Binomial::new(p, n as u64).expect("p is in [0, 1]");
    // l in 0..=n: the lower bound X(l) misses when B < l, probability F(l - 1).
    let l = last_true(0, n, |l| l == 0 || binom.cdf(l as u64 - 1) <= tail);
    // u in 1..=n+1: the upper bound X(u) misses when B >= u, probability sf(u - 1).
    let u = first_true(1, n + 1, |u| u == n + 1 || binom.sf(u as u64 - 1) <= tail);
    (l, u)
}

/// Largest `i` in `[lo, hi]` with `pred(i)`, for a predicate true up to some
/// point and false after; `pred(lo)` must hold.
fn last_true(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if pred(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// Smallest `i` in `[lo, hi]` with `pred(i)`, for a predicate false up to some
/// point and true after; `pred(hi)` must hold.
fn first_true(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

/// Interval of the statistic itself, for absolute budgets.
///
/// - `Median`, `Quantile`: the distribution-free order-statistic interval,
///   [`quantile_interval`].
/// - `Mean`: Student's t interval `mean ± t(n-1) s / sqrt(n)` (Student 1908);
///   one sample gives `(-inf, +inf)`.
/// - `Min`, `Max`: the population extreme is only bounded on one side by data:
///   the true minimum is at most the observed one, and nothing in a finite
///   sample bounds it from below, so `Min` gives `(-inf, observed min)` and
///   `Max` gives `(observed max, +inf)` — the `p = 0` / `p = 1` limits of
///   [`quantile_interval`]. A `max` budget on `Max` can thus fail but never
///   pass on data, which is the honest answer.
pub fn statistic_interval(samples: &[f64], estimator: Estimator, confidence: f64) -> Result<(f64, f64), StatsError> {
    check_confidence(confidence)?;
    check_estimator(estimator)?;
    check_finite(samples, "measured")?;
    let p = match estimator {
        Estimator::Mean => return Ok(mean_t_interval(samples, confidence)),
        Estimator::Min => 0.0,
        Estimator::Max => 1.0,
        Estimator::Median => 0.5,
        Estimator::Quantile(p) => p,
    };
    let mut sorted = samples.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    Ok(quantile_interval(&sorted, p, confidence))
}

/// Student's t interval of the mean of non-empty samples.
fn mean_t_interval(samples: &[f64], confidence: f64) -> (f64, f64) {
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let var = if samples.len() < 2 { 0.0 } else { samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) };
    mean_t_interval_of(samples.len() as u64, mean, var.sqrt(), confidence)
}

/// Student's t interval `mean ± t(n-1) sd / sqrt(n)`; one value gives `(-inf, +inf)`.
pub(crate) fn mean_t_interval_of(n: u64, mean: f64, sd: f64, confidence: f64) -> (f64, f64) {
    if n < 2 {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    if sd == 0.0 {
        return (mean, mean);
    }
    let n = n as f64;
    let t = StudentsT::new(0.0, 1.0, n - 1.0).expect("degrees of freedom are positive");
    let half = t.inverse_cdf((1.0 + confidence) / 2.0) * sd / n.sqrt();
    (mean - half, mean + half)
}

/// Rejects empty input, NaN and infinities.
pub(crate) fn check_finite(samples: &[f64], side: &'static str) -> Result<(), StatsError> {
    if samples.is_empty() {
        return Err(StatsError::Empty(side));
    }
    match samples.iter().position(|x| !x.is_finite()) {
        None => Ok(()),
        Some(i) => Err(StatsError::Invalid(format!(
            "{side} sample #{} is {}; samples must be finite numbers",
            i + 1,
            samples[i]
        ))),
    }
}

#[cfg(test)]
#[path = "quantile_tests.rs"]
mod tests;
