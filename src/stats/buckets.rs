//! Statistics of coarse cumulative buckets (Prometheus histograms): a value
//! is only known to lie between two bucket bounds, so every statistic is an
//! interval between bounds, and nothing is invented beyond the largest finite
//! bound.
//!
//! - **Point values** follow Prometheus' `histogram_quantile`: rank `p * n`,
//!   the first bucket whose cumulative count reaches it, and linear
//!   interpolation inside that bucket (lower edge 0 for the first bucket). A
//!   quantile whose rank falls in the `+Inf` bucket has no point value:
//!   [`BucketValue::Above`] the largest finite bound. The maximum is the upper
//!   edge of the last occupied bucket, the minimum the lower edge of the first.
//! - **Absolute intervals**: the binomial order-statistic ranks of
//!   [`super::quantile::order_statistic_ranks`] — the same rule as for raw
//!   samples — mapped to the *lower edge* of the bucket holding the lower rank
//!   and the *upper edge* of the bucket holding the upper rank (∞ in the
//!   `+Inf` bucket). With many values both ranks fall in the point's bucket
//!   and the interval is that bucket, `[lower edge, upper edge]`.
//! - **Relative comparisons**: a bounding interval, not a sampling
//!   distribution. Each side's interval is taken at `1 - (1 - c) / 2`, so
//!   both hold together with probability at least `c` (Bonferroni), and the
//!   ratio head/base lies within `[head_lo / base_hi, head_hi / base_lo]`
//!   ([`Method::Buckets`]). The estimate is the ratio of the interpolated
//!   values. Two values in the same 0.1 s – 0.25 s bucket bound the ratio
//!   only to [0.4, 2.5]: such comparisons are honestly inconclusive; a p99
//!   that moved two buckets up fails.

use super::quantile::order_statistic_ranks;
use super::{check_confidence, check_estimator, se_from_interval, Estimator, LogRatio, Method, StatsError};
use crate::model::buckets::{self, BucketCount};

/// Where a statistic of bucket counts lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BucketValue {
    /// In a finite bucket: its edges and the linear interpolation inside it.
    Within { lower: f64, upper: f64, estimate: f64 },
    /// In the `+Inf` bucket: only known to exceed the largest finite bound.
    Above { bound: f64 },
}

impl BucketValue {
    /// The point value, when there is one.
    pub fn estimate(&self) -> Option<f64> {
        match self {
            BucketValue::Within { estimate, .. } => Some(*estimate),
            BucketValue::Above { .. } => None,
        }
    }
}

/// Cumulative bucket counts with at least one value, for rank look-ups.
pub struct Bucketed<'a> {
    buckets: &'a [BucketCount],
    count: u64,
}

