//! Benchmarks of the statistics: one comparison, and judging a whole suite.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use perfgate::stats::{
    adjust, benjamini_hochberg, estimate_run_noise, log_ratio, p_value_beyond, CompareOptions, Estimator, LogRatio,
};
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

/// What `perfgate check` does with a suite: compare, estimate run noise,
/// adjust, test against the budget, control the FDR.
fn judge(suite: &[(Vec<f64>, Vec<f64>)], estimator: Estimator) -> Vec<f64> {
    let opts = CompareOptions::default();
    let ratios: Vec<LogRatio> =
        suite.iter().map(|(base, head)| log_ratio(base, head, estimator, &opts).expect("valid samples")).collect();
    let noise = estimate_run_noise(&ratios, 5, 0.02, 0.005);
    let threshold = 1.03f64.ln();
    let p: Vec<f64> =
        ratios.iter().map(|r| p_value_beyond(&adjust(r, &noise, opts.confidence), threshold, true)).collect();
    benjamini_hochberg(&p)
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

fn whole_suite(c: &mut Criterion) {
    let data = suite(2);
    let mut group = c.benchmark_group("suite_500_benchmarks");
    group.sample_size(10);
    for (name, estimator) in [("median", Estimator::Median), ("p99", Estimator::Quantile(0.99))] {
        group.bench_function(name, |b| b.iter(|| judge(black_box(&data), estimator)));
    }
    group.finish();
}

criterion_group!(benches, one_comparison, whole_suite);
criterion_main!(benches);
