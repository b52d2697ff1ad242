//! "Where does the time go": a breakdown of latency series by tags — count,
//! share of requests, p50/p95/p99, total time and its share, cumulative share,
//! ranked by total time — and, against a baseline, each group's p99 change
//! with its interval, so that regressed groups stand out. Pure: benchmarks in,
//! a [`Breakdown`] out; [`render`] turns it into text, markdown or JSON.

pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::histogram::Histogram;
use crate::model::{Benchmark, Unit};
use crate::stats::{self, CompareOptions, Estimator, Ranked};

/// Version of the JSON form.
pub const EXPLAIN_SCHEMA: u32 = 1;
const NANOS_PER_MS: f64 = 1e6;

/// The ranked breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub schema: u32,
    pub by: Vec<String>,
    pub metric: String,
    pub unit: &'static str,
    pub count: u64,
    /// Total time of all requests, in `unit`.
    pub total: f64,
    /// Seconds from the first to the last request, when the log has timestamps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<f64>,
    pub groups: Vec<Group>,
}

/// One value combination of the `by` tags. Times in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub key: BTreeMap<String, String>,
    pub count: u64,
    /// Requests per second over the log's window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Share of all requests.
    pub request_share: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub total: f64,
    /// Share of the total time.
    pub share: f64,
    /// Share of the total time of this group and every group ranked above it.
    pub cumulative_share: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<Delta>,
}

/// A group's p99 against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delta {
    pub base_p99: f64,
    /// Relative change of the p99 (0.10 = 10 % slower).
    pub change: f64,
    /// Interval of the change at the given confidence.
    pub ci: [f64; 2],
    /// The whole interval lies above zero.
    pub regressed: bool,
}

/// What to break down and how to compare.
pub struct Request<'a> {
    pub by: &'a [String],
    pub metric: &'a str,
    pub options: CompareOptions,
}

