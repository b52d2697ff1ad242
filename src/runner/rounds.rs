//! Base and head in interleaved rounds: every benchmark runs once per side per
//! round, in an order that is randomized but balanced (each pair of rounds is
//! A B B A or B A A B), so drift of the machine hits both sides alike. Every
//! sample keeps its round, for the paired statistics.
//!
//! The rounds come in passes of two. A suite whose runs are short runs whole
//! in each (base, head, head, base: every undecided benchmark per run); one
//! whose runs are long runs in chunks of a few benchmarks, each chunk A B B A
//! before the next, so that the sides of a pair are seconds apart
//! (`grouping`). A suite's first run is a probe of its first few benchmarks
//! that tells which.
//!
//! Within a time budget: the first round of a suite that runs whole is never
//! cut short (it says what a round takes); after the first pass the rounds
//! that fit are fixed (`plan`); from `min-rounds` on, a look after every pass
//! says which benchmarks are still undecided, and the next pass runs only
//! those (through the harness's filter). The rounds end when everything is
//! decided, at the most rounds, or when the next would not fit the budget; a
//! run the budget's deadline cuts short is stopped and its round of its
//! benchmarks dropped. Chunks are bound by the deadline from the start: the
//! chunks a budget cannot hold are not measured, and say so.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use anyhow::{bail, Result};

use super::command::RunError;
use super::harness::{Harness, Steering};
use super::plan::{self, Budget};
use super::progress::Progress;
use super::suite::{collect_suite, RunSettings, Steer, Tree};
use crate::config::Suite;
use crate::model::units::human_duration as human;
use crate::model::Benchmark;

mod accumulate;
pub mod grouping;
mod schedule;

use accumulate::add_round;
use grouping::Grouping;
pub use schedule::interleaved_schedule;

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

/// One suite as the rounds run it.
#[derive(Debug, Clone)]
pub struct RoundSuite<'a> {
    pub suite: &'a Suite,
    /// The harness perfgate steers; None: the command runs as written.
    pub harness: Option<Harness>,
    /// Short-round options, and the benchmarks of the first round (a shard's).
    pub steering: Steering,
    /// The benchmarks its harness listed (harness names, in listing order), when it lists them.
    pub listed: Option<Vec<String>>,
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
    /// The last round any benchmark completed.
    pub rounds: u32,
    /// The rounds that fit the budget, fixed after the first pass.
    pub max_rounds: u32,
    pub stop: Option<Stop>,
    /// Per suite: the rounds it ran in, what its runs took (all sides), and how it was grouped.
    pub suites: BTreeMap<String, SuiteRounds>,
    /// Suites whose command could not be limited to the undecided benchmarks: they ran whole.
    pub unfiltered: BTreeSet<String>,
}

impl RoundResults {
    pub fn side_mut(&mut self, side: Side) -> &mut BTreeMap<String, Vec<Benchmark>> {
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

    pub fn failures_mut(&mut self, side: Side) -> &mut Vec<(String, String)> {
        match side {
            Side::Anchor => &mut self.anchor_failures,
            _ => &mut self.base_failures,
        }
    }
}

/// What one suite's runs cost, and how they went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SuiteRounds {
    /// The last round any of its benchmarks completed.
    pub rounds: u32,
    pub seconds: f64,
    /// Chunked: the seconds of one side's run per benchmark that made it so (None: it ran whole).
    pub chunked: Option<f64>,
    /// Benchmarks that measured far longer than the round options asked (harness names), with
    /// the most seconds each measured in one run; and what was asked.
    pub ignored_options: BTreeMap<String, f64>,
    pub asked_seconds: Option<f64>,
    /// Benchmarks the time budget left unmeasured in some pass (harness names).
    pub unmeasured: BTreeSet<String>,
}

/// A run measured longer than this many times what was asked (plus [`IGNORED_MARGIN`]) did not
/// take the round options.
const IGNORED_FACTOR: f64 = 2.0;
const IGNORED_MARGIN: f64 = 0.05;

/// Whether a benchmark that measured `measured` seconds where `asked` were asked ignored the
/// round options (a benchmark group that sets its own times in code).
pub fn ignored_round_options(asked: f64, measured: f64) -> bool {
    measured > IGNORED_FACTOR * asked + IGNORED_MARGIN
}

/// A looker that never stops the rounds early.
pub struct NeverStop;

