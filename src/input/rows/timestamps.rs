//! When each request of a log happened: timestamps (epoch numbers by
//! magnitude, RFC 3339, or the suite's `timestamp-unit`) and the window they
//! span, for throughput over the run.

use crate::config::fields::TimestampUnit;

/// A timestamp in nanoseconds (since 1970 for epoch numbers and RFC 3339).
pub fn parse_timestamp_ns(text: &[u8], unit: TimestampUnit) -> Result<f64, String> {
    let text = text.trim_ascii();
    let number = super::parse_number(text);
    match (unit, number) {
        (TimestampUnit::Scaled(nanos), Some(value)) => Ok(value * nanos),
        (TimestampUnit::Auto, Some(value)) => Ok(value * epoch_scale(value)),
        (TimestampUnit::Auto, None) => std::str::from_utf8(text)
            .ok()
            .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
            .and_then(|time| time.timestamp_nanos_opt())
            .map(|ns| ns as f64)
            .ok_or_else(|| {
                format!(
                    "expected a timestamp (epoch number or RFC 3339 like 2024-03-12T09:15:00Z), found {:?}",
                    String::from_utf8_lossy(text)
                )
            }),
        (TimestampUnit::Scaled(_), None) => {
            Err(format!("expected a number, found {:?}", String::from_utf8_lossy(text)))
        }
    }
}

/// Nanoseconds per unit of an epoch number, from its size: seconds up to
/// 1e11 (year 5138), then ms, µs, ns.
fn epoch_scale(value: f64) -> f64 {
    match value.abs() {
        v if v < 1e11 => 1e9,
        v if v < 1e14 => 1e6,
        v if v < 1e17 => 1e3,
        _ => 1.0,
    }
}

/// First and last timestamp seen (ns).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub first: f64,
    pub last: f64,
}

impl Default for Window {
    fn default() -> Self {
        Window { first: f64::INFINITY, last: f64::NEG_INFINITY }
    }
}

impl Window {
    #[inline]
    pub fn extend(&mut self, at_ns: f64) {
        self.first = self.first.min(at_ns);
        self.last = self.last.max(at_ns);
    }

    pub fn merge(&mut self, other: Window) {
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
    }

    /// Seconds from the first to the last request, when that is a positive time.
    pub fn seconds(&self) -> Option<f64> {
        let seconds = (self.last - self.first) / 1e9;
        (seconds.is_finite() && seconds > 0.0).then_some(seconds)
    }
}

/// The window of a log from its timestamp fields. Integer timestamps (the
/// usual epoch numbers) are kept as integers of one scale, which costs a
/// digit loop and two comparisons per row; anything else is parsed fully.
#[derive(Debug, Default)]
pub struct WindowTracker {
    window: Window,
    integers: Option<IntegerWindow>,
}

/// First and last integer timestamp of one scale (ns per unit).
#[derive(Debug, Clone, Copy)]
struct IntegerWindow {
    first: u64,
    last: u64,
    nanos_per_unit: f64,
}

impl WindowTracker {
    /// Takes one timestamp field into the window; an error when it does not parse.
    #[inline]
    pub fn observe(&mut self, text: &[u8], unit: TimestampUnit) -> Result<(), String> {
        let text = text.trim_ascii();
        let Some(value) = plain_u64(text) else { return self.observe_other(text, unit) };
        let nanos_per_unit = match unit {
            TimestampUnit::Auto => epoch_scale(value as f64),
            TimestampUnit::Scaled(nanos) => nanos,
        };
        match &mut self.integers {
            Some(integers) if integers.nanos_per_unit == nanos_per_unit => {
                integers.first = integers.first.min(value);
                integers.last = integers.last.max(value);
            }
            Some(_) => self.window.extend(value as f64 * nanos_per_unit),
            None => self.integers = Some(IntegerWindow { first: value, last: value, nanos_per_unit }),
        }
        Ok(())
    }

    /// Takes a timestamp already parsed (ns) into the window.
    pub fn extend(&mut self, at_ns: f64) {
        self.window.extend(at_ns);
    }

    #[cold]
    fn observe_other(&mut self, text: &[u8], unit: TimestampUnit) -> Result<(), String> {
        self.window.extend(parse_timestamp_ns(text, unit)?);
        Ok(())
    }

    pub fn window(&self) -> Window {
        let mut window = self.window;
        if let Some(integers) = self.integers {
            window.extend(integers.first as f64 * integers.nanos_per_unit);
            window.extend(integers.last as f64 * integers.nanos_per_unit);
        }
        window
    }
}

