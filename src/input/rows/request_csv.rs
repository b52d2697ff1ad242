//! Fast streaming ingest of per-request CSV logs (latency CSV, JMeter JTL):
//! one pass, bounded memory, gzip read transparently, both cores used.
//!
//! The file is read in blocks cut at line ends; worker threads split each
//! block into rows (a byte scan for the delimiter; rows with quotes go
//! through the `csv` crate), group the rows by (route, method, status) and
//! send back per-block groups, which one merger folds into the series'
//! [`Recorder`]s in file order — so raw samples keep the file's order and the
//! result never depends on thread timing. Rows that do not parse are counted;
//! the first few line numbers are kept for the report, and
//! [`RequestSchema::bad_row_limit`] decides whether they fail the input.
//! Quoted fields may span lines (JMeter writes assertion messages that way).

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Read};
use std::path::Path;
use std::sync::{mpsc, Mutex};

use super::recorder::Recorder;
use super::{status_is_failure, tagged_series, Tags, ERRORS_METRIC, LATENCY_METRIC};
use crate::input::{InputError, Location};
use crate::model::{Benchmark, Unit};

/// Bytes per block handed to a worker.
const BLOCK_BYTES: usize = 4 << 20;
/// Line numbers of bad rows kept for the report.
const BAD_LINES_SHOWN: usize = 5;

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
    /// Nanoseconds per unit of the latency column.
    pub nanos_per_unit: f64,
    /// Bad rows tolerated (skipped and reported) before the input fails.
    pub bad_row_limit: u64,
}

/// How a row says whether its request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FailureRule {
    /// The log cannot tell: no `errors` series.
    Unknown,
    /// Status not in 200..=399 (or missing) is a failure (k6's convention).
    StatusClass(usize),
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

/// FxHash (rustc's hasher): a multiply-rotate per word; group keys are short
/// and not attacker-chosen in a way that matters for a one-shot read.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyMap = HashMap<Box<[u8]>, usize, std::hash::BuildHasherDefault<KeyHasher>>;

/// The series of one block, keyed by the raw (route, method, status) bytes.
#[derive(Default)]
struct BlockGroups {
    index: KeyMap,
    groups: Vec<Group>,
    lines: u64,
    rows: u64,
    bad_rows: u64,
    bad_lines: Vec<(u64, String)>,
}

struct Group {
    key: Box<[u8]>,
    route: Option<String>,
    method: Option<String>,
    status: Option<String>,
    latencies: Vec<f64>,
    failures: FailureCount,
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

/// Series of the whole input, in order of first appearance.
#[derive(Default)]
struct Totals {
    index: KeyMap,
    series: Vec<(Tags, Recorder, FailureCount)>,
    lines: u64,
    rows: u64,
    bad_rows: u64,
    bad_lines: Vec<(u64, String)>,
}

impl Totals {
    fn absorb(&mut self, block: BlockGroups) {
        for group in block.groups {
            let slot = match self.index.get(&group.key) {
                Some(slot) => *slot,
                None => {
                    let tags: Tags = [("route", group.route), ("method", group.method), ("status", group.status)]
                        .into_iter()
                        .filter_map(|(key, value)| Some((key.to_string(), value?)))
                        .collect();
                    self.series.push((tags, Recorder::default(), FailureCount::default()));
                    self.index.insert(group.key, self.series.len() - 1);
                    self.series.len() - 1
                }
            };
            let (_, latencies, failures) = &mut self.series[slot];
            group.latencies.into_iter().for_each(|v| latencies.record(v));
            failures.add(group.failures);
        }
        for (line, message) in block.bad_lines {
            if self.bad_lines.len() < BAD_LINES_SHOWN {
                self.bad_lines.push((self.lines + line, message));
            }
        }
        self.lines += block.lines;
        self.rows += block.rows;
        self.bad_rows += block.bad_rows;
    }

