//! The values of one series while a row input streams by: raw samples while
//! the series is small (exact statistics, as before), a [`Histogram`] once it
//! outgrows [`RAW_SAMPLE_LIMIT`] — so memory per series stays bounded
//! whatever the number of rows. The switch depends only on the series' total
//! count, never on how the input was split for parallel parsing.

use crate::model::histogram::Histogram;
use crate::model::{Benchmark, Unit};

/// Samples a series keeps raw before it becomes a histogram (8 kB of f64).
pub const RAW_SAMPLE_LIMIT: usize = 1024;

/// Values of one series: raw or binned.
#[derive(Debug, Clone)]
pub enum Recorder {
    Raw(Vec<f64>),
    Binned(Histogram),
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::Raw(Vec::new())
    }
}

impl Recorder {
    #[inline]
    pub fn record(&mut self, value: f64) {
        match self {
            Recorder::Raw(samples) if samples.len() < RAW_SAMPLE_LIMIT => samples.push(value),
            Recorder::Raw(samples) => {
                let mut histogram = Histogram::from_values(samples);
                histogram.record(value);
                *self = Recorder::Binned(histogram);
            }
            Recorder::Binned(histogram) => histogram.record(value),
        }
    }

    /// 0/1 error flags of `requests` requests of which `failed` failed: raw
    /// (successes, then failures) while small, else binned. Tools that only
    /// count failures give the same series as a per-request log would.
    pub fn flags(requests: u64, failed: u64) -> Recorder {
        let ok = requests.saturating_sub(failed);
        if requests as usize <= RAW_SAMPLE_LIMIT {
            let mut flags = vec![0.0; ok as usize];
            flags.resize(requests as usize, 1.0);
            return Recorder::Raw(flags);
        }
        let mut histogram = Histogram::new();
        histogram.record_n(0.0, ok);
        histogram.record_n(1.0, failed.min(requests));
        Recorder::Binned(histogram)
    }

    pub fn count(&self) -> u64 {
        match self {
            Recorder::Raw(samples) => samples.len() as u64,
            Recorder::Binned(histogram) => histogram.count(),
        }
    }

    /// The series as a benchmark.
    pub fn into_benchmark(self, id: String, metric: String, unit: Unit) -> Benchmark {
        match self {
            Recorder::Raw(samples) => Benchmark::with_samples(id, metric, unit, samples),
            Recorder::Binned(histogram) => Benchmark::with_histogram(id, metric, unit, histogram),
        }
    }
}

/// The values of one series that one lane saw (see [`super::blocks`]): raw
/// values stamped with their place in the file (block number in the high 32
/// bits, line in the block in the low ones) while the lane has few, else a
/// histogram. [`combine`] puts the lanes' parts back together.
#[derive(Debug, Clone)]
pub enum LaneRecorder {
    Raw(Vec<(u64, f64)>),
    Binned(Histogram),
}

impl Default for LaneRecorder {
    fn default() -> Self {
        LaneRecorder::Raw(Vec::new())
    }
}

impl LaneRecorder {
    #[inline]
    pub fn record(&mut self, stamp: u64, value: f64) {
        match self {
            LaneRecorder::Raw(samples) if samples.len() < RAW_SAMPLE_LIMIT => samples.push((stamp, value)),
            LaneRecorder::Raw(samples) => {
                let mut histogram = Histogram::new();
                samples.iter().for_each(|(_, v)| histogram.record(*v));
                histogram.record(value);
                *self = LaneRecorder::Binned(histogram);
            }
            LaneRecorder::Binned(histogram) => histogram.record(value),
        }
    }

    pub fn is_raw(&self) -> bool {
        matches!(self, LaneRecorder::Raw(_))
    }

    pub fn count(&self) -> u64 {
        match self {
            LaneRecorder::Raw(samples) => samples.len() as u64,
            LaneRecorder::Binned(histogram) => histogram.count(),
        }
    }
}

