//! Jaeger's JSON traces: the `/api/traces` response and the UI's "Download
//! JSON" (`{"data": [{"traceID", "spans": [...], "processes": {...}}]}`), a
//! file or a folder of them, gzip-compressed or not. The same requests and
//! series as OTLP traces (see [`traces`]): span kinds come from the
//! `span.kind` tag, errors from `error = true` or `otel.status_code =
//! "ERROR"`, parents from `CHILD_OF` (or `FOLLOWS_FROM`) references, and the
//! service from the span's process. Times are microseconds. A Jaeger file is
//! one JSON document, read whole; a span with a malformed id or a negative
//! duration is skipped and counted against the suite's `max-bad-rows`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;

use super::otlp_json::input_files;
use crate::input::rows::blocks::BlockTally;
use crate::input::rows::ndjson::open_maybe_gzipped;
use crate::input::traces::assemble::{Assembler, Request};
use crate::input::traces::series::RequestSeries;
use crate::input::traces::{self, parse_hex_id, Kind, Meaning, Services, Span};
use crate::input::{InputError, InputOptions, Location};
use crate::model::Benchmark;

#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow)]
    data: Vec<Trace<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Trace<'a> {
    #[serde(default, borrow)]
    spans: Vec<JaegerSpan<'a>>,
    #[serde(default, borrow)]
    processes: HashMap<Cow<'a, str>, Process<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Process<'a> {
    #[serde(default, borrow)]
    service_name: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JaegerSpan<'a> {
    #[serde(rename = "traceID", borrow)]
    trace_id: Cow<'a, str>,
    #[serde(rename = "spanID", borrow)]
    span_id: Cow<'a, str>,
    #[serde(default, borrow)]
    operation_name: Cow<'a, str>,
    #[serde(default, borrow)]
    references: Vec<Reference<'a>>,
    /// Microseconds since the epoch.
    start_time: i64,
    /// Microseconds.
    duration: i64,
    #[serde(default, borrow)]
    tags: Vec<Tag<'a>>,
    #[serde(rename = "processID", default, borrow)]
    process_id: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reference<'a> {
    #[serde(default, borrow)]
    ref_type: Cow<'a, str>,
    #[serde(rename = "spanID", borrow)]
    span_id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Tag<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(default)]
    value: serde_json::Value,
}

/// Reads a Jaeger JSON file or a folder of them.
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let mut services = Services::default();
    let mut series = RequestSeries::default();
    let mut assembler = Assembler::new(|request: Request| series.add(request));
    for file in input_files(path)? {
        let mut text = Vec::new();
        open_maybe_gzipped(&file)
            .and_then(|mut input| input.read_to_end(&mut text))
            .map_err(|e| InputError::io(&file, &e))?;
        let response: Response = serde_json::from_slice(&text).map_err(|e| {
            let mut error = InputError::json(&file, &e);
            error.message = format!("expected Jaeger's JSON ({{\"data\": [traces]}}); {}", error.message);
            error
        })?;
        let mut tally = BlockTally::default();
        for (trace_at, trace) in response.data.iter().enumerate() {
            for (span_at, span) in trace.spans.iter().enumerate() {
                let service = trace.processes.get(&span.process_id).map(|p| p.service_name.to_string());
                match convert(span, services.index(service.unwrap_or_default())) {
                    Ok(span) => {
                        tally.rows += 1;
                        assembler.add(span);
                    }
                    Err(message) => tally.bad_row(0, format!("data[{trace_at}].spans[{span_at}]: {message}")),
                }
            }
        }
        if tally.bad_rows > options.max_bad_rows {
            let first = &tally.bad_lines[0].message;
            let (place, message) = first.split_once(": ").unwrap_or(("", first));
            return Err(InputError::new(
                &file,
                Location::JsonPath(place.to_string()),
                format!("{message} ({} bad span(s); set `max-bad-rows` in the suite to skip them)", tally.bad_rows),
            ));
        }
        if tally.bad_rows > 0 {
            eprintln!(
                "perfgate: warning: {}: skipped {} bad span(s), within max-bad-rows = {}; first: {}",
                file.display(),
                tally.bad_rows,
                options.max_bad_rows,
                tally.bad_lines[0].message
            );
        }
    }
    let seen = assembler.finish();
    traces::into_benchmarks(path, options, &seen, series, &services)
}

