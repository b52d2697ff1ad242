//! Sequential decisions over interleaved rounds: look at the rounds measured
//! so far, decide every comparison that can be decided, and keep measuring
//! only the rest (`stats::sequential` for the design and its references).
//!
//! At each look the check is judged by the ordinary decision code on the
//! rounds so far, with the look's share of the error rate: intervals at
//! `Looks::confidence_at` and the FDR step at `fdr · w_k`. A comparison that
//! passes, fails or improves there is frozen with that look's result. At the
//! last look everything left is frozen as it stands. Then one
//! Benjamini–Hochberg step over every comparison's *spent* p-value (`p / w_k`
//! of the look that froze it, valid however the looks went) decides which
//! failures stand: a failure whose check-wide q-value is not below `fdr`
//! becomes `inconclusive`.

use std::collections::{BTreeMap, BTreeSet};

use super::evaluate::{check_verdict, evaluate, kpi_verdict, EvaluateError, Inputs, FDR_SELECTION};
use super::{Comparison, Report, Verdict};
use crate::config::Config;
use crate::model::Benchmark;
use crate::stats::{self, Looks};

/// What the looks cost and saved.
#[derive(Debug, Clone, PartialEq)]
pub struct LookSummary {
    /// The rounds each look was taken at.
    pub looks: Vec<usize>,
    /// Per benchmark (`suite/id`), the rounds it was measured for: the look
    /// that decided its last comparison.
    pub rounds_used: BTreeMap<String, usize>,
    pub max_rounds: usize,
}

impl LookSummary {
    /// Mean rounds a benchmark was measured for.
    pub fn mean_rounds(&self) -> f64 {
        self.rounds_used.values().sum::<usize>() as f64 / self.rounds_used.len().max(1) as f64
    }

    /// Share of benchmark-runs not needed against measuring every benchmark for every round.
    pub fn saved(&self) -> f64 {
        1.0 - self.mean_rounds() / self.max_rounds as f64
    }
}

/// Judge `inputs`, whose paired benchmarks carry their rounds, by looks after
/// `looks.min_rounds` rounds and then after every pair of rounds.
pub fn evaluate_sequentially(
    config: &Config,
    inputs: &Inputs,
    looks: Looks,
) -> Result<(Report, LookSummary), EvaluateError> {
    let schedule = looks.rounds();
    let mut frozen: BTreeMap<(usize, String), (Comparison, usize)> = BTreeMap::new();
    let mut report = None;
    for (index, &rounds) in schedule.iter().enumerate() {
        let last = index + 1 == schedule.len();
        let weight = looks.weight(rounds);
        let mut at_look = config.clone();
        at_look.gate.confidence = looks.confidence_at(rounds, config.gate.confidence);
        at_look.gate.fdr = config.gate.fdr * weight;
        let look = evaluate(&at_look, &first_rounds(inputs, rounds))?;
        for outcome in &look.kpis {
            for comparison in &outcome.comparisons {
                let key = (outcome.line, comparison.bench.clone());
                let decided = matches!(comparison.verdict, Verdict::Pass | Verdict::Fail | Verdict::Improved);
                if !frozen.contains_key(&key) && (decided || last) {
                    let mut comparison = comparison.clone();
                    comparison.p_value = comparison.p_value.map(|p| looks.spent_p_value(rounds, p));
                    frozen.insert(key, (comparison, rounds));
                }
            }
        }
        report = Some(look);
    }
    let mut report = report.expect("at least one look");
    let rounds_used = rounds_per_benchmark(config, &report, &frozen);
    apply_check_wide_fdr(config, &mut report, frozen);
    Ok((report, LookSummary { looks: schedule, rounds_used, max_rounds: looks.max_rounds }))
}

/// `inputs` with each round-carrying benchmark cut to its first `rounds` rounds.
fn first_rounds(inputs: &Inputs, rounds: usize) -> Inputs {
    let cut = |suites: &BTreeMap<String, Vec<Benchmark>>| {
        suites
            .iter()
            .map(|(suite, benchmarks)| (suite.clone(), benchmarks.iter().map(|b| cut_rounds(b, rounds)).collect()))
            .collect()
    };
    Inputs { head: cut(&inputs.head), base: inputs.base.as_ref().map(cut), ..inputs.clone() }
}

fn cut_rounds(bench: &Benchmark, rounds: usize) -> Benchmark {
    let Some(labels) = &bench.rounds else { return bench.clone() };
    let kept: BTreeSet<u32> = labels.iter().copied().collect::<BTreeSet<_>>().into_iter().take(rounds).collect();
    let (samples, labels): (Vec<f64>, Vec<u32>) =
        bench.samples.iter().zip(labels).filter(|(_, round)| kept.contains(round)).map(|(s, r)| (*s, *r)).unzip();
    Benchmark { samples, rounds: Some(labels), ..bench.clone() }
}

/// The rounds each benchmark needed: the latest look that froze one of its comparisons.
fn rounds_per_benchmark(
    config: &Config,
    report: &Report,
    frozen: &BTreeMap<(usize, String), (Comparison, usize)>,
) -> BTreeMap<String, usize> {
    let mut used = BTreeMap::new();
    for outcome in &report.kpis {
        let suite = config.kpis.iter().find(|k| k.line == outcome.line).map_or("", |k| k.suite.as_str());
        for comparison in &outcome.comparisons {
            if let Some((_, rounds)) = frozen.get(&(outcome.line, comparison.bench.clone())) {
                let entry = used.entry(format!("{suite}/{}", comparison.bench)).or_insert(0);
                *entry = (*entry).max(*rounds);
            }
        }
    }
    used
}

/// Replace the last look's comparisons by the frozen ones, and let a failure
/// stand only where the check-wide q-value of the spent p-values is below `fdr`.
fn apply_check_wide_fdr(
    config: &Config,
    report: &mut Report,
    mut frozen: BTreeMap<(usize, String), (Comparison, usize)>,
) {
    for outcome in &mut report.kpis {
        for comparison in &mut outcome.comparisons {
            if let Some((decided, _)) = frozen.remove(&(outcome.line, comparison.bench.clone())) {
                *comparison = decided;
            }
        }
    }
    let p_values: Vec<f64> = report.kpis.iter().flat_map(|k| &k.comparisons).filter_map(|c| c.p_value).collect();
    let mut q_values = stats::conditional_benjamini_hochberg(&p_values, FDR_SELECTION).into_iter();
    for outcome in &mut report.kpis {
        for comparison in &mut outcome.comparisons {
            if comparison.p_value.is_none() {
                continue;
            }
            let q = q_values.next().unwrap_or(1.0);
            comparison.q_value = Some(q);
            if comparison.verdict == Verdict::Fail && q >= config.gate.fdr {
                comparison.verdict = Verdict::Inconclusive;
                comparison.reason = format!(
                    "{}; not failed: q = {q:.3} across the whole check is not below fdr {}",
                    comparison.reason, config.gate.fdr
                );
            }
        }
        if let Some(kpi) = config.kpis.iter().find(|k| k.line == outcome.line) {
            outcome.verdict = kpi_verdict(kpi, outcome);
        }
    }
    report.verdict = check_verdict(&report.kpis);
    report.settings.confidence = config.gate.confidence;
    report.settings.fdr = config.gate.fdr;
}

#[cfg(test)]
#[path = "sequential_tests.rs"]
mod tests;
