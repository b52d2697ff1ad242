//! Tests of sequential decisions on hand-made interleaved rounds.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::model::Unit;

/// 20 rounds of 5 samples per side; head's round `r` is base's times `factor(r)`.
fn paired(id: &str, factor: impl Fn(u32) -> f64) -> (Benchmark, Benchmark) {
    let mut base = (Vec::new(), Vec::new());
    let mut head = (Vec::new(), Vec::new());
    for round in 0..20u32 {
        // Each round's level wanders by up to ±4 %, on both sides alike.
        let level = 1000.0 * (1.0 + 0.04 * ((round * 7 % 9) as f64 / 4.0 - 1.0));
        for j in 0..5 {
            let sample = level * (1.0 + 0.001 * j as f64);
            base.0.push(sample);
            base.1.push(round);
            head.0.push(sample * factor(round));
            head.1.push(round);
        }
    }
    let bench = |(samples, rounds): (Vec<f64>, Vec<u32>)| {
        let mut b = Benchmark::with_samples(id, "time", Unit::Ns, samples);
        b.rounds = Some(rounds);
        b
    };
    (bench(base), bench(head))
}

fn check(benchmarks: Vec<(Benchmark, Benchmark)>) -> Inputs {
    let (base, head): (Vec<_>, Vec<_>) = benchmarks.into_iter().unzip();
    Inputs {
        head: BTreeMap::from([("s".to_string(), head)]),
        base: Some(BTreeMap::from([("s".to_string(), base)])),
        ..Inputs::default()
    }
}

fn config() -> Config {
    let text = "[[suite]]\nname = \"s\"\n\n[[kpi]]\nname = \"k\"\nsuite = \"s\"\nbench = \"*\"\n\
                statistic = \"median\"\nmax-regression = \"5%\"\n";
    Config::parse(text, Path::new("perf-budget.toml")).unwrap()
}

const LOOKS: Looks = Looks { min_rounds: 6, max_rounds: 20 };

#[test]
fn clear_cases_stop_early_and_close_calls_run_to_the_last_look() {
    // Alternating ±0.5 %: clearly within 5 %. A steady +30 %: clearly beyond.
    // +5 % with ±2 % wobble sits on the budget: only the last look can close it.
    let inputs = check(vec![
        paired("steady", |r| if r % 2 == 0 { 1.005 } else { 0.995 }),
        paired("slower", |_| 1.30),
        paired("on the budget", |r| 1.05 * if r % 2 == 0 { 1.02 } else { 0.98 }),
    ]);
    let (report, summary) = evaluate_sequentially(&config(), &inputs, LOOKS).unwrap();
    let verdict = |bench: &str| report.kpis[0].comparisons.iter().find(|c| c.bench == bench).unwrap().verdict;
    assert_eq!(verdict("steady"), Verdict::Pass);
    assert_eq!(verdict("slower"), Verdict::Fail);
    assert_eq!(verdict("on the budget"), Verdict::Inconclusive);
    // Twelve rounds are the fewest whose smallest signed-rank p-value (2/4096, two-sided)
    // is within a middle look's share of α (1.5 % of 0.05).
    assert_eq!(summary.rounds_used[&("s".to_string(), "steady".to_string())], 12);
    assert_eq!(summary.rounds_used[&("s".to_string(), "slower".to_string())], 12);
    assert_eq!(summary.rounds_used[&("s".to_string(), "on the budget".to_string())], 20);
    assert!((summary.saved() - (1.0 - (12.0 + 12.0 + 20.0) / 60.0)).abs() < 1e-12, "{summary:?}");
    assert_eq!(report.kpis[0].verdict, Verdict::Fail);
}

#[test]
fn a_frozen_failure_carries_its_spent_p_value_and_the_check_wide_q_value() {
    let inputs = check(vec![paired("slower", |_| 1.30), paired("steady", |_| 1.0)]);
    let (report, _) = evaluate_sequentially(&config(), &inputs, LOOKS).unwrap();
    let slower = report.kpis[0].comparisons.iter().find(|c| c.bench == "slower").unwrap();
    // Twelve rounds all beyond the budget: exact signed-rank p = 1/4096, spent at that look's share.
    let spent = LOOKS.spent_p_value(12, 1.0 / 4096.0);
    assert!((slower.p_value.unwrap() - spent).abs() < 1e-12, "{slower:?}");
    assert!(slower.q_value.is_some());
    assert_eq!(report.settings.confidence, 0.95, "the report states the check's own confidence");
    assert_eq!(slower.method_words(), "paired, 12 rounds", "decided at the look that froze it");
}

