//! Streaming OTLP JSON traces (MB/s via criterion's byte throughput): the
//! SDK-written fixture `tests/fixtures/otlp-json/base.json.gz` (3 000
//! requests over 6 s) repeated until the file is `PERFGATE_TRACES_MB`
//! megabytes (1 024 by default), each copy with trace ids of its own and its
//! times moved on by the fixture's span, as a long load test at 500 requests
//! a second would write it. Generated once per run under /tmp.
//!
//! `PERFGATE_TRACES_GENERATE=PATH` only writes the file to PATH, e.g. to time
//! a release binary's peak memory on it (`perfgate explain --metric duration`).

use std::io::{BufWriter, Read, Write};
use std::path::Path;

use criterion::{criterion_group, Criterion, Throughput};
use perfgate::input::{load, Format, InputOptions};
use serde_json::Value;

fn fixture_lines() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otlp-json/base.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("the fixture exists"))
        .read_to_string(&mut text)
        .expect("the fixture is gzip");
    text.lines().map(|line| serde_json::from_str(line).expect("the fixture is JSON")).collect()
}

/// Every span of an export line.
fn spans(line: &mut Value) -> impl Iterator<Item = &mut Value> {
    line["resourceSpans"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .flat_map(|resource| resource["scopeSpans"].as_array_mut().into_iter().flatten())
        .flat_map(|scope| scope["spans"].as_array_mut().into_iter().flatten())
}

fn nanos(span: &Value, key: &str) -> u64 {
    span[key].as_str().and_then(|text| text.parse().ok()).unwrap_or(0)
}

/// Writes copies of the fixture to `path` until it holds `bytes`; returns what it wrote.
fn generate(path: &Path, bytes: u64) -> u64 {
    let lines = fixture_lines();
    let all_spans = || lines.iter().flat_map(|line| spans(&mut line.clone()).map(|s| s.clone()).collect::<Vec<_>>());
    let first = all_spans().map(|s| nanos(&s, "startTimeUnixNano")).min().unwrap_or(0);
    let last = all_spans().map(|s| nanos(&s, "endTimeUnixNano")).max().unwrap_or(0);
    let span_ns = last - first + 1_000_000;
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("writable"));
    let mut written = 0u64;
    let mut copy = 0u64;
    while written < bytes {
        for line in &lines {
            let mut line = line.clone();
            for span in spans(&mut line) {
                let trace = span["traceId"].as_str().unwrap_or_default().to_string();
                span["traceId"] = Value::String(format!("{copy:08x}{}", &trace[8.min(trace.len())..]));
                for key in ["startTimeUnixNano", "endTimeUnixNano"] {
                    span[key] = Value::String((nanos(span, key) + copy * span_ns).to_string());
                }
            }
            let text = serde_json::to_string(&line).expect("JSON");
            out.write_all(text.as_bytes()).and_then(|()| out.write_all(b"\n")).expect("write");
            written += text.len() as u64 + 1;
        }
        copy += 1;
    }
    out.flush().expect("write");
    written
}

fn megabytes() -> u64 {
    std::env::var("PERFGATE_TRACES_MB").ok().and_then(|n| n.parse().ok()).unwrap_or(1024)
}

fn bench_traces(c: &mut Criterion) {
    let dir = tempfile::tempdir_in("/tmp").expect("/tmp is writable");
    let path = dir.path().join("traces.json");
    let bytes = generate(&path, megabytes() << 20);
    let mut group = c.benchmark_group(format!("otlp-json {} MB", bytes >> 20));
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("load", |b| {
        b.iter(|| load(Format::OTLP_JSON, &path, &InputOptions::default()).expect("generated traces load"))
    });
    group.finish();
}

criterion_group!(benches, bench_traces);

fn main() {
    if let Ok(path) = std::env::var("PERFGATE_TRACES_GENERATE") {
        let written = generate(Path::new(&path), megabytes() << 20);
        println!("wrote {written} bytes to {path}");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
