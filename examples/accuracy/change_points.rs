//! Change points along a recorded history (`stats::change_points`): false
//! changes in flat series, steps found where they are, gaps and spikes.
//!
//! Each commit's value is its true level × a runner factor (lognormal, fresh
//! per commit) × the mean of 10 samples with 3 % CV, whose standard error the
//! point carries — one recorded run per commit, as `perfgate record` stores it.

use perfgate::stats::change_points::{detect, Detected, Observation, Settings};
use rand::Rng;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;

use super::sections::Size;
use super::table::{percent, Table};

/// Samples behind each recorded value, and their coefficient of variation.
const SAMPLES: usize = 10;
const SAMPLE_CV: f64 = 0.03;
/// Runner-to-runner noise of 1.5 %: with the samples' own error, 1.8 % point to point.
const RUNNER_SD: f64 = 0.015;
/// The runner noise that makes the point-to-point CV exactly 2 %.
fn runner_sd_for_two_percent() -> f64 {
    (0.02f64.powi(2) - SAMPLE_CV.powi(2) / SAMPLES as f64).sqrt()
}

/// One simulated history: a commit's level, and whether it was recorded.
struct History {
    levels: Vec<f64>,
    recorded: Vec<bool>,
}

impl History {
    fn flat(commits: usize) -> Self {
        History { levels: vec![1.0; commits], recorded: vec![true; commits] }
    }

    /// `change` from commit `at` on.
    fn step(commits: usize, at: usize, change: f64) -> Self {
        let levels = (0..commits).map(|i| if i < at { 1.0 } else { 1.0 + change }).collect();
        History { levels, recorded: vec![true; commits] }
    }

    /// The recorded commits' observations, oldest first.
    fn observe(&self, rng: &mut Pcg64, runner_sd: f64) -> Vec<Observation> {
        let runner = Normal::new(0.0f64, runner_sd).expect("a valid normal");
        let sample = Normal::new(0.0f64, SAMPLE_CV).expect("a valid normal");
        let mut observations = Vec::new();
        for (position, level) in self.levels.iter().enumerate() {
            let factor = level * runner.sample(rng).exp();
            let samples: Vec<f64> = (0..SAMPLES).map(|_| factor * sample.sample(rng).exp()).collect();
            if !self.recorded[position] {
                continue;
            }
            let mean = samples.iter().sum::<f64>() / SAMPLES as f64;
            let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (SAMPLES - 1) as f64;
            let std_error = Some((variance / SAMPLES as f64).sqrt());
            observations.push(Observation { position, value: mean, std_error });
        }
        observations
    }
}

/// How a detector did on histories with one true step.
#[derive(Default)]
struct StepTally {
    trials: usize,
    within_one: usize,
    exact: usize,
    none: usize,
    extra: usize,
    covered: usize,
    oracle_within_one: usize,
}

impl StepTally {
    fn add(&mut self, found: &[Detected], truth: usize, change: f64, oracle: usize) {
        self.trials += 1;
        let near = found.iter().find(|d| d.index.abs_diff(truth) <= 1);
        self.within_one += usize::from(near.is_some());
        self.exact += usize::from(found.iter().any(|d| d.index == truth));
        self.none += usize::from(found.is_empty());
        self.extra += found.len() - usize::from(near.is_some());
        self.covered += usize::from(near.is_some_and(|d| d.ci[0] <= change && change <= d.ci[1]));
        self.oracle_within_one += usize::from(oracle.abs_diff(truth) <= 1);
    }

    fn share(&self, count: usize) -> String {
        share_with_error(count, self.trials)
    }
}

/// A share with its Monte-Carlo standard error.
fn share_with_error(count: usize, trials: usize) -> String {
    let p = count as f64 / trials as f64;
    format!("{} ± {:.1}", percent(Some(p)), 100.0 * (p * (1.0 - p) / trials as f64).sqrt())
}

/// Where the step is most likely with the two true levels known: the best
/// any detector can locate it (least squares on the log values).
fn oracle_location(observations: &[Observation], before: f64, after: f64) -> usize {
    let cost = |split: usize| -> f64 {
        let (low, high) = (before.ln(), after.ln());
        observations.iter().enumerate().map(|(i, o)| (o.value.ln() - if i < split { low } else { high }).powi(2)).sum()
    };
    (1..observations.len()).min_by(|&a, &b| cost(a).total_cmp(&cost(b))).expect("at least two observations")
}

/// A step of `change` under runner noise `runner_sd`, with a share `gaps` of the commits unrecorded.
#[derive(Clone, Copy)]
struct Step {
    change: f64,
    runner_sd: f64,
    gaps: f64,
}

const ISSUE_STEP: Step = Step { change: 0.05, runner_sd: RUNNER_SD, gaps: 0.0 };

