//! Budgets × comparisons → verdicts (SPEC section 5).
//!
//! The rules are deliberately three-way: a comparison fails only when its
//! whole interval is beyond the budget (and, for relative budgets, the
//! FDR-adjusted p-value is below `fdr`); it passes only when the whole
//! interval is within; otherwise it is `inconclusive` and says what would
//! settle it. Guessing is what makes gates cry wolf.

use serde::{Deserialize, Serialize};

mod buckets;
mod budget;
pub mod calibrate;
mod check_wide;
pub mod context;
mod drift;
mod estimate;
mod evaluate;
mod evidence;
mod inputs;
mod judge;
pub mod method;
pub mod outcome;
mod override_label;
mod pool;
mod reasons;
pub mod recorded;
mod rollup;
mod rounds;
mod select;
pub mod sequential;
mod series;
pub mod shards;
#[cfg(test)]
mod test_support;

pub use check_wide::apply as apply_check_wide_fdr;
pub use estimate::estimates_made;
pub use evaluate::{evaluate, EvaluateError};
pub use inputs::Inputs;
pub use outcome::{Against, CheckVerdict, Comparison, Distribution, KpiOutcome, Reason, Report, REPORT_SCHEMA};
pub use override_label::apply_override_label;

use crate::model::Direction;

/// Verdict of one comparison or KPI, in increasing severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Better than the budget by more than the budget (shown, never fails).
    Improved,
    Pass,
    /// No baseline for a relative budget: reported loudly, never a silent pass.
    NoBaseline,
    /// The interval straddles the budget: more data would settle it.
    Inconclusive,
    Fail,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Improved => "improved",
            Verdict::Pass => "pass",
            Verdict::NoBaseline => "no-baseline",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Fail => "fail",
        }
    }

    /// Combine the verdicts of several budgets on one comparison: the worst wins,
    /// except that an improvement is news a plain pass of another budget must not hide.
    pub fn combine(verdicts: &[Verdict]) -> Verdict {
        let worst = verdicts.iter().copied().max().unwrap_or(Verdict::Pass);
        if worst == Verdict::Pass && verdicts.contains(&Verdict::Improved) {
            Verdict::Improved
        } else {
            worst
        }
    }
}

/// An interval of the ratio head/base judged against `max-regression = tau`.
///
/// `q` is the FDR-adjusted p-value of "the change is beyond the budget".
pub fn judge_regression(ratio_interval: [f64; 2], tau: f64, direction: Direction, q: f64, fdr: f64) -> Verdict {
    let [lo, hi] = ratio_interval;
    match direction {
        Direction::LowerIsBetter => {
            if lo > 1.0 + tau {
                if q < fdr {
                    Verdict::Fail
                } else {
                    Verdict::Inconclusive
                }
            } else if hi < 1.0 - tau {
                Verdict::Improved
            } else if hi <= 1.0 + tau {
                Verdict::Pass
            } else {
                Verdict::Inconclusive
            }
        }
        Direction::HigherIsBetter => {
            if hi < 1.0 - tau {
                if q < fdr {
                    Verdict::Fail
                } else {
                    Verdict::Inconclusive
                }
            } else if lo > 1.0 + tau {
                Verdict::Improved
            } else if lo >= 1.0 - tau {
                Verdict::Pass
            } else {
                Verdict::Inconclusive
            }
        }
    }
}

/// An interval of the ratio head/base judged against `min-ratio = r`: the head
/// must be at least `r` times better (throughput up, or time down, `r`-fold).
pub fn judge_min_ratio(ratio_interval: [f64; 2], min_ratio: f64, direction: Direction, q: f64, fdr: f64) -> Verdict {
    let gain = gain_interval(ratio_interval, direction);
    if gain[1] < min_ratio {
        if q < fdr {
            Verdict::Fail
        } else {
            Verdict::Inconclusive
        }
    } else if gain[0] >= min_ratio {
        Verdict::Pass
    } else {
        Verdict::Inconclusive
    }
}

/// The improvement factor interval: head/base when higher is better, base/head when lower is.
pub fn gain_interval(ratio_interval: [f64; 2], direction: Direction) -> [f64; 2] {
    match direction {
        Direction::HigherIsBetter => ratio_interval,
        Direction::LowerIsBetter => [1.0 / ratio_interval[1], 1.0 / ratio_interval[0]],
    }
}

