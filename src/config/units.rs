//! Quantities in `perf-budget.toml`: durations (`850us`, `1.5ms`, `1s`),
//! percents (`"3%"`), sizes (`"2MiB"`, `"10kB"`), rates (`"500/s"`) and plain numbers.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::model::units::{self, bytes_per, nanoseconds_per, rate_multiplier};
use crate::model::Unit;

/// A budget value as written, parsed into canonical units
/// (nanoseconds, bytes, fractions, events per second).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Quantity {
    /// A duration in nanoseconds.
    Duration(f64),
    Bytes(f64),
    /// A fraction: `"3%"` is 0.03.
    Percent(f64),
    /// Events per second.
    PerSecond(f64),
    /// A number without a unit, taken in the metric's own unit.
    Number(f64),
}

impl Quantity {
    /// Parses `"1.5ms"`, `"3%"`, `"2MiB"`, `"500/s"`, `"0.01"`.
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let value: f64 = number.parse().map_err(|_| {
            format!("expected a number with an optional unit (e.g. \"1.5ms\", \"3%\", \"2MiB\"), found {text:?}")
        })?;
        if !value.is_finite() {
            return Err(format!("expected a finite number, found {text:?}"));
        }
        let unit = unit.trim();
        if unit.is_empty() {
            return Ok(Quantity::Number(value));
        }
        if unit == "%" {
            return Ok(Quantity::Percent(value / 100.0));
        }
        if let Some(factor) = nanoseconds_per(unit) {
            return Ok(Quantity::Duration(value * factor));
        }
        if let Some(factor) = bytes_per(unit) {
            return Ok(Quantity::Bytes(value * factor));
        }
        if let Some(prefix) = unit.strip_suffix("/s") {
            if let Some(factor) = rate_multiplier(prefix) {
                return Ok(Quantity::PerSecond(value * factor));
            }
        }
        Err(format!(
            "unknown unit {unit:?} in {text:?}: use ns, us, ms, s, min, h for durations; B, kB, MB, KiB, MiB, GiB for sizes; % for percents; /s for rates"
        ))
    }

    /// The value in the canonical form of `unit`, or why this quantity does not fit a metric in that unit.
    pub fn in_unit(&self, unit: &Unit) -> Result<f64, String> {
        match (self, unit) {
            (Quantity::Duration(ns), Unit::Ns) => Ok(*ns),
            (Quantity::Bytes(bytes), Unit::Bytes) => Ok(*bytes),
            (Quantity::Percent(fraction), Unit::Ratio) => Ok(*fraction),
            (Quantity::PerSecond(rate), Unit::PerSecond) => Ok(*rate),
            (Quantity::Number(_), Unit::Ns) => {
                Err(format!("{self} has no unit, but the metric is a duration: write it with one, e.g. \"{self}ms\""))
            }
            (Quantity::Number(value), _) => Ok(*value),
            _ => Err(format!("{self} does not fit a metric measured in {}", unit.label())),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Duration(ns) => f.write_str(&units::format_value(*ns, &Unit::Ns)),
            Quantity::Bytes(bytes) => f.write_str(&units::format_value(*bytes, &Unit::Bytes)),
            Quantity::Percent(fraction) => write!(f, "{}%", trim_float(fraction * 100.0)),
            Quantity::PerSecond(rate) => write!(f, "{}/s", trim_float(*rate)),
            Quantity::Number(value) => f.write_str(&trim_float(*value)),
        }
    }
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A number or a string, as the budget file writes quantities and ratios.
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    Integer(i64),
    Float(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Written::deserialize(deserializer) {
            Ok(Written::Integer(value)) => Ok(Quantity::Number(value as f64)),
            Ok(Written::Float(value)) => Ok(Quantity::Number(value)),
            Ok(Written::Text(text)) => Quantity::parse(&text).map_err(serde::de::Error::custom),
            Err(_) => {
                Err(serde::de::Error::custom("expected a number or a string such as \"1.5ms\", \"3%\", \"2MiB\""))
            }
        }
    }
}

/// A relative budget (`"3%"`), stored as a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Percent(pub f64);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Quantity::deserialize(deserializer)? {
            Quantity::Percent(fraction) if fraction >= 0.0 => Ok(Percent(fraction)),
            other => {
                Err(serde::de::Error::custom(format!("expected a non-negative percent such as \"3%\", found {other}")))
            }
        }
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", trim_float(self.0 * 100.0))
    }
}

/// A ratio such as `2.0` or `"2x"` (`min-ratio`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Ratio(pub f64);

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = match Written::deserialize(deserializer) {
            Ok(Written::Integer(value)) => Some(value as f64),
            Ok(Written::Float(value)) => Some(value),
            Ok(Written::Text(text)) => text.trim().strip_suffix('x').and_then(|n| n.trim().parse().ok()),
            Err(_) => None,
        };
        match value {
            Some(ratio) if ratio.is_finite() && ratio > 0.0 => Ok(Ratio(ratio)),
            _ => Err(serde::de::Error::custom("expected a positive ratio such as 2.0 or \"2x\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_nanoseconds() {
        assert_eq!(Quantity::parse("850us"), Ok(Quantity::Duration(850_000.0)));
        assert_eq!(Quantity::parse("1.5ms"), Ok(Quantity::Duration(1_500_000.0)));
        assert_eq!(Quantity::parse("1s"), Ok(Quantity::Duration(1e9)));
        assert_eq!(Quantity::parse("2 min"), Ok(Quantity::Duration(120e9)));
        assert_eq!(Quantity::parse("20sec"), Ok(Quantity::Duration(20e9)), "the word tools print");
    }

    #[test]
    fn percents_sizes_rates_and_numbers() {
        assert_eq!(Quantity::parse("3%"), Ok(Quantity::Percent(0.03)));
        assert_eq!(Quantity::parse("2MiB"), Ok(Quantity::Bytes(2.0 * 1048576.0)));
        assert_eq!(Quantity::parse("10kB"), Ok(Quantity::Bytes(10_000.0)));
        assert_eq!(Quantity::parse("1.5k/s"), Ok(Quantity::PerSecond(1500.0)));
        assert_eq!(Quantity::parse("0.01"), Ok(Quantity::Number(0.01)));
    }

    #[test]
    fn bad_units_say_what_is_accepted() {
        let error = Quantity::parse("1.5mss").unwrap_err();
        assert!(error.contains("unknown unit \"mss\""), "{error}");
        assert!(Quantity::parse("fast").unwrap_err().contains("expected a number"));
    }

    #[test]
    fn quantities_fit_only_matching_units() {
        assert_eq!(Quantity::Duration(1e9).in_unit(&Unit::Ns), Ok(1e9));
        assert!(Quantity::Duration(1e9).in_unit(&Unit::Bytes).is_err());
        assert!(Quantity::Number(5.0).in_unit(&Unit::Ns).unwrap_err().contains("has no unit"));
        assert_eq!(Quantity::Percent(0.01).in_unit(&Unit::Ratio), Ok(0.01));
        assert_eq!(Quantity::Number(0.01).in_unit(&Unit::Ratio), Ok(0.01));
    }
}
