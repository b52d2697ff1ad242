//! Unit normalization shared by the adapters: whatever a tool printed
//! (`ns/op`, `us`, `ops/ms`, `MB/s`, `B/op`, `allocs/op`), values end up in
//! perfgate's canonical units (nanoseconds, bytes, events per second), so a
//! budget such as `max = "2ms"` fits every input. The direction of a metric
//! then follows from its unit ([`Unit::default_direction`]): times, bytes and
//! counts are lower-is-better, rates higher-is-better.

use crate::model::units::{bytes_per, COUNTS, OPERATIONS};
use crate::model::{Benchmark, Unit};

/// A unit as perfgate stores it, and the factor that turns the tool's values into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaled {
    pub unit: Unit,
    pub factor: f64,
}

impl Scaled {
    fn new(unit: Unit, factor: f64) -> Self {
        Scaled { unit, factor }
    }
}

use crate::model::units::nanoseconds_per;

/// A duration printed with its unit glued on (`338.00us`, `1.29ms`, `2.5s`, and wrk's
/// `8.65m` and `1.02h` past a minute), in nanoseconds.
pub fn glued_duration_ns(text: &str) -> Option<f64> {
    let unit_at = text.find(|c: char| c.is_alphabetic())?;
    let (number, unit) = text.split_at(unit_at);
    let ns = match unit {
        "m" => 60e9,
        "h" => 3600e9,
        unit => nanoseconds_per(unit)?,
    };
    Some(super::text::parse_number(number)? * ns)
}

/// The summary key of a tool's `percent`th percentile — the key a KPI's
/// `statistic = "pNN"` looks up: `median` for 50, `p99.9` for 99.9. `None`
/// for 0 and 100 (the minimum and maximum, which tools print on their own)
/// and for anything outside them.
pub fn percentile_key(percent: f64) -> Option<String> {
    let statistic: crate::model::Statistic = format!("p{percent}").parse().ok()?;
    Some(statistic.summary_key())
}

/// Normalize a unit as a tool printed it. Units perfgate does not know keep
/// their name (`widgets/op`) and a factor of 1: they are compared as they are.
pub fn normalize(text: &str) -> Scaled {
    let text = text.trim();
    // Per-operation and per-iteration values: the rate is implied by the word.
    let per_operation = text.strip_suffix("/op").or_else(|| text.strip_suffix("/iter"));
    let unit = per_operation.unwrap_or(text);
    if let Some(ns) = nanoseconds_per(unit) {
        return Scaled::new(Unit::Ns, ns);
    }
    if let Some(bytes) = bytes_per(unit) {
        return Scaled::new(Unit::Bytes, bytes);
    }
    if COUNTS.contains(&unit) {
        return Scaled::new(Unit::Count, 1.0);
    }
    if per_operation.is_none() {
        if let Some(rate) = rate(unit) {
            return rate;
        }
        if unit == "%" {
            return Scaled::new(Unit::Ratio, 0.01);
        }
    }
    Scaled::new(Unit::Other(text.to_string()), 1.0)
}

/// `ops/s`, `ops/ms`, `items/sec`, `/s`, `MB/s`, `GiB/s`: events or bytes per unit of time, per second.
fn rate(text: &str) -> Option<Scaled> {
    let (amount, per) = text.rsplit_once('/')?;
    let seconds = nanoseconds_per(per)? / 1e9;
    if let Some(bytes) = bytes_per(amount) {
        return Some(Scaled::new(Unit::BytesPerSecond, bytes / seconds));
    }
    OPERATIONS.contains(&amount).then(|| Scaled::new(Unit::PerSecond, 1.0 / seconds))
}

/// A benchmark from a tool's repeated measurements of one metric, each the
/// mean over many iterations (go `-count`, Google Benchmark repetitions):
/// several become raw samples; a single one is only a mean, which
/// statistics must not mistake for a sample of size one.
pub fn repeated(id: &str, metric: &str, scaled: &Scaled, values: &[f64]) -> Benchmark {
    let values: Vec<f64> = values.iter().map(|value| value * scaled.factor).collect();
    match values.as_slice() {
        [single] => {
            let mut bench = Benchmark::with_samples(id, metric, scaled.unit.clone(), Vec::new());
            bench.summary.insert("mean".into(), *single);
            bench
        }
        _ => Benchmark::with_samples(id, metric, scaled.unit.clone(), values),
    }
}