    /// `latency` per (route, method, status), `errors` per (route, method), sorted by id.
    fn into_benchmarks(self) -> Vec<Benchmark> {
        let mut errors: BTreeMap<Tags, FailureCount> = BTreeMap::new();
        let mut benchmarks = Vec::new();
        for (tags, latencies, failures) in self.series {
            if failures.requests > 0 {
                let mut error_tags = tags.clone();
                error_tags.remove("status");
                errors.entry(error_tags).or_default().add(failures);
            }
            benchmarks.push(tagged_series(latencies, LATENCY_METRIC, Unit::Ns, tags));
        }
        benchmarks.extend(errors.into_iter().map(|(tags, counts)| {
            tagged_series(Recorder::flags(counts.requests, counts.failed), ERRORS_METRIC, Unit::Ratio, tags)
        }));
        benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
        benchmarks
    }
}

/// Streams the rows after the header into `latency` and `errors` series.
pub fn ingest(path: &Path, stream: CsvStream, schema: &RequestSchema) -> Result<Vec<Benchmark>, InputError> {
    let CsvStream { mut reader, header_lines, .. } = stream;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let (block_tx, block_rx) = mpsc::sync_channel::<(u64, Vec<u8>)>(workers);
    let (done_tx, done_rx) = mpsc::sync_channel::<(u64, BlockGroups)>(workers);
    let block_rx = Mutex::new(block_rx);
    let totals = std::thread::scope(|scope| -> Result<Totals, InputError> {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let block_rx = &block_rx;
            scope.spawn(move || loop {
                let next = block_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((number, block))) = next else { break };
                if done_tx.send((number, parse_block(&block, schema))).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let merger = scope.spawn(move || {
            let mut totals = Totals::default();
            let mut waiting: BTreeMap<u64, BlockGroups> = BTreeMap::new();
            let mut next = 0u64;
            for (number, groups) in done_rx {
                waiting.insert(number, groups);
                while let Some(groups) = waiting.remove(&next) {
                    totals.absorb(groups);
                    next += 1;
                }
            }
            totals
        });
        let read_result = read_blocks(&mut reader, |number, block| block_tx.send((number, block)).is_ok());
        drop(block_tx);
        let mut totals = merger.join().map_err(|_| InputError::whole(path, "internal error while reading"))?;
        read_result.map_err(|e| InputError::io(path, &e))?;
        totals.lines += header_lines;
        Ok(totals)
    })?;
    check_bad_rows(path, &totals, schema.bad_row_limit, header_lines)?;
    if totals.rows == 0 {
        let after = if header_lines > 0 { " after the header" } else { "" };
        let message = format!("expected at least one data row{after}");
        return Err(InputError::new(path, Location::Line(header_lines + 1), message));
    }
    Ok(totals.into_benchmarks())
}

/// Bad rows beyond the limit fail the input; tolerated ones are reported on stderr.
fn check_bad_rows(path: &Path, totals: &Totals, limit: u64, header_lines: u64) -> Result<(), InputError> {
    let Some((first_line, first_message)) = totals.bad_lines.first() else { return Ok(()) };
    // Line numbers were counted from the first data row, after the header.
    let lines: Vec<String> = totals.bad_lines.iter().map(|(line, _)| (line + header_lines).to_string()).collect();
    let more = if totals.bad_rows > lines.len() as u64 { ", ..." } else { "" };
    let summary = format!(
        "{} bad row(s) of {} (lines {}{more})",
        totals.bad_rows,
        totals.bad_rows + totals.rows,
        lines.join(", ")
    );
    if totals.bad_rows > limit {
        let message = if totals.bad_rows == 1 {
            first_message.clone()
        } else {
            format!("{first_message}; {summary}; set `max-bad-rows` in the suite to skip up to that many")
        };
        return Err(InputError::new(path, Location::Line(first_line + header_lines), message));
    }
    eprintln!(
        "perfgate: warning: {}: skipped {summary}, within max-bad-rows = {limit}; first: {first_message}",
        path.display()
    );
    Ok(())
}

/// Reads blocks that end at a line end and hands them to `send` with their number.
fn read_blocks(reader: &mut dyn Read, mut send: impl FnMut(u64, Vec<u8>) -> bool) -> std::io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut number = 0u64;
    loop {
        let mut block = std::mem::take(&mut carry);
        let start = block.len();
        // Reserved, not zeroed: a small input touches only the bytes it has.
        block.reserve(BLOCK_BYTES);
        (&mut *reader).take(BLOCK_BYTES as u64).read_to_end(&mut block)?;
        let at_end = block.len() < start + BLOCK_BYTES;
        if !at_end {
            if let Some(cut) = last_record_end(&block) {
                carry = block[cut + 1..].to_vec();
                block.truncate(cut + 1);
            }
        }
        if !block.is_empty() && !send(number, block) {
            return Ok(());
        }
        number += 1;
        if at_end {
            return Ok(());
        }
    }
}

/// The last line end of a block that is not inside a quoted field (an even
/// number of quotes before it), so that a record never straddles two blocks.
fn last_record_end(block: &[u8]) -> Option<usize> {
    let total_quotes = memchr::memchr_iter(b'"', block).count();
    let mut end = block.len();
    let mut quotes_after = 0;
    while let Some(cut) = memchr::memrchr(b'\n', &block[..end]) {
        quotes_after += memchr::memchr_iter(b'"', &block[cut..end]).count();
        if (total_quotes - quotes_after) % 2 == 0 {
            return Some(cut);
        }
        end = cut;
    }
    memchr::memrchr(b'\n', block)
}

/// End of the record starting at `start`: the first line end outside quotes.
/// Returns the end and the number of lines the record spans.
fn record_end(block: &[u8], start: usize) -> (usize, u64) {
    let mut lines = 1;
    let mut from = start;
    let mut quotes = 0;
    loop {
        let end = memchr::memchr(b'\n', &block[from..]).map_or(block.len(), |i| from + i);
        quotes += memchr::memchr_iter(b'"', &block[from..end]).count();
        if quotes % 2 == 0 || end == block.len() {
            return (end, lines);
        }
        lines += 1;
        from = end + 1;
    }
}

fn parse_block(block: &[u8], schema: &RequestSchema) -> BlockGroups {
    let mut groups = BlockGroups::default();
    let mut fields: Vec<&[u8]> = Vec::with_capacity(schema.columns);
    let mut key: Vec<u8> = Vec::with_capacity(128);
    let mut start = 0;
    let mut line = 0u64;
    while start < block.len() {
        let (end, spanned) = record_end(block, start);
        line += 1;
        let row = &block[start..end];
        start = end + 1;
        if row.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_row(row, schema, &mut fields, &mut key, &mut groups) {
            Ok(()) => groups.rows += 1,
            Err(message) => {
                groups.bad_rows += 1;
                if groups.bad_lines.len() < BAD_LINES_SHOWN {
                    groups.bad_lines.push((line, message));
                }
            }
        }
        line += spanned - 1;
    }
    groups.lines = line;
    groups
}

fn parse_row<'a>(
    row: &'a [u8],
    schema: &RequestSchema,
    fields: &mut Vec<&'a [u8]>,
    key: &mut Vec<u8>,
    groups: &mut BlockGroups,
) -> Result<(), String> {
    let row = row.strip_suffix(b"\r").unwrap_or(row);
    fields.clear();
    if memchr::memchr(b'"', row).is_some() {
        let owned = split_quoted(row, schema.delimiter).ok_or("invalid CSV quoting")?;
        let quoted: Vec<&[u8]> = owned.iter().map(|f| f.as_bytes()).collect();
        return record_fields(&quoted, schema, key, groups);
    }
    fields.extend(row.split(|b| *b == schema.delimiter));
    record_fields(fields, schema, key, groups)
}

