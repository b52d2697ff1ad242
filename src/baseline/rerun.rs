//! The default baseline: the merge-base of HEAD and the baseline ref, checked
//! out in a temporary folder and measured together with the head (the working
//! tree as it is, uncommitted changes included) in interleaved rounds on the
//! same machine, at the same time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use git2::{Oid, Repository};

use super::counted;
use super::prepare::{prepare, round_options_text};
use super::rounds_notes;
use crate::config::Config;
use crate::runner::checkout::{self, BaseCheckout};
use crate::runner::collect::head_tree;
use crate::runner::counting::COUNTED_RUNS;
use crate::runner::interrupt;
use crate::runner::plan::Budget;
use crate::runner::progress::Progress;
use crate::runner::rounds::{run_interleaved, Looker, RoundResults, RoundSuite, Sides, Stop};
use crate::runner::shard::Shard;
use crate::runner::suite::{RunSettings, TargetRedirect, Tree};
use crate::verdict::outcome::{BaselineInfo, GitInfo, Measuring, SuiteMeasuring};
use crate::verdict::Inputs;

/// Each tree builds in its own `target/`: a shared `CARGO_TARGET_DIR` would let base and head
/// artifacts replace each other every round (rebuilds, and results of the wrong side).
const PER_TREE_ENV: [&str; 1] = ["CARGO_TARGET_DIR"];

/// The repository, the two commits and where the budget file sits in the tree.
pub struct Location {
    pub repo: Repository,
    pub head: Oid,
    pub base: Oid,
    pub git_ref: String,
    /// The budget file's folder relative to the working tree's root.
    pub config_dir: PathBuf,
    /// The working tree differs from HEAD.
    pub dirty: bool,
    /// What makes the comparison meaningless (the baseline is HEAD itself), with the fix.
    pub warnings: Vec<String>,
    /// `[baseline] anchor` as written, and its commit.
    pub anchor: Option<(String, Oid)>,
}

impl Location {
    /// The commits compared, as the report names them.
    pub fn git_info(&self) -> GitInfo {
        GitInfo {
            base_commit: Some(self.base.into()),
            head_commit: Some(self.head.into()),
            head_dirty: self.dirty,
            anchor: self.anchor.as_ref().map(|(name, _)| name.clone()),
            anchor_commit: self.anchor.as_ref().map(|(_, commit)| (*commit).into()),
        }
    }
}

/// A temporary checkout as a side of the rounds. Its cargo builds go to `cache` of the user's tree
/// (`target/perfgate-base`, `target/perfgate-anchor`): only that side's checkouts ever build there
/// (the head uses `target/` itself), so nothing leaks between the sides, while dependencies
/// compiled for one check are reused by the next.
fn checkout_tree(label: &'static str, checkout: &BaseCheckout, location: &Location, cache: &str) -> Tree {
    Tree {
        label,
        config_dir: checkout.root().join(&location.config_dir),
        target_redirect: location
            .repo
            .workdir()
            .map(|root| TargetRedirect { from: checkout.root().join("target"), to: root.join(cache) }),
    }
}

/// The base's cargo build folder, relative to the repository root.
pub const BASE_BUILD_CACHE: &str = "target/perfgate-base";
/// The anchor's cargo build folder, relative to the repository root.
pub const ANCHOR_BUILD_CACHE: &str = "target/perfgate-anchor";

/// Find the merge-base of HEAD and the baseline ref for the repository holding the budget file.
pub fn locate(config: &Config) -> Result<Location> {
    let folder = config.folder();
    let repo = checkout::open_repository(folder)?;
    let head = checkout::head_commit(&repo)?;
    let git_ref = match &config.baseline.git_ref {
        Some(git_ref) => git_ref.clone(),
        None => checkout::default_ref(&repo)?,
    };
    let base = checkout::merge_base(&repo, head, &git_ref)?;
    let config_dir = checkout::relative_to_workdir(&repo, folder)?;
    let dirty = checkout::is_dirty(&repo);
    let warnings = checkout::baseline_warnings(&repo, head, base, &git_ref, dirty);
    let anchor = match &config.baseline.anchor {
        Some(name) => Some((name.clone(), checkout::anchor_commit(&repo, head, name)?)),
        None => None,
    };
    Ok(Location { repo, head, base, git_ref, config_dir, dirty, warnings, anchor })
}

