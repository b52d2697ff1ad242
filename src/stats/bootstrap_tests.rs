//! Tests of the percentile bootstrap.

use super::*;
use crate::stats::test_support::{close, lognormal, rng};

fn opts(resamples: usize, seed: u64) -> CompareOptions {
    CompareOptions { confidence: 0.95, resamples, seed }
}

#[test]
fn point_estimate_is_the_ratio_of_statistics() {
    let base = [10.0, 12.0, 11.0, 13.0];
    let head = [11.0, 13.0, 12.0, 16.0];
    // np.log(np.mean(head) / np.mean(base)) = np.log(13 / 11.5)
    let r = bootstrap_log_ratio(&base, &head, Estimator::Mean, &opts(500, 1)).unwrap();
    assert!(close(r.estimate, (13.0f64 / 11.5).ln(), 1e-14));
    assert_eq!(r.method, Method::Bootstrap { resamples: 500, seed: 1 });
    assert!(r.ci.0 <= r.ci.1 && r.se > 0.0);
    // np.log(np.quantile(head, 0.99) / np.quantile(base, 0.99)) = np.log(15.91 / 12.97)
    let r = bootstrap_log_ratio(&base, &head, Estimator::Quantile(0.99), &opts(500, 1)).unwrap();
    assert!(close(r.estimate, (15.91f64 / 12.97).ln(), 1e-12));
}

#[test]
fn reproducible_per_seed() {
    let mut g = rng(4);
    let base = lognormal(&mut g, 50, 0.0, 0.2);
    let head = lognormal(&mut g, 50, 0.1, 0.2);
    let a = bootstrap_log_ratio(&base, &head, Estimator::Quantile(0.9), &opts(300, 7)).unwrap();
    let b = bootstrap_log_ratio(&base, &head, Estimator::Quantile(0.9), &opts(300, 7)).unwrap();
    let c = bootstrap_log_ratio(&base, &head, Estimator::Quantile(0.9), &opts(300, 8)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.ci, c.ci);
}

#[test]
fn zeros() {
    let o = opts(200, 1);
    assert_eq!(bootstrap_log_ratio(&[0.0, 0.0], &[1.0], Estimator::Mean, &o), Err(StatsError::ZeroStatistic("base")));
    assert_eq!(
        bootstrap_log_ratio(&[1.0], &[0.0, 0.0, 5.0], Estimator::Median, &o),
        Err(StatsError::ZeroStatistic("head"))
    );
    // Min of a sample with a zero: point statistic zero.
    assert_eq!(
        bootstrap_log_ratio(&[0.0, 2.0], &[1.0, 2.0], Estimator::Min, &o),
        Err(StatsError::ZeroStatistic("base"))
    );
    // A rare zero makes a few resamples' statistic zero; those are skipped.
    let mut base = vec![1.0; 9];
    base.push(0.0);
    // (At least two zeros in a resample of 10: about 26 % of resamples.)
    let r = bootstrap_log_ratio(&base, &[1.0; 10], Estimator::Quantile(0.05), &o).unwrap();
    assert!(r.ci.0.is_finite() && r.ci.1.is_finite() && r.se.is_finite());
    assert!(matches!(bootstrap_log_ratio(&[1.0], &[1.0], Estimator::Mean, &opts(0, 1)), Err(StatsError::Invalid(_))));
}

#[test]
fn degenerate_samples_give_finite_answers() {
    let o = opts(200, 1);
    let r = bootstrap_log_ratio(&[4.0; 30], &[4.0; 30], Estimator::Quantile(0.99), &o).unwrap();
    assert_eq!((r.estimate, r.ci, r.se), (0.0, (0.0, 0.0), 0.0));
    let r = bootstrap_log_ratio(&[4.0], &[5.0], Estimator::Mean, &o).unwrap();
    assert!(close(r.estimate, 1.25f64.ln(), 1e-14) && r.se == 0.0);
}

/// Coverage of the true log ratio under a log-normal shift model, n = 200 per
/// side, 300 seeded repetitions of 1000 resamples. The percentile bootstrap
/// is only first-order accurate and undercovers for extreme quantiles (the
/// p99 of 200 samples rests on the top two or three observations; Hall &
/// Martin 1988), so the tolerance is loose: the mean must reach 91 %, the
/// p99 85 % (nominal 95 %).
#[test]
fn coverage_is_roughly_nominal_for_n_200() {
    let shift = 0.05;
    for (estimator, floor, seed) in [(Estimator::Mean, 0.91, 11), (Estimator::Quantile(0.99), 0.85, 12)] {
        let mut g = rng(seed);
        let reps = 300;
        let mut covered = 0;
        for rep in 0..reps {
            let base = lognormal(&mut g, 200, 0.0, 0.3);
            let head = lognormal(&mut g, 200, shift, 0.3);
            let r = bootstrap_log_ratio(&base, &head, estimator, &opts(1000, rep)).unwrap();
            covered += usize::from(r.ci.0 <= shift && shift <= r.ci.1);
        }
        let rate = covered as f64 / reps as f64;
        eprintln!("bootstrap coverage {estimator:?}: {rate}");
        assert!(rate >= floor && rate <= 0.99, "{estimator:?}: coverage {rate}");
    }
}

#[test]
fn order_statistics_from_counts_match_a_sorted_resample() {
    use rand::Rng;
    let mut g = rng(5);
    for n in [1, 2, 7, 50] {
        let mut sorted = lognormal(&mut g, n, 0.0, 1.0);
        sorted.sort_by(f64::total_cmp);
        let mut counts = vec![0u32; n];
        let mut resample = Vec::new();
        for _ in 0..n {
            let j = g.gen_range(0..n);
            counts[j] += 1;
            resample.push(sorted[j]);
        }
        resample.sort_by(f64::total_cmp);
        for (rank, want) in resample.iter().enumerate() {
            assert_eq!(order_statistic(&sorted, &counts, rank), *want, "n={n} rank={rank}");
        }
    }
}
