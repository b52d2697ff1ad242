//! Tests of point statistics and intervals of a statistic.

use super::*;
use crate::stats::test_support::{close, lognormal, rng};

/// A small fixed dataset used for reference values.
const X: [f64; 10] = [12.1, 10.4, 11.8, 13.5, 10.9, 12.7, 11.2, 14.8, 10.1, 12.2];

#[test]
fn quantiles_match_numpy_linear() {
    // np.quantile(x, p) (default method='linear') for the X above.
    let cases = [
        (0.5, 11.95),
        (0.9, 13.629999999999999),
        (0.99, 14.683000000000002),
        (0.25, 10.975),
        (0.01, 10.126999999999999),
    ];
    let mut sorted = X.to_vec();
    sorted.sort_by(f64::total_cmp);
    for (p, expected) in cases {
        assert!(close(statistic(&X, Estimator::Quantile(p)).unwrap(), expected, 1e-12), "p={p}");
        assert!(close(quantile_sorted(&sorted, p), expected, 1e-12), "p={p}");
    }
    assert!(close(statistic(&X, Estimator::Median).unwrap(), 11.95, 1e-12));
    // np.mean(x)
    assert!(close(statistic(&X, Estimator::Mean).unwrap(), 11.97, 1e-12));
    assert_eq!(statistic(&X, Estimator::Min).unwrap(), 10.1);
    assert_eq!(statistic(&X, Estimator::Max).unwrap(), 14.8);
}

#[test]
fn statistic_edge_cases() {
    assert_eq!(statistic(&[], Estimator::Mean), Err(StatsError::Empty("measured")));
    assert_eq!(statistic(&[7.0], Estimator::Quantile(0.99)).unwrap(), 7.0);
    assert_eq!(statistic(&[7.0; 5], Estimator::Median).unwrap(), 7.0);
    assert!(statistic(&[1.0, f64::NAN], Estimator::Mean).is_err());
    assert!(statistic(&X, Estimator::Quantile(0.0)).is_err());
    assert!(statistic(&X, Estimator::Quantile(f64::NAN)).is_err());
    // Negative values are fine for an absolute statistic.
    assert_eq!(statistic(&[-3.0, -1.0, -2.0], Estimator::Median).unwrap(), -2.0);
    assert!(quantile_sorted(&[], 0.5).is_nan());
    assert_eq!(quantile_sorted(&[1.0, 2.0], 1.5), 2.0);
}

#[test]
fn quantile_interval_indices_match_scipy_binom() {
    // (l, u) from scipy.stats.binom(n, p): l = largest with binom.cdf(l-1) <= a/2,
    // u = smallest with binom.sf(u-1) <= a/2 (1-based order statistics; 0 / n+1
    // mean unbounded). Using data 1..=n makes X(i) = i.
    let cases = [
        (10, 0.5, 0.95, 2, 9),
        (50, 0.99, 0.95, 48, 51),
        (1000, 0.99, 0.95, 983, 997),
        (20, 0.9, 0.90, 16, 21),
        (100, 0.95, 0.99, 89, 101),
        (5, 0.5, 0.95, 0, 6),
    ];
    for (n, p, conf, l, u) in cases {
        let data: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let (lo, hi) = quantile_interval(&data, p, conf);
        let want_lo = if l == 0 { f64::NEG_INFINITY } else { l as f64 };
        let want_hi = if u == n + 1 { f64::INFINITY } else { u as f64 };
        assert_eq!((lo, hi), (want_lo, want_hi), "n={n} p={p}");
    }
}

#[test]
fn quantile_interval_edges() {
    let inf = f64::INFINITY;
    assert_eq!(quantile_interval(&[], 0.5, 0.95), (-inf, inf));
    assert_eq!(quantile_interval(&[3.0], 0.5, 0.95), (-inf, inf));
    assert_eq!(quantile_interval(&[1.0, 2.0], f64::NAN, 0.95), (-inf, inf));
    assert!(quantile_sorted(&[1.0, 2.0], f64::NAN).is_nan());
    assert_eq!(quantile_interval(&[2.0; 40], 0.5, 0.95), (2.0, 2.0));
    let data = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(quantile_interval(&data, 0.0, 0.95), (-inf, 1.0));
    assert_eq!(quantile_interval(&data, 1.0, 0.95), (4.0, inf));
}

#[test]
fn statistic_interval_matches_scipy() {
    // scipy.stats.t.interval(0.95, df=9, loc=np.mean(x), scale=stats.sem(x))
    let (lo, hi) = statistic_interval(&X, Estimator::Mean, 0.95).unwrap();
    assert!(close(lo, 10.939372848426364, 1e-9) && close(hi, 13.000627151573637, 1e-9));
    // scipy.stats.t.interval(0.99, df=9, loc=np.mean(x), scale=stats.sem(x))
    let (lo, hi) = statistic_interval(&X, Estimator::Mean, 0.99).unwrap();
    assert!(close(lo, 10.48939166632843, 1e-9) && close(hi, 13.450608333671571, 1e-9));
    // scipy.stats.t.interval(0.95, df=1, loc=4.0, scale=stats.sem([3.0, 5.0]))
    let (lo, hi) = statistic_interval(&[3.0, 5.0], Estimator::Mean, 0.95).unwrap();
    assert!(close(lo, -8.706204736174694, 1e-9) && close(hi, 16.706204736174694, 1e-9));

    let inf = f64::INFINITY;
    assert_eq!(statistic_interval(&[5.0], Estimator::Mean, 0.95).unwrap(), (-inf, inf));
    assert_eq!(statistic_interval(&[5.0; 3], Estimator::Mean, 0.95).unwrap(), (5.0, 5.0));
    assert_eq!(statistic_interval(&X, Estimator::Min, 0.95).unwrap(), (-inf, 10.1));
    assert_eq!(statistic_interval(&X, Estimator::Max, 0.95).unwrap(), (14.8, inf));
    // Median of 10: order statistics 2 and 9 (see the scipy indices above).
    assert_eq!(statistic_interval(&X, Estimator::Median, 0.95).unwrap(), (10.4, 13.5));
    assert_eq!(statistic_interval(&[], Estimator::Median, 0.95), Err(StatsError::Empty("measured")));
    assert!(statistic_interval(&X, Estimator::Median, 1.5).is_err());
}

#[test]
fn quantile_interval_p99_covers_at_least_nominally() {
    // Simulation: p = 0.99, n = 1000, log-normal(0, 0.5); the true p99 is
    // exp(0.5 * 2.3263478740408408) (scipy.stats.norm.ppf(0.99) = 2.3263478740408408).
    // The exact coverage of the chosen order statistics is 0.97609 (scipy, above),
    // so the observed rate must not fall below 95 % by more than Monte Carlo error.
    let truth = (0.5f64 * 2.3263478740408408).exp();
    let mut rng = rng(99);
    let reps = 1000;
    let mut covered = 0;
    for _ in 0..reps {
        let mut x = lognormal(&mut rng, 1000, 0.0, 0.5);
        x.sort_by(f64::total_cmp);
        let (lo, hi) = quantile_interval(&x, 0.99, 0.95);
        covered += usize::from(lo <= truth && truth <= hi);
    }
    let rate = covered as f64 / reps as f64;
    eprintln!("quantile_interval p99 n=1000 coverage: {rate}");
    assert!(rate >= 0.95, "coverage {rate}");
}
