//! Adapter throughput on large generated inputs (MB/s via criterion's byte throughput).
//!
//! Inputs are generated once per run into a temporary folder, deterministically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "support/mod.rs"]
mod support;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use perfgate::input::{load, Format, InputOptions};
use support::Stream;

const ROUTES: [&str; 8] = [
    "/api/users",
    "/api/users/{id}",
    "/api/orders",
    "/api/orders/{id}",
    "/api/cart",
    "/api/search",
    "/health",
    "/api/login",
];
const METHODS: [&str; 2] = ["GET", "POST"];

/// A latency between 1 and 501 ms.
fn latency_ms(stream: &mut Stream) -> f64 {
    1.0 + (stream.next() % 500_000) as f64 / 1000.0
}

fn write(path: PathBuf, text: String) -> PathBuf {
    std::fs::write(&path, text).expect("temp folder is writable");
    path
}

fn latency_csv(dir: &Path, rows: usize) -> PathBuf {
    let mut s = Stream(1);
    let mut text = String::from("timestamp,method,route,status,latency_ms\n");
    for i in 0..rows {
        let r = s.next() as usize;
        let status = if r % 300 == 0 { 503 } else { 200 };
        let _ = writeln!(
            text,
            "{},{},{},{status},{:.3}",
            1_700_000_000_000u64 + i as u64,
            METHODS[r % 2],
            ROUTES[(r >> 3) % 8],
            latency_ms(&mut s)
        );
    }
    write(dir.join("requests.csv"), text)
}

fn k6_ndjson(dir: &Path, points: usize) -> PathBuf {
    let mut s = Stream(2);
    let mut text = String::from(
        "{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\",\"type\":\"trend\",\"contains\":\"time\",\"thresholds\":[],\"submetrics\":null},\"metric\":\"http_req_duration\"}\n",
    );
    for _ in 0..points {
        let r = s.next() as usize;
        let route = ROUTES[(r >> 3) % 8];
        let _ = writeln!(
            text,
            "{{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{{\"time\":\"2024-03-12T10:15:00.123456+00:00\",\"value\":{:.4},\"tags\":{{\"expected_response\":\"true\",\"group\":\"\",\"method\":\"{}\",\"name\":\"https://api.example.com{route}\",\"proto\":\"HTTP/1.1\",\"scenario\":\"default\",\"status\":\"200\",\"tls_version\":\"tls1.3\",\"url\":\"https://api.example.com{route}\"}}}}}}",
            latency_ms(&mut s),
            METHODS[r % 2]
        );
    }
    write(dir.join("k6.ndjson"), text)
}

fn jmeter_jtl(dir: &Path, rows: usize) -> PathBuf {
    let mut s = Stream(3);
    let mut text = String::from("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n");
    for i in 0..rows {
        let r = s.next() as usize;
        let _ = writeln!(
            text,
            "{},{},{},200,OK,Thread Group 1-{},text,true,,1234,321,10,10,https://api.example.com{},{},0,3",
            1_700_000_000_000u64 + i as u64,
            (latency_ms(&mut s)) as u64,
            ROUTES[(r >> 3) % 8],
            r % 10,
            ROUTES[(r >> 3) % 8],
            r % 50
        );
    }
    write(dir.join("results.jtl"), text)
}

fn hyperfine_json(dir: &Path, commands: usize, runs: usize) -> PathBuf {
    let mut s = Stream(4);
    let results: Vec<String> = (0..commands)
        .map(|c| {
            let times: Vec<String> = (0..runs).map(|_| format!("{:.6}", latency_ms(&mut s) / 1000.0)).collect();
            format!(
                "{{\"command\":\"sleep {c}\",\"mean\":0.1,\"stddev\":0.01,\"median\":0.1,\"user\":0.001,\"system\":0.001,\"min\":0.05,\"max\":0.2,\"times\":[{}],\"exit_codes\":[{}]}}",
                times.join(","),
                vec!["0"; runs].join(",")
            )
        })
        .collect();
    write(dir.join("hyperfine.json"), format!("{{\"results\":[{}]}}", results.join(",")))
}

fn criterion_folder(dir: &Path, benches: usize, samples: usize) -> (PathBuf, u64) {
    let mut s = Stream(5);
    let root = dir.join("criterion");
    let mut bytes = 0;
    for b in 0..benches {
        let new = root.join(format!("group{}/bench{b}/new", b % 10));
        std::fs::create_dir_all(&new).unwrap();
        let benchmark = format!(
            "{{\"group_id\":\"group{}\",\"function_id\":\"bench{b}\",\"value_str\":null,\"throughput\":null,\"full_id\":\"group{}/bench{b}\",\"directory_name\":\"group{}/bench{b}\",\"title\":\"group{}/bench{b}\"}}",
            b % 10, b % 10, b % 10, b % 10
        );
        let iters: Vec<String> = (1..=samples).map(|i| format!("{}.0", i * 10)).collect();
        let times: Vec<String> =
            (1..=samples).map(|i| format!("{:.1}", (i * 10) as f64 * latency_ms(&mut s))).collect();
        let sample =
            format!("{{\"sampling_mode\":\"Linear\",\"iters\":[{}],\"times\":[{}]}}", iters.join(","), times.join(","));
        bytes += (benchmark.len() + sample.len()) as u64;
        std::fs::write(new.join("benchmark.json"), benchmark).unwrap();
        std::fs::write(new.join("sample.json"), sample).unwrap();
    }
    (root, bytes)
}

fn bencher_text(dir: &Path, lines: usize) -> PathBuf {
    let mut s = Stream(6);
    let mut text = String::new();
    for i in 0..lines {
        let _ = writeln!(
            text,
            "test group/bench number {i} ... bench:   {:>10} ns/iter (+/- {})",
            s.next() % 1_000_000,
            s.next() % 1000
        );
    }
    write(dir.join("bencher.txt"), text)
}

fn bench_input(c: &mut Criterion, name: &str, format: Format, path: &Path, bytes: u64) {
    let options = InputOptions::default();
    let mut group = c.benchmark_group("adapters");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(name, |b| b.iter(|| load(format, path, &options).expect("generated input loads")));
    group.finish();
}

fn adapters(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp folder");
    let size = |path: &Path| std::fs::metadata(path).expect("generated").len();
    let inputs = [
        ("latency_csv_1M_rows", Format::LATENCY_CSV, latency_csv(dir.path(), 1_000_000)),
        ("k6_ndjson_200k_points", Format::K6, k6_ndjson(dir.path(), 200_000)),
        ("jmeter_jtl_500k_rows", Format::JMETER, jmeter_jtl(dir.path(), 500_000)),
        ("hyperfine_100x1000_runs", Format::HYPERFINE, hyperfine_json(dir.path(), 100, 1000)),
        ("bencher_50k_lines", Format::BENCHER, bencher_text(dir.path(), 50_000)),
    ];
    for (name, format, path) in &inputs {
        bench_input(c, name, *format, path, size(path));
    }
    let (folder, bytes) = criterion_folder(dir.path(), 500, 100);
    bench_input(c, "criterion_500_benches", Format::CRITERION, &folder, bytes);
}

criterion_group!(benches, adapters);
criterion_main!(benches);
