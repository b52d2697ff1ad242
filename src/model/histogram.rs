//! A log-linear histogram of non-negative values with ≤ 0.1 % relative error:
//! the bounded-memory form of a large series (millions of requests).
//!
//! Buckets are the top bits of the IEEE-754 representation: the exponent and
//! the 9 leading mantissa bits, so every bucket spans a factor of `1 + 2^-9`
//! and its midpoint is within `2^-10` (0.098 %) of any value in it — the same
//! idea as HdrHistogram with three significant digits, without its fixed
//! range. Buckets live in small pages allocated on first use, so memory
//! follows the spread of the data (a few kB per series), not the row count.
//! Exact zeros are counted apart; the count, sum, sum of squares, minimum and
//! maximum are kept exactly, and representatives are clamped to `[min, max]`,
//! so a series of equal values (or 0/1 flags) is reproduced exactly.

use serde::{Deserialize, Serialize};

/// Leading mantissa bits kept: relative bucket width `2^-SIGNIFICANT_BITS`.
const SIGNIFICANT_BITS: u32 = 9;
const SHIFT: u32 = 52 - SIGNIFICANT_BITS;
/// Smallest exponent with its own buckets (values below `2^-10` share the first bucket).
const MIN_EXPONENT: i64 = -10;
/// Largest exponent (values up to `2^70`; larger values share the last bucket).
const MAX_EXPONENT: i64 = 70;
const BUCKETS_PER_OCTAVE: usize = 1 << SIGNIFICANT_BITS;
const BUCKET_COUNT: usize = (MAX_EXPONENT - MIN_EXPONENT + 1) as usize * BUCKETS_PER_OCTAVE;
const PAGE: usize = 64;
const PAGES: usize = BUCKET_COUNT.div_ceil(PAGE);
/// Index offset: the bucket index of `2^MIN_EXPONENT`.
const FIRST_KEY: u64 = ((MIN_EXPONENT + 1023) as u64) << SIGNIFICANT_BITS;

/// Largest relative distance between a value and its bucket's representative.
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (SIGNIFICANT_BITS + 1)) as f64;

/// Counts of values per log-linear bucket, plus exact moments and extremes.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pages: Vec<Option<Box<[u64; PAGE]>>>,
    zeros: u64,
    count: u64,
    sum: f64,
    sum_of_squares: f64,
    min: f64,
    max: f64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

/// Bucket index of a positive finite value.
fn bucket_of(value: f64) -> usize {
    let key = value.to_bits() >> SHIFT;
    (key.saturating_sub(FIRST_KEY) as usize).min(BUCKET_COUNT - 1)
}

/// Lower and upper bound of a bucket.
fn bucket_bounds(index: usize) -> (f64, f64) {
    let key = index as u64 + FIRST_KEY;
    (f64::from_bits(key << SHIFT), f64::from_bits((key + 1) << SHIFT))
}

