//! OpenTelemetry traces in the OTLP JSON encoding, as the Collector's `file`
//! exporter writes them: one `ExportTraceServiceRequest`
//! (`resourceSpans` → `scopeSpans` → `spans`) a line, or a single JSON
//! document; gzip-compressed or not; a file or a folder of files (read in
//! name order, as rotated files are named). Ids are hex strings, enums
//! integers (or their names), times and `intValue`s strings or numbers.
//!
//! Spans stream into [`traces::assemble`], which turns them into requests
//! (see [`traces`]); memory holds the traces still open. A span with a
//! malformed id or an end before its start is skipped and counted like a bad
//! row, with its line and place, against the suite's `max-bad-rows`; a line
//! that is not JSON (a truncated last line) is one too. An input without a
//! single request is an error that says what kinds of spans it has.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

use serde::Deserialize;

use crate::input::rows::blocks::{BlockTally, Tally};
use crate::input::rows::ndjson::open_maybe_gzipped;
use crate::input::traces::assemble::{Assembler, Request};
use crate::input::traces::series::RequestSeries;
use crate::input::traces::{self, parse_hex_id, Kind, Meaning, Services, Span};
use crate::input::{InputError, InputOptions};
use crate::model::Benchmark;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export<'a> {
    #[serde(default, borrow)]
    resource_spans: Vec<ResourceSpans<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a> {
    #[serde(default, borrow)]
    resource: Option<Resource<'a>>,
    #[serde(default, borrow, alias = "instrumentationLibrarySpans")]
    scope_spans: Vec<ScopeSpans<'a>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(default, borrow)]
    attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize)]
struct ScopeSpans<'a> {
    #[serde(default, borrow)]
    spans: Vec<OtlpSpan<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpSpan<'a> {
    #[serde(default, borrow)]
    trace_id: Cow<'a, str>,
    #[serde(default, borrow)]
    span_id: Cow<'a, str>,
    #[serde(default, borrow)]
    parent_span_id: Cow<'a, str>,
    #[serde(default, borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    kind: Option<NumberOrText<'a>>,
    #[serde(default, borrow)]
    start_time_unix_nano: Option<NumberOrText<'a>>,
    #[serde(default, borrow)]
    end_time_unix_nano: Option<NumberOrText<'a>>,
    #[serde(default, borrow)]
    attributes: Vec<KeyValue<'a>>,
    #[serde(default, borrow)]
    status: Option<Status<'a>>,
    #[serde(default)]
    flags: Option<u32>,
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(default, borrow)]
    code: Option<NumberOrText<'a>>,
}

#[derive(Deserialize)]
struct KeyValue<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(default, borrow)]
    value: AnyValue<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AnyValue<'a> {
    #[serde(default, borrow)]
    string_value: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    int_value: Option<NumberOrText<'a>>,
    #[serde(default)]
    double_value: Option<f64>,
    #[serde(default)]
    bool_value: Option<bool>,
    // `arrayValue`, `kvlistValue` and `bytesValue` tag nothing perfgate reads: skipped.
}

/// A number written as a JSON number or a string (int64 values, times, enums by name).
#[derive(Clone)]
enum NumberOrText<'a> {
    Integer(u64),
    Signed(i64),
    Float(f64),
    Text(Cow<'a, str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for NumberOrText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = NumberOrText<'de>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a number, or a number or name in a string")
            }
            fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
                Ok(NumberOrText::Integer(value))
            }
            fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
                Ok(NumberOrText::Signed(value))
            }
            fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
                Ok(NumberOrText::Float(value))
            }
            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(NumberOrText::Text(Cow::Borrowed(value)))
            }
            fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
                Ok(NumberOrText::Text(Cow::Owned(value.to_string())))
            }
        }
        deserializer.deserialize_any(Either)
    }
}

impl NumberOrText<'_> {
    fn integer(&self) -> Option<i128> {
        match self {
            NumberOrText::Integer(value) => Some(i128::from(*value)),
            NumberOrText::Signed(value) => Some(i128::from(*value)),
            NumberOrText::Float(value) if value.fract() == 0.0 => Some(*value as i128),
            NumberOrText::Float(_) => None,
            NumberOrText::Text(text) => text.trim().parse().ok(),
        }
    }

    fn text(&self) -> String {
        match self {
            NumberOrText::Integer(value) => value.to_string(),
            NumberOrText::Signed(value) => value.to_string(),
            NumberOrText::Float(value) => value.to_string(),
            NumberOrText::Text(text) => text.to_string(),
        }
    }
}

impl AnyValue<'_> {
    /// The value as text (numbers as written), for tags.
    fn text(&self) -> Option<String> {
        if let Some(text) = &self.string_value {
            return Some(text.to_string());
        }
        if let Some(int) = &self.int_value {
            return Some(int.text());
        }
        self.double_value.map(|v| v.to_string()).or_else(|| self.bool_value.map(|v| v.to_string()))
    }
}

