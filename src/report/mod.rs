//! Reports: one renderer per format behind [`Render`]. Where the output goes
//! (stdout, a file, the job summary, a PR comment) is decided by the caller.

use std::time::Duration;

use crate::model::units::{first_names, format_change, format_value, human_duration as human};
use crate::verdict::outcome::{NoiseFrom, Stop};
use crate::verdict::{Against, CheckVerdict, Comparison, KpiOutcome, Report, Verdict};

mod cells;
mod context;
pub mod github;
pub mod history;
pub mod html;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod text;

pub use cells::Cells;

/// Output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned table for the terminal (colored when stdout is a terminal).
    Text,
    /// Markdown for job summaries and PR comments.
    Markdown,
    /// Versioned JSON (`"schema": 1`), readable back by `perfgate report`.
    Json,
    /// One self-contained HTML file with charts (no network requests).
    Html,
}

/// A report renderer.
pub trait Render {
    fn render(&self, report: &Report) -> String;
}

/// The renderer for `format` with default options.
pub fn renderer(format: OutputFormat, color: bool) -> Box<dyn Render> {
    match format {
        OutputFormat::Text => Box::new(text::Text { color }),
        OutputFormat::Markdown => Box::new(markdown::Markdown::default()),
        OutputFormat::Json => Box::new(json::Json),
        OutputFormat::Html => Box::new(html::Html),
    }
}

/// One-line summary of the check, e.g. `fail — 1 of 3 KPIs failed`.
pub fn headline(report: &Report) -> String {
    let counted: Vec<&KpiOutcome> = report.kpis.iter().filter(|k| k.level != crate::config::Level::Off).collect();
    let count = |verdict: Verdict| counted.iter().filter(|k| k.verdict == verdict).count();
    let total = counted.len();
    let verdict = match report.verdict {
        CheckVerdict::Pass => "pass",
        CheckVerdict::Warn => "warn",
        CheckVerdict::Fail => "fail",
    };
    let mut parts = Vec::new();
    for (verdict, word) in [
        (Verdict::Fail, "failed"),
        (Verdict::Inconclusive, "inconclusive"),
        (Verdict::NoBaseline, "without baseline"),
        (Verdict::Improved, "improved"),
        (Verdict::Pass, "passed"),
    ] {
        let n = count(verdict);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let summary = format!("{total} KPI{}: {}", if total == 1 { "" } else { "s" }, parts.join(", "));
    format!("{verdict} — {summary}")
}

/// What the interleaved rounds did, in a sentence: how many, how long, and why they ended.
pub fn rounds_summary(report: &Report) -> Option<String> {
    let measuring = report.measuring.as_ref()?;
    let minutes = |seconds: f64| human(Duration::from_secs_f64(seconds.max(0.0)));
    let ending = match (measuring.stop, measuring.undecided) {
        (Stop::AllDecided, _) => "all decided".to_string(),
        (Stop::TimeBudget, undecided) => format!("time budget spent, {undecided} inconclusive"),
        (Stop::MaxRounds, undecided) => format!("the most rounds ran, {undecided} inconclusive"),
    };
    Some(format!(
        "stopped after {} round{}: {ending} ({} of the {} time budget; listing and building {})",
        measuring.rounds,
        if measuring.rounds == 1 { "" } else { "s" },
        minutes(measuring.seconds),
        minutes(measuring.time_budget),
        minutes(measuring.build_seconds)
    ))
}

/// The note of a KPI none of whose benchmarks is in the shard a report judges.
pub const NOTHING_IN_SHARD: &str =
    "nothing to judge in this shard: none of its benchmarks is in it, so it passes here (the merged report judges them all)";

/// A KPI's share of the rounds: `14 rounds, 3.1 min` (None without rounds).
pub fn kpi_rounds(kpi: &KpiOutcome) -> Option<String> {
    let rounds = kpi.rounds?;
    let time = kpi.seconds.map(|s| format!(", {}", human(Duration::from_secs_f64(s.max(0.0))))).unwrap_or_default();
    Some(format!("{rounds} round{}{time}", if rounds == 1 { "" } else { "s" }))
}

/// What a KPI on a counting suite judged: `counted: instructions under Valgrind` (None when timed).
pub fn counted_note(kpi: &KpiOutcome) -> Option<String> {
    kpi.counted.as_ref().map(|metrics| format!("counted: {metrics} under Valgrind"))
}

/// The footer's word on measures when some KPIs counted: the others used their suites' own measurements.
pub fn measures_summary(report: &Report) -> Option<String> {
    let counted = report.kpis.iter().filter(|kpi| kpi.counted.is_some()).count();
    match (counted, report.kpis.len() - counted) {
        (0, _) => None,
        (_, 0) => Some("every KPI counted under Valgrind (instructions, not time)".into()),
        (counted, timed) => Some(format!(
            "{counted} KPI{} counted under Valgrind, {timed} on their suites' own measurements",
            if counted == 1 { "" } else { "s" }
        )),
    }
}

/// What a reader of a KPI must know besides its table, in sentences: that a shard held nothing of
/// it, and what the noise allowed it (how many comparisons were judged on one run per side and
/// with what run-to-run noise, and which had fewer rounds than a rank interval needs).
pub fn kpi_notes(kpi: &KpiOutcome) -> Vec<String> {
    if kpi.comparisons.is_empty() {
        // Only part of a check leaves a KPI without comparisons: a shard holds none of its series.
        return vec![NOTHING_IN_SHARD.to_string()];
    }
    let Some(footing) = &kpi.footing else { return Vec::new() };
    let mut lines = Vec::new();
    if footing.single_runs > 0 {
        let ratio = crate::model::Unit::Ratio;
        let noise = match footing.noise {
            Some([lo, hi]) if (hi - lo).abs() > 5e-4 => {
                format!("±{}–{}", format_value(lo, &ratio), format_value(hi, &ratio))
            }
            Some([_, hi]) => format!("±{}", format_value(hi, &ratio)),
            None => "unknown".into(),
        };
        let suite = kpi.run_noise.as_ref().filter(|n| n.from_suite);
        let from = match (footing.noise_from, suite) {
            (Some(NoiseFrom::Calibration), _) => "as `perfgate calibrate` measured it on this machine".to_string(),
            (Some(NoiseFrom::Suite), Some(noise)) => format!("from the spread of {} benchmarks", noise.benchmarks),
            _ => "the assumed `run-noise`; `perfgate calibrate --record` measures this machine's".to_string(),
        };
        let shift = suite.map(|n| format!("suite-wide shift {} removed; ", format_change(n.common_shift)));
        let count = footing.single_runs;
        lines.push(format!(
            "judged on one run per side ({count} comparison{}): {}run-to-run noise {noise} per benchmark, {from}",
            if count == 1 { "" } else { "s" },
            shift.unwrap_or_default()
        ));
    }
    if !footing.few_rounds.is_empty() {
        let count = footing.few_rounds.len();
        let names = first_names(&footing.few_rounds, 4);
        let judged = match footing.few_rounds_calibrated {
            0 => "left inconclusive (no calibration says how much one round moves)".to_string(),
            k if k == count => "judged against their calibrated run-to-run noise".to_string(),
            k => format!("{k} judged against their calibrated run-to-run noise, the rest inconclusive"),
        };
        lines.push(format!(
            "{count} benchmark{} had fewer rounds than a rank interval needs ({names}): {judged}",
            if count == 1 { "" } else { "s" }
        ));
    }
    lines
}

/// What a KPI's level makes of its verdict, when not the plain gate: `overridden`, `warn`, `off`.
pub fn level_note(kpi: &KpiOutcome) -> Option<&'static str> {
    match (kpi.overridden, kpi.level) {
        (true, _) => Some("overridden"),
        (false, crate::config::Level::Warn) => Some("warn"),
        (false, crate::config::Level::Off) => Some("off"),
        _ => None,
    }
}

