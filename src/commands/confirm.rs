//! Confirmation before failing on a stored baseline (`[baseline] confirm =
//! true` with `source = "notes"` or `"file"`): the benchmarks that failed
//! against the stored results are re-run on the baseline commit and the head
//! in interleaved rounds, and their verdicts are decided on those rounds —
//! the way Chromium's Pinpoint re-runs a suspected regression before it
//! reports it. A stored baseline was measured at another time, maybe on
//! another machine; the rounds measure both sides together.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use crate::baseline::{rerun, RerunOptions};
use crate::config::{BaselineSource, Config};
use crate::model::calibration::Calibration;
use crate::model::Benchmark;
use crate::runner::harness::Harness;
use crate::runner::suite::RunSettings;
use crate::verdict::sequential::RoundsJudge;
use crate::verdict::{apply_check_wide_fdr, Comparison, Report, Verdict};

/// Re-run what failed in `report` and decide it on the rounds. A confirmation that cannot run
/// (no git repository, no command) leaves the report as it is, with a note saying why.
pub fn confirm_failures(
    config: &Config,
    report: &mut Report,
    head: &BTreeMap<String, Vec<Benchmark>>,
    settings: &RunSettings,
    quiet: bool,
    calibration: Option<Calibration>,
) -> Result<()> {
    let (only, kpi_lines) = failing_benchmarks(config, report, head);
    if only.is_empty() {
        return Ok(());
    }
    let mut restricted = config.clone();
    restricted.baseline.source = BaselineSource::Rerun;
    restricted.kpis.retain(|kpi| kpi_lines.contains(&kpi.line));
    let mut judge = RoundsJudge::new(&restricted, calibration.clone());
    let options = RerunOptions { settings: settings.clone(), quiet, looker: &mut judge, only: Some(only), shard: None };
    let mut measured = match rerun(&restricted, options) {
        Ok(measured) => measured,
        Err(error) => {
            report.notes.push(format!("The failures were not confirmed by re-running them: {error:#}"));
            return Ok(());
        }
    };
    let Some(measuring) = measured.measuring.take() else { return Ok(()) };
    measured.partial = true;
    measured.calibration = calibration;
    let confirmation = judge.conclude(&measured, measuring)?;
    let mut confirmed = Vec::new();
    for outcome in &mut report.kpis {
        let Some(again) = confirmation.kpis.iter().find(|k| k.line == outcome.line) else { continue };
        for comparison in outcome.comparisons.iter_mut().filter(|c| c.verdict == Verdict::Fail) {
            let same = |c: &&Comparison| c.bench == comparison.bench && c.against == comparison.against;
            if let Some(fresh) = again.comparisons.iter().find(same) {
                *comparison = fresh.clone();
                confirmed.push((comparison.bench.clone(), comparison.against));
            }
        }
    }
    apply_check_wide_fdr(report, config.gate.fdr);
    let still =
        report.kpis.iter().flat_map(|k| &k.comparisons).filter(|c| confirmed.contains(&(c.bench.clone(), c.against)));
    let still_failing = still.filter(|c| c.verdict == Verdict::Fail).count();
    report.notes.push(format!(
        "Confirmed by re-running: {} failing comparison{} against the stored baseline {} re-run on {} and the head \
         in {} interleaved rounds; {still_failing} still fail{}.",
        confirmed.len(),
        if confirmed.len() == 1 { " was" } else { "s were" },
        report.baseline.source,
        measured.git.base_commit.map_or_else(|| "the base commit".to_string(), |c| format!("merge-base {}", c.short())),
        confirmation.measuring.as_ref().map_or(0, |m| m.rounds),
        if still_failing == 1 { "s" } else { "" }
    ));
    report.measuring = confirmation.measuring;
    Ok(())
}

/// The failing benchmarks of suites that have a command, by suite (harness names, or None to
/// re-run a suite whole), and the KPIs they fail.
fn failing_benchmarks(
    config: &Config,
    report: &Report,
    head: &BTreeMap<String, Vec<Benchmark>>,
) -> (BTreeMap<String, Option<BTreeSet<String>>>, BTreeSet<usize>) {
    let mut only: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    let mut lines = BTreeSet::new();
    for outcome in &report.kpis {
        let (Some(kpi), Some(suite)) =
            (config.kpis.iter().find(|k| k.line == outcome.line), config.suite(&outcome.suite))
        else {
            continue;
        };
        if suite.command.is_none() {
            continue;
        }
        for comparison in outcome.comparisons.iter().filter(|c| c.verdict == Verdict::Fail) {
            lines.insert(kpi.line);
            let harness = Harness::of(suite);
            let entry = only.entry(suite.name.clone()).or_insert_with(|| Some(BTreeSet::new()));
            let names = head.get(&suite.name).into_iter().flatten().filter(|b| b.id == comparison.bench);
            match (entry.as_mut(), harness, kpi.metric.is_some()) {
                (Some(set), Some(harness), false) => set.extend(names.map(|b| harness.name_of(b))),
                _ => *entry = None,
            }
        }
    }
    (only, lines)
}
