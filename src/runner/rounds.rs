//! Base and head in interleaved rounds: every suite runs once per side per
//! round, in an order that is randomized but balanced (each pair of rounds is
//! AB then BA, or BA then AB), so drift of the machine hits both sides alike.
//! Every sample keeps its round, for the paired statistics.
//!
//! Within a time budget: after the first round the rounds that fit are fixed
//! (`plan`); from `min-rounds` on, a look after every round says which
//! benchmarks are still undecided, and the next round runs only those
//! (through the harness's filter). The rounds end when everything is decided,
//! at the most rounds, or when the next round would not fit the budget; a run
//! the budget's deadline cuts short is stopped and its round dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use anyhow::{bail, Result};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::command::RunError;
use super::harness::{Harness, Steering};
use super::plan::{self, Budget};
use super::progress::Progress;
use super::suite::{collect_suite, RunSettings, Steer, Tree};
use crate::config::Suite;
use crate::model::units::human_duration as human;
use crate::model::{buckets, Benchmark};

/// Which tree a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Base,
    Head,
    /// The `[baseline] anchor` commit, measured as a third side for the KPIs' `max-drift`.
    Anchor,
}

/// The trees the rounds measure: base and head, and the anchor when there is one.
#[derive(Clone, Copy)]
pub struct Sides<'t> {
    pub base: &'t Tree,
    pub head: &'t Tree,
    pub anchor: Option<&'t Tree>,
}

impl<'t> Sides<'t> {
    pub fn tree(&self, side: Side) -> &'t Tree {
        match side {
            Side::Base => self.base,
            Side::Head => self.head,
            Side::Anchor => self.anchor.unwrap_or(self.base),
        }
    }

    /// Every side measured.
    pub fn all(&self) -> Vec<Side> {
        let mut sides = vec![Side::Base, Side::Head];
        sides.extend(self.anchor.map(|_| Side::Anchor));
        sides
    }
}

/// The order of the sides in each round, seeded. Two sides: randomized ABBA blocks. Three:
/// blocks of six rounds that take each of the six orders once, shuffled — so every side
/// runs first, second and last equally often.
pub fn interleaved_schedule(rounds: u32, seed: u64, sides: &[Side]) -> Vec<Vec<Side>> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut schedule: Vec<Vec<Side>> = Vec::with_capacity(rounds as usize);
    while schedule.len() < rounds as usize {
        if let [a, b] = sides {
            let first = if rng.gen_bool(0.5) { vec![*a, *b] } else { vec![*b, *a] };
            let second = vec![first[1], first[0]];
            schedule.push(first);
            schedule.push(second);
        } else {
            let mut block = permutations(sides);
            block.shuffle(&mut rng);
            schedule.extend(block);
        }
    }
    schedule.truncate(rounds as usize);
    schedule
}

fn permutations(sides: &[Side]) -> Vec<Vec<Side>> {
    if sides.len() <= 1 {
        return vec![sides.to_vec()];
    }
    let mut all = Vec::new();
    for (at, side) in sides.iter().enumerate() {
        let mut rest = sides.to_vec();
        rest.remove(at);
        for mut order in permutations(&rest) {
            order.insert(0, *side);
            all.push(order);
        }
    }
    all
}

/// One suite as the rounds run it.
#[derive(Debug, Clone)]
pub struct RoundSuite<'a> {
    pub suite: &'a Suite,
    /// The harness perfgate steers; None: the command runs as written.
    pub harness: Option<Harness>,
    /// Short-round options, and the benchmarks of the first round (a shard's).
    pub steering: Steering,
}

/// The benchmark ids each suite still needs after a look (None: all of them);
/// a suite that is not named needs nothing more.
pub type Needed = BTreeMap<String, Option<BTreeSet<String>>>;

/// Decides, between rounds, what still needs measuring.
pub trait Looker {
    /// After `rounds` complete rounds of at most `max_rounds`: what each suite still needs.
    fn look(&mut self, results: &RoundResults, rounds: u32, max_rounds: u32) -> Result<Needed>;
}

/// Why the rounds ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// Every comparison was decided.
    AllDecided,
    /// The most rounds ran.
    MaxRounds,
    /// The time budget held no more rounds.
    TimeBudget,
}

