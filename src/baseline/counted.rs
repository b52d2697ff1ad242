//! The counted suites of a re-run (`measure = "instructions"`): counted on
//! every side before the interleaved rounds of the timed suites, apart from
//! them. Counts do not drift with the machine, so the sides need no
//! interleaving and no look decides when to stop: each side gets its counted
//! runs, and the comparisons are decided from those.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use anyhow::Result;

use crate::config::{Config, Suite};
use crate::runner::collect::used_suites;
use crate::runner::counting::{count_suite, COUNTED_RUNS};
use crate::runner::rounds::{RoundResults, Side, Sides};
use crate::runner::shard::Shard;
use crate::runner::suite::RunSettings;
use crate::verdict::outcome::SuiteMeasuring;

/// The counted suites' results on every side, and what counting them took.
#[derive(Default)]
pub struct CountedSides {
    pub results: RoundResults,
    pub measuring: Vec<SuiteMeasuring>,
    /// Wall time of counting, building included, and of building alone.
    pub seconds: f64,
    pub build_seconds: f64,
}

/// The suites a re-run counts: those a KPI uses that count, limited to `only` and `shard`.
pub fn counted_suites<'c>(
    config: &'c Config,
    only: Option<&BTreeMap<String, Option<BTreeSet<String>>>>,
    shard: Option<Shard>,
) -> Vec<&'c Suite> {
    used_suites(config)
        .filter(|suite| suite.counts())
        .filter(|suite| only.is_none_or(|only| only.contains_key(&suite.name)))
        .filter(|suite| shard.is_none_or(|shard| shard.holds(&suite.name)))
        .collect()
}

/// Count `suites` on every side (each only its benchmarks in `only`). A suite the head cannot
/// count is an error; one the base or anchor cannot (added since) is judged without that side.
pub fn count_on_sides(
    suites: &[&Suite],
    sides: Sides,
    settings: &RunSettings,
    only: Option<&BTreeMap<String, Option<BTreeSet<String>>>>,
    quiet: bool,
) -> Result<CountedSides> {
    let started = Instant::now();
    let mut counted = CountedSides::default();
    for suite in suites {
        let suite_started = Instant::now();
        let mut build_seconds = 0.0;
        let wanted = only.and_then(|only| only.get(&suite.name).cloned().flatten());
        for side in [Side::Head, Side::Base].into_iter().chain(sides.anchor.map(|_| Side::Anchor)) {
            if !quiet {
                eprintln!(
                    "perfgate: counting suite {:?} on the {} under Valgrind ({COUNTED_RUNS} runs)",
                    suite.name,
                    sides.tree(side).label
                );
            }
            match count_suite(suite, sides.tree(side), settings, wanted.as_ref(), COUNTED_RUNS) {
                Ok(suite_counts) => {
                    build_seconds += suite_counts.build_seconds;
                    counted.results.side_mut(side).insert(suite.name.clone(), suite_counts.benchmarks);
                }
                Err(error) if side == Side::Head => return Err(error),
                Err(error) => counted.results.failures_mut(side).push((suite.name.clone(), format!("{error:#}"))),
            }
        }
        counted.measuring.push(SuiteMeasuring {
            name: suite.name.clone(),
            rounds: COUNTED_RUNS as u32,
            seconds: suite_started.elapsed().as_secs_f64() - build_seconds,
            harness: Some("callgrind".into()),
            round_options: String::new(),
            filtered: false,
            chunked: None,
            ignored_round_options: Vec::new(),
            asked_seconds: None,
            longest_seconds: None,
            unmeasured: Vec::new(),
        });
        counted.build_seconds += build_seconds;
    }
    counted.seconds = started.elapsed().as_secs_f64();
    Ok(counted)
}

/// The counted results added to the rounds' results.
pub fn merge(results: &mut RoundResults, counted: RoundResults) {
    results.head.extend(counted.head);
    results.base.extend(counted.base);
    results.anchor.extend(counted.anchor);
    results.base_failures.extend(counted.base_failures);
    results.anchor_failures.extend(counted.anchor_failures);
}