/// How a re-run measures, besides the budget file.
pub struct RerunOptions<'a> {
    pub settings: RunSettings,
    /// Hide progress.
    pub quiet: bool,
    /// Decides between rounds what is still undecided.
    pub looker: &'a mut dyn Looker,
    /// Measure only these suites, each only these benchmarks (harness names; None: all of it).
    pub only: Option<BTreeMap<String, Option<BTreeSet<String>>>>,
    /// Measure only the benchmarks of this shard.
    pub shard: Option<Shard>,
}

/// Measure base and head in interleaved rounds, within the time budget.
pub fn rerun(config: &Config, options: RerunOptions) -> Result<Inputs> {
    interrupt::install();
    let location = locate(config)?;
    let dirty = location.dirty;
    // Dropped on every way out of this function (errors and Ctrl-C included): the folder is removed.
    let base_checkout = BaseCheckout::create(&location.repo, location.base)?;
    let base_tree = checkout_tree("base", &base_checkout, &location, BASE_BUILD_CACHE);
    let anchor_checkout = match &location.anchor {
        Some((_, commit)) => Some(BaseCheckout::create(&location.repo, *commit)?),
        None => None,
    };
    let anchor_tree = anchor_checkout.as_ref().map(|c| checkout_tree("anchor", c, &location, ANCHOR_BUILD_CACHE));
    let mut lock_notes = Vec::new();
    for checkout in std::iter::once(&base_checkout).chain(&anchor_checkout) {
        lock_notes.extend(lockfile_note(&checkout.share_uncommitted_lockfiles(&location.repo)?, checkout.commit));
    }
    let head_tree = head_tree(config);
    let sides = Sides { base: &base_tree, head: &head_tree, anchor: anchor_tree.as_ref() };
    let mut settings = options.settings.clone();
    settings.env_remove.extend(PER_TREE_ENV.iter().map(|s| s.to_string()));
    let budget = Budget {
        time: config.baseline.time_budget(),
        max_rounds: config.baseline.rounds,
        min_rounds: config.baseline.min_rounds,
    };

    let prepared = prepare(config, sides, &settings, &budget, options.only.as_ref(), options.shard)?;
    let (suites, mut build_seconds, mut notes) = (prepared.suites, prepared.build_seconds, prepared.notes);
    notes.extend(lock_notes);

    let rounds_started = Instant::now();
    let counting = counted::counted_suites(config, options.only.as_ref(), options.shard);
    let counted = counted::count_on_sides(&counting, sides, &settings, options.only.as_ref(), options.quiet)?;
    let mut results = if suites.is_empty() {
        let runs = if counting.is_empty() { 0 } else { COUNTED_RUNS as u32 };
        RoundResults { rounds: runs, max_rounds: runs, stop: Some(Stop::AllDecided), ..RoundResults::default() }
    } else {
        // The timed suites get what counting left of the time budget.
        let left = budget.time.saturating_sub(std::time::Duration::from_secs_f64(counted.seconds));
        let budget = Budget { time: left, ..budget };
        let runs_per_round = sides.all().len() as u64 * suites.len() as u64;
        let mut progress = Progress::new(u64::from(budget.max_rounds) * runs_per_round, options.quiet);
        let results =
            run_interleaved(&suites, sides, budget, config.gate.seed, &settings, &mut progress, options.looker);
        progress.finish();
        results?
    };
    counted::merge(&mut results, counted.results);
    build_seconds += counted.build_seconds;
    let seconds = rounds_started.elapsed().as_secs_f64() - counted.build_seconds;

    let short = |oid: Oid| oid.to_string()[..10].to_string();
    if dirty {
        notes.push(format!(
            "The head is the working tree as it is, uncommitted changes included (on top of {}).",
            short(location.head)
        ));
    }
    for (suite, reason) in &results.base_failures {
        notes.push(format!(
            "Suite {suite:?} could not run on the base commit {}, so it is judged without a baseline: {}",
            short(location.base),
            first_line(reason)
        ));
    }
    if let Some((name, commit)) = &location.anchor {
        for (suite, reason) in &results.anchor_failures {
            notes.push(format!(
                "Suite {suite:?} could not run on the anchor {name} ({}), so its drift is not judged: {}",
                short(*commit),
                first_line(reason)
            ));
        }
    }
    notes.extend(rounds_notes::notes(&results, budget.time));
    let measuring = Measuring {
        rounds: results.rounds,
        max_rounds: results.max_rounds,
        stop: results.stop.unwrap_or(Stop::MaxRounds),
        undecided: 0,
        time_budget: budget.time.as_secs_f64(),
        seconds,
        build_seconds,
        suites: suites
            .iter()
            .map(|planned| {
                let ran = results.suites.get(&planned.suite.name).cloned().unwrap_or_default();
                SuiteMeasuring {
                    name: planned.suite.name.clone(),
                    rounds: ran.rounds,
                    seconds: ran.seconds,
                    harness: planned.harness.map(|h| h.name().to_string()),
                    round_options: round_options_text(planned),
                    filtered: planned.harness.is_some() && !results.unfiltered.contains(&planned.suite.name),
                    chunked: ran.chunked,
                    ignored_round_options: ran.ignored_options.keys().cloned().collect(),
                    asked_seconds: ran.asked_seconds.filter(|_| !ran.ignored_options.is_empty()),
                    longest_seconds: ran.ignored_options.values().copied().reduce(f64::max),
                    unmeasured: ran.unmeasured.iter().cloned().collect(),
                }
            })
            .chain(counted.measuring)
            .collect(),
    };
    let unmeasured = never_measured(&suites, &results);
    let anchor = location.anchor.as_ref().map(|_| results.anchor);
    Ok(Inputs {
        head: results.head,
        base: Some(results.base),
        anchor,
        baseline: BaselineInfo {
            source: crate::config::BaselineSource::Rerun,
            description: format!(
                "merge-base {} of HEAD and {}, re-run with the head{} in {} {}",
                short(location.base),
                location.git_ref,
                location
                    .anchor
                    .as_ref()
                    .map(|(name, c)| format!(" and the anchor {name} ({})", short(*c)))
                    .unwrap_or_default(),
                results.rounds,
                if suites.is_empty() { "counted runs a side" } else { "interleaved rounds" }
            ),
        },
        git: location.git_info(),
        notes,
        warnings: location.warnings,
        measuring: Some(measuring),
        partial: false,
        calibration: None,
        unmeasured,
    })
}

