//! The time budget of interleaved rounds, turned into numbers before and
//! after the first round: how long each benchmark measures per run (from the
//! budget and the number of benchmarks the harnesses list), and how many
//! rounds fit (from the budget and what the first round took). Both are fixed
//! before the first look, so the looks' error spending never depends on the
//! results (`stats::sequential`).

use std::time::Duration;

/// What bounds the rounds of one check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Wall time of measuring (builds apart).
    pub time: Duration,
    /// The most rounds (`[baseline] rounds`).
    pub max_rounds: u32,
    /// Rounds before the first look (`[baseline] min-rounds`).
    pub min_rounds: u32,
}

/// Seconds per benchmark and run perfgate aims at: short rounds, at least
/// this long (shorter made criterion's per-run minimum twice as noisy on the
/// CI machines: `docs/ACCURACY.md`, short rounds) ...
pub const SHORTEST_RUN: f64 = 0.4;
/// ... and at most this long: a run's median moved 11 % between runs at every
/// length measured, only rounds average that away.
pub const LONGEST_RUN: f64 = 1.0;
/// Rounds a suite judged by its minimum (or maximum) is planned for: its
/// per-run noise fell from 3.5 % to 0.8 % when runs grew from 0.47 to 0.93 s,
/// so the budget goes into longer runs once this many rounds fit — enough for
/// the exact signed-rank p-values that the check-wide FDR step needs.
pub const EXTREMES_TARGET_ROUNDS: u32 = 12;
/// Share of the budget the plan counts on for measuring proper (the rest goes to
/// each run's start-up and the harness's own analysis).
const MEASURED_SHARE: f64 = 0.6;

/// Seconds each benchmark measures per run: the budget shared out over
/// `rounds`, both sides and `benchmarks` (as listed; None when no harness
/// lists them), kept between the shortest and longest run.
pub fn run_seconds(budget: &Budget, benchmarks: Option<usize>, rounds: u32) -> f64 {
    let Some(count) = benchmarks.filter(|&n| n > 0) else { return SHORTEST_RUN };
    let share = budget.time.as_secs_f64() * MEASURED_SHARE / (f64::from(rounds.max(1)) * 2.0 * count as f64);
    share.clamp(SHORTEST_RUN, LONGEST_RUN)
}

/// The least a round of `benchmarks` takes (both sides at the shortest run),
/// known before anything runs.
pub fn shortest_round(benchmarks: usize) -> Duration {
    Duration::from_secs_f64(2.0 * benchmarks as f64 * SHORTEST_RUN)
}

/// The rounds that fit: the first (which took `first_round`) and as many more
/// as the rest of the budget holds at that pace, up to the most rounds.
pub fn rounds_that_fit(budget: &Budget, first_round: Duration) -> u32 {
    let left = budget.time.saturating_sub(first_round).as_secs_f64();
    let more = if first_round.is_zero() { f64::from(budget.max_rounds) } else { left / first_round.as_secs_f64() };
    (1 + more.floor().min(f64::from(u32::MAX - 1)) as u32).min(budget.max_rounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: Budget = Budget { time: Duration::from_secs(900), max_rounds: 30, min_rounds: 6 };

    #[test]
    fn runs_share_the_budget_between_the_shortest_and_longest_run() {
        // 900 s * 0.6 / (30 rounds * 2 sides * 10 benchmarks) = 0.9 s.
        assert!((run_seconds(&BUDGET, Some(10), 30) - 0.9).abs() < 1e-12);
        // Planned for 12 rounds, 40 benchmarks: 900 * 0.6 / (12 * 2 * 40) = 0.5625 s.
        assert!((run_seconds(&BUDGET, Some(40), EXTREMES_TARGET_ROUNDS) - 0.5625).abs() < 1e-12);
        assert_eq!(run_seconds(&BUDGET, Some(1), 30), LONGEST_RUN);
        assert_eq!(run_seconds(&BUDGET, Some(500), 30), SHORTEST_RUN);
        assert_eq!(run_seconds(&BUDGET, None, 30), SHORTEST_RUN);
    }

    #[test]
    fn rounds_fit_the_rest_of_the_budget_at_the_first_rounds_pace() {
        assert_eq!(rounds_that_fit(&BUDGET, Duration::from_secs(100)), 9);
        assert_eq!(rounds_that_fit(&BUDGET, Duration::from_secs(10)), 30, "never more than the most rounds");
        assert_eq!(rounds_that_fit(&BUDGET, Duration::from_secs(1000)), 1);
        assert_eq!(shortest_round(63), Duration::from_secs_f64(50.4));
        assert_eq!(crate::model::units::human_duration(Duration::from_secs(45)), "45 s");
        assert_eq!(crate::model::units::human_duration(Duration::from_secs(450)), "7.5 min");
    }
}
