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

use std::collections::HashMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64;

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
    /// Significance level of each split.
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
        Settings { min_segment: 4, alpha: 0.001, permutations: 9999, seed: 0x5EED, confidence: 0.95 }
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
    let search =
        Search { prepared: &prepared, settings, rng: Pcg64::seed_from_u64(settings.seed), made: HashMap::new() };
    let splits = search.changes();
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

/// What a scan looks for in a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scan {
    /// One change: the split into two parts.
    Split,
    /// One or two changes: an arc of consecutive points against the rest (circular binary segmentation).
    Arc,
}

/// The arc `[start, end)` of a segment whose weighted mean differs most from
/// the rest's, with its `|t|`. A split at `k` is the arc `[0, k)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cut {
    start: usize,
    end: usize,
    t: f64,
}

/// Running totals of weights, weighted values and weighted squares, so that
/// any arc's are two subtractions.
struct Totals {
    weight: Vec<f64>,
    sum: Vec<f64>,
    squares: Vec<f64>,
}

impl Totals {
    fn new(log: &[f64], weight: &[f64]) -> Self {
        let mut totals = Totals { weight: vec![0.0], sum: vec![0.0], squares: vec![0.0] };
        for (x, w) in log.iter().zip(weight) {
            totals.weight.push(totals.weight.last().unwrap() + w);
            totals.sum.push(totals.sum.last().unwrap() + x * w);
            totals.squares.push(totals.squares.last().unwrap() + x * x * w);
        }
        totals
    }

    /// Two-sample t of the weighted mean of `[start, end)` against
    /// the rest's: the difference over its standard error with the weighted
    /// residual variance of both parts (`n − 2` degrees of freedom), so that a
    /// permuted series, whose spread includes the change, is judged on its own scale.
    fn t(&self, start: usize, end: usize) -> f64 {
        let n = self.weight.len() - 1;
        let inside = self.weight[end] - self.weight[start];
        let outside = self.weight[n] - inside;
        let inside_sum = self.sum[end] - self.sum[start];
        let outside_sum = self.sum[n] - inside_sum;
        let difference = inside_sum / inside - outside_sum / outside;
        let residual = self.squares[n] - inside_sum * inside_sum / inside - outside_sum * outside_sum / outside;
        let se = (residual.max(0.0) / (n - 2) as f64 * (1.0 / inside + 1.0 / outside)).sqrt();
        match (difference == 0.0, se > 0.0) {
            (true, _) => 0.0,
            (false, true) => difference.abs() / se,
            // Two exact levels without noise (a deterministic metric): certain.
            (false, false) => f64::INFINITY,
        }
    }
}

/// The cut with the largest `|t|` whose parts all have at least `min_segment`
/// points; `None` when the segment is shorter than two minimal segments.
fn best_cut(log: &[f64], weight: &[f64], min_segment: usize, scan: Scan) -> Option<Cut> {
    let n = log.len();
    if n < 2 * min_segment {
        return None;
    }
    let totals = Totals::new(log, weight);
    let mut best = Cut { start: 0, end: min_segment, t: f64::NEG_INFINITY };
    let last_start = match scan {
        Scan::Split => 0,
        Scan::Arc => n - min_segment,
    };
    for start in (0..=last_start).filter(|&start| start == 0 || start >= min_segment) {
        // The rest is one part when the arc touches an end, else two.
        let ends = (start + min_segment..=n).filter(|&end| {
            let rest_ok = if start == 0 { n - end >= min_segment } else { end == n || n - end >= min_segment };
            rest_ok && !(scan == Scan::Split && end == n)
        });
        for end in ends {
            let t = totals.t(start, end);
            if t > best.t {
                best = Cut { start, end, t };
            }
        }
    }
    Some(best)
}

