//! Locust `--json` (stdout) or `--json-file` -> per request type and name,
//! the real response-time distribution, so base and head compare as samples.
//!
//! Locust keeps each entry's response times as a histogram of rounded
//! milliseconds (`response_times`: value -> count; 147 ms is kept as 150,
//! 3432 ms as 3400). It becomes a [`Histogram`] in ns, and three series with
//! the request adapters' tags (`route` = name, `method`):
//! - `latency` (ns): the distribution, judged like any request log;
//! - `errors` (ratio): `num_failures` of `num_requests` as 0/1 flags (`rate`);
//! - `throughput` (per second): `num_requests` over the run's span — from the
//!   earliest entry's `start_time` to the latest `last_request_timestamp`, as
//!   Locust's own Requests/s divides by the run's span, not the entry's.
//!
//! An untagged `throughput` holds all requests over the same span. There is no
//! untagged `latency` or `errors`: their series pool, so `metric = "latency"`
//! alone judges every request.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::input::rows::recorder::Recorder;
use crate::input::rows::{request_tags, summary_series, tagged_series, Tags, ERRORS_METRIC, LATENCY_METRIC};
use crate::input::text::parse_number;
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::histogram::Histogram;
use crate::model::{Benchmark, Unit};

/// One entry of Locust's JSON statistics (other keys are ignored).
#[derive(Deserialize)]
struct Entry {
    name: String,
    #[serde(default)]
    method: Option<String>,
    num_requests: u64,
    num_failures: u64,
    #[serde(default)]
    start_time: Option<f64>,
    #[serde(default)]
    last_request_timestamp: Option<f64>,
    response_times: BTreeMap<String, u64>,
}

/// Reads Locust's JSON statistics (a list of entries).
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let entries: Vec<Entry> = crate::input::read_json(path)?;
    let at = |json_path: String, message: String| InputError::new(path, Location::JsonPath(json_path), message);
    let span = run_span(&entries).map_err(|(index, key, message)| at(format!("$[{index}].{key}"), message))?;
    let mut benchmarks = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let tags = request_tags(entry.name.clone(), entry.method.clone().filter(|method| !method.is_empty()));
        let histogram = response_time_histogram(&entry.response_times)
            .map_err(|(key, message)| at(format!("$[{index}].response_times[{key:?}]"), message))?;
        if histogram.count() > 0 {
            benchmarks.push(tagged_series(Recorder::Binned(histogram), LATENCY_METRIC, Unit::Ns, tags.clone()));
        }
        // A failure logged without its request still counts as one.
        let requests = entry.num_requests.max(entry.num_failures);
        if requests > 0 {
            let flags = Recorder::flags(requests, entry.num_failures);
            benchmarks.push(tagged_series(flags, ERRORS_METRIC, Unit::Ratio, tags.clone()));
        }
        if let Some(seconds) = span {
            benchmarks.push(throughput(tags, entry.num_requests as f64 / seconds));
        }
    }
    if let Some(seconds) = span {
        let total: u64 = entries.iter().map(|entry| entry.num_requests).sum();
        benchmarks.push(throughput(Tags::new(), total as f64 / seconds));
    }
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(benchmarks)
}

fn throughput(tags: Tags, rate: f64) -> Benchmark {
    summary_series("throughput", Unit::PerSecond, tags, BTreeMap::from([("throughput".to_string(), rate)]))
}

/// `{"150": 3, "23": 1}` (rounded ms -> count) as a histogram in ns; an error names the bad key.
fn response_time_histogram(response_times: &BTreeMap<String, u64>) -> Result<Histogram, (String, String)> {
    let mut histogram = Histogram::new();
    for (ms, count) in response_times {
        let value = parse_number(ms)
            .ok_or_else(|| (ms.clone(), format!("expected a response time in ms as the key, found {ms:?}")))?;
        histogram.record_n(value * 1e6, *count);
    }
    Ok(histogram)
}

