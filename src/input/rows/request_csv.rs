//! Fast streaming ingest of per-request CSV logs (latency CSV, JMeter JTL):
//! one pass, bounded memory, gzip read transparently, both cores used.
//!
//! The file is parsed in blocks on several lanes (see [`super::blocks`]);
//! each lane groups its rows by (route, method, status) into its own
//! [`RequestLane`], and the lanes are combined at the end — raw samples in
//! file order for small series, one histogram for large ones, never
//! depending on thread timing. A block without quotes is split in one
//! vectorized scan for delimiters and line ends ([`super::scan`]); rows with quotes go
//! through the `csv` crate, and quoted fields may span lines (JMeter writes
//! assertion messages that way). Rows that do not parse are counted; the
//! first few line numbers are kept for the report, and
//! [`RequestSchema::bad_row_limit`] decides whether they fail the input.

use std::io::{BufRead, Read};
use std::path::Path;

use super::blocks::{self, BlockTally, RecordEnds};
use super::request_lane::{self, RequestLane};
use crate::config::fields::{ErrorStatuses, TimestampUnit, MAX_COUNTERS, MAX_TAGS};
use crate::input::{InputError, Location};
use crate::model::Benchmark;

/// Where the request fields are, by column index.
#[derive(Debug, Clone)]
pub struct RequestSchema {
    pub delimiter: u8,
    pub columns: usize,
    pub route: (usize, String),
    /// Rows with an empty route get no `route` tag instead of failing
    /// (vegeta's attack name is empty unless the attack was given `-name`).
    pub route_optional: bool,
    pub latency: (usize, String),
    pub method: Option<usize>,
    pub status: Option<usize>,
    pub failure: FailureRule,
    /// The timestamp column, for the log's window (throughput).
    pub timestamp: Option<TimestampColumn>,
    /// Numeric columns recorded per request as metrics of their own (per route and method).
    pub counters: Vec<(usize, String)>,
    /// More columns that tag every series (`fields.tags`), so KPIs can select and split by them.
    pub tags: Vec<(usize, String)>,
    /// Nanoseconds per unit of the latency column.
    pub nanos_per_unit: f64,
    /// Bad rows tolerated (skipped and reported) before the input fails.
    pub bad_row_limit: u64,
}

/// Where the requests' timestamps are.
#[derive(Debug, Clone, PartialEq)]
pub struct TimestampColumn {
    pub index: usize,
    pub name: String,
    pub unit: TimestampUnit,
    /// Named by the suite: a timestamp that does not parse makes the row bad.
    /// Otherwise (a column found by its usual name) such timestamps are ignored.
    pub required: bool,
}

/// How a row says whether its request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FailureRule {
    /// The log cannot tell: no `errors` series.
    Unknown,
    /// The status column, judged by the suite's `error-status` (default: outside 200–399).
    Status(usize, ErrorStatuses),
    /// A `true`/`false` success column (JMeter).
    SuccessColumn(usize, String),
}

/// The header row of a CSV stream, and the rest of the stream.
pub struct CsvStream {
    /// The header's names; for a headerless file, the first row's fields (which stay data).
    pub header: Vec<String>,
    /// Lines before the first data row: 1 with a header row, 0 without.
    header_lines: u64,
    reader: Box<dyn BufRead + Send>,
}

impl CsvStream {
    /// The rest of the stream, after the header.
    pub fn into_reader(self) -> Box<dyn BufRead + Send> {
        self.reader
    }
}

/// Opens `path` (gzip or plain) and reads its header row. An empty file is an error.
pub fn open(path: &Path, delimiter: u8) -> Result<CsvStream, InputError> {
    read_first_row(path, delimiter, "a CSV header row").map(|(stream, _)| stream)
}

/// Opens `path` (gzip or plain) whose rows have no header (vegeta's CSV): the
/// first row's fields are read ahead, so the caller can tell the layout, and
/// stay in the stream as data. An empty file is an error.
pub fn open_headerless(path: &Path, delimiter: u8) -> Result<CsvStream, InputError> {
    let (stream, line) = read_first_row(path, delimiter, "CSV rows")?;
    let reader = Box::new(std::io::Cursor::new(line).chain(stream.reader));
    Ok(CsvStream { header_lines: 0, reader, ..stream })
}