/// Digits only, 1 to 19 of them. The first eight of a long number (an epoch
/// timestamp has 10 to 19) are read in one word.
#[inline]
fn plain_u64(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let (mut value, rest) = match text.split_first_chunk::<8>() {
        Some((head, rest)) => (eight_digits(*head)?, rest),
        None => (0, text),
    };
    for byte in rest {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + u64::from(digit);
    }
    Some(value)
}

/// Eight ASCII digits as a number, a word at a time: the digits' bytes minus
/// `'0'`, then pairs, quads and the two halves combined by multiplication.
#[inline]
fn eight_digits(bytes: [u8; 8]) -> Option<u64> {
    let word = u64::from_le_bytes(bytes);
    let digits = word.wrapping_sub(0x3030_3030_3030_3030);
    // Every byte is 0x30..=0x39: high nibble 3, and adding 6 leaves the low nibble's byte below 16.
    if word & 0xf0f0_f0f0_f0f0_f0f0 != 0x3030_3030_3030_3030
        || digits.wrapping_add(0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0 != 0
    {
        return None;
    }
    let pairs = digits.wrapping_mul(10).wrapping_add(digits >> 8);
    let low = (pairs & 0x0000_00ff_0000_00ff).wrapping_mul(100 + (1_000_000 << 32));
    let high = ((pairs >> 16) & 0x0000_00ff_0000_00ff).wrapping_mul(1 + (10_000 << 32));
    Some(low.wrapping_add(high) >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_epochs_by_magnitude_rfc3339_and_declared_units() {
        let at = |text: &str| parse_timestamp_ns(text.as_bytes(), TimestampUnit::Auto).unwrap();
        // 2023-11-14T22:13:20Z
        for text in ["1700000000", "1700000000000", "1700000000000000", "1700000000000000000", "1700000000.0"] {
            assert_eq!(at(text), 1.7e18, "{text}");
        }
        assert_eq!(at("2023-11-14T22:13:20Z"), 1.7e18);
        assert_eq!(at("2023-11-15T00:13:20.5+02:00"), 1.7e18 + 5e8);
        assert_eq!(parse_timestamp_ns(b"1500", TimestampUnit::parse("ms").unwrap()), Ok(1.5e9));
        assert!(parse_timestamp_ns(b"yesterday", TimestampUnit::Auto).unwrap_err().contains("RFC 3339"));
        assert!(parse_timestamp_ns(b"2023-11-14", TimestampUnit::parse("s").unwrap()).is_err());
        assert!(TimestampUnit::parse("minutes").unwrap_err().contains("expected auto, s, ms, us or ns"));
    }

    #[test]
    fn the_tracker_finds_the_same_window_as_parsing_every_timestamp() {
        let texts = [
            "1700000000500",
            "1700000000000",
            "1700000000250",
            "1700000009999",
            "1700000000001",
            "1700000000000",
            "2023-11-14T22:13:19Z",
            "0001700000000",
            "1700000010000",
            "999",
            "1700000000300",
        ];
        let mut tracker = WindowTracker::default();
        let mut exact = Window::default();
        for (i, text) in texts.iter().enumerate() {
            tracker.observe(text.as_bytes(), TimestampUnit::Auto).unwrap();
            exact.extend(parse_timestamp_ns(text.as_bytes(), TimestampUnit::Auto).unwrap());
            assert_eq!(tracker.window(), exact, "after {i}: {text}");
        }
        assert!(
            tracker.observe(b"17000000003x0", TimestampUnit::Auto).is_err(),
            "a bad field between is still checked"
        );
    }

    #[test]
    fn integers_parse_like_the_standard_parser() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = 1 + (state % 19) as usize;
            let text = format!("{:019}", state % 10_000_000_000_000_000_000)[19 - digits..].to_string();
            assert_eq!(plain_u64(text.as_bytes()), text.parse::<u64>().ok(), "{text}");
            let mut broken = text.clone().into_bytes();
            let at = (state >> 40) as usize % broken.len();
            for bad in [b'/', b':', b'a', b' ', 0xff, b'.'] {
                broken[at] = bad;
                assert_eq!(plain_u64(&broken), None, "{:?}", String::from_utf8_lossy(&broken));
            }
        }
        assert_eq!(plain_u64(b"1700000000000"), Some(1_700_000_000_000));
        assert_eq!(plain_u64(b"99999999"), Some(99_999_999));
        assert_eq!((plain_u64(b""), plain_u64(b"12345678901234567890")), (None, None));
    }

    #[test]
    fn windows_span_first_to_last_and_need_two_moments() {
        let mut window = Window::default();
        assert_eq!(window.seconds(), None);
        window.extend(5e9);
        assert_eq!(window.seconds(), None, "one request has no span");
        window.extend(2e9);
        let mut other = Window::default();
        other.extend(9e9);
        window.merge(other);
        assert_eq!(window.seconds(), Some(7.0));
    }
}
