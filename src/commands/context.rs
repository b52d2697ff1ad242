//! The context a check's report carries around its verdicts: the trend on main
//! of every series that moved (from the git notes), where the time goes in
//! tagged latency KPIs (`explain`'s breakdown), and the size of the change.
//! Each part is optional: what cannot be gathered is left out, never an error.

use crate::baseline::history::{change_points, read_history, HistoryOptions};
use crate::config::Config;
use crate::explain::{breakdown, Request};
use crate::runner::checkout;
use crate::stats::CompareOptions;
use crate::verdict::context::{is_trend_of, ChangeSize, Context, TimeShare, TimeShares, Trend};
use crate::verdict::{Against, Comparison, Inputs, KpiOutcome, Report, Verdict};

/// Recorded points on main a trend chart shows.
pub const TREND_POINTS: usize = 20;
/// Trend charts a report carries at most.
const MOST_TRENDS: usize = 8;
/// Groups shown per KPI in "where the time goes".
const TOP_GROUPS: usize = 5;

/// Gather the context of `report`; `verbose` says on stderr what could not be gathered.
pub fn gather(config: &Config, inputs: &Inputs, report: &Report, verbose: bool) -> Context {
    let say = |what: &str, error: String| {
        if verbose {
            eprintln!("perfgate: no {what} in the report: {error}");
        }
    };
    let mut context = Context::default();
    let folder = config.folder();
    if let (Ok(repo), Some(base)) = (checkout::open_repository(folder), report.git.base_commit) {
        match checkout::change_size(&repo, base.oid()) {
            Ok((files, insertions, deletions)) => {
                context.change_size = Some(ChangeSize { files, insertions, deletions })
            }
            Err(error) => say("change size", error.0),
        }
        match trends(config, report, &repo, base.oid()) {
            Ok(trends) => context.trends = trends,
            Err(error) => say("trends", error),
        }
    }
    // Several KPIs often judge the same latency series: each breakdown is made once.
    let mut wanted: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for key in config.kpis.iter().filter_map(|kpi| grouping(kpi, inputs)) {
        if !wanted.contains(&key) {
            wanted.push(key);
        }
    }
    context.time_shares =
        wanted.into_iter().filter_map(|(suite, metric, by)| time_shares(suite, metric, by, inputs)).collect();
    context
}

/// Whether a comparison is worth a trend chart: it failed, improved or is undecided, or moved
/// beyond its own interval (the interval of its change leaves out zero). A series that moved
/// within its noise gets none, however large the noise.
fn worth_a_chart(comparison: &Comparison) -> bool {
    matches!(comparison.verdict, Verdict::Fail | Verdict::Improved | Verdict::Inconclusive)
        || comparison.ci.is_some_and(|[lo, hi]| lo > 0.0 || hi < 0.0)
}

/// The recorded points on main (up to the merge-base) of each series worth a chart, with the
/// change points found in them.
fn trends(config: &Config, report: &Report, repo: &git2::Repository, base: git2::Oid) -> Result<Vec<Trend>, String> {
    let wanted: Vec<(&KpiOutcome, &Comparison)> = report
        .kpis
        .iter()
        .flat_map(|kpi| kpi.comparisons.iter().map(move |c| (kpi, c)))
        .filter(|(_, c)| c.against == Against::Base && worth_a_chart(c))
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let options = HistoryOptions {
        config: Some(config),
        last: Some(TREND_POINTS),
        seed: config.gate.seed,
        without_change_points: true,
        ..HistoryOptions::default()
    };
    let history = read_history(repo, base, "the merge-base", &options).map_err(|e| e.to_string())?;
    Ok(wanted
        .into_iter()
        .filter_map(|(kpi, comparison)| {
            let mut series = history.series.iter().find(|s| is_trend_of(s, kpi, comparison))?.clone();
            series.change_points = change_points(&series.points, config.gate.seed);
            Some(Trend { kpi_line: kpi.line, series })
        })
        .take(MOST_TRENDS)
        .collect())
}

/// What a latency KPI over tagged series is broken down by: (suite, metric, tags) — the KPI's `per`
/// tags, else `route`, with `method` when present. None for other KPIs.
fn grouping<'k>(kpi: &'k crate::config::Kpi, inputs: &Inputs) -> Option<(&'k str, &'k str, Vec<String>)> {
    let metric = kpi.metric.as_deref()?;
    let head = inputs.head.get(&kpi.suite)?;
    let tagged = |tag: &str| head.iter().any(|b| b.tags.contains_key(tag));
    let by: Vec<String> = if !kpi.per.is_empty() {
        kpi.per.clone()
    } else if tagged("route") {
        ["method", "route"].into_iter().filter(|tag| tagged(tag)).map(String::from).collect()
    } else {
        return None;
    };
    Some((&kpi.suite, metric, by))
}

/// The groups of a suite's `metric` by the tags `by`, ranked by total time.
fn time_shares(suite: &str, metric: &str, by: Vec<String>, inputs: &Inputs) -> Option<TimeShares> {
    let head = inputs.head.get(suite)?;
    let base = inputs.base.as_ref().and_then(|base| base.get(suite)).map(Vec::as_slice);
    let request = Request { by: &by, metric, options: CompareOptions::default() };
    let found = breakdown(head, base, &request).ok()?;
    if found.groups.len() < 2 {
        return None;
    }
    let groups = found
        .groups
        .iter()
        .take(TOP_GROUPS)
        .map(|group| TimeShare {
            group: by.iter().filter_map(|tag| group.key.get(tag)).cloned().collect::<Vec<_>>().join(" "),
            share: group.share,
            p99: group.p99 * 1e6,
            change: group.delta.as_ref().map(|d| d.change),
            ci: group.delta.as_ref().map(|d| d.ci),
        })
        .collect();
    Some(TimeShares {
        suite: suite.to_string(),
        metric: metric.to_string(),
        by,
        groups,
        others: found.groups.len().saturating_sub(TOP_GROUPS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::comparison;

    #[test]
    fn a_series_that_moved_within_its_own_interval_gets_no_chart() {
        // A pass at -1.2 % whose interval holds zero: noise, however large.
        let flat = comparison("b", Verdict::Pass, 1000.0, 988.0, [-0.03, 0.006]);
        assert!(!worth_a_chart(&flat));
        // A pass that moved beyond its own interval, and any undecided, failed or improved one.
        assert!(worth_a_chart(&comparison("b", Verdict::Pass, 1000.0, 1012.0, [0.004, 0.02])));
        for verdict in [Verdict::Inconclusive, Verdict::Fail, Verdict::Improved] {
            assert!(worth_a_chart(&comparison("b", verdict, 1000.0, 1001.0, [-0.03, 0.04])));
        }
    }
}
