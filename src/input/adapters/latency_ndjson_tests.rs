//! The lane-parallel latency NDJSON reader against the single pass it
//! replaced (the oracle in [`one_pass_oracle`]): the fixture, a generated log of
//! several blocks under several suite options, bad lines and gzip.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::*;
use crate::input::rows::blocks::BLOCK_BYTES;
use crate::input::rows::one_pass_oracle::{
    self as one_pass, add_request, assert_same_benchmarks, push_error_flag, SeriesSet,
};
use crate::input::rows::timestamps::Window;
use crate::input::rows::{request_tags, Tags};
use crate::input::{test_support, Location};
use crate::model::Unit;

/// The single-pass reading: perfgate's latency NDJSON reader before lanes.
fn load_ndjson_one_pass(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let fields = &options.fields;
    let nanos = latency_scale(path, fields)?;
    let rules = NdjsonRules {
        nanos,
        errors: options_error(path, fields.error_statuses())?,
        timestamp_unit: options_error(path, TimestampUnit::parse(&fields.timestamp_unit))?,
    };
    let mut series = SeriesSet::default();
    let mut window = Window::default();
    let mut log_has_status = false;
    // Requests logged without a status are errors only if the log records
    // statuses at all, which is known only at the end.
    let mut without_status: BTreeMap<Tags, usize> = BTreeMap::new();
    one_pass::for_each_line(path, |_line, object: Map<String, Value>| {
        let record = ndjson_record(&object, fields, &rules)?;
        if let Some(at) = ndjson_timestamp(&object, fields, rules.timestamp_unit)? {
            window.extend(at);
        }
        let tags = request_tags(record.route.clone(), record.method.clone());
        for counter in &fields.counters {
            if let Some(value) = ndjson_counter(&object, counter)? {
                series.push(counter, Unit::Count, tags.clone(), value);
            }
        }
        log_has_status |= record.status.is_some();
        if record.status.is_none() && fields.success.is_none() {
            *without_status.entry(tags).or_default() += 1;
        }
        add_request(record, &mut series);
        Ok(())
    })?;
    if log_has_status {
        for (tags, count) in without_status {
            (0..count).for_each(|_| push_error_flag(&mut series, tags.clone(), true));
        }
    }
    let mut benchmarks = series.into_benchmarks();
    let window_seconds = window.seconds();
    benchmarks.iter_mut().for_each(|bench| bench.window_seconds = window_seconds);
    Ok(benchmarks)
}

fn temp_file(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file
}

/// Both readings of `path` agree: the same series, or the same error.
fn assert_read_alike(path: &Path, options: &InputOptions) -> Vec<Benchmark> {
    match (load_ndjson(path, options), load_ndjson_one_pass(path, options)) {
        (Ok(lanes), Ok(one_pass)) => {
            assert_same_benchmarks(&lanes, &one_pass);
            lanes
        }
        (Err(lanes), Err(one_pass)) => {
            assert_eq!(lanes.location, one_pass.location, "{lanes}\nvs\n{one_pass}");
            assert!(lanes.message.starts_with(&one_pass.message), "{lanes}\nvs\n{one_pass}");
            Vec::new()
        }
        (lanes, one_pass) => panic!("{lanes:?}\nvs\n{one_pass:?}"),
    }
}

fn options(fields: FieldMap) -> InputOptions {
    InputOptions { fields, ..InputOptions::default() }
}

/// Suite options that exercise every derived field of the generated log.
fn option_variants() -> Vec<InputOptions> {
    vec![
        InputOptions::default(),
        options(FieldMap { counters: vec!["db_queries".into()], ..FieldMap::default() }),
        options(FieldMap {
            error_status: Some(vec!["5xx".into(), "ERR".into()]),
            timestamp: Some("timestamp".into()),
            counters: vec!["db_queries".into(), "bytes".into()],
            ..FieldMap::default()
        }),
        options(FieldMap { success: Some("ok".into()), latency_unit: "us".into(), ..FieldMap::default() }),
    ]
}

#[test]
fn the_fixture_reads_as_in_one_pass_under_every_option() {
    let path = test_support::fixture("latency", "requests.ndjson");
    let mut variants = option_variants();
    variants.push(options(FieldMap { timestamp: Some("ts".into()), ..FieldMap::default() }));
    variants.push(options(FieldMap { error_status: Some(vec!["4xx".into()]), ..FieldMap::default() }));
    for options in variants {
        assert_read_alike(&path, &options);
    }
}

