//! Change points: lasting shifts of level in one benchmark's recorded values
//! along a git history (one value per recorded commit, oldest first).
//!
//! **Method: circular binary segmentation with a permutation test**
//! (Olshen, Venkatraman, Lucito & Wigler 2004, "Circular binary segmentation
//! for the analysis of array-based DNA copy number data", Biostatistics 5(4)),
//! the scheme E-Divisive (Matteson & James 2014, "A Nonparametric Approach for
//! Multiple Change Point Analysis of Multivariate Data", JASA 109(505)) and
//! Hunter/Apache Otava (Fleming et al. 2023, "Hunter: Using Change Point
//! Detection to Hunt for Performance Regressions", ICPE) use on performance
//! histories — recursive best splits, each kept only if a permutation test
//! finds it significant — with a weighted two-sample t statistic in place of
//! the energy divergence:
//!
//! 1. **Relative values.** Each value becomes `ln(value)`, so a change is a
//!    ratio; a point's standard error becomes `std_error / value`.
//! 2. **Noise from the series itself.** The point-to-point spread is the
//!    median absolute successive difference × 1.4826 / √2, which one step or
//!    a few spikes barely move. What the points' own standard errors do not
//!    explain of it is the runner-to-runner variance `τ²`; a point's variance
//!    is `τ² + se_i²`, and its weight the inverse. A point with a huge
//!    standard error weighs next to nothing.
//! 3. **Spikes are not levels.** Each log value is pulled back to within
//!    3 of its standard deviations of the running median of
//!    `2 × min_segment − 1` points (Huber 1964 winsorizing): runs shorter than
//!    `min_segment` do not move that median, a lasting step does.
//! 4. **Best cut.** For a segment, the split into two parts whose weighted
//!    means differ most by the t statistic `|m₁ − m₂| / √(s² (1/W₁ + 1/W₂))`
//!    (weighted means `m`, total weights `W`, weighted residual variance
//!    `s²`), each part at least `min_segment` points long.
//! 5. **Significance.** The p-value of that maximum is
//!    `(1 + #{permutations with a max |t| ≥ observed}) / (1 + permutations)`,
//!    permuting the points of the segment (values with their weights); a cut
//!    with `p ≤ alpha` is kept and its parts are searched again. Permuting
//!    stops early once `p` can no longer reach `alpha`. When no split is
//!    significant, the same test is made over arcs: a run of consecutive
//!    points against the rest (touching an end: one change; inside: two),
//!    which sees a short temporary change in a long series that no single
//!    split stands out for — the circular part of the method, at the price of
//!    a second test (at most `2 alpha` false alarms per segment).
//! 6. **Confirmation.** Each change is tested again as a single split between
//!    its neighbouring changes: dropped if no longer significant there, else
//!    placed at the best split there.
//!
//! **Unequal spacing.** Commits without a record leave gaps in `position`;
//! the test runs on the recorded points in order, so a change is located
//! between two recorded points: [`Detected::index`] is the first recorded
//! point after it, and the change happened in one of the commits from just
//! after the previous recorded point up to that one.
//!
//! The result is deterministic for a seed. Accuracy by simulation:
//! docs/ACCURACY.md, "Change points".

mod search;

use search::Search;
#[cfg(test)]
use search::{best_cut, Scan};

use super::quantile::quantile_select;
use super::{check_confidence, z_two_sided, StatsError};

/// Consistency constant that makes a median absolute deviation a normal standard deviation.
const MAD_TO_SD: f64 = 1.4826;

/// Residuals from the running median beyond this many standard deviations are pulled back to it.
const WINSOR_LIMIT: f64 = 3.0;

/// Smallest variance of a point on the log scale, so that a perfectly flat
/// (deterministic) series still has finite weights.
const MIN_VARIANCE: f64 = 1e-18;

/// Asymptotic variance of a sample median relative to the mean's under normal data (π/2).
const MEDIAN_VARIANCE_FACTOR: f64 = std::f64::consts::FRAC_PI_2;

/// One recorded value of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// First-parent distance from the oldest commit: gaps are commits without a record.
    pub position: usize,
    /// The recorded value (e.g. the median time); must be positive.
    pub value: f64,
    /// Standard error of `value` from its own samples; `None` with a single value.
    pub std_error: Option<f64>,
}

/// How [`detect`] decides.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Fewest recorded points on each side of a change: shorter runs (spikes) are never levels.
    pub min_segment: usize,
    /// Significance level of each test. The default, 0.01, places a +5 % step
    /// at 1.8 % point-to-point noise within one commit in 94 % of simulated
    /// histories (95.7 % at best with the true levels known) with 0.3 false
    /// changes per 1,000 flat points; 0.001 misses 2 points more of the steps
    /// (docs/ACCURACY.md, "Change points").
    pub alpha: f64,
    /// Permutations of the significance test; `1 / (permutations + 1)` must not exceed `alpha`.
    pub permutations: usize,
    /// Seed of the permutation generator.
    pub seed: u64,
    /// Two-sided confidence level of [`Detected::ci`].
    pub confidence: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { min_segment: 4, alpha: 0.01, permutations: 999, seed: 0x5EED, confidence: 0.95 }
    }
}

/// A lasting change of level.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// Index into the observations of the first recorded point after the change.
    pub index: usize,
    /// Median of the values from the previous change (or the start) up to this one.
    pub before: f64,
    /// Median of the values from this change up to the next one (or the end).
    pub after: f64,
    /// `after / before - 1`.
    pub change: f64,
    /// Confidence interval of `change`: the log ratio of the medians ± z times
    /// its standard error (π/2 times the variance of the weighted means').
    pub ci: [f64; 2],
    /// Permutation p-value of the split, in the segment it was found in.
    pub p_value: f64,
}

