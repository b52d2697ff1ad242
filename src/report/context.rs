//! The report's context in markdown: the size of the change, a Mermaid trend
//! chart on main for each series that moved (with this PR's value last), and
//! where the time goes in tagged latency KPIs.

use std::fmt::Write;

use super::mermaid::{trend_chart, TrendHead};
use crate::model::units::{format_change, format_change_interval, format_value};
use crate::model::Unit;
use crate::verdict::context::ChangeSize;
use crate::verdict::{Report, Verdict};

/// Recorded points a trend chart shows.
const TREND_POINTS: usize = 20;

/// `Change size: 3 files, +45 −12 lines since the merge-base`, with a word on large changes that move a KPI.
pub fn change_size_section(report: &Report) -> Option<String> {
    let size: &ChangeSize = report.context.change_size.as_ref()?;
    let mut out = format!(
        "\n**Change size:** {} file{}, +{} −{} lines since the merge-base",
        size.files,
        if size.files == 1 { "" } else { "s" },
        size.insertions,
        size.deletions
    );
    let moved = report.kpis.iter().any(|k| matches!(k.verdict, Verdict::Fail | Verdict::Improved));
    if size.is_large() && moved {
        out.push_str(
            " — a large change that moves a KPI: smaller pull requests show which part moved it, and keep it easy to revert",
        );
    }
    out.push_str("\n\n");
    Some(out)
}

/// One Mermaid chart per trend: the recorded points on main and this PR's value.
pub fn trends_section(report: &Report) -> Option<String> {
    if report.context.trends.is_empty() {
        return None;
    }
    let mut out = String::from("\n#### Trend on main\n\n");
    for trend in &report.context.trends {
        let head =
            trend.comparison_in(&report.kpis).map(|(kpi, comparison)| TrendHead { comparison, budget: &kpi.budget });
        out.push_str(&trend_chart(&trend.series, TREND_POINTS, head));
        out.push('\n');
    }
    Some(out)
}

/// Per latency KPI with tags, the groups taking most of the total time.
pub fn time_shares_section(report: &Report) -> Option<String> {
    if report.context.time_shares.is_empty() {
        return None;
    }
    let mut out = String::from("\n#### Where the time goes\n\n");
    for shares in &report.context.time_shares {
        let _ = writeln!(
            out,
            "Suite **{}**, `{}` by {}, ranked by share of the total time:\n",
            escape(&shares.suite),
            escape(&shares.metric),
            shares.by.join(", ")
        );
        out.push_str("| group | share of time | p99 | Δ p99 |\n|---|---:|---:|---|\n");
        for group in &shares.groups {
            let change = match (group.change, group.ci) {
                (Some(change), Some(ci)) => format!("{} {}", format_change(change), format_change_interval(ci)),
                (Some(change), None) => format_change(change),
                _ => "—".into(),
            };
            let _ = writeln!(
                out,
                "| `{}` | {:.1}% | {} | {change} |",
                escape(&group.group),
                group.share * 100.0,
                format_value(group.p99, &Unit::Ns)
            );
        }
        if shares.others > 0 {
            let _ = writeln!(out, "| _{} more_ | | | |", shares.others);
        }
        out.push('\n');
    }
    Some(out)
}

/// A table cell's text inside backticks: escaped, with no backtick to end the code span.
fn escape(text: &str) -> String {
    super::cells::escape(text).replace('`', "'")
}
