//! hlog adapter tests on logs written by the `hdrhistogram` crate's own
//! IntervalLogWriter from known values (see `write_fixtures`), so every
//! quantile can be checked against the exact values recorded.

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use hdrhistogram::serialization::interval_log::{IntervalLogWriterBuilder, Tag};
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer, V2Serializer};
use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64Mcg;

use super::*;
use crate::input::test_support::{self, find};
use crate::input::InputOptions;

/// Options of a suite whose hlog values are in `unit`.
fn in_unit(unit: &str) -> InputOptions {
    InputOptions { unit: Some(unit.into()), ..InputOptions::default() }
}
use crate::stats::{quantile_sorted, Estimator, Ranked};

/// A log as HistogramLogWriter writes it in Java: `#[...]` headers, the
/// legend, tagged intervals (`read`, `write`) and untagged ones; values in
/// microseconds, 3 significant digits, deflate-compressed.
const TAGGED_US: &str = "tagged-us.hlog";
/// A log as the Rust writer writes it (no legend): untagged, nanoseconds,
/// 2 significant digits, uncompressed V2.
const UNTAGGED_NS: &str = "untagged-ns.hlog";

fn fixture(name: &str) -> PathBuf {
    test_support::fixture("hlog", name)
}

/// The values each fixture series recorded: log-normal latencies (integers,
/// as HDR records them) with a slow tail, from a fixed seed.
fn recorded_values(series: &str) -> Vec<u64> {
    let (seed, median, count) = match series {
        "read" => (1, 850.0, 6000),
        "write" => (2, 2_400.0, 3000),
        "untagged" => (3, 1_300.0, 2000),
        _ => (4, 3_500_000.0, 5000), // nanoseconds: a 3.5 ms median
    };
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let body = LogNormal::new(f64::ln(median), 0.45).unwrap();
    let tail = LogNormal::new(f64::ln(median * 8.0), 0.3).unwrap();
    (0..count)
        .map(|i| {
            let value = if i % 50 == 0 { tail.sample(&mut rng) } else { body.sample(&mut rng) };
            value.round().max(1.0) as u64
        })
        .collect()
}

/// Writes `series` (tag, values) as intervals of `values_per_interval` values each.
fn write_log<S: Serializer>(
    serializer: &mut S,
    significant_digits: u8,
    series: &[(Option<&str>, Vec<u64>)],
    values_per_interval: usize,
) -> Vec<u8> {
    let mut log = Vec::new();
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut writer = IntervalLogWriterBuilder::new()
        .add_comment("Written by perfgate's hlog fixture generator (hdrhistogram crate 7.5)")
        .with_start_time(start)
        .with_base_time(start)
        .begin_log_with(&mut log, serializer)
        .unwrap();
    for (tag, values) in series {
        for (index, chunk) in values.chunks(values_per_interval).enumerate() {
            let mut interval = hdrhistogram::Histogram::<u64>::new(significant_digits).unwrap();
            chunk.iter().for_each(|v| interval.record(*v).unwrap());
            let at = Duration::from_secs(index as u64);
            writer.write_histogram(&interval, at, Duration::from_secs(1), tag.and_then(Tag::new)).unwrap();
        }
    }
    log
}

/// Regenerates the fixtures: `cargo test --lib input::hlog::tests::write_fixtures -- --ignored`.
#[test]
#[ignore]
fn write_fixtures() {
    let tagged = [
        (Some("read"), recorded_values("read")),
        (Some("write"), recorded_values("write")),
        (None, recorded_values("untagged")),
    ];
    let mut log = write_log(&mut V2DeflateSerializer::new(), 3, &tagged, 1000);
    // Java's HistogramLogWriter also writes the format version and the legend after the headers.
    let headers_end = log.windows(2).rposition(|w| w == b"]\n").unwrap() + 2;
    let legend = "#[Histogram log format version 1.3]\n\
        \"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n";
    log.splice(headers_end..headers_end, legend.bytes());
    std::fs::write(fixture(TAGGED_US), log).unwrap();
    let untagged = [(None, recorded_values("ns"))];
    std::fs::write(fixture(UNTAGGED_NS), write_log(&mut V2Serializer::new(), 2, &untagged, 1250)).unwrap();
}

