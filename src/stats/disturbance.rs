//! Disturbed runs: a run during which something else loaded the machine is
//! noisier and often drifts, and its median moves — on one side only. Two
//! runs of the same code, one of them disturbed, can then look like a
//! regression that no interval built from either run's own samples can see.
//! A comparison therefore must not fail on a run whose shape is far from the
//! other side's.
//!
//! The shape of a run: its robust spread (median absolute deviation of the
//! samples, scaled by 1.4826, over their median; Hampel 1974) and its drift
//! (the Theil–Sen slope of the log samples against the order they were
//! taken in, times the length of the run: Sen 1968, robust to a few slow
//! first samples). Samples a harness takes with a systematic pattern
//! (criterion's linear sampling amortizes overhead over rising iteration
//! counts) show it on both sides alike: only the difference between the
//! sides counts. A side is disturbed when its spread is at least twice the
//! other side's plus one point, or its drift at least twice the other's plus
//! two points — and in both cases by more than four standard errors of the
//! difference, so that two ordinary runs of a few samples are not told apart
//! by chance (the log of a MAD-based scale has variance about 1.36/n under
//! normal samples, Hampel et al. 1986 §2.3; the slope of `n` equally spaced
//! samples has standard error σ·√(12/n³), Theil–Sen's about 5 % more). Measured on criterion
//! runs of identical code with the other core loaded
//! (`tests/fixtures/criterion/disturbed/`): disturbed runs showed spreads of
//! 5–27 % against 0.1–0.4 % and drifts up to 43 %.
//! A run can also be disturbed for a part of it only: the other core busy
//! for the first second of a three-second run lifts the early samples by half
//! and leaves the rest alone, a step that neither the spread (most samples are
//! tight) nor the drift (Theil–Sen shrugs off a minority of the pairs) sees,
//! while the median moves. The run's **level shift** is found where Pettitt's
//! (1979) rank statistic `U_t = Σ_{i≤t} (2 R_i − n − 1)` is largest in size;
//! its size is the change of the median from before that sample to after it,
//! and its significance Pettitt's `p ≈ 2 exp(−6 K² / (n³ + n²))`. A side is
//! disturbed when its run shifts level significantly (p < 0.001, each part at
//! least a tenth of the run) by at least twice the other side's shift plus
//! five points.
//! The rule looks at base and head alike, so dropping what it flags keeps a
//! paired test valid: under no change the remaining rounds are as symmetric
//! as before.

/// Fewer samples than this per side: the shape of a run cannot be told.
pub const MIN_SAMPLES: usize = 10;
/// A side is disturbed when its spread (drift) is this many times the other's ...
const RATIO: f64 = 2.0;
/// ... plus this much spread ...
const SPREAD_MARGIN: f64 = 0.01;
/// ... or this much drift ...
const DRIFT_MARGIN: f64 = 0.02;
/// ... and by this many standard errors of the difference.
const STANDARD_ERRORS: f64 = 4.0;
/// Asymptotic variance of ln(MAD-based scale) times n, for normal samples.
const LOG_MAD_VARIANCE: f64 = 1.36;
/// Theil–Sen's standard error over least squares', for normal samples (its efficiency is about 0.91).
const THEIL_SEN_ERROR: f64 = 1.05;
/// The drift is estimated from at most this many evenly spaced samples (Theil–Sen takes all pairs).
const DRIFT_POINTS: usize = 400;
/// A level shift counts when Pettitt's p-value is below this ...
const LEVEL_SHIFT_P: f64 = 0.001;
/// ... each part of the run holds at least this share of its samples ...
const LEVEL_SHIFT_SHARE: f64 = 0.1;
/// ... and it moves the median by at least twice the other side's shift plus this much (log).
const LEVEL_SHIFT_MARGIN: f64 = 0.05;

/// How one run's samples are spread and drift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunShape {
    /// Robust coefficient of variation: 1.4826 · MAD / median.
    pub spread: f64,
    /// Change of the log samples from the first to the last (Theil–Sen slope × (n − 1)).
    pub drift: f64,
    /// Samples in the run.
    pub samples: usize,
    /// The run's most significant change of level, if any part of it shifted.
    pub level_shift: LevelShift,
}

