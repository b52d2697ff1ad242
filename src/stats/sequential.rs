//! Repeated looks at interleaved rounds: a group-sequential design with alpha
//! spending, so that a check may stop as soon as every comparison is decided
//! without inflating its error rates.
//!
//! Looking after every round and stopping at the first interval that clears
//! the budget would, with a fixed 95 % interval, fail an A/A comparison far
//! more often than 2.5 %: every look is another chance. A group-sequential
//! design spends the error rate `α` over the looks instead (Lan & DeMets 1983,
//! "Discrete sequential boundaries for clinical trials", Biometrika 70(3)):
//! look `k`, at information fraction `t_k` (rounds so far / the most rounds),
//! may use `α(t_k) − α(t_{k−1})` of it. Before the last look the spending
//! function is 30 % of the power family `α · t^ρ` (Kim & DeMets 1987,
//! Biometrika 74(1)) with `ρ = 1`, the Pocock-like linear spending; the last
//! look, at `t = 1`, gets everything left, at least 70 % of `α`, however many
//! looks came before (a spending function only has to rise to `α` at `t = 1`;
//! it may jump there). The most rounds, and so the schedule, are fixed before
//! the first look (after the first round, from the time budget). Linear
//! rather than the more usual `ρ = 3`: the exact signed-rank test of `n`
//! rounds cannot go below `p = 2^−n`, so a look that may spend only a sliver
//! of `α` can decide nothing; with `ρ = 1` clear cases stop after 10 to 13
//! rounds. The early share is small because the looks before the last are
//! many and strongly correlated (the union bound below pays for each as if
//! it were independent): the last look keeps nearly a one-look test's power.
//!
//! The rounds' signed-rank statistics at different looks are dependent in a
//! way no closed form gives for a distribution-free test, so the looks are
//! combined by the union bound (Bonferroni) rather than by the exact joint
//! boundaries of the normal theory: valid whatever the dependence,
//! conservative by what the exact boundaries would save.
//!
//! - **Decisions.** At a look the interval is the signed-rank interval at
//!   confidence `1 − 2 α_k` (each side `α_k`); a comparison whose interval
//!   clears the budget either way is decided and not measured again. These
//!   are repeated confidence intervals (Jennison & Turnbull 1989): together
//!   they cover at `1 − α` whatever look stops the comparison.
//! - **p-values for the FDR step.** A comparison's p-value at look `k` is
//!   divided by the share `w_k = α_k / α` of `α` the look may spend, and the
//!   smallest over its looks is kept: `P(min_k p_k / w_k ≤ x) ≤ Σ_k w_k x = x`,
//!   so it is a valid p-value however many looks were taken, and
//!   Benjamini–Hochberg over them keeps the false discovery rate of the whole
//!   check. Because these p-values only fall as looks are added, a comparison
//!   failed at one look stays failed at the end.

/// The exponent of the power-family spending function.
pub const SPENDING_EXPONENT: f64 = 1.0;
/// The share of `α` the looks before the last may spend between them.
pub const EARLY_SHARE: f64 = 0.3;

/// When a check looks at its rounds: after `min_rounds`, then after every
/// round, up to `max_rounds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Looks {
    pub min_rounds: usize,
    pub max_rounds: usize,
}

impl Looks {
    /// The rounds at which looks are taken, in order; the last is `max_rounds`.
    pub fn rounds(&self) -> Vec<usize> {
        let first = self.min_rounds.min(self.max_rounds).max(1);
        (first..=self.max_rounds).collect()
    }

    /// The share of `α` spent up to and including the look at `rounds`:
    /// `EARLY_SHARE · (rounds / max)^ρ` before the last look, 1 at it.
    fn spent(&self, rounds: usize) -> f64 {
        if rounds >= self.max_rounds {
            return 1.0;
        }
        EARLY_SHARE * (rounds as f64 / self.max_rounds as f64).powf(SPENDING_EXPONENT)
    }

    /// The share `w_k` of `α` the look at `rounds` may spend (0 when no look is taken there).
    pub fn weight(&self, rounds: usize) -> f64 {
        let looks = self.rounds();
        match looks.iter().position(|&r| r == rounds) {
            Some(0) => self.spent(rounds),
            Some(k) => self.spent(rounds) - self.spent(looks[k - 1]),
            None => 0.0,
        }
    }

    /// The two-sided confidence of the decision interval at the look at
    /// `rounds`, for an overall two-sided `confidence`: `1 − (1 − confidence) w_k`.
    pub fn confidence_at(&self, rounds: usize, confidence: f64) -> f64 {
        1.0 - (1.0 - confidence) * self.weight(rounds)
    }

    /// The two-sided confidence of the last look's decision interval, at least: the last look
    /// spends at least `1 − EARLY_SHARE` of `α`.
    pub fn last_look_confidence(confidence: f64) -> f64 {
        1.0 - (1.0 - confidence) * (1.0 - EARLY_SHARE)
    }

    /// The look's p-value made valid across looks: `p / w_k`, at most 1.
    pub fn spent_p_value(&self, rounds: usize, p: f64) -> f64 {
        let weight = self.weight(rounds);
        if weight <= 0.0 {
            return 1.0;
        }
        (p / weight).min(1.0)
    }
}

#[cfg(test)]
#[path = "sequential_tests.rs"]
mod tests;