/// Adds one row, split into fields, to its group.
fn record_fields(
    fields: &[&[u8]],
    schema: &RequestSchema,
    key: &mut Vec<u8>,
    groups: &mut BlockGroups,
) -> Result<(), String> {
    if fields.len() != schema.columns {
        return Err(format!("expected {} fields like the header, found {}", schema.columns, fields.len()));
    }
    let field = |index: usize| fields[index].trim_ascii();
    let route = field(schema.route.0);
    if route.is_empty() && !schema.route_optional {
        return Err(format!("column {:?}: expected a value, found an empty field", schema.route.1));
    }
    let latency = parse_latency(field(schema.latency.0), schema.nanos_per_unit)
        .map_err(|message| format!("column {:?}: {message}", schema.latency.1))?;
    let method = schema.method.map(field).filter(|m| !m.is_empty());
    let status = schema.status.map(field);
    let failed = match &schema.failure {
        FailureRule::Unknown => None,
        FailureRule::StatusClass(column) => Some(status_is_failure(std::str::from_utf8(field(*column)).ok())),
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
    let status = status.filter(|s| !s.is_empty());
    let route = Some(route).filter(|r| !r.is_empty());
    key.clear();
    for part in [route, method, status] {
        key.extend_from_slice(part.unwrap_or(b"\x1e"));
        key.push(0x1f);
    }
    let slot = match groups.index.get(key.as_slice()) {
        Some(slot) => *slot,
        None => {
            let text = |bytes: &[u8]| {
                std::str::from_utf8(bytes).map(str::to_string).map_err(|_| "expected UTF-8 text".to_string())
            };
            groups.groups.push(Group {
                key: key.as_slice().into(),
                route: route.map(text).transpose()?,
                method: method.map(text).transpose()?,
                status: status.map(text).transpose()?,
                latencies: Vec::new(),
                failures: FailureCount::default(),
            });
            groups.index.insert(key.as_slice().into(), groups.groups.len() - 1);
            groups.groups.len() - 1
        }
    };
    let group = &mut groups.groups[slot];
    group.latencies.push(latency);
    if let Some(failed) = failed {
        group.failures.requests += 1;
        group.failures.failed += u64::from(failed);
    }
    Ok(())
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

/// A latency in nanoseconds: plain decimals are parsed by hand (the hot path),
/// anything else (exponents, `inf`) by the standard parser.
fn parse_latency(text: &[u8], nanos_per_unit: f64) -> Result<f64, String> {
    let value = parse_plain_decimal(text).map_or_else(
        || {
            std::str::from_utf8(text)
                .ok()
                .and_then(|t| t.parse::<f64>().ok())
                .ok_or_else(|| format!("expected a number, found {:?}", String::from_utf8_lossy(text)))
        },
        Ok,
    )?;
    super::duration_ns(value, nanos_per_unit)
}

/// `123`, `123.456`, `.5`: digits with at most one point, up to 18 digits.
fn parse_plain_decimal(text: &[u8]) -> Option<f64> {
    const POWERS: [f64; 19] =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut decimals = None;
    for (i, &byte) in text.iter().enumerate() {
        match byte {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(byte - b'0'),
            b'.' if decimals.is_none() => decimals = Some(text.len() - i - 1),
            _ => return None,
        }
    }
    if text == b"." {
        return None;
    }
    Some(mantissa as f64 / POWERS[decimals.unwrap_or(0)])
}

#[cfg(test)]
#[path = "request_csv_tests.rs"]
mod tests;
