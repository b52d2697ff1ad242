//! Interleaved rounds of one comparison: the KPI statistic of each round both
//! sides ran in, and which of the head's runs looked disturbed.

use std::collections::BTreeMap;

use super::series::{estimator, Series};
use crate::config::Statistic;
use crate::stats::disturbance::{disturbed_runs, Side};
use crate::stats::{self, StatsError};

/// Per-round statistics of base and head, aligned by round.
pub struct RoundPairs {
    pub base: Vec<f64>,
    pub head: Vec<f64>,
    /// Per round: whether the head's run of it was disturbed (`stats::disturbance`).
    pub head_disturbed: Vec<bool>,
}

/// The KPI statistic of each round both sides ran in, when both sides carry rounds (None when they
/// share none).
///
/// Every round is kept: the rank-based paired interval is not moved far by one odd round, and the
/// shape of a short run (its spread, its drift) is too variable to tell a disturbed run from an
/// ordinary one — on a quiet machine the shape rule flags 33–57 % of the rounds of identical
/// code. A failure must therefore also hold without the rounds whose head run looked
/// disturbed (`judge`), which is all the guard needs: a disturbance can fake a
/// regression only through the head.
pub fn per_round_statistics(base: &Series, head: &Series, statistic: Statistic) -> Result<Option<RoundPairs>, String> {
    let (Some(base_rounds), Some(head_rounds)) = (&base.rounds, &head.rounds) else { return Ok(None) };
    let by_round = |samples: &[f64], rounds: &[u32]| {
        let mut grouped: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for (value, round) in samples.iter().zip(rounds) {
            grouped.entry(*round).or_default().push(*value);
        }
        grouped
    };
    let base_groups = by_round(&base.samples, base_rounds);
    let head_groups = by_round(&head.samples, head_rounds);
    let mut pairs = RoundPairs { base: Vec::new(), head: Vec::new(), head_disturbed: Vec::new() };
    for (round, base_samples) in &base_groups {
        if let Some(head_samples) = head_groups.get(round) {
            let disturbance = disturbed_runs(base_samples, head_samples);
            pairs.head_disturbed.push(disturbance.is_some_and(|disturbance| disturbance.side == Side::Head));
            let value =
                |samples: &[f64]| round_statistic(samples, statistic).map_err(|e| format!("round {round}: {e}"));
            pairs.base.push(value(base_samples)?);
            pairs.head.push(value(head_samples)?);
        }
    }
    Ok((!pairs.base.is_empty()).then_some(pairs))
}

fn round_statistic(samples: &[f64], statistic: Statistic) -> Result<f64, StatsError> {
    match statistic {
        Statistic::Count => Ok(samples.len() as f64),
        _ => stats::statistic(samples, estimator(statistic)),
    }
}