/// A log of several blocks: four busy routes (far more than 1 024 requests
/// each) and thirty rare ones (fewer), statuses as numbers, strings, null or
/// absent, latencies and counters as numbers or strings, epoch and RFC 3339
/// timestamps, a success flag, blank lines.
fn generated_log(rows: usize) -> Vec<u8> {
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    let mut text = String::new();
    for i in 0..rows {
        let route = if rng.gen_bool(0.9) {
            format!("/api/busy{}", i % 4)
        } else {
            format!("/api/rare{}", rng.gen_range(0..30))
        };
        let method = match rng.gen_range(0..10) {
            0 => "",
            1..=3 => r#","method":"POST""#,
            _ => r#","method":"GET""#,
        };
        let status = match rng.gen_range(0..100) {
            0 => "",
            1 => r#","status":null"#,
            2 => r#","status":"ERR""#,
            3..=5 => r#","status":503"#,
            6 => r#","status":"404""#,
            7 => r#","status":"""#,
            _ => r#","status":200"#,
        };
        let ms = (rng.gen::<f64>().powi(4) * 500.0 * 1000.0).round() / 1000.0;
        let latency = if i % 50 == 0 { format!("\"{ms}\"") } else { ms.to_string() };
        let at = 1_700_000_000_000u64 + 3 * i as u64;
        let timestamp = match i % 1000 {
            0 => format!("\"2023-11-14T22:13:{:02}.{:03}Z\"", 20 + (3 * i / 1000) % 40, (3 * i) % 1000),
            1 => format!("{at}.5"),
            _ => at.to_string(),
        };
        let queries = match i % 7 {
            0 => r#","db_queries":null"#.to_string(),
            1 => String::new(),
            2 => r#","db_queries":"3""#.to_string(),
            _ => format!(r#","db_queries":{}"#, i % 13),
        };
        let bytes = if i % 3 == 0 { format!(r#","bytes":{}"#, 100 + i % 5000) } else { String::new() };
        let ok = match rng.gen_range(0..20) {
            0 => r#""false""#,
            1 => "false",
            2 => r#""true""#,
            _ => "true",
        };
        writeln!(
            text,
            r#"{{"timestamp":{timestamp},"route":"{route}"{method}{status},"latency_ms":{latency}{queries}{bytes},"ok":{ok}}}"#
        )
        .unwrap();
        if i % 5000 == 0 {
            text.push_str("\n \n");
        }
    }
    text.into_bytes()
}

#[test]
fn a_log_of_several_blocks_reads_as_in_one_pass_under_every_option() {
    let text = generated_log(140_000);
    assert!(text.len() > 3 * BLOCK_BYTES, "several blocks on each lane: {}", text.len());
    let file = temp_file(&text);
    for options in option_variants() {
        let benchmarks = assert_read_alike(file.path(), &options);
        let binned = benchmarks.iter().filter(|b| b.histogram.is_some()).count();
        let raw = benchmarks.iter().filter(|b| b.histogram.is_none() && !b.samples.is_empty()).count();
        assert!(binned >= 4 && raw >= 30, "large and small series: {binned} binned, {raw} raw");
        assert!(benchmarks[0].window_seconds.is_some());
    }
}

#[test]
fn gzip_and_plain_logs_give_identical_series() {
    let text = generated_log(60_000);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&text).unwrap();
    let packed = temp_file(&encoder.finish().unwrap());
    let options = &option_variants()[2];
    let plain = load_ndjson(temp_file(&text).path(), options).unwrap();
    assert!(plain == load_ndjson(packed.path(), options).unwrap(), "gzip changes nothing");
}

#[test]
fn bad_lines_keep_their_file_line_and_column_and_max_bad_rows_skips_them() {
    let mut text = generated_log(100_000);
    let truncated = br#"{"route":"/api/busy1","latency_ms":1"#;
    let slow = br#"{"route":"/api/busy1","latency_ms":"slow"}"#;
    let lines_before = |text: &[u8]| text.iter().filter(|b| **b == b'\n').count() as u64;
    let middle = memchr::memchr(b'\n', &text[2 * BLOCK_BYTES + 10..]).unwrap() + 2 * BLOCK_BYTES + 11;
    let slow_line = lines_before(&text[..middle]) + 1;
    text.splice(middle..middle, slow.iter().chain(b"\n").copied());
    let truncated_line = lines_before(&text) + 1;
    text.extend_from_slice(truncated);
    let file = temp_file(&text);

    let strict = load_ndjson(file.path(), &InputOptions::default()).unwrap_err();
    assert_eq!(strict.location, Location::Line(slow_line), "{strict}");
    assert!(strict.message.contains("\"slow\"") && strict.message.contains("max-bad-rows"), "{strict}");
    assert!(strict.message.contains(&format!("lines {slow_line}, {truncated_line})")), "{strict}");
    let one_pass = load_ndjson_one_pass(file.path(), &InputOptions::default()).unwrap_err();
    assert_eq!(one_pass.location, strict.location);
    assert!(strict.message.starts_with(&one_pass.message), "{strict}\nvs\n{one_pass}");

    let after_the_slow_line = temp_file(&text[middle + slow.len() + 1..]);
    let error = load_ndjson(after_the_slow_line.path(), &InputOptions::default()).unwrap_err();
    assert!(matches!(error.location, Location::LineColumn(line, 36) if line == truncated_line - slow_line), "{error}");
    assert!(error.message.contains("truncated"), "{error}");
    assert_read_alike(after_the_slow_line.path(), &InputOptions::default());

    let tolerant = InputOptions { max_bad_rows: 2, ..InputOptions::default() };
    let skipped = load_ndjson(file.path(), &tolerant).unwrap();
    let without_bad_lines = temp_file(&generated_log(100_000));
    assert_same_benchmarks(&skipped, &load_ndjson_one_pass(without_bad_lines.path(), &tolerant).unwrap());
}
