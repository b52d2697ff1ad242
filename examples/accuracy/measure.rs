//! Repeated simulated checks judged by every rule: false alarms, power,
//! inconclusive share, interval coverage, and the minimum detectable change.

use super::judge::{Call, Judge};
use super::noise::Noise;
use super::simulate::{simulate, Design};

/// A suite measured a given way: what every repetition simulates.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub design: Design,
    pub noise: Noise,
    pub benchmarks: usize,
}

/// What one rule did over many checks. The first benchmark of each check is
/// the target (it carries the true change); the others never change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub checks: usize,
    /// Checks where the rule did not apply (no calls).
    pub not_applicable: usize,
    pub checks_with_any_flag: usize,
    pub target_flagged: usize,
    pub target_inconclusive: usize,
    pub intervals: usize,
    pub intervals_covering_truth: usize,
    /// The changed benchmark's intervals alone (coverage away from zero change).
    pub target_intervals: usize,
    pub target_intervals_covering_truth: usize,
    /// Sequential checks: one-look intervals at 95 % of the rounds each comparison stopped at
    /// (what perfgate does not report: optional stopping biases them).
    pub unadjusted_intervals: usize,
    pub unadjusted_intervals_covering_truth: usize,
}

impl Tally {
    pub fn record(&mut self, calls: Option<Vec<Call>>, true_changes: &[f64]) {
        self.checks += 1;
        let Some(calls) = calls else {
            self.not_applicable += 1;
            return;
        };
        self.checks_with_any_flag += usize::from(calls.iter().any(|c| c.flagged));
        self.target_flagged += usize::from(calls[0].flagged);
        self.target_inconclusive += usize::from(calls[0].inconclusive);
        for (index, (call, truth)) in calls.iter().zip(true_changes).enumerate() {
            if let Some([lo, hi]) = call.interval {
                let covers = usize::from(lo <= *truth && *truth <= hi);
                self.intervals += 1;
                self.intervals_covering_truth += covers;
                if index == 0 {
                    self.target_intervals += 1;
                    self.target_intervals_covering_truth += covers;
                }
            }
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.checks += other.checks;
        self.not_applicable += other.not_applicable;
        self.checks_with_any_flag += other.checks_with_any_flag;
        self.target_flagged += other.target_flagged;
        self.target_inconclusive += other.target_inconclusive;
        self.intervals += other.intervals;
        self.intervals_covering_truth += other.intervals_covering_truth;
        self.target_intervals += other.target_intervals;
        self.target_intervals_covering_truth += other.target_intervals_covering_truth;
        self.unadjusted_intervals += other.unadjusted_intervals;
        self.unadjusted_intervals_covering_truth += other.unadjusted_intervals_covering_truth;
    }

    fn judged(&self) -> Option<f64> {
        let judged = self.checks - self.not_applicable;
        (judged > 0).then_some(judged as f64)
    }

    /// Share of checks with any benchmark flagged (on A/A data: the false-alarm rate).
    pub fn any_flag_rate(&self) -> Option<f64> {
        self.judged().map(|n| self.checks_with_any_flag as f64 / n)
    }

    /// Share of checks where the changed benchmark was flagged (power).
    pub fn caught_rate(&self) -> Option<f64> {
        self.judged().map(|n| self.target_flagged as f64 / n)
    }

    pub fn inconclusive_rate(&self) -> Option<f64> {
        self.judged().map(|n| self.target_inconclusive as f64 / n)
    }

    /// Share of reported intervals that contain the true change.
    pub fn coverage(&self) -> Option<f64> {
        (self.intervals > 0).then(|| self.intervals_covering_truth as f64 / self.intervals as f64)
    }

    /// Record one-look intervals of a sequential check (see `unadjusted_intervals`).
    pub fn record_unadjusted(&mut self, intervals: &[Option<[f64; 2]>], true_changes: &[f64]) {
        for (interval, truth) in intervals.iter().zip(true_changes) {
            if let Some([lo, hi]) = interval {
                self.unadjusted_intervals += 1;
                self.unadjusted_intervals_covering_truth += usize::from(lo <= truth && truth <= hi);
            }
        }
    }

    /// Share of the one-look intervals at the stopping rounds that contain the true change.
    pub fn unadjusted_coverage(&self) -> Option<f64> {
        (self.unadjusted_intervals > 0)
            .then(|| self.unadjusted_intervals_covering_truth as f64 / self.unadjusted_intervals as f64)
    }

    /// Share of the changed benchmark's intervals that contain its true change.
    pub fn target_coverage(&self) -> Option<f64> {
        (self.target_intervals > 0).then(|| self.target_intervals_covering_truth as f64 / self.target_intervals as f64)
    }
}

/// How many repetitions, from which seed, on how many threads.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    pub reps: usize,
    pub seed: u64,
    pub threads: usize,
}

/// `effort.reps` checks of `scenario` whose first benchmark changed by `change`,
/// each judged by every rule. Repetition `r` uses the same seed for every
/// `change` (common random numbers), so power curves are monotone.
pub fn measure(scenario: &Scenario, change: f64, effort: Effort, judges: &[Judge]) -> Vec<Tally> {
    let mut true_changes = vec![0.0; scenario.benchmarks];
    true_changes[0] = change;
    let with_history = judges.iter().any(Judge::needs_history);
    let threads = effort.threads.max(1);
    let worker = |first: usize| {
        let mut tallies = vec![Tally::default(); judges.len()];
        for rep in (first..effort.reps).step_by(threads) {
            let seed = effort.seed.wrapping_mul(1_000_003).wrapping_add(rep as u64);
            let check = simulate(seed, scenario.design, &scenario.noise, &true_changes, with_history);
            for (tally, judge) in tallies.iter_mut().zip(judges) {
                tally.record(judge.judge(&check), &true_changes);
            }
        }
        tallies
    };
    let partials: Vec<Vec<Tally>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|t| scope.spawn(move || worker(t))).collect();
        handles.into_iter().map(|h| h.join().expect("a measuring thread")).collect()
    });
    let mut total = vec![Tally::default(); judges.len()];
    for partial in &partials {
        for (sum, part) in total.iter_mut().zip(partial) {
            sum.merge(part);
        }
    }
    total
}

/// Largest change the search tries (a rule that misses it has no MDE here).
pub const MDE_SEARCH_LIMIT: f64 = 1.28;

/// The smallest true change flagged in at least `power` of checks: doubling
/// from 0.5 % to bracket it, then bisection to about 2 % of its size.
pub fn minimum_detectable_change(scenario: &Scenario, judge: &Judge, effort: Effort, power: f64) -> Option<f64> {
    let caught = |change: f64| {
        let tally = &measure(scenario, change, effort, std::slice::from_ref(judge))[0];
        tally.caught_rate().is_some_and(|rate| rate >= power)
    };
    let (mut low, mut high) = (0.0, 0.005);
    while !caught(high) {
        if high >= MDE_SEARCH_LIMIT {
            return None;
        }
        (low, high) = (high, high * 2.0);
    }
    while high - low > 0.02 * high {
        let middle = (low + high) / 2.0;
        if caught(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    Some(high)
}
