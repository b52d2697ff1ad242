//! Renderer snapshots on a hand-made report (independent of the statistics),
//! plus the properties that matter: marker, verdict first, size cap, JSON round trip.

use super::markdown::{Markdown, MARKER};
use super::*;
use crate::config::Level;
use crate::model::{Direction, Unit};
use crate::verdict::outcome::{Against, BaselineInfo, Budget, GitInfo, Measuring, NoiseInfo, Settings};

fn comparison(bench: &str, verdict: Verdict, base: f64, head: f64, ci: [f64; 2]) -> Comparison {
    Comparison {
        bench: bench.into(),
        verdict,
        unit: Unit::Ns,
        base: Some(base),
        head: Some(head),
        head_ci: None,
        change: Some(head / base - 1.0),
        ci: Some(ci),
        p_value: Some(0.001),
        q_value: Some(0.004),
        n_base: 30,
        n_head: 30,
        method: "hodges-lehmann, suite-relative".into(),
        settle: None,
        disturbed: None,
        reason: format!("interval {ci:?} vs the 3% budget"),
        against: Against::Base,
        distribution: None,
    }
}

fn sample_report() -> Report {
    let mut inconclusive = comparison("parse/json", Verdict::Inconclusive, 2_000.0, 2_070.0, [0.01, 0.06]);
    inconclusive.settle = Some("about 120 samples per side would settle it".into());
    let micro = KpiOutcome {
        name: "parsing does not regress".into(),
        suite: "micro".into(),
        verdict: Verdict::Fail,
        level: Level::Error,
        primary: false,
        statistic: "median".into(),
        direction: Direction::LowerIsBetter,
        budget: Budget { max_regression: Some(0.03), text: "+3%".into(), ..Budget::default() },
        line: 24,
        config: "perf-budget.toml".into(),
        overridden: false,
        comparisons: vec![
            comparison("parse/small", Verdict::Pass, 812.0, 815.0, [-0.01, 0.012]),
            comparison("parse/large | huge", Verdict::Fail, 1_230_000.0, 1_400_000.0, [0.11, 0.16]),
            inconclusive,
        ],
        run_noise: Some(NoiseInfo { common_shift: 0.012, between_sd: 0.011, from_suite: true, benchmarks: 3 }),
        rounds: None,
        seconds: None,
    };
    let p99 = KpiOutcome {
        name: "GET requests p99 under 1s".into(),
        suite: "api".into(),
        verdict: Verdict::Pass,
        level: Level::Error,
        primary: true,
        statistic: "p99".into(),
        direction: Direction::LowerIsBetter,
        budget: Budget { max: Some(1e9), text: "≤ 1 s".into(), ..Budget::default() },
        line: 31,
        config: "perf-budget.toml".into(),
        overridden: false,
        comparisons: vec![Comparison {
            bench: "latency{method=GET}".into(),
            verdict: Verdict::Pass,
            unit: Unit::Ns,
            base: None,
            head: Some(612e6),
            head_ci: Some([598e6, 640e6]),
            change: None,
            ci: None,
            p_value: None,
            q_value: None,
            n_base: 0,
            n_head: 15_000,
            method: String::new(),
            settle: None,
            disturbed: None,
            reason: "absolute budget: pass".into(),
            against: Against::Base,
            distribution: None,
        }],
        run_noise: None,
        rounds: None,
        seconds: None,
    };
    let errors = KpiOutcome {
        name: "error rate".into(),
        suite: "api".into(),
        verdict: Verdict::NoBaseline,
        level: Level::Warn,
        primary: false,
        statistic: "rate".into(),
        direction: Direction::LowerIsBetter,
        budget: Budget { max_regression: Some(0.1), text: "+10%".into(), ..Budget::default() },
        line: 40,
        config: "perf-budget.toml".into(),
        overridden: false,
        comparisons: vec![Comparison {
            bench: "errors".into(),
            verdict: Verdict::NoBaseline,
            unit: Unit::Ratio,
            base: None,
            head: Some(0.0031),
            head_ci: None,
            change: None,
            ci: None,
            p_value: None,
            q_value: None,
            n_base: 0,
            n_head: 15_000,
            method: String::new(),
            settle: None,
            disturbed: None,
            reason: "no baseline for this series".into(),
            against: Against::Base,
            distribution: None,
        }],
        run_noise: None,
        rounds: None,
        seconds: None,
    };
    Report {
        schema: 1,
        verdict: CheckVerdict::Fail,
        git: GitInfo {
            base_commit: Some("0123456789abcdef".into()),
            head_commit: Some("fedcba9876543210".into()),
            head_dirty: true,
            ..GitInfo::default()
        },
        baseline: BaselineInfo { source: "file".into(), description: "base.json".into() },
        settings: Settings { confidence: 0.95, fdr: 0.05, seed: 0x5EED, run_noise: 0.02 },
        kpis: vec![micro, p99, errors],
        notes: vec!["Suite \"micro\" moved +1.20% as a whole between the runs.".into()],
        warnings: vec![],
        override_label: None,
        measuring: None,
        shard: None,
    }
}

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
