//! What the simulated machine does to a benchmark's samples: the shape of
//! per-sample noise, slow drift, round-to-round shifts shared by base and head
//! (the shared-runner effect), shifts of each side in each round (each run of
//! a benchmark binary lands differently), and whole-run shifts of an unpaired
//! run — at levels measured on this project's CI machines.

use rand::Rng;
use rand_pcg::Pcg64;
use statrs::distribution::Normal;

/// Share of samples in the slower mode of a bimodal benchmark.
const SLOW_MODE_SHARE: f64 = 0.3;
/// How much slower the slower mode is.
const SLOW_MODE_FACTOR: f64 = 1.08;
/// Share of samples hit by an outlier (a preemption, a page fault storm).
const OUTLIER_SHARE: f64 = 0.02;
/// An outlier takes between 1.5x and this many times the normal sample.
const OUTLIER_MAX_FACTOR: f64 = 3.0;
/// Degrees of freedom of the heavy-tailed (Student t) log noise.
const HEAVY_TAIL_DF: f64 = 3.0;

/// The shape of per-sample noise around a benchmark's true time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Log-normal samples: the textbook benchmark.
    LogNormal,
    /// Log of the samples Student-t with 3 df (same sd): rare but large deviations.
    HeavyTailed,
    /// Two modes, 30 % of samples 8 % slower (cache or frequency states).
    Bimodal,
    /// Log-normal plus 2 % of samples 1.5–3x slower.
    Outliers,
    /// Log-normal on a machine whose speed drifts slowly during the check
    /// (slope of the log time over the whole check drawn with sd 3 %).
    Drift,
    /// A hard floor (the code's own time) plus exponential noise above it
    /// (interrupts, cache misses) with mean `sample_cv`: what `min` estimates.
    Floor,
}

impl Shape {
    pub const ALL: [Shape; 6] =
        [Shape::LogNormal, Shape::HeavyTailed, Shape::Bimodal, Shape::Outliers, Shape::Drift, Shape::Floor];

    pub fn name(self) -> &'static str {
        match self {
            Shape::LogNormal => "log-normal",
            Shape::HeavyTailed => "heavy-tailed (t3)",
            Shape::Bimodal => "bimodal (30 % +8 %)",
            Shape::Outliers => "outliers (2 % at 1.5-3x)",
            Shape::Drift => "slow drift (3 % sd)",
            Shape::Floor => "floor plus exponential noise",
        }
    }
}

/// Standard deviation of the drift slope of the log time over a whole check, for `Shape::Drift`.
const DRIFT_SD: f64 = 0.03;

/// Everything random about how a machine measures, on the log scale (sd of log factors).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    pub shape: Shape,
    /// Per-sample noise (≈ coefficient of variation).
    pub sample_cv: f64,
    /// Paired design: a shift per benchmark and round that hits base and head alike.
    pub round_shift: f64,
    /// Paired design: a shift per benchmark, round and side (not shared).
    pub side_shift: f64,
    /// Unpaired design: a shift of every benchmark of one run ("the runner was slower").
    pub common_run_shift: f64,
    /// Unpaired design: an independent shift of each benchmark in each run.
    pub bench_run_shift: f64,
}

/// Measured on a 2-core CI machine (AMD EPYC): 12 interleaved A/A rounds of
/// 10 base64 0.22.1 criterion benchmarks with the crate's own settings,
/// analysed by `examples/accuracy/calibration/analyse.py` (raw samples in
/// `base64-aa-rounds.tar.gz` there). Medians over the benchmarks, for the
/// statistic `median` of criterion's per-iteration times.
pub mod calibration {
    /// Per-sample spread (MAD / median · 1.4826) within one run.
    pub const SAMPLE_CV: f64 = 0.10;
    /// sd of ln(median) per benchmark, round and side, not shared by the other side.
    pub const SIDE_SHIFT: f64 = 0.109;
    /// sd of ln(median) per benchmark and round, shared by both sides of the round.
    pub const ROUND_SHIFT: f64 = 0.067;
    /// The runs seen as separate runs: sd of a run's shift common to all benchmarks.
    pub const COMMON_RUN_SHIFT: f64 = 0.085;
    /// The runs seen as separate runs: sd of a benchmark's own run shift.
    pub const BENCH_RUN_SHIFT: f64 = 0.115;
}

/// The same calibration, for the statistic `min` (its per-side and round shifts; its sampling
/// error of 1 % comes from 10 samples of a floor plus exponential noise of mean 10 %).
pub mod calibration_min {
    pub const SIDE_SHIFT: f64 = 0.044;
    pub const ROUND_SHIFT: f64 = 0.015;
    pub const FLOOR_NOISE: f64 = 0.10;
}

impl Noise {
    /// The noise measured on this project's CI machines for `min` in interleaved rounds.
    pub fn calibrated_rounds_min() -> Noise {
        Noise::with_side_shift(calibration_min::SIDE_SHIFT)
    }

