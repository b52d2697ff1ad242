//! The Mermaid text of trend charts: positions on the x-axis with the commits under the chart,
//! the line's own colours, the y-axis spanning the budget band, the change point as segment
//! levels, the title agreeing with the comparison's row, one scale, safe quoting.

use super::*;
use crate::model::history::Point;
use crate::report::test_support::{comparison, series};
use crate::verdict::Verdict;

fn budget(percent: f64) -> Budget {
    Budget { max_regression: Some(percent / 100.0), text: format!("+{percent}%"), ..Budget::default() }
}

#[test]
fn recorded_points_then_the_head_on_one_scale() {
    let series = series("parse/json", &[1.0e6, 1.1e6, 1.05e6, 1.2e6], None);
    let row = comparison("parse/json", Verdict::Fail, 1.1e6, 1.25e6, [0.1, 0.2]);
    let head = TrendHead { comparison: &row, budget: &budget(3.0) };
    let chart = trend_chart(&series, 3, Some(head));
    insta::assert_snapshot!(chart, @r###"
    ```mermaid
    %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f6feb, #d29922"}}}}%%
    xychart-beta
        title "parse/json median: PR 1.25 ms, +13.6% vs the baseline"
        x-axis ["1", "2", "3", "PR"]
        y-axis "median (ms)" 1.03 --> 1.27
        line [1.1, 1.05, 1.2, 1.25]
    ```
    <sub>Commits on main, oldest first: 1 `c101234` · 2 `c201234` · 3 `c301234`.</sub>
    "###);
}

/// The title's change is the comparison's estimate, shown as its row shows it, not the raw head
/// against the last recorded point (which would be +4.17 % here).
#[test]
fn the_title_says_the_change_the_row_says() {
    let series = series("parse/json", &[1.0e6, 1.2e6], None);
    let mut row = comparison("parse/json", Verdict::Fail, 1.1e6, 1.25e6, [0.1, 0.2]);
    row.change = Some(0.147);
    let chart = trend_chart(&series, 20, Some(TrendHead { comparison: &row, budget: &budget(3.0) }));
    let cells = Cells::of(&row);
    assert!(chart.contains(&format!("{}, {} vs the baseline", cells.head, cells.change)), "{chart}");
    assert!(chart.contains("+14.7%") && !chart.contains("+4.17%"), "{chart}");
}

/// Twenty recorded points: the x-axis has positions of at most two characters, and every commit
/// is named under the chart.
#[test]
fn twenty_commits_are_positions_with_their_shas_under_the_chart() {
    let values: Vec<f64> = (0..20).map(|i| 1000.0 + i as f64).collect();
    let series = series("b", &values, None);
    let chart = trend_chart(&series, 20, None);
    let axis = chart.lines().find(|l| l.contains("x-axis")).unwrap();
    let labels: Vec<&str> = axis[axis.find('[').unwrap() + 1..axis.rfind(']').unwrap()].split(", ").collect();
    assert_eq!(labels.len(), 20);
    assert!(labels.iter().all(|l| l.trim_matches('"').len() <= 2), "{axis}");
    let caption = chart.lines().last().unwrap();
    for point in &series.points {
        assert!(caption.contains(&point.commit[..7]), "{caption}");
    }
}

/// A flat series whose points move ±1.5 % against a 5 % budget: the y-axis spans at least the
/// budget band around the baseline, so the noise fills a small part of the chart.
#[test]
fn the_y_axis_spans_the_budget_band_around_the_baseline() {
    let values = [1000.0, 1015.0, 985.0, 1010.0, 990.0];
    let series = series("b", &values, None);
    let row = comparison("b", Verdict::Pass, 1000.0, 1005.0, [-0.01, 0.02]);
    let chart = trend_chart(&series, 20, Some(TrendHead { comparison: &row, budget: &budget(5.0) }));
    let axis = chart.lines().find(|l| l.contains("y-axis")).unwrap();
    assert!(axis.contains("(µs)"), "{axis}");
    let ends: Vec<f64> = axis.split("\" ").nth(1).unwrap().split(" --> ").map(|v| v.parse().unwrap()).collect();
    assert!(ends[0] <= 0.95 && ends[1] >= 1.05, "{axis}");
    let spread = 1.015 - 0.985;
    assert!(spread / (ends[1] - ends[0]) < 0.35, "the noise fills less than a third of the axis: {axis}");
}

/// The change point `history` found is a second line of segment levels, named under the chart.
#[test]
fn a_change_point_is_drawn_as_segment_levels_and_named() {
    let values = [1.20e6, 1.21e6, 1.19e6, 1.34e6, 1.35e6];
    let series = series("b", &values, Some(3));
    let row = comparison("b", Verdict::Pass, 1.35e6, 1.36e6, [-0.01, 0.02]);
    let chart = trend_chart(&series, 20, Some(TrendHead { comparison: &row, budget: &budget(3.0) }));
    let lines: Vec<&str> = chart.lines().filter(|l| l.trim_start().starts_with("line [")).collect();
    assert_eq!(lines.len(), 2, "{chart}");
    assert_eq!(lines[1].trim(), "line [1.19, 1.19, 1.19, 1.34, 1.34, 1.34]", "before, after, and on to the PR");
    let caption = chart.lines().last().unwrap();
    assert!(caption.contains("Change point at 4 (`c301234`): +12.6%"), "{caption}");
    // Without one, a single line.
    let flat = trend_chart(&self::series("b", &values, None), 20, None);
    assert_eq!(flat.matches("line [").count(), 1);
}

#[test]
fn the_lines_have_colours_of_their_own() {
    let chart = trend_chart(&series("b", &[1.0, 2.0], None), 10, None);
    assert!(chart.lines().nth(1).unwrap().starts_with("%%{init:"), "{chart}");
    assert!(chart.contains("\"plotColorPalette\": \"#1f6feb, #d29922\""), "{chart}");
}

#[test]
fn without_a_head_the_chart_shows_main_alone() {
    let chart = trend_chart(&series("b", &[812.0, 815.0], None), 10, None);
    assert!(chart.contains("title \"b median along main\""), "{chart}");
    assert!(chart.contains("x-axis [\"1\", \"2\"]"), "{chart}");
    assert!(chart.contains("y-axis \"median (ns)\""), "{chart}");
    assert!(chart.contains("line [812, 815]"), "{chart}");
    assert_eq!(trend_chart(&series("b", &[], None), 10, None), "", "nothing to draw");
}

#[test]
fn flat_series_get_a_range_and_zero_stays_the_floor() {
    let chart = trend_chart(&series("b", &[5.0e6, 5.0e6], None), 10, None);
    assert!(chart.contains("y-axis \"median (ms)\" 4.75 --> 5.25"), "{chart}");
    let chart = trend_chart(&series("b", &[0.0, 100.0], None), 10, None);
    assert!(chart.contains("0 --> 110"), "{chart}");
}

#[test]
fn names_cannot_break_the_quotes_or_the_fence() {
    let name = "say \"hi\" `now` <b>#1;\nnext";
    let row = comparison(name, Verdict::Fail, 1.0, 2.0, [0.9, 1.1]);
    let chart =
        trend_chart(&series(name, &[1.0], None), 10, Some(TrendHead { comparison: &row, budget: &budget(3.0) }));
    let title = chart.lines().find(|l| l.contains("title")).unwrap();
    assert_eq!(title, "    title \"say 'hi' 'now' ‹b› 1  next median: PR 2 ns, +100.0% vs the baseline\"");
    assert_eq!(chart.matches("```").count(), 2);
}

/// Shas that are not hex (a damaged note) cannot put markup in the caption.
#[test]
fn the_caption_shows_only_hex_digits_of_a_sha() {
    let mut series = series("b", &[1.0], None);
    series.points[0] = Point { commit: "<script>`".into(), ..series.points[0].clone() };
    let chart = trend_chart(&series, 10, None);
    assert!(chart.contains("1 `c`"), "{chart}");
}
