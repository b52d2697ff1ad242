//! Locust `--csv PREFIX` -> `PREFIX_stats.csv`: summary-only series per
//! request type and name (Locust 1.0 or later; columns found by name).
//!
//! Each row gives three series with the tags the request-log adapters use
//! (`route` = Name, `method` = Type), so `where = { method = "GET" }` and
//! `per = "route"` work alike:
//! - `latency` (ns, from ms): `median`, `mean`, `min`, `max`, the percentile
//!   columns (`66%` as `p66`, `99.9%` as `p99.9`, ...) and `count` (Request Count);
//! - `throughput` (per second): Requests/s;
//! - `errors` (ratio): `rate` = Failure Count / Request Count, and `count`.
//!
//! The closing `Aggregated` row (all requests) gives the same series without
//! tags — ids `latency`, `throughput`, `errors` — so `bench = "latency"` judges
//! the whole run while tag filters and `per` never count it twice. Summary
//! statistics cannot be pooled across rows: a KPI selects one row. `N/A` (what
//! Locust writes for a row without requests) and empty cells are absent
//! values, not errors.

use std::collections::BTreeMap;
use std::path::Path;

use crate::input::rows::csv_table::{Column, CsvTable, Row};
use crate::input::rows::{request_tags, summary_series, Tags, ERRORS_METRIC, LATENCY_METRIC};
use crate::input::text::parse_number;
use crate::input::units::percentile_key;
use crate::input::InputError;
use crate::input::InputOptions;
use crate::model::units::nanoseconds_per;
use crate::model::{Benchmark, Unit};

/// Name of the row Locust adds for all requests together.
const AGGREGATED: &str = "Aggregated";

/// Reads a Locust `*_stats.csv` file.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let table = CsvTable::open(path, b',')?;
    let columns = Columns::find(&table)?;
    let mut benchmarks = Vec::new();
    table.for_each_row(|row| {
        benchmarks.extend(row_series(row, &columns)?);
        Ok(())
    })?;
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(benchmarks)
}

/// The columns read, found by name in the header.
struct Columns {
    kind: Column,
    name: Column,
    requests: Column,
    failures: Column,
    throughput: Column,
    /// Latency statistics in ms under their summary key, in the order they are stored:
    /// the percentile columns first, so the explicit median and max columns prevail.
    latency: Vec<(String, Column)>,
}

impl Columns {
    fn find(table: &CsvTable) -> Result<Columns, InputError> {
        let kind = table.required_column("Type")?;
        let name = table.required_column("Name")?;
        let requests = table.required_column("Request Count")?;
        let failures = table.required_column("Failure Count")?;
        let throughput = table.required_column("Requests/s")?;
        let percentiles = table.header().iter().filter_map(|name| {
            let key = percentile_key(parse_number(name.strip_suffix('%')?)?)?;
            Some((key, table.optional_column(name)?))
        });
        let mut latency: Vec<(String, Column)> = percentiles.collect();
        for (key, name) in [
            ("median", "Median Response Time"),
            ("mean", "Average Response Time"),
            ("min", "Min Response Time"),
            ("max", "Max Response Time"),
        ] {
            latency.push((key.to_string(), table.required_column(name)?));
        }
        Ok(Columns { kind, name, requests, failures, throughput, latency })
    }
}

/// The `latency`, `throughput` and `errors` series of one row.
fn row_series(row: &Row, columns: &Columns) -> Result<Vec<Benchmark>, String> {
    let kind = row.text(&columns.kind);
    let name = row.non_empty(&columns.name)?;
    let tags = if kind.is_empty() && name == AGGREGATED {
        Tags::new()
    } else {
        request_tags(name.to_string(), (!kind.is_empty()).then(|| kind.to_string()))
    };
    let requests = cell(row, &columns.requests)?;
    let failures = cell(row, &columns.failures)?;
    let ns_per_ms = nanoseconds_per("ms").unwrap_or(1e6);

    let mut latency = BTreeMap::new();
    if requests.is_some_and(|n| n > 0.0) {
        for (key, column) in &columns.latency {
            if let Some(ms) = cell(row, column)? {
                latency.insert(key.clone(), ms * ns_per_ms);
            }
        }
    }
    latency.extend(requests.map(|n| ("count".to_string(), n)));
    let throughput = cell(row, &columns.throughput)?.map(|rate| ("throughput".to_string(), rate));
    let mut errors: BTreeMap<String, f64> = failures.map(|n| ("count".to_string(), n)).into_iter().collect();
    if let (Some(failed), Some(total)) = (failures, requests.filter(|n| *n > 0.0)) {
        errors.insert("rate".into(), failed / total);
    }

    let series = [
        (LATENCY_METRIC, Unit::Ns, latency),
        ("throughput", Unit::PerSecond, throughput.into_iter().collect()),
        (ERRORS_METRIC, Unit::Ratio, errors),
    ];
    Ok(series
        .into_iter()
        .filter(|(_, _, summary)| !summary.is_empty())
        .map(|(metric, unit, summary)| summary_series(metric, unit, tags.clone(), summary))
        .collect())
}

