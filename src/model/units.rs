//! The one vocabulary of units: the words the budget file and the tools'
//! outputs use for durations, sizes and rates, with the factor to perfgate's
//! canonical units (nanoseconds, bytes, events per second), and the way
//! reports write values back (`812 ns`, `1.23 ms`, `4.5 MiB`, `+5.2%`).
//! Words mean the same wherever they appear: `20sec` is a budget's timeout
//! exactly as `sec` is a tool's unit.

use crate::model::Unit;

/// Duration words and nanoseconds in one of each.
pub const DURATIONS: &[(&str, f64)] = &[
    ("ns", 1.0),
    ("us", 1e3),
    ("µs", 1e3),
    ("μs", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("sec", 1e9),
    ("min", 60e9),
    ("h", 3600e9),
];

/// Size words and bytes in one of each.
pub const SIZES: &[(&str, f64)] = &[
    ("B", 1.0),
    ("bytes", 1.0),
    ("kB", 1e3),
    ("KB", 1e3),
    ("MB", 1e6),
    ("GB", 1e9),
    ("KiB", 1024.0),
    ("MiB", 1048576.0),
    ("GiB", 1073741824.0),
];

/// Multipliers written before a rate's `/s` (`1.5k/s`).
pub const RATE_MULTIPLIERS: &[(&str, f64)] = &[("", 1.0), ("k", 1e3), ("M", 1e6), ("G", 1e9)];

/// Words for "one operation" in rates such as `ops/s`.
pub const OPERATIONS: &[&str] = &["ops", "op", "items", "iterations", "calls", "requests", "reqs", ""];

/// Words for a plain count of events.
pub const COUNTS: &[&str] = &["allocs", "allocations", "count", "counts"];

/// Nanoseconds in one `unit` (`ns`, `us`/`µs`, `ms`, `s`/`sec`, `min`, `h`).
pub fn nanoseconds_per(unit: &str) -> Option<f64> {
    lookup(DURATIONS, unit.trim())
}

/// Bytes in one `unit` (`B`, `kB`, `MiB`, ...).
pub fn bytes_per(unit: &str) -> Option<f64> {
    lookup(SIZES, unit.trim())
}

/// The factor of a rate multiplier (`k` in `1.5k/s`).
pub fn rate_multiplier(prefix: &str) -> Option<f64> {
    lookup(RATE_MULTIPLIERS, prefix)
}

/// The duration words without their synonyms (`ns, us, ms, s, min, h`), for messages that say what is accepted.
pub fn duration_words() -> String {
    let mut words: Vec<&str> = Vec::new();
    for (i, (name, factor)) in DURATIONS.iter().enumerate() {
        if DURATIONS[..i].iter().all(|(_, earlier)| earlier != factor) {
            words.push(name);
        }
    }
    words.join(", ")
}

fn lookup(table: &[(&str, f64)], unit: &str) -> Option<f64> {
    table.iter().find(|(name, _)| *name == unit).map(|(_, factor)| *factor)
}

/// A duration for people: `42 s`, `3.5 min`, `1.2 h`.
pub fn human_duration(duration: std::time::Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 90.0 {
        format!("{seconds:.0} s")
    } else if seconds < 5400.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// A value in its unit, scaled to the most readable prefix, three significant digits.
pub fn format_value(value: f64, unit: &Unit) -> String {
    if !value.is_finite() {
        return if value > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let scale = Scale::of(value, unit);
    format!("{}{}", significant(scale.apply(value)), scale.suffix)
}

/// How a value is written in its unit: divided by `factor`, followed by `suffix`
/// (`1.5e6` ns is `1.5` with ` ms`). One scale serves a whole chart axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub factor: f64,
    /// What follows the number, with its leading space when there is one (` ms`, `k/s`, `%`).
    pub suffix: String,
}

impl Scale {
    /// The scale [`format_value`] writes `value` in: the largest prefix not above its magnitude.
    pub fn of(value: f64, unit: &Unit) -> Scale {
        let prefixed = |prefixes: &[(f64, &str)]| {
            let magnitude = value.abs();
            let (factor, suffix) =
                prefixes.iter().find(|(factor, _)| magnitude >= *factor).unwrap_or(&prefixes[prefixes.len() - 1]);
            Scale { factor: *factor, suffix: suffix.to_string() }
        };
        match unit {
            Unit::Ns => prefixed(&[(1e9, " s"), (1e6, " ms"), (1e3, " µs"), (1.0, " ns")]),
            Unit::Bytes => prefixed(&[(1073741824.0, " GiB"), (1048576.0, " MiB"), (1024.0, " KiB"), (1.0, " B")]),
            Unit::BytesPerSecond => {
                prefixed(&[(1073741824.0, " GiB/s"), (1048576.0, " MiB/s"), (1024.0, " KiB/s"), (1.0, " B/s")])
            }
            Unit::PerSecond => prefixed(&[(1e9, "G/s"), (1e6, "M/s"), (1e3, "k/s"), (1.0, "/s")]),
            Unit::Ratio => Scale { factor: 0.01, suffix: "%".into() },
            Unit::Count => Scale { factor: 1.0, suffix: String::new() },
            Unit::Other(name) => Scale { factor: 1.0, suffix: format!(" {name}") },
        }
    }

    /// The scale for all of `values`: the one their largest magnitude is written in.
    pub fn common(values: impl IntoIterator<Item = f64>, unit: &Unit) -> Scale {
        let largest = values.into_iter().filter(|v| v.is_finite()).map(f64::abs).fold(0.0, f64::max);
        Scale::of(largest, unit)
    }

    /// `value` in this scale.
    pub fn apply(&self, value: f64) -> f64 {
        value / self.factor
    }

    /// The unit's word in this scale, for an axis title: `ms`, `k/s`, `%` (empty for plain counts).
    pub fn word(&self) -> &str {
        self.suffix.trim()
    }
}

/// Three significant digits, no exponent, trailing zeros dropped.
pub fn significant(value: f64) -> String {
    significant_digits(value, 3)
}

/// At least `digits` significant digits (all digits before the point), no exponent, trailing zeros dropped.
pub fn significant_digits(value: f64, digits: i32) -> String {
    if value == 0.0 || !value.is_finite() {
        return if value.is_nan() {
            "NaN".into()
        } else if value == 0.0 {
            "0".into()
        } else {
            format!("{value}")
        };
    }
    let decimals = (digits - 1 - value.abs().log10().floor() as i32).clamp(0, 9) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A relative change as a signed percent: `+5.2%`, `-0.31%`.
pub fn format_change(fraction: f64) -> String {
    if !fraction.is_finite() {
        return if fraction > 0.0 { "+∞".into() } else { "-∞".into() };
    }
    let percent = fraction * 100.0;
    let digits = if percent.abs() >= 10.0 { 1 } else { 2 };
    let text = format!("{percent:+.digits$}%");
    if text == "-0.00%" || text == "+0.00%" {
        "±0.00%".into()
    } else {
        text
    }
}

/// The first `shown` of `names`, and how many more: `a, b, c, and 2 more`.
pub fn first_names<S: AsRef<str>>(names: &[S], shown: usize) -> String {
    let mut listed: Vec<&str> = names.iter().take(shown).map(AsRef::as_ref).collect();
    let more = names.len() - listed.len();
    if more > 0 {
        listed.push("");
        return format!("{}and {more} more", listed.join(", "));
    }
    listed.join(", ")
}

/// A relative interval: `[+1.2%, +4.8%]`.
pub fn format_change_interval(interval: [f64; 2]) -> String {
    format!("[{}, {}]", format_change(interval[0]), format_change(interval[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_listed_up_to_a_count_then_counted() {
        let names: Vec<String> = (1..=6).map(|i| format!("b{i}")).collect();
        assert_eq!(first_names(&names, 4), "b1, b2, b3, b4, and 2 more");
        assert_eq!(first_names(&names[..2], 4), "b1, b2");
    }

    #[test]
    fn durations_pick_a_readable_prefix() {
        assert_eq!(format_value(812.0, &Unit::Ns), "812 ns");
        assert_eq!(format_value(1234.0, &Unit::Ns), "1.23 µs");
        assert_eq!(format_value(1.5e6, &Unit::Ns), "1.5 ms");
        assert_eq!(format_value(2.0e9, &Unit::Ns), "2 s");
        assert_eq!(format_value(0.148, &Unit::Ns), "0.148 ns");
    }

    #[test]
    fn other_units() {
        assert_eq!(format_value(0.0123, &Unit::Ratio), "1.23%");
        assert_eq!(format_value(3.0 * 1048576.0, &Unit::Bytes), "3 MiB");
        assert_eq!(format_value(1500.0, &Unit::PerSecond), "1.5k/s");
        assert_eq!(format_value(42.0, &Unit::Count), "42");
        assert_eq!(format_value(1.5e6, &Unit::Other("instructions".into())), "1500000 instructions");
    }

    #[test]
    fn one_scale_serves_a_whole_axis() {
        let scale = Scale::common([900e3, 1.2e6, f64::INFINITY], &Unit::Ns);
        assert_eq!((scale.factor, scale.word()), (1e6, "ms"));
        assert_eq!(significant_digits(scale.apply(900e3), 4), "0.9");
        assert_eq!(Scale::common([0.02], &Unit::Ratio).word(), "%");
        assert_eq!(Scale::common([3.0], &Unit::Count).word(), "");
        assert_eq!(significant_digits(1234.5678, 4), "1235");
        assert_eq!(significant_digits(1.234567, 4), "1.235");
        assert_eq!(significant_digits(0.00123456, 4), "0.001235");
    }

    #[test]
    fn the_budget_file_and_the_tools_share_their_words() {
        assert_eq!(nanoseconds_per("sec"), Some(1e9));
        assert_eq!(nanoseconds_per(" ms "), Some(1e6));
        assert_eq!(nanoseconds_per("h"), Some(3600e9));
        assert_eq!(bytes_per("bytes"), Some(1.0));
        assert_eq!(bytes_per("MiB"), Some(1048576.0));
        assert_eq!(rate_multiplier("k"), Some(1e3));
        assert_eq!(nanoseconds_per("parsecs"), None);
        assert_eq!(duration_words(), "ns, us, ms, s, min, h");
    }

    #[test]
    fn changes_are_signed_percents() {
        assert_eq!(format_change(0.052), "+5.20%");
        assert_eq!(format_change(-0.1234), "-12.3%");
        assert_eq!(format_change(0.0), "±0.00%");
        assert_eq!(format_change_interval([0.012, 0.048]), "[+1.20%, +4.80%]");
    }
}
