//! Tests of the Hodges–Lehmann comparison.

use super::*;
use crate::stats::test_support::{close, lognormal, rng};

const B6: [f64; 6] = [102.0, 98.5, 101.2, 99.9, 103.4, 100.7];
const H7: [f64; 7] = [105.1, 103.9, 107.2, 104.4, 102.8, 106.0, 104.9];

#[test]
fn exact_mann_whitney_cdf_matches_enumeration() {
    // Brute force over itertools.combinations(range(9), 4) in Python: P(U <= u).
    let expected = [
        0.007936507936507936,
        0.015873015873015872,
        0.031746031746031744,
        0.05555555555555555,
        0.09523809523809523,
        0.14285714285714285,
        0.20634920634920634,
        0.2777777777777778,
        0.36507936507936506,
        0.4523809523809524,
        0.5476190476190477,
    ];
    let cdf = mann_whitney_lower_cdf(4, 5);
    assert_eq!(cdf.len(), expected.len());
    for (a, b) in cdf.iter().zip(expected) {
        assert!(close(*a, b, 1e-14));
    }
    // Same enumeration for m = 6, n = 7, first eight values.
    let expected = [
        0.0005827505827505828,
        0.0011655011655011655,
        0.002331002331002331,
        0.004079254079254079,
        0.006993006993006993,
        0.011072261072261072,
        0.017482517482517484,
        0.02564102564102564,
    ];
    for (a, b) in mann_whitney_lower_cdf(6, 7).iter().zip(expected) {
        assert!(close(*a, b, 1e-14));
    }
    // Symmetry check on a size where enumeration is out of reach: the CDF
    // at the centre of an odd number of pairs is exactly 1/2.
    let cdf = mann_whitney_lower_cdf(49, 47);
    assert!(close(*cdf.last().unwrap(), 0.5, 1e-12));
}

#[test]
fn small_samples_use_the_exact_interval() {
    // Estimate: np.median(np.subtract.outer(np.log(h), np.log(b))).
    // k from the enumerated null distribution (k = #{u: P(U <= u) <= 0.025} = 7),
    // interval (d[k-1], d[N-k]) of the sorted differences.
    let r = hodges_lehmann(&B6, &H7, 0.95).unwrap();
    assert!(close(r.estimate, 0.03813990092866826, 1e-12));
    assert!(close(r.ci.0, 0.016307315808576917, 1e-12));
    assert!(close(r.ci.1, 0.0592694084575589, 1e-12));
    assert_eq!((r.method, r.n_base, r.n_head), (Method::HodgesLehmann, 6, 7));
    // scipy.stats.norm.ppf(0.975) = 1.959963984540054
    assert!(close(r.se, (r.ci.1 - r.ci.0) / (2.0 * 1.959963984540054), 1e-12));
    // At 90 %: k = 9.
    let r = hodges_lehmann(&B6, &H7, 0.90).unwrap();
    assert!(close(r.ci.0, 0.020639553296548208, 1e-12));
    assert!(close(r.ci.1, 0.057597491783336174, 1e-12));
}

#[test]
fn large_samples_use_the_normal_approximation_with_ties() {
    // Same formula-generated data in Python; k = round(N/2 - z sqrt(m n (N+1)/12 *
    // scipy.stats.tiecorrect(scipy.stats.rankdata(pooled_logs)))) = 1681.
    let base: Vec<f64> = (0..60).map(|i| 100.0 + ((i * 37) % 23) as f64 * 0.5).collect();
    let head: Vec<f64> = (0..70).map(|i| 103.0 + ((i * 29) % 19) as f64 * 0.5).collect();
    let r = hodges_lehmann(&base, &head, 0.95).unwrap();
    assert!(close(r.estimate, 0.018519047767237673, 1e-12));
    assert!(close(r.ci.0, 0.004866189651172803, 1e-12));
    assert!(close(r.ci.1, 0.02871010588243106, 1e-12));

    // Without ties, k = 1300.
    let base: Vec<f64> = (0..60).map(|i| 100.0 * (0.05 * (i as f64 * 1.7).sin()).exp() + i as f64 * 1e-3).collect();
    let head: Vec<f64> = (0..55).map(|i| 102.0 * (0.05 * (i as f64 * 2.3).cos()).exp() + i as f64 * 1e-3).collect();
    let r = hodges_lehmann(&base, &head, 0.95).unwrap();
    assert!(close(r.estimate, 0.019975934486229807, 1e-12));
    assert!(close(r.ci.0, 0.008472477082895224, 1e-12));
    assert!(close(r.ci.1, 0.031476088493953114, 1e-12));
}

#[test]
fn edge_cases() {
    // 2 vs 2: even the extreme differences reach only 1 - 2/6 coverage.
    let r = hodges_lehmann(&[1.0, 2.0], &[3.0, 4.0], 0.95).unwrap();
    // np.median(np.subtract.outer(np.log([3, 4]), np.log([1, 2])))
    assert!(close(r.estimate, 0.8958797346140275, 1e-12));
    assert_eq!(r.ci, (f64::NEG_INFINITY, f64::INFINITY));
    assert_eq!(r.se, f64::INFINITY);

    let r = hodges_lehmann(&[5.0], &[6.0], 0.95).unwrap();
    assert!(close(r.estimate, 1.2f64.ln(), 1e-12));
    assert!(!r.estimate.is_nan() && !r.se.is_nan());

    // All equal, large and small: zero-width interval, not NaN.
    for n in [10, 80] {
        let r = hodges_lehmann(&vec![3.0; n], &vec![3.0; n], 0.95).unwrap();
        assert_eq!((r.estimate, r.ci, r.se), (0.0, (0.0, 0.0), 0.0), "n={n}");
    }
    let e = hodges_lehmann(&[1.0, 0.0], &[1.0], 0.95).unwrap_err();
    assert!(matches!(e, StatsError::Invalid(ref m) if m.contains("base sample #2 is 0")), "{e}");
}

#[test]
fn interval_covers_a_log_normal_shift_nominally() {
    // 1000 seeded repetitions of a log-normal shift model (sigma 0.1, true
    // shift ln 1.05), once in the exact regime (20 vs 25) and once in the
    // normal-approximation regime (60 vs 70): coverage within 3 points of 95 %.
    let shift = 1.05f64.ln();
    for (m, n, seed) in [(20, 25, 1), (60, 70, 2)] {
        let mut rng = rng(seed);
        let reps = 1000;
        let mut covered = 0;
        for _ in 0..reps {
            let base = lognormal(&mut rng, m, 4.0, 0.1);
            let head = lognormal(&mut rng, n, 4.0 + shift, 0.1);
            let r = hodges_lehmann(&base, &head, 0.95).unwrap();
            covered += usize::from(r.ci.0 <= shift && shift <= r.ci.1);
        }
        let rate = covered as f64 / reps as f64;
        eprintln!("HL coverage {m} vs {n}: {rate}");
        assert!((0.92..=0.98).contains(&rate), "{m} vs {n}: coverage {rate}");
    }
}

#[test]
fn select_many_matches_sorting() {
    let mut rng = rng(3);
    let data = lognormal(&mut rng, 501, 0.0, 1.0);
    let mut sorted = data.clone();
    sorted.sort_by(f64::total_cmp);
    let positions = [0, 3, 250, 251, 499, 500];
    let mut buf = data.clone();
    let got = select_many(&mut buf, &positions);
    let want: Vec<f64> = positions.iter().map(|&i| sorted[i]).collect();
    assert_eq!(got, want);
}
