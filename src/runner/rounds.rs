//! Base and head in interleaved rounds: every suite runs once per side per
//! round, in an order that is randomized but balanced (each pair of rounds is
//! AB then BA, or BA then AB), so drift of the machine hits both sides alike.
//! Every sample keeps its round, for the paired statistics.

use std::collections::BTreeMap;

use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::command::RunError;
use super::progress::Progress;
use super::suite::{collect_suite, RunSettings, Tree};
use crate::config::Suite;
use crate::model::{buckets, Benchmark};

/// Which tree a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Base,
    Head,
}

/// The order of the two sides in each round: randomized ABBA blocks.
pub fn interleaved_schedule(rounds: u32, seed: u64) -> Vec<[Side; 2]> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut schedule = Vec::with_capacity(rounds as usize);
    while schedule.len() < rounds as usize {
        let first = if rng.gen_bool(0.5) { [Side::Base, Side::Head] } else { [Side::Head, Side::Base] };
        schedule.push(first);
        schedule.push([first[1], first[0]]);
    }
    schedule.truncate(rounds as usize);
    schedule
}

/// Results of all rounds, per suite, for each side; plus suites the base could not run.
#[derive(Debug, Default)]
pub struct RoundResults {
    pub base: BTreeMap<String, Vec<Benchmark>>,
    pub head: BTreeMap<String, Vec<Benchmark>>,
    /// Suites whose command failed on the base commit (e.g. added by this branch), with why.
    pub base_failures: Vec<(String, String)>,
}

/// Run every suite on both trees in `rounds` interleaved rounds.
pub fn run_rounds(
    suites: &[&Suite],
    base: &Tree,
    head: &Tree,
    rounds: u32,
    seed: u64,
    settings: &RunSettings,
    progress: &mut Progress,
) -> Result<RoundResults> {
    let mut results = RoundResults::default();
    for (index, order) in interleaved_schedule(rounds, seed).into_iter().enumerate() {
        let round = index as u32 + 1;
        for side in order {
            let tree = if side == Side::Base { base } else { head };
            for suite in suites {
                if side == Side::Base && results.base_failures.iter().any(|(name, _)| name == &suite.name) {
                    continue;
                }
                progress.start(round, rounds, tree.label, &suite.name);
                let collected = collect_suite(suite, tree, settings);
                progress.finish_one();
                match collected {
                    Ok(benchmarks) => {
                        let side_results = if side == Side::Base { &mut results.base } else { &mut results.head };
                        add_round(side_results.entry(suite.name.clone()).or_default(), benchmarks, round);
                    }
                    // A suite the base commit cannot run (new in this branch) has no baseline; anything
                    // else — the head failing, a timeout, Ctrl-C — stops the check.
                    Err(error) if side == Side::Base && round == 1 && is_command_failure(&error) => {
                        results.base_failures.push((suite.name.clone(), format!("{error:#}")));
                    }
                    Err(error) => return Err(error),
                }
            }
        }
    }
    Ok(results)
}

fn is_command_failure(error: &anyhow::Error) -> bool {
    matches!(error.downcast_ref::<RunError>(), Some(RunError::Failed { .. } | RunError::Spawn { .. }))
}

/// Append one round's results to the accumulated ones, tagging each sample with its round.
/// A benchmark reported as a single value (no raw samples) contributes that value as one sample.
/// Bucketed series (Prometheus scrapes, one per round: the suite's command starts the server)
/// add up their counts and sums.
pub fn add_round(accumulated: &mut Vec<Benchmark>, round_results: Vec<Benchmark>, round: u32) {
    for mut bench in round_results {
        if bench.buckets.is_some() {
            let same = |b: &&mut Benchmark| b.id == bench.id && b.metric == bench.metric && b.tags == bench.tags;
            let added = accumulated.iter_mut().find(same).is_some_and(|existing| add_bucket_counts(existing, &bench));
            if !added {
                // New, or other bounds than an earlier round's: kept apart, so pooling them reports the mismatch.
                accumulated.push(bench);
            }
            continue;
        }
        if let Some(histogram) = bench.histogram.take() {
            // Binned series (large request logs) pool their rounds; they carry no per-sample rounds.
            match accumulated.iter_mut().find(|b| b.id == bench.id && b.metric == bench.metric && b.tags == bench.tags)
            {
                Some(existing) => existing.histogram.get_or_insert_with(Default::default).merge(&histogram),
                None => {
                    bench.histogram = Some(histogram);
                    accumulated.push(bench);
                }
            }
            continue;
        }
        if bench.samples.is_empty() {
            match ["median", "mean", "value"].iter().find_map(|key| bench.summary.get(*key)) {
                Some(value) => bench.samples.push(*value),
                None => continue,
            }
        }
        let rounds = vec![round; bench.samples.len()];
        match accumulated.iter_mut().find(|b| b.id == bench.id && b.metric == bench.metric && b.tags == bench.tags) {
            Some(existing) => {
                existing.samples.extend(bench.samples);
                existing.rounds.get_or_insert_with(Vec::new).extend(rounds);
            }
            None => {
                bench.rounds = Some(rounds);
                bench.summary.clear();
                accumulated.push(bench);
            }
        }
    }
}

