//! Statistics of histogram-backed series (large request logs): the same
//! estimators, absolute intervals and relative comparisons as for raw
//! samples, computed from bucket counts.
//!
//! - **Point values**: quantiles are Hyndman–Fan type 7 over the bucket
//!   representatives (within 0.1 % of the exact order statistics); mean,
//!   minimum and maximum are exact (kept apart from the buckets).
//! - **Absolute intervals**: the binomial order-statistic ranks of
//!   [`super::quantile::order_statistic_ranks`] — the same rule as for raw
//!   samples — mapped to the *lower* bound of the bucket holding the lower
//!   rank and the *upper* bound of the bucket holding the upper rank, so the
//!   interval can only be wider than the exact one (by ≤ 0.2 %). Means use
//!   Student's t from the exact sum of squares.
//! - **Relative comparisons**: a rank bootstrap. In a multinomial bootstrap
//!   resample of n values, the r-th smallest resampled value is the original
//!   order statistic `X(ceil(n U))` with `U ~ Beta(r, n - r + 1)` — the r-th
//!   order statistic of n uniforms — so a resampled quantile costs one Beta
//!   draw and one binary search over the cumulative counts instead of n
//!   draws (Efron & Tibshirani 1993, §6.2, for the reweighting view). Means
//!   resample as `N(mean, sd² / n)` (the bootstrap mean's central-limit law;
//!   histogram-backed series have more than a thousand values). Seeded PCG as
//!   everywhere else, so the same input gives the same interval.