/// Steps at a random commit at least `min_segment` recorded points from either end.
fn steps(trials: usize, commits: usize, step: Step, settings: &Settings, rng: &mut Pcg64) -> StepTally {
    let Step { change, runner_sd, gaps } = step;
    let mut tally = StepTally::default();
    while tally.trials < trials {
        let mut history = History::step(commits, rng.gen_range(1..commits), change);
        history.recorded = (0..commits).map(|_| !rng.gen_bool(gaps)).collect();
        let observations = history.observe(rng, runner_sd);
        // The first recorded point at or after the step's commit.
        let at = history.levels.iter().position(|&l| l != 1.0).expect("a step");
        let truth = observations.iter().position(|o| o.position >= at).unwrap_or(observations.len());
        if truth < settings.min_segment || observations.len() - truth < settings.min_segment {
            continue;
        }
        let found = detect(&observations, settings).expect("valid observations");
        tally.add(&found, truth, change, oracle_location(&observations, 1.0, 1.0 + change));
    }
    tally
}

/// False change points in flat histories (with an optional spike of `spike` at the middle commit).
fn false_changes(series: usize, commits: usize, spike: f64, settings: &Settings, rng: &mut Pcg64) -> usize {
    (0..series)
        .map(|_| {
            let mut history = History::flat(commits);
            history.levels[commits / 2] += spike;
            detect(&history.observe(rng, RUNNER_SD), settings).expect("valid observations").len()
        })
        .sum()
}

/// Settings at significance level `alpha`, with permutations enough for ten exceedances.
fn at_alpha(alpha: f64) -> Settings {
    Settings { alpha, permutations: (10.0 / alpha).round() as usize - 1, ..Settings::default() }
}

/// A generator per table row, so that rows share histories where they share a seed
/// (common random numbers: the significance levels are compared on the same histories).
fn rows_rng(seed: u64, row: u64) -> Pcg64 {
    Pcg64::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(row))
}

/// Step histories per row of the main table: the rates sit near the best
/// possible, so they are measured to ±0.35 points.
const STEP_TRIALS_FACTOR: usize = 4;

/// The published section.
pub fn change_points(size: Size, seed: u64) -> String {
    let defaults = Settings::default();
    let (series, points, commits) = (size.aa_reps, 100, 40);
    let trials = STEP_TRIALS_FACTOR * size.power_reps;
    let per_thousand = |count: usize| {
        let total = (series * points) as f64;
        format!(
            "{count} ({:.3} ± {:.3} per 1,000 points)",
            1000.0 * count as f64 / total,
            1000.0 * (count as f64).sqrt() / total
        )
    };
    const FLAT: u64 = 1;
    const ISSUE: u64 = 3;
    let mut flat_table = Table::new(["flat history", "series x points", "false change points"]);
    for (row, name, spike) in [(FLAT, "point-to-point CV 1.8 %", 0.0), (2, "one +30 % spike at the middle", 0.30)] {
        let count = false_changes(series, points, spike, &defaults, &mut rows_rng(seed, row));
        flat_table.row(vec![name.into(), format!("{series} x {points}"), per_thousand(count)]);
    }

    let two_percent = Step { runner_sd: runner_sd_for_two_percent(), ..ISSUE_STEP };
    let rows = [
        (ISSUE, "+5 %, point-to-point CV 1.8 % (runner 1.5 % and samples)", commits, ISSUE_STEP),
        (4, "+5 %, point-to-point CV 2.0 %", commits, two_percent),
        (5, "+5 %, CV 1.8 %, 50 commits, 20 % of them unrecorded", 50, Step { gaps: 0.2, ..ISSUE_STEP }),
        (6, "+10 %, point-to-point CV 1.8 %", commits, Step { change: 0.10, ..ISSUE_STEP }),
    ];
    let mut step_table = Table::new([
        "step",
        "found within ±1",
        "exactly right",
        "none found",
        "extra change points per series",
        "interval covers the step",
        "most likely split with the true levels known: within ±1",
    ]);
    for (row, name, commits, step) in rows {
        let tally = steps(trials, commits, step, &defaults, &mut rows_rng(seed, row));
        step_table.row(vec![
            name.into(),
            tally.share(tally.within_one),
            tally.share(tally.exact),
            tally.share(tally.none),
            format!("{:.3}", tally.extra as f64 / tally.trials as f64),
            share_with_error(tally.covered, tally.within_one),
            tally.share(tally.oracle_within_one),
        ]);
    }

    let alpha_trials = size.power_reps;
    let mut alpha_table = Table::new([
        "alpha (permutations)",
        "false change points (flat)",
        "+5 % found within ±1",
        "none found",
        "most likely split, true levels known: within ±1",
    ]);
    for alpha in [0.01, 0.005, 0.001] {
        let settings = at_alpha(alpha);
        let count = false_changes(series, points, 0.0, &settings, &mut rows_rng(seed, FLAT));
        let tally = steps(alpha_trials, commits, ISSUE_STEP, &settings, &mut rows_rng(seed, ISSUE));
        alpha_table.row(vec![
            format!("{alpha} ({})", settings.permutations),
            per_thousand(count),
            tally.share(tally.within_one),
            tally.share(tally.none),
            tally.share(tally.oracle_within_one),
        ]);
    }
    format!(
        "### Change points: false changes in flat histories (defaults, seed {seed})\n\n{}\n\
         ### Change points: one step in {commits} commits, at least 4 recorded points from either end (defaults; {trials} histories per row, seed {seed})\n\n{}\n\
         ### Change points by significance level (the same {series} flat histories of {points} points and first {alpha_trials} histories with the +5 % step at 1.8 % as above)\n\n{}\n",
        flat_table.render(),
        step_table.render(),
        alpha_table.render()
    )
}
