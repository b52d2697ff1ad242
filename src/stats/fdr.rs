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

/// Conditional Benjamini–Hochberg for interval null hypotheses (Ellis, Pecanka
/// & Goeman 2020, "Gaining power in multiple testing of interval hypotheses
/// via conditionalization", Biostatistics 21(2)). perfgate's nulls are
/// intervals ("the change is within the budget"); an unchanged benchmark sits
/// deep inside its null and its p-value is far from uniform — close to 1.
/// Plain BH still counts it, paying for tests that could never have been
/// discoveries. Conditioning on `p <= lambda` keeps only tests that carry some
/// evidence: their `p / lambda` are valid p-values (uniform at the null's
/// boundary, conservative inside), and BH among those `m'` controls the FDR.
/// Tests with `p > lambda` get q = 1. `lambda = 1` is plain BH.
pub fn conditional_benjamini_hochberg(p_values: &[f64], lambda: f64) -> Vec<f64> {
    let lambda = if lambda > 0.0 && lambda <= 1.0 { lambda } else { 1.0 };
    let selected: Vec<usize> = (0..p_values.len()).filter(|&i| p_values[i] <= lambda).collect();
    let conditional: Vec<f64> = selected.iter().map(|&i| p_values[i] / lambda).collect();
    let mut q = vec![1.0; p_values.len()];
    for (&i, qi) in selected.iter().zip(benjamini_hochberg(&conditional)) {
        q[i] = qi;
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
    fn conditional_bh_matches_bh_on_the_selected_rescaled_p_values() {
        // scipy.stats.false_discovery_control(np.array([0.001, 0.01, 0.2, 0.3]) / 0.5, method='bh')
        //   -> [0.008, 0.04, 0.5333333333333333, 0.6]   (p > 0.5 are set aside)
        let p = [0.001, 0.9, 0.01, 0.2, 0.97, 0.3, 0.6];
        let q = conditional_benjamini_hochberg(&p, 0.5);
        let expected = [0.008, 1.0, 0.04, 0.5333333333333333, 1.0, 0.6, 1.0];
        assert!(close(&q, &expected), "{q:?}");
        assert!(close(&conditional_benjamini_hochberg(&p, 1.0), &benjamini_hochberg(&p)));
        assert!(conditional_benjamini_hochberg(&[0.7, 0.8], 0.5).iter().all(|q| *q == 1.0));
    }

    #[test]
    fn conditional_bh_controls_the_fdr_with_nulls_at_the_boundary() {
        // Worst case for the conditioning: every null p-value uniform (a change exactly at the budget).
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(17);
        let normal = statrs::distribution::Normal::new(0.0, 1.0).unwrap();
        let (mut false_discoveries, mut repetitions) = (0.0, 0);
        for _ in 0..2000 {
            // 90 nulls at the boundary, 10 true effects of 3 standard errors.
            let p: Vec<f64> = (0..100)
                .map(|i| {
                    let z: f64 = rng.sample(normal) + if i < 10 { 3.0 } else { 0.0 };
                    1.0 - statrs::distribution::ContinuousCDF::cdf(&normal, z)
                })
                .collect();
            let q = conditional_benjamini_hochberg(&p, 0.5);
            let discoveries = q.iter().filter(|q| **q < 0.05).count();
            let false_ones = q.iter().skip(10).filter(|q| **q < 0.05).count();
            if discoveries > 0 {
                false_discoveries += false_ones as f64 / discoveries as f64;
            }
            repetitions += 1;
        }
        let fdr = false_discoveries / repetitions as f64;
        assert!(fdr <= 0.05, "FDR {fdr}");
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