/// Results of all rounds, per suite, for each side; plus suites the base could not run.
#[derive(Debug, Default)]
pub struct RoundResults {
    pub base: BTreeMap<String, Vec<Benchmark>>,
    pub head: BTreeMap<String, Vec<Benchmark>>,
    /// With an anchor side: its results.
    pub anchor: BTreeMap<String, Vec<Benchmark>>,
    /// Suites whose command failed on the base commit (e.g. added by this branch), with why.
    pub base_failures: Vec<(String, String)>,
    /// Suites whose command failed on the anchor commit (added since), with why.
    pub anchor_failures: Vec<(String, String)>,
    /// Complete rounds.
    pub rounds: u32,
    /// The rounds that fit the budget, fixed after the first.
    pub max_rounds: u32,
    pub stop: Option<Stop>,
    /// Per suite: the rounds it ran in and the seconds its runs took (both sides).
    pub suites: BTreeMap<String, SuiteRounds>,
    /// Suites whose command could not be limited to the undecided benchmarks: they ran whole.
    pub unfiltered: BTreeSet<String>,
}

impl RoundResults {
    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<String, Vec<Benchmark>> {
        match side {
            Side::Base => &mut self.base,
            Side::Head => &mut self.head,
            Side::Anchor => &mut self.anchor,
        }
    }

    /// Suites the side's commit could not run.
    fn failures(&self, side: Side) -> &[(String, String)] {
        match side {
            Side::Base => &self.base_failures,
            Side::Anchor => &self.anchor_failures,
            Side::Head => &[],
        }
    }

    fn failures_mut(&mut self, side: Side) -> &mut Vec<(String, String)> {
        match side {
            Side::Anchor => &mut self.anchor_failures,
            _ => &mut self.base_failures,
        }
    }
}

/// What one suite's runs cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SuiteRounds {
    pub rounds: u32,
    pub seconds: f64,
}

/// A looker that never stops the rounds early.
pub struct NeverStop;

impl Looker for NeverStop {
    fn look(&mut self, results: &RoundResults, _: u32, _: u32) -> Result<Needed> {
        Ok(results.head.keys().chain(results.base.keys()).map(|suite| (suite.clone(), None)).collect())
    }
}

