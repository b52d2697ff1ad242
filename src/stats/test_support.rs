//! Shared helpers of the statistics tests: seeded generators and data.

use rand::distributions::Distribution;
use rand::SeedableRng;
use rand_pcg::Pcg64;
use statrs::distribution::Normal;

/// A seeded generator, so that every simulation is reproducible.
pub(crate) fn rng(seed: u64) -> Pcg64 {
    Pcg64::seed_from_u64(seed)
}

/// `n` log-normal samples: `exp(N(log_mean, log_sd))`.
pub(crate) fn lognormal(rng: &mut Pcg64, n: usize, log_mean: f64, log_sd: f64) -> Vec<f64> {
    let normal = Normal::new(log_mean, log_sd).expect("valid normal");
    (0..n).map(|_| normal.sample(rng).exp()).collect()
}

/// Log-normal sigma for a coefficient of variation: `sqrt(ln(1 + cv^2))`.
pub(crate) fn sigma_for_cv(cv: f64) -> f64 {
    (1.0 + cv * cv).ln().sqrt()
}

/// Relative-or-absolute closeness for reference values.
pub(crate) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}
