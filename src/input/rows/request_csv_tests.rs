use std::collections::BTreeMap;
use std::io::Write;

use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64Mcg;

use super::*;
use crate::input::rows::blocks::BLOCK_BYTES;
use crate::input::{latency, InputOptions};
use crate::stats::Estimator;
use crate::stats::{quantile_sorted, Ranked};

fn temp_file(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file
}

fn gzipped(content: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(content).unwrap();
    encoder.finish().unwrap()
}

/// A log bigger than several blocks: 40 routes, lognormal latencies, some 500s.
fn large_log(rows: usize) -> (Vec<u8>, BTreeMap<String, Vec<f64>>) {
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut text = b"timestamp,method,route,status,latency_ms\n".to_vec();
    let mut exact: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let dists: Vec<LogNormal<f64>> = (0..40).map(|r| LogNormal::new((5.0 + r as f64).ln(), 0.7).unwrap()).collect();
    for i in 0..rows {
        let route = i * 7919 % 40;
        let ms = (dists[route].sample(&mut rng) * 1000.0).round() / 1000.0;
        let status = if i % 97 == 0 { 500 } else { 200 };
        writeln!(text, "{},GET,/api/r{route},{status},{ms}", 1_700_000_000_000u64 + i as u64).unwrap();
        if status == 200 {
            exact.entry(format!("/api/r{route}")).or_default().push(ms * 1e6);
        }
    }
    (text, exact)
}

#[test]
fn per_route_p99_over_many_blocks_is_within_a_thousandth_of_the_exact_value() {
    let (text, exact) = large_log(400_000);
    assert!(text.len() > 3 * BLOCK_BYTES, "the test must span several blocks");
    let file = temp_file(&text);
    let benchmarks = latency::load_csv(file.path(), &InputOptions::default()).unwrap();
    for (route, mut values) in exact {
        let id = format!("latency{{method=GET,route={route},status=200}}");
        let bench = benchmarks.iter().find(|b| b.id == id).unwrap();
        let histogram = bench.histogram.as_ref().expect("large series are binned");
        assert_eq!(histogram.count(), values.len() as u64);
        values.sort_by(f64::total_cmp);
        let exact_p99 = quantile_sorted(&values, 0.99);
        let p99 = Ranked::new(histogram).unwrap().statistic(Estimator::Quantile(0.99)).unwrap();
        assert!((p99 / exact_p99 - 1.0).abs() <= 1e-3, "{route}: {p99} vs exact {exact_p99}");
    }
    let errors: u64 = benchmarks.iter().filter(|b| b.metric == "errors").map(|b| b.value_count()).sum();
    assert_eq!(errors, 400_000, "one flag per row");
}

#[test]
fn gzip_and_plain_inputs_give_identical_series() {
    let (text, _) = large_log(120_000);
    let plain = temp_file(&text);
    let packed = temp_file(&gzipped(&text));
    let options = InputOptions::default();
    let from_plain = latency::load_csv(plain.path(), &options).unwrap();
    let from_gzip = latency::load_csv(packed.path(), &options).unwrap();
    assert!(from_plain == from_gzip, "gzip changes nothing");
    let small = b"route,status,latency_ms\n/a,200,1.5\n/a,500,2\n";
    assert!(
        latency::load_csv(temp_file(small).path(), &options).unwrap()
            == latency::load_csv(temp_file(&gzipped(small)).path(), &options).unwrap()
    );
}

