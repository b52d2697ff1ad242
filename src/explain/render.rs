//! The breakdown as an aligned text table, a markdown table, or JSON.

use super::{Breakdown, Group};
use crate::model::units::format_value;
use crate::model::Unit;
use crate::report::OutputFormat;

/// Renders `breakdown` in `format`.
pub fn render(breakdown: &Breakdown, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => serde_json::to_string_pretty(breakdown).map(|json| json + "\n").unwrap_or_default(),
        OutputFormat::Markdown => markdown(breakdown),
        // The breakdown has no page of its own: HTML asks get the terminal table.
        OutputFormat::Text | OutputFormat::Html => text(breakdown),
    }
}

fn with_delta(breakdown: &Breakdown) -> bool {
    breakdown.groups.iter().any(|g| g.delta.is_some())
}

fn header(breakdown: &Breakdown) -> Vec<String> {
    let mut columns: Vec<String> = breakdown.by.clone();
    columns.push("count".into());
    if breakdown.window_seconds.is_some() {
        columns.push("req/s".into());
    }
    columns.extend(["req %", "p50", "p95", "p99", "total", "time %", "cum %"].map(String::from));
    if with_delta(breakdown) {
        columns.push("p99 change [interval]".into());
    }
    columns
}

fn cells(breakdown: &Breakdown, group: &Group) -> Vec<String> {
    let mut row: Vec<String> = breakdown.by.iter().map(|tag| group.key.get(tag).cloned().unwrap_or_default()).collect();
    row.push(group.count.to_string());
    if let Some(rate) = group.rate {
        row.push(format_value(rate, &Unit::PerSecond).trim_end_matches("/s").to_string());
    }
    row.extend([
        percent(group.request_share),
        ms(group.p50),
        ms(group.p95),
        ms(group.p99),
        ms(group.total),
        percent(group.share),
        percent(group.cumulative_share),
    ]);
    if with_delta(breakdown) {
        row.push(match &group.delta {
            Some(delta) => format!(
                "{}{} [{}, {}]",
                if delta.regressed { "▲ " } else { "" },
                signed_percent(delta.change),
                signed_percent(delta.ci[0]),
                signed_percent(delta.ci[1])
            ),
            None => "new".into(),
        });
    }
    row
}

fn title(breakdown: &Breakdown) -> String {
    let over = match breakdown.window_seconds {
        Some(seconds) => format!(
            " over {} ({}/s)",
            format_value(seconds * 1e9, &Unit::Ns),
            format_value(breakdown.count as f64 / seconds, &Unit::PerSecond).trim_end_matches("/s")
        ),
        None => String::new(),
    };
    format!(
        "where the time goes: {} requests{over}, {} total, by {}",
        breakdown.count,
        ms(breakdown.total),
        breakdown.by.join(", ")
    )
}

fn text(breakdown: &Breakdown) -> String {
    let rows: Vec<Vec<String>> =
        std::iter::once(header(breakdown)).chain(breakdown.groups.iter().map(|g| cells(breakdown, g))).collect();
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let key_columns = breakdown.by.len();
    let mut out = title(breakdown) + "\n\n";
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, width))| {
                let pad = width - cell.chars().count();
                if i < key_columns {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    if with_delta(breakdown) {
        out.push_str("\n▲: p99 interval wholly above the baseline's\n");
    }
    out
}

fn markdown(breakdown: &Breakdown) -> String {
    let header = header(breakdown);
    let mut out = format!("### {}\n\n| {} |\n|{}\n", title(breakdown), header.join(" | "), "---|".repeat(header.len()));
    for group in &breakdown.groups {
        let row: Vec<String> = cells(breakdown, group).iter().map(|c| c.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// Milliseconds in the reports' duration style (`42.2 ms`, `1.29 s`).
fn ms(value: f64) -> String {
    format_value(value * 1e6, &Unit::Ns)
}

fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

fn signed_percent(fraction: f64) -> String {
    format!("{:+.1}%", fraction * 100.0)
}