/// The stream after the first line, whose fields (trimmed, without a byte-order mark) are
/// the header, and that line; `expected` says what an empty file lacks.
fn read_first_row(path: &Path, delimiter: u8, expected: &str) -> Result<(CsvStream, Vec<u8>), InputError> {
    let mut reader = super::ndjson::open_maybe_gzipped(path).map_err(|e| InputError::io(path, &e))?;
    let mut first = Vec::new();
    reader.read_until(b'\n', &mut first).map_err(|e| InputError::io(path, &e))?;
    let text = std::str::from_utf8(&first)
        .map_err(|_| InputError::new(path, Location::Line(1), "expected UTF-8 text"))?
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n']);
    let header: Vec<String> = match split_quoted(text.as_bytes(), delimiter) {
        Some(fields) => fields.into_iter().map(|f| f.trim().to_string()).collect(),
        None => return Err(InputError::new(path, Location::Line(1), format!("invalid CSV: expected {expected}"))),
    };
    if header.iter().all(String::is_empty) {
        return Err(InputError::new(path, Location::Line(1), format!("the file is empty: expected {expected}")));
    }
    Ok((CsvStream { header, header_lines: 1, reader }, first))
}

/// One lane's requests, parsed from CSV blocks.
#[derive(Default)]
struct Lane {
    requests: RequestLane,
}

/// Streams the rows after the header into `latency` and `errors` series.
pub fn ingest(path: &Path, stream: CsvStream, schema: &RequestSchema) -> Result<Vec<Benchmark>, InputError> {
    let CsvStream { mut reader, header_lines, .. } = stream;
    let mut lanes: Vec<Lane> = (0..blocks::lane_count()).map(|_| Lane::default()).collect();
    let parse = |lane: &mut Lane, number, block: &[u8]| lane.parse_block(number, block, schema);
    let mut tally = blocks::parse_in_lanes(&mut reader, RecordEnds::OutsideQuotes, &mut lanes, parse)
        .map_err(|e| InputError::io(path, &e))?;
    tally.check_bad_rows(path, schema.bad_row_limit, header_lines)?;
    tally.lines += header_lines;
    if tally.rows == 0 {
        let after = if header_lines > 0 { " after the header" } else { "" };
        let message = format!("expected at least one data row{after}");
        return Err(InputError::new(path, Location::Line(header_lines + 1), message));
    }
    let tag_names: Vec<&str> = schema.tags.iter().map(|(_, name)| name.as_str()).collect();
    let counter_names: Vec<&str> = schema.counters.iter().map(|(_, name)| name.as_str()).collect();
    let lanes = lanes.into_iter().map(|lane| lane.requests).collect();
    Ok(request_lane::into_benchmarks(lanes, &tag_names, &counter_names))
}

impl Lane {
    fn parse_block(&mut self, number: u32, block: &[u8], schema: &RequestSchema) -> BlockTally {
        let tally = if memchr::memchr(b'"', block).is_none() {
            self.parse_plain_block(block, schema)
        } else {
            self.parse_quoted_block(block, schema)
        };
        self.requests.finish_block(number);
        tally
    }

    /// A block without quotes: one scan for delimiters and line ends.
    fn parse_plain_block(&mut self, block: &[u8], schema: &RequestSchema) -> BlockTally {
        let mut tally = BlockTally::default();
        let mut fields: Vec<&[u8]> = Vec::with_capacity(schema.columns + 1);
        let mut field_start = 0;
        let mut row_start = 0;
        super::scan::for_each_of_two(block, schema.delimiter, b'\n', |at| {
            fields.push(&block[field_start..at]);
            field_start = at + 1;
            if block[at] == b'\n' {
                tally.lines += 1;
                self.take_row(&block[row_start..at], &mut fields, &mut tally, schema);
                fields.clear();
                row_start = at + 1;
            }
        });
        if row_start < block.len() {
            fields.push(&block[field_start..]);
            tally.lines += 1;
            self.take_row(&block[row_start..], &mut fields, &mut tally, schema);
        }
        tally
    }

    /// One row split into fields (the last one may end in `\r`); blank rows are skipped.
    fn take_row(&mut self, row: &[u8], fields: &mut [&[u8]], tally: &mut BlockTally, schema: &RequestSchema) {
        if row.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if let Some(last) = fields.last_mut() {
            *last = last.strip_suffix(b"\r").unwrap_or(last);
        }
        tally.row(tally.lines, self.record_fields(fields, schema, tally.lines as u32));
    }

    /// A block with quotes: record by record, quoted rows through the `csv` crate.
    fn parse_quoted_block(&mut self, block: &[u8], schema: &RequestSchema) -> BlockTally {
        let mut tally = BlockTally::default();
        let mut fields: Vec<&[u8]> = Vec::with_capacity(schema.columns + 1);
        let mut start = 0;
        while start < block.len() {
            let (end, spanned) = blocks::record_end(block, start);
            tally.lines += 1;
            let row = &block[start..end];
            start = end + 1;
            if !row.iter().all(u8::is_ascii_whitespace) {
                tally.row(tally.lines, self.parse_row(row, schema, &mut fields, tally.lines as u32));
            }
            tally.lines += spanned - 1;
        }
        tally
    }

