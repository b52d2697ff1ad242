//! Before interleaved rounds: each suite's harness, its benchmarks listed on
//! both sides (which builds them, so the time budget covers measuring only),
//! a shard's share of them, and what each run is told: short rounds whose
//! length comes from the time budget and the number of benchmarks, or the
//! suite's own `round-options`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use anyhow::{bail, Result};

use crate::config::{Config, Statistic, Suite};
use crate::model::units::human_duration as human;
use crate::runner::collect::used_suites;
use crate::runner::harness::{Harness, RoundLength, Steering};
use crate::runner::plan::{run_seconds, shortest_round, Budget, EXTREMES_TARGET_ROUNDS, SHORTEST_RUN};
use crate::runner::rounds::{RoundSuite, Sides};
use crate::runner::shard::Shard;
use crate::runner::suite::{list_benchmarks, RunSettings};

/// The suites ready for their rounds, and what preparing them cost and found.
pub struct Prepared<'c> {
    pub suites: Vec<RoundSuite<'c>>,
    /// Wall time of listing (and so building) on both trees, in seconds.
    pub build_seconds: f64,
    pub notes: Vec<String>,
}

/// Prepare every suite a KPI uses (only those of `only`, each limited to its benchmarks there,
/// and to `shard`'s) for rounds on `sides`.
pub fn prepare<'c>(
    config: &'c Config,
    sides: Sides,
    settings: &RunSettings,
    budget: &Budget,
    only: Option<&BTreeMap<String, Option<BTreeSet<String>>>>,
    shard: Option<Shard>,
) -> Result<Prepared<'c>> {
    let mut notes = Vec::new();
    let build_started = Instant::now();
    let mut planned = Vec::new();
    let mut listed = 0;
    let wanted = |suite: &Suite| only.is_none_or(|only| only.contains_key(&suite.name));
    // Counted suites are counted apart from the rounds (`runner::counting`).
    for suite in used_suites(config).filter(|suite| wanted(suite) && !suite.counts()) {
        let harness = Harness::of(suite);
        // A shard runs only its benchmarks; a suite it cannot split runs whole in the shard of its name.
        let pooled = config.kpis.iter().any(|k| k.suite == suite.name && k.metric.is_some());
        let splits = shard.filter(|_| harness.is_some() && !pooled);
        if let (Some(shard), None) = (shard, splits) {
            if !shard.holds(&suite.name) {
                continue;
            }
        }
        let mut shard_names = None;
        let mut listed_names = None;
        if let Some(harness) = harness {
            match list_benchmarks(suite, sides.head, settings, harness) {
                Ok(names) => {
                    listed += names.as_ref().map_or(0, Vec::len);
                    let names = match (splits, names) {
                        (Some(shard), Some(names)) => {
                            let kept: Vec<String> = names.into_iter().filter(|name| shard.holds(name)).collect();
                            shard_names = Some(kept.iter().cloned().collect::<BTreeSet<_>>());
                            Some(kept)
                        }
                        (_, names) => names,
                    };
                    listed_names = names;
                }
                Err(error) if splits.is_some() => {
                    return Err(error.context(format!(
                        "--shard needs the benchmarks of suite {:?} listed before anything runs",
                        suite.name
                    )));
                }
                Err(error) => notes.push(format!(
                    "Suite {:?}: listing its benchmarks failed, so its first round also builds it: {}",
                    suite.name,
                    format!("{error:#}").lines().next().unwrap_or_default()
                )),
            }
            for other in [Some(sides.base), sides.anchor].into_iter().flatten() {
                if !std::ptr::eq(other, sides.head) {
                    let _ = list_benchmarks(suite, other, settings, harness);
                }
            }
        } else if suite.command.is_some() && suite.shell {
            notes.push(format!(
                "Suite {:?} runs through a shell (`shell = true`), so its command runs as written every round: \
                 no short rounds, and every benchmark runs until the last round.",
                suite.name
            ));
        }
        if shard_names.as_ref().is_some_and(BTreeSet::is_empty) {
            continue;
        }
        planned.push((suite, harness, shard_names, listed_names));
    }
    let build_seconds = build_started.elapsed().as_secs_f64();
    if listed > 0 && shortest_round(listed) > budget.time {
        bail!(
            "the time budget of {} is too small for even one round of the {listed} listed benchmarks: \
             a round takes at least {} (both sides at {} s per benchmark); set `[baseline] time-budget` \
             (or --time-budget) to at least that, or judge fewer benchmarks",
            human(budget.time),
            human(shortest_round(listed)),
            SHORTEST_RUN
        );
    }
    let suites = planned
        .into_iter()
        .map(|(suite, harness, shard_names, names)| {
            // A suite judged by its minimum or maximum gets longer runs; the others, more rounds.
            let extremes = config
                .kpis
                .iter()
                .any(|k| k.suite == suite.name && matches!(k.statistic, Statistic::Min | Statistic::Max));
            let rounds = if extremes { EXTREMES_TARGET_ROUNDS.min(budget.max_rounds) } else { budget.max_rounds };
            let seconds = run_seconds(budget, (listed > 0).then_some(listed), rounds);
            let mut steering = steering_of(suite, harness, seconds);
            steering.only = only.and_then(|only| only.get(&suite.name).cloned().flatten()).or(shard_names);
            RoundSuite { suite, harness, steering, listed: names }
        })
        .collect();
    Ok(Prepared { suites, build_seconds, notes })
}

/// What perfgate changes in a suite's runs: short rounds of `seconds` per benchmark, or the
/// suite's own `round-options`, or nothing.
fn steering_of(suite: &Suite, harness: Option<Harness>, seconds: f64) -> Steering {
    let own_options = suite.round_options.as_deref().and_then(|o| shell_words::split(o).ok()).unwrap_or_default();
    let short = suite.short_rounds && own_options.is_empty() && harness.is_some_and(Harness::has_round_options);
    Steering {
        length: short.then_some(RoundLength { seconds, runs: HYPERFINE_RUNS_PER_ROUND }),
        own_options,
        only: None,
    }
}

/// hyperfine runs each command this often per round (each run is a process of its own).
const HYPERFINE_RUNS_PER_ROUND: u32 = 3;

/// The options perfgate added to a suite's runs (not its filters), as the report shows them.
pub fn round_options_text(planned: &RoundSuite) -> String {
    let (Some(harness), Some(command)) = (planned.harness, &planned.suite.command) else { return String::new() };
    let Ok(mut words) = shell_words::split(command) else { return String::new() };
    let options = Steering { only: None, ..planned.steering.clone() };
    let mut added = Vec::new();
    for word in harness.steer(&words, &options).words {
        match words.iter().position(|own| *own == word) {
            Some(at) => {
                words.remove(at);
            }
            None => added.push(word),
        }
    }
    shell_words::join(added)
}
