//! Tests of change-point detection: reference numbers, edge cases and a small seeded simulation
//! (the full one is `cargo run --release --example accuracy -- --only change-points`).

use rand::Rng;
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;

use super::*;
use crate::stats::test_support::{close, rng};

fn observations(values: &[f64]) -> Vec<Observation> {
    values.iter().enumerate().map(|(position, &value)| Observation { position, value, std_error: None }).collect()
}

/// Commits of the model: level × runner factor (lognormal, 1.5 %) × the mean of
/// 10 samples with 3 % CV, whose standard error the point carries.
fn simulated(rng: &mut Pcg64, levels: &[f64]) -> Vec<Observation> {
    let runner = Normal::new(0.0_f64, 0.015).unwrap();
    let sample = Normal::new(0.0_f64, 0.03).unwrap();
    levels
        .iter()
        .enumerate()
        .map(|(position, level)| {
            let factor = level * runner.sample(rng).exp();
            let samples: Vec<f64> = (0..10).map(|_| factor * sample.sample(rng).exp()).collect();
            let mean = samples.iter().sum::<f64>() / 10.0;
            let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 9.0;
            Observation { position, value: mean, std_error: Some((variance / 10.0).sqrt()) }
        })
        .collect()
}

fn indices(found: &[Detected]) -> Vec<usize> {
    found.iter().map(|d| d.index).collect()
}

#[test]
fn split_t_statistic_matches_numpy() {
    // import numpy as np
    // v = np.array([10.0, 10.2, 9.9, 10.1, 10.0, 10.4, 11.0, 10.9, 11.2, 10.8, 11.1, 10.95])
    // se = np.array([0.1, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.1, 0.1, 0.1, 0.1])
    // x = np.log(v); s2 = (se / v) ** 2
    // tau2 = max(0, (1.4826 * np.median(np.abs(np.diff(x))) / np.sqrt(2)) ** 2 - np.median(s2))
    //                                                                      -> 0.0007159082781787948
    // w = 1 / (tau2 + s2)          # no point lies beyond 3 sd of its running median (window 7)
    // def t(k):
    //     a, b = slice(0, k), slice(k, None)
    //     ma, mb = np.average(x[a], weights=w[a]), np.average(x[b], weights=w[b])
    //     s2r = (np.sum(w[a] * (x[a] - ma) ** 2) + np.sum(w[b] * (x[b] - mb) ** 2)) / (len(x) - 2)
    //     return abs(mb - ma) / np.sqrt(s2r * (1 / w[a].sum() + 1 / w[b].sum()))
    // ts = [t(k) for k in range(4, 9)]
    // int(np.argmax(ts)) + 4, max(ts)                                      -> 6, 9.449560343874065
    let values = [10.0, 10.2, 9.9, 10.1, 10.0, 10.4, 11.0, 10.9, 11.2, 10.8, 11.1, 10.95];
    let errors = [0.1, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.1, 0.1, 0.1, 0.1];
    let series: Vec<Observation> = values
        .iter()
        .zip(errors)
        .enumerate()
        .map(|(position, (&value, se))| Observation { position, value, std_error: Some(se) })
        .collect();
    let log: Vec<f64> = values.iter().map(|v| v.ln()).collect();
    let own: Vec<f64> = values.iter().zip(errors).map(|(v, se)| (se / v).powi(2)).collect();
    assert!(close(between_runner_variance(&log, &own), 0.0007159082781787948, 1e-12));
    let prepared = Prepared::new(&series, 4);
    let cut = best_cut(&prepared.log, &prepared.weight, 4, Scan::Split).unwrap();
    assert_eq!((cut.start, cut.end), (0, 6));
    assert!(close(cut.t, 9.449560343874065, 1e-9), "{}", cut.t);
}

#[test]
fn a_clear_step_is_found_where_it_is_with_its_levels() {
    let mut values = vec![100.0, 101.0, 99.0, 100.5, 99.5, 100.0, 101.0, 99.0];
    values.extend([110.0, 111.0, 109.0, 110.5, 109.5, 110.0, 111.0, 109.0]);
    let found = detect(&observations(&values), &Settings::default()).unwrap();
    assert_eq!(indices(&found), [8]);
    let step = &found[0];
    assert_eq!((step.before, step.after), (100.0, 110.0));
    assert!(close(step.change, 0.1, 1e-12));
    assert!(step.ci[0] < 0.1 && 0.1 < step.ci[1] && step.ci[0] > 0.05, "{:?}", step.ci);
    assert!(step.p_value <= Settings::default().alpha);
}

#[test]
fn a_flat_series_has_no_change_and_a_constant_one_neither() {
    let mut rng = rng(3);
    let flat = simulated(&mut rng, &[100.0; 60]);
    assert!(detect(&flat, &Settings::default()).unwrap().is_empty());
    assert!(detect(&observations(&[5.0; 30]), &Settings::default()).unwrap().is_empty());
    // Without any noise (a count, not a time), a step is certain.
    let mut counts = vec![1000.0; 12];
    counts.extend([1100.0; 12]);
    let found = detect(&observations(&counts), &Settings::default()).unwrap();
    assert_eq!(indices(&found), [12]);
    assert!(found[0].ci.iter().all(|c| (c - 0.1).abs() < 1e-6), "{:?}", found[0].ci);
    // Too short for two segments: nothing to test.
    assert!(detect(&observations(&[1.0, 2.0, 3.0]), &Settings::default()).unwrap().is_empty());
    assert!(detect(&[], &Settings::default()).unwrap().is_empty());
}

