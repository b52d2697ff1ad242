//! Benchmarks of the statistics: one comparison, and judging a whole suite.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::collections::BTreeMap;
use std::path::Path;

use perfgate::config::Config;
use perfgate::model::{Benchmark, Unit};
use perfgate::stats::Looks;
use perfgate::stats::{log_ratio, CompareOptions, Estimator};
use perfgate::verdict::sequential::evaluate_sequentially;
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

/// One look of a sequential check: 500 benchmarks after 30 interleaved rounds
/// of 10 samples per side, judged by the paired per-round code (with the
/// disturbed-run rule over every round). A check takes one look per round.
fn one_look(c: &mut Criterion) {
    const ROUNDS: usize = 30;
    const PER_ROUND: usize = 10;
    let mut rng = Pcg64::seed_from_u64(3);
    let mut sides: [Vec<Benchmark>; 2] = [Vec::new(), Vec::new()];
    for i in 0..SUITE {
        let level = (1000.0 * (1 + i) as f64).ln();
        for (side, benchmarks) in sides.iter_mut().enumerate() {
            let samples = samples(&mut rng, ROUNDS * PER_ROUND, level + 0.01 * side as f64);
            let mut bench = Benchmark::with_samples(format!("bench/{i}"), "time", Unit::Ns, samples);
            bench.rounds = Some((0..ROUNDS * PER_ROUND).map(|k| (k / PER_ROUND) as u32 + 1).collect());
            benchmarks.push(bench);
        }
    }
    let [base, head] = sides;
    let inputs = Inputs {
        head: BTreeMap::from([("s".to_string(), head)]),
        base: Some(BTreeMap::from([("s".to_string(), base)])),
        ..Inputs::default()
    };
    let text = "[[suite]]\nname = \"s\"\n[[kpi]]\nname = \"k\"\nsuite = \"s\"\nbench = \"*\"\nstatistic = \"min\"\nmax-regression = \"3%\"\n";
    let config = Config::parse(text, Path::new("perf-budget.toml")).expect("valid budget");
    let mut group = c.benchmark_group("one_look_500_benchmarks_30_rounds");
    group.sample_size(10);
    group.bench_function("min", |b| b.iter(|| evaluate(black_box(&config), black_box(&inputs)).expect("judged")));
    // The whole sequential check over the same rounds: a look after every round from the
    // fifth, each judging what is still undecided.
    let looks = Looks { min_rounds: 5, max_rounds: ROUNDS };
    group.bench_function("every_look_from_round_5", |b| {
        b.iter(|| evaluate_sequentially(black_box(&config), black_box(&inputs), looks).expect("judged"))
    });
    group.finish();
}

criterion_group!(benches, one_comparison, whole_suite, one_look);
criterion_main!(benches);
