//! Calibration: from A/A rounds (the same code measured as both sides), how
//! noisy each benchmark is round to round, the smallest regression the
//! configured rounds can detect, and the rounds or budget that would make each
//! KPI decidable.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::pool::prepare;
use super::rounds::per_round_statistics;
use super::select::select;
use crate::config::{Config, Kpi};
pub use crate::model::calibration::{CalibrationRow, TimeBudgetAdvice};
use crate::model::Benchmark;
use crate::stats::Looks;

/// Power the suggestions aim for: a regression at twice the budget is caught this often.
const TARGET_POWER: f64 = 0.8;
/// The fewest rounds for which a 95 % signed-rank interval exists.
const MIN_ROUNDS: usize = 6;

/// The time budget the rows need at `round_seconds` per round (at most `max_rounds`), and what
/// the `within` rounds of the configured budget decide.
pub fn time_budget_advice(
    rows: &[CalibrationRow],
    round_seconds: f64,
    max_rounds: u32,
    within: u32,
) -> TimeBudgetAdvice {
    let needs: Vec<usize> = rows.iter().filter_map(|r| r.rounds_for_budget).collect();
    let rounds_needed = needs.iter().max().map(|&n| n.min(max_rounds as usize));
    let minutes = (rounds_needed.unwrap_or(0) as f64 * round_seconds / 60.0).ceil().max(1.0);
    TimeBudgetAdvice {
        round_seconds,
        rounds_needed,
        suggested: format!("{minutes:.0}min"),
        rounds_within_budget: within,
        decidable_within_budget: needs.iter().filter(|&&n| n <= within as usize).count(),
        benchmarks: needs.len(),
    }
}

/// Calibrate every KPI's benchmarks from A/A results of the two sides.
pub fn calibrate(
    config: &Config,
    side_a: &std::collections::BTreeMap<String, Vec<Benchmark>>,
    side_b: &std::collections::BTreeMap<String, Vec<Benchmark>>,
    planned_rounds: u32,
) -> Result<Vec<CalibrationRow>, String> {
    let mut rows = Vec::new();
    for kpi in &config.kpis {
        let a = side_a.get(&kpi.suite).map(Vec::as_slice).unwrap_or(&[]);
        let b = side_b.get(&kpi.suite).map(Vec::as_slice);
        for selection in select(kpi, a, b).map_err(|e| format!("KPI {:?}: {e}", kpi.name))? {
            if selection.base.is_empty() {
                continue;
            }
            let series_a = prepare(&selection.head, kpi.statistic)?;
            let series_b = prepare(&selection.base, kpi.statistic)?;
            let Some(rounds) = per_round_statistics(&series_b, &series_a, kpi.statistic)? else {
                continue;
            };
            rows.push(row(
                kpi,
                &selection.label,
                &rounds.base,
                &rounds.head,
                planned_rounds as usize,
                Looks::last_look_confidence(config.gate.confidence),
            ));
        }
    }
    Ok(rows)
}

fn row(kpi: &Kpi, bench: &str, a: &[f64], b: &[f64], planned: usize, confidence: f64) -> CalibrationRow {
    let logs_a: Vec<f64> = a.iter().map(|v| v.ln()).collect();
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| (y / x).ln()).collect();
    let pair_sd = sample_sd(&d);
    let planned = planned.max(2);
    let quantiles = critical_sum(planned, confidence);
    let detectable = quantiles * pair_sd / (planned as f64).sqrt();
    let z_sum = normal_quantile((1.0 + confidence) / 2.0) + normal_quantile(TARGET_POWER);
    let budget = kpi.max_regression.map(|p| p.0);
    let rounds_for_budget = budget.filter(|tau| *tau > 0.0).map(|tau| {
        let needed = (z_sum * pair_sd / tau.ln_1p()).powi(2).ceil() as usize;
        needed.max(MIN_ROUNDS)
    });
    CalibrationRow {
        kpi: kpi.name.clone(),
        suite: kpi.suite.clone(),
        bench: bench.to_string(),
        statistic: kpi.statistic,
        rounds: d.len(),
        round_cv: sample_sd(&logs_a),
        pair_sd,
        detectable_beyond_budget: detectable.exp_m1(),
        budget,
        rounds_for_budget,
        smallest_budget: detectable.exp_m1(),
    }
}

/// `t_(n-1),(1+c)/2 + z_power`: how many standard errors separate a caught regression from the budget.
fn critical_sum(rounds: usize, confidence: f64) -> f64 {
    let t = StudentsT::new(0.0, 1.0, (rounds - 1) as f64)
        .map(|t| t.inverse_cdf((1.0 + confidence) / 2.0))
        .unwrap_or(f64::INFINITY);
    t + normal_quantile(TARGET_POWER)
}

fn normal_quantile(p: f64) -> f64 {
    Normal::new(0.0, 1.0).map(|n| n.inverse_cdf(p)).unwrap_or(f64::NAN)
}

fn sample_sd(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return f64::NAN;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::model::Unit;

    fn side(values: &[f64]) -> BTreeMap<String, Vec<Benchmark>> {
        let mut bench = Benchmark::with_samples("parse", "time", Unit::Ns, values.to_vec());
        bench.rounds = Some((1..=values.len() as u32).collect());
        BTreeMap::from([("s".to_string(), vec![bench])])
    }

    #[test]
    fn noise_and_suggestions_follow_the_pair_spread() {
        let config = Config::parse(
            "[[suite]]\nname = \"s\"\n[[kpi]]\nname = \"k\"\nsuite = \"s\"\nstatistic = \"median\"\nmax-regression = \"3%\"\n",
            Path::new("perf-budget.toml"),
        )
        .unwrap();
        // One value per round; B alternates 2 % above and below A: pair sd of ln(1.02), ln(0.98).
        let a = [100.0, 101.0, 99.0, 100.0, 102.0, 98.0, 100.0, 101.0, 99.0, 100.0];
        let b: Vec<f64> = a.iter().enumerate().map(|(i, v)| if i % 2 == 0 { v * 1.02 } else { v * 0.98 }).collect();
        let rows = calibrate(&config, &side(&a), &side(&b), 10).unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.rounds, 10);
        // np.std(np.log([1.02, 0.98] * 5), ddof=1) = 0.021079...
        let d: Vec<f64> = (0..10).map(|i| if i % 2 == 0 { 1.02f64.ln() } else { 0.98f64.ln() }).collect();
        assert!((row.pair_sd - sample_sd(&d)).abs() < 1e-12);
        assert!((row.pair_sd - 0.021079).abs() < 1e-4, "{}", row.pair_sd);
        // At the last look's confidence, 1 - 0.05 * 0.7 = 0.965 (scipy.stats):
        // (t.ppf(0.9825, 9) + norm.ppf(0.8)) * sd / sqrt(10) = (2.47985 + 0.84162) * 0.021085 / 3.1623 = 2.2146 %
        let detectable = (row.detectable_beyond_budget + 1.0).ln();
        assert!((detectable - 0.022146).abs() < 1e-5, "{detectable}");
        // ((norm.ppf(0.9825) + norm.ppf(0.8)) * sd / ln 1.03)^2 = 4.43 -> at least 6 rounds
        assert_eq!(row.rounds_for_budget, Some(6));
        let advice = time_budget_advice(&rows, 40.0, 60, 20);
        assert_eq!((advice.rounds_needed, advice.suggested.as_str()), (Some(6), "4min"), "6 rounds of 40 s");
        assert_eq!((advice.decidable_within_budget, advice.benchmarks), (1, 1));
    }
}