    /// Floor-plus-exponential samples (mean 10 %), the calibrated round shift of `min`, and a
    /// per-side shift of `side_shift`: what `min` sees at a given per-run noise.
    pub fn with_side_shift(side_shift: f64) -> Noise {
        Noise {
            shape: Shape::Floor,
            sample_cv: calibration_min::FLOOR_NOISE,
            round_shift: calibration_min::ROUND_SHIFT,
            side_shift,
            common_run_shift: 0.0,
            bench_run_shift: 0.0,
        }
    }

    /// The noise measured on this project's CI machines for interleaved rounds (see [`calibration`]).
    pub fn calibrated_rounds() -> Noise {
        Noise {
            shape: Shape::LogNormal,
            sample_cv: calibration::SAMPLE_CV,
            round_shift: calibration::ROUND_SHIFT,
            side_shift: calibration::SIDE_SHIFT,
            common_run_shift: 0.0,
            bench_run_shift: 0.0,
        }
    }

    /// The noise measured on this project's CI machines, seen as one run per side (see [`calibration`]).
    pub fn calibrated_separate_runs() -> Noise {
        Noise {
            shape: Shape::LogNormal,
            sample_cv: calibration::SAMPLE_CV,
            round_shift: 0.0,
            side_shift: 0.0,
            common_run_shift: calibration::COMMON_RUN_SHIFT,
            bench_run_shift: calibration::BENCH_RUN_SHIFT,
        }
    }

    /// Issue 6's assumed shared-runner noise: per-sample CV 3 %, round shifts of 2 % hitting both sides.
    pub fn shared_runner(sample_cv: f64) -> Noise {
        Noise {
            shape: Shape::LogNormal,
            sample_cv,
            round_shift: 0.02,
            side_shift: 0.0,
            common_run_shift: 0.0,
            bench_run_shift: 0.0,
        }
    }

    /// Issue 6's assumed stored-baseline noise: per-sample 3 %, common run shift 2 %, per-benchmark run shift 1 %.
    pub fn separate_runs(sample_cv: f64) -> Noise {
        Noise {
            shape: Shape::LogNormal,
            sample_cv,
            round_shift: 0.0,
            side_shift: 0.0,
            common_run_shift: 0.02,
            bench_run_shift: 0.01,
        }
    }

    pub fn with_shape(self, shape: Shape) -> Noise {
        Noise { shape, ..self }
    }

    /// The sd of the slope of log time over the whole check (0 unless the shape drifts).
    pub fn drift_sd(&self) -> f64 {
        if self.shape == Shape::Drift {
            DRIFT_SD
        } else {
            0.0
        }
    }

    /// The sd of one whole run's shift of a benchmark, as seen across separate runs.
    pub fn run_shift_sd(&self) -> f64 {
        (self.round_shift.powi(2)
            + self.side_shift.powi(2)
            + self.common_run_shift.powi(2)
            + self.bench_run_shift.powi(2))
        .sqrt()
    }

    /// One sample's multiplicative noise factor.
    pub fn sample_factor(&self, rng: &mut Pcg64) -> f64 {
        let lognormal = |rng: &mut Pcg64| (self.sample_cv * standard_normal(rng)).exp();
        match self.shape {
            Shape::LogNormal | Shape::Drift => lognormal(rng),
            Shape::HeavyTailed => {
                let z = standard_normal(rng);
                let chi2: f64 = (0..HEAVY_TAIL_DF as usize).map(|_| standard_normal(rng).powi(2)).sum();
                let t = z / (chi2 / HEAVY_TAIL_DF).sqrt();
                // Student t with df has variance df / (df - 2): rescale to the same sd.
                (self.sample_cv * t / (HEAVY_TAIL_DF / (HEAVY_TAIL_DF - 2.0)).sqrt()).exp()
            }
            Shape::Bimodal => {
                let base = lognormal(rng);
                if rng.gen::<f64>() < SLOW_MODE_SHARE {
                    base * SLOW_MODE_FACTOR
                } else {
                    base
                }
            }
            Shape::Outliers => {
                let base = lognormal(rng);
                if rng.gen::<f64>() < OUTLIER_SHARE {
                    base * (1.5 + (OUTLIER_MAX_FACTOR - 1.5) * rng.gen::<f64>())
                } else {
                    base
                }
            }
            // 1 + exponential(mean cv), drawn by inversion.
            Shape::Floor => 1.0 - self.sample_cv * (1.0 - rng.gen::<f64>()).ln(),
        }
    }
}

/// A draw of N(0, 1).
pub fn standard_normal(rng: &mut Pcg64) -> f64 {
    rng.sample(Normal::new(0.0, 1.0).expect("standard normal"))
}

/// A draw of N(0, sd²) as a multiplicative factor `exp(sd z)`.
pub fn log_shift(rng: &mut Pcg64, sd: f64) -> f64 {
    if sd == 0.0 {
        1.0
    } else {
        (sd * standard_normal(rng)).exp()
    }
}
