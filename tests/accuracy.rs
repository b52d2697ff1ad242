//! The CI subset of the accuracy harness (`examples/accuracy`): seeded, small,
//! and failing when perfgate's false-alarm rate, power or interval coverage
//! regresses beyond the figures published in docs/ACCURACY.md.

// The harness's modules, shared with the example; this subset uses part of them.
#[allow(dead_code)]
#[path = "../examples/accuracy/mod.rs"]
mod harness;

use harness::judge::Judge;
use harness::measure::{measure, Effort, Scenario, Tally};
use harness::noise::Noise;
use harness::peers::Peer;
use harness::sections::{BUDGET, PAIRED, UNPAIRED};

const SEED: u64 = 2024;

fn perfgate_tally(scenario: Scenario, change: f64, reps: usize) -> Tally {
    let effort = Effort { reps, seed: SEED, threads: 2 };
    measure(&scenario, change, effort, &[Judge::perfgate("median", BUDGET)]).remove(0)
}

fn paired(benchmarks: usize) -> Scenario {
    Scenario { design: PAIRED, noise: Noise::shared_runner(0.03), benchmarks }
}

fn unpaired(benchmarks: usize) -> Scenario {
    Scenario { design: UNPAIRED, noise: Noise::separate_runs(0.03), benchmarks }
}

#[test]
fn paired_a_a_checks_of_100_benchmarks_never_fail_and_intervals_cover() {
    // Published: 0.0 % of 500-benchmark checks with any fail; coverage 95 %.
    let tally = perfgate_tally(paired(100), 0.0, 20);
    assert_eq!(tally.checks_with_any_flag, 0, "{tally:?}");
    let coverage = tally.coverage().unwrap();
    assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}: {tally:?}");
}

#[test]
fn paired_twice_the_budget_is_caught() {
    // Published: 100 % of +6 % regressions under a 3 % budget.
    let tally = perfgate_tally(paired(20), 2.0 * BUDGET, 40);
    assert_eq!(tally.target_flagged, 40, "{tally:?}");
    // A change within the budget is never failed.
    let within = perfgate_tally(paired(20), BUDGET * 2.0 / 3.0, 40);
    assert_eq!(within.checks_with_any_flag, 0, "{within:?}");
}

#[test]
fn unpaired_common_mode_a_a_almost_never_fails() {
    // The case: 20 benchmarks of 30 samples, CV 3 %, common run shift 2 %,
    // per-benchmark run shift 1 %. Published: at most 0.1 % of checks fail.
    let tally = perfgate_tally(unpaired(20), 0.0, 300);
    assert!(tally.checks_with_any_flag <= 3, "{tally:?}");
}

#[test]
fn unpaired_intervals_cover_nominally() {
    // Published: 96.8 % for 95 % intervals (the target is 95 ± 2).
    let tally = perfgate_tally(unpaired(20), 0.0, 150);
    let coverage = tally.coverage().unwrap();
    assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}: {tally:?}");
}

#[test]
fn unpaired_ten_percent_regression_is_caught() {
    // Published: about 90 % under a 3 % budget; 300 checks leave about 1.7 points of sampling error.
    let tally = perfgate_tally(unpaired(20), 0.10, 300);
    let caught = tally.caught_rate().unwrap();
    assert!(caught >= 0.85, "caught {caught}: {tally:?}");
}

#[test]
fn the_harness_tells_a_noisy_rule_from_a_careful_one() {
    // The same unpaired A/A data that perfgate passes makes criterion's rule cry wolf:
    // a harness that could not show this would measure nothing.
    let effort = Effort { reps: 100, seed: SEED, threads: 2 };
    let judges = [Judge::perfgate("median", BUDGET), Judge::Peer(Peer::Criterion)];
    let tallies = measure(&unpaired(10), 0.0, effort, &judges);
    assert!(tallies[0].checks_with_any_flag <= 1, "{:?}", tallies[0]);
    assert!(tallies[1].checks_with_any_flag >= 20, "{:?}", tallies[1]);
}