    fn parse_row<'a>(
        &mut self,
        row: &'a [u8],
        schema: &RequestSchema,
        fields: &mut Vec<&'a [u8]>,
        line: u32,
    ) -> Result<(), String> {
        let row = row.strip_suffix(b"\r").unwrap_or(row);
        fields.clear();
        if memchr::memchr(b'"', row).is_some() {
            let owned = split_quoted(row, schema.delimiter).ok_or("invalid CSV quoting")?;
            let quoted: Vec<&[u8]> = owned.iter().map(|f| f.as_bytes()).collect();
            return self.record_fields(&quoted, schema, line);
        }
        fields.extend(row.split(|b| *b == schema.delimiter));
        self.record_fields(fields, schema, line)
    }

    /// Adds one row, split into fields, to its series; `line` is its line in the block.
    fn record_fields(&mut self, fields: &[&[u8]], schema: &RequestSchema, line: u32) -> Result<(), String> {
        if fields.len() != schema.columns {
            return Err(format!("expected {} fields like the header, found {}", schema.columns, fields.len()));
        }
        let field = |index: usize| fields[index].trim_ascii();
        let route = field(schema.route.0);
        if route.is_empty() && !schema.route_optional {
            return Err(format!("column {:?}: expected a value, found an empty field", schema.route.1));
        }
        let latency = super::parse_duration_field_ns(field(schema.latency.0), schema.nanos_per_unit)
            .map_err(|message| format!("column {:?}: {message}", schema.latency.1))?;
        let method = schema.method.map(field).filter(|m| !m.is_empty());
        let status = schema.status.map(field);
        let failed = match &schema.failure {
            FailureRule::Unknown => None,
            FailureRule::Status(column, statuses) => Some(statuses.is_error(Some(field(*column)))),
            FailureRule::SuccessColumn(column, name) => Some(match field(*column) {
                b"true" | b"TRUE" | b"True" => false,
                b"false" | b"FALSE" | b"False" => true,
                other => {
                    return Err(format!(
                        "column {name:?}: expected true or false, found {:?}",
                        String::from_utf8_lossy(other)
                    ))
                }
            }),
        };
        let mut counted = [None; MAX_COUNTERS];
        if !schema.counters.is_empty() {
            for ((column, name), value) in schema.counters.iter().zip(&mut counted) {
                *value = parse_counter(field(*column)).map_err(|message| format!("column {name:?}: {message}"))?;
            }
        }
        let route = Some(route).filter(|r| !r.is_empty());
        let status = status.filter(|s| !s.is_empty());
        let mut parts: [Option<&[u8]>; 3 + MAX_TAGS] = [None; 3 + MAX_TAGS];
        parts[..3].copy_from_slice(&[route, method, status]);
        for (part, (column, _)) in parts[3..].iter_mut().zip(&schema.tags) {
            *part = Some(field(*column)).filter(|value| !value.is_empty());
        }
        let slot = self.requests.slot(&parts[..3 + schema.tags.len()], schema.counters.len())?;
        // Last, so a bad row never moves the window (a series it created stays empty and is dropped).
        if let Some(column) = &schema.timestamp {
            if let Err(message) = self.requests.window.observe(field(column.index), column.unit) {
                if column.required {
                    return Err(format!("column {:?}: {message}", column.name));
                }
            }
        }
        self.requests.record(slot, line, latency, &counted[..schema.counters.len().min(MAX_COUNTERS)], failed.into());
        Ok(())
    }
}

/// A row with quotes, split by the `csv` crate; `None` when it is not valid CSV.
fn split_quoted(row: &[u8], delimiter: u8) -> Option<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(row);
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => Some(record.iter().map(str::to_string).collect()),
        Ok(false) => Some(vec![String::new()]),
        Err(_) => None,
    }
}

/// A per-request counter: a finite, non-negative number, or nothing when the field is empty.
fn parse_counter(text: &[u8]) -> Result<Option<f64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match super::parse_number(text) {
        Some(value) if value.is_finite() && value >= 0.0 => Ok(Some(value)),
        _ => Err(format!("expected a non-negative number (or nothing), found {:?}", String::from_utf8_lossy(text))),
    }
}

#[cfg(test)]
#[path = "request_csv_tests.rs"]
mod tests;
