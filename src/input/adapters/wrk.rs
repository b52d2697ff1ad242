//! Adapter for `wrk --latency` text output, and wrk2's: summary benchmarks
//! for the target URL of the `Running 2s test @ URL` line, with wrk2's
//! latency distribution as a histogram.
//!
//! - metric `latency` (ns): the `Latency Distribution` lines (`50%  1.29ms`,
//!   units `us`, `ms`, `s` mixed) as `median`, `p75`, ... (the keys KPI
//!   statistics look up) and the `Latency`
//!   thread-stats line's Avg and Max as `mean` and `max`. wrk2 (`--latency`)
//!   adds HdrHistogram's `Detailed Percentile spectrum`, which becomes the
//!   series' histogram ([`spectrum`] says how and how precisely), so every
//!   quantile can be judged and compared base vs head;
//! - metric `uncorrected_latency` (ns): wrk2 `-U` prints a second
//!   distribution and spectrum, measured without the coordinated-omission
//!   correction; they form the series `URL (uncorrected_latency)`;
//! - metric `throughput` (per second): `Requests/sec:` as `throughput`;
//! - metric `errors` (count): `count` is the sum of `Socket errors:` and
//!   `Non-2xx or 3xx responses:`, each kind kept under its own key as well;
//!   wrk prints neither line when there were none, and then `count` is 0 — so a
//!   budget on errors always finds its benchmark.

mod spectrum;

use std::collections::BTreeMap;
use std::path::Path;

use crate::input::text::{numbered_lines, parse_number, read_lossy};
use crate::input::units::{glued_duration_ns, percentile_key, secondary_id};
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::histogram::Histogram;
use crate::model::{Benchmark, Unit};
use spectrum::Spectrum;

/// The latency wrk2 prints a distribution of: corrected for coordinated omission, or not (`-U`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Latency {
    Recorded,
    Uncorrected,
}

/// One latency series: the statistics printed for it, and wrk2's spectrum of it.
#[derive(Default)]
struct LatencyReport {
    summary: BTreeMap<String, f64>,
    histogram: Option<Histogram>,
}

/// What one wrk run reported, keyed by statistic name.
#[derive(Default)]
struct Report {
    url: Option<String>,
    latency: BTreeMap<Latency, LatencyReport>,
    throughput: Option<f64>,
    errors: BTreeMap<String, f64>,
}

/// Load one wrk (or wrk2) `--latency` report.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = read_lossy(path)?;
    let mut report = Report::default();
    let mut block = Latency::Recorded;
    let mut in_distribution = false;
    let mut spectrum: Option<Spectrum> = None;
    let mut last_line = 0;
    for (line_number, line) in numbered_lines(&text) {
        last_line = line_number;
        let at = |message: String| InputError::new(path, Location::Line(line_number), message);
        let trimmed = line.trim();
        if let Some(reading) = spectrum.as_mut() {
            if reading.read_line(trimmed).map_err(at)? {
                continue;
            }
            finish_spectrum(&mut report, block, spectrum.take()).map_err(at)?;
        }
        if in_distribution {
            if let Some((percent, ns)) = percentile_line(trimmed).map_err(at)? {
                let summary = &mut report.latency.entry(block).or_default().summary;
                if let Some(key) = percentile_key(percent) {
                    summary.insert(key, ns);
                } else if percent == 100.0 {
                    // wrk2's 100th percentile: the maximum, which the thread stats give as well.
                    summary.entry("max".into()).or_insert(ns);
                }
                continue;
            }
            in_distribution = false;
        }
        if let Some(url) = trimmed.strip_prefix("Running ").and_then(|rest| rest.split_once(" @ ")) {
            report.url = Some(url.1.trim().to_string());
        } else if trimmed.starts_with("Latency Distribution") {
            block = if trimmed.contains("Uncorrected") { Latency::Uncorrected } else { Latency::Recorded };
            in_distribution = true;
        } else if trimmed.starts_with("Detailed Percentile spectrum") {
            spectrum = Some(Spectrum::default());
        } else if let Some(stats) = trimmed.strip_prefix("Latency ") {
            let [mean, max] = thread_stats(stats).map_err(at)?;
            let summary = &mut report.latency.entry(Latency::Recorded).or_default().summary;
            summary.insert("mean".into(), mean);
            summary.insert("max".into(), max);
        } else if let Some(rate) = trimmed.strip_prefix("Requests/sec:") {
            let rate = parse_number(rate.trim())
                .ok_or_else(|| at(format!("cannot read {:?} as requests per second", rate.trim())))?;
            report.throughput = Some(rate);
        } else if let Some(counts) = trimmed.strip_prefix("Socket errors:") {
            socket_errors(counts, &mut report.errors).map_err(at)?;
        } else if let Some(count) = trimmed.strip_prefix("Non-2xx or 3xx responses:") {
            let count =
                parse_number(count.trim()).ok_or_else(|| at(format!("cannot read {:?} as a count", count.trim())))?;
            report.errors.insert("non2xx".into(), count);
        }
    }
    finish_spectrum(&mut report, block, spectrum)
        .map_err(|message| InputError::new(path, Location::Line(last_line), message))?;
    benchmarks(path, report)
}

