//! Percentile bootstrap of the ratio of a statistic between two samples.

use rand::distributions::{Distribution, Uniform};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::quantile::{quantile_select, quantile_sorted, statistic_in_place, type7_position};
use super::{se_from_interval, CompareOptions, Estimator, LogRatio, Method, StatsError};

/// Percentile bootstrap (Efron & Tibshirani 1993, §13.3) of
/// `log(stat(head*) / stat(base*))`: each side is resampled with replacement
/// independently (two-sample bootstrap, ibid. §8.3), `opts.resamples` times,
/// from a PCG-64 generator (O'Neill 2014) seeded with `opts.seed`, so the same
/// input always gives the same interval. The point estimate is the ratio of
/// the full-sample statistics. Resamples in which either statistic is zero
/// have no log ratio and are skipped; if that leaves fewer than half of them,
/// the comparison is refused rather than reported on a biased remainder.
/// Samples must be finite and non-negative (checked by the caller).
pub(crate) fn bootstrap_log_ratio(
    base: &[f64],
    head: &[f64],
    estimator: Estimator,
    opts: &CompareOptions,
) -> Result<LogRatio, StatsError> {
    if opts.resamples == 0 {
        return Err(StatsError::Invalid("the bootstrap needs at least one resample".into()));
    }
    let mut base_side = Resampler::new(base, estimator);
    let mut head_side = Resampler::new(head, estimator);
    let stat_base = base_side.full_statistic();
    let stat_head = head_side.full_statistic();
    if stat_base == 0.0 {
        return Err(StatsError::ZeroStatistic("base"));
    }
    if stat_head == 0.0 {
        return Err(StatsError::ZeroStatistic("head"));
    }
    let estimate = (stat_head / stat_base).ln();

    let mut rng = Pcg64Mcg::seed_from_u64(opts.seed);
    let mut log_ratios = Vec::with_capacity(opts.resamples);
    for _ in 0..opts.resamples {
        let b = base_side.resampled_statistic(&mut rng);
        let h = head_side.resampled_statistic(&mut rng);
        if b > 0.0 && h > 0.0 {
            log_ratios.push((h / b).ln());
        }
    }
    if log_ratios.len() * 2 < opts.resamples {
        return Err(StatsError::Invalid(format!(
            "the statistic was zero in {} of {} bootstrap resamples, so its ratio is not \
             meaningful; compare a statistic that is rarely zero (e.g. the mean)",
            opts.resamples - log_ratios.len(),
            opts.resamples
        )));
    }
    let tail = (1.0 - opts.confidence) / 2.0;
    let ci = (quantile_select(&mut log_ratios, tail), quantile_select(&mut log_ratios, 1.0 - tail));
    Ok(LogRatio {
        estimate,
        se: se_from_interval(ci, opts.confidence),
        ci,
        method: Method::Bootstrap { resamples: opts.resamples, seed: opts.seed },
        n_base: base.len(),
        n_head: head.len(),
    })
}

/// One side of the bootstrap: its samples and the estimator, plus, for
/// quantiles, the sorted samples and a buffer of resampling counts.
struct Resampler<'a> {
    samples: &'a [f64],
    estimator: Estimator,
    index: Uniform<usize>,
    sorted: Vec<f64>,
    counts: Vec<u32>,
}

impl<'a> Resampler<'a> {
    fn new(samples: &'a [f64], estimator: Estimator) -> Self {
        let (sorted, counts) = match estimator {
            Estimator::Median | Estimator::Quantile(_) => {
                let mut sorted = samples.to_vec();
                sorted.sort_unstable_by(f64::total_cmp);
                (sorted, vec![0; samples.len()])
            }
            Estimator::Mean | Estimator::Min | Estimator::Max => (Vec::new(), Vec::new()),
        };
        Resampler { samples, estimator, index: Uniform::new(0, samples.len()), sorted, counts }
    }

    fn full_statistic(&self) -> f64 {
        match self.estimator {
            Estimator::Median => quantile_sorted(&self.sorted, 0.5),
            Estimator::Quantile(p) => quantile_sorted(&self.sorted, p),
            _ => statistic_in_place(&mut [], self.samples, self.estimator),
        }
    }

    /// The statistic of one resample with replacement. Means and extremes
    /// accumulate on the fly. A quantile only needs how often each sorted
    /// sample was drawn: its order statistics are found by walking those
    /// counts from the nearer end — O(n) without comparisons, and a few steps
    /// for a p99 (the resample is the multinomial reweighting of the sorted
    /// data; Efron & Tibshirani 1993, §6.2).
    fn resampled_statistic(&mut self, rng: &mut Pcg64Mcg) -> f64 {
        let n = self.samples.len();
        let (samples, index) = (self.samples, self.index);
        let draws = (0..n).map(|_| samples[index.sample(rng)]);
        let p = match self.estimator {
            Estimator::Mean => return draws.sum::<f64>() / n as f64,
            Estimator::Min => return draws.fold(f64::INFINITY, f64::min),
            Estimator::Max => return draws.fold(f64::NEG_INFINITY, f64::max),
            Estimator::Median => 0.5,
            Estimator::Quantile(p) => p,
        };
        self.counts.fill(0);
        for _ in 0..n {
            self.counts[index.sample(rng)] += 1;
        }
        let (k, frac) = type7_position(n, p);
        let low = order_statistic(&self.sorted, &self.counts, k);
        if frac == 0.0 {
            return low;
        }
        low + frac * (order_statistic(&self.sorted, &self.counts, k + 1) - low)
    }
}

/// The 0-based `rank`-th order statistic of the resample that drew sorted
/// sample `j` `counts[j]` times.
fn order_statistic(sorted: &[f64], counts: &[u32], rank: usize) -> f64 {
    let n = sorted.len();
    let mut seen = 0usize;
    if rank < n / 2 {
        for (x, &c) in sorted.iter().zip(counts) {
            seen += c as usize;
            if seen > rank {
                return *x;
            }
        }
    } else {
        let rank_from_top = n - 1 - rank;
        for (x, &c) in sorted.iter().zip(counts).rev() {
            seen += c as usize;
            if seen > rank_from_top {
                return *x;
            }
        }
    }
    unreachable!("the counts sum to the number of samples")
}

#[cfg(test)]
#[path = "bootstrap_tests.rs"]
mod tests;
