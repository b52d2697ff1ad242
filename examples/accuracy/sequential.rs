//! Sequential checks: simulated interleaved rounds judged by perfgate's real
//! sequential decision code (`perfgate::verdict::sequential`), with a look
//! after the minimum rounds and after every pair of rounds after it.

use perfgate::stats::Looks;
use perfgate::verdict::sequential::evaluate_sequentially;
use perfgate::verdict::Verdict;

use super::judge::Judge;
use super::measure::Scenario;
use super::simulate::{bench_index, simulate, Design};

/// What sequential checks did, summed over repetitions (the first benchmark carries the change).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SequentialTally {
    pub checks: usize,
    pub checks_with_any_fail: usize,
    pub target_failed: usize,
    pub target_inconclusive: usize,
    pub intervals: usize,
    pub intervals_covering_truth: usize,
    /// Sum over checks of the mean rounds a benchmark was measured for.
    pub mean_rounds_sum: f64,
    /// Sum over checks of the share of benchmark-runs saved.
    pub saved_sum: f64,
}

impl SequentialTally {
    pub fn any_fail_rate(&self) -> f64 {
        self.checks_with_any_fail as f64 / self.checks as f64
    }
    pub fn caught_rate(&self) -> f64 {
        self.target_failed as f64 / self.checks as f64
    }
    pub fn inconclusive_rate(&self) -> f64 {
        self.target_inconclusive as f64 / self.checks as f64
    }
    pub fn coverage(&self) -> f64 {
        self.intervals_covering_truth as f64 / self.intervals as f64
    }
    pub fn mean_rounds(&self) -> f64 {
        self.mean_rounds_sum / self.checks as f64
    }
    pub fn saved(&self) -> f64 {
        self.saved_sum / self.checks as f64
    }

    fn merge(&mut self, other: &SequentialTally) {
        self.checks += other.checks;
        self.checks_with_any_fail += other.checks_with_any_fail;
        self.target_failed += other.target_failed;
        self.target_inconclusive += other.target_inconclusive;
        self.intervals += other.intervals;
        self.intervals_covering_truth += other.intervals_covering_truth;
        self.mean_rounds_sum += other.mean_rounds_sum;
        self.saved_sum += other.saved_sum;
    }
}

/// `reps` sequential checks of `scenario` (its design paired, its rounds the most rounds)
/// whose first benchmark changed by `change`, judged by `judge` (a perfgate judge).
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
        let mut tally = SequentialTally::default();
        for rep in (first..reps).step_by(2) {
            let check_seed = seed.wrapping_mul(1_000_003).wrapping_add(rep as u64);
            let check = simulate(check_seed, scenario.design, &scenario.noise, &truth, false);
            let (report, summary) = evaluate_sequentially(config, &check.inputs, looks).expect("the check evaluates");
            let comparisons: Vec<_> = report.kpis.iter().flat_map(|k| &k.comparisons).collect();
            tally.checks += 1;
            tally.checks_with_any_fail += usize::from(comparisons.iter().any(|c| c.verdict == Verdict::Fail));
            for comparison in &comparisons {
                let index = bench_index(&comparison.bench);
                if index == 0 {
                    tally.target_failed += usize::from(comparison.verdict == Verdict::Fail);
                    tally.target_inconclusive += usize::from(comparison.verdict == Verdict::Inconclusive);
                }
                if let Some([lo, hi]) = comparison.ci {
                    tally.intervals += 1;
                    tally.intervals_covering_truth += usize::from(lo <= truth[index] && truth[index] <= hi);
                }
            }
            tally.mean_rounds_sum += summary.mean_rounds();
            tally.saved_sum += summary.saved();
        }
        tally
    };
    let partials: Vec<SequentialTally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2).map(|t| scope.spawn(move || worker(t))).collect();
        handles.into_iter().map(|h| h.join().expect("a measuring thread")).collect()
    });
    let mut total = SequentialTally::default();
    partials.iter().for_each(|part| total.merge(part));
    total
}
