//! Shard reports: a check's report cut to the comparisons of its shard, and
//! the reports of every shard merged into one. The merge adjusts the p-values
//! of the union in one check-wide FDR step (`check_wide`), so it decides
//! exactly as one unsharded check of the same results would.

use std::collections::BTreeMap;
use std::path::Path;

use super::{check_wide, KpiOutcome, Report};
use crate::config::{Config, Suite};
use crate::model::Benchmark;
use crate::runner::harness::Harness;
use crate::runner::shard::Shard;
use crate::verdict::outcome::{Measuring, Stop};

/// The name that decides a benchmark's shard: what its harness lists it
/// under; a suite that cannot be split (a pooled KPI, a command perfgate
/// cannot limit) goes whole, under its own name.
pub fn shard_key(suite: &Suite, pooled: bool, bench: Option<&Benchmark>) -> String {
    let harness = Harness::of(suite);
    match (bench, harness) {
        (Some(bench), Some(harness)) if !pooled => harness.listed_name(&harness.name_of(bench)),
        (Some(bench), None) if !pooled && suite.command.is_none() => Harness::Criterion.name_of(bench),
        _ => suite.name.clone(),
    }
}

/// Keep only `shard`'s comparisons in `report` (judged on everything that was measured), then
/// decide again which failures stand among them.
pub fn keep_shard(report: &mut Report, config: &Config, head: &BTreeMap<String, Vec<Benchmark>>, shard: Shard) {
    for outcome in &mut report.kpis {
        let (Some(kpi), Some(suite)) =
            (config.kpis.iter().find(|k| k.line == outcome.line), config.suite(&outcome.suite))
        else {
            continue;
        };
        let benchmarks = head.get(&suite.name).map(Vec::as_slice).unwrap_or(&[]);
        outcome.comparisons.retain(|comparison| {
            let bench = benchmarks.iter().find(|b| b.id == comparison.bench);
            shard.holds(&shard_key(suite, kpi.metric.is_some(), bench))
        });
    }
    report.shard = Some(shard);
    check_wide::apply(report, config.gate.fdr);
}

/// Why shard reports cannot be merged.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(String);

/// Merge the reports of every shard of one check (`paths` name them in messages).
pub fn merge(reports: Vec<Report>, paths: &[&Path]) -> Result<Report, MergeError> {
    let fail = |message: String| Err(MergeError(message));
    let Some(first) = reports.first() else { return fail("no reports to merge".into()) };
    let name = |i: usize| paths.get(i).map_or_else(|| format!("report {}", i + 1), |p| p.display().to_string());
    let Some(count) = first.shard.map(|s| s.count) else {
        return fail(format!("{} is not a shard report (made without --shard I/N)", name(0)));
    };
    let mut seen = vec![None; count as usize];
    for (i, report) in reports.iter().enumerate() {
        let Some(shard) = report.shard else {
            return fail(format!("{} is not a shard report (made without --shard I/N)", name(i)));
        };
        if shard.count != count {
            return fail(format!("{} is shard {shard}, but {} is a shard of {count}", name(i), name(0)));
        }
        if let Some(other) = seen[shard.index as usize - 1].replace(i) {
            return fail(format!("{} and {} are both shard {shard}", name(other), name(i)));
        }
        if let Some(difference) = difference(first, report) {
            return fail(format!("{} and {} were made with different budget files: {difference}", name(0), name(i)));
        }
    }
    if let Some(missing) = seen.iter().position(Option::is_none) {
        return fail(format!("shard {}/{count} is missing: merge the reports of all {count} shards", missing + 1));
    }
    let mut merged = first.clone();
    merged.shard = None;
    for report in &reports[1..] {
        for (outcome, other) in merged.kpis.iter_mut().zip(&report.kpis) {
            outcome.comparisons.extend(other.comparisons.iter().cloned());
            if outcome.budget.max.is_none() && outcome.budget.min.is_none() {
                outcome.budget = other.budget.clone();
            }
            outcome.run_noise = outcome.run_noise.take().or_else(|| other.run_noise.clone());
            outcome.rounds = outcome.rounds.max(other.rounds);
            outcome.seconds = match (outcome.seconds, other.seconds) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        for warning in &report.warnings {
            if !merged.warnings.contains(warning) {
                merged.warnings.push(warning.clone());
            }
        }
        for note in &report.notes {
            if !merged.notes.contains(note) {
                merged.notes.push(note.clone());
            }
        }
        merged.measuring = match (merged.measuring.take(), &report.measuring) {
            (Some(a), Some(b)) => Some(merge_measuring(a, b)),
            (a, b) => a.or_else(|| b.clone()),
        };
    }
    for outcome in &mut merged.kpis {
        outcome.comparisons.sort_by(|a, b| a.bench.cmp(&b.bench));
    }
    let fdr = merged.settings.fdr;
    check_wide::apply(&mut merged, fdr);
    Ok(merged)
}

/// What two shard reports disagree on that must be the same: settings, commits, KPIs.
fn difference(a: &Report, b: &Report) -> Option<String> {
    if a.settings.confidence != b.settings.confidence || a.settings.fdr != b.settings.fdr {
        return Some(format!(
            "confidence {} and fdr {} against confidence {} and fdr {}",
            a.settings.confidence, a.settings.fdr, b.settings.confidence, b.settings.fdr
        ));
    }
    if a.git.base_commit != b.git.base_commit || a.git.head_commit != b.git.head_commit {
        return Some("they judged different commits".into());
    }
    if a.kpis.len() != b.kpis.len() {
        return Some(format!("{} KPIs against {}", a.kpis.len(), b.kpis.len()));
    }
    a.kpis.iter().zip(&b.kpis).find_map(|(x, y)| kpi_difference(x, y))
}

fn kpi_difference(a: &KpiOutcome, b: &KpiOutcome) -> Option<String> {
    let describe = |k: &KpiOutcome| {
        format!(
            "KPI {:?} (suite {:?}, {}, budget {}, level {:?})",
            k.name, k.suite, k.statistic, k.budget.text, k.level
        )
    };
    let same = a.name == b.name
        && a.suite == b.suite
        && a.statistic == b.statistic
        && a.budget.text == b.budget.text
        && a.level == b.level
        && a.direction == b.direction;
    (!same).then(|| format!("{} against {}", describe(a), describe(b)))
}

/// The rounds of shards that ran side by side: the longest, and every suite.
fn merge_measuring(a: Measuring, b: &Measuring) -> Measuring {
    let severity = |stop: Stop| match stop {
        Stop::AllDecided => 0,
        Stop::MaxRounds => 1,
        Stop::TimeBudget => 2,
    };
    Measuring {
        rounds: a.rounds.max(b.rounds),
        max_rounds: a.max_rounds.max(b.max_rounds),
        stop: if severity(b.stop) > severity(a.stop) { b.stop } else { a.stop },
        undecided: a.undecided + b.undecided,
        time_budget: a.time_budget.max(b.time_budget),
        seconds: a.seconds.max(b.seconds),
        build_seconds: a.build_seconds.max(b.build_seconds),
        suites: a.suites.into_iter().chain(b.suites.iter().cloned()).collect(),
    }
}