use rand::SeedableRng;
use rand_distr::{Beta, Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

use super::quantile::{mean_t_interval_of, order_statistic_ranks, type7_position};
use super::{
    check_confidence, check_estimator, se_from_interval, CompareOptions, Estimator, LogRatio, Method, StatsError,
};
use crate::model::histogram::{BucketRange, Histogram};

/// Cumulative view of a histogram for rank look-ups.
pub struct Ranked {
    ranges: Vec<BucketRange>,
    /// `cumulative[i]`: values in ranges `0..=i`.
    cumulative: Vec<u64>,
    histogram_count: u64,
    mean: f64,
    sd: f64,
    min: f64,
    max: f64,
}

impl Ranked {
    pub fn new(histogram: &Histogram) -> Result<Self, StatsError> {
        if histogram.count() == 0 {
            return Err(StatsError::Empty("measured"));
        }
        let ranges = histogram.ranges();
        let cumulative = ranges
            .iter()
            .scan(0u64, |total, r| {
                *total += r.count;
                Some(*total)
            })
            .collect();
        Ok(Ranked {
            ranges,
            cumulative,
            histogram_count: histogram.count(),
            mean: histogram.mean(),
            sd: histogram.std_dev(),
            min: histogram.min(),
            max: histogram.max(),
        })
    }

    pub fn count(&self) -> u64 {
        self.histogram_count
    }

    /// The bucket holding the 0-based `rank`-th smallest value.
    fn range_at(&self, rank: u64) -> &BucketRange {
        let index = self.cumulative.partition_point(|&c| c <= rank).min(self.ranges.len() - 1);
        &self.ranges[index]
    }

    /// Type-7 quantile with `p` in [0, 1].
    fn quantile(&self, p: f64) -> f64 {
        let (k, frac) = type7_position(self.histogram_count as usize, p);
        self.interpolated(k as u64, frac)
    }

    fn interpolated(&self, k: u64, frac: f64) -> f64 {
        let low = self.range_at(k).value;
        if frac == 0.0 || k + 1 >= self.histogram_count {
            return low;
        }
        low + frac * (self.range_at(k + 1).value - low)
    }

    /// Point value of the statistic.
    pub fn statistic(&self, estimator: Estimator) -> Result<f64, StatsError> {
        check_estimator(estimator)?;
        Ok(match estimator {
            Estimator::Mean => self.mean,
            Estimator::Min => self.min,
            Estimator::Max => self.max,
            Estimator::Median => self.quantile(0.5),
            Estimator::Quantile(p) => self.quantile(p),
        })
    }

    /// Interval of the statistic itself (absolute budgets), conservative at bucket bounds.
    pub fn statistic_interval(&self, estimator: Estimator, confidence: f64) -> Result<(f64, f64), StatsError> {
        check_confidence(confidence)?;
        check_estimator(estimator)?;
        let p = match estimator {
            Estimator::Mean => return Ok(mean_t_interval_of(self.histogram_count, self.mean, self.sd, confidence)),
            Estimator::Min => return Ok((f64::NEG_INFINITY, self.min)),
            Estimator::Max => return Ok((self.max, f64::INFINITY)),
            Estimator::Median => 0.5,
            Estimator::Quantile(p) => p,
        };
        let n = self.histogram_count as usize;
        let (l, u) = order_statistic_ranks(n, p, confidence);
        let lo = if l == 0 { f64::NEG_INFINITY } else { self.range_at(l as u64 - 1).lower };
        let hi = if u == n + 1 { f64::INFINITY } else { self.range_at(u as u64 - 1).upper };
        Ok((lo, hi))
    }

    /// The statistic of one bootstrap resample (see the module notes).
    fn resampled_statistic(&self, estimator: Estimator, rng: &mut Pcg64Mcg) -> f64 {
        let n = self.histogram_count;
        let p = match estimator {
            Estimator::Mean => {
                let z: f64 = StandardNormal.sample(rng);
                return self.mean + z * self.sd / (n as f64).sqrt();
            }
            Estimator::Min => 0.0,
            Estimator::Max => 1.0,
            Estimator::Median => 0.5,
            Estimator::Quantile(p) => p,
        };
        let (k, frac) = type7_position(n as usize, p);
        let rank = k as f64 + 1.0;
        let uniform_order_statistic = match Beta::new(rank, n as f64 - rank + 1.0) {
            Ok(beta) => beta.sample(rng),
            Err(_) => rank / n as f64,
        };
        let original_rank = ((n as f64 * uniform_order_statistic).ceil() as u64).clamp(1, n) - 1;
        self.interpolated(original_rank, frac)
    }
}

/// Relative change `log(stat(head) / stat(base))` of two histogram-backed
/// series, with the rank-bootstrap interval ([`Method::Bootstrap`]).
pub fn histogram_log_ratio(
    base: &Histogram,
    head: &Histogram,
    estimator: Estimator,
    opts: &CompareOptions,
) -> Result<LogRatio, StatsError> {
    check_confidence(opts.confidence)?;
    check_estimator(estimator)?;
    if opts.resamples == 0 {
        return Err(StatsError::Invalid("the bootstrap needs at least one resample".into()));
    }
    let base_side = Ranked::new(base).map_err(|_| StatsError::Empty("base"))?;
    let head_side = Ranked::new(head).map_err(|_| StatsError::Empty("head"))?;
    let (stat_base, stat_head) = (base_side.statistic(estimator)?, head_side.statistic(estimator)?);
    if stat_base == 0.0 {
        return Err(StatsError::ZeroStatistic("base"));
    }
    if stat_head == 0.0 {
        return Err(StatsError::ZeroStatistic("head"));
    }
    let mut rng = Pcg64Mcg::seed_from_u64(opts.seed);
    let mut log_ratios = Vec::with_capacity(opts.resamples);
    for _ in 0..opts.resamples {
        let b = base_side.resampled_statistic(estimator, &mut rng);
        let h = head_side.resampled_statistic(estimator, &mut rng);
        if b > 0.0 && h > 0.0 {
            log_ratios.push((h / b).ln());
        }
    }
    if log_ratios.len() * 2 < opts.resamples {
        return Err(StatsError::Invalid(
            "the statistic was zero in most bootstrap resamples; compare a statistic that is rarely zero".into(),
        ));
    }
    log_ratios.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - opts.confidence) / 2.0;
    let ci = (super::quantile_sorted(&log_ratios, tail), super::quantile_sorted(&log_ratios, 1.0 - tail));
    Ok(LogRatio {
        estimate: (stat_head / stat_base).ln(),
        se: se_from_interval(ci, opts.confidence),
        ci,
        method: Method::Bootstrap { resamples: opts.resamples, seed: opts.seed },
        n_base: base.count() as usize,
        n_head: head.count() as usize,
    })
}

#[cfg(test)]
#[path = "histogram_tests.rs"]
mod tests;
