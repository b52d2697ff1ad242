//! False discoveries of a whole check: several KPIs in one budget file, most
//! of their benchmarks changed by exactly their KPI's budget (the boundary of
//! "within budget", where a single test's false-alarm rate is highest) and a
//! few far beyond it. Benjamini–Hochberg across the check must keep the mean
//! false-discovery proportion at or below `fdr`; the interval rule alone
//! would not.

use std::collections::BTreeMap;
use std::path::Path;

use perfgate::config::Config;
use perfgate::verdict::{evaluate, Inputs, Verdict};

use super::noise::Noise;
use super::simulate::{bench_index, simulate, Design, SUITE};

/// One KPI of the check: its budget, and how its benchmarks changed.
#[derive(Debug, Clone, Copy)]
pub struct BoundaryKpi {
    pub budget: f64,
    /// Benchmarks changed by exactly `budget` (true nulls: within the budget).
    pub at_budget: usize,
    /// Benchmarks changed by `far` (true regressions).
    pub beyond: usize,
    pub far: f64,
}

/// The case: 90 benchmarks at their budget and 6 far beyond, over three KPIs.
pub const THREE_KPIS: [BoundaryKpi; 3] = [
    BoundaryKpi { budget: 0.03, at_budget: 30, beyond: 2, far: 0.25 },
    BoundaryKpi { budget: 0.05, at_budget: 30, beyond: 2, far: 0.35 },
    BoundaryKpi { budget: 0.10, at_budget: 30, beyond: 2, far: 0.50 },
];

/// What the checks found, summed over repetitions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discoveries {
    pub checks: usize,
    /// Sum over checks of false fails / all fails (0 when nothing failed).
    pub sum_of_proportions: f64,
    pub false_fails: usize,
    pub true_fails: usize,
    pub regressions: usize,
}

impl Discoveries {
    /// Mean false-discovery proportion: the false discovery rate.
    pub fn false_discovery_rate(&self) -> f64 {
        self.sum_of_proportions / self.checks as f64
    }

    /// Share of the true regressions that failed.
    pub fn power(&self) -> f64 {
        self.true_fails as f64 / self.regressions as f64
    }
}

/// Suite name of KPI `k`.
fn suite_of(k: usize) -> String {
    format!("kpi{k}")
}

/// The budget file: one suite and one KPI per entry, statistic `statistic`, default `[gate]`.
pub fn boundary_config(kpis: &[BoundaryKpi], statistic: &str) -> Config {
    let mut text = String::new();
    for (k, kpi) in kpis.iter().enumerate() {
        let suite = suite_of(k);
        text += &format!(
            "[[suite]]\nname = \"{suite}\"\n\n[[kpi]]\nname = \"time {k}\"\nsuite = \"{suite}\"\nbench = \"*\"\n\
             statistic = \"{statistic}\"\nmax-regression = \"{:.4}%\"\n\n",
            kpi.budget * 100.0
        );
    }
    Config::parse(&text, Path::new("perf-budget.toml")).expect("a valid simulated budget file")
}

/// `reps` checks of `kpis`, each KPI's suite simulated with `design` and `noise`.
pub fn measure_discoveries(
    kpis: &[BoundaryKpi],
    design: Design,
    noise: &Noise,
    statistic: &str,
    reps: usize,
    seed: u64,
) -> Discoveries {
    let config = boundary_config(kpis, statistic);
    let truths: Vec<Vec<f64>> = kpis
        .iter()
        .map(|kpi| {
            let mut changes = vec![kpi.budget; kpi.at_budget];
            changes.extend(std::iter::repeat_n(kpi.far, kpi.beyond));
            changes
        })
        .collect();
    let mut found = Discoveries::default();
    for rep in 0..reps {
        let mut inputs = Inputs { head: BTreeMap::new(), base: Some(BTreeMap::new()), ..Inputs::default() };
        for (k, changes) in truths.iter().enumerate() {
            let check_seed = seed.wrapping_mul(1_000_003).wrapping_add((rep * kpis.len() + k) as u64);
            let mut check = simulate(check_seed, design, noise, changes, false).inputs;
            inputs.head.insert(suite_of(k), check.head.remove(SUITE).expect("simulated head"));
            let base = check.base.as_mut().and_then(|b| b.remove(SUITE)).expect("simulated base");
            inputs.base.as_mut().expect("a base").insert(suite_of(k), base);
        }
        let report = evaluate(&config, &inputs).expect("the simulated check evaluates");
        let (mut false_fails, mut true_fails) = (0, 0);
        for outcome in &report.kpis {
            let k = (0..kpis.len()).find(|&k| suite_of(k) == outcome.suite).expect("an outcome of a simulated KPI");
            let (kpi, changes) = (&kpis[k], &truths[k]);
            for comparison in outcome.comparisons.iter().filter(|c| c.verdict == Verdict::Fail) {
                if changes[bench_index(&comparison.bench)] <= kpi.budget {
                    false_fails += 1;
                } else {
                    true_fails += 1;
                }
            }
        }
        let fails = false_fails + true_fails;
        found.checks += 1;
        found.sum_of_proportions += if fails == 0 { 0.0 } else { false_fails as f64 / fails as f64 };
        found.false_fails += false_fails;
        found.true_fails += true_fails;
        found.regressions += kpis.iter().map(|kpi| kpi.beyond).sum::<usize>();
    }
    found
}
