//! KPI statistics: `mean | median | min | p50 | p90 | p95 | p99 | p99.9 | max | throughput | count | rate`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The statistic a KPI is about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    Mean,
    Median,
    Min,
    Max,
    /// A quantile in (0, 1): `p99` is 0.99.
    Quantile(f64),
    /// Work per second (criterion throughput, requests per second).
    Throughput,
    /// Number of samples or events; compared exactly.
    Count,
    /// Share of flagged samples (error rate); samples are 0/1.
    Rate,
}

impl FromStr for Statistic {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Ok(match text {
            "mean" | "avg" => Statistic::Mean,
            "median" | "med" => Statistic::Median,
            "min" => Statistic::Min,
            "max" => Statistic::Max,
            "throughput" => Statistic::Throughput,
            "count" => Statistic::Count,
            "rate" => Statistic::Rate,
            other => {
                let percent = other
                    .strip_prefix('p')
                    .and_then(|digits| digits.parse::<f64>().ok())
                    .filter(|p| *p > 0.0 && *p < 100.0)
                    .ok_or_else(|| {
                        format!("unknown statistic {other:?}: expected mean, median, min, max, p50, p90, p95, p99, p99.9 (any pNN), throughput, count or rate")
                    })?;
                if percent == 50.0 {
                    Statistic::Median
                } else {
                    Statistic::Quantile(percent / 100.0)
                }
            }
        })
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statistic::Mean => f.write_str("mean"),
            Statistic::Median => f.write_str("median"),
            Statistic::Min => f.write_str("min"),
            Statistic::Max => f.write_str("max"),
            Statistic::Quantile(p) => {
                let percent = format!("{:.4}", p * 100.0);
                write!(f, "p{}", percent.trim_end_matches('0').trim_end_matches('.'))
            }
            Statistic::Throughput => f.write_str("throughput"),
            Statistic::Count => f.write_str("count"),
            Statistic::Rate => f.write_str("rate"),
        }
    }
}

impl Statistic {
    /// Whether it is a statistic of the values themselves (a mean, a quantile), not of their
    /// number, their rate or work over time.
    pub fn of_values(&self) -> bool {
        !matches!(self, Statistic::Throughput | Statistic::Count | Statistic::Rate)
    }

    /// The key under which adapters store this statistic in a benchmark's `summary`.
    pub fn summary_key(&self) -> String {
        self.to_string()
    }
}

impl<'de> Deserialize<'de> for Statistic {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Statistic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in ["mean", "median", "min", "max", "p90", "p95", "p99", "p99.9", "throughput", "count", "rate"] {
            let statistic: Statistic = name.parse().unwrap();
            assert_eq!(statistic.to_string(), name);
        }
        assert_eq!("p50".parse::<Statistic>(), Ok(Statistic::Median));
        let Ok(Statistic::Quantile(p)) = "p99.9".parse::<Statistic>() else { panic!("p99.9 is a quantile") };
        assert!((p - 0.999).abs() < 1e-12);
    }

    #[test]
    fn unknown_statistics_list_the_choices() {
        let error = "p100".parse::<Statistic>().unwrap_err();
        assert!(error.contains("expected mean, median"), "{error}");
        assert!("average".parse::<Statistic>().is_err());
    }
}
