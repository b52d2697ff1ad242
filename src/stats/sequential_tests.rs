//! Tests of the look schedule and of the error rates under repeated looks.

use rand::Rng;

use super::*;
use crate::stats::paired::signed_rank_p_beyond;
use crate::stats::test_support::rng;

const LOOKS: Looks = Looks { min_rounds: 6, max_rounds: 20 };

#[test]
fn looks_are_taken_after_every_round_from_the_minimum_to_the_most() {
    assert_eq!(LOOKS.rounds(), (6..=20).collect::<Vec<_>>());
    assert_eq!(Looks { min_rounds: 10, max_rounds: 10 }.rounds(), vec![10]);
    assert_eq!(Looks { min_rounds: 12, max_rounds: 10 }.rounds(), vec![10], "never past the most rounds");
}

#[test]
fn the_looks_spend_alpha_exactly_once_and_the_last_keeps_at_least_half() {
    let total: f64 = LOOKS.rounds().iter().map(|&r| LOOKS.weight(r)).sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    // EARLY_SHARE * 19/20 = 0.285 spent before the last look, 0.715 at it.
    assert!((LOOKS.weight(20) - 0.715).abs() < 1e-12);
    // The first look spends 0.3 * 6/20 = 9 % of α: a 99.55 % interval; the others 1.5 % each.
    assert!((LOOKS.weight(6) - 0.09).abs() < 1e-12);
    assert!((LOOKS.weight(12) - 0.015).abs() < 1e-12);
    assert!((LOOKS.confidence_at(6, 0.95) - 0.9955).abs() < 1e-12);
    assert_eq!(LOOKS.weight(5), 0.0, "no look before the minimum");
    assert_eq!(LOOKS.spent_p_value(5, 0.001), 1.0);
    assert!((LOOKS.spent_p_value(20, 0.01) - 0.01 / LOOKS.weight(20)).abs() < 1e-15);
}

/// Share of `trials` sequences of `rounds` per-round log ratios, centred exactly
/// on the budget (the worst case of "within the budget"), in which some look
/// rejects: with the spent p-values when `spend`, with the raw ones otherwise.
fn false_rejections(trials: usize, spend: bool) -> f64 {
    let budget = 1.03f64.ln();
    let mut g = rng(91);
    let rejected = (0..trials)
        .filter(|_| {
            // Symmetric, heavy-ish noise: a difference of two uniforms scaled by a third.
            let d: Vec<f64> = (0..LOOKS.max_rounds)
                .map(|_| budget + 0.1 * (g.gen::<f64>() - g.gen::<f64>()) * (0.5 + g.gen::<f64>()))
                .collect();
            LOOKS.rounds().into_iter().any(|rounds| {
                let p = signed_rank_p_beyond(&d[..rounds], budget, true);
                let p = if spend { LOOKS.spent_p_value(rounds, p) } else { p };
                p <= 0.025
            })
        })
        .count();
    rejected as f64 / trials as f64
}

#[test]
fn spent_p_values_keep_the_error_rate_over_every_look_and_raw_ones_do_not() {
    // 20 000 sequences: the Monte-Carlo sd of a 2.5 % rate is 0.11 points.
    let spent = false_rejections(20_000, true);
    assert!(spent <= 0.025 + 0.003, "with spending: {spent}");
    // Looking fifteen times at a fixed 2.5 % test fails far more often than 2.5 %.
    let raw = false_rejections(20_000, false);
    assert!(raw >= 0.05, "without spending: {raw}");
}
