//! wrk2 spectra: line rules, and the distribution read back from reports in
//! wrk2's layout whose numbers HdrHistogram computed from known latencies
//! (see `write_fixtures`), checked against those latencies.

use std::fmt::Write;
use std::path::PathBuf;

use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64Mcg;

use super::*;
use crate::input::test_support::{self, find};
use crate::input::wrk::load;
use crate::input::InputOptions;
use crate::model::{Benchmark, Unit};
use crate::stats::{quantile_sorted, Estimator, Ranked};

/// `wrk -t2 -c100 -d30s -R2000 --latency URL`.
const RECORDED: &str = "wrk2-latency.txt";
/// `wrk -t2 -c100 -d30s -R2000 --latency -U URL`: also the uncorrected latency.
const UNCORRECTED: &str = "wrk2-u-latency.txt";
const URL: &str = "http://127.0.0.1:8080/";

fn fixture(name: &str) -> PathBuf {
    test_support::fixture("wrk", name)
}

/// The latencies (µs, as wrk2 records them) behind the fixtures: log-normal
/// around 2 ms with one request in 100 eight times slower; the uncorrected
/// latencies of the same run are shorter.
fn latencies_us(uncorrected: bool) -> Vec<u64> {
    let (seed, median) = if uncorrected { (12, 700.0) } else { (11, 2_000.0) };
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let body = LogNormal::new(f64::ln(median), 0.5).unwrap();
    let tail = LogNormal::new(f64::ln(median * 8.0), 0.25).unwrap();
    (0..40_000)
        .map(|i| {
            let value = if i % 100 == 7 { tail.sample(&mut rng) } else { body.sample(&mut rng) };
            value.round().max(1.0) as u64
        })
        .collect()
}

/// wrk's `format_time_us`: two decimals in us, ms, s, then m.
fn wrk_time(us: f64) -> String {
    match us {
        us if us < 1e3 => format!("{us:.2}us"),
        us if us < 1e6 => format!("{:.2}ms", us / 1e3),
        us if us < 60e6 => format!("{:.2}s", us / 1e6),
        us => format!("{:.2}m", us / 60e6),
    }
}

/// wrk2's `print_hdr_latency`: the distribution at 8 percentiles, then
/// HdrHistogram_c's `hdr_percentiles_print` (5 ticks per half distance, ms).
fn latency_block(out: &mut String, description: &str, us: &[u64]) {
    let mut histogram = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 24 * 3600 * 1_000_000, 3).unwrap();
    us.iter().for_each(|v| histogram.record(*v).unwrap());
    writeln!(out, "  Latency Distribution (HdrHistogram - {description})").unwrap();
    for p in [50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0] {
        writeln!(out, "{p:7.3}%{:>10}", wrk_time(histogram.value_at_percentile(p) as f64)).unwrap();
    }
    writeln!(out, "\n  Detailed Percentile spectrum:").unwrap();
    writeln!(out, "{:>12} {:>12} {:>12} {:>12}\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)").unwrap();
    let mut total = 0;
    for step in histogram.iter_quantiles(5) {
        total += step.count_since_last_iteration();
        let quantile = step.quantile_iterated_to();
        let inverse =
            if quantile < 1.0 { format!("{:12.2}", 1.0 / (1.0 - quantile)) } else { format!("{:>12}", "inf") };
        let value_ms = histogram.highest_equivalent(step.value_iterated_to()) as f64 / 1e3;
        writeln!(out, "{value_ms:12.3} {quantile:12.6} {total:12} {inverse}").unwrap();
    }
    writeln!(out, "#[Mean    = {:12.3}, StdDeviation   = {:12.3}]", histogram.mean() / 1e3, histogram.stdev() / 1e3)
        .unwrap();
    writeln!(out, "#[Max     = {:12.3}, Total count    = {:12}]", histogram.max() as f64 / 1e3, histogram.len())
        .unwrap();
    writeln!(out, "#[Buckets = {:12}, SubBuckets     = {:12}]", histogram.buckets(), 2048).unwrap();
    writeln!(out, "----------------------------------------------------------").unwrap();
}

