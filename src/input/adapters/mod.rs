//! The adapters: one module per tool format, each turning a tool's output into
//! normalized benchmarks with a `load(&Path, &InputOptions)` function. What
//! they share (detection, the registry and its check of every adapter's
//! output, rows, units, text) is in the folder above.

pub mod bencher;
pub mod benchmark_dotnet;
pub mod benchmark_js;
pub mod bmf;
pub mod catch2;
pub mod criterion;
pub mod go_bench;
pub mod google_benchmark;
pub mod hlog;
pub mod hyperfine;
pub mod iai_callgrind;
pub mod jaeger_json;
pub mod jmeter;
pub mod jmh;
pub mod k6;
pub mod k6_csv;
pub mod k6_summary;
pub mod latency;
pub mod locust_csv;
pub mod locust_json;
pub mod oha;
pub mod otlp_json;
pub mod prometheus;
pub mod pytest_benchmark;
pub mod vegeta;
pub mod vegeta_csv;
pub mod wrk;
