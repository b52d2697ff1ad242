//! Markdown report for job summaries and PR comments: the verdict first, one
//! KPI table (baseline, head, delta with its interval, budget, status), the
//! the change size, trend charts and where the time goes, the per-benchmark
//! details collapsed, the sticky-comment marker, and a size cap under GitHub's
//! 65 536-character comment limit (details are cut first, then the context, and
//! a KPI table too long on its own is truncated with a note).

use std::fmt::Write;

use super::cells::{emoji, escape, Cells};
use super::context::{change_size_section, time_shares_section, trends_section};
use super::{
    counted_note, deciding_comparison, deciding_drift, headline, kpi_notes, kpi_rounds, level_note, measures_summary,
    rounds_summary, Render,
};
use crate::verdict::{CheckVerdict, KpiOutcome, Report, Verdict};

/// Hidden marker that identifies perfgate's sticky PR comment.
pub const MARKER: &str = "<!-- perfgate -->";
/// GitHub's limit on a comment body.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

pub struct Markdown {
    /// Link to the workflow run, shown in the footer.
    pub run_url: Option<String>,
    /// Longest output allowed, in characters.
    pub max_chars: usize,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown { run_url: None, max_chars: GITHUB_COMMENT_LIMIT - 1_000 }
    }
}

impl Render for Markdown {
    fn render(&self, report: &Report) -> String {
        let footer = self.footer(report);
        let mut head = self.summary(report);
        // The KPI table stays whole unless it alone would break the limit: then it is cut.
        let room = self.max_chars.saturating_sub(footer.chars().count() + 400);
        if head.chars().count() > room {
            head = truncate_lines(&head, room);
        }
        let mut used = head.chars().count() + footer.chars().count() + 200;
        let fits = |used: &mut usize, section: &str| {
            let size = section.chars().count();
            let fits = *used + size <= self.max_chars;
            if fits {
                *used += size;
            }
            fits
        };
        let mut out = head;
        let mut left_out = Vec::new();
        let extras = [
            ("the change size", change_size_section(report)),
            ("the trend charts", trends_section(report)),
            ("where the time goes", time_shares_section(report)),
        ];
        for (what, section) in extras {
            match section {
                Some(section) if fits(&mut used, &section) => out.push_str(&section),
                Some(_) => left_out.push(what),
                None => {}
            }
        }
        let mut details = String::new();
        let mut omitted = 0;
        for kpi in &report.kpis {
            let section = kpi_details(kpi);
            if fits(&mut used, &section) {
                details.push_str(&section);
            } else {
                omitted += 1;
            }
        }
        if !details.is_empty() || omitted > 0 {
            out.push_str("\n<details><summary>Details per benchmark</summary>\n\n");
            out.push_str(&details);
            if omitted > 0 {
                let _ = writeln!(
                    out,
                    "_Details of {omitted} KPI(s) left out to stay under GitHub's comment size limit; the JSON report has everything._\n"
                );
            }
            out.push_str("</details>\n");
        }
        if !left_out.is_empty() {
            let _ = writeln!(
                out,
                "\n_Left out to stay under GitHub's comment size limit: {}; the JSON report has them._",
                left_out.join(", ")
            );
        }
        out.push_str(&footer);
        out
    }
}

/// The first lines of `text` that fit in `room` characters, and a note of how many were cut.
fn truncate_lines(text: &str, room: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept = String::new();
    let mut count = 0;
    for line in &lines {
        if kept.chars().count() + line.chars().count() + 1 > room.saturating_sub(200) {
            break;
        }
        kept.push_str(line);
        kept.push('\n');
        count += 1;
    }
    let _ = writeln!(
        kept,
        "\n_{} more line(s) of this table left out to stay under GitHub's comment size limit; the JSON report has every KPI._\n",
        lines.len() - count
    );
    kept
}

impl Markdown {
    fn summary(&self, report: &Report) -> String {
        let mut out = String::new();
        let icon = match report.verdict {
            CheckVerdict::Pass => "✅",
            CheckVerdict::Warn => "⚠️",
            CheckVerdict::Fail => "❌",
        };
        let _ = writeln!(out, "{MARKER}\n### {icon} perfgate: {}\n", headline(report));
        if let Some(label) = &report.override_label {
            let _ = writeln!(out, "{}\n", override_banner(label));
        }
        for warning in &report.warnings {
            let _ = writeln!(out, "> [!WARNING]\n> {}\n", escape(warning));
        }
        let _ = writeln!(
            out,
            "| | KPI | baseline | head | Δ ({:.0}% CI) | budget | status |",
            report.settings.confidence * 100.0
        );
        out.push_str("|---|---|---:|---:|---|---|---|\n");
        for kpi in &report.kpis {
            out.push_str(&kpi_row(kpi));
        }
        if !report.notes.is_empty() {
            out.push('\n');
            for note in &report.notes {
                let _ = writeln!(out, "> {}", escape(note));
            }
        }
        out
    }

