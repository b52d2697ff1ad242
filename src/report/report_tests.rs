//! Renderer snapshots on a hand-made report (independent of the statistics),
//! plus the properties that matter: marker, verdict first, size cap, JSON round trip.

use super::markdown::{Markdown, GITHUB_COMMENT_LIMIT, MARKER};
use super::test_support::{comparison, sample_report, series, trend_in};
use super::*;
use crate::verdict::outcome::Measuring;

#[test]
fn text_report_snapshot() {
    insta::assert_snapshot!(text::Text { color: false }.render(&sample_report()));
}

#[test]
fn markdown_report_snapshot() {
    let markdown = Markdown { run_url: Some("https://github.com/o/r/actions/runs/1".into()), ..Markdown::default() };
    insta::assert_snapshot!(markdown.render(&sample_report()));
}

#[test]
fn json_report_snapshot_and_round_trip() {
    let json = json::Json.render(&sample_report());
    insta::assert_snapshot!(json);
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, sample_report());
}

#[test]
fn markdown_leads_with_marker_and_verdict_and_escapes_pipes() {
    let text = Markdown::default().render(&sample_report());
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(MARKER));
    assert!(lines.next().unwrap().starts_with("### ❌ perfgate: fail — 3 KPIs: 1 failed"));
    assert!(text.contains("parse/large \\| huge"), "pipes in names must not break the table");
    assert!(text.contains("<details>"));
}

#[test]
fn markdown_stays_under_the_size_cap_by_dropping_details_first() {
    let mut report = sample_report();
    let template = report.kpis[0].clone();
    for i in 0..400 {
        let mut kpi = template.clone();
        kpi.name = format!("kpi {i}");
        for j in 0..30 {
            kpi.comparisons.push(comparison(
                &format!("bench/{j}/with/a/long/name"),
                Verdict::Pass,
                1.0,
                1.0,
                [0.0, 0.0],
            ));
        }
        report.kpis.push(kpi);
    }
    let markdown = Markdown { max_chars: 60_000, ..Markdown::default() };
    let text = markdown.render(&report);
    assert!(text.chars().count() <= 60_000, "{} chars", text.chars().count());
    assert!(text.contains("left out to stay under GitHub's comment size limit"));
    // The KPI table itself is complete: every KPI has its row.
    assert!(text.contains("| kpi 399"));
}

#[test]
fn a_suite_of_any_size_fits_the_comment_limit_collapsed_then_truncated() {
    let mut report = sample_report();
    let template = report.kpis[0].clone();
    // 5 000 KPIs: their table alone is far beyond GitHub's limit.
    for i in 0..5_000 {
        let mut kpi = template.clone();
        kpi.name = format!("kpi {i} with a name long enough to matter");
        report.kpis.push(kpi);
    }
    let values: Vec<f64> = (0..20).map(|i| 1_000.0 + f64::from(i)).collect();
    report.context.trends = (0..8).map(|i| trend_in(&report, series(&format!("parse/{i}"), &values, None))).collect();
    let text = Markdown::default().render(&report);
    let chars = text.chars().count();
    assert!(chars < GITHUB_COMMENT_LIMIT, "{chars} chars");
    assert!(text.starts_with(MARKER), "the sticky marker survives");
    assert!(text.contains("more line(s) of this table left out to stay under GitHub's comment size limit"));
    assert!(
        text.contains("Left out to stay under GitHub's comment size limit: the trend charts"),
        "{}",
        &text[text.len() - 2_000..]
    );
    assert!(text.trim_end().ends_with("</sub>"), "the footer is kept");

    // A small report keeps its charts.
    let mut small = sample_report();
    small.context.trends = report.context.trends.clone();
    let text = Markdown::default().render(&small);
    assert_eq!(text.matches("```mermaid").count(), 8);
}

#[test]
fn rounds_say_how_many_how_long_and_why_they_ended() {
    let mut report = sample_report();
    report.measuring = Some(Measuring {
        rounds: 14,
        max_rounds: 22,
        stop: Stop::TimeBudget,
        undecided: 3,
        time_budget: 900.0,
        seconds: 874.0,
        build_seconds: 61.0,
        suites: Vec::new(),
    });
    report.kpis[0].rounds = Some(14);
    report.kpis[0].seconds = Some(430.0);
    let text = text::Text { color: false }.render(&report);
    assert!(
        text.contains("rounds: stopped after 14 rounds: time budget spent, 3 inconclusive (14.6 min of the 15.0 min time budget; listing and building 61 s)"),
        "{text}"
    );
    assert!(text.contains("budget +3% · 14 rounds, 7.2 min"), "{text}");
    let markdown = Markdown::default().render(&report);
    assert!(markdown.contains("stopped after 14 rounds: time budget spent"), "{markdown}");
    report.measuring.as_mut().unwrap().stop = Stop::AllDecided;
    assert!(text::Text { color: false }.render(&report).contains("rounds: stopped after 14 rounds: all decided ("));
    let back: Report = serde_json::from_str(&json::Json.render(&report)).unwrap();
    assert_eq!(back, report, "rounds round-trip through the JSON report");
}