/// One series from its parts (several lanes, or several series pooled), in a
/// fixed order: raw samples in file order when the series has at most
/// [`RAW_SAMPLE_LIMIT`] values — the same form a single pass would give —
/// else one histogram of all of them.
pub fn combine(parts: Vec<LaneRecorder>) -> Recorder {
    let total: u64 = parts.iter().map(LaneRecorder::count).sum();
    if total as usize <= RAW_SAMPLE_LIMIT {
        let mut stamped: Vec<(u64, f64)> = Vec::with_capacity(total as usize);
        for part in parts {
            if let LaneRecorder::Raw(samples) = part {
                stamped.extend(samples);
            }
        }
        stamped.sort_by_key(|(stamp, _)| *stamp);
        return Recorder::Raw(stamped.into_iter().map(|(_, v)| v).collect());
    }
    let mut histogram = Histogram::new();
    for part in parts {
        match part {
            LaneRecorder::Raw(samples) => samples.iter().for_each(|(_, v)| histogram.record(*v)),
            LaneRecorder::Binned(binned) => histogram.merge(&binned),
        }
    }
    Recorder::Binned(histogram)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(values: &[f64]) -> Recorder {
        let mut recorder = Recorder::default();
        values.iter().for_each(|v| recorder.record(*v));
        recorder
    }

    #[test]
    fn small_series_stay_raw_and_large_ones_become_histograms() {
        assert!(matches!(recorded(&[1.0; RAW_SAMPLE_LIMIT]), Recorder::Raw(_)));
        let large = recorded(&[1.0; RAW_SAMPLE_LIMIT + 1]);
        assert!(matches!(&large, Recorder::Binned(h) if h.count() == RAW_SAMPLE_LIMIT as u64 + 1));
    }

    #[test]
    fn failure_counts_become_flags_raw_or_binned() {
        assert!(matches!(Recorder::flags(3, 1), Recorder::Raw(ref f) if f == &[0.0, 0.0, 1.0]));
        let Recorder::Binned(large) = Recorder::flags(5000, 50) else { panic!("binned above the raw limit") };
        assert_eq!((large.count(), large.sum()), (5000, 50.0));
        assert!(matches!(Recorder::flags(0, 0), Recorder::Raw(ref f) if f.is_empty()));
    }

    #[test]
    fn the_form_depends_on_the_total_not_on_the_split() {
        let values: Vec<f64> = (0..3000).map(|i| i as f64 * 1.5).collect();
        let whole = recorded(&values);
        // Two parts, as two lanes would hold them: values stamped with their place.
        let parts = |values: &[f64], split: usize| {
            let mut parts = [LaneRecorder::default(), LaneRecorder::default()];
            for (place, value) in values.iter().enumerate() {
                parts[usize::from(place >= split)].record(place as u64, *value);
            }
            parts.to_vec()
        };
        for split in [1, 500, 1024, 2999] {
            let merged = combine(parts(&values, split));
            let (Recorder::Binned(a), Recorder::Binned(b)) = (&merged, &whole) else { panic!("both binned") };
            assert!(a.ranges() == b.ranges(), "split at {split}");
        }
        let small = combine(parts(&[1.0, 2.0, 3.0], 2));
        assert!(matches!(small, Recorder::Raw(ref s) if s == &[1.0, 2.0, 3.0]), "raw samples keep the file order");
    }

    /// Values 0, 1, 2, ... in blocks of `per_block`, block n recorded by lane n % lanes.
    fn in_lanes(count: usize, per_block: usize, lanes: usize) -> Vec<LaneRecorder> {
        let mut parts = vec![LaneRecorder::default(); lanes];
        for value in 0..count {
            let block = (value / per_block) as u64;
            let stamp = block << 32 | (value % per_block) as u64;
            parts[block as usize % lanes].record(stamp, value as f64);
        }
        parts
    }

    #[test]
    fn lanes_combine_to_what_one_pass_records() {
        let Recorder::Raw(small) = combine(in_lanes(1000, 7, 3)) else { panic!("1000 values stay raw") };
        assert_eq!(small, (0..1000).map(f64::from).collect::<Vec<_>>(), "file order restored");
        let values: Vec<f64> = (0..5000).map(f64::from).collect();
        let Recorder::Binned(one_pass) = recorded(&values) else { panic!("binned") };
        for (per_block, lanes) in [(100, 2), (1500, 2), (10, 4), (5000, 1)] {
            let Recorder::Binned(combined) = combine(in_lanes(5000, per_block, lanes)) else { panic!("binned") };
            assert!(combined.ranges() == one_pass.ranges(), "{per_block} per block, {lanes} lanes");
            assert_eq!((combined.count(), combined.min(), combined.max()), (5000, 0.0, 4999.0));
        }
    }
}