/// Lasting shifts of level in `observations` (oldest first), in order.
pub fn detect(observations: &[Observation], settings: &Settings) -> Result<Vec<Detected>, StatsError> {
    check(observations, settings)?;
    let prepared = Prepared::new(observations, settings.min_segment);
    let splits = Search::new(&prepared, settings).changes();
    Ok(describe(observations, &prepared, &splits, settings.confidence))
}

fn check(observations: &[Observation], settings: &Settings) -> Result<(), StatsError> {
    check_confidence(settings.confidence)?;
    if settings.min_segment == 0 {
        return Err(StatsError::Invalid("min_segment must be at least 1".into()));
    }
    if !(settings.alpha > 0.0 && settings.alpha < 1.0) {
        return Err(StatsError::Invalid(format!("alpha must lie strictly between 0 and 1, got {}", settings.alpha)));
    }
    if 1.0 / (settings.permutations as f64 + 1.0) > settings.alpha {
        return Err(StatsError::Invalid(format!(
            "{} permutations cannot reach a p-value of {}: use at least {}",
            settings.permutations,
            settings.alpha,
            (1.0 / settings.alpha).ceil() as usize - 1
        )));
    }
    for (i, point) in observations.iter().enumerate() {
        if !(point.value.is_finite() && point.value > 0.0) {
            return Err(StatsError::Invalid(format!(
                "value #{} is {}; a level needs positive values",
                i + 1,
                point.value
            )));
        }
        if let Some(se) = point.std_error.filter(|se| !(se.is_finite() && *se >= 0.0)) {
            return Err(StatsError::Invalid(format!("standard error #{} is {se}", i + 1)));
        }
        if i > 0 && point.position <= observations[i - 1].position {
            return Err(StatsError::Invalid(format!(
                "position #{} does not follow #{}: positions must increase",
                i + 1,
                i
            )));
        }
    }
    Ok(())
}

/// The series as the test sees it: winsorized log values, centred, and their weights.
struct Prepared {
    log: Vec<f64>,
    weight: Vec<f64>,
}

impl Prepared {
    fn new(observations: &[Observation], min_segment: usize) -> Self {
        let raw: Vec<f64> = observations.iter().map(|o| o.value.ln()).collect();
        let own_variance: Vec<f64> =
            observations.iter().map(|o| o.std_error.map_or(0.0, |se| (se / o.value).powi(2))).collect();
        let between = between_runner_variance(&raw, &own_variance);
        let variance: Vec<f64> = own_variance.iter().map(|v| (between + v).max(MIN_VARIANCE)).collect();
        let level = running_median(&raw, min_segment.saturating_sub(1));
        let centre = median(&raw);
        let log = raw
            .iter()
            .zip(&level)
            .zip(&variance)
            .map(|((x, m), v)| {
                let limit = WINSOR_LIMIT * v.sqrt();
                m + (x - m).clamp(-limit, limit) - centre
            })
            .collect();
        Prepared { log, weight: variance.iter().map(|v| 1.0 / v).collect() }
    }
}

/// Point-to-point variance not explained by the points' own errors, `τ²`:
/// `(1.4826 · median|xᵢ₊₁ − xᵢ| / √2)² − median(seᵢ²)`, at least 0.
fn between_runner_variance(log: &[f64], own_variance: &[f64]) -> f64 {
    if log.len() < 2 {
        return 0.0;
    }
    let differences: Vec<f64> = log.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let point_to_point = MAD_TO_SD * median(&differences) / std::f64::consts::SQRT_2;
    (point_to_point.powi(2) - median(own_variance)).max(0.0)
}

/// Median of the `2 half + 1` points centred on each point (fewer at the ends).
fn running_median(values: &[f64], half: usize) -> Vec<f64> {
    (0..values.len()).map(|i| median(&values[i.saturating_sub(half)..(i + half + 1).min(values.len())])).collect()
}

fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    quantile_select(&mut values.to_vec(), 0.5)
}

/// Levels, changes and intervals of the splits, each between its neighbours.
fn describe(
    observations: &[Observation],
    prepared: &Prepared,
    splits: &[(usize, f64)],
    confidence: f64,
) -> Vec<Detected> {
    let z = z_two_sided(confidence);
    let values: Vec<f64> = observations.iter().map(|o| o.value).collect();
    let bounds: Vec<usize> =
        std::iter::once(0).chain(splits.iter().map(|&(index, _)| index)).chain([values.len()]).collect();
    splits
        .iter()
        .enumerate()
        .map(|(j, &(index, p_value))| {
            let (start, end) = (bounds[j], bounds[j + 2]);
            let before = median(&values[start..index]);
            let after = median(&values[index..end]);
            let weight = |range: std::ops::Range<usize>| prepared.weight[range].iter().sum::<f64>();
            let se = (MEDIAN_VARIANCE_FACTOR * (1.0 / weight(start..index) + 1.0 / weight(index..end))).sqrt();
            let log_change = (after / before).ln();
            let ci = [(log_change - z * se).exp() - 1.0, (log_change + z * se).exp() - 1.0];
            Detected { index, before, after, change: after / before - 1.0, ci, p_value }
        })
        .collect()
}

#[cfg(test)]
#[path = "change_points_tests.rs"]
mod tests;
