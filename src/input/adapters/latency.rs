//! Generic per-request latency logs (CSV and NDJSON) -> `latency` series per
//! (route, method, status), `errors` series per (route, method), and one
//! series per counter column per (route, method).
//!
//! Field names and the latency unit come from the suite's [`FieldMap`]
//! (defaults `route`, `method`, `status`, `latency_ms` in ms). `route` and the
//! latency are required; `method` and `status` are optional. A request is an
//! error when its status matches the suite's `error-status` patterns, or by
//! default when it is not in 200..=399 (k6's convention); a missing or
//! non-numeric status is always an error, and a `success` column, when
//! named, decides instead. `errors` exists only when the log can tell. The
//! timestamp column (`timestamp` by default) gives every series the log's
//! window, for throughput; `counters` columns (e.g. `db_queries`) become
//! metrics of their own, so "queries per request" is their mean.
//!
//! Both formats are parsed in lanes into the same kind of per-lane series
//! ([`request_lane`]): raw samples in file order, error flags as counts
//! (successes, then failures), bad rows or lines counted against the suite's
//! `max-bad-rows`.

use std::path::Path;

use serde_json::{Map, Value};

use crate::config::fields::ErrorStatuses;
use crate::config::fields::TimestampUnit;
use crate::input::rows::blocks::{self, BlockTally};
use crate::input::rows::csv_table::required_column_index;
use crate::input::rows::request_csv::{self, FailureRule, RequestSchema, TimestampColumn};
use crate::input::rows::request_lane::{self, Outcome, RequestLane};
use crate::input::rows::timestamps::parse_timestamp_ns;
use crate::input::rows::{duration_ns, ndjson, parse_duration_ns, parse_number, RequestRecord};
use crate::input::{FieldMap, InputError, InputOptions};
use crate::model::units::{duration_words, nanoseconds_per};
use crate::model::Benchmark;

/// Reads a latency CSV (header row required; delimiter from the options; gzip
/// allowed), streaming: see [`request_csv`].
pub fn load_csv(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let fields = &options.fields;
    let nanos = latency_scale(path, fields)?;
    let delimiter = options.delimiter.unwrap_or(b',');
    let stream = request_csv::open(path, delimiter)?;
    let column = |name: &str| required_column_index(path, &stream.header, delimiter, name);
    let optional = |name: &str| stream.header.iter().position(|found| found == name);
    let status = optional(&fields.status);
    let failure = match (&fields.success, status) {
        (Some(success), _) => FailureRule::SuccessColumn(column(success)?, success.clone()),
        (None, Some(status)) => FailureRule::Status(status, options_error(path, fields.error_statuses())?),
        (None, None) => FailureRule::Unknown,
    };
    let unit = options_error(path, TimestampUnit::parse(&fields.timestamp_unit))?;
    let timestamp = match &fields.timestamp {
        Some(name) => Some(TimestampColumn { index: column(name)?, name: name.clone(), unit, required: true }),
        None => optional("timestamp").map(|index| TimestampColumn {
            index,
            name: "timestamp".into(),
            unit,
            required: false,
        }),
    };
    let schema = RequestSchema {
        delimiter,
        columns: stream.header.len(),
        route: (column(&fields.route)?, fields.route.clone()),
        route_optional: false,
        latency: (column(&fields.latency)?, fields.latency.clone()),
        method: optional(&fields.method),
        status,
        failure,
        nanos_per_unit: nanos,
        bad_row_limit: options.max_bad_rows,
        timestamp,
        counters: fields.counters.iter().map(|name| Ok((column(name)?, name.clone()))).collect::<Result<_, _>>()?,
        tags: fields.tags.iter().map(|name| Ok((column(name)?, name.clone()))).collect::<Result<_, _>>()?,
    };
    request_csv::ingest(path, stream, &schema)
}

/// Reads a latency NDJSON log (one object per line; status may be a number
/// or a string; gzip allowed), in lanes: see [`ndjson`] and [`request_lane`].
pub fn load_ndjson(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let fields = &options.fields;
    let rules = ndjson_rules(path, fields)?;
    let mut lanes: Vec<NdjsonLane> = (0..blocks::lane_count()).map(|_| NdjsonLane::default()).collect();
    let parse = |lane: &mut NdjsonLane, number, block: &[u8], ()| lane.parse_block(number, block, fields, &rules);
    ndjson::read_in_lanes(path, options.max_bad_rows, &mut lanes, |_| (), parse)?;
    let counter_names: Vec<&str> = fields.counters.iter().map(String::as_str).collect();
    let tag_names: Vec<&str> = fields.tags.iter().map(String::as_str).collect();
    let requests = lanes.into_iter().map(|lane| lane.requests).collect();
    Ok(request_lane::into_benchmarks(requests, &tag_names, &counter_names))
}

