//! Bucketed series (Prometheus histograms) in a check: pooling, the KPI
//! statistic, its interval for absolute budgets and the relative comparison.
//! The statistics themselves live in `stats::buckets`; the words for a
//! quantile above the largest bucket bound, in `reasons`.
//!
//! Semantics, for a KPI on a bucketed series:
//! - **Quantiles, median, min, max** are intervals between bucket bounds; the
//!   point value shown is Prometheus' interpolation inside the bucket. An
//!   absolute budget passes only when the whole interval is within it, fails
//!   only when the whole interval is beyond it, and is inconclusive otherwise.
//! - A quantile whose rank falls in the `+Inf` bucket has **no value**: the
//!   comparison's head is `null` and its reason says "p99 lies above the
//!   largest bucket bound 2.5 s". Its interval is `[2.5 s, ∞)`, so a `max`
//!   below 2.5 s still fails (the p99 is certainly above it) and any other is
//!   inconclusive.
//! - **Relative budgets** use the bounding ratio interval of
//!   `stats::bucket_log_ratio`, widened by the run noise; it is not a sampling
//!   distribution, so it has no p-value, takes no part in the FDR adjustment,
//!   and fails only when it lies wholly beyond the budget. With a side above
//!   its largest bound the change is undefined: inconclusive.
//! - **mean** is `_sum / _count` and **count** the `+Inf` bucket's count: single
//!   values, judged like a tool's summary.
//! - Series pool only when their bucket bounds are the same.

use super::series::{estimator, Series};
use crate::config::Statistic;
use crate::model::buckets::{self, BucketCount};
use crate::model::units::format_value;
use crate::model::{Benchmark, Unit};
use crate::stats::{self, Bucketed, LogRatio};

/// Pool bucketed series (the same bounds) and compute `statistic` on them.
pub fn bucket_series(benchmarks: &[&Benchmark], statistic: Statistic) -> Result<Series, String> {
    let first = benchmarks[0];
    let mut pooled: Option<Vec<BucketCount>> = None;
    let mut sum = Some(0.0);
    for bench in benchmarks {
        let Some(list) = &bench.buckets else {
            return Err(format!(
                "{:?} holds bucket counts and {:?} does not; bucketed series pool only with each other",
                first.id, bench.id
            ));
        };
        match &mut pooled {
            None => pooled = Some(list.clone()),
            Some(pooled) => buckets::merge(pooled, list)
                .map_err(|e| format!("cannot pool {:?} with {:?}: {e}", first.id, bench.id))?,
        }
        sum = sum.zip(bench.summary.get("sum")).map(|(total, sum)| total + sum);
    }
    let pooled = pooled.expect("at least one series");
    let count = buckets::total(&pooled);
    let value = match statistic {
        Statistic::Count => Some(count as f64),
        Statistic::Mean => {
            let sum = sum.ok_or_else(|| format!("{:?} has no _sum, so its mean is unknown", first.id))?;
            Some(sum / count as f64).filter(|_| count > 0)
        }
        Statistic::Rate | Statistic::Throughput => {
            return Err(format!(
            "statistic \"{statistic}\" needs raw values, but {:?} holds bucket counts; use a quantile, mean or count",
            first.id
        ))
        }
        _ => Bucketed::new(&pooled)
            .and_then(|side| side.statistic(estimator(statistic)))
            .map_err(|e| format!("{:?}: {e}", first.id))?
            .estimate(),
    };
    Ok(Series {
        unit: if statistic == Statistic::Count { Unit::Count } else { first.unit.clone() },
        samples: Vec::new(),
        histogram: None,
        buckets: Some(pooled),
        value,
        deterministic: statistic == Statistic::Count,
        counted: false,
        rounds: None,
    })
}

/// Interval of the statistic of a bucketed series, for absolute budgets.
pub fn absolute_interval(series: &Series, statistic: Statistic, confidence: f64) -> Result<[f64; 2], String> {
    let buckets = series.buckets.as_deref().unwrap_or_default();
    if matches!(statistic, Statistic::Mean | Statistic::Count) {
        let value = series.value.ok_or("no values were counted")?;
        return Ok([value, value]);
    }
    let (lo, hi) = Bucketed::new(buckets)
        .and_then(|side| side.statistic_interval(estimator(statistic), confidence))
        .map_err(|e| e.to_string())?;
    Ok([lo, hi])
}

/// Relative change of two bucketed series.
pub fn log_ratio(base: &Series, head: &Series, statistic: Statistic, confidence: f64) -> Result<LogRatio, String> {
    let (Some(base_buckets), Some(head_buckets)) = (&base.buckets, &head.buckets) else {
        return Err("one side holds bucket counts and the other raw values; compare like with like".into());
    };
    if statistic == Statistic::Mean {
        let (Some(base_mean), Some(head_mean)) = (base.value, head.value) else { return Err("no values".into()) };
        return stats::single_value_log_ratio(base_mean, head_mean).map_err(|e| e.to_string());
    }
    for (side, series, list) in [("baseline", base, base_buckets), ("head", head, head_buckets)] {
        if series.value.is_none() {
            let bound = Bucketed::new(list).map(|b| b.largest_bound()).unwrap_or(0.0);
            return Err(format!(
                "the {side}'s {statistic} lies above its largest bucket bound {}, so the change cannot be bounded",
                format_value(bound, &series.unit)
            ));
        }
    }
    stats::bucket_log_ratio(base_buckets, head_buckets, estimator(statistic), confidence).map_err(|e| e.to_string())
}
