//! Trend charts for PR comments as Mermaid `xychart-beta` blocks (GitHub
//! renders them): one KPI series' last recorded points along main, labelled by
//! short sha, and the pull request's head value as a last point `PR`, on one
//! human scale (`ms`, `MiB`, ...) for the whole chart.

use std::fmt::Write;

use super::axis_range;
use crate::model::history::Series;
use crate::model::units::{format_change, format_value, significant_digits, Scale};

/// The x-axis label of the head's value.
pub const HEAD_LABEL: &str = "PR";
/// Characters of a commit's sha shown on the x axis.
const SHORT_SHA: usize = 7;
/// Significant digits of the values written into the chart.
const DIGITS: i32 = 4;

/// A fenced ```` ```mermaid ```` block charting the `last` recorded points of
/// `series` and, when given, the head's value after them; empty when there is
/// nothing to draw.
pub fn trend_chart(series: &Series, last: usize, head: Option<f64>) -> String {
    let recorded = &series.points[series.points.len().saturating_sub(last)..];
    let mut labels: Vec<String> = recorded.iter().map(|p| short_sha(&p.commit)).collect();
    let mut values: Vec<f64> = recorded.iter().map(|p| p.value).collect();
    if let Some(head) = head.filter(|v| v.is_finite()) {
        labels.push(HEAD_LABEL.into());
        values.push(head);
    }
    if values.is_empty() {
        return String::new();
    }
    let scale = Scale::common(values.iter().copied(), &series.unit);
    let scaled: Vec<f64> = values.iter().map(|v| scale.apply(*v)).collect();
    let (low, high) = axis_range(scaled.iter().copied());
    let number = |v: f64| significant_digits(v, DIGITS);
    let unit = match scale.word() {
        "" => String::new(),
        word => format!(" ({word})"),
    };

    let mut out = String::from("```mermaid\nxychart-beta\n");
    let _ = writeln!(out, "    title \"{}\"", text(&title(series, recorded.last().map(|p| p.value), head)));
    let quoted: Vec<String> = labels.iter().map(|l| format!("\"{}\"", text(l))).collect();
    let _ = writeln!(out, "    x-axis [{}]", quoted.join(", "));
    let _ =
        writeln!(out, "    y-axis \"{}{}\" {} --> {}", text(&series.statistic), text(&unit), number(low), number(high));
    let points: Vec<String> = scaled.iter().map(|v| number(*v)).collect();
    let _ = writeln!(out, "    line [{}]", points.join(", "));
    out.push_str("```\n");
    out
}

/// `parse/json median: PR 1.23 ms, +4.10% vs main`: the benchmark, the statistic, and the head against the last record.
fn title(series: &Series, last_recorded: Option<f64>, head: Option<f64>) -> String {
    let name = format!("{} {}", series.bench, series.statistic);
    match (head, last_recorded) {
        (Some(head), Some(main)) if main != 0.0 => format!(
            "{name}: {HEAD_LABEL} {}, {} vs main",
            format_value(head, &series.unit),
            format_change(head / main - 1.0)
        ),
        (Some(head), _) => format!("{name}: {HEAD_LABEL} {}", format_value(head, &series.unit)),
        (None, _) => format!("{name} along main"),
    }
}

fn short_sha(commit: &str) -> String {
    commit.chars().take(SHORT_SHA).collect()
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