/// 500 benchmarks of 30 rounds of 4 samples per side, in five kinds: clearly unchanged, clearly
/// 20 % slower, and three close to the 5 % budget (decided late, or never).
fn five_hundred() -> Inputs {
    let kinds: [fn(u32) -> f64; 5] = [
        |_| 1.0,
        |_| 1.2,
        |round| 1.05 + 0.02 * ((round % 3) as f64 - 1.0),
        |round| 1.03 + 0.03 * ((round % 2) as f64 - 0.5),
        |round| 1.0 + 0.08 * ((round % 5) as f64 / 2.0 - 1.0),
    ];
    let benchmarks = (0..500)
        .map(|i| {
            let factor = kinds[i % kinds.len()];
            let mut pair = [(Vec::new(), Vec::new()), (Vec::new(), Vec::new())];
            for round in 0..30u32 {
                let level = 1000.0 * (1.0 + 0.04 * ((round * 7 % 9) as f64 / 4.0 - 1.0)) * (1 + i % 7) as f64;
                for j in 0..4 {
                    let sample = level * (1.0 + 0.001 * j as f64);
                    for (side, scale) in [(0, 1.0), (1, factor(round))] {
                        pair[side].0.push(sample * scale);
                        pair[side].1.push(round);
                    }
                }
            }
            let [base, head] = pair.map(|(samples, rounds)| {
                let mut b = Benchmark::with_samples(format!("bench/{i}"), "time", Unit::Ns, samples);
                b.rounds = Some(rounds);
                b
            });
            (base, head)
        })
        .collect();
    check(benchmarks)
}

#[test]
fn each_look_estimates_only_the_comparisons_still_undecided() {
    let config = config();
    let inputs = five_hundred();
    let looks = Looks { min_rounds: 5, max_rounds: 30 };
    let mut check = SequentialCheck::new(&config, looks);
    let mut undecided_before = 500;
    let mut per_look = Vec::new();
    for (index, &rounds) in looks.rounds().iter().enumerate() {
        let last = index + 1 == looks.rounds().len();
        let made = crate::verdict::estimates_made();
        let undecided = check.look(&first_rounds(&inputs, rounds), rounds, last).unwrap();
        let estimated = crate::verdict::estimates_made() - made;
        assert_eq!(estimated, undecided_before, "look at round {rounds}: one estimate per undecided comparison");
        per_look.push(estimated);
        undecided_before = undecided.len();
        if undecided.is_empty() {
            break;
        }
    }
    // The looks did decide comparisons early, so the count is not the same at every look.
    assert!(per_look[0] == 500 && per_look.last() < Some(&200), "{per_look:?}");
    let (report, summary) = check.finish().unwrap();
    let comparisons = &report.kpis[0].comparisons;
    assert_eq!(comparisons.len(), 500, "every comparison is in the report, once");
    assert!(comparisons.iter().zip(comparisons.iter().skip(1)).all(|(a, b)| a.bench != b.bench));
    assert_eq!(summary.rounds_used.len(), 500);
    assert!(comparisons.iter().any(|c| c.verdict == Verdict::Fail));
    assert!(comparisons.iter().any(|c| c.verdict == Verdict::Pass));
}

/// The first look judges the comparisons that are not paired (one run per side) once, at the
/// check's own confidence, not once at the look's and again at the check's.
#[test]
fn the_first_look_estimates_unpaired_comparisons_once() {
    let config = config();
    let unpaired = |id: &str, factor: f64| {
        let samples: Vec<f64> = (0..40).map(|j| 1000.0 * factor * (1.0 + 0.002 * (j % 5) as f64)).collect();
        Benchmark::with_samples(id, "time", Unit::Ns, samples)
    };
    let mut inputs = check(vec![paired("paired", |_| 1.0)]);
    let (base, head) = (inputs.base.as_mut().unwrap().get_mut("s").unwrap(), inputs.head.get_mut("s").unwrap());
    base.push(unpaired("single", 1.0));
    head.push(unpaired("single", 1.0));
    let mut check = SequentialCheck::new(&config, LOOKS);
    let made = crate::verdict::estimates_made();
    check.look(&first_rounds(&inputs, LOOKS.min_rounds), LOOKS.min_rounds, false).unwrap();
    assert_eq!(crate::verdict::estimates_made() - made, 2);
    let (report, _) = check.finish().unwrap();
    let single = report.kpis[0].comparisons.iter().find(|c| c.bench == "single").unwrap();
    let judged_alone = crate::verdict::evaluate(&config, &inputs).unwrap();
    let alone = judged_alone.kpis[0].comparisons.iter().find(|c| c.bench == "single").unwrap();
    assert_eq!(single.ci, alone.ci, "judged at the check's own confidence");
}
