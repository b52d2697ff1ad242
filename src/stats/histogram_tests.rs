use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64Mcg;

use super::*;
use crate::stats::{log_ratio, quantile_sorted, statistic_interval};

fn lognormal(n: usize, median_ms: f64, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let dist = LogNormal::new((median_ms * 1e6).ln(), 0.6).unwrap();
    (0..n).map(|_| dist.sample(&mut rng)).collect()
}

#[test]
fn quantiles_are_within_a_thousandth_of_the_exact_sorted_values() {
    let samples = lognormal(200_000, 40.0, 1);
    let ranked = Ranked::new(&Histogram::from_values(&samples)).unwrap();
    let mut sorted = samples.clone();
    sorted.sort_by(f64::total_cmp);
    for p in [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999] {
        let exact = quantile_sorted(&sorted, p);
        let binned = ranked.statistic(Estimator::Quantile(p)).unwrap();
        assert!((binned / exact - 1.0).abs() <= 1e-3, "p{p}: {binned} vs {exact}");
    }
    assert_eq!(ranked.statistic(Estimator::Max).unwrap(), sorted[sorted.len() - 1]);
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    assert!((ranked.statistic(Estimator::Mean).unwrap() / mean - 1.0).abs() < 1e-12);
}

#[test]
fn absolute_intervals_contain_the_exact_interval_and_are_barely_wider() {
    let samples = lognormal(50_000, 10.0, 2);
    let ranked = Ranked::new(&Histogram::from_values(&samples)).unwrap();
    for estimator in [Estimator::Quantile(0.99), Estimator::Median, Estimator::Mean] {
        let exact = statistic_interval(&samples, estimator, 0.95).unwrap();
        let binned = ranked.statistic_interval(estimator, 0.95).unwrap();
        assert!(binned.0 <= exact.0 * (1.0 + 1e-12) && binned.1 >= exact.1 * (1.0 - 1e-12), "{binned:?} {exact:?}");
        assert!(binned.0 >= exact.0 * 0.997 && binned.1 <= exact.1 * 1.003, "{binned:?} {exact:?}");
    }
}

#[test]
fn rank_bootstrap_agrees_with_the_sample_bootstrap_and_detects_a_shift() {
    let opts = CompareOptions::default();
    let base = lognormal(20_000, 50.0, 3);
    let head: Vec<f64> = lognormal(20_000, 50.0, 4).iter().map(|v| v * 1.10).collect();
    let (hb, hh) = (Histogram::from_values(&base), Histogram::from_values(&head));
    for estimator in [Estimator::Quantile(0.99), Estimator::Median, Estimator::Mean] {
        let binned = histogram_log_ratio(&hb, &hh, estimator, &opts).unwrap();
        let exact = log_ratio(&base, &head, estimator, &opts).unwrap();
        assert!((binned.estimate - exact.estimate).abs() < 2e-3, "{estimator:?}: {binned:?} vs {exact:?}");
        let (wb, we) = (binned.ci.1 - binned.ci.0, exact.ci.1 - exact.ci.0);
        assert!((wb / we - 1.0).abs() < 0.25, "{estimator:?}: width {wb} vs {we}");
        let truth = 1.1f64.ln();
        assert!(binned.ci.0 > 0.0 && binned.ci.0 <= truth && truth <= binned.ci.1, "{estimator:?}: {binned:?}");
    }
    let again = histogram_log_ratio(&hb, &hh, Estimator::Quantile(0.99), &opts).unwrap();
    assert_eq!(again, histogram_log_ratio(&hb, &hh, Estimator::Quantile(0.99), &opts).unwrap(), "seeded");
}

/// Share of `reps` 95 % rank-bootstrap intervals of the relative p99 that
/// contain the true change, for log-normal latencies of `n` values a side
/// whose head is the base slowed by `change` (so every quantile moves by it).
fn p99_coverage(reps: u64, n: usize, change: f64) -> f64 {
    let opts = CompareOptions { resamples: 1000, ..CompareOptions::default() };
    let truth = change.ln_1p();
    let covered = (0..reps)
        .filter(|rep| {
            let base = Histogram::from_values(&lognormal(n, 20.0, 1000 + 2 * rep));
            let head: Vec<f64> = lognormal(n, 20.0, 1001 + 2 * rep).iter().map(|v| v * (1.0 + change)).collect();
            let ci = histogram_log_ratio(&base, &Histogram::from_values(&head), Estimator::Quantile(0.99), &opts)
                .unwrap()
                .ci;
            ci.0 <= truth && truth <= ci.1
        })
        .count();
    covered as f64 / reps as f64
}

#[test]
fn rank_bootstrap_intervals_of_the_p99_cover_the_true_change() {
    // 300 intervals per case: the Monte-Carlo sd of a 95 % coverage is 1.26
    // points, so the bounds are 95 % ± 2.5 sd.
    for change in [0.0, 0.10] {
        let coverage = p99_coverage(300, 5_000, change);
        assert!((0.918..=0.982).contains(&coverage), "+{change}: coverage {coverage}");
    }
}

#[test]
fn empty_histograms_and_zero_statistics_are_errors_not_panics() {
    let empty = Histogram::new();
    let some = Histogram::from_values(&[1.0, 2.0]);
    assert!(Ranked::new(&empty).is_err());
    assert!(histogram_log_ratio(&empty, &some, Estimator::Mean, &CompareOptions::default()).is_err());
    let zeros = Histogram::from_values(&[0.0; 10]);
    assert!(matches!(
        histogram_log_ratio(&zeros, &some, Estimator::Median, &CompareOptions::default()),
        Err(StatsError::ZeroStatistic("base"))
    ));
}
