//! The values a KPI statistic is computed from: pooled samples converted for
//! the statistic (throughput from per-iteration times, 0/1 flags for rates),
//! or the tool's own summary value when there are no raw samples.

use crate::config::Statistic;
use crate::model::{Benchmark, Throughput, Unit};
use crate::stats::{self, Estimator};

/// One side of a comparison, ready for statistics.
#[derive(Debug, Clone)]
pub struct Series {
    pub unit: Unit,
    /// Raw values (empty for summary-only inputs).
    pub samples: Vec<f64>,
    /// The statistic's value.
    pub value: f64,
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

/// Pool `benchmarks` and compute `statistic` on them.
pub fn prepare(benchmarks: &[&Benchmark], statistic: Statistic) -> Result<Series, String> {
    let first = benchmarks.first().ok_or("no series selected")?;
    if let Some(other) = benchmarks.iter().find(|b| b.unit != first.unit) {
        return Err(format!(
            "cannot pool {:?} ({}) with {:?} ({}): the units differ",
            first.id,
            first.unit.label(),
            other.id,
            other.unit.label()
        ));
    }
    let deterministic = benchmarks.iter().all(|b| b.deterministic);
    let has_samples = benchmarks.iter().all(|b| !b.samples.is_empty());
    if !has_samples {
        return summary_series(benchmarks, statistic, deterministic);
    }
    let (unit, samples) = match statistic {
        Statistic::Throughput => throughput_samples(benchmarks)?,
        _ => (first.unit.clone(), benchmarks.iter().flat_map(|b| b.samples.iter().copied()).collect()),
    };
    if statistic == Statistic::Rate && samples.iter().any(|v| *v != 0.0 && *v != 1.0) {
        return Err(format!(
            "statistic \"rate\" needs 0/1 flags, but {:?} holds other values; use mean or a quantile",
            first.id
        ));
    }
    let value = match statistic {
        Statistic::Count => samples.len() as f64,
        _ => stats::statistic(&samples, estimator(statistic)).map_err(|e| e.to_string())?,
    };
    let unit = if statistic == Statistic::Count { Unit::Count } else { unit };
    let rounds = benchmarks
        .iter()
        .map(|b| b.rounds.as_deref())
        .collect::<Option<Vec<&[u32]>>>()
        .map(|all| all.concat())
        .filter(|rounds| rounds.len() == samples.len());
    Ok(Series { unit, samples, value, deterministic: deterministic || statistic == Statistic::Count, rounds })
}

fn summary_series(benchmarks: &[&Benchmark], statistic: Statistic, deterministic: bool) -> Result<Series, String> {
    let [single] = benchmarks else {
        return Err(format!(
            "{} series without raw samples cannot be pooled into one {statistic}; narrow the KPI with `bench` or `where`",
            benchmarks.len()
        ));
    };
    let key = statistic.summary_key();
    let value = single.summary.get(&key).copied().ok_or_else(|| {
        let known: Vec<&str> = single.summary.keys().map(String::as_str).collect();
        format!(
            "{:?} has no raw samples and its tool reported no {key} (it reported: {})",
            single.id,
            if known.is_empty() { "nothing".to_string() } else { known.join(", ") }
        )
    })?;
    let unit = if statistic == Statistic::Count { Unit::Count } else { single.unit.clone() };
    Ok(Series {
        unit,
        samples: Vec::new(),
        value,
        deterministic: deterministic || statistic == Statistic::Count,
        rounds: None,
    })
}

/// Per-iteration times turned into work per second.
fn throughput_samples(benchmarks: &[&Benchmark]) -> Result<(Unit, Vec<f64>), String> {
    let first = benchmarks[0];
    if matches!(first.unit, Unit::PerSecond | Unit::BytesPerSecond) {
        return Ok((first.unit.clone(), benchmarks.iter().flat_map(|b| b.samples.iter().copied()).collect()));
    }
    let mut unit = None;
    let mut samples = Vec::new();
    for bench in benchmarks {
        let (work, work_unit) = match (bench.throughput, &bench.unit) {
            (Some(Throughput::Bytes(n)), Unit::Ns) => (n, Unit::BytesPerSecond),
            (Some(Throughput::Elements(n)), Unit::Ns) => (n, Unit::PerSecond),
            _ => {
                return Err(format!(
                    "statistic \"throughput\" needs per-iteration times with a declared throughput, but {:?} has none \
                     (criterion: set group.throughput(...))",
                    bench.id
                ))
            }
        };
        if unit.get_or_insert(work_unit.clone()) != &work_unit {
            return Err("cannot pool byte and element throughputs".into());
        }
        samples.extend(bench.samples.iter().map(|ns| work / (ns * 1e-9)));
    }
    Ok((unit.unwrap_or(Unit::PerSecond), samples))
}
