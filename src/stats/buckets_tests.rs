use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64Mcg;

use super::*;

const INF: f64 = f64::INFINITY;

fn buckets(pairs: &[(f64, u64)]) -> Vec<BucketCount> {
    pairs.iter().map(|&(le, cumulative)| BucketCount { le, cumulative }).collect()
}

/// Prometheus' default bounds (seconds) with `+Inf`.
const DEFAULT_BOUNDS: [f64; 15] =
    [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, INF];

fn bucketed(values: &[f64]) -> Vec<BucketCount> {
    let count_at_most = |le: f64| values.iter().filter(|v| **v <= le).count() as u64;
    DEFAULT_BOUNDS.iter().map(|&le| BucketCount { le, cumulative: count_at_most(le) }).collect()
}

fn lognormal(n: usize, median: f64, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let dist = LogNormal::new(median.ln(), 0.6).unwrap();
    (0..n).map(|_| dist.sample(&mut rng)).collect()
}

#[test]
fn point_values_interpolate_inside_the_bucket_like_histogram_quantile() {
    // 10 values up to 0.1, 40 more up to 0.25, 40 up to 0.5, 10 up to 1.
    let list = buckets(&[(0.1, 10), (0.25, 50), (0.5, 90), (1.0, 100), (INF, 100)]);
    let side = Bucketed::new(&list).unwrap();
    let value = |estimator| side.statistic(estimator).unwrap();
    // rank 50 is the last of the second bucket: 0.1 + 0.15 * 40 / 40
    assert_eq!(value(Estimator::Median), BucketValue::Within { lower: 0.1, upper: 0.25, estimate: 0.25 });
    // rank 99: 0.5 + 0.5 * 9 / 10
    assert_eq!(value(Estimator::Quantile(0.99)).estimate(), Some(0.95));
    assert_eq!(value(Estimator::Quantile(0.05)).estimate(), Some(0.05), "the first bucket starts at 0");
    assert_eq!(value(Estimator::Max), BucketValue::Within { lower: 0.5, upper: 1.0, estimate: 1.0 });
    assert_eq!(value(Estimator::Min), BucketValue::Within { lower: 0.0, upper: 0.1, estimate: 0.0 });
    assert!(side.statistic(Estimator::Mean).is_err(), "the mean is _sum / _count");
}

#[test]
fn a_rank_in_the_inf_bucket_has_no_value_only_a_bound() {
    let list = buckets(&[(1.0, 5), (2.5, 20), (5.0, 35), (10.0, 45), (INF, 50)]);
    let side = Bucketed::new(&list).unwrap();
    assert_eq!(side.statistic(Estimator::Quantile(0.99)).unwrap(), BucketValue::Above { bound: 10.0 });
    assert_eq!(side.statistic(Estimator::Max).unwrap().estimate(), None);
    let (lo, hi) = side.statistic_interval(Estimator::Quantile(0.99), 0.95).unwrap();
    assert_eq!((lo, hi), (10.0, INF));
    assert_eq!(side.statistic(Estimator::Quantile(0.8)).unwrap().estimate(), Some(5.0 + 5.0 * 5.0 / 10.0));
    let only_inf = buckets(&[(INF, 3)]);
    assert_eq!(
        Bucketed::new(&only_inf).unwrap().statistic(Estimator::Median).unwrap(),
        BucketValue::Above { bound: 0.0 }
    );
}

#[test]
fn intervals_are_the_points_bucket_with_many_values_and_wider_with_few() {
    let many = bucketed(&lognormal(20_000, 0.3, 1));
    let (lo, hi) = Bucketed::new(&many).unwrap().statistic_interval(Estimator::Quantile(0.99), 0.95).unwrap();
    assert_eq!((lo, hi), (1.0, 2.5), "p99 of a 0.3 s median with sigma 0.6 is 1.2 s");
    let few = bucketed(&lognormal(30, 0.3, 1));
    let (lo, hi) = Bucketed::new(&few).unwrap().statistic_interval(Estimator::Quantile(0.99), 0.95).unwrap();
    assert_eq!(hi, INF, "30 values cannot bound a p99 from above");
    assert!(lo <= 1.0, "{lo}");
    let (lo, hi) = Bucketed::new(&few).unwrap().statistic_interval(Estimator::Max, 0.95).unwrap();
    assert!(lo > 0.0 && hi == INF);
}

#[test]
fn absolute_intervals_cover_the_true_quantile() {
    // Population p90 of LogNormal(ln 0.3, 0.6): 0.3 * exp(0.6 * 1.2816) = 0.6477 s.
    let truth = 0.3 * (0.6f64 * 1.281_551_565_5).exp();
    let covered = (0..300)
        .filter(|seed| {
            let list = bucketed(&lognormal(200, 0.3, 100 + seed));
            let (lo, hi) = Bucketed::new(&list).unwrap().statistic_interval(Estimator::Quantile(0.9), 0.95).unwrap();
            lo <= truth && truth <= hi
        })
        .count();
    assert!(covered >= 291, "{covered} of 300");
}

#[test]
fn ratios_are_bounded_by_both_sides_buckets() {
    let base = bucketed(&lognormal(5_000, 0.1, 2));
    // Same code: both p99 in (0.25, 0.5]: the ratio is only known to lie in [0.5, 2].
    let same = bucketed(&lognormal(5_000, 0.1, 3));
    let ratio = bucket_log_ratio(&base, &same, Estimator::Quantile(0.99), 0.95).unwrap();
    assert_eq!(ratio.method, Method::Buckets);
    assert!((ratio.ci.0.exp() - 0.5).abs() < 1e-12 && (ratio.ci.1.exp() - 2.0).abs() < 1e-12, "{ratio:?}");
    assert!(ratio.estimate.abs() < 0.1, "{ratio:?}");
    // Four times slower: p99 in (1, 2.5], so at least 1 / 0.5 = 2x.
    let slower: Vec<f64> = lognormal(5_000, 0.1, 3).iter().map(|v| v * 4.0).collect();
    let ratio = bucket_log_ratio(&base, &bucketed(&slower), Estimator::Quantile(0.99), 0.95).unwrap();
    assert!((ratio.ci.0.exp() - 2.0).abs() < 1e-12 && (ratio.ci.1.exp() - 10.0).abs() < 1e-12, "{ratio:?}");
    assert!(ratio.estimate > 2f64.ln() && ratio.estimate < 10f64.ln());
}

#[test]
fn ratios_of_an_indeterminate_or_empty_side_are_errors() {
    let base = buckets(&[(1.0, 90), (2.5, 100), (INF, 100)]);
    let above = buckets(&[(1.0, 50), (2.5, 60), (INF, 100)]);
    let error = bucket_log_ratio(&base, &above, Estimator::Quantile(0.99), 0.95).unwrap_err();
    assert_eq!(error.to_string(), "the head lies above its largest bucket bound 2.5");
    let empty = buckets(&[(1.0, 0), (INF, 0)]);
    assert_eq!(bucket_log_ratio(&empty, &base, Estimator::Median, 0.95), Err(StatsError::Empty("base")));
    let zero = buckets(&[(0.0, 10), (INF, 10)]);
    assert_eq!(bucket_log_ratio(&zero, &base, Estimator::Median, 0.95), Err(StatsError::ZeroStatistic("base")));
}