fn ndjson_rules(path: &Path, fields: &FieldMap) -> Result<NdjsonRules, InputError> {
    Ok(NdjsonRules {
        nanos: latency_scale(path, fields)?,
        errors: options_error(path, fields.error_statuses())?,
        timestamp_unit: options_error(path, TimestampUnit::parse(&fields.timestamp_unit))?,
    })
}

/// One lane's requests, parsed from NDJSON blocks.
#[derive(Default)]
struct NdjsonLane {
    requests: RequestLane,
    counters: Vec<Option<f64>>,
}

impl NdjsonLane {
    fn parse_block(&mut self, number: u32, block: &[u8], fields: &FieldMap, rules: &NdjsonRules) -> BlockTally {
        let tally =
            ndjson::parse_lines(block, |line, object: Map<String, Value>| self.take(line, &object, fields, rules));
        self.requests.finish_block(number);
        tally
    }

    /// One request, recorded only once every field has been read, so a bad
    /// line leaves no trace. Requests logged without a status are errors
    /// only if the log records statuses at all, which is known only at the
    /// end ([`Outcome::NoStatus`]).
    fn take(
        &mut self,
        line: u32,
        object: &Map<String, Value>,
        fields: &FieldMap,
        rules: &NdjsonRules,
    ) -> Result<(), String> {
        let record = ndjson_record(object, fields, rules)?;
        let at = ndjson_timestamp(object, fields, rules.timestamp_unit)?;
        self.counters.clear();
        for counter in &fields.counters {
            self.counters.push(ndjson_counter(object, counter)?);
        }
        let tags = fields
            .tags
            .iter()
            .map(|name| Ok(text_field(object, name)?.filter(|value| !value.is_empty())))
            .collect::<Result<Vec<Option<String>>, String>>()?;
        let mut parts = vec![
            Some(record.route.as_bytes()),
            record.method.as_deref().map(str::as_bytes),
            record.status.as_deref().map(str::as_bytes),
        ];
        parts.extend(tags.iter().map(|tag| tag.as_deref().map(str::as_bytes)));
        let slot = self.requests.slot(&parts, fields.counters.len())?;
        if let Some(at) = at {
            self.requests.window.extend(at);
        }
        let outcome = match record.failed {
            Some(failed) => Outcome::from(Some(failed)),
            None => Outcome::NoStatus,
        };
        self.requests.record(slot, line, record.latency_ns, &self.counters, outcome);
        Ok(())
    }
}

/// How NDJSON fields are read, from the suite's options.
struct NdjsonRules {
    nanos: f64,
    errors: ErrorStatuses,
    timestamp_unit: TimestampUnit,
}

/// The request's timestamp: the suite's field (required on every line) or,
/// by default, a `timestamp` field when it parses.
fn ndjson_timestamp(
    object: &Map<String, Value>,
    fields: &FieldMap,
    unit: TimestampUnit,
) -> Result<Option<f64>, String> {
    let (name, required) = match &fields.timestamp {
        Some(name) => (name.as_str(), true),
        None => ("timestamp", false),
    };
    let parsed = match object.get(name) {
        Some(Value::Number(number)) => parse_timestamp_ns(number.to_string().as_bytes(), unit),
        Some(Value::String(text)) => parse_timestamp_ns(text.as_bytes(), unit),
        Some(other) => Err(format!("expected a timestamp, found {other}")),
        None => Err(missing_field(name, object)),
    };
    match parsed {
        Ok(at) => Ok(Some(at)),
        Err(message) if required => Err(format!("field {name:?}: {message}")),
        Err(_) => Ok(None),
    }
}

/// A per-request counter: a non-negative number, or nothing when absent or null.
fn ndjson_counter(object: &Map<String, Value>, name: &str) -> Result<Option<f64>, String> {
    let value = match object.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => parse_number(text.trim().as_bytes()),
        Some(_) => None,
    };
    match value {
        Some(value) if value.is_finite() && value >= 0.0 => Ok(Some(value)),
        _ => Err(format!("field {name:?}: expected a non-negative number, found {}", object[name])),
    }
}

