//! Seeded simulations of the sample-size advice: does the advised size settle
//! an inconclusive comparison? (The false-alarm and power simulations run the
//! real decision code, in `verdict/evaluate_tests.rs`.)

use rand_pcg::Pcg64;

use crate::stats::test_support::{lognormal, rng, sigma_for_cv};
use crate::stats::{log_ratio, CompareOptions, Estimator, Method};

use super::*;

/// Budget `max-regression = 3%`.
fn threshold() -> f64 {
    1.03f64.ln()
}

/// Largest rerun the settle simulation performs.
const MAX_SIMULATED: usize = 400;

#[test]
fn settle_advice_settles_most_of_the_time() {
    // Paired-like data (no run noise): true change +6 % vs a 3 % budget, CV 5 %.
    // From 20 seeded initial comparisons of 12 samples per side, each
    // inconclusive one yields an advice; 50 fresh comparisons of that size
    // must exclude the threshold most of the time (the advice aims at 80 %
    // if the initial estimate is right; it is noisy, so ask for 60 % overall).
    let truth = 1.06f64.ln();
    let sigma = sigma_for_cv(0.05);
    let opts = CompareOptions::default();
    let compare = |rng: &mut Pcg64, n: usize| {
        let base = lognormal(rng, n, 5.0, sigma);
        let head = lognormal(rng, n, 5.0 + truth, sigma);
        log_ratio(&base, &head, Estimator::Median, &opts).unwrap()
    };
    let settled = |r: &LogRatio| r.ci.0 > threshold() || r.ci.1 < threshold();
    let (mut trials, mut successes) = (0, 0);
    for seed in 0..20 {
        let mut rng = rng(30_000 + seed);
        let first = compare(&mut rng, 12);
        if settled(&first) {
            continue;
        }
        let per_side = match samples_to_settle(&first, &RunNoise::none(), threshold(), 0.95) {
            Settle::Samples { per_side } => per_side,
            other => panic!("seed {seed}: expected a sample count, got {other:?}"),
        };
        assert!(per_side > 12, "seed {seed}: {per_side}");
        // An estimate near the budget asks for thousands of samples; simulating
        // a capped size only understates how often the advice settles.
        let simulated = per_side.min(MAX_SIMULATED);
        for _ in 0..50 {
            trials += 1;
            successes += usize::from(settled(&compare(&mut rng, simulated)));
        }
    }
    let rate = successes as f64 / trials as f64;
    eprintln!("settle advice: {successes} of {trials} reruns settled ({rate:.2})");
    assert!(trials >= 250 && rate >= 0.6, "{successes} of {trials}");
}

#[test]
fn run_noise_beyond_the_target_needs_rounds() {
    let mut rng = rng(40_000);
    let sigma = sigma_for_cv(0.05);
    let base = lognormal(&mut rng, 30, 5.0, sigma);
    let head = lognormal(&mut rng, 30, 5.0 + 0.06, sigma);
    let r = log_ratio(&base, &head, Estimator::Median, &CompareOptions::default()).unwrap();
    let noise = RunNoise { common_shift: 0.0, between_sd: 0.02, from_suite: true, benchmarks: 100, ..RunNoise::none() };
    assert_eq!(samples_to_settle(&r, &noise, threshold(), 0.95), Settle::NeedsRounds);
}

fn ratio(estimate: f64, se: f64, n: usize) -> LogRatio {
    LogRatio {
        estimate,
        se,
        ci: (estimate - 1.96 * se, estimate + 1.96 * se),
        method: Method::HodgesLehmann,
        n_base: n,
        n_head: n,
    }
}

#[test]
fn sample_size_follows_the_normal_formula() {
    // gap 0.02, z = 1.959963984540054, z_0.8 = 0.8416212335729143
    // (scipy.stats.norm.ppf(0.975), scipy.stats.norm.ppf(0.8)): target se
    // 0.02 / 2.8015852181129683 = 0.0071388...; se 0.02 at n = 10 gives
    // per_side = ceil(10 * (0.02 / 0.0071388)^2) = ceil(78.48...) = 79.
    let r = ratio(0.05, 0.02, 10);
    assert_eq!(samples_to_settle(&r, &RunNoise::none(), 0.03, 0.95), Settle::Samples { per_side: 79 });
}

#[test]
fn run_noise_and_closeness() {
    let r = ratio(0.05, 0.02, 10);
    let noisy = RunNoise { common_shift: 0.0, between_sd: 0.01, from_suite: true, benchmarks: 50, ..RunNoise::none() };
    assert_eq!(samples_to_settle(&r, &noisy, 0.03, 0.95), Settle::NeedsRounds);
    assert_eq!(samples_to_settle(&r, &RunNoise::none(), 0.0495, 0.95), Settle::TooClose);
    // The common shift is removed before measuring the gap.
    let shifted =
        RunNoise { common_shift: 0.02, between_sd: 0.0, from_suite: true, benchmarks: 50, ..RunNoise::none() };
    assert_eq!(samples_to_settle(&r, &shifted, 0.0305, 0.95), Settle::TooClose);
    let exact = crate::stats::exact_log_ratio(100.0, 104.0).unwrap();
    assert_eq!(samples_to_settle(&exact, &noisy, 0.03, 0.95), Settle::Samples { per_side: 1 });
    let unbounded = ratio(0.05, f64::INFINITY, 2);
    assert_eq!(samples_to_settle(&unbounded, &RunNoise::none(), 0.03, 0.95), Settle::Samples { per_side: 10 });
    assert_eq!(serde_json::to_string(&Settle::Samples { per_side: 3 }).unwrap(), r#"{"kind":"samples","per_side":3}"#);
    assert_eq!(serde_json::to_string(&Settle::NeedsRounds).unwrap(), r#"{"kind":"needs-rounds"}"#);
}
