//! Percentile bootstrap of the ratio of a statistic between two samples.

use rand::distributions::{Distribution, Uniform};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::quantile::{quantile_select, statistic_in_place};
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

/// One side of the bootstrap: its samples, the estimator and a reusable buffer.
struct Resampler<'a> {
    samples: &'a [f64],
    estimator: Estimator,
    index: Uniform<usize>,
    buf: Vec<f64>,
}

impl<'a> Resampler<'a> {
    fn new(samples: &'a [f64], estimator: Estimator) -> Self {
        Resampler { samples, estimator, index: Uniform::new(0, samples.len()), buf: Vec::with_capacity(samples.len()) }
    }

    fn full_statistic(&mut self) -> f64 {
        self.buf.clear();
        self.buf.extend_from_slice(self.samples);
        statistic_in_place(&mut self.buf, self.samples, self.estimator)
    }

    /// The statistic of one resample with replacement; only quantiles need
    /// the resample materialized, the others accumulate on the fly.
    fn resampled_statistic(&mut self, rng: &mut Pcg64Mcg) -> f64 {
        let n = self.samples.len();
        let mut draw = || self.samples[self.index.sample(rng)];
        match self.estimator {
            Estimator::Mean => (0..n).map(|_| draw()).sum::<f64>() / n as f64,
            Estimator::Min => (0..n).map(|_| draw()).fold(f64::INFINITY, f64::min),
            Estimator::Max => (0..n).map(|_| draw()).fold(f64::NEG_INFINITY, f64::max),
            Estimator::Median | Estimator::Quantile(_) => {
                self.buf.clear();
                for _ in 0..n {
                    let x = self.samples[self.index.sample(rng)];
                    self.buf.push(x);
                }
                statistic_in_place(&mut self.buf, self.samples, self.estimator)
            }
        }
    }
}

#[cfg(test)]
#[path = "bootstrap_tests.rs"]
mod tests;