/// The comparison that decides a KPI's verdict: the most severe, then the largest change for the worse.
pub fn deciding_comparison(kpi: &KpiOutcome) -> Option<&Comparison> {
    worst_comparison(kpi, kpi.comparisons.iter())
}

/// Of the KPI's comparisons against the anchor, the one that decides its drift.
pub fn deciding_drift(kpi: &KpiOutcome) -> Option<&Comparison> {
    worst_comparison(kpi, kpi.comparisons.iter().filter(|c| c.against == Against::Anchor))
}

fn worst_comparison<'k>(kpi: &KpiOutcome, comparisons: impl Iterator<Item = &'k Comparison>) -> Option<&'k Comparison> {
    let worse = |c: &Comparison| {
        let change = c.change.unwrap_or(0.0);
        match kpi.direction {
            crate::model::Direction::LowerIsBetter => change,
            crate::model::Direction::HigherIsBetter => -change,
        }
    };
    comparisons.max_by(|a, b| a.verdict.cmp(&b.verdict).then(worse(a).total_cmp(&worse(b))))
}

/// A chart axis for `values`: their range with a tenth of it as margin on each side, never below zero for
/// non-negative values, never empty.
fn axis_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if low > high {
        return (0.0, 1.0);
    }
    let margin = if high > low { (high - low) * 0.1 } else { (high.abs() * 0.05).max(1e-9) };
    let floor = if low >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
    ((low - margin).max(floor), high + margin)
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;

#[cfg(test)]
pub(crate) mod test_support;