/// Permutation p-value of the best cut's `|t|`; stops once it cannot reach `alpha`
/// (the value returned is then a lower bound, above `alpha`).
fn permutation_p_value(
    log: &[f64],
    weight: &[f64],
    observed: f64,
    scan: Scan,
    settings: &Settings,
    rng: &mut Pcg64,
) -> f64 {
    // Equal statistics (a mirrored series) computed in another order may differ in the last bits.
    let at_least = if observed.is_finite() { observed * (1.0 - 1e-12) } else { observed };
    let mut order: Vec<usize> = (0..log.len()).collect();
    let (mut shuffled_log, mut shuffled_weight) = (log.to_vec(), weight.to_vec());
    let mut exceeded = 0usize;
    for done in 1..=settings.permutations {
        order.shuffle(rng);
        for (slot, &i) in order.iter().enumerate() {
            shuffled_log[slot] = log[i];
            shuffled_weight[slot] = weight[i];
        }
        let t = best_cut(&shuffled_log, &shuffled_weight, settings.min_segment, scan).map_or(0.0, |cut| cut.t);
        if t >= at_least {
            exceeded += 1;
            let least_p = (exceeded + 1) as f64 / (settings.permutations + 1) as f64;
            if least_p > settings.alpha {
                return (exceeded + 1) as f64 / (done + 1) as f64;
            }
        }
    }
    (exceeded + 1) as f64 / (settings.permutations + 1) as f64
}

/// The state of one search: the series, the settings, the generator, and the
/// tests already made (confirming a change often repeats the test that found it).
struct Search<'a> {
    prepared: &'a Prepared,
    settings: &'a Settings,
    rng: Pcg64,
    made: HashMap<(usize, usize, Scan), Option<(Cut, f64)>>,
}

impl Search<'_> {
    /// The best cut of `[start, end)` and its p-value.
    fn test(&mut self, start: usize, end: usize, scan: Scan) -> Option<(Cut, f64)> {
        if let Some(made) = self.made.get(&(start, end, scan)) {
            return *made;
        }
        let (log, weight) = (&self.prepared.log[start..end], &self.prepared.weight[start..end]);
        let result = best_cut(log, weight, self.settings.min_segment, scan).map(|cut| {
            let p_value = permutation_p_value(log, weight, cut.t, scan, self.settings, &mut self.rng);
            (Cut { start: start + cut.start, end: start + cut.end, t: cut.t }, p_value)
        });
        self.made.insert((start, end, scan), result);
        result
    }

    /// The significant cut of `[start, end)`: a split, else an arc.
    fn significant_cut(&mut self, start: usize, end: usize) -> Option<Cut> {
        let alpha = self.settings.alpha;
        [Scan::Split, Scan::Arc]
            .into_iter()
            .find_map(|scan| self.test(start, end, scan).filter(|&(_, p_value)| p_value <= alpha))
            .map(|(cut, _)| cut)
    }

    /// Significant changes `(index, p-value)`, in order (steps 4 to 6 of the module's method).
    fn changes(mut self) -> Vec<(usize, f64)> {
        let mut boundaries = Vec::new();
        let mut pending = vec![(0, self.prepared.log.len())];
        while let Some((start, end)) = pending.pop() {
            let Some(cut) = self.significant_cut(start, end) else { continue };
            let inner: Vec<usize> = [cut.start, cut.end].into_iter().filter(|&b| b > start && b < end).collect();
            boundaries.extend(&inner);
            let edges: Vec<usize> = std::iter::once(start).chain(inner).chain([end]).collect();
            pending.extend(edges.windows(2).map(|w| (w[0], w[1])));
        }
        boundaries.sort_unstable();
        self.confirm(boundaries)
    }

    /// Tests each change again between its neighbours until every one is significant there.
    fn confirm(&mut self, mut boundaries: Vec<usize>) -> Vec<(usize, f64)> {
        'again: loop {
            let mut confirmed = Vec::with_capacity(boundaries.len());
            for k in 0..boundaries.len() {
                let start = if k == 0 { 0 } else { boundaries[k - 1] };
                let end = boundaries.get(k + 1).copied().unwrap_or(self.prepared.log.len());
                match self.test(start, end, Scan::Split) {
                    Some((cut, p_value)) if p_value <= self.settings.alpha => {
                        boundaries[k] = cut.end;
                        confirmed.push((cut.end, p_value));
                    }
                    _ => {
                        boundaries.remove(k);
                        continue 'again;
                    }
                }
            }
            return confirmed;
        }
    }
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
