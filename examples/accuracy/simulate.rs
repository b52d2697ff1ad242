//! Simulated checks: one suite measured on base and head, either re-run
//! together in interleaved rounds (paired) or in one run per side (unpaired,
//! a stored baseline), plus earlier runs of the base for history-window rules.

use std::collections::BTreeMap;

use perfgate::model::{Benchmark, Unit};
use perfgate::verdict::Inputs;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::noise::{log_shift, standard_normal, Noise};

/// The suite name every simulated check uses.
pub const SUITE: &str = "sim";
/// Earlier runs of the base a history-window rule (Bencher) compares against.
pub const HISTORY_RUNS: usize = 10;

/// How base and head are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Base and head re-run together in interleaved rounds (`source = "rerun"`).
    Paired { rounds: usize, per_round: usize },
    /// One run per side (`source = "notes"` or `"file"`).
    Unpaired { samples: usize },
}

impl Design {
    pub fn describe(self) -> String {
        match self {
            Design::Paired { rounds, per_round } => format!("paired, {rounds} rounds x {per_round} samples"),
            Design::Unpaired { samples } => format!("unpaired, one run of {samples} samples per side"),
        }
    }

    /// Samples of one run of one side as a tool would take them (one round when paired).
    pub fn samples_per_run(self) -> usize {
        match self {
            Design::Paired { per_round, .. } => per_round,
            Design::Unpaired { samples } => samples,
        }
    }
}

/// One simulated check: what `perfgate check` would judge (the truth stays with the caller).
pub struct SimulatedCheck {
    pub inputs: Inputs,
    /// Per benchmark, the values (means) of earlier base runs, oldest first; empty unless asked for.
    pub history: Vec<Vec<f64>>,
}