/// A non-negative number, or `None` for an empty or `N/A` cell.
fn cell(row: &Row, column: &Column) -> Result<Option<f64>, String> {
    row.parse(column, |text| match text {
        "" | "N/A" => Ok(None),
        _ => parse_number(text).map(Some).ok_or_else(|| format!("expected a number or N/A, found {text:?}")),
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::input::Location;
    use crate::model::Direction;

    /// Made by Locust against a local Python server; the README next to it says how.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("locust", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    const HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
        Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
        50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n";

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn rows_become_tagged_summaries_in_nanoseconds() {
        let benchmarks = load(&fixture("run_stats.csv"), &InputOptions::default()).unwrap();
        assert_eq!(benchmarks.len(), 6 * 3, "five request rows and Aggregated, three series each");
        // GET,/slow,97,0,160,157.50688051560144,54.010035999453976,249.45501800175407,64.0,10.782831167278829,0.0,
        // 160,190,210,220,240,250,250,250,250,250,250
        let slow = find(&benchmarks, "latency{method=GET,route=/slow}");
        assert_eq!(
            (&slow.unit, slow.tags["route"].as_str(), slow.tags["method"].as_str()),
            (&Unit::Ns, "/slow", "GET")
        );
        assert!(slow.samples.is_empty() && slow.histogram.is_none());
        let expected = [
            ("count", 97.0),
            ("median", 160e6),
            ("mean", 157.50688051560144 * 1e6),
            ("min", 54.010035999453976 * 1e6),
            ("max", 249.45501800175407 * 1e6),
            ("p66", 190e6),
            ("p90", 240e6),
            ("p99", 250e6),
            ("p99.99", 250e6),
        ];
        for (key, value) in expected {
            assert!(close(slow.summary[key], value), "{key}: {}", slow.summary[key]);
        }
        assert_eq!(slow.summary.len(), 4 + 9 + 1, "median, mean, min, max, nine percentiles, count");
        let throughput = find(&benchmarks, "throughput{method=GET,route=/slow}");
        assert_eq!(throughput.summary["throughput"], 10.782831167278829);
        assert_eq!(throughput.direction, Direction::HigherIsBetter);
    }

    #[test]
    fn failures_are_an_error_rate_and_aggregated_has_no_tags() {
        let benchmarks = load(&fixture("run_stats.csv"), &InputOptions::default()).unwrap();
        // GET,/flaky,99,19,...: the server failed every fifth request.
        let flaky = find(&benchmarks, "errors{method=GET,route=/flaky}");
        assert_eq!((&flaky.unit, flaky.summary["count"]), (&Unit::Ratio, 19.0));
        assert!(close(flaky.summary["rate"], 19.0 / 99.0));
        assert_eq!(find(&benchmarks, "errors{method=POST,route=/orders}").summary["rate"], 0.0);
        // ,Aggregated,556,19,4,37.29630555397294,...,61.806743598010605,...
        let all = find(&benchmarks, "latency");
        assert!(all.tags.is_empty());
        assert_eq!((all.summary["count"], all.summary["median"]), (556.0, 4e6));
        assert_eq!(find(&benchmarks, "throughput").summary["throughput"], 61.806743598010605);
        assert!(close(find(&benchmarks, "errors").summary["rate"], 19.0 / 556.0));
    }

    #[test]
    fn n_a_cells_are_absent_values() {
        let text = format!(
            "{HEADER}GET,/never,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n\
             GET,/once,1,1,12,12.5,12.5,12.5,3,0.5,0.5,12,12,12,12,12,12,12,12,12,12,12\n"
        );
        let benchmarks = load_text(&text).unwrap();
        let never = find(&benchmarks, "latency{method=GET,route=/never}");
        assert_eq!(never.summary, BTreeMap::from([("count".to_string(), 0.0)]), "no latency statistics");
        assert!(!find(&benchmarks, "errors{method=GET,route=/never}").summary.contains_key("rate"));
        assert_eq!(find(&benchmarks, "errors{method=GET,route=/once}").summary["rate"], 1.0);
    }

    #[test]
    fn bad_cells_and_missing_columns_are_located() {
        let error = load_text(&format!("{HEADER}GET,/a,3,x,1,1,1,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1\n")).unwrap_err();
        assert_eq!(error.location, Location::Line(2));
        assert!(error.message.contains("\"Failure Count\"") && error.message.contains("\"x\""), "{error}");
        let negative = load_text(&format!("{HEADER}GET,/a,3,0,1,1,1,1,1,-1,0,1,1,1,1,1,1,1,1,1,1,1\n")).unwrap_err();
        assert!(negative.message.contains("\"Requests/s\""), "{negative}");
        let unnamed = load_text(&format!("{HEADER}GET,,3,0,1,1,1,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1\n")).unwrap_err();
        assert!(unnamed.message.contains("\"Name\""), "{unnamed}");
        let history =
            "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,Total Request Count\n1,0,,Aggregated,0,0,N/A,0\n";
        let error = load_text(history).unwrap_err();
        assert_eq!(error.location, Location::Line(1));
        assert!(error.message.contains("\"Request Count\""), "{error}");
        assert!(load_text(HEADER).unwrap_err().message.contains("at least one data row"));
    }

    #[test]
    fn never_panics_on_cut_or_garbled_output() {
        test_support::never_panics_on_prefixes(load, &fixture("run_stats.csv"));
    }
}
