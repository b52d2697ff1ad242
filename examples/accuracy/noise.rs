//! What the simulated machine does to a benchmark's samples: the shape of
//! per-sample noise, slow drift, round-to-round shifts shared by base and head
//! (the shared-runner effect), and whole-run shifts of an unpaired run.

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
}

impl Shape {
    pub const ALL: [Shape; 5] = [Shape::LogNormal, Shape::HeavyTailed, Shape::Bimodal, Shape::Outliers, Shape::Drift];

    pub fn name(self) -> &'static str {
        match self {
            Shape::LogNormal => "log-normal",
            Shape::HeavyTailed => "heavy-tailed (t3)",
            Shape::Bimodal => "bimodal (30 % +8 %)",
            Shape::Outliers => "outliers (2 % at 1.5-3x)",
            Shape::Drift => "slow drift (3 % sd)",
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

impl Noise {
    /// The shared-runner noise: per-sample CV 3 %, round shifts of 2 % hitting both sides.
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

    /// The stored-baseline noise: per-sample 3 %, common run shift 2 %, per-benchmark run shift 1 %.
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
        let z = standard_normal(rng);
        let base = (self.sample_cv * z).exp();
        match self.shape {
            Shape::LogNormal | Shape::Drift => base,
            Shape::HeavyTailed => {
                let chi2: f64 = (0..HEAVY_TAIL_DF as usize).map(|_| standard_normal(rng).powi(2)).sum();
                let t = z / (chi2 / HEAVY_TAIL_DF).sqrt();
                // Student t with df has variance df / (df - 2): rescale to the same sd.
                (self.sample_cv * t / (HEAVY_TAIL_DF / (HEAVY_TAIL_DF - 2.0)).sqrt()).exp()
            }
            Shape::Bimodal => {
                if rng.gen::<f64>() < SLOW_MODE_SHARE {
                    base * SLOW_MODE_FACTOR
                } else {
                    base
                }
            }
            Shape::Outliers => {
                if rng.gen::<f64>() < OUTLIER_SHARE {
                    base * (1.5 + (OUTLIER_MAX_FACTOR - 1.5) * rng.gen::<f64>())
                } else {
                    base
                }
            }
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
