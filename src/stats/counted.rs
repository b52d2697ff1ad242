//! Instruction counts of repeated runs (Callgrind, ASLR off): nearly
//! deterministic, not quite. Hash seeds, allocator state and the layout of the
//! stack move a count a little from one process to the next, so two or three
//! counted runs per side bound it: the change is the ratio of the sides' mean
//! counts, and its interval is that ratio widened on each side by the spread
//! the runs showed (the log range of each side, added) and never by less than
//! [`COUNT_FLOOR`], the spread repeated runs of one commit leave on real
//! suites. It is a bound, not a sampling interval: counts are not noisy
//! draws, and a spread larger than the floor is carried whole.

use super::{z_two_sided, LogRatio, Method, StatsError};

/// The least relative half-width of a counted comparison. Three counted runs
/// of each of itertools' 39 `bench1` benchmarks (ASLR off) gave the same count
/// to the instruction for 38 and differed by 0.0057 % for one (docs/ACCURACY.md);
/// the floor is about three times the largest.
pub const COUNT_FLOOR: f64 = 0.0002;

/// The change of head over base from the counts of each side's runs; `confidence` only scales the
/// standard error that p-values read off the bound.
pub fn counted_log_ratio(base: &[f64], head: &[f64], confidence: f64) -> Result<LogRatio, StatsError> {
    let (base_mean, base_spread) = side(base, "base")?;
    let (head_mean, head_spread) = side(head, "head")?;
    let estimate = (head_mean / base_mean).ln();
    let half = (base_spread + head_spread).max(COUNT_FLOOR.ln_1p());
    Ok(LogRatio {
        estimate,
        se: half / z_two_sided(confidence),
        ci: (estimate - half, estimate + half),
        method: Method::Counted { runs: base.len().min(head.len()) },
        n_base: base.len(),
        n_head: head.len(),
    })
}

/// A side's mean count and the log of its largest over its smallest run.
fn side(counts: &[f64], name: &'static str) -> Result<(f64, f64), StatsError> {
    if counts.is_empty() {
        return Err(StatsError::Empty(name));
    }
    if counts.iter().any(|c| !c.is_finite() || *c <= 0.0) {
        return Err(StatsError::Invalid(format!("the {name} counts must be positive, found {counts:?}")));
    }
    let (low, high) = counts.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &c| (lo.min(c), hi.max(c)));
    Ok((counts.iter().sum::<f64>() / counts.len() as f64, (high / low).ln()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_runs_are_bound_by_the_floor() {
        let ratio = counted_log_ratio(&[1_000_000.0, 1_000_000.0], &[1_020_000.0, 1_020_000.0], 0.95).unwrap();
        assert!((ratio.estimate.exp() - 1.02).abs() < 1e-12);
        let width = ratio.ci.1.exp() / ratio.ci.0.exp() - 1.0;
        assert!((width - 2.0 * COUNT_FLOOR).abs() < 1e-6, "{width}");
        assert_eq!(ratio.method, Method::Counted { runs: 2 });
        assert!((ratio.se * 1.959964 - COUNT_FLOOR.ln_1p()).abs() < 1e-9);
    }

    #[test]
    fn a_spread_beyond_the_floor_widens_the_bound_by_both_sides() {
        // Base runs 0.5 % apart, head runs 0.1 % apart: half-width ln(1.005) + ln(1.001).
        let ratio = counted_log_ratio(&[1000.0, 1005.0], &[1001.0, 1002.001], 0.95).unwrap();
        let half = (ratio.ci.1 - ratio.ci.0) / 2.0;
        assert!((half - (1.005f64.ln() + 1.001f64.ln())).abs() < 1e-12, "{half}");
        assert!((ratio.estimate - (1001.5005f64 / 1002.5).ln()).abs() < 1e-12);
    }

    #[test]
    fn counts_must_be_positive() {
        assert_eq!(counted_log_ratio(&[], &[1.0], 0.95).unwrap_err(), StatsError::Empty("base"));
        assert!(counted_log_ratio(&[1.0], &[0.0], 0.95).is_err());
    }
}
