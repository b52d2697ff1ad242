//! `perfgate history`: the results recorded in the git notes along the
//! first-parent chain that ends at a revision (main's own history, not the
//! branches merged into it), as one series per benchmark and statistic, with
//! the change points found in each.

use std::collections::BTreeMap;

use git2::{Oid, Repository, Sort};
use globset::GlobMatcher;

use super::notes;
use crate::config::Config;
use crate::model::history::{ChangePoint, History, Point, Series, HISTORY_SCHEMA};
use crate::model::ResultSet;
use crate::runner::checkout::GitError;
use crate::stats::change_points::{detect, Observation, Settings};
use crate::verdict::recorded::{recorded_median, recorded_values, Recorded};

/// What `perfgate history` reads and keeps.
#[derive(Default)]
pub struct HistoryOptions<'a> {
    /// The statistics of these KPIs (None: each benchmark's median).
    pub config: Option<&'a Config>,
    /// Only the KPI of this name.
    pub kpi: Option<&'a str>,
    /// Only series whose label matches.
    pub bench: Option<GlobMatcher>,
    /// Only the newest this many recorded commits.
    pub last: Option<usize>,
    /// Seed of the change points' permutation tests.
    pub seed: u64,
    /// Leave the change points out (a trend chart needs only the points).
    pub without_change_points: bool,
}

/// Why there is no history to show.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(
        "no results are recorded in {ref_} for the {commits} commits of the first-parent chain of {rev}; \
         record them on main with `perfgate record` (e.g. in a workflow on push to main) and share them with \
         `git push origin {ref_}`, or fetch them with `git fetch origin {ref_}:{ref_}`",
        ref_ = notes::NOTES_REF
    )]
    NothingRecorded { rev: String, commits: usize },
}

/// A recorded commit of the chain.
struct Recording {
    commit: Oid,
    position: usize,
    time: i64,
    results: ResultSet,
}

/// The history of the first-parent chain ending at `tip`.
pub fn read_history(repo: &Repository, tip: Oid, rev: &str, options: &HistoryOptions) -> Result<History, HistoryError> {
    let index = notes::NotesIndex::load(repo)?;
    let mut walk = repo.revwalk().map_err(|e| GitError::context("cannot walk the history", e))?;
    walk.set_sorting(Sort::TOPOLOGICAL).map_err(|e| GitError::context("cannot walk the history", e))?;
    walk.simplify_first_parent().map_err(|e| GitError::context("cannot walk the history", e))?;
    walk.push(tip).map_err(|e| GitError::context(&format!("cannot walk the history of {rev}"), e))?;
    let mut newest_first = Vec::new();
    let mut commits = 0;
    for (distance, commit) in walk.enumerate() {
        let commit = commit.map_err(|e| GitError::context("cannot walk the history", e))?;
        commits = distance + 1;
        if let Some(results) = index.read(repo, commit)? {
            let time = repo.find_commit(commit).map(|c| c.time().seconds()).unwrap_or(0);
            newest_first.push((commit, distance, time, results));
            if options.last.is_some_and(|last| newest_first.len() >= last) {
                break;
            }
        }
    }
    if newest_first.is_empty() {
        return Err(HistoryError::NothingRecorded { rev: rev.to_string(), commits });
    }
    let oldest_distance = newest_first.last().map_or(0, |(_, distance, _, _)| *distance);
    let recordings: Vec<Recording> = newest_first
        .into_iter()
        .rev()
        .map(|(commit, distance, time, results)| Recording {
            commit,
            position: oldest_distance - distance,
            time,
            results,
        })
        .collect();
    let recorded = recordings.len();
    let mut series = collect_series(&recordings, options);
    for one in series.iter_mut().filter(|_| !options.without_change_points) {
        one.change_points = change_points(&one.points, options.seed);
    }
    Ok(History { schema: HISTORY_SCHEMA, rev: tip.to_string(), commits: oldest_distance + 1, recorded, series })
}

/// One series per (suite, label, statistic), its points oldest first.
fn collect_series(recordings: &[Recording], options: &HistoryOptions) -> Vec<Series> {
    let mut all: BTreeMap<(String, String, String), Series> = BTreeMap::new();
    for recording in recordings {
        for suite in &recording.results.suites {
            for (statistic, value) in values_of(&suite.name, &suite.benchmarks, options) {
                if options.bench.as_ref().is_some_and(|glob| !glob.is_match(&value.label)) {
                    continue;
                }
                let key = (suite.name.clone(), value.label.clone(), statistic.clone());
                let series = all.entry(key).or_insert_with(|| Series {
                    suite: suite.name.clone(),
                    bench: value.label.clone(),
                    statistic,
                    unit: value.unit.clone(),
                    direction: value.direction,
                    points: Vec::new(),
                    change_points: Vec::new(),
                });
                // A series whose unit changed (a tool's output changed) starts again.
                if series.unit != value.unit {
                    series.unit = value.unit.clone();
                    series.points.clear();
                }
                series.points.push(Point {
                    commit: recording.commit.to_string(),
                    position: recording.position,
                    time: recording.time,
                    value: value.value,
                    n: value.n,
                    std_error: value.std_error,
                });
            }
        }
    }
    all.into_values().collect()
}

/// The statistic and value of every series a suite's benchmarks give: the KPIs' statistics with a
/// budget file, else each benchmark's median.
fn values_of(suite: &str, benchmarks: &[crate::model::Benchmark], options: &HistoryOptions) -> Vec<(String, Recorded)> {
    match options.config {
        Some(config) => config
            .kpis
            .iter()
            .filter(|kpi| kpi.suite == suite && options.kpi.is_none_or(|name| name == kpi.name))
            .flat_map(|kpi| recorded_values(kpi, benchmarks).into_iter().map(|v| (kpi.statistic.to_string(), v)))
            .collect(),
        None => benchmarks.iter().filter_map(recorded_median).map(|v| ("median".to_string(), v)).collect(),
    }
}

/// The change points of a series' points (`seed`: of the permutation test).
pub fn change_points(points: &[Point], seed: u64) -> Vec<ChangePoint> {
    let observations: Vec<Observation> =
        points.iter().map(|p| Observation { position: p.position, value: p.value, std_error: p.std_error }).collect();
    // Values a log cannot take (zeros of a count) have no relative change to find.
    detect(&observations, &Settings { seed, ..Settings::default() })
        .unwrap_or_default()
        .into_iter()
        .map(|found| ChangePoint {
            commit: points[found.index].commit.clone(),
            index: found.index,
            before: found.before,
            after: found.after,
            change: found.change,
            ci: found.ci,
            p_value: found.p_value,
        })
        .collect()
}