/// Seconds from the earliest `start_time` to the latest `last_request_timestamp`;
/// `None` when the entries do not say (no request finished) or the span is empty.
/// An error gives the entry's index, the key and what is wrong.
fn run_span(entries: &[Entry]) -> Result<Option<f64>, (usize, &'static str, String)> {
    let timestamp = |index: usize, key: &'static str, value: Option<f64>| match value {
        Some(seconds) if !(seconds.is_finite() && seconds >= 0.0) => {
            Err((index, key, format!("expected a unix timestamp in seconds, found {seconds}")))
        }
        _ => Ok(value),
    };
    let mut start = f64::INFINITY;
    let mut last = f64::NEG_INFINITY;
    for (index, entry) in entries.iter().enumerate() {
        if let Some(seconds) = timestamp(index, "start_time", entry.start_time)? {
            start = start.min(seconds);
        }
        if let Some(seconds) = timestamp(index, "last_request_timestamp", entry.last_request_timestamp)? {
            last = last.max(seconds);
        }
    }
    Ok((last > start).then_some(last - start))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::model::histogram::RELATIVE_ERROR;
    use crate::model::Direction;
    use crate::stats::{Estimator, Ranked};

    /// Made by Locust against a local Python server; the README next to it says how.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("locust", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    fn quantile(bench: &Benchmark, q: f64) -> f64 {
        Ranked::new(bench.histogram.as_ref().unwrap()).unwrap().statistic(Estimator::Quantile(q)).unwrap()
    }

    #[test]
    fn response_times_become_a_distribution_in_nanoseconds() {
        let benchmarks = load(&fixture("run.json"), &InputOptions::default()).unwrap();
        let slow = find(&benchmarks, "latency{method=GET,route=/slow}");
        assert_eq!(
            (&slow.unit, slow.tags["route"].as_str(), slow.tags["method"].as_str()),
            (&Unit::Ns, "/slow", "GET")
        );
        // "num_requests": 108; the largest keys "210": 6, "220": 3, "230": 4, "240": 6, "250": 8
        let histogram = slow.histogram.as_ref().unwrap();
        assert_eq!((histogram.count(), histogram.max()), (108, 250e6));
        // Sorted by hand, the 54th and 55th of the 108 times are 160 ms; the top eight are 250 ms.
        let within_histogram_error = |value: f64, expected: f64| (value / expected - 1.0).abs() <= RELATIVE_ERROR;
        assert!(within_histogram_error(quantile(slow, 0.5), 160e6), "{}", quantile(slow, 0.5));
        assert!(within_histogram_error(quantile(slow, 0.99), 250e6), "{}", quantile(slow, 0.99));
        // GET /: 220 requests, one of which took about a second ("1000": 1).
        let home = find(&benchmarks, "latency{method=GET,route=/}");
        assert_eq!((home.value_count(), home.histogram.as_ref().unwrap().max()), (220, 1000e6));
    }

    #[test]
    fn failures_are_flags_and_throughput_spans_the_run() {
        let benchmarks = load(&fixture("run.json"), &InputOptions::default()).unwrap();
        // /flaky: "num_requests": 105, "num_failures": 21 (every fifth request was a 500)
        let flaky = find(&benchmarks, "errors{method=GET,route=/flaky}");
        assert_eq!(flaky.unit, Unit::Ratio);
        assert_eq!((flaky.samples.len(), flaky.samples.iter().sum::<f64>()), (105, 21.0));
        // Span: earliest "start_time" 1795705617.3534834 (/flaky) to latest "last_request_timestamp"
        // 1795705627.1379602 = 9.78447675704956 s; GET / made 220 requests.
        let home = find(&benchmarks, "throughput{method=GET,route=/}");
        assert!((home.summary["throughput"] - 220.0 / 9.78447675704956).abs() < 1e-6, "{:?}", home.summary);
        assert_eq!(home.direction, Direction::HigherIsBetter);
        let all = find(&benchmarks, "throughput");
        assert!((all.summary["throughput"] - 608.0 / 9.78447675704956).abs() < 1e-6, "{:?}", all.summary);
        assert_eq!(benchmarks.len(), 5 * 3 + 1);
    }

    #[test]
    fn entries_without_requests_or_timestamps_give_what_they_can() {
        let text = r#"[{"name": "/a", "method": "GET", "num_requests": 0, "num_failures": 2,
            "start_time": 1.0, "last_request_timestamp": null, "response_times": {}},
            {"name": "custom", "method": "", "num_requests": 1, "num_failures": 0, "response_times": {"0": 1}}]"#;
        let benchmarks = load_text(text).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["errors{method=GET,route=/a}", "errors{route=custom}", "latency{route=custom}"]);
        assert_eq!(benchmarks[0].samples, [1.0, 1.0], "failures logged without requests");
    }

    #[test]
    fn bad_documents_are_located() {
        let error =
            load_text(r#"[{"name": "/a", "num_requests": 1, "num_failures": 0, "response_times": {"fast": 1}}]"#)
                .unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$[0].response_times[\"fast\"]".into()));
        let error = load_text(
            r#"[{"name": "/a", "num_requests": 1, "num_failures": 0, "response_times": {}, "start_time": -5}]"#,
        )
        .unwrap_err();
        assert_eq!(error.location, Location::JsonPath("$[0].start_time".into()));
        let error = load_text("[\n  {\"name\": \"/a\", \"num_requests\": -1}\n]").unwrap_err();
        assert!(matches!(error.location, Location::LineColumn(2, _)), "{error}");
        assert!(load_text(r#"{"name": "/a"}"#).unwrap_err().message.contains("invalid JSON"));
        assert!(load_text("[]").unwrap().is_empty(), "nothing to judge: `load` reports the empty input");
    }

    #[test]
    fn never_panics_on_cut_or_garbled_output() {
        test_support::never_panics_on_prefixes(load, &fixture("run.json"));
    }
}
