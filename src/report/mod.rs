//! Reports: one renderer per format behind [`Render`]. Where the output goes
//! (stdout, a file, the job summary, a PR comment) is decided by the caller.

use std::time::Duration;

use crate::model::units::human_duration as human;
use crate::verdict::outcome::Stop;
use crate::verdict::{CheckVerdict, Comparison, KpiOutcome, Report, Verdict};

mod cells;
pub mod github;
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

/// A KPI's share of the rounds: `14 rounds, 3.1 min` (None without rounds).
pub fn kpi_rounds(kpi: &KpiOutcome) -> Option<String> {
    let rounds = kpi.rounds?;
    let time = kpi.seconds.map(|s| format!(", {}", human(Duration::from_secs_f64(s.max(0.0))))).unwrap_or_default();
    Some(format!("{rounds} round{}{time}", if rounds == 1 { "" } else { "s" }))
}

/// The comparison that decides a KPI's verdict: the most severe, then the largest change for the worse.
pub fn deciding_comparison(kpi: &KpiOutcome) -> Option<&Comparison> {
    let worse = |c: &Comparison| {
        let change = c.change.unwrap_or(0.0);
        match kpi.direction {
            crate::model::Direction::LowerIsBetter => change,
            crate::model::Direction::HigherIsBetter => -change,
        }
    };
    kpi.comparisons.iter().max_by(|a, b| a.verdict.cmp(&b.verdict).then(worse(a).total_cmp(&worse(b))))
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;

#[cfg(test)]
mod test_support;
