//! `perfgate history` as text, markdown and JSON: per series a sparkline of
//! its points, the latest value and the change points found, each with the
//! commit after which the level moved and the interval of the move.

use std::fmt::Write;

use super::cells::{escape, short};
use super::text::aligned;
use crate::model::history::{ChangePoint, History, Series};
use crate::model::units::{format_change, format_change_interval, format_value};

/// The history in `format` (`text`, `markdown` or `json`).
pub fn render_text(history: &History) -> String {
    let mut out = heading(history);
    out.push('\n');
    for series in &history.series {
        let last = series.points.last().map(|p| format_value(p.value, &series.unit)).unwrap_or_default();
        let _ = writeln!(out, "{} · {} · {}", series.suite, series.bench, series.statistic);
        let _ = writeln!(out, "  {}  {} points, last {last}", sparkline(series), series.points.len());
        if series.change_points.is_empty() {
            out.push_str("  no change points\n\n");
            continue;
        }
        let header = ["commit", "before → after", "change", "interval"].map(String::from);
        let rows: Vec<[String; 4]> =
            std::iter::once(header).chain(series.change_points.iter().map(|c| change_cells(series, c))).collect();
        for line in aligned(&rows, |_| true) {
            let _ = writeln!(out, "  {line}");
        }
        out.push('\n');
    }
    out
}

/// The history as markdown: one table row per series.
pub fn render_markdown(history: &History) -> String {
    let mut out = format!("### {}\n\n", heading(history).trim_end());
    out.push_str("| suite | bench | statistic | trend | last | change points |\n|---|---|---|---|---:|---|\n");
    for series in &history.series {
        let last = series.points.last().map(|p| format_value(p.value, &series.unit)).unwrap_or_default();
        let changes: Vec<String> = series
            .change_points
            .iter()
            .map(|c| format!("`{}` {}", short(&c.commit), format_change(c.change)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {last} | {} |",
            escape(&series.suite),
            escape(&series.bench),
            series.statistic,
            sparkline(series),
            if changes.is_empty() { "—".to_string() } else { changes.join(", ") }
        );
    }
    out
}

/// The history as versioned JSON.
pub fn render_json(history: &History) -> String {
    serde_json::to_string_pretty(history).unwrap_or_default() + "\n"
}

fn heading(history: &History) -> String {
    let changes: usize = history.series.iter().map(|s| s.change_points.len()).sum();
    format!(
        "perfgate history at {}: {} series, {} of {} commits recorded, {changes} change point{}\n",
        short(&history.rev),
        history.series.len(),
        history.recorded,
        history.commits,
        if changes == 1 { "" } else { "s" }
    )
}

fn change_cells(series: &Series, change: &ChangePoint) -> [String; 4] {
    [
        short(&change.commit).to_string(),
        format!("{} → {}", format_value(change.before, &series.unit), format_value(change.after, &series.unit)),
        format_change(change.change),
        format_change_interval(change.ci),
    ]
}

/// The points as a line of block characters, lowest to highest: `▁▂▃▄▅▆▇█`.
pub fn sparkline(series: &Series) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let values: Vec<f64> = series.points.iter().map(|p| p.value).collect();
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    values
        .iter()
        .map(|v| {
            let level = if hi > lo { ((v - lo) / (hi - lo) * 7.0).round() as usize } else { 3 };
            BLOCKS[level.min(7)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::history::Point;
    use crate::model::{Direction, Unit};

    fn history() -> History {
        let points = [10.0, 10.1, 9.9, 12.0, 12.1]
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                commit: format!("{i}{}", "a".repeat(39)),
                position: i,
                time: 0,
                value: v * 1e3,
                n: 10,
                std_error: None,
            })
            .collect();
        let change = ChangePoint {
            commit: format!("3{}", "a".repeat(39)),
            index: 3,
            before: 10e3,
            after: 12.05e3,
            change: 0.205,
            ci: [0.18, 0.23],
            p_value: 0.001,
        };
        History {
            schema: 1,
            rev: "f".repeat(40),
            commits: 6,
            recorded: 5,
            series: vec![Series {
                suite: "micro".into(),
                bench: "parse|json".into(),
                statistic: "median".into(),
                unit: Unit::Ns,
                direction: Direction::LowerIsBetter,
                points,
                change_points: vec![change],
            }],
        }
    }

    #[test]
    fn text_shows_a_sparkline_and_each_change_point_with_its_interval() {
        let text = render_text(&history());
        assert!(
            text.starts_with("perfgate history at ffffffffff: 1 series, 5 of 6 commits recorded, 1 change point\n"),
            "{text}"
        );
        assert!(text.contains("  ▁▂▁██  5 points, last 12.1 µs"), "{text}");
        assert!(text.contains("3aaaaaaaaa  10 µs → 12.1 µs"), "{text}");
        assert!(text.contains("+20.5%"), "{text}");
    }

    #[test]
    fn markdown_escapes_cells_and_json_round_trips() {
        let markdown = render_markdown(&history());
        assert!(
            markdown.contains("| micro | `parse\\|json` | median | ▁▂▁██ | 12.1 µs | `3aaaaaaaaa` +20.5% |"),
            "{markdown}"
        );
        let back: History = serde_json::from_str(&render_json(&history())).unwrap();
        assert_eq!(back, history());
    }
}