/// Keeps the distribution of a spectrum that ended.
fn finish_spectrum(report: &mut Report, block: Latency, spectrum: Option<Spectrum>) -> Result<(), String> {
    let Some(histogram) = spectrum.map(Spectrum::finish).transpose()?.flatten() else { return Ok(()) };
    let latency = report.latency.entry(block).or_default();
    if latency.histogram.is_some() {
        return Err("a second percentile spectrum of the same latency; expected one per `Latency Distribution`".into());
    }
    latency.histogram = Some(histogram);
    Ok(())
}

fn benchmarks(path: &Path, report: Report) -> Result<Vec<Benchmark>, InputError> {
    if report.latency.is_empty() && report.throughput.is_none() {
        return Err(InputError::whole(
            path,
            "expected wrk output (a `Latency` stats line, `Latency Distribution` from --latency, `Requests/sec:`); found none",
        ));
    }
    let url = report.url.unwrap_or_else(|| "wrk".to_string());
    let series = |id: String, metric: &str, unit: Unit, summary: BTreeMap<String, f64>| {
        let mut bench = Benchmark::with_samples(id, metric, unit, Vec::new());
        bench.tags.insert("url".into(), url.clone());
        bench.summary = summary;
        bench
    };
    let mut benchmarks = Vec::new();
    for (latency, reported) in report.latency {
        let (id, metric) = match latency {
            Latency::Recorded => (url.clone(), "latency"),
            Latency::Uncorrected => (secondary_id(&url, "uncorrected_latency"), "uncorrected_latency"),
        };
        let mut bench = series(id, metric, Unit::Ns, reported.summary);
        bench.histogram = reported.histogram;
        benchmarks.push(bench);
    }
    if let Some(rate) = report.throughput {
        let summary = BTreeMap::from([("throughput".to_string(), rate)]);
        benchmarks.push(series(secondary_id(&url, "throughput"), "throughput", Unit::PerSecond, summary));
    }
    let mut errors = report.errors;
    errors.insert("count".into(), errors.values().sum());
    benchmarks.push(series(secondary_id(&url, "errors"), "errors", Unit::Count, errors));
    Ok(benchmarks)
}

/// `50%  1.29ms` (wrk) or `99.900%  3.03ms` (wrk2) → `(50.0, 1.29e6)`;
/// `None` for a line that is not a percentile, which ends the block.
fn percentile_line(line: &str) -> Result<Option<(f64, f64)>, String> {
    let mut words = line.split_whitespace();
    let (Some(percent), Some(value), None) = (words.next(), words.next(), words.next()) else { return Ok(None) };
    let Some(percent) = percent.strip_suffix('%').and_then(parse_number) else { return Ok(None) };
    let ns = glued_duration_ns(value)
        .ok_or_else(|| format!("cannot read the {percent}th percentile {value:?}; expected a time like `1.29ms`"))?;
    Ok(Some((percent, ns)))
}

/// `3.97ms  5.17ms  44.05ms  88.08%` (Avg, Stdev, Max, +/- Stdev) → [Avg, Max] in ns.
fn thread_stats(stats: &str) -> Result<[f64; 2], String> {
    let words: Vec<&str> = stats.split_whitespace().collect();
    let time = |index: usize, name: &str| {
        let word = words.get(index).copied().unwrap_or_default();
        glued_duration_ns(word)
            .ok_or_else(|| format!("cannot read the latency {name} {word:?}; expected a time like `3.97ms`"))
    };
    Ok([time(0, "Avg")?, time(2, "Max")?])
}

