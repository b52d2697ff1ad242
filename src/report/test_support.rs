//! Hand-made reports and series for the renderers' tests, independent of the statistics.

use crate::config::Level;
use crate::model::history::{ChangePoint, Point, Series};
use crate::model::{Direction, Unit};
use crate::verdict::outcome::{Against, BaselineInfo, Budget, Footing, GitInfo, NoiseFrom, NoiseInfo, Settings};
use crate::verdict::{CheckVerdict, Comparison, KpiOutcome, Report, Verdict};

/// A relative comparison in nanoseconds, 30 samples per side.
pub fn comparison(bench: &str, verdict: Verdict, base: f64, head: f64, ci: [f64; 2]) -> Comparison {
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
        method: crate::verdict::method::Method::parse("hodges-lehmann, suite-relative"),
        settle: None,
        disturbed: None,
        reason: crate::verdict::Reason::new(format!("interval {ci:?} vs the 3% budget")),
        against: Against::Base,
        distribution: None,
    }
}

/// A failing check of three KPIs: relative (three benchmarks, one with a pipe in its name), absolute p99, no baseline.
pub fn sample_report() -> Report {
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
        footing: Some(Footing {
            single_runs: 3,
            noise: Some([0.011, 0.011]),
            noise_from: Some(NoiseFrom::Suite),
            ..Footing::default()
        }),
        counted: None,
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
            method: None,
            settle: None,
            disturbed: None,
            reason: crate::verdict::Reason::new("absolute budget: pass"),
            against: Against::Base,
            distribution: None,
        }],
        run_noise: None,
        rounds: None,
        seconds: None,
        footing: None,
        counted: None,
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
            method: None,
            settle: None,
            disturbed: None,
            reason: crate::verdict::Reason::new("no baseline for this series"),
            against: Against::Base,
            distribution: None,
        }],
        run_noise: None,
        rounds: None,
        seconds: None,
        footing: None,
        counted: None,
    };
    Report {
        schema: 1,
        verdict: CheckVerdict::Fail,
        git: GitInfo {
            base_commit: Some(commit("0123456789abcdef0123456789abcdef01234567")),
            head_commit: Some(commit("fedcba9876543210fedcba9876543210fedcba98")),
            head_dirty: true,
            ..GitInfo::default()
        },
        baseline: BaselineInfo { source: crate::config::BaselineSource::File, description: "base.json".into() },
        settings: Settings { confidence: 0.95, fdr: 0.05, seed: 0x5EED, run_noise: 0.02 },
        kpis: vec![micro, p99, errors],
        notes: vec!["Suite \"micro\" moved +1.20% as a whole between the runs.".into()],
        warnings: vec![],
        override_label: None,
        measuring: None,
        shard: None,
        context: Default::default(),
    }
}

/// A series of `values` (ns) at commits `c0…`, `c1…`, ..., with a change point at `change_at` when given.
pub fn series(bench: &str, values: &[f64], change_at: Option<usize>) -> Series {
    let points = values
        .iter()
        .enumerate()
        .map(|(i, value)| Point {
            commit: format!("c{i}{}", "0123456789abcdef".repeat(3)),
            position: i * 2,
            time: 1_700_000_000 + i as i64 * 3600,
            value: *value,
            n: 30,
            std_error: Some(value * 0.01),
        })
        .collect::<Vec<_>>();
    let change_points = change_at
        .map(|index| {
            let (before, after) = (values[index - 1], values[index]);
            ChangePoint {
                commit: points[index].commit.clone(),
                index,
                before,
                after,
                change: after / before - 1.0,
                ci: [after / before - 1.02, after / before - 0.98],
                p_value: 0.001,
            }
        })
        .into_iter()
        .collect();
    Series {
        suite: "micro".into(),
        bench: bench.into(),
        statistic: "median".into(),
        unit: Unit::Ns,
        direction: Direction::LowerIsBetter,
        points,
        change_points,
    }
}

/// The commit of a 40-digit hex sha.
pub fn commit(sha: &str) -> crate::model::Commit {
    crate::model::Commit(git2::Oid::from_str(sha).expect("a hex sha"))
}

/// `series` as the trend of the comparison of `report` with the same benchmark (a KPI line no
/// KPI has when there is none).
pub fn trend_in(report: &crate::verdict::Report, series: Series) -> crate::verdict::context::Trend {
    let kpi = report.kpis.iter().find(|k| k.comparisons.iter().any(|c| c.bench == series.bench));
    crate::verdict::context::Trend { kpi_line: kpi.map_or(0, |k| k.line), series }
}