/// An interval of the statistic itself judged against absolute bounds.
pub fn judge_absolute(interval: [f64; 2], max: Option<f64>, min: Option<f64>) -> Verdict {
    let [lo, hi] = interval;
    let mut verdicts = Vec::new();
    if let Some(max) = max {
        verdicts.push(if lo > max {
            Verdict::Fail
        } else if hi <= max {
            Verdict::Pass
        } else {
            Verdict::Inconclusive
        });
    }
    if let Some(min) = min {
        verdicts.push(if hi < min {
            Verdict::Fail
        } else if lo >= min {
            Verdict::Pass
        } else {
            Verdict::Inconclusive
        });
    }
    Verdict::combine(&verdicts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;

    #[test]
    fn regression_rules_for_lower_is_better() {
        let tau = 0.03;
        assert_eq!(judge_regression([1.05, 1.10], tau, LowerIsBetter, 0.001, 0.05), Verdict::Fail);
        assert_eq!(judge_regression([1.05, 1.10], tau, LowerIsBetter, 0.2, 0.05), Verdict::Inconclusive);
        assert_eq!(judge_regression([0.99, 1.02], tau, LowerIsBetter, 0.9, 0.05), Verdict::Pass);
        assert_eq!(judge_regression([1.01, 1.05], tau, LowerIsBetter, 0.3, 0.05), Verdict::Inconclusive);
        assert_eq!(judge_regression([0.90, 0.95], tau, LowerIsBetter, 1.0, 0.05), Verdict::Improved);
        // An interval touching the budget is not wholly beyond it.
        assert_eq!(judge_regression([1.03, 1.10], tau, LowerIsBetter, 0.001, 0.05), Verdict::Inconclusive);
    }

    #[test]
    fn regression_rules_for_higher_is_better() {
        let tau = 0.05;
        assert_eq!(judge_regression([0.80, 0.90], tau, HigherIsBetter, 0.001, 0.05), Verdict::Fail);
        assert_eq!(judge_regression([0.97, 1.04], tau, HigherIsBetter, 0.9, 0.05), Verdict::Pass);
        assert_eq!(judge_regression([1.10, 1.20], tau, HigherIsBetter, 1.0, 0.05), Verdict::Improved);
        assert_eq!(judge_regression([0.92, 1.01], tau, HigherIsBetter, 0.3, 0.05), Verdict::Inconclusive);
    }

    #[test]
    fn min_ratio_means_that_many_times_better() {
        // Throughput must double.
        assert_eq!(judge_min_ratio([2.1, 2.4], 2.0, HigherIsBetter, 1.0, 0.05), Verdict::Pass);
        assert_eq!(judge_min_ratio([1.2, 1.5], 2.0, HigherIsBetter, 0.001, 0.05), Verdict::Fail);
        assert_eq!(judge_min_ratio([1.8, 2.3], 2.0, HigherIsBetter, 0.4, 0.05), Verdict::Inconclusive);
        // Latency must halve: head/base of 0.4..0.45 is a 2.2x-2.5x gain.
        assert_eq!(judge_min_ratio([0.40, 0.45], 2.0, LowerIsBetter, 1.0, 0.05), Verdict::Pass);
        assert_eq!(judge_min_ratio([0.9, 1.0], 2.0, LowerIsBetter, 0.001, 0.05), Verdict::Fail);
    }

    #[test]
    fn absolute_rules() {
        let second = 1e9;
        assert_eq!(judge_absolute([1.1e9, 1.3e9], Some(second), None), Verdict::Fail);
        assert_eq!(judge_absolute([0.9e9, 1.1e9], Some(second), None), Verdict::Inconclusive);
        assert_eq!(judge_absolute([0.7e9, 0.9e9], Some(second), None), Verdict::Pass);
        assert_eq!(judge_absolute([0.7e9, f64::INFINITY], Some(second), None), Verdict::Inconclusive);
        assert_eq!(judge_absolute([90.0, 95.0], None, Some(100.0)), Verdict::Fail);
        assert_eq!(judge_absolute([120.0, 130.0], Some(200.0), Some(100.0)), Verdict::Pass);
    }

    #[test]
    fn combining_keeps_the_worst_but_shows_improvements() {
        assert_eq!(Verdict::combine(&[Verdict::Pass, Verdict::Improved]), Verdict::Improved);
        assert_eq!(Verdict::combine(&[Verdict::Fail, Verdict::Improved]), Verdict::Fail);
        assert_eq!(Verdict::combine(&[Verdict::Pass, Verdict::NoBaseline]), Verdict::NoBaseline);
        assert_eq!(Verdict::combine(&[Verdict::Inconclusive, Verdict::NoBaseline]), Verdict::Inconclusive);
        assert_eq!(Verdict::combine(&[]), Verdict::Pass);
    }
}
