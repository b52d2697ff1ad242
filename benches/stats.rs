//! Benchmarks of the statistics: one comparison, and judging a whole suite.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::collections::BTreeMap;
use std::path::Path;

use perfgate::config::Config;
use perfgate::model::{Benchmark, Unit};
use perfgate::stats::{log_ratio, CompareOptions, Estimator};
use perfgate::verdict::{evaluate, Inputs};
use rand::distributions::Distribution;
use rand::SeedableRng;
use rand_pcg::Pcg64;
use statrs::distribution::Normal;

const SAMPLES: usize = 100;
const SUITE: usize = 500;

/// Log-normal samples with a 5 % CV, deterministic per seed.
fn samples(rng: &mut Pcg64, n: usize, log_mean: f64) -> Vec<f64> {
    let normal = Normal::new(log_mean, 0.05).expect("valid normal");
    (0..n).map(|_| normal.sample(rng).exp()).collect()
}

/// Base and head samples of every benchmark of a suite; head 1 % slower.
fn suite(seed: u64) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut rng = Pcg64::seed_from_u64(seed);
    (0..SUITE)
        .map(|i| {
            let level = (1000.0 * (1 + i) as f64).ln();
            (samples(&mut rng, SAMPLES, level), samples(&mut rng, SAMPLES, level + 0.01))
        })
        .collect()
}

fn one_comparison(c: &mut Criterion) {
    let data = suite(1);
    let (base, head) = &data[0];
    let opts = CompareOptions::default();
    let mut group = c.benchmark_group("log_ratio_100_samples");
    group.bench_function("median_hodges_lehmann", |b| {
        b.iter(|| log_ratio(black_box(base), black_box(head), Estimator::Median, &opts))
    });
    group.bench_function("p99_bootstrap_2000", |b| {
        b.iter(|| log_ratio(black_box(base), black_box(head), Estimator::Quantile(0.99), &opts))
    });
    group.finish();
}

/// `perfgate check`'s real decision code on a 500-benchmark suite: comparisons,
/// run noise, FDR, verdicts, the report.
fn whole_suite(c: &mut Criterion) {
    let data = suite(2);
    let series = |side: usize| -> Vec<Benchmark> {
        data.iter()
            .enumerate()
            .map(|(i, pair)| {
                let samples = if side == 0 { pair.0.clone() } else { pair.1.clone() };
                Benchmark::with_samples(format!("bench/{i}"), "time", Unit::Ns, samples)
            })
            .collect()
    };
    let inputs = Inputs {
        head: BTreeMap::from([("s".to_string(), series(1))]),
        base: Some(BTreeMap::from([("s".to_string(), series(0))])),
        ..Inputs::default()
    };
    let mut group = c.benchmark_group("judge_500_benchmarks");
    group.sample_size(10);
    for statistic in ["median", "min", "p99"] {
        let text = format!(
            "[[suite]]\nname = \"s\"\n[[kpi]]\nname = \"k\"\nsuite = \"s\"\nbench = \"*\"\nstatistic = \"{statistic}\"\nmax-regression = \"3%\"\n"
        );
        let config = Config::parse(&text, Path::new("perf-budget.toml")).expect("valid budget");
        group.bench_function(statistic, |b| {
            b.iter(|| evaluate(black_box(&config), black_box(&inputs)).expect("judged"))
        });
    }
    group.finish();
}

criterion_group!(benches, one_comparison, whole_suite);
criterion_main!(benches);
