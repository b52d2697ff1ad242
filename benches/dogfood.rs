//! A small, fast suite for perfgate's own CI gate (`benches/perf-budget.toml`,
//! `.github/workflows/perf.yml`): a few hot paths, a second or two each.

use std::path::Path;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use perfgate::config::Config;
use perfgate::input::{self, Format, InputOptions};
use perfgate::stats::{log_ratio, CompareOptions, Estimator};

/// Log-spaced, slightly jittered samples: deterministic, no RNG needed.
fn samples(n: usize, level: f64, shift: f64) -> Vec<f64> {
    (0..n).map(|i| level * (1.0 + shift + 0.05 * ((i * 7919 % 101) as f64 / 101.0 - 0.5))).collect()
}

fn statistics(c: &mut Criterion) {
    let (base, head) = (samples(100, 1000.0, 0.0), samples(100, 1000.0, 0.01));
    let options = CompareOptions { resamples: 500, ..CompareOptions::default() };
    c.bench_function("stats/median_hodges_lehmann_100", |b| {
        b.iter(|| log_ratio(black_box(&base), black_box(&head), Estimator::Median, &options))
    });
    c.bench_function("stats/min_bootstrap_500", |b| {
        b.iter(|| log_ratio(black_box(&base), black_box(&head), Estimator::Min, &options))
    });
}

fn parsing(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let budget = std::fs::read_to_string(root.join("examples/perf-budget.toml")).expect("the example budget");
    c.bench_function("config/parse_example_budget", |b| {
        b.iter(|| Config::parse(black_box(&budget), Path::new("perf-budget.toml")).expect("valid"))
    });
    let hyperfine = root.join("tests/fixtures/hyperfine/parameterized.json");
    c.bench_function("input/hyperfine_export", |b| {
        b.iter(|| input::load(Format::HYPERFINE, black_box(&hyperfine), &InputOptions::default()).expect("valid"))
    });
}

fn quick() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

criterion_group! { name = benches; config = quick(); targets = statistics, parsing }
criterion_main!(benches);
