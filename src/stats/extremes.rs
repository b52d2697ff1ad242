//! Minimum and maximum of one run per side: block extremes compared by their
//! Hodges–Lehmann shift.
//!
//! The percentile bootstrap fails for extremes (Bickel & Freedman 1981): a
//! resample's minimum equals the sample's in about 63 % of resamples
//! (1 − 1/e), so its distribution is a few atoms, not the sampling
//! distribution of the minimum. Under a floor-plus-noise model its 95 %
//! intervals cover the true change of the minimum far less often than 95 %
//! (`extremes_tests.rs` measures it).
//!
//! What holds instead is the block-extremes construction of extreme-value
//! statistics (Gumbel 1958, ch. 5; Coles 2001, §3.1): each side's samples are
//! dealt into blocks of one common size, and each block gives its minimum (or
//! maximum). Within a side the block
//! extremes are independent and identically distributed; when head is base
//! slowed by a factor, the logs of head's block extremes are base's shifted by
//! the log of that factor. That is the two-sample shift model, for which the
//! Hodges–Lehmann estimate with the Moses rank interval (see
//! `hodges_lehmann.rs`) is distribution-free: its coverage holds whatever the
//! shape of the noise above the floor, where the bootstrap's does not.
//!
//! The price is width: a block's minimum is noisier than the whole run's, and
//! the fewer the blocks the larger and less noisy each one is. Six blocks per
//! side is the compromise: with five the exact 95 % Moses interval is already
//! only three ranks inside the range of the 25 differences, with six it is the
//! 6th to the 31st of 36.

use super::hodges_lehmann::hodges_lehmann;
use super::quantile::statistic_in_place;
use super::{Estimator, LogRatio, Method, StatsError};

/// Blocks per side when the smaller side has enough samples for them.
pub(crate) const BLOCKS: usize = 6;

/// Hodges–Lehmann shift of the log block minima (`Estimator::Min`) or maxima
/// (`Estimator::Max`) of base and head, with the Moses interval. Blocks hold
/// `min(n_base, n_head) / 6` samples (at least one) on both sides, dealt with
/// a stride over the whole run. Samples must be strictly positive.
pub(crate) fn block_extreme_log_ratio(
    base: &[f64],
    head: &[f64],
    estimator: Estimator,
    confidence: f64,
) -> Result<LogRatio, StatsError> {
    if !matches!(estimator, Estimator::Min | Estimator::Max) {
        return Err(StatsError::Invalid(format!("block extremes compare a minimum or a maximum, not {estimator:?}")));
    }
    let block = (base.len().min(head.len()) / BLOCKS).max(1);
    let base_extremes = block_extremes(base, block, estimator);
    let head_extremes = block_extremes(head, block, estimator);
    for (extremes, side) in [(&base_extremes, "base"), (&head_extremes, "head")] {
        if extremes.iter().any(|x| *x <= 0.0) {
            return Err(StatsError::Invalid(format!(
                "a block of {block} {side} samples has a {} of zero, so its ratio is undefined; \
                 compare a statistic that is not zero (e.g. the median)",
                if estimator == Estimator::Min { "minimum" } else { "maximum" }
            )));
        }
    }
    let shift = hodges_lehmann(&base_extremes, &head_extremes, confidence)?;
    Ok(LogRatio {
        method: Method::BlockExtremes { block, blocks: base_extremes.len().min(head_extremes.len()) },
        n_base: base.len(),
        n_head: head.len(),
        ..shift
    })
}

/// The extreme of each of the `samples.len() / block` blocks of `block`
/// samples, taken with a stride: block `j` holds samples `j`, `j + k`,
/// `j + 2k`, … for `k` blocks. Every block then spans the whole run, so slow
/// drift and criterion's rising iteration counts (its first samples run the
/// fewest iterations) reach every block alike and the blocks stay identically
/// distributed. The samples after the first `k · block` are not used.
fn block_extremes(samples: &[f64], block: usize, estimator: Estimator) -> Vec<f64> {
    let blocks = samples.len() / block;
    (0..blocks)
        .map(|j| {
            let members: Vec<f64> = (0..block).map(|i| samples[j + i * blocks]).collect();
            statistic_in_place(&mut [], &members, estimator)
        })
        .collect()
}

#[cfg(test)]
#[path = "extremes_tests.rs"]
mod tests;