impl Looker for NeverStop {
    fn look(&mut self, results: &RoundResults, _: u32, _: u32) -> Result<Needed> {
        Ok(results.head.keys().chain(results.base.keys()).map(|suite| (suite.clone(), None)).collect())
    }
}

/// What became of one run.
enum Ran {
    Measured(Vec<Benchmark>),
    /// Not run: the suite has no command and was read in round 1, or this side cannot run it.
    Skipped,
    /// The time budget's deadline stopped it (or came first).
    Spent,
}

/// Run `suites` on the base and head trees (and the anchor's) in interleaved rounds within `budget`,
/// asking `looker` after every pass from the budget's `min_rounds` on what still needs measuring.
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
    let mut rounds = Rounds {
        suites,
        sides,
        settings,
        seed,
        deadline: started.checked_add(budget.time),
        schedule: interleaved_schedule(budget.max_rounds, seed, &sides.all()),
        results: RoundResults { max_rounds: budget.max_rounds, ..RoundResults::default() },
        groupings: vec![Grouping::Undecided; suites.len()],
        limits: grouping::Limits::of_budget(budget.time),
        pace: BTreeMap::new(),
        first_round_seconds: 0.0,
        progress,
    };
    // What each suite runs in the next pass: None for all it selects, else these harness names.
    let mut next: BTreeMap<usize, Option<BTreeSet<String>>> =
        suites.iter().enumerate().map(|(index, s)| (index, s.steering.only.clone())).collect();
    let (mut pass, mut last_round) = (0u32, 0u32);
    loop {
        let first = last_round + 1;
        let fit = if pass == 0 { 2 } else { rounds.whole_rounds_that_fit(&next) };
        let pass_rounds: Vec<u32> = (first..first + fit).take_while(|&r| r <= rounds.results.max_rounds).collect();
        if pass_rounds.is_empty() {
            let held_by_budget = rounds.results.max_rounds < budget.max_rounds || fit == 0;
            rounds.results.stop = Some(if held_by_budget { Stop::TimeBudget } else { Stop::MaxRounds });
            break;
        }
        let pass_started = Instant::now();
        let mut spent = false;
        for (&index, only) in &next {
            if rounds.run_pass(index, only.as_ref(), pass, &pass_rounds)? {
                spent = true;
                break;
            }
        }
        if pass == 0 {
            if rounds.first_round_seconds > budget.time.as_secs_f64() {
                let first = std::time::Duration::from_secs_f64(rounds.first_round_seconds);
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
            let per_round = pass_started.elapsed() / pass_rounds.len() as u32;
            rounds.results.max_rounds = plan::rounds_that_fit(&budget, per_round).max(rounds.results.rounds);
            let runs = rounds.runs_per_round() * u64::from(rounds.results.max_rounds);
            rounds.progress.set_runs(runs);
        }
        if spent {
            rounds.results.stop = Some(Stop::TimeBudget);
            break;
        }
        let round = *pass_rounds.last().expect("a pass has a round");
        last_round = round;
        if round >= rounds.results.max_rounds {
            let held_by_budget = rounds.results.max_rounds < budget.max_rounds;
            rounds.results.stop = Some(if held_by_budget { Stop::TimeBudget } else { Stop::MaxRounds });
            break;
        }
        if round >= budget.min_rounds.min(rounds.results.max_rounds) {
            let needed = looker.look(&rounds.results, round, rounds.results.max_rounds)?;
            next = next_pass(suites, &rounds.results, &needed);
            if next.is_empty() {
                rounds.results.stop = Some(Stop::AllDecided);
                break;
            }
        }
        pass += 1;
    }
    Ok(rounds.results)
}

/// The state of the rounds of one check.
struct Rounds<'r, 's> {
    suites: &'r [RoundSuite<'s>],
    sides: Sides<'r>,
    settings: &'r RunSettings,
    seed: u64,
    deadline: Option<Instant>,
    /// The order of the sides in each round of the suites that run whole.
    schedule: Vec<Vec<Side>>,
    results: RoundResults,
    groupings: Vec<Grouping>,
    limits: grouping::Limits,
    /// Seconds per benchmark of the last run of each suite on each side.
    pace: BTreeMap<(usize, Side), f64>,
    /// Wall time of the first round's runs of the suites that run whole.
    first_round_seconds: f64,
    progress: &'r mut Progress,
}