/// Where a run's level changed most (Pettitt 1979), and by how much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelShift {
    /// Samples before the change.
    pub at: usize,
    /// Log change of the median from before `at` to after it.
    pub size: f64,
    /// Pettitt's approximate p-value of the change.
    pub p_value: f64,
}

impl LevelShift {
    /// Whether the change is significant and leaves both parts of the run long enough to tell.
    fn counts(&self, samples: usize) -> bool {
        let least = (LEVEL_SHIFT_SHARE * samples as f64).ceil() as usize;
        self.p_value < LEVEL_SHIFT_P && self.at >= least && samples - self.at >= least
    }
}

impl RunShape {
    /// Variance of ln(spread) from sampling alone.
    fn log_spread_variance(&self) -> f64 {
        LOG_MAD_VARIANCE / self.samples as f64
    }

    /// Standard error of the drift from sampling alone: σ√(12/n³) · (n − 1).
    fn drift_error(&self) -> f64 {
        let n = self.samples as f64;
        THEIL_SEN_ERROR * self.spread * (12.0 / n).sqrt() * (n - 1.0) / n
    }
}

/// A side of a comparison: the baseline's run or the head's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Base,
    Head,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Base => "base",
            Side::Head => "head",
        })
    }
}

/// Which side was disturbed, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Disturbance {
    pub side: Side,
    /// What was seen, e.g. `within-run spread 26.6 % against 0.2 %`.
    pub what: String,
}

/// The shape of one run (samples in the order they were taken); None for fewer than
/// [`MIN_SAMPLES`] positive samples.
pub fn run_shape(samples: &[f64]) -> Option<RunShape> {
    if samples.len() < MIN_SAMPLES || samples.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
        return None;
    }
    let center = median(samples.to_vec());
    let deviations: Vec<f64> = samples.iter().map(|x| (x - center).abs()).collect();
    let spread = 1.4826 * median(deviations) / center;
    Some(RunShape {
        spread,
        drift: theil_sen_drift(samples),
        samples: samples.len(),
        level_shift: level_shift(samples),
    })
}

/// The most significant change of level along a run: Pettitt's statistic from the ranks of the
/// samples (ties share their mean rank), O(n log n).
pub fn level_shift(samples: &[f64]) -> LevelShift {
    let n = samples.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| samples[a].total_cmp(&samples[b]));
    let mut ranks = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && samples[order[j + 1]] == samples[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j + 2) as f64 / 2.0;
        order[i..=j].iter().for_each(|&k| ranks[k] = mean_rank);
        i = j + 1;
    }
    let (mut u, mut best, mut at) = (0.0f64, 0.0f64, 0);
    for (t, rank) in ranks.iter().enumerate().take(n.saturating_sub(1)) {
        u += 2.0 * rank - (n + 1) as f64;
        if u.abs() > best {
            (best, at) = (u.abs(), t + 1);
        }
    }
    let nf = n as f64;
    let p_value = (2.0 * (-6.0 * best * best / (nf.powi(3) + nf * nf)).exp()).min(1.0);
    let size = if at == 0 { 0.0 } else { (median(samples[at..].to_vec()) / median(samples[..at].to_vec())).ln() };
    LevelShift { at, size, p_value }
}

/// The disturbed side, if one run's shape is far from the other's.
pub fn disturbed(base: &RunShape, head: &RunShape) -> Option<Disturbance> {
    let beyond = |one: &RunShape, other: &RunShape| -> Option<String> {
        let spread_error = (one.log_spread_variance() + other.log_spread_variance()).sqrt();
        let spread_apart = other.spread == 0.0 || (one.spread / other.spread).ln() >= STANDARD_ERRORS * spread_error;
        let drift_error = one.drift_error().hypot(other.drift_error());
        let drift_margin = DRIFT_MARGIN.max(STANDARD_ERRORS * drift_error);
        if one.spread >= RATIO * other.spread + SPREAD_MARGIN && spread_apart {
            Some(format!("within-run spread {:.1} % against {:.1} %", one.spread * 100.0, other.spread * 100.0))
        } else if one.drift.abs() >= RATIO * other.drift.abs() + drift_margin {
            Some(format!(
                "drift {:+.1} % within the run against {:+.1} %",
                one.drift.exp_m1() * 100.0,
                other.drift.exp_m1() * 100.0
            ))
        } else if one.level_shift.counts(one.samples)
            && one.level_shift.size.abs() >= RATIO * other.level_shift.size.abs() + LEVEL_SHIFT_MARGIN
        {
            Some(format!(
                "its level moved {:+.1} % after the first {} of {} samples, against {:+.1} %",
                one.level_shift.size.exp_m1() * 100.0,
                one.level_shift.at,
                one.samples,
                other.level_shift.size.exp_m1() * 100.0
            ))
        } else {
            None
        }
    };
    match (beyond(head, base), beyond(base, head)) {
        (Some(what), _) => Some(Disturbance { side: Side::Head, what }),
        (None, Some(what)) => Some(Disturbance { side: Side::Base, what }),
        (None, None) => None,
    }
}

