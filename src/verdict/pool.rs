//! Pooling the benchmarks a KPI selects into one `Series` for its statistic:
//! raw samples, histograms, bucket counts (`buckets`), a request log's rate,
//! or a tool's own summary value.

use super::buckets::bucket_series;
use super::series::{estimator, Series};
use crate::config::Statistic;
use crate::model::histogram::Histogram;
use crate::model::{Benchmark, Throughput, Unit};
use crate::stats;

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
    if benchmarks.iter().all(|b| b.counted) && statistic.of_values() {
        return counted_series(benchmarks);
    }
    if statistic == Statistic::Throughput && benchmarks.iter().any(|b| b.window_seconds.is_some()) {
        return request_rate(benchmarks);
    }
    if benchmarks.iter().any(|b| b.buckets.is_some()) {
        return bucket_series(benchmarks, statistic);
    }
    if benchmarks.iter().any(|b| b.histogram.is_some()) {
        return histogram_series(benchmarks, statistic, deterministic);
    }
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
    Ok(Series {
        unit,
        samples,
        histogram: None,
        buckets: None,
        value: Some(value),
        deterministic: deterministic || statistic == Statistic::Count,
        counted: false,
        rounds,
    })
}

/// Counted runs of one or more benchmarks: every statistic of a count is the count, so the series
/// holds one value per run, the sum of the benchmarks' counts in that run (the instructions of
/// them all), and its value is their mean.
fn counted_series(benchmarks: &[&Benchmark]) -> Result<Series, String> {
    let runs = benchmarks.iter().map(|b| b.samples.len()).min().unwrap_or(0);
    if runs == 0 {
        return Err(format!("{:?} holds no counted run", benchmarks[0].id));
    }
    let samples: Vec<f64> = (0..runs).map(|run| benchmarks.iter().map(|b| b.samples[run]).sum()).collect();
    let value = samples.iter().sum::<f64>() / runs as f64;
    Ok(Series {
        unit: benchmarks[0].unit.clone(),
        samples,
        histogram: None,
        buckets: None,
        value: Some(value),
        deterministic: true,
        counted: true,
        rounds: None,
    })
}

/// Pool series of which at least one is histogram-backed: everything is binned.
fn histogram_series(benchmarks: &[&Benchmark], statistic: Statistic, deterministic: bool) -> Result<Series, String> {
    let mut pooled = Histogram::new();
    for bench in benchmarks {
        match &bench.histogram {
            Some(histogram) => pooled.merge(histogram),
            None if !bench.samples.is_empty() => bench.samples.iter().for_each(|v| pooled.record(*v)),
            None => return Err(format!("{:?} has no raw values and cannot be pooled with binned series", bench.id)),
        }
    }
    let first = benchmarks[0];
    if statistic == Statistic::Throughput {
        return Err(format!(
            "statistic \"throughput\" needs per-iteration times with a declared throughput; {:?} holds request latencies",
            first.id
        ));
    }
    if statistic == Statistic::Rate
        && pooled.ranges().iter().any(|r| !(r.lower == r.upper && (r.value == 0.0 || r.value == 1.0)))
    {
        return Err(format!(
            "statistic \"rate\" needs 0/1 flags, but {:?} holds other values; use mean or a quantile",
            first.id
        ));
    }
    let value = match statistic {
        Statistic::Count => pooled.count() as f64,
        _ => stats::Ranked::new(&pooled)
            .and_then(|ranked| ranked.statistic(estimator(statistic)))
            .map_err(|e| e.to_string())?,
    };
    let unit = if statistic == Statistic::Count { Unit::Count } else { first.unit.clone() };
    Ok(Series {
        unit,
        samples: Vec::new(),
        histogram: Some(pooled),
        buckets: None,
        value: Some(value),
        deterministic: deterministic || statistic == Statistic::Count,
        counted: false,
        rounds: None,
    })
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
        histogram: None,
        buckets: None,
        value: Some(value),
        deterministic: deterministic || statistic == Statistic::Count,
        counted: false,
        rounds: None,
    })
}

/// Requests per second of a request log: the selected series' requests over
/// the log's window (first to last request). One value per run, judged like a
/// tool's own summary figure.
fn request_rate(benchmarks: &[&Benchmark]) -> Result<Series, String> {
    let mut window: Option<f64> = None;
    for bench in benchmarks {
        let Some(seconds) = bench.window_seconds else {
            return Err(format!("{:?} has no time window (its log has no timestamps); throughput needs one", bench.id));
        };
        match window {
            Some(known) if (known - seconds).abs() > 1e-9 * known => {
                return Err(format!(
                    "cannot pool request rates observed over different windows ({known} s and {seconds} s); \
                     narrow the KPI to one input"
                ))
            }
            _ => window = Some(seconds),
        }
    }
    let requests: u64 = benchmarks.iter().map(|b| b.value_count()).sum();
    let seconds = window.unwrap_or(f64::NAN);
    Ok(Series {
        unit: Unit::PerSecond,
        samples: Vec::new(),
        histogram: None,
        value: Some(requests as f64 / seconds),
        deterministic: false,
        counted: false,
        rounds: None,
        buckets: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn log_series(id: &str, requests: usize, window: Option<f64>) -> Benchmark {
        let mut bench = Benchmark::with_samples(id, "latency", Unit::Ns, vec![1e6; requests]);
        bench.window_seconds = window;
        bench
    }

    #[test]
    fn request_rate_pools_requests_over_the_shared_window() {
        let (a, b) = (log_series("a", 300, Some(60.0)), log_series("b", 900, Some(60.0)));
        let series = prepare(&[&a, &b], Statistic::Throughput).unwrap();
        assert_eq!((series.value, series.unit.clone(), series.has_values()), (Some(20.0), Unit::PerSecond, false));
        let other_window = log_series("c", 10, Some(30.0));
        assert!(prepare(&[&a, &other_window], Statistic::Throughput).unwrap_err().contains("different windows"));
        let no_window = log_series("d", 10, None);
        assert!(prepare(&[&a, &no_window], Statistic::Throughput).unwrap_err().contains("no time window"));
        assert_eq!(prepare(&[&a], Statistic::Mean).unwrap().value, Some(1e6), "other statistics ignore the window");
    }
}
