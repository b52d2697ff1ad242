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
use super::estimate::Confidence;
pub use super::evaluate::ComparisonKey;
use super::evaluate::{evaluate_planned, EvaluateError, Plan};
use super::inputs::Inputs;
use super::outcome::{Footing, Measuring};
use super::{Comparison, Report, Verdict};
use crate::config::Config;
use crate::model::calibration::Calibration;
use crate::model::Benchmark;
use crate::runner::rounds::{Looker, Needed, RoundResults};
use crate::stats::Looks;

/// What the looks cost and saved.
#[derive(Debug, Clone, PartialEq)]
pub struct LookSummary {
    /// The rounds each look was taken at.
    pub looks: Vec<usize>,
    /// Per benchmark (suite, id), the rounds it was measured for: the look that decided its last
    /// comparison.
    pub rounds_used: BTreeMap<(String, String), usize>,
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

    /// The most rounds a benchmark of `suite` was measured for.
    pub fn suite_rounds(&self, suite: &str) -> Option<usize> {
        self.rounds_used.iter().filter(|((of, _), _)| of == suite).map(|(_, rounds)| *rounds).max()
    }
}

/// A comparison decided at a look: as it was decided, its p-value before the look's share of
/// the error rate was spent (for the FDR step of later looks), its share of its KPI's footing,
/// and the rounds it had.
#[derive(Debug, Clone)]
struct Frozen {
    comparison: Comparison,
    p_value: Option<f64>,
    footing: Footing,
    rounds: usize,
}

/// A check judged look by look as its rounds come in. Each look estimates only the comparisons
/// still undecided; the decided ones keep the result of the look that decided them.
pub struct SequentialCheck<'c> {
    config: &'c Config,
    looks: Looks,
    frozen: BTreeMap<ComparisonKey, Frozen>,
    /// Suite of each KPI line.
    suites: BTreeMap<usize, String>,
    taken: Vec<usize>,
    /// The frame of the finished report: the first look's report, which judged every
    /// comparison measured by then, and the comparisons later looks saw first (`keep_new`).
    first: Option<Report>,
}

impl<'c> SequentialCheck<'c> {
    pub fn new(config: &'c Config, looks: Looks) -> SequentialCheck<'c> {
        let suites = config.kpis.iter().map(|k| (k.line, k.suite.clone())).collect();
        SequentialCheck { config, looks, frozen: BTreeMap::new(), suites, taken: Vec::new(), first: None }
    }

    pub fn looks(&self) -> Looks {
        self.looks
    }

    /// Judge `inputs`, the first `rounds` rounds; `last`: no round follows.
    /// Returns the comparisons still undecided.
    pub fn look(&mut self, inputs: &Inputs, rounds: usize, last: bool) -> Result<Vec<ComparisonKey>, EvaluateError> {
        let nominal = self.config.gate.confidence;
        let confidence = Confidence { paired: self.looks.confidence_at(rounds, nominal), unpaired: nominal };
        let frozen = &self.frozen;
        let plan = Plan { decided: &|key| frozen.contains_key(key), confidence };
        let evaluation = evaluate_planned(self.config, inputs, &plan)?;
        let mut decision = evaluation.report;
        // The look's FDR step, at its share of the error rate, over every comparison: the ones
        // decided earlier count with the p-values they were decided on.
        let decided_p: Vec<f64> = self.frozen.values().filter_map(|f| f.p_value).collect();
        check_wide::apply_among(&mut decision, self.config.gate.fdr * self.looks.weight(rounds), &decided_p);
        let first = self.taken.is_empty();
        self.taken.push(rounds);
        // Paired comparisons freeze when decided (or at the last look); the others, whose data no
        // look changes, at the first look, judged at the check's own confidence.
        let mut undecided = Vec::new();
        for outcome in &decision.kpis {
            for comparison in &outcome.comparisons {
                let key = (outcome.line, comparison.against, comparison.bench.clone());
                let paired = comparison.method.is_some_and(|method| method.is_paired());
                let decided = matches!(comparison.verdict, Verdict::Pass | Verdict::Fail | Verdict::Improved);
                if (paired && (decided || last)) || (!paired && first) {
                    let mut frozen = comparison.clone();
                    if paired {
                        frozen.p_value = frozen.p_value.map(|p| self.looks.spent_p_value(rounds, p));
                    }
                    let footing = evaluation.footings.get(&key).cloned().unwrap_or_default();
                    let p_value = comparison.p_value;
                    self.frozen.insert(key, Frozen { comparison: frozen, p_value, footing, rounds });
                } else {
                    undecided.push(key);
                }
            }
        }
        self.keep_new(decision);
        Ok(undecided)
    }

    /// Keep in the finished report's frame what `decision`, a look's report, judged first: the
    /// first look's whole report, and later a benchmark measured for the first time since (a
    /// later pass over a long suite, a benchmark the time budget never reached).
    fn keep_new(&mut self, decision: Report) {
        let Some(kept) = &mut self.first else {
            self.first = Some(decision);
            return;
        };
        for outcome in decision.kpis {
            let Some(known) = kept.kpis.iter_mut().find(|k| k.line == outcome.line) else { continue };
            if known.comparisons.is_empty() {
                *known = outcome;
                continue;
            }
            for comparison in outcome.comparisons {
                let same = |c: &Comparison| c.bench == comparison.bench && c.against == comparison.against;
                if !known.comparisons.iter().any(same) {
                    known.comparisons.push(comparison);
                }
            }
        }
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

    /// The report: the first look's, each comparison as the look that froze it decided it, then
    /// the check-wide FDR step over the spent p-values.
    pub fn finish(self) -> Option<(Report, LookSummary)> {
        let mut report = self.first?;
        let mut frozen = self.frozen;
        let mut rounds_used = BTreeMap::new();
        for outcome in &mut report.kpis {
            let suite = self.suites.get(&outcome.line).cloned().unwrap_or_default();
            let mut footings = Vec::new();
            for comparison in &mut outcome.comparisons {
                let Some(decided) = frozen.remove(&(outcome.line, comparison.against, comparison.bench.clone())) else {
                    continue;
                };
                *comparison = decided.comparison;
                footings.push(decided.footing);
                let used = rounds_used.entry((suite.clone(), comparison.bench.clone())).or_insert(0);
                *used = (*used).max(decided.rounds);
            }
            outcome.footing = Footing::of(footings);
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
            outcome.rounds = summary.suite_rounds(&outcome.suite).map(|rounds| rounds as u32);
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
