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
    assert_eq!(summary.rounds_used["s/steady"], 12);
    assert_eq!(summary.rounds_used["s/slower"], 12);
    assert_eq!(summary.rounds_used["s/on the budget"], 20);
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
    assert_eq!(slower.method, "paired, 12 rounds", "decided at the look that froze it");
}