impl Rounds<'_, '_> {
    /// One pass of suite `index` over `only` (None: everything it selects); true when the
    /// time budget was spent.
    fn run_pass(&mut self, index: usize, only: Option<&BTreeSet<String>>, pass: u32, rounds: &[u32]) -> Result<bool> {
        let planned = &self.suites[index];
        if self.groupings[index] == Grouping::Undecided {
            return self.first_pass(index, only, rounds);
        }
        match self.groupings[index].clone() {
            Grouping::Chunked { per_benchmark } => {
                let names = in_listing_order(planned, only);
                let chunks = grouping::chunks(&names, per_benchmark, self.limits);
                self.run_chunks(index, chunks, pass, rounds)
            }
            _ => {
                let orders: Vec<Vec<Side>> = rounds.iter().map(|&r| self.schedule[r as usize - 1].clone()).collect();
                self.run_unit(index, only, rounds, &orders, None)
            }
        }
    }

    /// The first pass of a suite: a probe of its first benchmarks on the first side, which
    /// decides how it runs, then the rest of the pass that way.
    fn first_pass(&mut self, index: usize, only: Option<&BTreeSet<String>>, rounds: &[u32]) -> Result<bool> {
        let planned = &self.suites[index];
        let names = in_listing_order(planned, only);
        let orders: Vec<Vec<Side>> = rounds.iter().map(|&r| self.schedule[r as usize - 1].clone()).collect();
        let probe = grouping::probe(&names).filter(|probe| can_filter(planned, probe));
        let Some(probe) = probe else {
            self.groupings[index] = Grouping::Whole;
            return self.run_unit(index, only, rounds, &orders, None);
        };
        let first_side = orders[0][0];
        let probed = match self.run(index, Some(&probe), first_side, rounds[0], false)? {
            Ran::Measured(benchmarks) => benchmarks,
            // The first side cannot run the suite at all: it runs whole on the others.
            _ => {
                self.groupings[index] = Grouping::Whole;
                return self.run_unit(index, only, rounds, &orders, None);
            }
        };
        let per_benchmark = self.pace.get(&(index, first_side)).copied().unwrap_or(0.0);
        self.groupings[index] = grouping::after_probe(per_benchmark, names.len(), self.limits);
        let rest: Vec<String> = names.iter().filter(|name| !probe.contains(*name)).cloned().collect();
        if let Grouping::Chunked { per_benchmark } = self.groupings[index] {
            self.results.suites.entry(planned.suite.name.clone()).or_default().chunked = Some(per_benchmark);
            // The probe is the first chunk: its first run is done, and its order starts with that side.
            let probe_orders = [orders[0].clone(), orders[0].iter().rev().copied().collect()];
            let probe_rounds = &rounds[..rounds.len().min(2)];
            if self.run_unit(index, Some(&probe), probe_rounds, &probe_orders, Some((first_side, probed)))? {
                return Ok(true);
            }
            return self.run_chunks(index, grouping::chunks(&rest, per_benchmark, self.limits), 0, rounds);
        }
        // Whole: the rest of the first side's run, then the pass as usual.
        let rest: BTreeSet<String> = rest.into_iter().collect();
        let mut first_run = probed;
        if let Ran::Measured(benchmarks) = self.run(index, Some(&rest), first_side, rounds[0], false)? {
            first_run.extend(benchmarks);
        }
        self.run_unit(index, only, rounds, &orders, Some((first_side, first_run)))
    }

