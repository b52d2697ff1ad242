//! Coarse cumulative bucket counts — a Prometheus histogram: how many values
//! were at most each upper bound `le`. Unlike [`super::histogram::Histogram`]
//! the buckets are the tool's (`0.1`, `0.25`, `0.5`, ... seconds), far too
//! wide to stand for values; statistics of them are intervals between bounds
//! (`src/stats/buckets.rs`), never invented values.

use serde::{Deserialize, Serialize};

/// One bucket: the values at most `le`, counted cumulatively.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketCount {
    /// Upper bound in the benchmark's unit; the last bucket's is +∞ (`"+Inf"` in JSON).
    #[serde(with = "upper_bound")]
    pub le: f64,
    /// Values at most `le`.
    pub cumulative: u64,
}

/// The rules every bucket list obeys: finite, non-negative bounds in increasing
/// order, ending with a `+Inf` bucket, and counts that never decrease.
pub fn validate(buckets: &[BucketCount]) -> Result<(), String> {
    let Some(last) = buckets.last() else { return Err("expected at least the +Inf bucket, found none".into()) };
    if last.le != f64::INFINITY {
        return Err(format!("expected the last bucket to be le=\"+Inf\", found le={}", last.le));
    }
    let finite = &buckets[..buckets.len() - 1];
    if let Some(bad) = finite.iter().find(|b| !(b.le.is_finite() && b.le >= 0.0)) {
        return Err(format!("expected finite, non-negative bucket bounds, found le={}", bad.le));
    }
    for pair in buckets.windows(2) {
        if pair[1].le <= pair[0].le {
            return Err(format!("bucket bounds must increase: le={} follows le={}", pair[1].le, pair[0].le));
        }
        if pair[1].cumulative < pair[0].cumulative {
            return Err(format!(
                "cumulative counts never decrease: le={} counts {}, fewer than le={} with {}",
                pair[1].le, pair[1].cumulative, pair[0].le, pair[0].cumulative
            ));
        }
    }
    Ok(())
}

/// The number of values counted (the `+Inf` bucket's count).
pub fn total(buckets: &[BucketCount]) -> u64 {
    buckets.last().map_or(0, |b| b.cumulative)
}

/// Adds `other`'s counts to `into`: two series (or rounds) with the same bounds pooled.
pub fn merge(into: &mut [BucketCount], other: &[BucketCount]) -> Result<(), String> {
    let same_bounds = into.len() == other.len() && into.iter().zip(other).all(|(a, b)| a.le == b.le);
    if !same_bounds {
        return Err(format!("their bucket bounds differ ({} and {})", bounds_text(into), bounds_text(other)));
    }
    for (bucket, added) in into.iter_mut().zip(other) {
        bucket.cumulative = bucket.cumulative.saturating_add(added.cumulative);
    }
    Ok(())
}

fn bounds_text(buckets: &[BucketCount]) -> String {
    let bounds: Vec<String> =
        buckets.iter().map(|b| if b.le.is_finite() { b.le.to_string() } else { "+Inf".into() }).collect();
    bounds.join(", ")
}

/// `le` in JSON: a number, or the string `"+Inf"` (JSON has no infinity).
mod upper_bound {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(le: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if le.is_finite() {
            serializer.serialize_f64(*le)
        } else {
            serializer.serialize_str("+Inf")
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Number(f64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        match Stored::deserialize(deserializer)? {
            Stored::Number(le) => Ok(le),
            Stored::Text(text) if text == "+Inf" => Ok(f64::INFINITY),
            Stored::Text(text) => {
                Err(serde::de::Error::custom(format!("expected a number or \"+Inf\", found {text:?}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buckets(pairs: &[(f64, u64)]) -> Vec<BucketCount> {
        pairs.iter().map(|&(le, cumulative)| BucketCount { le, cumulative }).collect()
    }

    #[test]
    fn valid_buckets_and_what_breaks_them() {
        assert!(validate(&buckets(&[(0.1, 2), (0.5, 7), (f64::INFINITY, 9)])).is_ok());
        assert!(validate(&buckets(&[(f64::INFINITY, 0)])).is_ok());
        assert!(validate(&[]).unwrap_err().contains("+Inf bucket"));
        assert!(validate(&buckets(&[(0.1, 2), (0.5, 7)])).unwrap_err().contains("last bucket"));
        assert!(validate(&buckets(&[(0.5, 2), (0.1, 7), (f64::INFINITY, 9)])).unwrap_err().contains("must increase"));
        assert!(validate(&buckets(&[(0.1, 5), (0.5, 3), (f64::INFINITY, 9)])).unwrap_err().contains("never decrease"));
        assert!(validate(&buckets(&[(-1.0, 0), (f64::INFINITY, 9)])).unwrap_err().contains("non-negative"));
    }

    #[test]
    fn merging_needs_the_same_bounds() {
        let mut pooled = buckets(&[(0.1, 2), (f64::INFINITY, 5)]);
        merge(&mut pooled, &buckets(&[(0.1, 1), (f64::INFINITY, 1)])).unwrap();
        assert_eq!(pooled, buckets(&[(0.1, 3), (f64::INFINITY, 6)]));
        assert_eq!(total(&pooled), 6);
        let error = merge(&mut pooled, &buckets(&[(0.2, 1), (f64::INFINITY, 1)])).unwrap_err();
        assert_eq!(error, "their bucket bounds differ (0.1, +Inf and 0.2, +Inf)");
    }

    #[test]
    fn infinity_travels_as_plus_inf_in_json() {
        let list = buckets(&[(0.25, 3), (f64::INFINITY, 4)]);
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(json, r#"[{"le":0.25,"cumulative":3},{"le":"+Inf","cumulative":4}]"#);
        assert_eq!(serde_json::from_str::<Vec<BucketCount>>(&json).unwrap(), list);
        assert!(serde_json::from_str::<Vec<BucketCount>>(r#"[{"le":"inf","cumulative":4}]"#).is_err());
    }
}