/// The breakdown of `head` (and its change against `base`).
pub fn breakdown(head: &[Benchmark], base: Option<&[Benchmark]>, request: &Request) -> Result<Breakdown, String> {
    let head_groups = group(head, request)?;
    if head_groups.is_empty() {
        let metrics: Vec<&str> =
            head.iter().map(|b| b.metric.as_str()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        return Err(format!(
            "no {:?} series with durations to break down; the inputs have metrics: {}",
            request.metric,
            metrics.join(", ")
        ));
    }
    let base_groups = base.map(|base| group(base, request)).transpose()?.unwrap_or_default();
    let count: u64 = head_groups.values().map(Histogram::count).sum();
    let window_seconds = common_window(head, request.metric);
    let total_ns: f64 = head_groups.values().map(Histogram::sum).sum();
    let mut groups = Vec::new();
    for (key, histogram) in &head_groups {
        let ranked = Ranked::new(histogram).map_err(|e| e.to_string())?;
        let quantile =
            |p: f64| ranked.statistic(Estimator::Quantile(p)).map(|v| v / NANOS_PER_MS).map_err(|e| e.to_string());
        let delta = match base_groups.get(key) {
            Some(base) => Some(p99_delta(base, histogram, &request.options)?),
            None => None,
        };
        groups.push(Group {
            key: request.by.iter().cloned().zip(key.iter().cloned()).collect(),
            count: histogram.count(),
            rate: window_seconds.map(|seconds| histogram.count() as f64 / seconds),
            request_share: histogram.count() as f64 / count as f64,
            p50: quantile(0.5)?,
            p95: quantile(0.95)?,
            p99: quantile(0.99)?,
            total: histogram.sum() / NANOS_PER_MS,
            share: if total_ns > 0.0 { histogram.sum() / total_ns } else { 0.0 },
            cumulative_share: 0.0,
            delta,
        });
    }
    groups.sort_by(|a, b| b.total.total_cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
    let mut cumulative = 0.0;
    for group in &mut groups {
        cumulative += group.share;
        group.cumulative_share = cumulative.min(1.0);
    }
    Ok(Breakdown {
        schema: EXPLAIN_SCHEMA,
        by: request.by.to_vec(),
        metric: request.metric.to_string(),
        unit: "ms",
        count,
        total: total_ns / NANOS_PER_MS,
        window_seconds,
        groups,
    })
}

/// The window every series of `metric` was observed over, if they agree (one log).
fn common_window(benchmarks: &[Benchmark], metric: &str) -> Option<f64> {
    let mut windows = benchmarks.iter().filter(|b| b.metric == metric).map(|b| b.window_seconds);
    let first = windows.next()??;
    windows.all(|window| window == Some(first)).then_some(first)
}

/// Latency series of `metric` pooled per value combination of the `by` tags
/// (a missing tag counts as `-`).
fn group(benchmarks: &[Benchmark], request: &Request) -> Result<BTreeMap<Vec<String>, Histogram>, String> {
    let mut groups: BTreeMap<Vec<String>, Histogram> = BTreeMap::new();
    for bench in benchmarks.iter().filter(|b| b.metric == request.metric) {
        if bench.unit != Unit::Ns {
            return Err(format!(
                "{:?} is in {}, not a duration; explain breaks down durations",
                bench.id,
                bench.unit.label()
            ));
        }
        if bench.buckets.is_some() {
            return Err(format!(
                "{:?} holds a tool's bucket counts (a Prometheus histogram), too coarse for quantiles and shares; \
                 explain needs per-request latencies",
                bench.id
            ));
        }
        let key = request.by.iter().map(|tag| bench.tags.get(tag).cloned().unwrap_or_else(|| "-".into())).collect();
        let pooled = groups.entry(key).or_default();
        match &bench.histogram {
            Some(histogram) => pooled.merge(histogram),
            None => bench.samples.iter().for_each(|v| pooled.record(*v)),
        }
    }
    groups.retain(|_, histogram| histogram.count() > 0);
    Ok(groups)
}

fn p99_delta(base: &Histogram, head: &Histogram, options: &CompareOptions) -> Result<Delta, String> {
    let ratio =
        stats::histogram_log_ratio(base, head, Estimator::Quantile(0.99), options).map_err(|e| e.to_string())?;
    let base_p99 = Ranked::new(base).and_then(|r| r.statistic(Estimator::Quantile(0.99))).map_err(|e| e.to_string())?;
    Ok(Delta {
        base_p99: base_p99 / NANOS_PER_MS,
        change: ratio.estimate.exp_m1(),
        ci: [ratio.ci.0.exp_m1(), ratio.ci.1.exp_m1()],
        regressed: ratio.ci.0 > 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(route: &str, method: &str, samples: Vec<f64>) -> Benchmark {
        let mut bench = Benchmark::with_samples(format!("latency{{{route}}}"), "latency", Unit::Ns, samples);
        bench.tags =
            [("route", route), ("method", method)].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        bench
    }

    fn request(by: &[String]) -> Request<'_> {
        Request { by, metric: "latency", options: CompareOptions::default() }
    }

    #[test]
    fn groups_rank_by_total_time_with_shares_that_add_up() {
        let by = vec!["route".to_string()];
        let head = vec![
            series("/many-fast", "GET", vec![1e6; 900]),
            series("/few-slow", "GET", vec![100e6; 100]),
            series("/few-slow", "POST", vec![100e6; 100]),
        ];
        let result = breakdown(&head, None, &request(&by)).unwrap();
        let routes: Vec<&str> = result.groups.iter().map(|g| g.key["route"].as_str()).collect();
        assert_eq!(routes, ["/few-slow", "/many-fast"], "ranked by total time, not by count");
        let slow = &result.groups[0];
        assert_eq!((slow.count, slow.p99, slow.total), (200, 100.0, 20_000.0));
        assert!((slow.share - 20_000.0 / 20_900.0).abs() < 1e-12);
        assert!((result.groups[1].cumulative_share - 1.0).abs() < 1e-12);
        assert!((result.groups[1].request_share - 900.0 / 1100.0).abs() < 1e-12);
    }

    #[test]
    fn against_a_baseline_only_the_slower_group_is_marked_regressed() {
        let by = vec!["route".to_string()];
        let spread = |scale: f64| (1..=2000).map(|i| scale * (1.0 + i as f64 / 100.0) * 1e6).collect::<Vec<_>>();
        let base = vec![series("/a", "GET", spread(1.0)), series("/b", "GET", spread(1.0))];
        let head = vec![series("/a", "GET", spread(1.0)), series("/b", "GET", spread(1.5))];
        let result = breakdown(&head, Some(&base), &request(&by)).unwrap();
        let regressed: Vec<(&str, bool)> =
            result.groups.iter().map(|g| (g.key["route"].as_str(), g.delta.as_ref().unwrap().regressed)).collect();
        assert_eq!(regressed, [("/b", true), ("/a", false)]);
        let b = result.groups[0].delta.as_ref().unwrap();
        assert!(b.ci[0] < 0.5 && 0.5 < b.ci[1], "{b:?}");
    }

    #[test]
    fn no_matching_metric_is_an_error_naming_what_exists() {
        let by = vec!["route".to_string()];
        let mut other = series("/a", "GET", vec![1.0]);
        other.metric = "vus".into();
        let error = breakdown(&[other], None, &request(&by)).unwrap_err();
        assert!(error.contains("\"latency\"") && error.contains("vus"), "{error}");
    }

    #[test]
    fn groups_get_request_rates_when_the_series_share_a_window() {
        let mut fast = series("/a", "GET", vec![1e6; 30]);
        let mut slow = series("/b", "GET", vec![2e6; 10]);
        fast.window_seconds = Some(10.0);
        slow.window_seconds = Some(10.0);
        let by = ["route".to_string()];
        let request = Request { by: &by, metric: "latency", options: CompareOptions::default() };
        let result = breakdown(&[fast.clone(), slow.clone()], None, &request).unwrap();
        assert_eq!(result.window_seconds, Some(10.0));
        let rates: Vec<Option<f64>> = result.groups.iter().map(|g| g.rate).collect();
        assert_eq!(rates, [Some(3.0), Some(1.0)]);
        slow.window_seconds = Some(20.0);
        let mixed = breakdown(&[fast, slow], None, &request).unwrap();
        assert_eq!((mixed.window_seconds, mixed.groups[0].rate), (None, None), "different logs: no common window");
    }
}