/// A suite option that does not make sense, reported against the input.
fn options_error<T>(path: &Path, result: Result<T, String>) -> Result<T, InputError> {
    result.map_err(|message| InputError::whole(path, message))
}

fn latency_scale(path: &Path, fields: &FieldMap) -> Result<f64, InputError> {
    nanoseconds_per(&fields.latency_unit).ok_or_else(|| {
        InputError::whole(
            path,
            format!("latency unit {:?} is not supported: expected one of {}", fields.latency_unit, duration_words()),
        )
    })
}

fn ndjson_record(object: &Map<String, Value>, fields: &FieldMap, rules: &NdjsonRules) -> Result<RequestRecord, String> {
    let nanos = rules.nanos;
    let route = text_field(object, &fields.route)?
        .filter(|route| !route.is_empty())
        .ok_or_else(|| missing_field(&fields.route, object))?;
    let latency =
        object.get(&fields.latency).filter(|v| !v.is_null()).ok_or_else(|| missing_field(&fields.latency, object))?;
    let latency_ns = match latency {
        Value::Number(number) => duration_ns(number.as_f64().unwrap_or(f64::NAN), nanos),
        Value::String(text) => parse_duration_ns(text, nanos),
        other => Err(format!("expected a number, found {other}")),
    }
    .map_err(|message| format!("field {:?}: {message}", fields.latency))?;
    let status = text_field(object, &fields.status)?;
    let failed = match &fields.success {
        Some(name) => Some(match object.get(name) {
            Some(Value::Bool(ok)) => !ok,
            Some(Value::String(text)) if text == "true" || text == "false" => text == "false",
            Some(other) => return Err(format!("field {name:?}: expected true or false, found {other}")),
            None => return Err(missing_field(name, object)),
        }),
        None => status.as_deref().map(|s| rules.errors.is_error(Some(s.as_bytes()))),
    };
    Ok(RequestRecord { route, method: text_field(object, &fields.method)?, failed, status, latency_ns })
}

/// A string or number field as text; `None` when absent or null.
fn text_field(object: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.trim().to_string())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(other) => Err(format!("field {name:?}: expected a string or a number, found {other}")),
    }
}

fn missing_field(name: &str, object: &Map<String, Value>) -> String {
    let found: Vec<&str> = object.keys().map(String::as_str).collect();
    format!("expected a field named {name:?}; this object has: {}", found.join(", "))
}

