//! Fast streaming ingest of per-request CSV logs (latency CSV, JMeter JTL):
//! one pass, bounded memory, gzip read transparently, both cores used.
//!
//! The file is parsed in blocks on several lanes (see [`super::blocks`]);
//! each lane groups its rows by (route, method, status) into its own
//! [`LaneRecorder`]s and failure counts, and the lanes are combined at the
//! end — raw samples in file order for small series, one histogram for large
//! ones, never depending on thread timing. A block without quotes is split in
//! one vectorized scan for delimiters and line ends ([`super::scan`]); rows with quotes go
//! through the `csv` crate, and quoted fields may span lines (JMeter writes
//! assertion messages that way). Rows that do not parse are counted; the
//! first few line numbers are kept for the report, and
//! [`RequestSchema::bad_row_limit`] decides whether they fail the input.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::Path;

use super::blocks::{self, BlockTally, RecordEnds};
use super::derived::{ErrorStatuses, TimestampUnit, Window, WindowTracker};
use super::key_index::KeyIndex;
use super::recorder::{combine, LaneRecorder, Recorder};
use super::{tagged_series, Tags, ERRORS_METRIC, LATENCY_METRIC};
use crate::input::{InputError, Location};
use crate::model::{Benchmark, Unit};

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

/// The series one lane has seen, keyed by the raw (route, method, status) bytes.
#[derive(Default)]
struct Lane {
    index: KeyIndex,
    series: Vec<LaneSeries>,
    key: Vec<u8>,
    /// Series with pending values in the current block.
    touched: Vec<usize>,
    window: WindowTracker,
}

struct LaneSeries {
    /// Values of route, method, status, then the schema's extra tags (`None`: absent).
    tags: Vec<Option<String>>,
    latencies: Values,
    /// One per counter column.
    counters: Vec<Values>,
    failures: FailureCount,
}

/// One metric of a series in a lane.
#[derive(Default)]
struct Values {
    recorder: LaneRecorder,
    /// The current block's values, recorded together at the block's end: one
    /// histogram at a time stays in cache.
    pending: Vec<f64>,
    /// Their lines in the block, while the recorder keeps raw (stamped) values.
    pending_lines: Vec<u32>,
}

impl Values {
    #[inline]
    fn push(&mut self, line: u32, value: f64) {
        if self.recorder.is_raw() {
            self.pending_lines.push(line);
        }
        self.pending.push(value);
    }

    /// Records the pending values of block `number`.
    fn flush(&mut self, number: u32) {
        let block = u64::from(number) << 32;
        if self.pending_lines.len() == self.pending.len() {
            for (line, value) in self.pending_lines.iter().zip(&self.pending) {
                self.recorder.record(block | u64::from(*line), *value);
            }
        } else {
            // Binned: the stamps are not kept.
            self.pending.iter().for_each(|value| self.recorder.record(block, *value));
        }
        self.pending.clear();
        self.pending_lines.clear();
    }
}

/// Requests and failed requests of a group: 0/1 flags need no histogram.
#[derive(Debug, Default, Clone, Copy)]
struct FailureCount {
    requests: u64,
    failed: u64,
}

impl FailureCount {
    fn add(&mut self, other: FailureCount) {
        self.requests += other.requests;
        self.failed += other.failed;
    }
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
    Ok(into_benchmarks(lanes, schema))
}

/// `latency` per (route, method, status); `errors` and counters per (route,
/// method); all from every lane, sorted by id, with the log's window.
fn into_benchmarks(lanes: Vec<Lane>, schema: &RequestSchema) -> Vec<Benchmark> {
    let mut index = KeyIndex::default();
    let mut merged: Vec<(Tags, Vec<Vec<LaneRecorder>>, FailureCount)> = Vec::new();
    let mut window = Window::default();
    for lane in lanes {
        window.merge(lane.window.window());
        for (lane_slot, series) in lane.series.into_iter().enumerate() {
            let key = lane.index.key(lane_slot);
            let slot = index.get(key).unwrap_or_else(|| {
                index.insert(key);
                let names =
                    ["route", "method", "status"].into_iter().chain(schema.tags.iter().map(|(_, n)| n.as_str()));
                let tags: Tags =
                    names.zip(series.tags).filter_map(|(name, value)| Some((name.to_string(), value?))).collect();
                merged.push((tags, vec![Vec::new(); 1 + series.counters.len()], FailureCount::default()));
                merged.len() - 1
            });
            let (_, parts, failures) = &mut merged[slot];
            let values = std::iter::once(series.latencies).chain(series.counters);
            parts.iter_mut().zip(values).for_each(|(parts, values)| parts.push(values.recorder));
            failures.add(series.failures);
        }
    }
    let mut errors: BTreeMap<Tags, FailureCount> = BTreeMap::new();
    let mut counters: BTreeMap<(usize, Tags), Vec<LaneRecorder>> = BTreeMap::new();
    let mut benchmarks = Vec::new();
    for (tags, parts, failures) in merged {
        let mut request_tags = tags.clone();
        request_tags.remove("status");
        let mut parts = parts.into_iter();
        let latencies = parts.next().unwrap_or_default();
        if latencies.iter().all(|part| part.count() == 0) {
            continue; // created by a row that turned out bad
        }
        for (counter, counter_parts) in parts.enumerate() {
            counters.entry((counter, request_tags.clone())).or_default().extend(counter_parts);
        }
        if failures.requests > 0 {
            errors.entry(request_tags).or_default().add(failures);
        }
        benchmarks.push(tagged_series(combine(latencies), LATENCY_METRIC, Unit::Ns, tags));
    }
    benchmarks.extend(errors.into_iter().map(|(tags, counts)| {
        tagged_series(Recorder::flags(counts.requests, counts.failed), ERRORS_METRIC, Unit::Ratio, tags)
    }));
    benchmarks.extend(
        counters.into_iter().filter(|(_, parts)| parts.iter().any(|p| p.count() > 0)).map(
            |((counter, tags), parts)| tagged_series(combine(parts), &schema.counters[counter].1, Unit::Count, tags),
        ),
    );
    let window_seconds = window.seconds();
    benchmarks.iter_mut().for_each(|bench| bench.window_seconds = window_seconds);
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    benchmarks
}