impl Histogram {
    pub fn new() -> Self {
        Histogram {
            pages: Vec::new(),
            zeros: 0,
            count: 0,
            sum: 0.0,
            sum_of_squares: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// A histogram of `values` (finite, non-negative; others are ignored).
    pub fn from_values(values: &[f64]) -> Self {
        let mut histogram = Histogram::new();
        values.iter().for_each(|v| histogram.record(*v));
        histogram
    }

    /// Adds one value. Negative and non-finite values are not recorded
    /// (adapters reject them before).
    #[inline]
    pub fn record(&mut self, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            return self.record_n(value, 1);
        }
        self.count += 1;
        self.sum += value;
        self.sum_of_squares += value * value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.add_to_bucket(bucket_of(value), 1);
    }

    /// Adds `times` occurrences of `value`.
    pub fn record_n(&mut self, value: f64, times: u64) {
        if !(value.is_finite() && value >= 0.0) || times == 0 {
            return;
        }
        self.count += times;
        self.sum += value * times as f64;
        self.sum_of_squares += value * value * times as f64;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        if value == 0.0 {
            self.zeros += times;
            return;
        }
        let index = bucket_of(value);
        self.add_to_bucket(index, times);
    }

    fn add_to_bucket(&mut self, index: usize, times: u64) {
        if self.pages.is_empty() {
            self.pages.resize(PAGES, None);
        }
        let page = self.pages[index / PAGE].get_or_insert_with(|| Box::new([0; PAGE]));
        page[index % PAGE] += times;
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        self.count += other.count;
        self.sum += other.sum;
        self.sum_of_squares += other.sum_of_squares;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.zeros += other.zeros;
        for (index, count) in other.buckets() {
            self.add_to_bucket(index, count);
        }
    }

    /// Replaces the mean and standard deviation with ones a tool computed from
    /// the exact values it binned (wrk2's `#[Mean = ..., StdDeviation = ...]`),
    /// which are closer than the moments of the representatives recorded here.
    /// `population_sd` divides by n, as HdrHistogram does. Ignored when empty
    /// or given a negative or non-finite value.
    pub fn set_moments(&mut self, mean: f64, population_sd: f64) {
        if self.count == 0 || !(mean.is_finite() && mean >= 0.0 && population_sd.is_finite() && population_sd >= 0.0) {
            return;
        }
        let n = self.count as f64;
        self.sum = mean * n;
        self.sum_of_squares = n * (population_sd * population_sd + mean * mean);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn sum(&self) -> f64 {
        self.sum
    }

    pub fn mean(&self) -> f64 {
        self.sum / self.count as f64
    }

    /// Sample standard deviation (n − 1), from the exact moments.
    pub fn std_dev(&self) -> f64 {
        if self.count < 2 {
            return 0.0;
        }
        let n = self.count as f64;
        ((self.sum_of_squares - self.sum * self.sum / n) / (n - 1.0)).max(0.0).sqrt()
    }

    pub fn min(&self) -> f64 {
        self.min
    }

    pub fn max(&self) -> f64 {
        self.max
    }

    /// Occupied buckets `(index, count)` in increasing order of value.
    fn buckets(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.pages.iter().enumerate().filter_map(|(p, page)| page.as_ref().map(|page| (p, page))).flat_map(
            |(p, page)| page.iter().enumerate().filter(|(_, c)| **c > 0).map(move |(i, c)| (p * PAGE + i, *c)),
        )
    }

    /// Value ranges in increasing order: `(count, representative, lower, upper)`,
    /// zeros first. Representatives and bounds are clamped to `[min, max]`.
    pub fn ranges(&self) -> Vec<BucketRange> {
        let mut ranges = Vec::new();
        if self.zeros > 0 {
            ranges.push(BucketRange { count: self.zeros, value: 0.0, lower: 0.0, upper: 0.0 });
        }
        for (index, count) in self.buckets() {
            let (lower, upper) = bucket_bounds(index);
            let clamp = |v: f64| v.clamp(self.min, self.max);
            ranges.push(BucketRange {
                count,
                value: clamp((lower + upper) / 2.0),
                lower: clamp(lower),
                upper: clamp(upper),
            });
        }
        ranges
    }

    /// Approximate memory held, in bytes (for tests of the memory bound).
    pub fn heap_bytes(&self) -> usize {
        self.pages.capacity() * std::mem::size_of::<Option<Box<[u64; PAGE]>>>()
            + self.pages.iter().flatten().count() * PAGE * 8
    }
}

/// One occupied bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketRange {
    pub count: u64,
    /// Representative value (midpoint, clamped to the observed range).
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Histogram as stored in results JSON: sparse `[bucket value, count]` pairs of
/// representatives is lossy, so the bucket indexes travel instead.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredHistogram {
    significant_bits: u32,
    count: u64,
    sum: f64,
    sum_of_squares: f64,
    min: f64,
    max: f64,
    zeros: u64,
    /// `[bucket index, count]` of occupied buckets.
    buckets: Vec<(usize, u64)>,
}

impl Serialize for Histogram {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StoredHistogram {
            significant_bits: SIGNIFICANT_BITS,
            count: self.count,
            sum: self.sum,
            sum_of_squares: self.sum_of_squares,
            min: self.min,
            max: self.max,
            zeros: self.zeros,
            buckets: self.buckets().collect(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Histogram {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let stored = StoredHistogram::deserialize(deserializer)?;
        if stored.significant_bits != SIGNIFICANT_BITS {
            return Err(D::Error::custom(format!(
                "histogram with {} significant bits; this perfgate reads {SIGNIFICANT_BITS}",
                stored.significant_bits
            )));
        }
        let mut histogram = Histogram {
            zeros: stored.zeros,
            count: stored.count,
            sum: stored.sum,
            sum_of_squares: stored.sum_of_squares,
            min: stored.min,
            max: stored.max,
            ..Histogram::new()
        };
        let mut total = stored.zeros;
        for (index, count) in stored.buckets {
            if index >= BUCKET_COUNT {
                return Err(D::Error::custom(format!("histogram bucket {index} out of range")));
            }
            histogram.add_to_bucket(index, count);
            total = total.saturating_add(count);
        }
        if total != stored.count || (stored.count > 0 && !(stored.min <= stored.max && stored.min >= 0.0)) {
            return Err(D::Error::custom("histogram counts, min and max do not agree"));
        }
        Ok(histogram)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_within_the_relative_error_of_its_representative() {
        let mut value = 1e-3;
        while value < 1e15 {
            let histogram = Histogram::from_values(&[value, value * 3.0]);
            let first = histogram.ranges()[0];
            assert!((first.value / value - 1.0).abs() <= RELATIVE_ERROR, "{value}: {first:?}");
            assert!(first.lower <= value && value <= first.upper);
            value *= 1.37;
        }
    }

    #[test]
    fn equal_values_and_flags_are_exact() {
        let histogram = Histogram::from_values(&[0.0, 1.0, 1.0, 0.0, 0.0]);
        let ranges = histogram.ranges();
        assert_eq!(ranges.iter().map(|r| (r.count, r.value)).collect::<Vec<_>>(), [(3, 0.0), (2, 1.0)]);
        assert_eq!(histogram.mean(), 0.4);
        let same = Histogram::from_values(&[7.25e6; 10]);
        assert_eq!(same.ranges()[0].value, 7.25e6);
    }

    #[test]
    fn merge_equals_recording_everything_and_round_trips_through_json() {
        let values: Vec<f64> = (1..5000).map(|i| (i as f64).powf(1.7) * 1e3).collect();
        let mut merged = Histogram::from_values(&values[..2000]);
        merged.merge(&Histogram::from_values(&values[2000..]));
        let whole = Histogram::from_values(&values);
        assert!(merged.ranges() == whole.ranges(), "merging keeps every bucket");
        assert_eq!(merged.count(), 4999);
        let json = serde_json::to_string(&whole).unwrap();
        let back: Histogram = serde_json::from_str(&json).unwrap();
        let summary = |h: &Histogram| h.ranges().iter().map(|r| (r.count, (r.value / 1e3).round())).collect::<Vec<_>>();
        assert!(summary(&back) == summary(&whole), "JSON keeps every bucket");
        let tampered = json.replace("\"count\":4999", "\"count\":5");
        assert!(serde_json::from_str::<Histogram>(&tampered).is_err());
    }

    #[test]
    fn moments_from_the_tool_replace_those_of_the_representatives() {
        let mut histogram = Histogram::from_values(&[1.0, 2.0, 3.0, 6.0]);
        histogram.set_moments(3.0, 1.8708286933869707);
        assert_eq!((histogram.mean(), histogram.sum()), (3.0, 12.0));
        // population sd of 1, 2, 3, 6 is sqrt(3.5); the sample sd is sqrt(14 / 3)
        assert!((histogram.std_dev() - (14.0f64 / 3.0).sqrt()).abs() < 1e-12, "{}", histogram.std_dev());
        histogram.set_moments(f64::NAN, 1.0);
        assert_eq!(histogram.mean(), 3.0, "a bad mean is ignored");
    }

    #[test]
    fn negative_and_non_finite_values_are_ignored_and_memory_follows_the_spread() {
        let mut histogram = Histogram::new();
        for v in [-1.0, f64::NAN, f64::INFINITY] {
            histogram.record(v);
        }
        assert_eq!(histogram.count(), 0);
        for i in 0..1_000_000u64 {
            histogram.record(5e7 + (i % 1000) as f64 * 1e5);
        }
        assert!(histogram.heap_bytes() < 64 * 1024, "{}", histogram.heap_bytes());
    }
}