    fn footer(&self, report: &Report) -> String {
        let mut parts =
            vec![format!("baseline: {} ({})", escape(&report.baseline.description), report.baseline.source)];
        if let (Some(base), Some(head)) = (&report.git.base_commit, &report.git.head_commit) {
            let dirty = if report.git.head_dirty { " + uncommitted changes" } else { "" };
            parts.push(format!("`{}` → `{}`{dirty}", base.short(), head.short()));
        }
        if let (Some(anchor), Some(commit)) = (&report.git.anchor, &report.git.anchor_commit) {
            parts.push(format!("anchor `{}` (`{}`)", escape(anchor), commit.short()));
        }
        if let Some(rounds) = rounds_summary(report) {
            parts.push(escape(&rounds));
        }
        parts.extend(measures_summary(report));
        parts.push(format!("FDR {}", report.settings.fdr));
        if let Some(url) = &self.run_url {
            parts.push(format!("[workflow run]({url})"));
        }
        format!("\n<sub>{}</sub>\n", parts.join(" · "))
    }
}

/// The kill-switch notice: why failures do not fail, and how to turn the gate back on.
fn override_banner(label: &str) -> String {
    format!(
        "> [!WARNING]\n> **Gate overridden:** failures are reported as warnings because this pull request has the \
         label `{}`. Remove the label to re-enable the gate (anyone with triage or write access to the repository can).",
        escape(label).replace('`', "'")
    )
}

fn kpi_row(kpi: &KpiOutcome) -> String {
    let name = if kpi.primary { format!("**{}** ★", escape(&kpi.name)) } else { escape(&kpi.name) };
    let mut level = level_note(kpi).map(|note| format!(" _({note})_")).unwrap_or_default();
    if let Some(counted) = counted_note(kpi) {
        level.push_str(&format!("<br><sub>{}</sub>", escape(&counted)));
    }
    let Some(deciding) = deciding_comparison(kpi) else {
        return format!(
            "| {} | {name}{level} | | | | {} | {} |\n",
            emoji(kpi.verdict),
            escape(&kpi.budget.text),
            kpi.verdict.name()
        );
    };
    let cells = Cells::of(deciding);
    let which = if kpi.comparisons.len() > 1 {
        format!("<br>`{}` (of {})", escape(&cells.bench), kpi.comparisons.len())
    } else {
        String::new()
    };
    let (head, mut delta) = match deciding.ci {
        Some(_) => (cells.head, format!("{} {}", cells.change, cells.interval)),
        None if cells.interval.is_empty() => (cells.head, cells.change),
        None => (format!("{}<br><sub>{}</sub>", cells.head, cells.interval), cells.change),
    };
    if let Some(drift) = deciding_drift(kpi).filter(|drift| !std::ptr::eq(*drift, deciding)) {
        let drift_cells = Cells::of(drift);
        delta.push_str(&format!("<br><sub>drift since anchor: {} {}</sub>", drift_cells.change, drift_cells.interval));
    }
    format!(
        "| {} | {name}{level}{which} | {} | {} | {} | {} | {} |\n",
        emoji(kpi.verdict),
        cells.base,
        head,
        delta,
        escape(&kpi.budget.text),
        kpi.verdict.name()
    )
}

fn kpi_details(kpi: &KpiOutcome) -> String {
    let mut out = String::new();
    let rounds = kpi_rounds(kpi).into_iter().chain(counted_note(kpi)).map(|r| format!(" · {r}")).collect::<String>();
    let _ =
        writeln!(out, "**{}** — {}, budget {}{rounds}\n", escape(&kpi.name), kpi.statistic, escape(&kpi.budget.text));
    for line in kpi_notes(kpi) {
        let _ = writeln!(out, "{}\n", escape(&line));
    }
    out.push_str("| bench | baseline | head | Δ | interval | status | method |\n|---|---:|---:|---:|---|---|---|\n");
    for comparison in &kpi.comparisons {
        let cells = Cells::of(comparison);
        let status = match &comparison.settle {
            Some(settle) if comparison.verdict == Verdict::Inconclusive => {
                format!("{} ({})", cells.status, escape(settle))
            }
            _ => cells.status.to_string(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} {status} | {} |",
            escape(&cells.bench),
            cells.base,
            cells.head,
            cells.change,
            cells.interval,
            emoji(comparison.verdict),
            comparison.method_words()
        );
    }
    out.push('\n');
    out
}
