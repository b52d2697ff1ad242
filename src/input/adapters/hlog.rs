//! Adapter for HdrHistogram interval logs (`.hlog`, written by
//! HistogramLogWriter in Java, Go, Rust, ... — jHiccup, cassandra-stress and
//! many load generators): one histogram-backed `latency` series per tag,
//! every interval of the tag merged.
//!
//! A log is `#[StartTime: ...]`/`#[BaseTime: ...]` headers, the legend
//! `"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"`
//! and one line per interval: `[Tag=NAME,]start,length,max,BASE64`, where the
//! base64 text is a V2 histogram (deflate-compressed, as HistogramLogWriter
//! writes it, or not). The `hdrhistogram` crate parses the lines and decodes
//! the histograms; times, `Interval_Max` and the headers are not needed for a
//! distribution and are ignored.
//!
//! - **Series**: untagged intervals form the series `latency`; intervals
//!   tagged `Tag=read` form `latency{tag=read}` with the tag `tag = "read"`, so
//!   `where = { tag = "read" }` and `per = "tag"` work.
//! - **Unit**: a log does not say in which unit its values were recorded. The
//!   suite says it with `unit` (`ns`, `us`, `ms`, `s`); the default is `ns`,
//!   HdrHistogram's own convention (its log processor reports values as
//!   nanoseconds scaled to milliseconds). wrk2-style recorders use `us`.
//! - **Precision**: each HDR bucket (all the values it counted) is recorded
//!   with `record_n` at the bucket's middle. A histogram with `d` significant
//!   digits has `S = 2^ceil(log2(2 * 10^d))` sub-buckets, so every value lies
//!   within `1/S` of its bucket's middle (integers below `S/2` are exact);
//!   perfgate's [`Histogram`] adds at most `2^-10`. Combined, any quantile,
//!   minimum or maximum is within `(1 + 1/S)(1 + 2^-10) - 1` of the value
//!   recorded: 0.147 % for `d = 3` (the usual choice), 0.49 % for `d = 2`,
//!   0.10 % for `d = 4` or 5. [`relative_error_bound`] computes it. Means are
//!   exact up to the same bound.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use base64::Engine;
use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry, LogIteratorError};
use hdrhistogram::serialization::Deserializer;

use crate::input::rows::{series_id, Tags, LATENCY_METRIC};
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::histogram::{self, Histogram};
use crate::model::units::{duration_words, nanoseconds_per};
use crate::model::{Benchmark, Unit};

/// The unit of hlog values when the suite names none.
pub const DEFAULT_VALUE_UNIT: &str = "ns";
/// The tag that carries an interval's `Tag=NAME`.
pub const TAG: &str = "tag";

/// V2 histogram encodings (HdrHistogram's cookies for 8-byte words).
const V2_COOKIE: u32 = 0x1c84_9303 | 0x10;
const V2_COMPRESSED_COOKIE: u32 = 0x1c84_9304 | 0x10;
/// Bytes before a V2 histogram's counts: cookie, payload length, offset, digits, low, high, ratio.
const V2_HEADER_BYTES: usize = 40;
/// Largest decompressed histogram accepted (a 5-digit histogram up to 2^63 is about 50 MB of counts
/// in memory, but its encoding is far smaller).
const MAX_DECOMPRESSED_BYTES: u64 = 64 << 20;

/// Largest relative distance between a value recorded in an HDR histogram with
/// `significant_digits` and its representative in perfgate's histogram.
pub fn relative_error_bound(significant_digits: u8) -> f64 {
    let sub_buckets = (2.0 * 10f64.powi(i32::from(significant_digits))).log2().ceil().exp2();
    (1.0 + 1.0 / sub_buckets) * (1.0 + histogram::RELATIVE_ERROR) - 1.0
}

