//! The HTML page: self-contained, one distribution chart per comparison that has one, trends where they
//! match, anchors named, text escaped; and the history page.

use super::*;
use crate::model::history::History;
use crate::report::test_support::{sample_report, series, trend_in};
use crate::verdict::Distribution;

/// The sample report with both sides' quantiles on every relative comparison (the first KPI's three).
fn report_with_distributions() -> Report {
    let mut report = sample_report();
    for comparison in &mut report.kpis[0].comparisons {
        let (base, head) = (comparison.base.unwrap(), comparison.head.unwrap());
        let spread = |center: f64| (0..Distribution::LEVELS).map(|i| center * (0.9 + 0.01 * i as f64)).collect();
        comparison.distribution = Some(Distribution { base: spread(base), head: spread(head) });
    }
    report
}

/// Every `src=`, `href=` and `url(` target of the page.
fn resource_references(page: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    for opener in ["src=\"", "href=\"", "src='", "href='", "url("] {
        for (at, _) in page.match_indices(opener) {
            let rest = &page[at + opener.len()..];
            let end = rest.find(['"', '\'', ')']).unwrap_or(rest.len());
            targets.push(rest[..end].trim());
        }
    }
    targets
}

fn svgs(page: &str) -> Vec<&str> {
    page.match_indices("<svg").map(|(start, _)| &page[start..start + page[start..].find("</svg>").unwrap()]).collect()
}

/// The polylines of an SVG in `color` that draw something (non-empty `points`).
fn drawn_lines(svg: &str, color: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .filter(|line| line.contains(&format!("stroke=\"{color}\"")))
        .filter(|line| line.split("points=\"").nth(1).is_some_and(|p| !p.starts_with('"')))
        .count()
}

const BASE: &str = "#969696";
const HEAD: &str = "#1F6FEB";

/// The texts of an SVG (plotters writes each on its own line).
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim()).collect()
}

fn has_text(svg: &str, text: &str) -> bool {
    texts(svg).contains(&text)
}

#[test]
fn the_page_makes_no_network_requests() {
    let mut report = report_with_distributions();
    report.context.trends.push(trend_in(&report, series("parse/small", &[800.0, 805.0, 900.0], Some(2))));
    for page in [Html.render(&report), history_page(&history())] {
        for target in resource_references(&page) {
            assert!(!target.contains("//"), "the page loads {target:?}");
        }
        assert!(!page.contains("<script"), "no scripts needed");
        assert!(page.contains("<style>"), "the CSS is inline");
    }
}

#[test]
fn each_comparison_with_a_distribution_gets_its_chart() {
    let page = Html.render(&report_with_distributions());
    let charts = svgs(&page);
    assert_eq!(charts.len(), 3, "one per comparison with a distribution, none for the others");
    for chart in charts {
        assert_eq!(drawn_lines(chart, BASE), 2, "the base's CDF and its legend line: {chart}");
        assert_eq!(drawn_lines(chart, HEAD), 2, "the head's CDF and its legend line");
        assert!(has_text(chart, "share of values ≤ x"), "the y axis is titled");
        assert!(has_text(chart, "head") && has_text(chart, "baseline"), "the legend names the sides");
    }
    assert!(has_text(&page, "time (µs)"), "the x axis in the human unit of parse/small");
    assert!(has_text(&page, "time (ms)"), "and of parse/large");
}

#[test]
fn a_base_without_values_draws_the_head_alone() {
    let mut report = report_with_distributions();
    report.kpis[0].comparisons[0].distribution.as_mut().unwrap().base.clear();
    let page = Html.render(&report);
    assert_eq!(drawn_lines(svgs(&page)[0], BASE), 0);
    assert_eq!(drawn_lines(svgs(&page)[0], HEAD), 2, "the head's CDF and its legend line");
}

#[test]
fn headline_and_tables_are_there_and_text_is_escaped() {
    let mut report = report_with_distributions();
    report.kpis[0].comparisons[0].bench = "parse/<script>alert(1)</script>".into();
    let page = Html.render(&report);
    assert!(page.contains("<h1 class=\"fail\">perfgate: fail — 3 KPIs: 1 failed"), "{page}");
    assert!(page.contains("parse/&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>"));
    assert!(page.contains("<td class=\"num\">612 ms</td><td class=\"num\">—</td><td>[598 ms, 640 ms]</td><td class=\"status\">✓ pass</td>"), "{page}");
    assert!(page.contains("<code>parse/large | huge</code>"));
    assert!(page.contains("about 120 samples per side would settle it"));
    assert!(page.contains("<footer>baseline: base.json (file) · <code>0123456789</code> → <code>fedcba9876</code>"));
}

#[test]
fn comparisons_against_the_anchor_say_so() {
    let mut report = report_with_distributions();
    report.kpis[0].comparisons[1].against = Against::Anchor;
    let page = Html.render(&report);
    assert!(page.contains("<code>parse/large | huge</code> <span class=\"tag\">vs anchor</span>"), "{page}");
    assert!(page.contains("parse/large | huge (vs anchor): values on the anchor and on the head"));
    assert!(has_text(&page, "anchor"), "the legend names the anchor");
}

#[test]
fn a_matching_trend_is_drawn_with_its_change_points_and_the_head() {
    let mut report = report_with_distributions();
    report.context.trends.push(trend_in(&report, series("parse/small", &[800.0, 805.0, 900.0], Some(2))));
    report.context.trends.push(trend_in(&report, series("not/compared", &[1.0, 2.0], None)));
    let page = Html.render(&report);
    assert_eq!(svgs(&page).len(), 4, "three distributions and one trend");
    assert!(page.contains("parse/small: median along main, then the head"));
    let trend = svgs(&page)[1];
    assert!(has_text(trend, "+11.8%"), "the change point's change: {trend}");
    assert!(has_text(trend, "c001234") && has_text(trend, "head"), "commits and the head label");
}

fn history() -> History {
    History {
        schema: 1,
        rev: "fedcba9876543210".into(),
        commits: 12,
        recorded: 6,
        series: vec![
            series("parse/<json>", &[1.0e6, 1.02e6, 0.99e6, 1.3e6, 1.31e6, 1.29e6], Some(3)),
            series("flat", &[5.0, 5.0], None),
        ],
    }
}

#[test]
fn the_history_page_draws_every_series_and_lists_its_change_points() {
    let page = history_page(&history());
    assert_eq!(svgs(&page).len(), 2);
    assert!(page.contains("micro · parse/&lt;json&gt; <small>median</small>"));
    assert!(page.contains("6 of the 12 commits up to <code>fedcba9876</code> have a record"));
    assert!(page.contains("<td class=\"num\">+31.3%</td>"), "the change point's row: {page}");
    assert!(page.contains("No lasting change of level."));
    assert!(has_text(svgs(&page)[0], "median (ms)"));
}