#[test]
fn spikes_shorter_than_a_segment_are_not_changes() {
    let mut rng = rng(5);
    for spike_length in 1..=3 {
        let mut levels = vec![100.0; 40];
        levels[20..20 + spike_length].fill(130.0);
        let series = simulated(&mut rng, &levels);
        assert!(detect(&series, &Settings::default()).unwrap().is_empty(), "a spike of {spike_length}");
    }
    // A run of eight is a level: two changes. (A run of four in the middle of
    // a long series escapes the single best split: binary segmentation's
    // known blind spot for short temporary changes.)
    let mut levels = vec![100.0; 40];
    levels[20..24].fill(130.0);
    let found = detect(&simulated(&mut rng, &levels), &Settings::default()).unwrap();
    assert_eq!(indices(&found), [20, 24]);
}

#[test]
fn one_very_noisy_point_does_not_make_a_change() {
    let mut rng = rng(100);
    let mut series = simulated(&mut rng, &[100.0; 30]);
    assert!(detect(&series, &Settings::default()).unwrap().is_empty());
    // One commit measured on a disturbed runner: far off, and its samples say so.
    series[12].value = 125.0;
    series[12].std_error = Some(20.0);
    assert!(detect(&series, &Settings::default()).unwrap().is_empty());
    // Three in a row, still shorter than a segment.
    for point in &mut series[13..15] {
        point.value = 125.0;
        point.std_error = Some(20.0);
    }
    assert!(detect(&series, &Settings::default()).unwrap().is_empty());
}

#[test]
fn with_gaps_the_index_is_the_first_recorded_point_after_the_change() {
    let mut rng = rng(13);
    let levels: Vec<f64> = (0..30).map(|i| if i < 14 { 100.0 } else { 110.0 }).collect();
    let mut series = simulated(&mut rng, &levels);
    // Commits 3 apart: the change happened somewhere in positions 40..=42.
    for (i, point) in series.iter_mut().enumerate() {
        point.position = 3 * i;
    }
    let found = detect(&series, &Settings::default()).unwrap();
    assert_eq!(indices(&found), [14]);
    assert_eq!(series[found[0].index].position, 42);
}

#[test]
fn results_are_deterministic_for_a_seed() {
    let mut rng = rng(21);
    let levels: Vec<f64> = (0..40).map(|i| if i < 25 { 100.0 } else { 104.0 }).collect();
    let series = simulated(&mut rng, &levels);
    let settings = Settings { seed: 99, ..Settings::default() };
    assert_eq!(detect(&series, &settings).unwrap(), detect(&series, &settings).unwrap());
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let ok = observations(&[1.0, 2.0]);
    let error = |series: &[Observation], settings: &Settings| match detect(series, settings) {
        Err(StatsError::Invalid(message)) => message,
        other => panic!("expected an error, got {other:?}"),
    };
    assert!(error(&observations(&[1.0, 0.0]), &Settings::default()).contains("value #2 is 0"));
    let mut unordered = ok.clone();
    unordered[1].position = 0;
    assert!(error(&unordered, &Settings::default()).contains("positions must increase"));
    let mut negative_error = ok.clone();
    negative_error[0].std_error = Some(-1.0);
    assert!(error(&negative_error, &Settings::default()).contains("standard error #1"));
    let few = Settings { permutations: 99, alpha: 0.001, ..Settings::default() };
    assert!(error(&ok, &few).contains("use at least 999"));
    assert!(error(&ok, &Settings { min_segment: 0, ..Settings::default() }).contains("min_segment"));
    assert!(detect(&ok, &Settings { confidence: 1.0, ..Settings::default() }).is_err());
}

/// A small run of the acceptance simulation: few enough trials for a
/// debug build, thresholds a detector that never (or always) fires fails.
#[test]
fn seeded_simulation_finds_steps_and_few_false_changes() {
    let mut rng = rng(2024);
    let settings = Settings::default();
    let mut false_changes = 0;
    for _ in 0..20 {
        false_changes += detect(&simulated(&mut rng, &[100.0; 100]), &settings).unwrap().len();
    }
    assert!(false_changes <= 2, "{false_changes} false change points in 2,000 flat points");
    let (trials, mut within_one) = (20, 0);
    for _ in 0..trials {
        let step = rng.gen_range(settings.min_segment..=40 - settings.min_segment);
        let levels: Vec<f64> = (0..40).map(|i| if i < step { 100.0 } else { 105.0 }).collect();
        let found = detect(&simulated(&mut rng, &levels), &settings).unwrap();
        within_one += usize::from(found.iter().any(|d| d.index.abs_diff(step) <= 1));
    }
    assert!(within_one >= trials - 3, "+5 % found within one commit in {within_one} of {trials}");
}