/// Load an interval log whose values are in the suite's `unit` (a duration word; by default nanoseconds).
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let unit = options.unit.as_deref().unwrap_or(DEFAULT_VALUE_UNIT);
    let ns_per_value = nanoseconds_per(unit).ok_or_else(|| {
        InputError::whole(
            path,
            format!("hlog value unit {unit:?} is not supported: expected one of {}", duration_words()),
        )
    })?;
    let bytes = std::fs::read(path).map_err(|e| InputError::io(path, &e))?;
    let text = with_parseable_lines(&bytes);
    let line_at = |offset: usize| text[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() as u64 + 1;

    let mut series: BTreeMap<Option<String>, Histogram> = BTreeMap::new();
    for entry in IntervalLogIterator::new(&text) {
        let interval = match entry {
            Ok(LogEntry::Interval(interval)) => interval,
            Ok(LogEntry::StartTime(_) | LogEntry::BaseTime(_)) => continue,
            Err(LogIteratorError::ParseError { offset }) => {
                return Err(InputError::new(
                    path,
                    Location::Line(line_at(offset)),
                    "expected an interval line `[Tag=NAME,]start,length,max,BASE64` (times in seconds with \
                     a fraction), a `#` comment or the \"StartTimestamp\" legend",
                ));
            }
        };
        let encoded = interval.encoded_histogram();
        let offset = encoded.as_ptr() as usize - text.as_ptr() as usize;
        let hdr = decode_histogram(encoded)
            .map_err(|message| InputError::new(path, Location::Line(line_at(offset)), message))?;
        let tag = interval.tag().map(|tag| tag.as_str().to_string());
        add_buckets(series.entry(tag).or_default(), &hdr, ns_per_value);
    }
    if series.is_empty() {
        return Err(InputError::whole(
            path,
            "expected HdrHistogram interval lines (`start,length,max,BASE64`); found none",
        ));
    }
    Ok(series.into_iter().map(|(tag, histogram)| benchmark(tag, histogram)).collect())
}

/// The log with blank lines turned into comments and a final newline, which the
/// crate's line parser requires; line numbers stay the same.
fn with_parseable_lines(bytes: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(bytes.len() + 16);
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            text.extend_from_slice(b"#");
        }
        text.extend_from_slice(line);
    }
    if text.last().is_some_and(|b| *b != b'\n') {
        text.push(b'\n');
    }
    text
}

/// A base64 V2 histogram, compressed or not. Lengths in the headers are
/// checked against the data before the crate's deserializer sizes buffers by them.
fn decode_histogram(encoded: &str) -> Result<hdrhistogram::Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| format!("the interval's histogram is not valid base64: {e}"))?;
    let v2 = match read_u32(&bytes, 0) {
        Some(V2_COMPRESSED_COOKIE) => inflate(&bytes)?,
        Some(V2_COOKIE) => bytes,
        _ => return Err("the interval's histogram is not an HdrHistogram V2 encoding (unknown cookie)".into()),
    };
    let payload = read_u32(&v2, 4).map(|len| len as usize);
    if v2.len() < V2_HEADER_BYTES || payload.is_none_or(|len| len > v2.len() - V2_HEADER_BYTES) {
        return Err("the interval's histogram is truncated".into());
    }
    Deserializer::new()
        .deserialize(&mut v2.as_slice())
        .map_err(|e| format!("cannot decode the interval's histogram: {e}"))
}

/// The V2 encoding inside a compressed one: cookie, compressed length, zlib data.
fn inflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let compressed_len = read_u32(bytes, 4).map(|len| len as usize).unwrap_or(usize::MAX);
    let compressed =
        bytes.get(8..8usize.saturating_add(compressed_len)).ok_or("the interval's histogram is truncated")?;
    let mut v2 = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_DECOMPRESSED_BYTES)
        .read_to_end(&mut v2)
        .map_err(|e| format!("cannot decompress the interval's histogram: {e}"))?;
    if read_u32(&v2, 0) != Some(V2_COOKIE) {
        return Err("the interval's compressed histogram does not hold a V2 encoding".into());
    }
    Ok(v2)
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Every bucket of `hdr`, counted at its middle value, in nanoseconds.
fn add_buckets(into: &mut Histogram, hdr: &hdrhistogram::Histogram<u64>, ns_per_value: f64) {
    for bucket in hdr.iter_recorded() {
        let value = bucket.value_iterated_to();
        let lowest = hdr.lowest_equivalent(value);
        let middle = lowest as f64 + (hdr.highest_equivalent(value) - lowest) as f64 / 2.0;
        into.record_n(middle.round() * ns_per_value, bucket.count_at_value());
    }
}

fn benchmark(tag: Option<String>, histogram: Histogram) -> Benchmark {
    let tags: Tags = tag.into_iter().map(|tag| (TAG.to_string(), tag)).collect();
    let mut bench = Benchmark::with_histogram(series_id(LATENCY_METRIC, &tags), LATENCY_METRIC, Unit::Ns, histogram);
    bench.tags = tags;
    bench
}

#[cfg(test)]
#[path = "hlog_tests.rs"]
mod tests;
