//! The Mermaid text of trend charts: labels, one scale, the head last, safe quoting.

use super::*;
use crate::report::test_support::series;

#[test]
fn recorded_points_then_the_head_on_one_scale() {
    let series = series("parse/json", &[1.0e6, 1.1e6, 1.05e6, 1.2e6], None);
    let chart = trend_chart(&series, 3, Some(1.25e6));
    insta::assert_snapshot!(chart, @r###"
    ```mermaid
    xychart-beta
        title "parse/json median: PR 1.25 ms, +4.17% vs main"
        x-axis ["c101234", "c201234", "c301234", "PR"]
        y-axis "median (ms)" 1.03 --> 1.27
        line [1.1, 1.05, 1.2, 1.25]
    ```
    "###);
}

#[test]
fn without_a_head_the_chart_shows_main_alone() {
    let chart = trend_chart(&series("b", &[812.0, 815.0], None), 10, None);
    assert!(chart.contains("title \"b median along main\""), "{chart}");
    assert!(chart.contains("x-axis [\"c001234\", \"c101234\"]"), "{chart}");
    assert!(chart.contains("y-axis \"median (ns)\""), "{chart}");
    assert!(chart.contains("line [812, 815]"), "{chart}");
    assert_eq!(trend_chart(&series("b", &[], None), 10, None), "", "nothing to draw");
}

#[test]
fn flat_series_get_a_range_and_zero_stays_the_floor() {
    let chart = trend_chart(&series("b", &[5.0e6, 5.0e6], None), 10, Some(5.0e6));
    assert!(chart.contains("y-axis \"median (ms)\" 4.75 --> 5.25"), "{chart}");
    let chart = trend_chart(&series("b", &[0.0, 100.0], None), 10, None);
    assert!(chart.contains("0 --> 110"), "{chart}");
}

#[test]
fn names_cannot_break_the_quotes_or_the_fence() {
    let chart = trend_chart(&series("say \"hi\" `now` <b>#1;\nnext", &[1.0], None), 10, Some(2.0));
    let title = chart.lines().find(|l| l.contains("title")).unwrap();
    assert_eq!(title, "    title \"say 'hi' 'now' ‹b› 1  next median: PR 2 ns, +100.0% vs main\"");
    assert_eq!(chart.matches("```").count(), 2);
}