/// Per suite, the benchmarks the time budget left without a single round on the head (by the names
/// the harness runs them under, which are their ids).
fn never_measured(suites: &[RoundSuite], results: &RoundResults) -> BTreeMap<String, BTreeSet<String>> {
    let mut never = BTreeMap::new();
    for planned in suites {
        let (Some(harness), Some(ran)) = (planned.harness, results.suites.get(&planned.suite.name)) else { continue };
        let head = results.head.get(&planned.suite.name).map(Vec::as_slice).unwrap_or(&[]);
        let measured: BTreeSet<String> = head.iter().map(|b| harness.name_of(b)).collect();
        let missing: BTreeSet<String> = ran.unmeasured.difference(&measured).cloned().collect();
        if !missing.is_empty() {
            never.insert(planned.suite.name.clone(), missing);
        }
    }
    never
}

/// The note of a checkout that was given the working tree's lock files.
fn lockfile_note(copied: &[PathBuf], commit: Oid) -> Option<String> {
    let names: Vec<String> = copied.iter().map(|path| path.display().to_string()).collect();
    (!names.is_empty()).then(|| {
        format!(
            "{} is not committed, so {} builds with the working tree's: both sides use the same dependency versions.",
            names.join(", "),
            &commit.to_string()[..10]
        )
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}