/// OTLP's span flags: bit 8 says whether bit 9 (the parent is remote) is known.
const FLAG_HAS_IS_REMOTE: u32 = 0x100;
const FLAG_IS_REMOTE: u32 = 0x200;
/// `STATUS_CODE_ERROR`.
const STATUS_ERROR: i128 = 2;

/// Reads an OTLP JSON file or a folder of them.
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let mut reader = TraceReader::default();
    let files = input_files(path)?;
    let mut series = RequestSeries::default();
    let mut assembler = Assembler::new(|request: Request| series.add(request));
    for file in &files {
        reader.read_file(file, options, &mut assembler)?;
    }
    let seen = assembler.finish();
    traces::into_benchmarks(path, options, &seen, series, &reader.services)
}

/// The files of an input: itself, or the files of a folder in name order.
pub fn input_files(path: &Path) -> Result<Vec<PathBuf>, InputError> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| InputError::io(path, &e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|file| file.is_file() && !file.file_name().is_some_and(|name| name.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(InputError::whole(path, "the folder holds no files: expected OTLP JSON trace files"));
    }
    Ok(files)
}

/// What the reader keeps across files: the services by name.
#[derive(Default)]
struct TraceReader {
    services: Services,
}

impl TraceReader {
    /// One file: a single document read whole, or one export a line, parsed on several threads
    /// in batches while this one assembles their spans in file order.
    fn read_file<F: FnMut(Request)>(
        &mut self,
        path: &Path,
        options: &InputOptions,
        assembler: &mut Assembler<F>,
    ) -> Result<(), InputError> {
        let mut input = open_maybe_gzipped(path).map_err(|e| InputError::io(path, &e))?;
        let io = |e: std::io::Error| InputError::io(path, &e);
        let mut tally = BlockTally::default();
        // The first non-blank line tells a document over several lines from one export a line.
        let mut first = Vec::new();
        let mut number = 0u64;
        while trim_line(&first).is_empty() {
            first.clear();
            if input.read_until(b'\n', &mut first).map_err(io)? == 0 {
                break;
            }
            number += 1;
        }
        if serde_json::from_slice::<Export>(trim_line(&first)).is_err_and(|e| e.is_eof()) {
            input.read_to_end(&mut first).map_err(io)?;
            let document = serde_json::from_slice::<Export>(trim_line(&first)).map_err(|e| {
                let mut error = InputError::json(path, &e);
                error.message = format!("expected one OTLP JSON document or one per line; {}", error.message);
                error
            })?;
            let mut parsed = Parsed::default();
            parsed.take(&document, number);
            self.absorb(parsed, &mut tally, assembler);
        } else {
            number = self.read_lines(input, (number, first), &mut tally, assembler).map_err(io)?;
        }
        let tally = Tally { lines: number, rows: tally.rows, bad_rows: tally.bad_rows, bad_lines: tally.bad_lines };
        tally.check_bad_rows(path, options.max_bad_rows, 0)
    }

    /// The lines from `first` on, in batches parsed by a thread per core; returns the lines read.
    fn read_lines<F: FnMut(Request)>(
        &mut self,
        mut input: Box<dyn BufRead + Send>,
        first: (u64, Vec<u8>),
        tally: &mut BlockTally,
        assembler: &mut Assembler<F>,
    ) -> std::io::Result<u64> {
        let workers = crate::input::rows::blocks::lane_count();
        let (batches, to_parse) = mpsc::sync_channel::<(usize, Batch)>(workers * 2);
        let to_parse = Mutex::new(to_parse);
        let (results, parsed) = mpsc::sync_channel::<(usize, Parsed)>(workers * 2);
        let senders: Vec<_> = (0..workers).map(|_| results.clone()).collect();
        drop(results);
        std::thread::scope(|scope| {
            for results in senders {
                let to_parse = &to_parse;
                scope.spawn(move || loop {
                    let job = to_parse.lock().map(|receiver| receiver.recv());
                    let Ok(Ok((index, batch))) = job else { break };
                    if results.send((index, parse_batch(&batch))).is_err() {
                        break;
                    }
                });
            }
            let reader = scope.spawn(move || -> std::io::Result<u64> {
                let (mut number, first) = first;
                let mut batch: Batch = vec![(number, first)];
                let mut bytes = 0;
                let mut index = 0;
                loop {
                    let mut line = Vec::new();
                    let read = input.read_until(b'\n', &mut line)?;
                    if read > 0 {
                        number += 1;
                        bytes += read;
                        batch.push((number, line));
                    }
                    if (read == 0 || bytes >= BATCH_BYTES) && !batch.is_empty() {
                        if batches.send((index, std::mem::take(&mut batch))).is_err() {
                            break;
                        }
                        (index, bytes) = (index + 1, 0);
                    }
                    if read == 0 {
                        break;
                    }
                }
                Ok(number)
            });
            let mut waiting = BTreeMap::new();
            let mut next = 0;
            for (index, batch) in parsed {
                waiting.insert(index, batch);
                while let Some(batch) = waiting.remove(&next) {
                    self.absorb(batch, tally, assembler);
                    next += 1;
                }
            }
            reader.join().unwrap_or_else(|_| Err(std::io::Error::other("the reading thread failed")))
        })
    }