impl<'a> Bucketed<'a> {
    /// `buckets` must obey [`buckets::validate`].
    pub fn new(buckets: &'a [BucketCount]) -> Result<Self, StatsError> {
        buckets::validate(buckets).map_err(StatsError::Invalid)?;
        let count = buckets::total(buckets);
        if count == 0 {
            return Err(StatsError::Empty("measured"));
        }
        Ok(Bucketed { buckets, count })
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The largest finite bound (0 when there is none).
    pub fn largest_bound(&self) -> f64 {
        self.buckets.iter().rev().map(|b| b.le).find(|le| le.is_finite()).unwrap_or(0.0)
    }

    /// `(lower edge, upper edge)` of bucket `index`; the `+Inf` bucket's upper edge is ∞.
    fn edges(&self, index: usize) -> (f64, f64) {
        let lower = if index == 0 { 0.0 } else { self.buckets[index - 1].le };
        (lower, self.buckets[index].le)
    }

    /// The first bucket whose cumulative count reaches `rank` (real, in (0, n]).
    fn index_of_rank(&self, rank: f64) -> usize {
        self.buckets.partition_point(|b| (b.cumulative as f64) < rank).min(self.buckets.len() - 1)
    }

    fn value_at(&self, index: usize, estimate: impl Fn(f64, f64) -> f64) -> BucketValue {
        match self.edges(index) {
            (_, upper) if upper.is_infinite() => BucketValue::Above { bound: self.largest_bound() },
            (lower, upper) => BucketValue::Within { lower, upper, estimate: estimate(lower, upper) },
        }
    }

    /// Point value of the statistic (see the module notes); the mean needs the
    /// sum, which the caller has.
    pub fn statistic(&self, estimator: Estimator) -> Result<BucketValue, StatsError> {
        check_estimator(estimator)?;
        let n = self.count as f64;
        Ok(match estimator {
            Estimator::Mean => return Err(StatsError::Invalid("the mean of bucket counts is _sum / _count".into())),
            Estimator::Min => self.value_at(self.index_of_rank(1.0), |lower, _| lower),
            Estimator::Max => self.value_at(self.index_of_rank(n), |_, upper| upper),
            Estimator::Median => self.quantile(0.5),
            Estimator::Quantile(p) => self.quantile(p),
        })
    }

    /// Prometheus' `histogram_quantile`.
    fn quantile(&self, p: f64) -> BucketValue {
        let rank = p * self.count as f64;
        let index = self.index_of_rank(rank);
        let before = if index == 0 { 0 } else { self.buckets[index - 1].cumulative };
        let in_bucket = (self.buckets[index].cumulative - before) as f64;
        self.value_at(index, |lower, upper| lower + (upper - lower) * ((rank - before as f64) / in_bucket))
    }

    /// Interval of the statistic at `confidence` (absolute budgets): bucket edges around
    /// the order-statistic ranks, never narrower than the point's own bucket.
    pub fn statistic_interval(&self, estimator: Estimator, confidence: f64) -> Result<(f64, f64), StatsError> {
        check_confidence(confidence)?;
        let point = self.statistic(estimator)?;
        let (point_lower, point_upper) = match point {
            BucketValue::Within { lower, upper, .. } => (lower, upper),
            BucketValue::Above { bound } => (bound, f64::INFINITY),
        };
        let p = match estimator {
            Estimator::Min => return Ok((0.0, point_upper)),
            Estimator::Max => return Ok((point_lower, f64::INFINITY)),
            Estimator::Median => 0.5,
            Estimator::Quantile(p) => p,
            Estimator::Mean => unreachable!("statistic() refused the mean"),
        };
        let n = self.count as usize;
        let (l, u) = order_statistic_ranks(n, p, confidence);
        let lower = if l == 0 { 0.0 } else { self.edges(self.index_of_rank(l as f64)).0 };
        let upper = if u == n + 1 { f64::INFINITY } else { self.edges(self.index_of_rank(u as f64)).1 };
        Ok((lower.min(point_lower), upper.max(point_upper)))
    }
}

/// Relative change `log(stat(head) / stat(base))` of two bucketed series: the
/// bounding interval of the module notes ([`Method::Buckets`]). Fails when
/// either side's statistic lies above its largest finite bound.
pub fn bucket_log_ratio(
    base: &[BucketCount],
    head: &[BucketCount],
    estimator: Estimator,
    confidence: f64,
) -> Result<LogRatio, StatsError> {
    check_confidence(confidence)?;
    let side_confidence = 1.0 - (1.0 - confidence) / 2.0;
    let base_side = Bucketed::new(base).map_err(|_| StatsError::Empty("base"))?;
    let head_side = Bucketed::new(head).map_err(|_| StatsError::Empty("head"))?;
    let point = |side: &Bucketed, name: &str| {
        side.statistic(estimator)?.estimate().ok_or_else(|| {
            StatsError::Invalid(format!("the {name} lies above its largest bucket bound {}", side.largest_bound()))
        })
    };
    let (stat_base, stat_head) = (point(&base_side, "base")?, point(&head_side, "head")?);
    if stat_base == 0.0 {
        return Err(StatsError::ZeroStatistic("base"));
    }
    if stat_head == 0.0 {
        return Err(StatsError::ZeroStatistic("head"));
    }
    let (base_lo, base_hi) = base_side.statistic_interval(estimator, side_confidence)?;
    let (head_lo, head_hi) = head_side.statistic_interval(estimator, side_confidence)?;
    // ln(0) is -inf and x / 0 is inf: an unbounded side leaves the ratio unbounded, never NaN.
    let ci = ((head_lo / base_hi).ln(), (head_hi / base_lo).ln());
    Ok(LogRatio {
        estimate: (stat_head / stat_base).ln(),
        se: se_from_interval(ci, confidence),
        ci,
        method: Method::Buckets,
        n_base: base_side.count() as usize,
        n_head: head_side.count() as usize,
    })
}

#[cfg(test)]
#[path = "buckets_tests.rs"]
mod tests;