#[test]
fn bad_rows_are_reported_with_their_lines_and_the_limit_decides() {
    let text = b"route,latency_ms\n/a,1\n/a,slow\n/a,2\n/a\n/a,3\n";
    let file = temp_file(text);
    let error = latency::load_csv(file.path(), &InputOptions::default()).unwrap_err();
    assert_eq!(error.location, Location::Line(3), "{error}");
    assert!(error.message.contains("\"slow\"") && error.message.contains("2 bad row(s) of 5 (lines 3, 5)"), "{error}");
    assert!(error.message.contains("max-bad-rows"), "{error}");
    let tolerant = InputOptions { max_bad_rows: 2, ..InputOptions::default() };
    let benchmarks = latency::load_csv(file.path(), &tolerant).unwrap();
    assert_eq!(benchmarks[0].samples, [1e6, 2e6, 3e6], "bad rows skipped");
    let strict = InputOptions { max_bad_rows: 1, ..InputOptions::default() };
    assert!(latency::load_csv(file.path(), &strict).is_err(), "2 bad rows exceed a limit of 1");
}

#[test]
fn bad_rows_in_later_blocks_keep_their_file_line_numbers() {
    let (mut text, _) = large_log(200_000);
    text.extend_from_slice(b"1,GET,/api/r1,200,oops\n");
    let lines = text.iter().filter(|b| **b == b'\n').count() as u64;
    let error = latency::load_csv(temp_file(&text).path(), &InputOptions::default()).unwrap_err();
    assert_eq!(error.location, Location::Line(lines), "{error}");
}

#[test]
fn empty_and_header_only_inputs_are_clear_errors() {
    let options = InputOptions::default();
    let empty = latency::load_csv(temp_file(b"").path(), &options).unwrap_err();
    assert!(empty.message.contains("empty"), "{empty}");
    let empty_gzip = latency::load_csv(temp_file(&gzipped(b"")).path(), &options).unwrap_err();
    assert!(empty_gzip.message.contains("empty"), "{empty_gzip}");
    let header_only = latency::load_csv(temp_file(b"route,latency_ms\n").path(), &options).unwrap_err();
    assert!(header_only.message.contains("at least one data row"), "{header_only}");
}

#[test]
fn counters_pooled_over_statuses_and_lanes_keep_the_file_order() {
    // A rare route spread over many blocks, with two statuses: its counter
    // series pools both statuses from both lanes and must read like the file.
    let (mut text, _) = large_log(400_000);
    text.truncate(text.len() - 1);
    let mut with_counter = b"timestamp,method,route,status,latency_ms,db_queries\n".to_vec();
    let mut expected = Vec::new();
    for (i, line) in text.split(|b| *b == b'\n').skip(1).enumerate() {
        with_counter.extend_from_slice(line);
        if i % 997 == 0 {
            with_counter.extend_from_slice(format!(",{}\n", i % 13).as_bytes());
            expected.push((i % 13) as f64);
            continue;
        }
        with_counter.extend_from_slice(b",\n");
    }
    assert!(with_counter.len() > 3 * BLOCK_BYTES && expected.len() < 1024);
    let options = InputOptions {
        fields: crate::input::FieldMap { counters: vec!["db_queries".into()], ..Default::default() },
        ..InputOptions::default()
    };
    let benchmarks = latency::load_csv(temp_file(&with_counter).path(), &options).unwrap();
    let counters: Vec<&Benchmark> = benchmarks.iter().filter(|b| b.metric == "db_queries").collect();
    let mut seen: Vec<(String, f64)> = Vec::new();
    for bench in &counters {
        assert!(!bench.tags.contains_key("status"), "counters are per route and method");
        seen.extend(bench.samples.iter().map(|v| (bench.tags["route"].clone(), *v)));
    }
    assert_eq!(seen.len(), expected.len());
    // Per route, the values appear in file order.
    let mut by_route: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (i, value) in expected.iter().enumerate() {
        by_route.entry(format!("/api/r{}", i * 997 * 7919 % 40)).or_default().push(*value);
    }
    for bench in counters {
        assert_eq!(bench.samples, by_route[&bench.tags["route"]], "{}", bench.id);
    }
    let window = benchmarks[0].window_seconds.unwrap();
    assert!((window - 399_999e-3).abs() < 1e-6, "timestamps 1 ms apart: {window}");
}