/// A whole wrk2 report in its documented layout.
fn report(with_uncorrected: bool) -> String {
    let recorded = latencies_us(false);
    let mean = recorded.iter().sum::<u64>() as f64 / recorded.len() as f64;
    let mut out = format!(
        "Running 30s test @ {URL}\n  2 threads and 100 connections\n\
         \x20 Thread calibration: mean lat.: 2.187ms, rate sampling interval: 10ms\n\
         \x20 Thread calibration: mean lat.: 2.191ms, rate sampling interval: 10ms\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency {:>9} {:>9} {:>9}   81.32%\n\
         \x20   Req/Sec     1.05k   131.70     1.67k    70.14%\n",
        wrk_time(mean),
        wrk_time(1_400.0),
        wrk_time(*recorded.iter().max().unwrap() as f64),
    );
    latency_block(&mut out, "Recorded Latency", &recorded);
    if with_uncorrected {
        out.push('\n');
        latency_block(
            &mut out,
            "Uncorrected Latency (measured without taking delayed starts into account)",
            &latencies_us(true),
        );
    }
    out.push_str("  59987 requests in 30.00s, 21.34MB read\nRequests/sec:   1999.53\nTransfer/sec:    728.37KB\n");
    out
}

/// Regenerates the fixtures: `cargo test --lib input::wrk::spectrum::tests::write_fixtures -- --ignored`.
#[test]
#[ignore]
fn write_fixtures() {
    std::fs::write(fixture(RECORDED), report(false)).unwrap();
    std::fs::write(fixture(UNCORRECTED), report(true)).unwrap();
}

fn ranked(bench: &Benchmark) -> Ranked {
    Ranked::new(bench.histogram.as_ref().expect("wrk2 latency is a histogram")).unwrap()
}

/// `(Value in ns, TotalCount)` of every line of the `nth` spectrum of a report.
fn spectrum_lines(report: &str, nth: usize) -> Vec<(f64, u64)> {
    let block = report.split("Detailed Percentile spectrum:").nth(nth + 1).unwrap();
    let block = &block[..block.find("#[Mean").unwrap()];
    let numbers = |line: &str| line.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    block
        .lines()
        .map(numbers)
        .filter(|w| w.len() == 4 && w[0] != "Value")
        .map(|w| (w[0].parse::<f64>().unwrap() * 1e6, w[2].parse().unwrap()))
        .collect()
}

/// Checks the distribution of `bench` against the latencies it was printed from
/// and against the spectrum's lines: each quantile is the Value of the line its
/// rank reaches, and the truth lies between that line's and the previous line's Value.
fn assert_matches_latencies(bench: &Benchmark, latencies_us: &[u64], lines: &[(f64, u64)]) {
    let mut exact: Vec<f64> = latencies_us.iter().map(|us| *us as f64 * 1e3).collect();
    exact.sort_by(f64::total_cmp);
    assert_eq!(bench.value_count(), exact.len() as u64);
    let ranked = ranked(bench);
    let ours = crate::model::histogram::RELATIVE_ERROR;
    for p in [0.5, 0.75, 0.9, 0.99, 0.999] {
        let (read, truth) = (ranked.statistic(Estimator::Quantile(p)).unwrap(), quantile_sorted(&exact, p));
        let rank = (p * exact.len() as f64).ceil() as u64;
        let reached = lines.iter().position(|(_, total)| *total >= rank).unwrap();
        let (low, high) = (lines[reached - 1].0, lines[reached].0);
        assert!(truth > low && truth <= high, "p{p}: {truth} outside ({low}, {high}]");
        assert!(read >= low * (1.0 - ours) && read <= high * (1.0 + ours), "p{p}: read {read}, line {high}");
        assert!(read >= truth * (1.0 - ours), "p{p}: {read} below the truth {truth}");
    }
    let mean = exact.iter().sum::<f64>() / exact.len() as f64;
    assert!((bench.histogram.as_ref().unwrap().mean() / mean - 1.0).abs() < 1e-3, "the footer's mean");
}

#[test]
fn the_spectrum_becomes_the_latency_distribution() {
    let benchmarks = load(&fixture(RECORDED), &InputOptions::default()).unwrap();
    assert_eq!(benchmarks.len(), 3, "latency, throughput, errors");
    let latency = find(&benchmarks, URL);
    assert_eq!((latency.metric.as_str(), &latency.unit), ("latency", &Unit::Ns));
    let text = std::fs::read_to_string(fixture(RECORDED)).unwrap();
    assert_matches_latencies(latency, &latencies_us(false), &spectrum_lines(&text, 0));
    // The printed distribution stays as the tool's summary; where it printed a spectrum line
    // (p50, p75, p90), the histogram agrees with it.
    for (p, key) in [(0.5, "median"), (0.75, "p75"), (0.9, "p90")] {
        let read = ranked(latency).statistic(Estimator::Quantile(p)).unwrap();
        assert!((read / latency.summary[key] - 1.0).abs() < 0.005, "{key}: {read} vs {}", latency.summary[key]);
    }
    assert_eq!(find(&benchmarks, &format!("{URL} (throughput)")).summary["throughput"], 1999.53);
}