/// Run `suites` on the base and head trees (and the anchor's) in interleaved rounds within `budget`,
/// asking `looker` after every round from the budget's `min_rounds` on what still needs measuring.
pub fn run_interleaved(
    suites: &[RoundSuite],
    sides: Sides,
    budget: Budget,
    seed: u64,
    settings: &RunSettings,
    progress: &mut Progress,
    looker: &mut dyn Looker,
) -> Result<RoundResults> {
    let started = Instant::now();
    // The first round runs whole, to know what a round takes; the budget's deadline holds from the second.
    let mut settings = RunSettings { deadline: None, ..settings.clone() };
    let mut results = RoundResults { max_rounds: budget.max_rounds, ..RoundResults::default() };
    // What each suite runs in the next round: None for all it selects, else these harness names.
    let mut next: BTreeMap<&str, Option<BTreeSet<String>>> =
        suites.iter().map(|s| (s.suite.name.as_str(), s.steering.only.clone())).collect();
    // The last run of each suite on each side: seconds, and how many benchmarks it measured.
    let mut last_run: BTreeMap<(&str, Side), (f64, usize)> = BTreeMap::new();
    for (index, order) in interleaved_schedule(budget.max_rounds, seed, &sides.all()).into_iter().enumerate() {
        let round = index as u32 + 1;
        if round > results.max_rounds {
            break;
        }
        let round_started = Instant::now();
        let mut staged: BTreeMap<Side, BTreeMap<String, Vec<Benchmark>>> = BTreeMap::new();
        let mut spent = false;
        'sides: for side in order {
            let tree = sides.tree(side);
            for planned in suites {
                let name = planned.suite.name.as_str();
                let Some(only) = next.get(name) else { continue };
                let measured_once = planned.suite.command.is_none() && round > 1;
                if measured_once || results.failures(side).iter().any(|(failed, _)| failed == name) {
                    continue;
                }
                let left = settings.deadline.map(|d| d.saturating_duration_since(Instant::now()));
                progress.start(round, results.max_rounds, tree.label, name, left);
                let steering = Steering { only: only.clone(), ..planned.steering.clone() };
                let steer = planned.harness.map(|harness| Steer { harness, steering: &steering });
                let run_started = Instant::now();
                let collected = collect_suite(planned.suite, tree, &settings, steer);
                progress.finish_one();
                let seconds = run_started.elapsed().as_secs_f64();
                match collected {
                    Ok(benchmarks) => {
                        if only.is_some() && !runs_only_what_it_is_told(planned, &steering) {
                            results.unfiltered.insert(name.to_string());
                        }
                        let measured = only.as_ref().map_or(benchmarks.len(), BTreeSet::len).max(1);
                        last_run.insert((name, side), (seconds, measured));
                        let entry = results.suites.entry(name.to_string()).or_default();
                        entry.seconds += seconds;
                        staged.entry(side).or_default().insert(name.to_string(), benchmarks);
                    }
                    Err(_) if settings.deadline.is_some_and(|d| Instant::now() >= d) => {
                        spent = true;
                        break 'sides;
                    }
                    // A suite the base (or anchor) commit cannot run (new since) has no baseline there;
                    // anything else — the head failing, a timeout, Ctrl-C — stops the check.
                    Err(error) if side != Side::Head && round == 1 && is_command_failure(&error) => {
                        results.failures_mut(side).push((name.to_string(), format!("{error:#}")));
                    }
                    Err(error) => return Err(error),
                }
            }
        }
        if spent {
            results.stop = Some(Stop::TimeBudget);
            break;
        }
        for (side, round_results) in staged {
            for (name, benchmarks) in round_results {
                if side == Side::Head {
                    results.suites.entry(name.clone()).or_default().rounds += 1;
                }
                add_round(results.side_mut(side).entry(name).or_default(), benchmarks, round);
            }
        }
        results.rounds = round;
        if round == 1 {
            let first = round_started.elapsed();
            if first > budget.time {
                bail!(
                    "the time budget of {} is too small for even one round: the first round of {} took {}; \
                     set `[baseline] time-budget` (or --time-budget) to at least that, and to about {} for {} rounds, \
                     the first look (`min-rounds`)",
                    human(budget.time),
                    if sides.anchor.is_some() { "base, head and anchor" } else { "base and head" },
                    human(first),
                    human(first * budget.min_rounds),
                    budget.min_rounds
                );
            }
            settings.deadline = started.checked_add(budget.time);
            results.max_rounds = plan::rounds_that_fit(&budget, first);
            progress.set_rounds(results.max_rounds, suites.len());
        }
        if round >= results.max_rounds {
            let held_by_budget = results.max_rounds < budget.max_rounds;
            results.stop = Some(if held_by_budget { Stop::TimeBudget } else { Stop::MaxRounds });
            break;
        }
        if round >= budget.min_rounds.min(results.max_rounds) {
            let needed = looker.look(&results, round, results.max_rounds)?;
            next = next_round(suites, &results, &needed);
            if next.is_empty() {
                results.stop = Some(Stop::AllDecided);
                break;
            }
            let estimate: f64 = next
                .iter()
                .flat_map(|(name, only)| {
                    sides.all().into_iter().map(|side| {
                        let (seconds, measured) = last_run.get(&(*name, side)).copied().unwrap_or((0.0, 1));
                        seconds * only.as_ref().map_or(1.0, |ids| ids.len() as f64 / measured as f64).min(1.0)
                    })
                })
                .sum();
            if started.elapsed().as_secs_f64() + estimate > budget.time.as_secs_f64() {
                results.stop = Some(Stop::TimeBudget);
                break;
            }
        }
    }
    Ok(results)
}

