//! One side of a comparison, ready for statistics: pooled samples converted
//! for the statistic (throughput from per-iteration times, 0/1 flags for
//! rates), a tool's coarse buckets (see `buckets`), or the tool's own summary
//! value when there are no raw samples. `pool` makes them from benchmarks.

use crate::config::Statistic;
use crate::model::buckets::{self, BucketCount};
use crate::model::histogram::Histogram;
use crate::model::Unit;
use crate::stats::Estimator;

/// One side of a comparison, ready for statistics.
#[derive(Debug, Clone)]
pub struct Series {
    pub unit: Unit,
    /// Raw values (empty for summary-only inputs and histogram-backed series).
    pub samples: Vec<f64>,
    /// The values of a large series, binned (≤ 0.1 % relative error).
    pub histogram: Option<Histogram>,
    /// A tool's coarse cumulative buckets (Prometheus histograms), pooled.
    pub buckets: Option<Vec<BucketCount>>,
    /// The statistic's value; `None` when it is indeterminate (a quantile of
    /// bucket counts above the largest finite bound).
    pub value: Option<f64>,
    /// Same code, same value: compare exactly.
    pub deterministic: bool,
    /// Round of each sample, when base and head ran in interleaved rounds.
    pub rounds: Option<Vec<u32>>,
}

/// The estimator behind a KPI statistic, for the statistics module.
pub fn estimator(statistic: Statistic) -> Estimator {
    match statistic {
        Statistic::Mean | Statistic::Rate => Estimator::Mean,
        Statistic::Median | Statistic::Throughput | Statistic::Count => Estimator::Median,
        Statistic::Min => Estimator::Min,
        Statistic::Max => Estimator::Max,
        Statistic::Quantile(p) => Estimator::Quantile(p),
    }
}

impl Series {
    /// Number of values behind the statistic.
    pub fn count(&self) -> usize {
        match (&self.histogram, &self.buckets) {
            (Some(histogram), _) => histogram.count() as usize,
            (None, Some(list)) => buckets::total(list) as usize,
            (None, None) => self.samples.len(),
        }
    }

    /// The statistic's value; an error for an indeterminate one.
    pub fn point(&self) -> Result<f64, String> {
        self.value.ok_or_else(|| "the statistic lies above the largest bucket bound".to_string())
    }

    /// Whether the series has values (raw or binned), not only a summary value.
    pub fn has_values(&self) -> bool {
        self.count() > 0
    }

    /// The values as a histogram (raw samples are binned on the fly).
    pub fn to_histogram(&self) -> Histogram {
        self.histogram.clone().unwrap_or_else(|| Histogram::from_values(&self.samples))
    }
}