/// Largest relative error of p50, p90, p99, p99.9 and max of `bench` against the exact values.
fn worst_error(bench: &Benchmark, values: &[u64], ns_per_value: f64) -> f64 {
    let mut exact: Vec<f64> = values.iter().map(|v| *v as f64 * ns_per_value).collect();
    exact.sort_by(f64::total_cmp);
    let ranked = Ranked::new(bench.histogram.as_ref().expect("hlog series are histograms")).unwrap();
    let mut worst: f64 = 0.0;
    for p in [0.5, 0.9, 0.99, 0.999] {
        let binned = ranked.statistic(Estimator::Quantile(p)).unwrap();
        worst = worst.max((binned / quantile_sorted(&exact, p) - 1.0).abs());
    }
    let max = ranked.statistic(Estimator::Max).unwrap();
    worst.max((max / exact[exact.len() - 1] - 1.0).abs())
}

#[test]
fn each_tag_is_a_series_whose_quantiles_are_within_the_combined_bound() {
    let benchmarks = load(&fixture(TAGGED_US), &in_unit("us")).unwrap();
    let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["latency", "latency{tag=read}", "latency{tag=write}"]);
    let bound = relative_error_bound(3);
    assert!((bound - 0.001466).abs() < 1e-5, "{bound}");
    for (id, series) in [("latency{tag=read}", "read"), ("latency{tag=write}", "write"), ("latency", "untagged")] {
        let bench = find(&benchmarks, id);
        let values = recorded_values(series);
        assert_eq!(bench.value_count(), values.len() as u64, "{id}: every interval merged");
        assert_eq!((&bench.unit, bench.metric.as_str()), (&Unit::Ns, "latency"));
        let error = worst_error(bench, &values, 1e3);
        assert!(error <= bound, "{id}: {error} > {bound}");
        let mean = values.iter().sum::<u64>() as f64 / values.len() as f64 * 1e3;
        let binned_mean = bench.histogram.as_ref().unwrap().mean();
        assert!((binned_mean / mean - 1.0).abs() <= bound, "{id}: mean {binned_mean} vs {mean}");
    }
    assert_eq!(find(&benchmarks, "latency{tag=read}").tags, Tags::from([(TAG.into(), "read".into())]));
    assert!(find(&benchmarks, "latency").tags.is_empty());
}

#[test]
fn two_significant_digits_and_nanoseconds_by_default() {
    let benchmarks = load(&fixture(UNTAGGED_NS), &InputOptions::default()).unwrap();
    assert_eq!(benchmarks.len(), 1);
    let values = recorded_values("ns");
    let bound = relative_error_bound(2);
    assert!((bound - 0.004885).abs() < 1e-5, "{bound}");
    let error = worst_error(&benchmarks[0], &values, 1.0);
    assert!(error <= bound, "{error} > {bound}");
    // 3.5 ms median in nanoseconds: read in ms, the same log is a million times larger.
    let in_ms = load(&fixture(UNTAGGED_NS), &in_unit("ms")).unwrap();
    let p50 = |b: &Benchmark| Ranked::new(b.histogram.as_ref().unwrap()).unwrap().statistic(Estimator::Median).unwrap();
    assert!((p50(&in_ms[0]) / p50(&benchmarks[0]) / 1e6 - 1.0).abs() <= 2.0 * histogram::RELATIVE_ERROR);
    assert!((p50(&benchmarks[0]) / 3.5e6 - 1.0).abs() < 0.05);
}

#[test]
fn bounds_for_other_precisions() {
    assert!((relative_error_bound(4) - 0.001007).abs() < 1e-6, "{}", relative_error_bound(4));
    assert!(relative_error_bound(5) < relative_error_bound(4));
    assert!((relative_error_bound(1) - 0.0323).abs() < 1e-3, "{}", relative_error_bound(1));
}

