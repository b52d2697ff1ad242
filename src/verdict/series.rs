//! One side of a comparison, ready for statistics: pooled samples converted
//! for the statistic (throughput from per-iteration times, 0/1 flags for
//! rates), a tool's coarse buckets (see `buckets`), or the tool's own summary
//! value when there are no raw samples. `pool` makes them from benchmarks.

use crate::config::Statistic;
use crate::model::buckets::{self, BucketCount};
use crate::model::histogram::Histogram;
use crate::model::Unit;
use crate::stats::{self, Estimator};
use crate::verdict::outcome::Distribution;

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
    /// Counts of repeated counted runs (one sample per run): compare within their spread.
    pub counted: bool,
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

    /// The values at 0 %, 5 %, ..., 100 % ([`Distribution::LEVELS`] quantiles), for pictures;
    /// empty for a summary value or a tool's coarse buckets.
    pub fn quantiles(&self) -> Vec<f64> {
        let levels = (0..Distribution::LEVELS).map(|i| i as f64 / (Distribution::LEVELS - 1) as f64);
        let estimator = |p: f64| match p {
            0.0 => Estimator::Min,
            1.0 => Estimator::Max,
            p => Estimator::Quantile(p),
        };
        if let Some(histogram) = &self.histogram {
            let Ok(ranked) = stats::Ranked::new(histogram) else { return Vec::new() };
            return levels.map_while(|p| ranked.statistic(estimator(p)).ok()).collect();
        }
        if self.buckets.is_some() || self.samples.is_empty() {
            return Vec::new();
        }
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        levels.map(|p| stats::quantile_sorted(&sorted, p)).collect()
    }

    /// The values as a histogram (raw samples are binned on the fly).
    pub fn to_histogram(&self) -> Histogram {
        self.histogram.clone().unwrap_or_else(|| Histogram::from_values(&self.samples))
    }
}
