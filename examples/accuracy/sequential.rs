//! Sequential checks: simulated interleaved rounds judged by perfgate's real
//! sequential decision code (`perfgate::verdict::sequential`), with a look
//! after the minimum rounds and after every pair of rounds after it.

use std::collections::BTreeSet;

use perfgate::config::Config;
use perfgate::stats::Looks;
use perfgate::verdict::sequential::{evaluate_sequentially, first_rounds, LookSummary};
use perfgate::verdict::{evaluate, Inputs};

use super::judge::{calls_of, Judge};
use super::measure::{Scenario, Tally};
use super::simulate::{bench_index, simulate, Design, SUITE};

/// What sequential checks did, summed over repetitions: the calls (the first
/// benchmark carries the change) and what the looks cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SequentialTally {
    pub tally: Tally,
    /// Sum over checks of the mean rounds a benchmark was measured for.
    pub mean_rounds_sum: f64,
    /// Sum over checks of the share of benchmark-runs saved.
    pub saved_sum: f64,
}

impl SequentialTally {
    pub fn mean_rounds(&self) -> f64 {
        self.mean_rounds_sum / self.tally.checks as f64
    }

    pub fn saved(&self) -> f64 {
        self.saved_sum / self.tally.checks as f64
    }
}

/// `reps` sequential checks of `scenario` (its design paired, its rounds the most rounds)
/// whose first benchmark changed by `change`, judged by `judge` (a perfgate judge) with a
/// look after every round from `min_rounds` on.
pub fn measure_sequential(
    scenario: &Scenario,
    change: f64,
    min_rounds: usize,
    judge: &Judge,
    reps: usize,
    seed: u64,
) -> SequentialTally {
    let Design::Paired { rounds, .. } = scenario.design else { panic!("sequential checks need interleaved rounds") };
    let Judge::Perfgate { config, .. } = judge else { panic!("only perfgate decides sequentially") };
    let looks = Looks { min_rounds, max_rounds: rounds };
    let mut truth = vec![0.0; scenario.benchmarks];
    truth[0] = change;
    let worker = |first: usize| {
        let mut total = SequentialTally::default();
        for rep in (first..reps).step_by(2) {
            let check_seed = seed.wrapping_mul(1_000_003).wrapping_add(rep as u64);
            let check = simulate(check_seed, scenario.design, &scenario.noise, &truth, false);
            let (report, summary) = evaluate_sequentially(config, &check.inputs, looks).expect("the check evaluates");
            total.tally.record(Some(calls_of(&report, scenario.benchmarks)), &truth);
            total.tally.record_unadjusted(&one_look_intervals(config, &check.inputs, &summary), &truth);
            total.mean_rounds_sum += summary.mean_rounds();
            total.saved_sum += summary.saved();
        }
        total
    };
    let partials: Vec<SequentialTally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2).map(|t| scope.spawn(move || worker(t))).collect();
        handles.into_iter().map(|h| h.join().expect("a measuring thread")).collect()
    });
    let mut total = SequentialTally::default();
    for part in &partials {
        total.tally.merge(&part.tally);
        total.mean_rounds_sum += part.mean_rounds_sum;
        total.saved_sum += part.saved_sum;
    }
    total
}

/// Each benchmark's one-look 95 % interval from the rounds it was measured for: what a
/// check would report if it ignored that it had looked before (the harness's comparison
/// for perfgate's repeated confidence intervals).
fn one_look_intervals(config: &Config, inputs: &Inputs, summary: &LookSummary) -> Vec<Option<[f64; 2]>> {
    let benchmarks = summary.rounds_used.len();
    let mut intervals = vec![None; benchmarks];
    let stops: BTreeSet<usize> = summary.rounds_used.values().copied().collect();
    for rounds in stops {
        let report = evaluate(config, &first_rounds(inputs, rounds)).expect("the check evaluates");
        for comparison in report.kpis.iter().flat_map(|k| &k.comparisons) {
            if summary.rounds_used.get(&(SUITE.to_string(), comparison.bench.clone())) == Some(&rounds) {
                intervals[bench_index(&comparison.bench)] = comparison.ci;
            }
        }
    }
    intervals
}