impl SimulatedCheck {
    pub fn base(&self) -> &[Benchmark] {
        self.inputs.base.as_ref().and_then(|b| b.get(SUITE)).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn head(&self) -> &[Benchmark] {
        self.inputs.head.get(SUITE).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The id of benchmark `index` (zero-padded so that ids sort like indices).
pub fn bench_id(index: usize) -> String {
    format!("b{index:04}")
}

/// The index of a benchmark from its id.
pub fn bench_index(id: &str) -> usize {
    id.trim_start_matches('b').parse().expect("a simulated benchmark id")
}

/// Simulate a check of `true_changes.len()` benchmarks; `with_history` also draws earlier base runs.
pub fn simulate(seed: u64, design: Design, noise: &Noise, true_changes: &[f64], with_history: bool) -> SimulatedCheck {
    let mut rng = Pcg64::seed_from_u64(seed);
    let (base, head) = match design {
        Design::Paired { rounds, per_round } => paired_runs(&mut rng, noise, true_changes, rounds, per_round),
        Design::Unpaired { samples } => unpaired_runs(&mut rng, noise, true_changes, samples),
    };
    let history = if with_history { base_history(&mut rng, noise, true_changes.len(), design) } else { Vec::new() };
    SimulatedCheck {
        inputs: Inputs {
            head: BTreeMap::from([(SUITE.to_string(), head)]),
            base: Some(BTreeMap::from([(SUITE.to_string(), base)])),
            ..Inputs::default()
        },
        history,
    }
}

/// The true time of benchmark `index` (benchmarks differ in scale, which no rule may care about).
fn center(index: usize) -> f64 {
    1000.0 * (1.0 + (index % 13) as f64)
}

/// Where one benchmark's run sits in the check's time line, for drift: `slot` of `slots`
/// equal slots, and within the slot the benchmark's share of a sequential suite run.
struct TimeSlot {
    slot: usize,
    slots: usize,
    index: usize,
    benchmarks: usize,
}

impl TimeSlot {
    /// Time in [0, 1) of sample `j` of `n`.
    fn at(&self, j: usize, n: usize) -> f64 {
        (self.slot as f64 + (self.index as f64 + j as f64 / n as f64) / self.benchmarks as f64) / self.slots as f64
    }
}

/// `n` samples of one benchmark in one run, with a run-level factor and drift of slope `drift`.
fn run_samples(rng: &mut Pcg64, noise: &Noise, level: f64, n: usize, drift: f64, time: &TimeSlot) -> Vec<f64> {
    (0..n).map(|j| level * (drift * time.at(j, n)).exp() * noise.sample_factor(rng)).collect()
}

fn paired_runs(
    rng: &mut Pcg64,
    noise: &Noise,
    true_changes: &[f64],
    rounds: usize,
    per_round: usize,
) -> (Vec<Benchmark>, Vec<Benchmark>) {
    let drift = noise.drift_sd() * standard_normal(rng);
    // Each pair of rounds is base-head then head-base, or the reverse (perfgate's balanced order).
    let flips: Vec<bool> = (0..rounds.div_ceil(2)).map(|_| rng.gen()).collect();
    let benchmarks = true_changes.len();
    let mut base = Vec::with_capacity(benchmarks);
    let mut head = Vec::with_capacity(benchmarks);
    for (index, change) in true_changes.iter().enumerate() {
        let mut sides = [Side::default(), Side::default()];
        for round in 0..rounds {
            let shared = center(index) * log_shift(rng, noise.round_shift);
            let base_first = (round % 2 == 0) ^ flips[round / 2];
            for (side, factor) in [(0, 1.0), (1, 1.0 + change)] {
                let runs_first = (side == 0) == base_first;
                let slot = 2 * round + usize::from(!runs_first);
                let time = TimeSlot { slot, slots: 2 * rounds, index, benchmarks };
                let level = shared * factor * log_shift(rng, noise.side_shift);
                let samples = run_samples(rng, noise, level, per_round, drift, &time);
                sides[side].push(round as u32, samples);
            }
        }
        let [b, h] = sides;
        base.push(b.into_benchmark(index));
        head.push(h.into_benchmark(index));
    }
    (base, head)
}

fn unpaired_runs(
    rng: &mut Pcg64,
    noise: &Noise,
    true_changes: &[f64],
    samples: usize,
) -> (Vec<Benchmark>, Vec<Benchmark>) {
    let drift = noise.drift_sd() * standard_normal(rng);
    let benchmarks = true_changes.len();
    let mut run = |slot: usize, factor_of: &dyn Fn(usize) -> f64| {
        let common = log_shift(rng, noise.common_run_shift);
        (0..benchmarks)
            .map(|index| {
                let level = center(index) * common * log_shift(rng, noise.bench_run_shift) * factor_of(index);
                let time = TimeSlot { slot, slots: 2, index, benchmarks };
                let values = run_samples(rng, noise, level, samples, drift, &time);
                Benchmark::with_samples(bench_id(index), "time", Unit::Ns, values)
            })
            .collect::<Vec<_>>()
    };
    let base = run(0, &|_| 1.0);
    let head = run(1, &|index| 1.0 + true_changes[index]);
    (base, head)
}

/// Earlier runs of the base, each with the whole-run noise of a separate run (no drift).
fn base_history(rng: &mut Pcg64, noise: &Noise, benchmarks: usize, design: Design) -> Vec<Vec<f64>> {
    let n = design.samples_per_run();
    (0..benchmarks)
        .map(|index| {
            (0..HISTORY_RUNS)
                .map(|_| {
                    let level = center(index) * log_shift(rng, noise.run_shift_sd());
                    (0..n).map(|_| level * noise.sample_factor(rng)).sum::<f64>() / n as f64
                })
                .collect()
        })
        .collect()
}

/// One side of one benchmark while its rounds are generated.
#[derive(Default)]
struct Side {
    samples: Vec<f64>,
    rounds: Vec<u32>,
}

impl Side {
    fn push(&mut self, round: u32, samples: Vec<f64>) {
        self.rounds.extend(std::iter::repeat_n(round, samples.len()));
        self.samples.extend(samples);
    }

    fn into_benchmark(self, index: usize) -> Benchmark {
        let mut bench = Benchmark::with_samples(bench_id(index), "time", Unit::Ns, self.samples);
        bench.rounds = Some(self.rounds);
        bench
    }
}