/// The harness names each needed suite runs next: the needed ids, named as the harness names them.
fn next_round<'s>(
    suites: &'s [RoundSuite],
    results: &RoundResults,
    needed: &Needed,
) -> BTreeMap<&'s str, Option<BTreeSet<String>>> {
    let mut next = BTreeMap::new();
    for planned in suites {
        let name = planned.suite.name.as_str();
        let Some(ids) = needed.get(name) else { continue };
        let only = match (planned.harness, ids) {
            (Some(harness), Some(ids)) => {
                let head = results.head.get(name).map(Vec::as_slice).unwrap_or(&[]);
                Some(head.iter().filter(|b| ids.contains(&b.id)).map(|b| harness.name_of(b)).collect())
            }
            _ => planned.steering.only.clone(),
        };
        next.insert(name, only);
    }
    next
}

/// Whether the suite's command can be limited to `steering.only`.
fn runs_only_what_it_is_told(planned: &RoundSuite, steering: &Steering) -> bool {
    let words = planned.suite.command.as_deref().and_then(|command| shell_words::split(command).ok());
    match (planned.harness, words) {
        (Some(harness), Some(words)) => harness.steer(&words, steering).filtered,
        _ => false,
    }
}

fn is_command_failure(error: &anyhow::Error) -> bool {
    matches!(error.downcast_ref::<RunError>(), Some(RunError::Failed { .. } | RunError::Spawn { .. }))
}

/// Append one round's results to the accumulated ones, tagging each sample with its round.
/// A benchmark reported as a single value (no raw samples) contributes that value as one sample.
/// Bucketed series (Prometheus scrapes, one per round: the suite's command starts the server)
/// add up their counts and sums.
pub fn add_round(accumulated: &mut Vec<Benchmark>, round_results: Vec<Benchmark>, round: u32) {
    for mut bench in round_results {
        if bench.buckets.is_some() {
            let same = |b: &&mut Benchmark| b.id == bench.id && b.metric == bench.metric && b.tags == bench.tags;
            let added = accumulated.iter_mut().find(same).is_some_and(|existing| add_bucket_counts(existing, &bench));
            if !added {
                // New, or other bounds than an earlier round's: kept apart, so pooling them reports the mismatch.
                accumulated.push(bench);
            }
            continue;
        }
        if let Some(histogram) = bench.histogram.take() {
            // Binned series (large request logs) pool their rounds; they carry no per-sample rounds.
            match accumulated.iter_mut().find(|b| b.id == bench.id && b.metric == bench.metric && b.tags == bench.tags)
            {
                Some(existing) => existing.histogram.get_or_insert_with(Default::default).merge(&histogram),
                None => {
                    bench.histogram = Some(histogram);
                    accumulated.push(bench);
                }
            }
            continue;
        }
        if bench.samples.is_empty() {
            match ["median", "mean", "value"].iter().find_map(|key| bench.summary.get(*key)) {
                Some(value) => bench.samples.push(*value),
                None => continue,
            }
        }
        let rounds = vec![round; bench.samples.len()];
        match accumulated.iter_mut().find(|b| b.id == bench.id && b.metric == bench.metric && b.tags == bench.tags) {
            Some(existing) => {
                existing.samples.extend(bench.samples);
                existing.rounds.get_or_insert_with(Vec::new).extend(rounds);
            }
            None => {
                bench.rounds = Some(rounds);
                bench.summary.clear();
                accumulated.push(bench);
            }
        }
    }
}

