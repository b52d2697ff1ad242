//! A KPI's budget as the checks use it: its bounds in the comparisons' unit,
//! the human form shown in reports, and its relative budget as a log-ratio
//! threshold.

use super::outcome::Budget;
use crate::config::{Kpi, Quantity};
use crate::model::{Direction, Unit};

/// Whether the KPI judges changes against the baseline (`max-regression`, `min-ratio`).
pub fn has_relative_budget(kpi: &Kpi) -> bool {
    kpi.max_regression.is_some() || kpi.min_ratio.is_some()
}

/// The KPI's budget with its absolute bounds in `unit`.
pub fn budget_of(kpi: &Kpi, unit: &Unit) -> Result<Budget, String> {
    let in_unit = |q: Option<Quantity>, key: &str| {
        q.map(|q| q.in_unit(unit).map_err(|e| format!("{key} = {q}: {e}"))).transpose()
    };
    let max = in_unit(kpi.max, "max")?;
    let min = in_unit(kpi.min, "min")?;
    let mut parts = Vec::new();
    if let Some(q) = kpi.max {
        parts.push(format!("≤ {q}"));
    }
    if let Some(q) = kpi.min {
        parts.push(format!("≥ {q}"));
    }
    if let Some(tau) = kpi.max_regression {
        parts.push(format!("+{tau}"));
    }
    if let Some(ratio) = kpi.min_ratio {
        parts.push(format!("≥ {}x", ratio.0));
    }
    if let Some(drift) = kpi.max_drift {
        parts.push(format!("+{drift} since the anchor"));
    }
    Ok(Budget {
        max,
        min,
        max_regression: kpi.max_regression.map(|p| p.0),
        min_ratio: kpi.min_ratio.map(|r| r.0),
        max_drift: kpi.max_drift.map(|p| p.0),
        text: parts.join(", "),
    })
}

/// The relative budget a comparison is tested against, as a log-ratio threshold, and
/// whether a change upwards is the worse one.
pub fn relative_threshold(kpi: &Kpi, direction: Direction) -> (f64, bool) {
    match (kpi.max_regression, kpi.min_ratio, direction) {
        (Some(tau), _, Direction::LowerIsBetter) => (tau.0.ln_1p(), true),
        (Some(tau), _, Direction::HigherIsBetter) => ((-tau.0).ln_1p(), false),
        (None, Some(ratio), Direction::LowerIsBetter) => (-ratio.0.ln(), true),
        (None, Some(ratio), Direction::HigherIsBetter) => (ratio.0.ln(), false),
        (None, None, _) => (0.0, true),
    }
}
