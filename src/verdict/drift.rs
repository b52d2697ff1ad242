//! Creep against an anchor: small steps each inside `max-regression` can add
//! up to a change no single pull request shows. A KPI with `max-drift` is
//! judged a second time, the head against the `[baseline] anchor` commit's
//! results, with `max-drift` as its regression budget; those comparisons say
//! `against: anchor` and join the KPI's verdict.

use super::reasons;
use super::KpiOutcome;
use crate::config::Kpi;

/// The KPI as it is judged against the anchor: `max-drift` as its only budget, a regression budget.
pub fn drift_kpi(kpi: &Kpi) -> Option<Kpi> {
    let drift = kpi.max_drift?;
    Some(Kpi { max: None, min: None, min_ratio: None, max_regression: Some(drift), max_drift: None, ..kpi.clone() })
}

/// Fold a KPI's judgement against the anchor (`anchor`, named `label` in reasons) into its
/// judgement against the base: the comparisons are added, and say since what they are judged.
/// The KPI's verdict is then decided over both by the check-wide step.
pub fn fold(outcome: &mut KpiOutcome, anchor: KpiOutcome, label: &str) {
    for mut comparison in anchor.comparisons {
        comparison.reason.judged = reasons::since_anchor(label, &comparison.reason.judged);
        outcome.comparisons.push(comparison);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn config(kpi: &str) -> Config {
        let text = format!(
            "[baseline]\nanchor = \"v1.0\"\n[[suite]]\nname = \"micro\"\ncommand = \"true\"\n[[kpi]]\nname = \"k\"\nsuite = \"micro\"\nstatistic = \"median\"\n{kpi}\n"
        );
        Config::parse(&text, std::path::Path::new("perf-budget.toml")).unwrap()
    }

    #[test]
    fn the_drift_kpi_keeps_the_selection_and_judges_only_the_drift() {
        let config = config("bench = \"parse/*\"\nmax = \"2ms\"\nmax-regression = \"5%\"\nmax-drift = \"6%\"");
        let kpi = &config.kpis[0];
        let drift = drift_kpi(kpi).unwrap();
        assert_eq!(drift.bench.as_deref(), Some("parse/*"));
        assert_eq!(drift.max_regression.map(|p| p.0), Some(0.06));
        assert!(drift.max.is_none() && drift.min.is_none() && drift.min_ratio.is_none() && drift.max_drift.is_none());
        assert_eq!(drift.line, kpi.line);
        let without = crate::config::Config::parse(
            "[[suite]]\nname = \"micro\"\ncommand = \"true\"\n[[kpi]]\nname = \"k\"\nsuite = \"micro\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n",
            std::path::Path::new("perf-budget.toml"),
        )
        .unwrap();
        assert!(drift_kpi(&without.kpis[0]).is_none());
    }
}
