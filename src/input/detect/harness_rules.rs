//! Content rules for the benchmark harness formats (go, pytest-benchmark,
//! Google Benchmark, gungraun, Catch2, JMH, BenchmarkDotNet, benchmark.js).
//! Each looks for what only its tool writes, so that at most one matches.

use super::json_prefix::Node;
use super::Sniffed;

fn first_item(node: Option<&Node>) -> Option<&Node> {
    node.and_then(Node::items).and_then(<[Node]>::first)
}

/// `{"context": {...}, "benchmarks": [{"run_type"|"real_time"|"time_unit", ...}]}`.
pub fn is_google_benchmark(sniffed: &Sniffed) -> bool {
    let benchmarks = sniffed.json_key("benchmarks");
    let first = first_item(benchmarks);
    let shaped = first.is_some_and(|b| ["run_type", "real_time", "time_unit"].iter().any(|k| b.get(k).is_some()));
    let context =
        sniffed.json_key("context").is_some_and(|c| c.get("num_cpus").is_some() || c.get("executable").is_some());
    benchmarks.is_some() && (shaped || (context && first.is_none()))
}

/// `{"machine_info": ..., "benchmarks": [{"fullname", "stats": {...}}]}`.
pub fn is_pytest_benchmark(sniffed: &Sniffed) -> bool {
    let benchmarks = sniffed.json_key("benchmarks");
    let first = first_item(benchmarks);
    let shaped = first.is_some_and(|b| b.get("stats").is_some() || b.get("fullname").is_some());
    benchmarks.is_some() && (shaped || (sniffed.json_key("machine_info").is_some() && first.is_none()))
}

/// `{"Title", "HostEnvironmentInfo", "Benchmarks": [...]}`.
pub fn is_benchmark_dotnet(sniffed: &Sniffed) -> bool {
    sniffed.json_key("Benchmarks").is_some() && sniffed.json_key("HostEnvironmentInfo").is_some()
}

/// `[{"jmhVersion"?, "benchmark", "mode", "primaryMetric", ...}]`.
pub fn is_jmh(sniffed: &Sniffed) -> bool {
    let first = sniffed.json.as_ref().and_then(Node::items).and_then(<[Node]>::first);
    first.is_some_and(|run| {
        run.get("benchmark").is_some() && (run.get("mode").is_some() || run.get("jmhVersion").is_some())
    })
}

/// A line `BenchmarkName-8  <iterations>  <value> <unit>`.
pub fn is_go_bench(sniffed: &Sniffed) -> bool {
    sniffed.json.is_none()
        && sniffed.text.lines().any(|line| {
            let mut words = line.split_whitespace();
            let name = words.next().unwrap_or_default();
            let iterations = words.next().unwrap_or_default();
            let value = words.next().unwrap_or_default();
            name.starts_with("Benchmark")
                && !iterations.is_empty()
                && iterations.chars().all(|c| c.is_ascii_digit())
                && value.parse::<f64>().is_ok()
                && words.next().is_some()
        })
}

/// `-r xml` output (`<Catch …>` or `<Catch2TestRun …>`), or a console table
/// headed `benchmark name   samples   iterations   estimated`.
pub fn is_catch2(sniffed: &Sniffed) -> bool {
    if crate::input::catch2::is_xml(sniffed.text) {
        return sniffed.text.contains("<Catch");
    }
    sniffed.text.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("benchmark name") && line.contains("samples") && line.contains("iterations")
    })
}

/// Indented `Instructions:` lines under a benchmark name.
/// Indented `EVENT:  NEW|OLD` lines (`Instructions:  1802|N/A`, Memcheck's `Errors:  0|N/A`,
/// `L1 Hit Rate:  99.8%|N/A`), or old iai-callgrind's `Instructions:  1802`; colors removed.
pub fn is_iai_callgrind(sniffed: &Sniffed) -> bool {
    let is_event_line = |line: &str| {
        let trimmed = line.trim_start();
        let Some((label, rest)) = trimmed.split_once(':') else { return false };
        let rest = rest.trim_start();
        let starts_with_count = rest.starts_with(|c: char| c.is_ascii_digit());
        let new_and_old = rest.split_whitespace().next().is_some_and(|value| {
            value.split_once('|').is_some_and(|(new, old)| {
                new.trim_end_matches('%').parse::<f64>().is_ok()
                    && (old == "N/A" || old.trim_end_matches('%').parse::<f64>().is_ok())
            })
        });
        line.len() > trimmed.len()
            && crate::input::iai_callgrind::is_event_label(label)
            && starts_with_count
            && (new_and_old || label == "Instructions")
    };
    sniffed.json.is_none() && super::super::text::without_color_codes(sniffed.text).lines().any(is_event_line)
}

/// `NAME x 1,234 ops/sec ±1.5% (60 runs sampled)`.
pub fn is_benchmark_js(sniffed: &Sniffed) -> bool {
    sniffed.text.lines().any(|line| line.contains(" x ") && line.contains(" ops/sec") && line.contains("sampled)"))
}
