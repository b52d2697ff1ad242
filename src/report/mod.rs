//! Reports: one renderer per format behind [`Render`]. Where the output goes
//! (stdout, a file, the job summary, a PR comment) is decided by the caller.

use crate::verdict::{CheckVerdict, Comparison, KpiOutcome, Report, Verdict};

mod cells;
pub mod github;
pub mod json;
pub mod markdown;
pub mod text;
pub mod units;

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
mod tests;