/// The disturbed side of two runs given as samples (None when either is too short to tell).
pub fn disturbed_runs(base: &[f64], head: &[f64]) -> Option<Disturbance> {
    disturbed(&run_shape(base)?, &run_shape(head)?)
}

/// Median of the pairwise slopes of ln(sample) against its position, times the run's length.
fn theil_sen_drift(samples: &[f64]) -> f64 {
    let step = samples.len().div_ceil(DRIFT_POINTS);
    let points: Vec<(f64, f64)> = samples.iter().enumerate().step_by(step).map(|(i, x)| (i as f64, x.ln())).collect();
    let mut slopes = Vec::with_capacity(points.len() * points.len() / 2);
    for (i, (xi, yi)) in points.iter().enumerate() {
        for (xj, yj) in &points[i + 1..] {
            slopes.push((yj - yi) / (xj - xi));
        }
    }
    median(slopes) * (samples.len() - 1) as f64
}

/// The median by selection (linear time): the guard looks at every round of every comparison.
fn median(mut values: Vec<f64>) -> f64 {
    let n = values.len();
    let upper = *values.select_nth_unstable_by(n / 2, f64::total_cmp).1;
    if n % 2 == 1 {
        upper
    } else {
        // The largest of the lower half: after the selection it lies left of the middle.
        let lower = values[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` samples around 100 with relative spread `cv` (a fixed zig-zag), rising by `drift` over the run.
    fn run(n: usize, cv: f64, drift: f64) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let wobble = if i % 2 == 0 { 1.0 + cv } else { 1.0 - cv };
                100.0 * wobble * (drift * i as f64 / (n - 1) as f64).exp()
            })
            .collect()
    }

    #[test]
    fn the_shape_of_a_run_is_its_robust_spread_and_drift() {
        let shape = run_shape(&run(30, 0.05, 0.0)).unwrap();
        // Half the samples at +5 %, half at -5 %: the MAD is 5 % of the median.
        assert!((shape.spread - 1.4826 * 0.05).abs() < 1e-9, "{shape:?}");
        assert!(shape.drift.abs() < 1e-9);
        // Theil–Sen recovers a steady rise exactly, and shrugs off a few slow first samples.
        let drifting = run_shape(&run(30, 0.0, 0.3)).unwrap();
        assert!((drifting.drift - 0.3).abs() < 1e-9, "{drifting:?}");
        let mut warming_up = run(30, 0.002, 0.0);
        warming_up[..3].iter_mut().for_each(|x| *x *= 1.3);
        assert!(run_shape(&warming_up).unwrap().drift.abs() < 0.01);
        assert_eq!(run_shape(&run(9, 0.05, 0.0)), None, "too few samples");
        assert_eq!(run_shape(&[1.0; 12].iter().chain(&[0.0]).copied().collect::<Vec<_>>()), None);
    }

    #[test]
    fn a_side_twice_as_spread_or_drifting_is_disturbed_and_named() {
        let quiet = run(30, 0.002, 0.0);
        let noisy = run(30, 0.2, 0.0);
        let found = disturbed_runs(&quiet, &noisy).unwrap();
        assert_eq!(found.side, Side::Head);
        assert!(found.what.starts_with("within-run spread 29.7 % against 0.3 %"), "{found:?}");
        assert_eq!(disturbed_runs(&noisy, &quiet).unwrap().side, Side::Base);
        // The machine slowed steadily by 3 % over a long run: the spread barely moves, the drift shows.
        let slowing = disturbed_runs(&run(200, 0.002, 0.0), &run(200, 0.002, 0.03)).unwrap();
        assert_eq!(slowing.what, "drift +3.0 % within the run against +0.0 %", "{slowing:?}");
        assert!(disturbed_runs(&quiet, &run(30, 0.002, -0.4)).is_some(), "a steep drift also spreads the run");
        // Alike runs, and small differences of quiet runs, are not disturbed.
        assert_eq!(disturbed_runs(&run(30, 0.05, 0.01), &run(30, 0.06, 0.012)), None);
        assert_eq!(disturbed_runs(&run(30, 0.002, 0.0), &run(30, 0.006, 0.0)), None, "within the one-point margin");
        // Ten samples tell less: a spread 3x the other's is within chance there, 10x is not.
        assert_eq!(disturbed_runs(&run(10, 0.02, 0.0), &run(10, 0.06, 0.0)), None);
        assert!(disturbed_runs(&run(10, 0.02, 0.0), &run(10, 0.2, 0.0)).is_some());
    }

    #[test]
    fn pettitts_statistic_finds_the_step_as_the_brute_force_definition_does() {
        // Reference (brute force of U_t = sum_{i<=t} sum_{j>t} sgn(x_j - x_i), max |U_t| at t,
        // p = 2 exp(-6 K^2 / (n^3 + n^2)), log ratio of the medians after/before), in Python:
        // K = 48 at t = 4, p = 0.08346537467517898, size = -0.5273549257172011.
        let x = [3.1, 2.9, 3.3, 3.0, 1.8, 1.7, 1.9, 1.6, 2.0, 1.8, 1.7, 1.9, 1.8, 1.6, 1.75, 1.85];
        let shift = level_shift(&x);
        assert_eq!(shift.at, 4);
        assert!((shift.p_value - 0.08346537467517898).abs() < 1e-12, "{shift:?}");
        assert!((shift.size - -0.5273549257172011).abs() < 1e-12, "{shift:?}");
    }

    #[test]
    fn a_run_whose_first_part_was_slowed_is_disturbed_though_its_spread_and_drift_are_ordinary() {
        // The other core busy at the start of the run: its first 15 samples ~1.7x, the rest tight.
        let quiet = run(100, 0.02, 0.0);
        let mut stepped = run(100, 0.02, 0.0);
        stepped[..15].iter_mut().for_each(|x| *x *= 1.7);
        let shape = run_shape(&stepped).unwrap();
        assert!(shape.spread < 0.06 && shape.drift.abs() < 0.03, "spread and drift see little: {shape:?}");
        let found = disturbed_runs(&quiet, &stepped).unwrap();
        assert_eq!(found.side, Side::Head);
        // Before: median 1.7 x 102 of the 15 (8 of them at +2 %); after: 98 (43 of the 85 at -2 %):
        // ln(98 / 173.4) = -43.5 %. The quiet run's best split is one wobble, ln(98 / 102) = -3.9 %.
        assert_eq!(found.what, "its level moved -43.5 % after the first 15 of 100 samples, against -3.9 %");
        // The same step on both sides (a harness's own pattern) disturbs neither.
        assert_eq!(disturbed_runs(&stepped, &stepped), None);
        // A step of 3 % is within the margin.
        let mut small = run(100, 0.02, 0.0);
        small[..50].iter_mut().for_each(|x| *x *= 1.03);
        assert_eq!(disturbed_runs(&run(100, 0.02, 0.0), &small), None);
    }

    #[test]
    fn ordinary_runs_of_thirty_log_normal_samples_are_rarely_called_disturbed() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(3);
        let noise = Normal::new(0.0f64, 0.03).unwrap();
        let mut draw = || (0..30).map(|_| 100.0 * noise.sample(&mut rng).exp()).collect::<Vec<f64>>();
        let flagged = (0..2000).filter(|_| disturbed_runs(&draw(), &draw()).is_some()).count();
        // Two runs of the same noise: at most 0.5 % of pairs may be called disturbed.
        assert!(flagged <= 10, "{flagged} of 2000 pairs of ordinary runs called disturbed");
    }
}
