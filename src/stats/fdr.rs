//! False discovery rate control across the comparisons of one check.

/// Benjamini–Hochberg (1995) adjusted p-values (q-values): with the p-values
/// sorted ascending, `q(i) = min over j >= i of (m / j) p(j)`, capped at 1, and
/// returned in input order. Rejecting `q < fdr` controls the false discovery
/// rate at `fdr` for independent or positively dependent tests (Benjamini &
/// Yekutieli 2001) — the dependence a shared machine induces. NaN p-values
/// count as 1 (no evidence). Empty in, empty out.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let clean = |p: f64| if p.is_nan() { 1.0 } else { p.clamp(0.0, 1.0) };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| clean(p_values[a]).total_cmp(&clean(p_values[b])));
    let mut q = vec![0.0; m];
    let mut running_min = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running_min = running_min.min(clean(p_values[i]) * m as f64 / (rank + 1) as f64);
        q[i] = running_min;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn matches_scipy() {
        // scipy.stats.false_discovery_control(p, method='bh') with
        // p = [0.01, 0.04, 0.03, 0.2, 0.001, 0.5, 0.04, 0.9]
        let p = [0.01, 0.04, 0.03, 0.2, 0.001, 0.5, 0.04, 0.9];
        let expected = [0.04, 0.064, 0.064, 0.26666666666666666, 0.008, 0.5714285714285714, 0.064, 0.9];
        assert!(close(&benjamini_hochberg(&p), &expected), "{:?}", benjamini_hochberg(&p));
    }

    #[test]
    fn edge_cases() {
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(benjamini_hochberg(&[0.3]), vec![0.3]);
        assert_eq!(benjamini_hochberg(&[f64::NAN, 0.01]), vec![1.0, 0.02]);
        assert_eq!(benjamini_hochberg(&[0.9, 0.95, 1.0]), vec![1.0, 1.0, 1.0]);
    }

    #[test]
    fn properties_on_random_p_values() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(6);
        for _ in 0..200 {
            let m = rng.gen_range(1..60);
            let p: Vec<f64> = (0..m).map(|_| rng.gen::<f64>().powi(3)).collect();
            let q = benjamini_hochberg(&p);
            for (pi, qi) in p.iter().zip(&q) {
                // q is never below p and never above 1.
                assert!(*qi >= *pi * (1.0 - 1e-15) && *qi <= 1.0);
            }
            // Monotone: a smaller p never gets a larger q.
            for i in 0..m {
                for j in 0..m {
                    if p[i] < p[j] {
                        assert!(q[i] <= q[j]);
                    }
                }
            }
            // The smallest q is min(m p(i) / i), the BH step-up rule.
            let mut sorted = p.clone();
            sorted.sort_by(f64::total_cmp);
            let step_up = sorted
                .iter()
                .enumerate()
                .map(|(i, p)| p * m as f64 / (i + 1) as f64)
                .fold(f64::INFINITY, f64::min)
                .min(1.0);
            let q_min = q.iter().copied().fold(f64::INFINITY, f64::min);
            assert!((q_min - step_up).abs() < 1e-12);
        }
    }
}