    /// Chunks of suite `index`, each over `rounds` (A B B A), within the deadline; true when the
    /// time budget was spent before every chunk ran.
    fn run_chunks(&mut self, index: usize, chunks: Vec<BTreeSet<String>>, pass: u32, rounds: &[u32]) -> Result<bool> {
        let sides = self.sides.all();
        let mut left = chunks.into_iter().enumerate();
        while let Some((at, chunk)) = left.next() {
            let orders = schedule::chunk_orders(self.seed, pass, at, &sides);
            let fitting = (1..=rounds.len()).rev().find(|&n| self.fits(index, chunk.len(), n)).unwrap_or(0);
            if fitting == 0 || self.run_unit(index, Some(&chunk), &rounds[..fitting], &orders, None)? {
                let suite = self.results.suites.entry(self.suites[index].suite.name.clone()).or_default();
                suite.unmeasured.extend(chunk);
                suite.unmeasured.extend(left.flat_map(|(_, chunk)| chunk));
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether `rounds` rounds of `benchmarks` benchmarks of suite `index` end before the deadline,
    /// at the pace of their last runs.
    fn fits(&self, index: usize, benchmarks: usize, rounds: usize) -> bool {
        let Some(deadline) = self.deadline else { return true };
        let per_round: f64 =
            self.sides.all().iter().map(|side| self.pace.get(&(index, *side)).copied().unwrap_or(0.0)).sum();
        let needed = std::time::Duration::from_secs_f64(per_round * benchmarks as f64 * rounds as f64);
        Instant::now() + needed <= deadline
    }

    /// How many rounds (at most two) of the suites that run whole fit the rest of the budget
    /// at the pace of their last runs.
    fn whole_rounds_that_fit(&self, next: &BTreeMap<usize, Option<BTreeSet<String>>>) -> u32 {
        let Some(deadline) = self.deadline else { return 2 };
        let per_round: f64 = next
            .iter()
            .filter(|(index, _)| self.groupings[**index] == Grouping::Whole)
            .map(|(&index, only)| {
                let count = only.as_ref().map_or_else(|| self.measured_count(index), BTreeSet::len) as f64;
                let pace: f64 =
                    self.sides.all().iter().map(|side| self.pace.get(&(index, *side)).copied().unwrap_or(0.0)).sum();
                pace * count
            })
            .sum();
        let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
        if per_round == 0.0 {
            2
        } else {
            (left / per_round).floor().min(2.0) as u32
        }
    }

    /// Benchmarks suite `index` measured in its last run of the head.
    fn measured_count(&self, index: usize) -> usize {
        let name = &self.suites[index].suite.name;
        self.results.head.get(name).map_or(1, Vec::len).max(1)
    }

    /// Runs needed for one round of every suite on every side, as grouped now.
    fn runs_per_round(&self) -> u64 {
        let sides = self.sides.all().len() as u64;
        let units: u64 = (0..self.suites.len())
            .map(|index| match &self.groupings[index] {
                Grouping::Chunked { per_benchmark } => {
                    let names = self.suites[index].listed.as_ref().map_or(1, Vec::len);
                    grouping::chunks(&vec![String::new(); names], *per_benchmark, self.limits).len() as u64
                }
                _ => 1,
            })
            .sum();
        units * sides
    }

    /// `rounds` of one unit of suite `index` (its benchmarks `only`), the sides of each in the
    /// order `orders` gives; `done`: the first round's run of one side, already measured.
    /// A round is kept when none of its runs ran out of time; true when one did.
    fn run_unit(
        &mut self,
        index: usize,
        only: Option<&BTreeSet<String>>,
        rounds: &[u32],
        orders: &[Vec<Side>],
        mut done: Option<(Side, Vec<Benchmark>)>,
    ) -> Result<bool> {
        let whole = !matches!(self.groupings[index], Grouping::Chunked { .. });
        for (&round, order) in rounds.iter().zip(orders) {
            let mut staged: Vec<(Side, Vec<Benchmark>)> = Vec::new();
            for &side in order {
                if let Some((_, benchmarks)) = done.take_if(|(ran, _)| *ran == side && round == rounds[0]) {
                    staged.push((side, benchmarks));
                    continue;
                }
                // The first round of a suite that runs whole is never cut short: it says what a round takes.
                let guarded = !(whole && round == 1);
                match self.run(index, only, side, round, guarded)? {
                    Ran::Measured(benchmarks) => staged.push((side, benchmarks)),
                    Ran::Skipped => {}
                    Ran::Spent => return Ok(true),
                }
            }
            let name = self.suites[index].suite.name.clone();
            for (side, benchmarks) in staged {
                add_round(self.results.side_mut(side).entry(name.clone()).or_default(), benchmarks, round);
            }
            let suite = self.results.suites.entry(name).or_default();
            suite.rounds = suite.rounds.max(round);
            self.results.rounds = self.results.rounds.max(round);
        }
        Ok(false)
    }

    /// One run of suite `index` on `side` for `round`, limited to `only`; `guarded`: the
    /// budget's deadline stops it.
    fn run(
        &mut self,
        index: usize,
        only: Option<&BTreeSet<String>>,
        side: Side,
        round: u32,
        guarded: bool,
    ) -> Result<Ran> {
        let planned = &self.suites[index];
        let name = planned.suite.name.as_str();
        let measured_once = planned.suite.command.is_none() && round > 1;
        if measured_once || self.results.failures(side).iter().any(|(failed, _)| failed == name) {
            return Ok(Ran::Skipped);
        }
        let deadline = self.deadline.filter(|_| guarded);
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(Ran::Spent);
        }
        let settings = RunSettings { deadline, ..self.settings.clone() };
        let tree = self.sides.tree(side);
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        self.progress.start(round, self.results.max_rounds, tree.label, name, left);
        let steering = Steering { only: only.cloned(), ..planned.steering.clone() };
        let steer = planned.harness.map(|harness| Steer { harness, steering: &steering });
        let started = Instant::now();
        let collected = collect_suite(planned.suite, tree, &settings, steer);
        self.progress.finish_one();
        let seconds = started.elapsed().as_secs_f64();
        match collected {
            Ok(benchmarks) => {
                if only.is_some() && !runs_only_what_it_is_told(planned, &steering) {
                    self.results.unfiltered.insert(name.to_string());
                }
                let count = only.map_or(benchmarks.len(), BTreeSet::len).max(1);
                self.pace.insert((index, side), seconds / count as f64);
                if round == 1 && !matches!(self.groupings[index], Grouping::Chunked { .. }) {
                    self.first_round_seconds += seconds;
                }
                let suite = self.results.suites.entry(name.to_string()).or_default();
                suite.seconds += seconds;
                note_ignored_options(suite, planned, &steering, &benchmarks);
                Ok(Ran::Measured(benchmarks))
            }
            Err(_) if deadline.is_some_and(|d| Instant::now() >= d) => Ok(Ran::Spent),
            // A suite the base (or anchor) commit cannot run (new since) has no baseline there;
            // anything else — the head failing, a timeout, Ctrl-C — stops the check.
            Err(error) if side != Side::Head && round == 1 && is_command_failure(&error) => {
                self.results.failures_mut(side).push((name.to_string(), format!("{error:#}")));
                Ok(Ran::Skipped)
            }
            Err(error) => Err(error),
        }
    }
}

/// Remember the benchmarks of a run that measured far longer than its command asked.
fn note_ignored_options(suite: &mut SuiteRounds, planned: &RoundSuite, steering: &Steering, benchmarks: &[Benchmark]) {
    let (Some(harness), Some(command)) = (planned.harness, &planned.suite.command) else { return };
    let Ok(words) = shell_words::split(command) else { return };
    let Some(asked) = harness.asked_measuring(&harness.steer(&words, steering).words) else { return };
    suite.asked_seconds = Some(asked);
    for bench in benchmarks {
        let Some(measured) = bench.measured_seconds else { continue };
        if ignored_round_options(asked, measured) {
            let longest = suite.ignored_options.entry(harness.name_of(bench)).or_insert(0.0);
            *longest = longest.max(measured);
        }
    }
}

/// The suite's benchmarks `only` names (None: every one listed), in listing order; without a
/// listing, `only` itself.
fn in_listing_order(planned: &RoundSuite, only: Option<&BTreeSet<String>>) -> Vec<String> {
    match (&planned.listed, only) {
        (Some(listed), Some(only)) => listed.iter().filter(|name| only.contains(*name)).cloned().collect(),
        (Some(listed), None) => listed.clone(),
        (None, Some(only)) => only.iter().cloned().collect(),
        (None, None) => Vec::new(),
    }
}

/// Whether the suite's command can be limited to `names`.
fn can_filter(planned: &RoundSuite, names: &BTreeSet<String>) -> bool {
    runs_only_what_it_is_told(planned, &Steering { only: Some(names.clone()), ..planned.steering.clone() })
}

/// The harness names each needed suite runs next: the needed ids, named as the harness names them.
fn next_pass(
    suites: &[RoundSuite],
    results: &RoundResults,
    needed: &Needed,
) -> BTreeMap<usize, Option<BTreeSet<String>>> {
    let mut next = BTreeMap::new();
    for (index, planned) in suites.iter().enumerate() {
        let name = planned.suite.name.as_str();
        let Some(ids) = needed.get(name) else { continue };
        let only = match (planned.harness, ids) {
            (Some(harness), Some(ids)) => {
                let head = results.head.get(name).map(Vec::as_slice).unwrap_or(&[]);
                Some(head.iter().filter(|b| ids.contains(&b.id)).map(|b| harness.name_of(b)).collect())
            }
            _ => planned.steering.only.clone(),
        };
        next.insert(index, only);
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
