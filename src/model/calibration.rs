//! What `perfgate calibrate` measured on a machine — per benchmark and KPI
//! statistic, how much the same code moves from run to run — written as the
//! calibration file (`perfgate calibrate --record`, `[gate] calibration`) and
//! read back by checks that cannot measure that noise themselves: one run per
//! side (`notes`, `file`), and benchmarks judged on fewer interleaved rounds
//! than a rank interval needs.

use serde::{Deserialize, Serialize};

use super::statistic::Statistic;

/// Version of the calibration file.
pub const CALIBRATION_SCHEMA: u32 = 1;

/// The calibration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub schema: u32,
    /// Rounds of identical code the figures come from.
    pub rounds: usize,
    pub rows: Vec<CalibrationRow>,
    /// The time budget the calibration suggests (for reading; checks do not use it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_budget: Option<TimeBudgetAdvice>,
}

/// One benchmark under one KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationRow {
    pub kpi: String,
    pub suite: String,
    pub bench: String,
    pub statistic: Statistic,
    /// Rounds measured.
    pub rounds: usize,
    /// Standard deviation of the log of one side's per-round statistic: how far one run of the
    /// same code lands from another.
    pub round_cv: f64,
    /// Standard deviation of the per-round log ratio between the two identical sides (what a
    /// paired comparison sees per round).
    pub pair_sd: f64,
    /// Regressions this much beyond the budget are caught with 80 % power at the configured rounds.
    pub detectable_beyond_budget: f64,
    /// The KPI's relative budget, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    /// Rounds that would catch a regression of twice the budget with 80 % power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds_for_budget: Option<usize>,
    /// The smallest relative budget the configured rounds can decide.
    pub smallest_budget: f64,
}

/// How long a check must measure for its benchmarks to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeBudgetAdvice {
    /// Wall time of one round of both sides, in seconds.
    pub round_seconds: f64,
    /// Rounds the noisiest benchmark needs to catch a regression of twice its budget
    /// (at most `[baseline] rounds`); None without relative budgets.
    pub rounds_needed: Option<usize>,
    /// `time-budget` for that many rounds, rounded up to a minute (`"16min"`).
    pub suggested: String,
    /// Rounds the configured time budget holds at this pace.
    pub rounds_within_budget: u32,
    /// Benchmarks (rows with a relative budget) that decide within those rounds, and all of them.
    pub decidable_within_budget: usize,
    pub benchmarks: usize,
}

/// The run-to-run noise a calibration gives one benchmark, on the log scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibratedNoise {
    /// Between two single runs of the same code at different times: √2 × the round CV.
    pub between_runs: f64,
    /// Per interleaved round (the sd of one round's log ratio).
    pub per_round: f64,
    /// Whether the figures are the benchmark's own (else the suite's, for a benchmark the
    /// calibration did not see).
    pub own: bool,
}

/// A benchmark the calibration did not see gets this quantile of its suite's figures.
const UNSEEN_QUANTILE: f64 = 0.9;

impl Calibration {
    /// The noise of `bench` in `suite` for `statistic`: its own row, else the 90th percentile of
    /// the suite's rows of that statistic; None when the calibration has neither.
    pub fn noise(&self, suite: &str, bench: &str, statistic: Statistic) -> Option<CalibratedNoise> {
        let rows: Vec<&CalibrationRow> = self
            .rows
            .iter()
            .filter(|r| r.suite == suite && r.statistic == statistic && r.round_cv.is_finite() && r.pair_sd.is_finite())
            .collect();
        if let Some(row) = rows.iter().find(|r| r.bench == bench) {
            return Some(CalibratedNoise {
                between_runs: std::f64::consts::SQRT_2 * row.round_cv,
                per_round: row.pair_sd,
                own: true,
            });
        }
        let quantile = |mut values: Vec<f64>| {
            values.sort_by(f64::total_cmp);
            let at = ((values.len() - 1) as f64 * UNSEEN_QUANTILE).ceil() as usize;
            values[at]
        };
        (!rows.is_empty()).then(|| CalibratedNoise {
            between_runs: std::f64::consts::SQRT_2 * quantile(rows.iter().map(|r| r.round_cv).collect()),
            per_round: quantile(rows.iter().map(|r| r.pair_sd).collect()),
            own: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(bench: &str, round_cv: f64, pair_sd: f64) -> CalibrationRow {
        CalibrationRow {
            kpi: "k".into(),
            suite: "micro".into(),
            bench: bench.into(),
            statistic: Statistic::Median,
            rounds: 10,
            round_cv,
            pair_sd,
            detectable_beyond_budget: 0.0,
            budget: None,
            rounds_for_budget: None,
            smallest_budget: 0.0,
        }
    }

    #[test]
    fn a_benchmark_gets_its_own_noise_and_an_unseen_one_the_suites_upper_figures() {
        let rows = (1..=10).map(|i| row(&format!("b{i}"), 0.01 * i as f64, 0.002 * i as f64)).collect();
        let calibration = Calibration { schema: CALIBRATION_SCHEMA, rounds: 10, rows, time_budget: None };
        let own = calibration.noise("micro", "b3", Statistic::Median).unwrap();
        assert!((own.between_runs - 0.03 * 2f64.sqrt()).abs() < 1e-12 && own.own);
        assert!((own.per_round - 0.006).abs() < 1e-12);
        // Ten rows: the 90th percentile is the 10th smallest (index ceil(9 * 0.9) = 9).
        let unseen = calibration.noise("micro", "new", Statistic::Median).unwrap();
        assert!((unseen.between_runs - 0.10 * 2f64.sqrt()).abs() < 1e-12 && !unseen.own);
        assert_eq!(calibration.noise("micro", "b3", Statistic::Min), None, "another statistic");
        assert_eq!(calibration.noise("other", "b3", Statistic::Median), None, "another suite");
    }
}
