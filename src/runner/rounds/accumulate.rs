//! How the results of each round join those of the rounds before: samples
//! keep their round (for the paired statistics), histograms pool, and bucket
//! counts add up.

use crate::model::{buckets, Benchmark};

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
