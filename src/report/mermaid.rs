//! Trend charts for PR comments as Mermaid `xychart-beta` blocks (GitHub and
//! GitLab render them): one KPI series' last recorded points along main and
//! the pull request's head value as a last point `PR`, on one human scale
//! (`ms`, `MiB`, ...) for the whole chart.
//!
//! Made to read at a glance in a comment about 960 px wide: the x-axis shows
//! positions (1, 2, ... and `PR`), with the commits in a line under the chart;
//! the line has a colour of its own that reads on light and dark themes; the
//! y-axis spans at least the budget band around the baseline, so that noise
//! looks like noise; a change point that `history` finds is drawn as a second
//! line of segment levels and named under the chart. The title's change is
//! the comparison's, as its row in the table shows it.

use std::fmt::Write;

use super::axis_range;
use super::cells::Cells;
use crate::model::history::{ChangePoint, Series};
use crate::model::units::{format_change, format_change_interval, significant_digits, Scale};
use crate::verdict::outcome::Budget;
use crate::verdict::Comparison;

/// The x-axis label of the head's value.
pub const HEAD_LABEL: &str = "PR";
/// Characters of a commit's sha shown under the chart.
const SHORT_SHA: usize = 7;
/// Significant digits of the values written into the chart.
const DIGITS: i32 = 4;
/// The colours of the lines, in order: the series, then its segment levels. Mid-tone blue and
/// amber read on GitHub's and GitLab's light and dark backgrounds alike.
const PALETTE: &str = "#1f6feb, #d29922";

/// What a trend chart shows of the pull request: the comparison of the series (its head value
/// and change, as its row shows them) and the KPI's budget (its band around the baseline).
#[derive(Clone, Copy)]
pub struct TrendHead<'a> {
    pub comparison: &'a Comparison,
    pub budget: &'a Budget,
}

/// A fenced ```` ```mermaid ```` block charting the `last` recorded points of `series` and, when
/// given, the head's value after them, then a line naming the commits (and the change point);
/// empty when there is nothing to draw.
pub fn trend_chart(series: &Series, last: usize, head: Option<TrendHead>) -> String {
    let skipped = series.points.len().saturating_sub(last);
    let recorded = &series.points[skipped..];
    let head_value = head.and_then(|h| h.comparison.head).filter(|v| v.is_finite());
    let mut values: Vec<f64> = recorded.iter().map(|p| p.value).collect();
    values.extend(head_value);
    if values.is_empty() {
        return String::new();
    }
    let change_point = series.change_points.iter().rev().find(|c| c.index >= skipped && c.index > 0);
    let levels = segment_levels(series, skipped, head_value.is_some());
    let scale = Scale::common(values.iter().copied(), &series.unit);
    let scaled = |values: &[f64]| -> Vec<f64> { values.iter().map(|v| scale.apply(*v)).collect() };
    let band = head.map(|h| budget_band(h.comparison, h.budget)).unwrap_or_default();
    let (low, high) = axis_range(scaled(&values).into_iter().chain(scaled(&band)));
    let number = |v: f64| significant_digits(v, DIGITS);
    let numbers = |values: &[f64]| scaled(values).iter().map(|v| number(*v)).collect::<Vec<_>>().join(", ");
    let unit = match scale.word() {
        "" => String::new(),
        word => format!(" ({word})"),
    };
    let mut labels: Vec<String> = (1..=recorded.len()).map(|i| format!("\"{i}\"")).collect();
    if head_value.is_some() {
        labels.push(format!("\"{HEAD_LABEL}\""));
    }

    let mut out = String::from("```mermaid\n");
    let _ =
        writeln!(out, "%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{PALETTE}\"}}}}}}}}%%");
    out.push_str("xychart-beta\n");
    let _ = writeln!(out, "    title \"{}\"", text(&title(series, head)));
    let _ = writeln!(out, "    x-axis [{}]", labels.join(", "));
    let _ =
        writeln!(out, "    y-axis \"{}{}\" {} --> {}", text(&series.statistic), text(&unit), number(low), number(high));
    let _ = writeln!(out, "    line [{}]", numbers(&values));
    if let (Some(_), Some(levels)) = (change_point, &levels) {
        let _ = writeln!(out, "    line [{}]", numbers(levels));
    }
    out.push_str("```\n");
    out.push_str(&caption(recorded.iter().map(|p| p.commit.as_str()), change_point.map(|c| (c, c.index - skipped))));
    out
}

/// `parse/json median: PR 1.23 ms, +4.10% vs the baseline`: the benchmark, the statistic, and
/// the head's value and change as the comparison's row shows them.
fn title(series: &Series, head: Option<TrendHead>) -> String {
    let name = format!("{} {}", series.bench, series.statistic);
    let Some(comparison) = head.map(|h| h.comparison).filter(|c| c.head.is_some_and(f64::is_finite)) else {
        return format!("{name} along main");
    };
    let cells = Cells::of(comparison);
    match comparison.change {
        Some(_) => format!("{name}: {HEAD_LABEL} {}, {} vs the baseline", cells.head, cells.change),
        None => format!("{name}: {HEAD_LABEL} {}", cells.head),
    }
}

/// The values the y-axis must span so that a change reads against the budget: the baseline and,
/// with a relative budget, the band of that size around it; the absolute bounds.
fn budget_band(comparison: &Comparison, budget: &Budget) -> Vec<f64> {
    let mut band: Vec<f64> = [budget.max, budget.min].into_iter().flatten().collect();
    if let Some(base) = comparison.base.filter(|b| b.is_finite()) {
        band.push(base);
        if let Some(tau) = budget.max_regression {
            band.extend([base * (1.0 - tau), base * (1.0 + tau)]);
        }
    }
    band
}

/// The level of each shown point's segment between the change points `history` found (and the
/// last segment's for the head); None without a change point.
fn segment_levels(series: &Series, skipped: usize, with_head: bool) -> Option<Vec<f64>> {
    let first = series.change_points.first()?;
    let level_at =
        |index: usize| series.change_points.iter().rev().find(|c| c.index <= index).map_or(first.before, |c| c.after);
    let mut levels: Vec<f64> = (skipped..series.points.len()).map(level_at).collect();
    if with_head {
        levels.push(level_at(series.points.len()));
    }
    Some(levels)
}

/// The line under the chart: which commit each position is, and the change point's size.
fn caption<'a>(commits: impl Iterator<Item = &'a str>, change_point: Option<(&ChangePoint, usize)>) -> String {
    let commits: Vec<String> = commits.enumerate().map(|(i, sha)| format!("{} `{}`", i + 1, short_sha(sha))).collect();
    let mut out = format!("<sub>Commits on main, oldest first: {}", commits.join(" · "));
    if let Some((change, position)) = change_point {
        let _ = write!(
            out,
            ". Change point at {} (`{}`): {} {}, the second line's step",
            position + 1,
            short_sha(&change.commit),
            format_change(change.change),
            format_change_interval(change.ci)
        );
    }
    out.push_str(".</sub>\n");
    out
}

fn short_sha(commit: &str) -> String {
    commit.chars().filter(char::is_ascii_hexdigit).take(SHORT_SHA).collect()
}

/// Text Mermaid takes inside double quotes, and that cannot end the markdown fence: no quotes, backticks,
/// markup or entity codes (`#…;`), one line.
fn text(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '"' | '`' => '\'',
            '<' => '‹',
            '>' => '›',
            '#' | ';' | '\\' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
#[path = "mermaid_tests.rs"]
mod tests;
