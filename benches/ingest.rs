//! Streaming ingest of large request logs (MB/s via criterion's byte
//! throughput): latency CSV plain and gzip, JMeter JTL, latency NDJSON, k6
//! NDJSON and CSV, vegeta CSV, each generated once per run into a temporary
//! folder under /tmp (deleted afterwards), 1 000 routes, 10 million rows by
//! default.
//!
//! `PERFGATE_INGEST_ROWS=N` changes the row count;
//! `PERFGATE_INGEST_GENERATE=PATH` only writes the latency CSV to PATH (for
//! side-by-side runs against `wc -l` and pandas, see `benches/pandas_p99.py`),
//! or the input named by `PERFGATE_INGEST_GENERATE_FORMAT` (`latency-csv`,
//! `jmeter`, `latency-ndjson`, `k6`, `k6-csv` or `vegeta-csv`), e.g. to time
//! release binaries on it.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[path = "support/mod.rs"]
mod support;

use criterion::{criterion_group, Criterion, Throughput};
use perfgate::input::{load, Format, InputOptions};
use support::Stream;

const ROUTES: u64 = 1000;

/// A right-skewed latency in ms whose scale depends on the route.
fn latency_ms(stream: &mut Stream, route: u64) -> f64 {
    let u = (stream.next() % 1_000_000) as f64 / 1e6;
    (1.0 + route as f64 / 10.0) * (1.0 + 4.0 * u.powi(8)) + (stream.next() % 1000) as f64 / 1000.0
}

/// One generated request: (timestamp ms, method, route number, status, latency ms).
fn requests(rows: usize) -> impl Iterator<Item = (u64, &'static str, u64, u16, f64)> {
    let mut stream = Stream(0x9E37_79B9_7F4A_7C15);
    (0..rows).map(move |i| {
        let r = stream.next();
        let route = (r >> 8) % ROUTES;
        let status = if r % 97 == 0 { 500 } else { 200 };
        let method = if route % 5 == 0 { "POST" } else { "GET" };
        (1_700_000_000_000 + i as u64, method, route, status, latency_ms(&mut stream, route))
    })
}

fn generate(path: &Path, rows: usize, header: &str, line: impl Fn(&mut dyn Write, (u64, &str, u64, u16, f64))) {
    let file = std::fs::File::create(path).expect("the folder is writable");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(header.as_bytes()).expect("write");
    requests(rows).for_each(|request| line(&mut out, request));
    out.flush().expect("write");
}

fn latency_csv(path: &Path, rows: usize) {
    generate(path, rows, "timestamp,method,route,status,latency_ms\n", |out, (t, m, r, s, ms)| {
        let _ = writeln!(out, "{t},{m},/api/r{r},{s},{ms:.3}");
    });
}

fn gzip(source: &Path, target: &Path) {
    let mut encoder = flate2::write::GzEncoder::new(
        BufWriter::new(std::fs::File::create(target).expect("writable")),
        flate2::Compression::fast(),
    );
    std::io::copy(&mut std::fs::File::open(source).expect("generated"), &mut encoder).expect("gzip");
    encoder.finish().expect("gzip");
}

fn jmeter(path: &Path, rows: usize) {
    let header = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n";
    generate(path, rows, header, |out, (t, m, r, s, ms)| {
        let ok = s < 400;
        let _ = writeln!(
            out,
            "{t},{},{m} /api/r{r},{s},{},users 1-1,text,{ok},,1578,180,4,4,https://api.test/api/r{r},{},0,0",
            ms.round(),
            if ok { "OK" } else { "Internal Server Error" },
            ms.round()
        );
    });
}

fn latency_ndjson(path: &Path, rows: usize) {
    generate(path, rows, "", |out, (t, m, r, s, ms)| {
        let _ = writeln!(
            out,
            r#"{{"timestamp":{t},"method":"{m}","route":"/api/r{r}","status":{s},"latency_ms":{ms:.3}}}"#
        );
    });
}

