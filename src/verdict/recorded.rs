//! A statistic at one recorded commit, as `perfgate history` and the PR
//! comment's trend charts show it: the KPI's statistic of each series it
//! selects, computed the way a check computes it, with its standard error
//! from the commit's own samples.

use super::pool::prepare;
use super::select::select;
use super::series::{estimator, Series};
use crate::config::{Kpi, Statistic};
use crate::model::{Benchmark, Direction, Unit};
use crate::stats;

/// One series' statistic at one commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The comparison label a check gives the series (a benchmark id, or a pooled selection).
    pub label: String,
    pub unit: Unit,
    pub direction: Direction,
    pub value: f64,
    /// Values behind it.
    pub n: usize,
    /// Standard error of `value`: half the width of its 68.3 % interval (None for a single value,
    /// or a statistic such as `min` that no sample bounds on both sides).
    pub std_error: Option<f64>,
}

/// One standard deviation of a normal distribution either side of the mean.
const ONE_SIGMA: f64 = 0.682_689_492;

/// The KPI's statistic for every series it selects in `benchmarks` (nothing when none matches).
pub fn recorded_values(kpi: &Kpi, benchmarks: &[Benchmark]) -> Vec<Recorded> {
    let Ok(selections) = select(kpi, benchmarks, None) else { return Vec::new() };
    selections
        .into_iter()
        .filter_map(|selection| {
            let direction = kpi.direction.or(selection.head.first().map(|b| b.direction))?;
            recorded(selection.label, &selection.head, kpi.statistic, direction)
        })
        .collect()
}

/// A benchmark's median, for history without a budget file.
pub fn recorded_median(benchmark: &Benchmark) -> Option<Recorded> {
    recorded(benchmark.id.clone(), &[benchmark], Statistic::Median, benchmark.direction)
}

fn recorded(label: String, benchmarks: &[&Benchmark], statistic: Statistic, direction: Direction) -> Option<Recorded> {
    let series = prepare(benchmarks, statistic).ok()?;
    let value = series.value.filter(|v| v.is_finite())?;
    Some(Recorded {
        label,
        unit: series.unit.clone(),
        direction,
        value,
        n: series.count().max(1),
        std_error: std_error(&series, statistic),
    })
}

fn std_error(series: &Series, statistic: Statistic) -> Option<f64> {
    if series.samples.len() < 2 || matches!(statistic, Statistic::Count | Statistic::Throughput) {
        return None;
    }
    let (lo, hi) = stats::statistic_interval(&series.samples, estimator(statistic), ONE_SIGMA).ok()?;
    let half_width = (hi - lo) / 2.0;
    half_width.is_finite().then_some(half_width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn kpi(statistic: &str, bench: &str) -> Kpi {
        let text = format!(
            "[[suite]]\nname = \"s\"\ncommand = \"true\"\n[[kpi]]\nname = \"k\"\nsuite = \"s\"\nbench = \"{bench}\"\nstatistic = \"{statistic}\"\nmax-regression = \"5%\"\n"
        );
        Config::parse(&text, std::path::Path::new("perf-budget.toml")).unwrap().kpis.remove(0)
    }

    #[test]
    fn the_kpi_statistic_of_each_selected_series_with_its_standard_error() {
        let samples: Vec<f64> = (1..=101).map(f64::from).collect();
        let benchmarks = vec![
            Benchmark::with_samples("parse/a", "time", Unit::Ns, samples.clone()),
            Benchmark::with_samples("parse/b", "time", Unit::Ns, samples.iter().map(|v| v * 2.0).collect()),
            Benchmark::with_samples("other", "time", Unit::Ns, vec![1.0]),
        ];
        let values = recorded_values(&kpi("median", "parse/*"), &benchmarks);
        let labels: Vec<&str> = values.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["parse/a", "parse/b"]);
        assert_eq!(values[0].value, 51.0);
        assert_eq!(values[1].value, 102.0);
        assert_eq!(values[0].n, 101);
        // The median of 101 evenly spread values: its 68 % order-statistic interval spans about
        // ±5 ranks (sqrt(101)/2 = 5.02), so the standard error is about 5 here.
        let se = values[0].std_error.unwrap();
        assert!((4.0..=6.5).contains(&se), "{se}");
        // The minimum has no two-sided interval; a single value has no spread.
        assert_eq!(recorded_values(&kpi("min", "parse/a"), &benchmarks)[0].std_error, None);
        assert_eq!(recorded_median(&benchmarks[2]).unwrap().std_error, None);
        assert!(recorded_values(&kpi("median", "nothing*"), &benchmarks).is_empty());
    }
}