/// Adds `round`'s bucket counts and sum to `into`; false when their bounds differ.
fn add_bucket_counts(into: &mut Benchmark, round: &Benchmark) -> bool {
    let (Some(pooled), Some(added)) = (into.buckets.as_mut(), round.buckets.as_ref()) else { return false };
    if buckets::merge(pooled, added).is_err() {
        return false;
    }
    let count = buckets::total(pooled) as f64;
    into.summary.insert("count".into(), count);
    let sum = into.summary.get("sum").zip(round.summary.get("sum")).map(|(a, b)| a + b);
    into.summary.remove("mean");
    match sum {
        Some(sum) => {
            into.summary.insert("sum".into(), sum);
            if count > 0.0 {
                into.summary.insert("mean".into(), sum / count);
            }
        }
        None => {
            into.summary.remove("sum");
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;

    #[test]
    fn the_schedule_is_balanced_and_seeded() {
        let schedule = interleaved_schedule(10, 7);
        assert_eq!(schedule.len(), 10);
        for pair in schedule.chunks(2) {
            assert_eq!(pair[0], [pair[1][1], pair[1][0]], "each pair of rounds is AB/BA or BA/AB");
        }
        let base_first = schedule.iter().filter(|o| o[0] == Side::Base).count();
        assert_eq!(base_first, 5);
        assert_eq!(schedule, interleaved_schedule(10, 7));
        let orders: std::collections::BTreeSet<_> =
            (0..20).map(|seed| interleaved_schedule(2, seed)[0][0] == Side::Base).collect();
        assert_eq!(orders.len(), 2, "the first side is drawn at random");
        assert_eq!(interleaved_schedule(3, 1).len(), 3);
    }

    #[test]
    fn rounds_accumulate_samples_and_keep_their_round() {
        let mut accumulated = Vec::new();
        let bench = |samples: Vec<f64>| Benchmark::with_samples("parse", "time", Unit::Ns, samples);
        add_round(&mut accumulated, vec![bench(vec![1.0, 2.0])], 1);
        add_round(&mut accumulated, vec![bench(vec![3.0])], 2);
        let mut single = bench(vec![]);
        single.id = "single".into();
        single.summary.insert("median".into(), 9.0);
        add_round(&mut accumulated, vec![single.clone()], 1);
        add_round(&mut accumulated, vec![single], 2);
        assert_eq!(accumulated[0].samples, [1.0, 2.0, 3.0]);
        assert_eq!(accumulated[0].rounds.as_deref(), Some(&[1, 1, 2][..]));
        assert_eq!(accumulated[1].samples, [9.0, 9.0]);
        assert_eq!(accumulated[1].rounds.as_deref(), Some(&[1, 2][..]));
    }

    #[test]
    fn bucketed_rounds_add_up_their_counts_and_sums() {
        let scrape = |counts: [u64; 2], sum: f64, le: f64| {
            let mut bench = Benchmark::with_samples("rpc_seconds", "rpc_seconds", Unit::Ns, Vec::new());
            let list = [(le, counts[0]), (f64::INFINITY, counts[1])];
            bench.buckets =
                Some(list.iter().map(|&(le, cumulative)| buckets::BucketCount { le, cumulative }).collect());
            bench.summary = [("count", counts[1] as f64), ("sum", sum), ("mean", sum / counts[1] as f64)]
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect();
            bench
        };
        let mut accumulated = Vec::new();
        add_round(&mut accumulated, vec![scrape([3, 4], 8.0, 1e9)], 1);
        add_round(&mut accumulated, vec![scrape([1, 4], 12.0, 1e9)], 2);
        assert_eq!(accumulated.len(), 1);
        let pooled = &accumulated[0];
        assert_eq!(buckets::total(pooled.buckets.as_ref().unwrap()), 8);
        assert_eq!(pooled.buckets.as_ref().unwrap()[0].cumulative, 4);
        assert_eq!((pooled.summary["sum"], pooled.summary["mean"], pooled.summary["count"]), (20.0, 2.5, 8.0));
        assert!(pooled.samples.is_empty() && pooled.rounds.is_none());
        add_round(&mut accumulated, vec![scrape([1, 4], 12.0, 2e9)], 3);
        assert_eq!(accumulated.len(), 2, "other bounds stay apart");
    }
}