#[test]
fn the_uncorrected_latency_is_a_series_of_its_own() {
    let benchmarks = load(&fixture(UNCORRECTED), &InputOptions::default()).unwrap();
    assert_eq!(benchmarks.len(), 4);
    let text = std::fs::read_to_string(fixture(UNCORRECTED)).unwrap();
    assert_matches_latencies(find(&benchmarks, URL), &latencies_us(false), &spectrum_lines(&text, 0));
    let uncorrected = find(&benchmarks, &format!("{URL} (uncorrected_latency)"));
    assert_eq!(uncorrected.metric, "uncorrected_latency");
    assert_matches_latencies(uncorrected, &latencies_us(true), &spectrum_lines(&text, 1));
    let median = |bench: &Benchmark| bench.summary["median"];
    assert!(median(uncorrected) < median(find(&benchmarks, URL)), "each block keeps its own percentiles");
}

#[test]
fn counts_between_lines_are_recorded_at_the_later_line() {
    let mut spectrum = Spectrum::default();
    let lines = [
        "       Value   Percentile   TotalCount 1/(1-Percentile)",
        "",
        "       0.921     0.000000            1         1.00",
        "       4.053     0.500000            5         2.00",
        "       4.053     0.750000            5         4.00",
        "      12.503     1.000000           10          inf",
        "#[Mean    =        6.602, StdDeviation   =        1.919]",
        "#[Max     =       12.496, Total count    =           10]",
        "#[Buckets =           27, SubBuckets     =         2048]",
    ];
    for line in lines {
        assert!(spectrum.read_line(line).unwrap(), "{line}");
    }
    assert!(!spectrum.read_line("----------------------------------------------------------").unwrap());
    let histogram = spectrum.finish().unwrap().unwrap();
    let ranges: Vec<(u64, f64)> = histogram.ranges().iter().map(|r| (r.count, (r.value / 1e3).round())).collect();
    assert_eq!(ranges, [(1, 921.0), (4, 4053.0), (5, 12503.0)]);
    assert!((histogram.mean() - 6.602e6).abs() < 1e-3, "the footer's mean");
}

#[test]
fn bad_spectra_are_errors() {
    let read = |lines: &[&str]| -> Result<Option<Histogram>, String> {
        let mut spectrum = Spectrum::default();
        for line in lines {
            spectrum.read_line(line)?;
        }
        spectrum.finish()
    };
    let error = read(&["1.000 0.100000 10 1.11", "2.000 0.200000 5 1.25"]).unwrap_err();
    assert!(error.contains("below the previous line's 10"), "{error}");
    let error = read(&["2.000 0.100000 10 1.11", "1.000 0.200000 15 1.25"]).unwrap_err();
    assert!(error.contains("values never decrease"), "{error}");
    let error = read(&["1.000 0.100000 many 1.11"]).unwrap_err();
    assert!(error.contains("expected a spectrum line"), "{error}");
    let error = read(&["1.000 1.000000 10 inf", "#[Max = 1.000, Total count = 12]"]).unwrap_err();
    assert!(error.contains("footer says Total count = 12"), "{error}");
    let error = read(&["1.000 1.000000 10 inf", "#[Mean = fast, StdDeviation = 1]"]).unwrap_err();
    assert!(error.contains("Mean = \"fast\""), "{error}");
    assert!(read(&["1.000 1.5 10 inf"]).unwrap_err().contains("percentile from 0 to 1"));
    assert_eq!(read(&["Value Percentile TotalCount 1/(1-Percentile)"]).unwrap(), None);
}

#[test]
fn a_malformed_spectrum_line_in_a_report_names_its_line() {
    let text = std::fs::read_to_string(fixture(RECORDED)).unwrap();
    let line = text.lines().position(|line| line.split_whitespace().nth(1) == Some("0.500000")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let total = lines[line].split_whitespace().nth(2).unwrap().to_string();
    lines[line] = lines[line].replace(&total, "19");
    let error = test_support::load_text(load, &lines.join("\n")).unwrap_err();
    assert_eq!(error.location, crate::input::Location::Line(line as u64 + 1));
    assert!(error.message.contains("TotalCount 19 is below"), "{error}");
}

#[test]
fn never_panics_on_prefixes() {
    // The head (stats, distribution, the spectrum's first lines) and the tail (footers, totals):
    // every prefix of the whole report would take long and teach nothing more.
    let text = std::fs::read_to_string(fixture(RECORDED)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let short = [&lines[..30], &lines[lines.len() - 8..]].concat().join("\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wrk2.txt"), short).unwrap();
    test_support::never_panics_on_prefixes(load, &dir.path().join("wrk2.txt"));
}
