//! Terminal report: the verdict first, then each KPI with its comparisons in
//! an aligned table; colored when writing to a terminal.

use std::fmt::Write;

use owo_colors::OwoColorize;

use super::cells::{symbol, Cells};
use super::{counted_note, headline, kpi_notes, kpi_rounds, measures_summary, rounds_summary, Render};
use crate::verdict::{CheckVerdict, KpiOutcome, Report, Verdict};

pub struct Text {
    pub color: bool,
}

impl Render for Text {
    fn render(&self, report: &Report) -> String {
        let mut out = String::new();
        let verdict_word = match report.verdict {
            CheckVerdict::Pass => self.paint("PASS", Verdict::Pass),
            CheckVerdict::Warn => self.paint("WARN", Verdict::Inconclusive),
            CheckVerdict::Fail => self.paint("FAIL", Verdict::Fail),
        };
        let headline = headline(report);
        let rest = headline.split_once(" — ").map_or(headline.as_str(), |(_, rest)| rest);
        let _ = writeln!(out, "perfgate {verdict_word}: {rest}");
        let _ = writeln!(out, "baseline: {} ({})", report.baseline.description, report.baseline.source);
        if let Some(rounds) = rounds_summary(report) {
            let _ = writeln!(out, "rounds: {rounds}");
        }
        if let Some(measures) = measures_summary(report) {
            let _ = writeln!(out, "measures: {measures}");
        }
        for warning in &report.warnings {
            let _ = writeln!(out, "{}: {warning}", self.paint("warning", Verdict::Inconclusive));
        }
        for kpi in &report.kpis {
            out.push('\n');
            self.kpi(&mut out, kpi);
        }
        let relative = report.kpis.iter().flat_map(|k| &k.comparisons).filter(|c| c.q_value.is_some()).count();
        if !report.notes.is_empty() {
            out.push_str("\nnotes:\n");
            for note in &report.notes {
                let _ = writeln!(out, "  - {note}");
            }
        }
        let _ = writeln!(
            out,
            "\n{:.0}% intervals · FDR {} across {relative} relative comparison{} · bootstrap seed {:#x}",
            report.settings.confidence * 100.0,
            report.settings.fdr,
            if relative == 1 { "" } else { "s" },
            report.settings.seed
        );
        out
    }
}

impl Text {
    fn paint(&self, text: &str, verdict: Verdict) -> String {
        if !self.color {
            return text.to_string();
        }
        match verdict {
            Verdict::Fail => text.red().bold().to_string(),
            Verdict::Inconclusive => text.yellow().to_string(),
            Verdict::NoBaseline => text.dimmed().to_string(),
            Verdict::Pass => text.green().to_string(),
            Verdict::Improved => text.cyan().to_string(),
        }
    }

    fn kpi(&self, out: &mut String, kpi: &KpiOutcome) {
        let marker = if kpi.primary { " ★" } else { "" };
        let level = match kpi.level {
            crate::config::Level::Error => String::new(),
            other => format!(" [level {}]", serde_plain(other)),
        };
        let overridden = if kpi.overridden { " (overridden by label)" } else { "" };
        let rounds =
            kpi_rounds(kpi).into_iter().chain(counted_note(kpi)).map(|r| format!(" · {r}")).collect::<String>();
        let _ = writeln!(
            out,
            "{} {}{marker}  {}, budget {}{level}{overridden}{rounds}",
            self.paint(&format!("{} {}", symbol(kpi.verdict), kpi.verdict.name()), kpi.verdict),
            kpi.name,
            kpi.statistic,
            kpi.budget.text
        );
        for line in kpi_notes(kpi) {
            let _ = writeln!(out, "  {line}");
        }
        let header = ["bench", "baseline", "head", "change", "interval", "status"].map(String::from);
        let rows = kpi.comparisons.iter().map(|c| {
            let cells = Cells::of(c);
            [cells.bench, cells.base, cells.head, cells.change, cells.interval, cells.status.to_string()]
        });
        let table: Vec<[String; 6]> = std::iter::once(header).chain(rows).collect();
        // The series and its status read left to right; numbers line up on the right.
        let mut lines = aligned(&table, |column| column == 0 || column == 5).into_iter();
        let _ = writeln!(out, "    {}", lines.next().unwrap_or_default());
        for (comparison, line) in kpi.comparisons.iter().zip(lines) {
            let text = format!("    {line}");
            let verdict = comparison.verdict;
            let _ = writeln!(out, "{}", if verdict >= Verdict::NoBaseline { self.paint(&text, verdict) } else { text });
        }
        for comparison in kpi.comparisons.iter().filter(|c| c.verdict >= Verdict::Inconclusive) {
            let settle = comparison.settle.as_deref().map(|s| format!("; {s}")).unwrap_or_default();
            let _ = writeln!(out, "    {}: {}{settle}", Cells::of(comparison).bench, comparison.reason);
        }
    }
}

/// The rows of a table as lines, each column padded to its widest cell (left-aligned where
/// `left_aligned` says so, else right-aligned), two spaces between columns, no trailing blanks.
pub(super) fn aligned<const N: usize>(rows: &[[String; N]], left_aligned: impl Fn(usize) -> bool) -> Vec<String> {
    let mut widths = [0; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .enumerate()
                .map(
                    |(column, (cell, width))| {
                        if left_aligned(column) {
                            format!("{cell:<width$}")
                        } else {
                            format!("{cell:>width$}")
                        }
                    },
                )
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

fn serde_plain<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}