fn k6(path: &Path, rows: usize) {
    generate(path, rows, "", |out, (_, m, r, s, ms)| {
        let _ = writeln!(
            out,
            r#"{{"metric":"http_req_duration","type":"Point","data":{{"time":"2024-03-12T09:15:00.123Z","value":{ms:.3},"tags":{{"method":"{m}","name":"/api/r{r}","status":"{s}","scenario":"default"}}}}}}"#
        );
    });
}

fn k6_csv(path: &Path, rows: usize) {
    let header = "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n";
    generate(path, rows, header, |out, (t, m, r, s, ms)| {
        let _ = writeln!(
            out,
            "http_req_duration,{},{ms:.6},,,,true,,{m},/api/r{r},HTTP/1.1,default,,{s},,tls1.3,https://api.test/api/r{r},,",
            t / 1000
        );
    });
}

fn vegeta_csv(path: &Path, rows: usize) {
    generate(path, rows, "", |out, (t, _, r, s, ms)| {
        let _ = writeln!(out, "{}{:06},{s},{},0,17,,,r{r},{t}", t, t % 1_000_000, (ms * 1e6) as u64);
    });
}

fn rows() -> usize {
    std::env::var("PERFGATE_INGEST_ROWS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000_000)
}

fn bench_ingest(c: &mut Criterion) {
    let rows = rows();
    let dir = tempfile::tempdir_in("/tmp").expect("/tmp is writable");
    let csv = dir.path().join("requests.csv");
    latency_csv(&csv, rows);
    let gz = dir.path().join("requests.csv.gz");
    gzip(&csv, &gz);
    let inputs: Vec<(&str, Format, PathBuf, PathBuf)> = vec![
        ("latency-csv", Format::LATENCY_CSV, csv.clone(), csv.clone()),
        ("latency-csv.gz", Format::LATENCY_CSV, gz, csv.clone()),
        ("jmeter", Format::JMETER, dir.path().join("results.jtl"), dir.path().join("results.jtl")),
        (
            "latency-ndjson",
            Format::LATENCY_NDJSON,
            dir.path().join("requests.ndjson"),
            dir.path().join("requests.ndjson"),
        ),
        ("k6", Format::K6, dir.path().join("k6.ndjson"), dir.path().join("k6.ndjson")),
        ("k6-csv", Format::K6_CSV, dir.path().join("k6.csv"), dir.path().join("k6.csv")),
        ("vegeta-csv", Format::VEGETA_CSV, dir.path().join("vegeta.csv"), dir.path().join("vegeta.csv")),
    ];
    jmeter(&inputs[2].2, rows);
    latency_ndjson(&inputs[3].2, rows);
    k6(&inputs[4].2, rows);
    k6_csv(&inputs[5].2, rows);
    vegeta_csv(&inputs[6].2, rows);
    let mut group = c.benchmark_group(format!("ingest {rows} rows, {ROUTES} routes"));
    group.sample_size(10);
    for (name, format, path, uncompressed) in &inputs {
        // Throughput in uncompressed bytes, so gzip and plain compare directly.
        group.throughput(Throughput::Bytes(std::fs::metadata(uncompressed).map_or(0, |m| m.len())));
        group.bench_function(*name, |b| {
            b.iter(|| load(*format, path, &InputOptions::default()).expect("generated input loads"))
        });
    }
    group.finish();
}

fn generate_only() -> bool {
    let Ok(path) = std::env::var("PERFGATE_INGEST_GENERATE") else { return false };
    let format = std::env::var("PERFGATE_INGEST_GENERATE_FORMAT").unwrap_or_else(|_| "latency-csv".into());
    let write: fn(&Path, usize) = match format.as_str() {
        "latency-csv" => latency_csv,
        "jmeter" => jmeter,
        "latency-ndjson" => latency_ndjson,
        "k6" => k6,
        "k6-csv" => k6_csv,
        "vegeta-csv" => vegeta_csv,
        other => panic!(
            "PERFGATE_INGEST_GENERATE_FORMAT={other:?}: expected latency-csv, jmeter, latency-ndjson, k6, k6-csv or vegeta-csv"
        ),
    };
    write(Path::new(&path), rows());
    true
}

criterion_group!(benches, bench_ingest);

fn main() {
    if generate_only() {
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