/// The benchmark id of a tool's secondary metric (allocations, CPU time,
/// counters): distinct from the primary time's id, so a `bench` glob judges
/// each metric on its own instead of pooling different units.
pub fn secondary_id(bench: &str, metric: &str) -> String {
    format!("{bench} ({metric})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Direction;

    fn scaled(text: &str) -> (Unit, f64) {
        let Scaled { unit, factor } = normalize(text);
        (unit, factor)
    }

    #[test]
    fn durations_per_operation_become_nanoseconds() {
        assert_eq!(scaled("ns/op"), (Unit::Ns, 1.0));
        assert_eq!(scaled("us/op"), (Unit::Ns, 1e3));
        assert_eq!(scaled("µs"), (Unit::Ns, 1e3));
        assert_eq!(scaled("ms/iter"), (Unit::Ns, 1e6));
        assert_eq!(scaled("s/op"), (Unit::Ns, 1e9));
    }

    #[test]
    fn percentile_keys_are_what_kpi_statistics_look_up() {
        assert_eq!(percentile_key(50.0).as_deref(), Some("median"));
        assert_eq!(percentile_key(99.0).as_deref(), Some("p99"));
        assert_eq!(percentile_key(99.9).as_deref(), Some("p99.9"));
        assert_eq!(percentile_key(66.0).as_deref(), Some("p66"));
        for percent in [0.0, 100.0, 120.0, f64::NAN] {
            assert_eq!(percentile_key(percent), None, "{percent}");
        }
    }

    #[test]
    fn glued_durations_become_nanoseconds() {
        assert_eq!(glued_duration_ns("338.00us"), Some(338_000.0));
        assert_eq!(glued_duration_ns("1.29ms"), Some(1_290_000.0));
        assert_eq!(glued_duration_ns("2.50s"), Some(2.5e9));
        assert_eq!(glued_duration_ns("8.65m"), Some(8.65 * 60e9), "wrk past a minute");
        assert_eq!(glued_duration_ns("1.50h"), Some(1.5 * 3600e9));
        for text in ["1.29", "ms", "1.2.3ms", "12parsecs", "-1ms", ""] {
            assert_eq!(glued_duration_ns(text), None, "{text:?}");
        }
    }

    #[test]
    fn rates_become_per_second_and_are_higher_is_better() {
        assert_eq!(scaled("ops/s"), (Unit::PerSecond, 1.0));
        assert_eq!(scaled("ops/ms"), (Unit::PerSecond, 1e3));
        assert_eq!(scaled("ops/us"), (Unit::PerSecond, 1e6));
        assert_eq!(scaled("ops/min"), (Unit::PerSecond, 1.0 / 60.0));
        assert_eq!(scaled("ops/sec"), (Unit::PerSecond, 1.0));
        assert_eq!(scaled("MB/s"), (Unit::BytesPerSecond, 1e6));
        assert_eq!(scaled("KiB/s"), (Unit::BytesPerSecond, 1024.0));
        for unit in ["ops/s", "MB/s", "items/s"] {
            assert_eq!(normalize(unit).unit.default_direction(), Direction::HigherIsBetter, "{unit}");
        }
    }

    #[test]
    fn bytes_and_counts_are_lower_is_better() {
        assert_eq!(scaled("B/op"), (Unit::Bytes, 1.0));
        assert_eq!(scaled("allocs/op"), (Unit::Count, 1.0));
        assert_eq!(scaled("KiB"), (Unit::Bytes, 1024.0));
        for unit in ["B/op", "allocs/op", "ns/op"] {
            assert_eq!(normalize(unit).unit.default_direction(), Direction::LowerIsBetter, "{unit}");
        }
    }

    #[test]
    fn unknown_units_keep_their_name() {
        assert_eq!(scaled("widgets/op"), (Unit::Other("widgets/op".into()), 1.0));
        assert_eq!(scaled("frobs/fortnight"), (Unit::Other("frobs/fortnight".into()), 1.0));
        assert_eq!(scaled("%"), (Unit::Ratio, 0.01));
    }

    #[test]
    fn a_budget_in_ms_fits_a_value_printed_in_us() {
        use crate::config::Quantity;
        let Scaled { unit, factor } = normalize("us/op");
        let printed = 1500.0 * factor;
        let budget = Quantity::parse("2ms").unwrap().in_unit(&unit).unwrap();
        assert_eq!((printed, budget), (1.5e6, 2e6));
    }

    #[test]
    fn secondary_ids_are_matched_literally_by_bench_globs() {
        let id = secondary_id("BenchmarkParse/size=10", "allocs/op");
        let glob = |pattern: &str| globset::Glob::new(pattern).unwrap().compile_matcher();
        assert!(glob("* (allocs/op)").is_match(&id));
        assert!(glob("BenchmarkParse/*").is_match(&id));
        assert!(!glob("* (B/op)").is_match(&id));
    }

    #[test]
    fn one_value_is_a_summary_several_are_samples() {
        let one = repeated("a", "time", &normalize("us"), &[1.5]);
        assert!(one.samples.is_empty());
        assert_eq!(one.summary["mean"], 1500.0);
        let three = repeated("a", "time", &normalize("us"), &[1.0, 2.0, 3.0]);
        assert_eq!(three.samples, [1000.0, 2000.0, 3000.0]);
        assert!(three.summary.is_empty());
    }
}
