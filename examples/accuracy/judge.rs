//! The rules under test behind one interface: perfgate's real decision code
//! (`perfgate::verdict::evaluate`, what `perfgate check` runs) at a budget,
//! and the peers' rules, each calling every benchmark of a simulated check.

use std::path::Path;

use perfgate::config::Config;
use perfgate::verdict::{evaluate, Report, Verdict};

use super::peers::Peer;
use super::simulate::{bench_index, SimulatedCheck, SUITE};

/// One rule's call on one benchmark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Call {
    /// Reported as a regression (perfgate: `fail`).
    pub flagged: bool,
    /// perfgate's `inconclusive` (peers never say so).
    pub inconclusive: bool,
    /// The reported interval of the relative change, when the rule reports one.
    pub interval: Option<[f64; 2]>,
}

/// perfgate's calls on each of `benchmarks` simulated benchmarks, by index, from its report.
pub fn calls_of(report: &Report, benchmarks: usize) -> Vec<Call> {
    let mut calls = vec![Call { flagged: false, inconclusive: false, interval: None }; benchmarks];
    for comparison in report.kpis.iter().flat_map(|k| &k.comparisons) {
        calls[bench_index(&comparison.bench)] = Call {
            flagged: comparison.verdict == Verdict::Fail,
            inconclusive: comparison.verdict == Verdict::Inconclusive,
            interval: comparison.ci,
        };
    }
    calls
}

/// A rule judging simulated checks.
pub enum Judge {
    Perfgate { config: Box<Config>, statistic: String, budget: f64 },
    Peer(Peer),
}

impl Judge {
    /// perfgate with default `[gate]` settings, one KPI over every benchmark.
    pub fn perfgate(statistic: &str, budget: f64) -> Judge {
        Judge::perfgate_with_gate(statistic, budget, "")
    }

    /// perfgate with `gate` as the budget file's `[gate]` table body (e.g. `fdr = 0.01`).
    pub fn perfgate_with_gate(statistic: &str, budget: f64, gate: &str) -> Judge {
        let text = format!(
            "[gate]\n{gate}\n\n[[suite]]\nname = \"{SUITE}\"\n\n[[kpi]]\nname = \"time\"\nsuite = \"{SUITE}\"\nbench = \"*\"\n\
             statistic = \"{statistic}\"\nmax-regression = \"{:.4}%\"\n",
            budget * 100.0
        );
        let config = Config::parse(&text, Path::new("perf-budget.toml")).expect("a valid simulated budget file");
        Judge::Perfgate { config: Box::new(config), statistic: statistic.to_string(), budget }
    }

    pub fn name(&self) -> String {
        match self {
            Judge::Perfgate { statistic, budget, .. } => {
                format!("perfgate ({statistic}, budget {:.0} %)", budget * 100.0)
            }
            Judge::Peer(peer) => peer.name(),
        }
    }

    pub fn needs_history(&self) -> bool {
        matches!(self, Judge::Peer(peer) if peer.needs_history())
    }

    /// One call per benchmark, by index; None when the rule does not apply to this data.
    pub fn judge(&self, check: &SimulatedCheck) -> Option<Vec<Call>> {
        match self {
            Judge::Perfgate { config, .. } => {
                let report = evaluate(config, &check.inputs).expect("the simulated check evaluates");
                Some(calls_of(&report, check.head().len()))
            }
            Judge::Peer(peer) => check
                .base()
                .iter()
                .zip(check.head())
                .enumerate()
                .map(|(i, (base, head))| {
                    let history = check.history.get(i).map(Vec::as_slice).unwrap_or(&[]);
                    let flagged = peer.flags_regression(base, head, history)?;
                    Some(Call { flagged, inconclusive: false, interval: None })
                })
                .collect(),
        }
    }
}
