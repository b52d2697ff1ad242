//! Sequential decisions over interleaved rounds: look at the rounds measured
//! so far, decide every comparison that can be decided, and keep measuring
//! only the rest (`stats::sequential` for the design and its references).
//!
//! At each look the check is judged by the ordinary decision code on the
//! rounds so far, with the look's share of the error rate: intervals at
//! `Looks::confidence_at` and the FDR step at `fdr · w_k`. A paired
//! comparison that passes, fails or improves there is frozen with that
//! look's result; one that is not paired (a suite measured once) gains
//! nothing from looking again and is frozen at the first look, judged at the
//! check's own confidence. At the last look everything left is frozen as it
//! stands. Then one Benjamini–Hochberg step over every comparison's p-value
//! (for paired ones the *spent* `p / w_k` of the look that froze them, valid
//! however the looks went) decides which failures stand.
//!
//! The interval a frozen paired comparison reports is the one it was decided
//! on: a repeated confidence interval (Jennison & Turnbull 1989, "Interim
//! analyses: the repeated confidence interval approach", JRSS B 51(3)), which
//! covers at the check's confidence whatever look stopped it. A plain 95 %
//! interval of the same rounds would not: comparisons that stop early stop
//! when their estimate happens to lie far from the budget (`docs/ACCURACY.md`).

use std::collections::{BTreeMap, BTreeSet};

use super::check_wide;
use super::evaluate::{evaluate, EvaluateError};
use super::inputs::Inputs;
use super::outcome::Measuring;
use super::{Against, Comparison, Report, Verdict};
use crate::config::Config;
use crate::model::calibration::Calibration;
use crate::model::Benchmark;
use crate::runner::rounds::{Looker, Needed, RoundResults};
use crate::stats::Looks;

/// A comparison: the line of its KPI in the budget file, what it is against, and its label.
pub type ComparisonKey = (usize, Against, String);

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

/// A comparison decided at a look, and the rounds it had then.
#[derive(Debug, Clone)]
struct Frozen {
    comparison: Comparison,
    rounds: usize,
}

/// A check judged look by look as its rounds come in.
pub struct SequentialCheck<'c> {
    config: &'c Config,
    looks: Looks,
    frozen: BTreeMap<ComparisonKey, Frozen>,
    /// Suite of each KPI line.
    suites: BTreeMap<usize, String>,
    taken: Vec<usize>,
    last: Option<Report>,
}

impl<'c> SequentialCheck<'c> {
    pub fn new(config: &'c Config, looks: Looks) -> SequentialCheck<'c> {
        let suites = config.kpis.iter().map(|k| (k.line, k.suite.clone())).collect();
        SequentialCheck { config, looks, frozen: BTreeMap::new(), suites, taken: Vec::new(), last: None }
    }

    pub fn looks(&self) -> Looks {
        self.looks
    }

    /// Judge `inputs`, the first `rounds` rounds; `last`: no round follows.
    /// Returns the comparisons still undecided.
    pub fn look(&mut self, inputs: &Inputs, rounds: usize, last: bool) -> Result<Vec<ComparisonKey>, EvaluateError> {
        let weight = self.looks.weight(rounds);
        let mut at_look = self.config.clone();
        at_look.gate.confidence = self.looks.confidence_at(rounds, self.config.gate.confidence);
        at_look.gate.fdr = self.config.gate.fdr * weight;
        let decision = evaluate(&at_look, inputs)?;
        let first = self.taken.is_empty();
        self.taken.push(rounds);
        // Paired comparisons freeze when decided (or at the last look); the others, whose data no
        // look changes, at the first look, judged at the check's own confidence.
        let mut unpaired = Vec::new();
        let mut undecided = Vec::new();
        for (k, outcome) in decision.kpis.iter().enumerate() {
            for (c, comparison) in outcome.comparisons.iter().enumerate() {
                let key = (outcome.line, comparison.against, comparison.bench.clone());
                if self.frozen.contains_key(&key) {
                    continue;
                }
                let paired = comparison.method.starts_with("paired");
                let decided = matches!(comparison.verdict, Verdict::Pass | Verdict::Fail | Verdict::Improved);
                if paired && (decided || last) {
                    let mut frozen = comparison.clone();
                    frozen.p_value = frozen.p_value.map(|p| self.looks.spent_p_value(rounds, p));
                    self.frozen.insert(key, Frozen { comparison: frozen, rounds });
                } else if !paired && first {
                    unpaired.push((k, c));
                } else {
                    undecided.push(key);
                }
            }
        }
        if !unpaired.is_empty() {
            let nominal = evaluate(self.config, inputs)?;
            for (k, c) in unpaired {
                let comparison = nominal.kpis[k].comparisons[c].clone();
                let key = (nominal.kpis[k].line, comparison.against, comparison.bench.clone());
                self.frozen.insert(key, Frozen { comparison, rounds });
            }
        }
        self.last = Some(decision);
        Ok(undecided)
    }

    /// The benchmark ids the undecided comparisons draw on, per suite: `None` for
    /// a suite some undecided comparison pools (every benchmark is needed).
    pub fn needed(&self, undecided: &[ComparisonKey]) -> BTreeMap<String, Option<BTreeSet<String>>> {
        let mut needed: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
        for (line, _, label) in undecided {
            let Some(suite) = self.suites.get(line) else { continue };
            let pooled = self.config.kpis.iter().find(|k| k.line == *line).is_some_and(|k| k.metric.is_some());
            let entry = needed.entry(suite.clone()).or_insert_with(|| Some(BTreeSet::new()));
            match entry.as_mut() {
                Some(_) if pooled => *entry = None,
                Some(ids) => {
                    ids.insert(label.clone());
                }
                None => {}
            }
        }
        needed
    }

    /// The report: the frozen comparisons in the last look's report, then the check-wide FDR step.
    pub fn finish(self) -> Option<(Report, LookSummary)> {
        let mut report = self.last?;
        let mut frozen = self.frozen;
        let mut rounds_used = BTreeMap::new();
        for outcome in &mut report.kpis {
            let suite = self.suites.get(&outcome.line).cloned().unwrap_or_default();
            for comparison in &mut outcome.comparisons {
                if let Some(decided) = frozen.remove(&(outcome.line, comparison.against, comparison.bench.clone())) {
                    *comparison = decided.comparison;
                    let used = rounds_used.entry(format!("{suite}/{}", comparison.bench)).or_insert(0);
                    *used = (*used).max(decided.rounds);
                }
            }
        }
        report.settings.confidence = self.config.gate.confidence;
        check_wide::apply(&mut report, self.config.gate.fdr);
        Some((report, LookSummary { looks: self.taken, rounds_used, max_rounds: self.looks.max_rounds }))
    }
}

/// The looks of a live check: between interleaved rounds, what is still
/// undecided; when the rounds have ended, the report.
pub struct RoundsJudge<'c> {
    config: &'c Config,
    /// `[gate] calibration`, for the comparisons of fewer rounds than a rank interval needs.
    calibration: Option<Calibration>,
    check: Option<SequentialCheck<'c>>,
}