impl Lane {
    fn parse_block(&mut self, number: u32, block: &[u8], schema: &RequestSchema) -> BlockTally {
        let tally = if memchr::memchr(b'"', block).is_none() {
            self.parse_plain_block(block, schema)
        } else {
            self.parse_quoted_block(block, schema)
        };
        for slot in self.touched.drain(..) {
            let series = &mut self.series[slot];
            series.latencies.flush(number);
            series.counters.iter_mut().for_each(|values| values.flush(number));
        }
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
        match self.record_fields(fields, schema, tally.lines as u32) {
            Ok(()) => tally.rows += 1,
            Err(message) => tally.bad_row(tally.lines, message),
        }
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
                match self.parse_row(row, schema, &mut fields, tally.lines as u32) {
                    Ok(()) => tally.rows += 1,
                    Err(message) => tally.bad_row(tally.lines, message),
                }
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
        let status = status.filter(|s| !s.is_empty());
        let mut parts: [Option<&[u8]>; 3 + MAX_TAGS] = [None; 3 + MAX_TAGS];
        parts[..3].copy_from_slice(&[Some(route).filter(|r| !r.is_empty()), method, status]);
        for (part, (column, _)) in parts[3..].iter_mut().zip(&schema.tags) {
            *part = Some(field(*column)).filter(|value| !value.is_empty());
        }
        let slot = self.slot(&parts[..3 + schema.tags.len()], schema.counters.len())?;
        // Last, so a bad row never moves the window (a series it created stays empty and is dropped).
        if let Some(column) = &schema.timestamp {
            if let Err(message) = self.window.observe(field(column.index), column.unit) {
                if column.required {
                    return Err(format!("column {:?}: {message}", column.name));
                }
            }
        }
        let series = &mut self.series[slot];
        if series.latencies.pending.is_empty() {
            self.touched.push(slot);
        }
        series.latencies.push(line, latency);
        if !schema.counters.is_empty() {
            for (values, value) in series.counters.iter_mut().zip(counted) {
                if let Some(value) = value {
                    values.push(line, value);
                }
            }
        }
        if let Some(failed) = failed {
            series.failures.requests += 1;
            series.failures.failed += u64::from(failed);
        }
        Ok(())
    }

    /// The series of (route, method, status), created on first sight.
    #[inline]
    fn slot(&mut self, parts: &[Option<&[u8]>], counters: usize) -> Result<usize, String> {
        self.key.clear();
        for part in parts {
            self.key.extend_from_slice(part.unwrap_or(b"\x1e"));
            self.key.push(0x1f);
        }
        // Whole words hash fastest; the key still ends in a separator, so no two keys collide.
        self.key.resize(self.key.len().next_multiple_of(8), 0);
        match self.index.get(&self.key) {
            Some(slot) => Ok(slot),
            None => self.new_slot(parts, counters),
        }
    }

    #[cold]
    fn new_slot(&mut self, parts: &[Option<&[u8]>], counters: usize) -> Result<usize, String> {
        let text = |bytes: &[u8]| {
            std::str::from_utf8(bytes).map(str::to_string).map_err(|_| "expected UTF-8 text".to_string())
        };
        self.series.push(LaneSeries {
            tags: parts.iter().map(|part| part.map(text).transpose()).collect::<Result<_, _>>()?,
            latencies: Values::default(),
            counters: (0..counters).map(|_| Values::default()).collect(),
            failures: FailureCount::default(),
        });
        Ok(self.index.insert(&self.key))
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

/// Counter columns a request log may have (`fields.counters`).
pub const MAX_COUNTERS: usize = 8;
/// Extra tag columns a request log may have (`fields.tags`).
pub const MAX_TAGS: usize = 8;

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