/// `connect 0, read 8, write 0, timeout 6` → one key per kind.
fn socket_errors(counts: &str, errors: &mut BTreeMap<String, f64>) -> Result<(), String> {
    for part in counts.split(',') {
        let (kind, count) = part.trim().split_once(' ').ok_or_else(|| format!("expected `kind N`, found {part:?}"))?;
        let count =
            parse_number(count.trim()).ok_or_else(|| format!("cannot read {count:?} as a count of {kind} errors"))?;
        errors.insert(kind.to_string(), count);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support::{self, find};
    use crate::model::Direction;
    use std::path::PathBuf;

    const URL: &str = "http://127.0.0.1:18080/";

    /// Made by wrk 4.1.0 (Debian 4.1.0-3+b2) against `python3 -m http.server 18080 --bind 127.0.0.1`:
    /// - `latency.txt`: `wrk -t1 -c1 -d1s --latency http://127.0.0.1:18080/` (us and ms mixed);
    /// - `non2xx.txt`: `wrk -t1 -c2 -d2s --latency http://127.0.0.1:18080/missing` (every response a 404);
    /// - `socket-errors.txt`: `wrk -t1 -c4 -d3s --timeout 1s --latency http://127.0.0.1:18081/`
    ///   against a local Python server that answered every 5th request after 1.2 s and closed
    ///   every 7th connection without answering.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("wrk", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    #[test]
    fn percentiles_in_mixed_units_become_nanoseconds() {
        let benchmarks = load(&fixture("latency.txt"), &InputOptions::default()).unwrap();
        assert_eq!(benchmarks.len(), 3);
        assert_eq!(find(&benchmarks, &format!("{URL} (errors)")).summary["count"], 0.0, "no error lines: no errors");
        let latency = find(&benchmarks, URL);
        assert_eq!((latency.metric.as_str(), &latency.unit), ("latency", &Unit::Ns));
        assert!(latency.samples.is_empty());
        // `50%  338.00us`, `75%  2.96ms`, `90%  6.74ms`, `99%  21.83ms`; Avg 2.39ms, Max 35.56ms.
        let expected = [
            ("max", 35_560_000.0),
            ("mean", 2_390_000.0),
            ("median", 338_000.0),
            ("p75", 2_960_000.0),
            ("p90", 6_740_000.0),
            ("p99", 21_830_000.0),
        ];
        for (key, ns) in expected {
            assert!((latency.summary[key] - ns).abs() < 1e-6, "{key}: {}", latency.summary[key]);
        }
        assert_eq!(latency.summary.len(), expected.len());
        let throughput = find(&benchmarks, "http://127.0.0.1:18080/ (throughput)");
        assert_eq!(throughput.summary["throughput"], 797.78);
        assert_eq!((&throughput.unit, throughput.direction), (&Unit::PerSecond, Direction::HigherIsBetter));
    }

    #[test]
    fn socket_errors_and_non_2xx_are_counted() {
        let benchmarks = load(&fixture("socket-errors.txt"), &InputOptions::default()).unwrap();
        let errors = find(&benchmarks, "http://127.0.0.1:18081/ (errors)");
        assert_eq!((errors.metric.as_str(), &errors.unit), ("errors", &Unit::Count));
        // `Socket errors: connect 0, read 8, write 0, timeout 6`
        assert_eq!((errors.summary["read"], errors.summary["timeout"], errors.summary["count"]), (8.0, 6.0, 14.0));
        let benchmarks = load(&fixture("non2xx.txt"), &InputOptions::default()).unwrap();
        let errors = find(&benchmarks, "http://127.0.0.1:18080/missing (errors)");
        assert_eq!((errors.summary["non2xx"], errors.summary["count"]), (1583.0, 1583.0));
    }

    #[test]
    fn wrk2_percentiles_stay_summaries_next_to_the_spectrum() {
        // wrk2 `-R 2000 --latency` layout (README of giltene/wrk2), shortened to one spectrum line.
        let text = "Running 30s test @ http://h/\n  2 threads and 100 connections\n\
            \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
            \x20   Latency     1.04ms  491.93us   3.95ms   65.32%\n\
            \x20 Latency Distribution (HdrHistogram - Recorded Latency)\n\
            \x2050.000%    1.01ms\n 99.900%    3.03ms\n100.000%    3.95ms\n\n\
            \x20 Detailed Percentile spectrum:\n       Value   Percentile   TotalCount 1/(1-Percentile)\n\n\
            \x20      0.067     1.000000            1          inf\n\
            #[Mean    =        1.041, StdDeviation   =        0.492]\n\
            ----------------------------------------------------------\n\
            \x20 60003 requests in 30.00s, 19.40MB read\nRequests/sec:   2000.07\n";
        let benchmarks = load_text(text).unwrap();
        let latency = find(&benchmarks, "http://h/");
        let keys: Vec<&str> = latency.summary.keys().map(String::as_str).collect();
        assert_eq!(keys, ["max", "mean", "median", "p99.9"]);
        assert_eq!(latency.summary["p99.9"], 3_030_000.0);
        assert_eq!(latency.histogram.as_ref().map(|h| h.count()), Some(1));
        assert_eq!(find(&benchmarks, "http://h/ (throughput)").summary["throughput"], 2000.07);
    }

    #[test]
    fn plain_wrk_has_no_histogram() {
        let benchmarks = load(&fixture("latency.txt"), &InputOptions::default()).unwrap();
        assert!(benchmarks.iter().all(|b| b.histogram.is_none()));
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let error = load_text("Running 1s test @ http://h/\n  Latency Distribution\n     50%  fast\n").unwrap_err();
        assert_eq!(error.location, Location::Line(3));
        assert!(error.message.contains("50th percentile \"fast\""), "{error}");
        let error = load_text("    Latency     3.97ms    5.17ms  lots   88.08%\n").unwrap_err();
        assert_eq!(error.location, Location::Line(1));
        assert!(error.message.contains("Max \"lots\""), "{error}");
        let error = load_text("Requests/sec:    many\n").unwrap_err();
        assert!(error.message.contains("requests per second"), "{error}");
        let error = load_text("Socket errors: connect 0, read x\n").unwrap_err();
        assert!(error.message.contains("read errors"), "{error}");
        let error = load_text("  Latency     3.97ms\n").unwrap_err();
        assert!(error.message.contains("Max \"\""), "{error}");
        assert!(load_text("hello\n").unwrap_err().message.contains("found none"));
    }
}
