//! Tests of run-noise estimation, adjustment and p-values.

use super::*;
use crate::stats::test_support::close;
use crate::stats::{exact_log_ratio, Method};

fn ratio(estimate: f64, se: f64) -> LogRatio {
    LogRatio {
        estimate,
        se,
        ci: (estimate - 1.96 * se, estimate + 1.96 * se),
        method: Method::HodgesLehmann,
        n_base: 30,
        n_head: 30,
    }
}

#[test]
fn empirical_null_matches_numpy() {
    // d = np.array([0.01, 0.02, -0.01, 0.03, 0.00, 0.05, 0.015]); se = 0.005
    // m = np.median(d); dev = np.abs(d - m); kept = dev[dev <= 3.5 * 1.4826 * np.median(dev)]
    // b = np.sqrt(max(0, np.sum(kept**2) / (len(kept) - 1) - se**2))       -> 0.019148542155126763
    let d = [0.01, 0.02, -0.01, 0.03, 0.00, 0.05, 0.015];
    let mut ratios: Vec<LogRatio> = d.iter().map(|&x| ratio(x, 0.005)).collect();
    // Exact comparisons and unbounded intervals do not count.
    ratios.push(exact_log_ratio(1.0, 2.0).unwrap());
    ratios.push(ratio(0.4, f64::INFINITY));
    let noise = estimate_run_noise(&ratios, 5, 0.02, 0.005);
    assert!(close(noise.common_shift, 0.015, 1e-15));
    assert!(close(noise.between_sd, 0.019148542155126763, 1e-12));
    assert_eq!(noise.degrees_of_freedom, 6.0);
    assert!(noise.from_suite);
    assert_eq!(noise.benchmarks, 7);
}

#[test]
fn a_real_change_does_not_inflate_the_noise_estimate() {
    // The same suite plus one benchmark that really got 82 % slower (log 0.6):
    // same numpy recipe -> median 0.0175, between 0.019121323175972944, the outlier set aside.
    let d = [0.01, 0.02, -0.01, 0.03, 0.00, 0.05, 0.015, 0.60];
    let ratios: Vec<LogRatio> = d.iter().map(|&x| ratio(x, 0.005)).collect();
    let noise = estimate_run_noise(&ratios, 5, 0.02, 0.005);
    assert!(close(noise.common_shift, 0.0175, 1e-15));
    assert!(close(noise.between_sd, 0.019121323175972944, 1e-12));
    assert_eq!(noise.degrees_of_freedom, 6.0);
}

#[test]
fn prior_and_floor() {
    let few: Vec<LogRatio> = [0.01, 0.3, -0.2].iter().map(|&x| ratio(x, 0.005)).collect();
    let noise = estimate_run_noise(&few, 5, 0.02, 0.005);
    assert_eq!((noise.common_shift, noise.between_sd, noise.from_suite, noise.benchmarks), (0.0, 0.02, false, 3));
    // The floor also bounds the prior and a suite estimate of zero spread.
    assert_eq!(estimate_run_noise(&few, 5, 0.001, 0.005).between_sd, 0.005);
    let calm: Vec<LogRatio> = (0..10).map(|_| ratio(0.01, 0.005)).collect();
    let noise = estimate_run_noise(&calm, 5, 0.02, 0.004);
    assert_eq!((noise.common_shift, noise.between_sd, noise.from_suite), (0.01, 0.004, true));
    // Never a median of fewer than three, whatever min_suite says.
    let two: Vec<LogRatio> = [0.01, 0.3].iter().map(|&x| ratio(x, 0.005)).collect();
    assert!(!estimate_run_noise(&two, 1, 0.02, 0.0).from_suite);
    assert_eq!(estimate_run_noise(&[], 5, 0.02, 0.0).between_sd, 0.02);
    let none = RunNoise::none();
    assert_eq!((none.common_shift, none.between_sd, none.benchmarks), (0.0, 0.0, 0));
}

#[test]
fn adjust_adds_between_run_variance() {
    let noise =
        RunNoise { common_shift: 0.01, between_sd: 0.021669, from_suite: true, benchmarks: 9, ..RunNoise::none() };
    let a = adjust(&ratio(0.05, 0.012), &noise, 0.95);
    // np.hypot(0.012, 0.021669) = 0.02476985185664218; z = scipy.stats.norm.ppf(0.975)
    assert!(close(a.estimate, 0.04, 1e-15));
    assert!(close(a.se, 0.02476985185664218, 1e-12));
    assert!(close(a.ci.1 - a.estimate, 1.959963984540054 * a.se, 1e-12));
    // Estimated from a small suite: t replaces z. scipy.stats.t.ppf(0.975, 6) = 2.4469118511449786
    let small = RunNoise { degrees_of_freedom: 6.0, ..noise.clone() };
    let a = adjust(&ratio(0.05, 0.012), &small, 0.95);
    assert!(close(a.se, 0.02476985185664218, 1e-12));
    assert!(close(a.ci.1 - a.estimate, 2.4469118511449786 * a.se, 1e-9));
    let exact = exact_log_ratio(100.0, 105.0).unwrap();
    let a = adjust(&exact, &noise, 0.95);
    assert_eq!((a.estimate, a.se, a.ci), (exact.estimate, 0.0, exact.ci));
    // Zero-width inputs stay finite.
    let a = adjust(&ratio(0.0, 0.0), &RunNoise::none(), 0.95);
    assert_eq!((a.se, a.ci), (0.0, (0.0, 0.0)));
}

#[test]
fn p_values_match_scipy() {
    let thr = 1.03f64.ln();
    // scipy.stats.norm.sf((0.06 - np.log(1.03)) / 0.01)
    let a = Adjusted { estimate: 0.06, se: 0.01, ci: (0.0, 0.0), degrees_of_freedom: f64::INFINITY };
    assert!(close(p_value_beyond(&a, thr, true), 0.0011668110503282355, 1e-9));
    // Worse is down (throughput): scipy.stats.norm.cdf((-0.02 - np.log(1/1.03)) / 0.01)
    let a = Adjusted { estimate: -0.02, se: 0.01, ci: (0.0, 0.0), degrees_of_freedom: f64::INFINITY };
    assert!(close(p_value_beyond(&a, -thr, false), 0.8304336243884607, 1e-9));
    // Exact: 0 strictly beyond, else 1.
    let at = |e| Adjusted { estimate: e, se: 0.0, ci: (e, e), degrees_of_freedom: f64::INFINITY };
    assert_eq!(p_value_beyond(&at(0.05), thr, true), 0.0);
    assert_eq!(p_value_beyond(&at(thr), thr, true), 1.0);
    assert_eq!(p_value_beyond(&at(-0.05), -thr, false), 0.0);
    assert_eq!(p_value_beyond(&at(0.05), -thr, false), 1.0);
    let unbounded = Adjusted {
        estimate: 1.0,
        se: f64::INFINITY,
        ci: (f64::NEG_INFINITY, f64::INFINITY),
        degrees_of_freedom: f64::INFINITY,
    };
    assert_eq!(p_value_beyond(&unbounded, thr, true), 0.5);
    assert_eq!(p_value_beyond(&at(0.05), f64::NAN, true), 1.0);
    // With 6 degrees of freedom: scipy.stats.t.sf(2.0, 6) = 0.04621315576583756
    let t = Adjusted { estimate: thr + 0.02, se: 0.01, ci: (0.0, 0.0), degrees_of_freedom: 6.0 };
    assert!(close(p_value_beyond(&t, thr, true), 0.04621315576583756, 1e-9));
}