impl<'c> RoundsJudge<'c> {
    pub fn new(config: &'c Config, calibration: Option<Calibration>) -> RoundsJudge<'c> {
        RoundsJudge { config, calibration, check: None }
    }

    fn check(&mut self, max_rounds: u32) -> &mut SequentialCheck<'c> {
        let min_rounds = self.config.baseline.min_rounds.min(max_rounds) as usize;
        let looks = Looks { min_rounds, max_rounds: max_rounds as usize };
        self.check.get_or_insert_with(|| SequentialCheck::new(self.config, looks))
    }

    /// The last look, on everything measured (`inputs`, `measuring.rounds` rounds), and the report:
    /// with how the rounds went, per KPI the rounds its comparisons needed and its suite's time.
    pub fn conclude(mut self, inputs: &Inputs, mut measuring: Measuring) -> Result<Report, EvaluateError> {
        let rounds = measuring.rounds as usize;
        let check = self.check(measuring.max_rounds);
        check.look(inputs, rounds, true)?;
        let (mut report, summary) = self.check.take().and_then(SequentialCheck::finish).expect("a look was taken");
        measuring.undecided =
            report.kpis.iter().flat_map(|k| &k.comparisons).filter(|c| c.verdict == Verdict::Inconclusive).count();
        for outcome in &mut report.kpis {
            let prefix = format!("{}/", outcome.suite);
            outcome.rounds = summary
                .rounds_used
                .iter()
                .filter(|(bench, _)| bench.starts_with(&prefix))
                .map(|(_, rounds)| *rounds as u32)
                .max();
            outcome.seconds = measuring.suites.iter().find(|s| s.name == outcome.suite).map(|s| s.seconds);
        }
        report.measuring = Some(measuring);
        Ok(report)
    }
}

impl Looker for RoundsJudge<'_> {
    fn look(&mut self, results: &RoundResults, rounds: u32, max_rounds: u32) -> anyhow::Result<Needed> {
        let inputs = Inputs {
            head: results.head.clone(),
            base: Some(results.base.clone()),
            anchor: (!results.anchor.is_empty()).then(|| results.anchor.clone()),
            calibration: self.calibration.clone(),
            ..Inputs::default()
        };
        let check = self.check(max_rounds);
        let undecided = check.look(&inputs, rounds as usize, false)?;
        Ok(check.needed(&undecided))
    }
}

/// Judge `inputs`, whose paired benchmarks carry their rounds, with a look after
/// every round from `looks.min_rounds` on: what a live check decides when every
/// round's results arrive in this order (the accuracy harness's simulations).
pub fn evaluate_sequentially(
    config: &Config,
    inputs: &Inputs,
    looks: Looks,
) -> Result<(Report, LookSummary), EvaluateError> {
    let mut check = SequentialCheck::new(config, looks);
    let schedule = looks.rounds();
    for (index, &rounds) in schedule.iter().enumerate() {
        let last = index + 1 == schedule.len();
        let undecided = check.look(&first_rounds(inputs, rounds), rounds, last)?;
        if undecided.is_empty() {
            break;
        }
    }
    Ok(check.finish().expect("at least one look"))
}

/// `inputs` with each round-carrying benchmark cut to its first `rounds` rounds.
pub fn first_rounds(inputs: &Inputs, rounds: usize) -> Inputs {
    let cut = |suites: &BTreeMap<String, Vec<Benchmark>>| {
        suites
            .iter()
            .map(|(suite, benchmarks)| (suite.clone(), benchmarks.iter().map(|b| cut_rounds(b, rounds)).collect()))
            .collect()
    };
    Inputs {
        head: cut(&inputs.head),
        base: inputs.base.as_ref().map(cut),
        anchor: inputs.anchor.as_ref().map(cut),
        ..inputs.clone()
    }
}

fn cut_rounds(bench: &Benchmark, rounds: usize) -> Benchmark {
    let Some(labels) = &bench.rounds else { return bench.clone() };
    let kept: BTreeSet<u32> = labels.iter().copied().collect::<BTreeSet<_>>().into_iter().take(rounds).collect();
    let (samples, labels): (Vec<f64>, Vec<u32>) =
        bench.samples.iter().zip(labels).filter(|(_, round)| kept.contains(round)).map(|(s, r)| (*s, *r)).unzip();
    Benchmark { samples, rounds: Some(labels), ..bench.clone() }
}

#[cfg(test)]
#[path = "sequential_tests.rs"]
mod tests;