    /// A parsed batch into the assembler, its services named in this reader's list.
    fn absorb<F: FnMut(Request)>(&mut self, parsed: Parsed, tally: &mut BlockTally, assembler: &mut Assembler<F>) {
        let services: Vec<u32> =
            parsed.services.into_names().into_iter().map(|name| self.services.index(name)).collect();
        for mut span in parsed.spans {
            span.service = services[span.service as usize];
            assembler.add(span);
        }
        tally.rows += parsed.tally.rows;
        let kept = parsed.tally.bad_lines.len() as u64;
        for bad in parsed.tally.bad_lines {
            tally.bad_row_at(bad.line, bad.column, bad.message);
        }
        tally.bad_rows += parsed.tally.bad_rows - kept;
    }
}

/// Lines of one batch, with their numbers in the file.
type Batch = Vec<(u64, Vec<u8>)>;

/// Lines are parsed in batches of about this many bytes.
const BATCH_BYTES: usize = 4 << 20;

/// What a batch held: its spans (their `service` an index into `services`) and its bad lines.
#[derive(Default)]
struct Parsed {
    spans: Vec<Span>,
    services: Services,
    tally: BlockTally,
}

fn parse_batch(batch: &Batch) -> Parsed {
    let mut parsed = Parsed::default();
    for (number, line) in batch {
        let text = trim_line(line);
        if text.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Export>(text) {
            Ok(export) => parsed.take(&export, *number),
            Err(error) => {
                let what = if error.is_eof() {
                    "expected a complete ExportTraceServiceRequest on this line (is it truncated?)"
                } else {
                    "expected one ExportTraceServiceRequest (OTLP JSON) a line"
                };
                parsed.tally.bad_row_at(*number, Some(error.column() as u64), format!("{what}: {error}"));
            }
        }
    }
    parsed
}

impl Parsed {
    fn take(&mut self, export: &Export, line: u64) {
        let mut place = 0;
        for resource_spans in &export.resource_spans {
            let name = resource_spans
                .resource
                .as_ref()
                .and_then(|resource| resource.attributes.iter().find(|kv| kv.key == "service.name"))
                .and_then(|kv| kv.value.text())
                .unwrap_or_default();
            let service = self.services.index(name);
            for span in resource_spans.scope_spans.iter().flat_map(|scope| &scope.spans) {
                place += 1;
                match convert(span, service) {
                    Ok(span) => {
                        self.tally.rows += 1;
                        self.spans.push(span);
                    }
                    Err(message) => self.tally.bad_row(line, format!("span {place} of the line: {message}")),
                }
            }
        }
    }
}

fn trim_line(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
    let start = line.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(line.len());
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |end| end + 1);
    &line[start..end.max(start)]
}

/// One OTLP span as a [`Span`], or what is wrong with it.
fn convert(span: &OtlpSpan, service: u32) -> Result<Span, String> {
    let trace = parse_hex_id(&span.trace_id, 32).map_err(|e| format!("traceId: {e}"))?;
    let id = parse_hex_id(&span.span_id, 16).map_err(|e| format!("spanId: {e}"))? as u64;
    let parent = match span.parent_span_id.as_ref() {
        "" => None,
        parent => Some(parent_id(parent)?),
    };
    let time = |value: &Option<NumberOrText>, name: &str| -> Result<u64, String> {
        let value = value.as_ref().ok_or_else(|| format!("no {name}"))?;
        value.integer().and_then(|ns| u64::try_from(ns).ok()).ok_or_else(|| format!("{name}: expected nanoseconds"))
    };
    let start_ns = time(&span.start_time_unix_nano, "startTimeUnixNano")?;
    let end_ns = time(&span.end_time_unix_nano, "endTimeUnixNano")?;
    if end_ns < start_ns {
        return Err(format!("it ends ({end_ns}) before it starts ({start_ns})"));
    }
    let kind = match &span.kind {
        Some(NumberOrText::Text(name)) => Kind::from_name(name),
        Some(number) => Kind::from_otlp(number.integer().unwrap_or(0) as i64),
        None => Kind::Unspecified,
    };
    let attribute = |key: &str| span.attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.text());
    let error = span.status.as_ref().and_then(|status| status.code.as_ref()).is_some_and(|code| match code {
        NumberOrText::Text(name) => name.ends_with("ERROR"),
        number => number.integer() == Some(STATUS_ERROR),
    });
    let Meaning { http_status, db, request } = Meaning::of(kind, &span.name, attribute);
    let flags = span.flags.unwrap_or(0);
    Ok(Span {
        trace,
        id,
        parent,
        parent_remote: flags & FLAG_HAS_IS_REMOTE != 0 && flags & FLAG_IS_REMOTE != 0,
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

fn parent_id(text: &str) -> Result<u64, String> {
    parse_hex_id(text, 16).map(|id| id as u64).map_err(|e| format!("parentSpanId: {e}"))
}

#[cfg(test)]
#[path = "otlp_json_tests.rs"]
mod tests;