#[cfg(test)]
#[path = "latency_ndjson_tests.rs"]
mod ndjson_lane_tests;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::input::{validate_benchmark, Location};
    use crate::model::histogram::Histogram;
    use crate::model::Unit;
    use crate::stats::{Estimator, Ranked};

    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("latency", name)
    }

    fn temp_file(content: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content.as_bytes()).unwrap();
        file
    }

    fn csv_error(content: &str) -> InputError {
        let file = temp_file(content);
        let error = load_csv(file.path(), &InputOptions::default()).unwrap_err();
        assert_eq!(error.path, file.path(), "errors name the file");
        error
    }

    #[test]
    fn csv_fixture_groups_by_route_method_status_and_converts_ms_to_ns() {
        let path = fixture("requests.csv");
        let benchmarks = load_csv(&path, &InputOptions::default()).unwrap();
        for bench in &benchmarks {
            validate_benchmark(&path, bench).unwrap();
        }
        let latency_rows: usize = benchmarks.iter().filter(|b| b.metric == "latency").map(|b| b.samples.len()).sum();
        let error_rows: usize = benchmarks.iter().filter(|b| b.metric == "errors").map(|b| b.samples.len()).sum();
        assert_eq!((latency_rows, error_rows), (300, 300), "every data row counted once in each metric");
        // First data row: 1710234900000,GET,/health,200,1.9,3931
        let health = find(&benchmarks, "latency{method=GET,route=/health,status=200}");
        assert_eq!(health.unit, Unit::Ns);
        assert_eq!(health.samples[0], 1_900_000.0);
        assert_eq!(health.tags.get("status").map(String::as_str), Some("200"));
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "benchmarks are sorted by id");
    }

    /// Nearest-rank p99 of every successful GET route, in seconds.
    fn get_route_p99s(path: &Path) -> BTreeMap<String, f64> {
        let benchmarks = load_csv(path, &InputOptions::default()).unwrap();
        let ok_gets = benchmarks.iter().filter(|b| b.metric == "latency" && b.id.contains("method=GET"));
        ok_gets
            .filter(|b| b.tags.get("status").is_some_and(|s| s == "200"))
            .map(|b| {
                let histogram = b.histogram.clone().unwrap_or_else(|| Histogram::from_values(&b.samples));
                let p99 = Ranked::new(&histogram).unwrap().statistic(Estimator::Quantile(0.99)).unwrap();
                (b.tags["route"].clone(), p99 / 1e9)
            })
            .collect()
    }

    #[test]
    fn readme_example_exports_load_and_show_one_slower_get_route() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/api");
        let (base, head) = (get_route_p99s(&examples.join("base.csv")), get_route_p99s(&examples.join("head.csv")));
        assert_eq!(base.keys().collect::<Vec<_>>(), ["/api/orders/{id}", "/api/users", "/health"]);
        assert!(base.values().all(|p99| *p99 < 1.0), "{base:?}");
        assert!(head["/api/orders/{id}"] > 1.0, "{head:?}");
        for route in ["/api/users", "/health"] {
            assert!(head[route] < 1.0 && (head[route] / base[route] - 1.0).abs() < 0.2, "{route}: {base:?} {head:?}");
        }
    }

    #[test]
    fn csv_quoted_route_with_comma_and_err_status_are_kept() {
        let benchmarks = load_csv(&fixture("requests.csv"), &InputOptions::default()).unwrap();
        // 1710234900259,GET,"/api/search?tags=a,b",ERR,30000.0,1019
        let failed = find(&benchmarks, "latency{method=GET,route=/api/search?tags=a,b,status=ERR}");
        assert_eq!(failed.samples, [30_000.0 * 1e6]);
        let errors = find(&benchmarks, "errors{method=GET,route=/api/search?tags=a,b}");
        assert_eq!(errors.unit, Unit::Ratio);
        assert!(errors.samples.contains(&1.0) && errors.samples.contains(&0.0));
    }

    #[test]
    fn csv_error_flags_follow_status_classes() {
        let file = temp_file("route,method,status,latency_ms\r\n/a,GET,200,1\r\n/a,GET,302,1\r\n/a,GET,404,1\r\n/a,GET,ERR,1\r\n/a,GET,,1\r\n");
        let benchmarks = load_csv(file.path(), &InputOptions::default()).unwrap();
        let errors = find(&benchmarks, "errors{method=GET,route=/a}");
        assert_eq!(errors.samples, [0.0, 0.0, 1.0, 1.0, 1.0], "missing status counts as an error");
        assert_eq!(find(&benchmarks, "latency{method=GET,route=/a}").samples.len(), 1, "no status tag when empty");
    }

    #[test]
    fn csv_without_status_column_has_no_errors_metric() {
        let file = temp_file("route,latency_ms\n/a,1.5\n/b,2\n");
        let benchmarks = load_csv(file.path(), &InputOptions::default()).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["latency{route=/a}", "latency{route=/b}"]);
    }

    #[test]
    fn csv_honours_field_map_unit_and_delimiter() {
        let file = temp_file("path\tverb\tcode\tduration_us\n/a\tPUT\t500\t1500\n");
        let options = InputOptions {
            fields: FieldMap {
                route: "path".into(),
                method: "verb".into(),
                status: "code".into(),
                latency: "duration_us".into(),
                latency_unit: "us".into(),
                ..FieldMap::default()
            },
            delimiter: Some(b'\t'),
            ..InputOptions::default()
        };
        let benchmarks = load_csv(file.path(), &options).unwrap();
        assert_eq!(find(&benchmarks, "latency{method=PUT,route=/a,status=500}").samples, [1_500_000.0]);
        assert_eq!(find(&benchmarks, "errors{method=PUT,route=/a}").samples, [1.0]);
    }

    #[test]
    fn csv_missing_column_names_it_and_lists_the_header() {
        let error = csv_error("route,method,latency\n/a,GET,1\n");
        assert_eq!(error.location, Location::Line(1));
        assert!(error.message.contains("\"latency_ms\""), "{}", error.message);
        assert!(error.message.contains("route, method, latency"), "{}", error.message);
    }

    #[test]
    fn csv_read_with_the_wrong_delimiter_hints_at_it() {
        let error = csv_error("route;latency_ms\n/a;1\n");
        assert!(error.message.contains("delimiter"), "{}", error.message);
    }

    #[test]
    fn csv_non_numeric_latency_names_line_and_column() {
        let error = csv_error("route,latency_ms\n/a,1\n/a,fast\n");
        assert_eq!(error.location, Location::Line(3));
        assert!(error.message.contains("latency_ms") && error.message.contains("\"fast\""), "{}", error.message);
        assert!(error.to_string().contains(":3: "), "{error}");
    }

    #[test]
    fn csv_negative_and_non_finite_latencies_are_rejected() {
        assert_eq!(csv_error("route,latency_ms\n/a,-4\n").location, Location::Line(2));
        assert!(csv_error("route,latency_ms\n/a,NaN\n").message.contains("non-negative"));
        assert!(csv_error("route,latency_ms\n/a,inf\n").message.contains("finite"));
    }

    #[test]
    fn csv_empty_route_short_row_empty_file_and_header_only_are_errors() {
        assert!(csv_error("route,latency_ms\n,4\n").message.contains("\"route\""));
        let short = csv_error("route,status,latency_ms\n/a,200,1\n/a,200\n");
        assert_eq!(short.location, Location::Line(3));
        assert!(short.message.contains("expected 3 fields"), "{}", short.message);
        assert!(csv_error("").message.contains("empty"));
        assert!(csv_error("route,latency_ms\n").message.contains("at least one data row"));
    }

    #[test]
    fn unknown_latency_unit_is_an_error() {
        let file = temp_file("route,latency_ms\n/a,1\n");
        let mut options = InputOptions::default();
        options.fields.latency_unit = "minutes".into();
        let error = load_csv(file.path(), &options).unwrap_err();
        assert!(error.message.contains("\"minutes\"") && error.message.contains("ms"), "{}", error.message);
    }

    #[test]
    fn ndjson_fixture_accepts_number_and_string_statuses_and_blank_lines() {
        let path = fixture("requests.ndjson");
        let benchmarks = load_ndjson(&path, &InputOptions::default()).unwrap();
        for bench in &benchmarks {
            validate_benchmark(&path, bench).unwrap();
        }
        let count =
            |metric: &str| -> usize { benchmarks.iter().filter(|b| b.metric == metric).map(|b| b.samples.len()).sum() };
        assert_eq!((count("latency"), count("errors")), (200, 200));
        // Line 1: {"route": "/api/orders/{id}", "method": "GET", "status": 200, "latency_ms": 35.668, ...}
        let orders = find(&benchmarks, "latency{method=GET,route=/api/orders/{id},status=200}");
        assert_eq!(orders.samples[0], 35.668 * 1e6);
        let null_status = benchmarks.iter().filter(|b| b.metric == "latency" && !b.tags.contains_key("status"));
        assert_eq!(null_status.map(|b| b.samples.len()).sum::<usize>(), 1, "the null status line");
    }

    #[test]
    fn ndjson_missing_status_is_an_error_only_when_the_log_has_statuses() {
        let file = temp_file(
            "{\"route\":\"/a\",\"latency_ms\":1}\n{\"route\":\"/a\",\"status\":\"ERR\",\"latency_ms\":\"2.5\"}\n",
        );
        let benchmarks = load_ndjson(file.path(), &InputOptions::default()).unwrap();
        assert_eq!(find(&benchmarks, "errors{route=/a}").samples, [1.0, 1.0]);
        assert_eq!(find(&benchmarks, "latency{route=/a,status=ERR}").samples, [2_500_000.0]);
        let file = temp_file("{\"route\":\"/a\",\"latency_ms\":1}\n");
        let benchmarks = load_ndjson(file.path(), &InputOptions::default()).unwrap();
        assert_eq!(benchmarks.len(), 1, "no errors metric without statuses");
    }

    fn ndjson_error(content: &str) -> InputError {
        let file = temp_file(content);
        let error = load_ndjson(file.path(), &InputOptions::default()).unwrap_err();
        assert_eq!(error.path, file.path());
        error
    }

    #[test]
    fn ndjson_truncated_line_is_located_by_file_line() {
        let error = ndjson_error("{\"route\":\"/a\",\"latency_ms\":1}\n\n{\"route\":\"/a\",\"late");
        assert!(matches!(error.location, Location::LineColumn(3, _)), "{:?}", error.location);
        assert!(error.message.contains("truncated"), "{}", error.message);
    }

    #[test]
    fn ndjson_bad_fields_name_line_and_field() {
        let missing = ndjson_error("{\"route\":\"/a\",\"latency\":1}\n");
        assert_eq!(missing.location, Location::Line(1));
        assert!(missing.message.contains("\"latency_ms\"") && missing.message.contains("latency, route"));
        let text = ndjson_error("{\"route\":\"/a\",\"latency_ms\":1}\n{\"route\":\"/a\",\"latency_ms\":\"slow\"}\n");
        assert_eq!(text.location, Location::Line(2));
        assert!(text.message.contains("\"slow\""), "{}", text.message);
        let negative = ndjson_error("{\"route\":\"/a\",\"latency_ms\":-1}\n");
        assert!(negative.message.contains("non-negative"), "{}", negative.message);
        let object_route = ndjson_error("{\"route\":{},\"latency_ms\":1}\n");
        assert!(object_route.message.contains("string or a number"), "{}", object_route.message);
        assert!(ndjson_error("[1, 2]\n").message.contains("line"));
        assert!(ndjson_error("\n\n").message.contains("empty"));
    }

    /// A small log in both row formats: timestamps (epoch ms), a counter, three statuses.
    const DERIVED_CSV: &str = "timestamp,method,route,status,latency_ms,db_queries\n\
        1700000000000,GET,/a,200,10,3\n\
        1700000000500,GET,/a,503,20,\n\
        1700000001000,POST,/b,404,30,7\n\
        1700000002000,GET,/a,200,40,5\n";

    fn derived_ndjson() -> String {
        DERIVED_CSV
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                let queries = if f[5].is_empty() { String::new() } else { format!(",\"db_queries\":{}", f[5]) };
                format!(
                    "{{\"timestamp\":{},\"method\":\"{}\",\"route\":\"{}\",\"status\":{},\"latency_ms\":{}{queries}}}\n",
                    f[0], f[1], f[2], f[3], f[4]
                )
            })
            .collect()
    }

    fn derived_options(error_status: Option<&[&str]>) -> InputOptions {
        InputOptions {
            fields: FieldMap {
                counters: vec!["db_queries".into()],
                error_status: error_status.map(|list| list.iter().map(|s| s.to_string()).collect()),
                ..FieldMap::default()
            },
            ..InputOptions::default()
        }
    }

    #[test]
    fn counters_window_and_error_status_come_from_csv_and_ndjson_alike() {
        let csv = temp_file(DERIVED_CSV);
        let ndjson = temp_file(&derived_ndjson());
        for options in [derived_options(None), derived_options(Some(&["5xx"]))] {
            // Error flags are counts: the CSV reader writes successes first, so compare them sorted.
            let flags_sorted = |mut benchmarks: Vec<Benchmark>| {
                benchmarks.iter_mut().for_each(|b| b.samples.sort_by(f64::total_cmp));
                benchmarks
            };
            let from_csv = flags_sorted(load_csv(csv.path(), &options).unwrap());
            let from_ndjson = flags_sorted(load_ndjson(ndjson.path(), &options).unwrap());
            assert!(from_csv == from_ndjson, "{from_csv:#?}\nvs\n{from_ndjson:#?}");
        }
        let benchmarks = load_csv(csv.path(), &derived_options(None)).unwrap();
        assert!(benchmarks.iter().all(|b| b.window_seconds == Some(2.0)), "first to last request: 2 s");
        let queries = find(&benchmarks, "db_queries{method=GET,route=/a}");
        assert_eq!(
            (queries.unit.clone(), queries.samples.clone()),
            (Unit::Count, vec![3.0, 5.0]),
            "empty = not measured"
        );
        assert_eq!(find(&benchmarks, "db_queries{method=POST,route=/b}").samples, [7.0]);
        assert_eq!(find(&benchmarks, "errors{method=POST,route=/b}").samples, [1.0], "404 fails by default");
        let server_errors_only = load_csv(csv.path(), &derived_options(Some(&["5xx"]))).unwrap();
        assert_eq!(find(&server_errors_only, "errors{method=POST,route=/b}").samples, [0.0], "404 is not a 5xx");
        assert_eq!(find(&server_errors_only, "errors{method=GET,route=/a}").samples, [0.0, 0.0, 1.0], "the 503");
    }

    #[test]
    fn a_success_column_decides_errors_when_named() {
        let file = temp_file("route,status,ok,latency_ms\n/a,500,true,1\n/a,200,false,2\n");
        let options = InputOptions {
            fields: FieldMap { success: Some("ok".into()), ..FieldMap::default() },
            ..Default::default()
        };
        assert_eq!(find(&load_csv(file.path(), &options).unwrap(), "errors{route=/a}").samples, [0.0, 1.0]);
        let ndjson = temp_file(
            "{\"route\":\"/a\",\"ok\":true,\"latency_ms\":1}\n{\"route\":\"/a\",\"ok\":\"maybe\",\"latency_ms\":1}\n",
        );
        let error = load_ndjson(ndjson.path(), &options).unwrap_err();
        assert!(error.location == Location::Line(2) && error.message.contains("true or false"), "{error}");
    }

    #[test]
    fn named_timestamp_and_counter_columns_must_parse_default_ones_need_not() {
        let odd_time = "timestamp,route,latency_ms,db_queries\nsoon,/a,1,2\n1700000000,/a,1,x\n";
        let named = InputOptions {
            fields: FieldMap { timestamp: Some("timestamp".into()), ..FieldMap::default() },
            ..InputOptions::default()
        };
        let error = load_csv(temp_file(odd_time).path(), &named).unwrap_err();
        assert!(error.location == Location::Line(2) && error.message.contains("\"timestamp\""), "{error}");
        let by_default =
            load_csv(temp_file("timestamp,route,latency_ms\nsoon,/a,1\n").path(), &InputOptions::default());
        assert_eq!(by_default.unwrap()[0].window_seconds, None, "an unreadable default timestamp is ignored");
        let counted = load_csv(temp_file(odd_time).path(), &derived_options(None)).unwrap_err();
        assert!(counted.location == Location::Line(3) && counted.message.contains("db_queries"), "{counted}");
        let missing = InputOptions {
            fields: FieldMap { counters: vec!["cache_hits".into()], ..FieldMap::default() },
            ..InputOptions::default()
        };
        assert!(load_csv(temp_file(DERIVED_CSV).path(), &missing).unwrap_err().message.contains("cache_hits"));
    }

    #[test]
    fn extra_tag_columns_split_every_series() {
        let log =
            "route,region,status,latency_ms,db_queries\n/a,eu,200,1,2\n/a,us,500,2,3\n/a,eu,200,3,\n/b,,200,4,1\n";
        let options = InputOptions {
            fields: FieldMap {
                tags: vec!["region".into()],
                counters: vec!["db_queries".into()],
                ..FieldMap::default()
            },
            ..InputOptions::default()
        };
        let benchmarks = load_csv(temp_file(log).path(), &options).unwrap();
        let as_ndjson: String = log
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                let queries = if f[4].is_empty() { String::new() } else { format!(",\"db_queries\":{}", f[4]) };
                format!(
                    "{{\"route\":\"{}\",\"region\":\"{}\",\"status\":{},\"latency_ms\":{}{queries}}}\n",
                    f[0], f[1], f[2], f[3]
                )
            })
            .collect();
        assert!(load_ndjson(temp_file(&as_ndjson).path(), &options).unwrap() == benchmarks, "NDJSON alike");
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "db_queries{region=eu,route=/a}",
                "db_queries{region=us,route=/a}",
                "db_queries{route=/b}",
                "errors{region=eu,route=/a}",
                "errors{region=us,route=/a}",
                "errors{route=/b}",
                "latency{region=eu,route=/a,status=200}",
                "latency{region=us,route=/a,status=500}",
                "latency{route=/b,status=200}",
            ],
            "an empty tag cell means no tag"
        );
        assert_eq!(find(&benchmarks, "latency{region=eu,route=/a,status=200}").samples, [1e6, 3e6]);
        let missing = InputOptions {
            fields: FieldMap { tags: vec!["zone".into()], ..FieldMap::default() },
            ..InputOptions::default()
        };
        assert!(load_csv(temp_file(log).path(), &missing).unwrap_err().message.contains("zone"));
    }
}
