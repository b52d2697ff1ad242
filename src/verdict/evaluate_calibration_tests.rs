//! Comparisons that cannot measure their own run-to-run noise — one run per
//! side, fewer interleaved rounds than a rank interval needs — judged with and
//! without what `perfgate calibrate` measured.

use super::*;
use crate::model::calibration::{Calibration, CalibrationRow, CALIBRATION_SCHEMA};
use crate::model::{Benchmark, Statistic, Unit};
use crate::verdict::test_support::{config, inputs};
use crate::verdict::Verdict;

const KPI: &str =
    "[[kpi]]\nname = \"k\"\nsuite = \"s\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"3%\"\n";

/// A run of 30 samples around `center` (±0.5 % zig-zag), in `rounds` rounds of 30 each when given.
fn run(id: &str, centers: &[f64], rounded: bool) -> Benchmark {
    let mut samples = Vec::new();
    let mut labels = Vec::new();
    for (round, center) in centers.iter().enumerate() {
        for i in 0..30 {
            samples.push(center * if i % 2 == 0 { 1.005 } else { 0.995 });
            labels.push(round as u32 + 1);
        }
    }
    let mut bench = Benchmark::with_samples(id, "time", Unit::Ns, samples);
    bench.rounds = rounded.then_some(labels);
    bench
}

fn calibration(rows: &[(&str, f64, f64)]) -> Calibration {
    let rows = rows
        .iter()
        .map(|&(bench, round_cv, pair_sd)| CalibrationRow {
            kpi: "k".into(),
            suite: "s".into(),
            bench: bench.into(),
            statistic: Statistic::Median,
            rounds: 12,
            round_cv,
            pair_sd,
            detectable_beyond_budget: 0.0,
            budget: Some(0.03),
            rounds_for_budget: None,
            smallest_budget: 0.0,
        })
        .collect();
    Calibration { schema: CALIBRATION_SCHEMA, rounds: 12, rows, time_budget: None }
}

fn judged(inputs: Inputs) -> Comparison {
    evaluate(&config(KPI), &inputs).unwrap().kpis[0].comparisons[0].clone()
}

#[test]
fn one_run_per_side_is_judged_against_the_calibrated_noise_instead_of_the_fixed_prior() {
    let single = |head: f64| inputs(Some(vec![run("a", &[1000.0], false)]), vec![run("a", &[head], false)]);
    // The 2 % prior: +15 % fails.
    assert_eq!(judged(single(1150.0)).verdict, Verdict::Fail);
    // This benchmark's runs move 8 % on this machine (√2 × 8 % between two runs): +15 % is within that.
    let noisy = Inputs { calibration: Some(calibration(&[("a", 0.08, 0.08)])), ..single(1150.0) };
    let comparison = judged(noisy);
    assert_eq!(comparison.verdict, Verdict::Inconclusive, "{comparison:#?}");
    assert!(comparison.method_words().ends_with(", calibrated"), "{}", comparison.method_words());
    // A quiet one (1 %): +10 % stands clear of it.
    let quiet = Inputs { calibration: Some(calibration(&[("a", 0.01, 0.01)])), ..single(1100.0) };
    assert_eq!(judged(quiet).verdict, Verdict::Fail);
}

#[test]
fn too_few_rounds_are_inconclusive_without_a_calibration_and_not_judged_as_one_run() {
    for centers in [vec![1300.0], vec![1300.0, 1320.0]] {
        let base = run("a", &vec![1000.0; centers.len()], true);
        let comparison = judged(inputs(Some(vec![base]), vec![run("a", &centers, true)]));
        assert_eq!(comparison.verdict, Verdict::Inconclusive, "{comparison:#?}");
        assert_eq!(comparison.method_words(), format!("paired, {} rounds", centers.len()));
        assert!(
            comparison.reason.to_string().contains("too few for a rank interval at this confidence (6 are needed)"),
            "{}",
            comparison.reason
        );
    }
}

#[test]
fn few_rounds_are_judged_against_the_calibrated_noise_or_their_own_spread_if_larger() {
    let rounds = |head: &[f64]| {
        let base = run("a", &vec![1000.0; head.len()], true);
        Inputs {
            calibration: Some(calibration(&[("a", 0.03, 0.02)])),
            ..inputs(Some(vec![base]), vec![run("a", head, true)])
        }
    };
    let failed = judged(rounds(&[1200.0, 1220.0]));
    assert_eq!(failed.verdict, Verdict::Fail, "{failed:#?}");
    assert_eq!(failed.method_words(), "paired, 2 rounds, calibrated noise");
    assert!(
        failed
            .reason
            .to_string()
            .contains("judged on 2 rounds against the run-to-run noise `perfgate calibrate` measured"),
        "{}",
        failed.reason
    );
    // One wild round carries the mean beyond the budget; the rounds' own spread, larger than the
    // calibration's, keeps the interval honest.
    let wild = judged(rounds(&[1500.0, 1010.0]));
    assert_eq!(wild.verdict, Verdict::Inconclusive, "{wild:#?}");
    assert!(wild.reason.to_string().starts_with("interval [-"), "{}", wild.reason);
    // Two alike rounds at the budget's scale say little (t(11) x 2 % / sqrt(2) = 3.1 % > 3 %);
    // four do (2.2 %), still short of the six a rank interval needs.
    assert_eq!(judged(rounds(&[1000.0, 1002.0])).verdict, Verdict::Inconclusive);
    assert_eq!(judged(rounds(&[1000.0, 1002.0, 999.0, 1001.0])).verdict, Verdict::Pass);
}
