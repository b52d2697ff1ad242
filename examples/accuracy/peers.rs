//! Other tools' published decision rules, implemented from their
//! documentation, judging the same simulated samples as perfgate. Each answers
//! one question per benchmark: would this tool report a regression?

use perfgate::model::Benchmark;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// A peer's rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Peer {
    /// criterion.rs: two-sided t-test of the means at p < 0.05, and the
    /// interval of the relative change of the mean wholly beyond the 1 % noise threshold.
    Criterion,
    /// github-action-benchmark: one current value over one previous value above `alert_ratio`.
    ActionBenchmark { alert_ratio: f64 },
    /// Bencher's t-test threshold: the new value above the history window's
    /// mean + t(0.99, n-1) sd (upper boundary 0.99).
    BencherTTest,
    /// asv: ratio of the values beyond 10 % and Mann–Whitney p < 0.002.
    Asv,
    /// tango-bench: paired differences of interleaved samples, z ≥ 2.6 and change beyond 1 %.
    Tango,
}

const CRITERION_SIGNIFICANCE: f64 = 0.05;
const CRITERION_NOISE_THRESHOLD: f64 = 0.01;
const CRITERION_CONFIDENCE: f64 = 0.95;
const BENCHER_UPPER_BOUNDARY: f64 = 0.99;
const ASV_FACTOR: f64 = 1.10;
const ASV_SIGNIFICANCE: f64 = 0.002;
const TANGO_Z: f64 = 2.6;
const TANGO_NOISE_FLOOR: f64 = 0.01;

impl Peer {
    pub const ALL: [Peer; 6] = [
        Peer::Criterion,
        Peer::ActionBenchmark { alert_ratio: 2.0 },
        Peer::ActionBenchmark { alert_ratio: 1.1 },
        Peer::BencherTTest,
        Peer::Asv,
        Peer::Tango,
    ];

    pub fn name(self) -> String {
        match self {
            Peer::Criterion => "criterion (p < 0.05, mean change beyond 1 %)".into(),
            Peer::ActionBenchmark { alert_ratio } => {
                format!("github-action-benchmark ({:.0} %)", alert_ratio * 100.0)
            }
            Peer::BencherTTest => "Bencher t-test (upper boundary 0.99, 10 runs)".into(),
            Peer::Asv => "asv (ratio > 1.1 and Mann-Whitney p < 0.002)".into(),
            Peer::Tango => "tango (paired z >= 2.6, change > 1 %)".into(),
        }
    }

    /// A name short enough for a table column.
    pub fn short_name(self) -> String {
        match self {
            Peer::Criterion => "criterion".into(),
            Peer::ActionBenchmark { alert_ratio } => format!("gab {:.0} %", alert_ratio * 100.0),
            Peer::BencherTTest => "Bencher".into(),
            Peer::Asv => "asv".into(),
            Peer::Tango => "tango".into(),
        }
    }

    /// Whether the rule needs a history window of earlier base runs.
    pub fn needs_history(self) -> bool {
        self == Peer::BencherTTest
    }

    /// Whether the rule would report `head` as a regression against `base`
    /// (and `history`, earlier base values); None when the data does not suit
    /// the tool (tango needs interleaved pairs).
    pub fn flags_regression(self, base: &Benchmark, head: &Benchmark, history: &[f64]) -> Option<bool> {
        let (b, h) = (&base.samples, &head.samples);
        Some(match self {
            Peer::Criterion => {
                let change = mean_change_interval(b, h, CRITERION_CONFIDENCE);
                welch_p_two_sided(b, h) < CRITERION_SIGNIFICANCE && change.0 > CRITERION_NOISE_THRESHOLD
            }
            Peer::ActionBenchmark { alert_ratio } => mean(h) / mean(b) > alert_ratio,
            Peer::BencherTTest => {
                let n = history.len() as f64;
                let t = StudentsT::new(0.0, 1.0, n - 1.0).expect("t").inverse_cdf(BENCHER_UPPER_BOUNDARY);
                mean(h) > mean(history) + t * variance(history).sqrt()
            }
            Peer::Asv => median(h) / median(b) > ASV_FACTOR && mann_whitney_p_two_sided(b, h) < ASV_SIGNIFICANCE,
            Peer::Tango => {
                let (Some(base_rounds), Some(head_rounds)) = (&base.rounds, &head.rounds) else { return None };
                if base_rounds != head_rounds {
                    return None;
                }
                let d: Vec<f64> = h.iter().zip(b).map(|(h, b)| h - b).collect();
                let z = mean(&d) / (variance(&d) / d.len() as f64).sqrt();
                z >= TANGO_Z && mean(&d) / mean(b) > TANGO_NOISE_FLOOR
            }
        })
    }
}

pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample variance (n - 1).
pub fn variance(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() as f64 - 1.0)
}

fn median(x: &[f64]) -> f64 {
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Welch's two-sample t-test, two-sided p (criterion bootstraps the t statistic; with its sample sizes the t reference is equivalent).
fn welch_p_two_sided(a: &[f64], b: &[f64]) -> f64 {
    let (va, vb) = (variance(a) / a.len() as f64, variance(b) / b.len() as f64);
    let t = (mean(b) - mean(a)) / (va + vb).sqrt();
    let df = (va + vb).powi(2) / (va.powi(2) / (a.len() as f64 - 1.0) + vb.powi(2) / (b.len() as f64 - 1.0));
    2.0 * StudentsT::new(0.0, 1.0, df).expect("t").sf(t.abs())
}

/// Interval of `mean(b) / mean(a) - 1` (delta method on the log ratio; criterion bootstraps it).
fn mean_change_interval(a: &[f64], b: &[f64], confidence: f64) -> (f64, f64) {
    let (ma, mb) = (mean(a), mean(b));
    let se = (variance(a) / (a.len() as f64 * ma * ma) + variance(b) / (b.len() as f64 * mb * mb)).sqrt();
    let z = Normal::new(0.0, 1.0).expect("normal").inverse_cdf((1.0 + confidence) / 2.0);
    let log_ratio = (mb / ma).ln();
    ((log_ratio - z * se).exp_m1(), (log_ratio + z * se).exp_m1())
}

/// Mann–Whitney U test, two-sided p from the normal approximation (continuous data, no ties correction).
fn mann_whitney_p_two_sided(a: &[f64], b: &[f64]) -> f64 {
    let mut all: Vec<(f64, bool)> = a.iter().map(|v| (*v, true)).chain(b.iter().map(|v| (*v, false))).collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let rank_sum_a: f64 = all.iter().enumerate().filter(|(_, (_, in_a))| *in_a).map(|(i, _)| (i + 1) as f64).sum();
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let z = (u - n1 * n2 / 2.0) / (n1 * n2 * (n1 + n2 + 1.0) / 12.0).sqrt();
    2.0 * Normal::new(0.0, 1.0).expect("normal").sf(z.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welch_and_mann_whitney_match_scipy() {
        // scipy.stats.ttest_ind([1, 2, 3, 4, 5], [4, 5, 6, 7, 8], equal_var=False).pvalue = 0.017072
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((welch_p_two_sided(&a, &[4.0, 5.0, 6.0, 7.0, 8.0]) - 0.017072).abs() < 1e-5);
        // scipy.stats.mannwhitneyu(a, [6..10], use_continuity=False, method="asymptotic").pvalue = 0.009023
        assert!((mann_whitney_p_two_sided(&a, &[6.0, 7.0, 8.0, 9.0, 10.0]) - 0.009023).abs() < 1e-5);
    }
}