#[test]
fn errors_name_the_line_and_what_was_expected() {
    let load_text = |text: &str| test_support::load_text(|path, _| load(path, &in_unit("us")), text);
    let log = std::fs::read_to_string(fixture(TAGGED_US)).unwrap();
    let first_interval = log.lines().position(|line| line.starts_with("Tag=")).unwrap() as u64 + 1;

    let garbled = log.replacen("Tag=read,0.000,", "Tag=read,zero,", 1);
    let error = load_text(&garbled).unwrap_err();
    assert_eq!(error.location, Location::Line(first_interval));
    assert!(error.message.contains("expected an interval line"), "{error}");

    let not_base64 = log.replacen(",HISTFAAA", ",HIST!AAA", 1);
    let error = load_text(&not_base64).unwrap_err();
    assert_eq!(error.location, Location::Line(first_interval));
    assert!(error.message.contains("not valid base64"), "{error}");

    let error = load_text("0.000,1.000,2.000,QUJDRA==\n").unwrap_err();
    assert!(error.message.contains("unknown cookie"), "{error}");
    assert_eq!(error.location, Location::Line(1));

    let error = load_text("#[StartTime: 1700000000.000 (seconds since epoch)]\n").unwrap_err();
    assert!(error.message.contains("found none"), "{error}");

    let blank_lines_are_fine = format!("\n{}\n\n", log.trim_end());
    assert_eq!(load_text(&blank_lines_are_fine).unwrap().len(), 3);
    let crlf = log.replace('\n', "\r\n");
    assert_eq!(load_text(&crlf).unwrap().len(), 3);

    let error = test_support::load_text(|path, _| load(path, &in_unit("minutes")), &log).unwrap_err();
    assert!(error.message.contains("expected one of ns, us, ms, s, min, h"), "{error}");
}

#[test]
fn truncated_and_corrupt_histograms_are_errors_not_panics() {
    let log = std::fs::read_to_string(fixture(UNTAGGED_NS)).unwrap();
    let encoded = log.lines().find_map(|line| line.rsplit(',').next().filter(|e| e.starts_with("HIST"))).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    let compressed = std::fs::read_to_string(fixture(TAGGED_US)).unwrap();
    let compressed = compressed.lines().find_map(|l| l.rsplit(',').next().filter(|e| e.starts_with("HIST"))).unwrap();
    let compressed = base64::engine::general_purpose::STANDARD.decode(compressed).unwrap();
    for original in [bytes, compressed] {
        for end in 0..original.len() {
            let _ = decode_histogram(&base64::engine::general_purpose::STANDARD.encode(&original[..end]));
        }
        for at in 0..original.len().min(64) {
            for flip in [0x01, 0x80, 0xff] {
                let mut corrupt = original.clone();
                corrupt[at] ^= flip;
                let _ = decode_histogram(&base64::engine::general_purpose::STANDARD.encode(&corrupt));
            }
        }
    }
    let mut huge = V2_COOKIE.to_be_bytes().to_vec();
    huge.extend_from_slice(&u32::MAX.to_be_bytes());
    huge.extend_from_slice(&[0; 32]);
    let error = decode_histogram(&base64::engine::general_purpose::STANDARD.encode(&huge)).unwrap_err();
    assert!(error.contains("truncated"), "{error}");
}

#[test]
fn never_panics_on_prefixes() {
    // The headers, the legend and the first interval: every prefix of the whole log would take
    // minutes, and the histograms themselves are garbled in `truncated_and_corrupt_histograms_...`.
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::read_to_string(fixture(TAGGED_US)).unwrap();
    let first_interval = log.lines().position(|line| line.contains(",HIST")).unwrap();
    let head: Vec<&str> = log.lines().take(first_interval + 1).collect();
    let short = dir.path().join(TAGGED_US);
    std::fs::write(&short, head.join("\n")).unwrap();
    test_support::never_panics_on_prefixes(load, &short);
}