/// Adds `round`'s bucket counts and sum to `into`; false when their bounds differ.
fn add_bucket_counts(into: &mut Benchmark, round: &Benchmark) -> bool {
    let (Some(pooled), Some(added)) = (into.buckets.as_mut(), round.buckets.as_ref()) else { return false };
    if buckets::merge(pooled, added).is_err() {
        return false;
    }
    let count = buckets::total(pooled) as f64;
    into.summary.insert("count".into(), count);
    let sum = into.summary.get("sum").zip(round.summary.get("sum")).map(|(a, b)| a + b);
    into.summary.remove("mean");
    match sum {
        Some(sum) => {
            into.summary.insert("sum".into(), sum);
            if count > 0.0 {
                into.summary.insert("mean".into(), sum / count);
            }
        }
        None => {
            into.summary.remove("sum");
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;

    #[test]
    fn the_schedule_is_balanced_and_seeded() {
        const TWO: [Side; 2] = [Side::Base, Side::Head];
        let schedule = interleaved_schedule(10, 7, &TWO);
        assert_eq!(schedule.len(), 10);
        for pair in schedule.chunks(2) {
            assert_eq!(pair[0], [pair[1][1], pair[1][0]], "each pair of rounds is AB/BA or BA/AB");
        }
        let base_first = schedule.iter().filter(|o| o[0] == Side::Base).count();
        assert_eq!(base_first, 5);
        assert_eq!(schedule, interleaved_schedule(10, 7, &TWO));
        let orders: std::collections::BTreeSet<_> =
            (0..20).map(|seed| interleaved_schedule(2, seed, &TWO)[0][0] == Side::Base).collect();
        assert_eq!(orders.len(), 2, "the first side is drawn at random");
        assert_eq!(interleaved_schedule(3, 1, &TWO).len(), 3);
    }

    #[test]
    fn with_an_anchor_every_side_takes_every_place_equally_often() {
        const THREE: [Side; 3] = [Side::Base, Side::Head, Side::Anchor];
        let schedule = interleaved_schedule(12, 3, &THREE);
        assert_eq!(schedule, interleaved_schedule(12, 3, &THREE));
        for block in schedule.chunks(6) {
            let orders: std::collections::BTreeSet<_> = block.iter().collect();
            assert_eq!(orders.len(), 6, "a block of six rounds takes the six orders once: {block:?}");
        }
        for side in THREE {
            for place in 0..3 {
                assert_eq!(schedule.iter().filter(|o| o[place] == side).count(), 4, "{side:?} at {place}");
            }
        }
        assert_ne!(schedule[..6], interleaved_schedule(12, 4, &THREE)[..6], "the orders are shuffled by the seed");
    }

    #[test]
    fn rounds_accumulate_samples_and_keep_their_round() {
        let mut accumulated = Vec::new();
        let bench = |samples: Vec<f64>| Benchmark::with_samples("parse", "time", Unit::Ns, samples);
        add_round(&mut accumulated, vec![bench(vec![1.0, 2.0])], 1);
        add_round(&mut accumulated, vec![bench(vec![3.0])], 2);
        let mut single = bench(vec![]);
        single.id = "single".into();
        single.summary.insert("median".into(), 9.0);
        add_round(&mut accumulated, vec![single.clone()], 1);
        add_round(&mut accumulated, vec![single], 2);
        assert_eq!(accumulated[0].samples, [1.0, 2.0, 3.0]);
        assert_eq!(accumulated[0].rounds.as_deref(), Some(&[1, 1, 2][..]));
        assert_eq!(accumulated[1].samples, [9.0, 9.0]);
        assert_eq!(accumulated[1].rounds.as_deref(), Some(&[1, 2][..]));
    }

    #[test]
    fn bucketed_rounds_add_up_their_counts_and_sums() {
        let scrape = |counts: [u64; 2], sum: f64, le: f64| {
            let mut bench = Benchmark::with_samples("rpc_seconds", "rpc_seconds", Unit::Ns, Vec::new());
            let list = [(le, counts[0]), (f64::INFINITY, counts[1])];
            bench.buckets =
                Some(list.iter().map(|&(le, cumulative)| buckets::BucketCount { le, cumulative }).collect());
            bench.summary = [("count", counts[1] as f64), ("sum", sum), ("mean", sum / counts[1] as f64)]
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect();
            bench
        };
        let mut accumulated = Vec::new();
        add_round(&mut accumulated, vec![scrape([3, 4], 8.0, 1e9)], 1);
        add_round(&mut accumulated, vec![scrape([1, 4], 12.0, 1e9)], 2);
        assert_eq!(accumulated.len(), 1);
        let pooled = &accumulated[0];
        assert_eq!(buckets::total(pooled.buckets.as_ref().unwrap()), 8);
        assert_eq!(pooled.buckets.as_ref().unwrap()[0].cumulative, 4);
        assert_eq!((pooled.summary["sum"], pooled.summary["mean"], pooled.summary["count"]), (20.0, 2.5, 8.0));
        assert!(pooled.samples.is_empty() && pooled.rounds.is_none());
        add_round(&mut accumulated, vec![scrape([1, 4], 12.0, 2e9)], 3);
        assert_eq!(accumulated.len(), 2, "other bounds stay apart");
    }
}