/// One Jaeger span as a [`Span`], or what is wrong with it.
fn convert(span: &JaegerSpan, service: u32) -> Result<Span, String> {
    let trace = parse_hex_id(&span.trace_id, 32).map_err(|e| format!("traceID: {e}"))?;
    let id = parse_hex_id(&span.span_id, 16).map_err(|e| format!("spanID: {e}"))? as u64;
    let parent = span
        .references
        .iter()
        .find(|r| r.ref_type == "CHILD_OF")
        .or_else(|| span.references.first())
        .map(|r| parse_hex_id(&r.span_id, 16).map(|id| id as u64).map_err(|e| format!("references: {e}")))
        .transpose()?;
    if span.start_time < 0 || span.duration < 0 {
        return Err(format!(
            "expected a start and a duration of 0 or more µs, found {} and {}",
            span.start_time, span.duration
        ));
    }
    let start_ns = span.start_time as u64 * 1_000;
    let end_ns = start_ns + span.duration as u64 * 1_000;
    let tag = |key: &str| {
        span.tags.iter().find(|tag| tag.key == key).and_then(|tag| match &tag.value {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(number) => Some(number.to_string()),
            serde_json::Value::Bool(value) => Some(value.to_string()),
            _ => None,
        })
    };
    let kind = tag("span.kind").map_or(Kind::Unspecified, |kind| Kind::from_name(&kind));
    let error = tag("error").is_some_and(|e| e == "true") || tag("otel.status_code").is_some_and(|c| c == "ERROR");
    let Meaning { http_status, db, request } = Meaning::of(kind, &span.operation_name, tag);
    Ok(Span {
        trace,
        id,
        parent,
        parent_remote: false,
        kind,
        start_ns,
        end_ns,
        service,
        error,
        http_status,
        db,
        request,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::traces::series::{DB_CALLS_METRIC, DURATION_METRIC};

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jaeger-json").join(name)
    }

    fn count(benchmarks: &[Benchmark], metric: &str, route: &str) -> (usize, f64) {
        let found: Vec<&Benchmark> = benchmarks
            .iter()
            .filter(|b| b.metric == metric && b.tags.get("route").is_some_and(|r| r == route))
            .collect();
        let n = found.iter().map(|b| b.samples.len()).sum();
        let sum = found.iter().flat_map(|b| &b.samples).sum();
        (n, sum)
    }

    /// The same requests the fixtures' README counts: 543 GET /orders of 3 queries each, one 503.
    #[test]
    fn jaegers_traces_give_the_same_requests_as_otlps() {
        let benchmarks = load(&fixture("base.json.gz"), &InputOptions::default()).unwrap();
        assert_eq!(count(&benchmarks, DURATION_METRIC, "/orders").0, 543 + 167, "GET and POST /orders");
        let orders = benchmarks.iter().find(|b| b.id == "db_calls{method=GET,route=/orders,service=shop-api}").unwrap();
        assert!(orders.deterministic && orders.samples.len() == 543 && orders.samples[0] == 3.0, "{orders:?}");
        assert_eq!(count(&benchmarks, "errors", "/orders"), (543 + 167, 1.0), "the one 503, from `error = true`");
        let extra = load(&fixture("orders-extra-query.json.gz"), &InputOptions::default()).unwrap();
        let orders = extra.iter().find(|b| b.id == "db_calls{method=GET,route=/orders,service=shop-api}").unwrap();
        assert!(orders.samples.iter().all(|c| *c == 4.0));
        assert_eq!(count(&extra, DB_CALLS_METRIC, "/search").1, 394.0, "one query per search");
    }
}
