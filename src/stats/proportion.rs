//! Intervals of proportions (error rates).

use super::z_two_sided;

/// Wilson (1927) score interval for a proportion `successes / n`: the set of
/// proportions whose score test does not reject, which unlike the Wald
/// interval keeps its coverage near 0 and 1 and for small `n` (Brown, Cai &
/// DasGupta 2001). Counts may be fractional (weighted). `n <= 0`, NaN, or a
/// confidence of 1 give the uninformative `(0, 1)`; `successes` is clamped
/// into `[0, n]`.
pub fn proportion_interval(successes: f64, n: f64, confidence: f64) -> (f64, f64) {
    let z = z_two_sided(confidence);
    let usable = n > 0.0 && n.is_finite() && !successes.is_nan() && z.is_finite();
    if !usable {
        return (0.0, 1.0);
    }
    let p = successes.clamp(0.0, n) / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::test_support::close;

    #[test]
    fn matches_scipy_wilson() {
        // scipy.stats.binomtest(k, n).proportion_ci(0.95, method='wilson')
        let cases = [
            (3.0, 50.0, 0.020614970348973957, 0.1621709168883817),
            (0.0, 20.0, 0.0, 0.16112515805281935),
            (20.0, 20.0, 0.8388748419471808, 1.0),
            (7.0, 13.0, 0.29143795714506016, 0.767939321904617),
        ];
        for (k, n, lo, hi) in cases {
            let (a, b) = proportion_interval(k, n, 0.95);
            assert!(close(a, lo, 1e-12) && close(b, hi, 1e-12), "{k}/{n}: ({a}, {b})");
        }
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(proportion_interval(0.0, 0.0, 0.95), (0.0, 1.0));
        assert_eq!(proportion_interval(f64::NAN, 10.0, 0.95), (0.0, 1.0));
        assert_eq!(proportion_interval(1.0, 10.0, 1.0), (0.0, 1.0));
        let (lo, hi) = proportion_interval(12.0, 10.0, 0.95);
        assert!(lo > 0.6 && hi == 1.0);
    }
}
