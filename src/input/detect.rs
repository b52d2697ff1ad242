//! `format = "auto"`: what recognizing a format from content needs — the
//! file's first [`PREFIX_BYTES`] (decompressed when gzipped) as [`Sniffed`],
//! every built-in format's rule on it, and the messages when no rule or
//! several match. The registry ([`super::formats`]) holds which rule is whose
//! and asks them. Row formats are recognized by their default field names
//! only: a suite that renames fields sets `format`.

pub mod harness_rules;
mod json_prefix;
pub mod load_tool_rules;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use json_prefix::Node;

use super::InputError;
use crate::config::fields::FieldMap;

/// How much of a file detection reads.
pub const PREFIX_BYTES: u64 = 64 * 1024;

/// A criterion output folder: some `**/new/benchmark.json` below it.
pub fn is_criterion_folder(path: &Path) -> bool {
    walkdir::WalkDir::new(path)
        .max_depth(8)
        .into_iter()
        .filter_map(Result::ok)
        .any(|entry| entry.file_name() == "benchmark.json" && entry.path().parent().is_some_and(|p| p.ends_with("new")))
}

/// The first bytes of the file as text, decompressed when gzipped.
pub fn read_prefix(path: &Path) -> Result<String, InputError> {
    let read = || -> std::io::Result<Vec<u8>> {
        let mut file = BufReader::new(File::open(path)?);
        let gzipped = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
        let reader: Box<dyn Read> =
            if gzipped { Box::new(flate2::read::MultiGzDecoder::new(file)) } else { Box::new(file) };
        let mut bytes = Vec::new();
        // A corrupt gzip stream still leaves what was decoded before the error.
        let _ = reader.take(PREFIX_BYTES).read_to_end(&mut bytes);
        Ok(bytes)
    };
    let bytes = read().map_err(|e| InputError::io(path, &e))?;
    Ok(match std::str::from_utf8(&bytes) {
        Ok(text) => text.to_string(),
        // The prefix may end inside a character; anything earlier is binary.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
        Err(_) => String::new(),
    })
}

/// What detection knows about a file's beginning.
pub struct Sniffed<'a> {
    text: &'a str,
    /// The first JSON value (the whole document, or the first NDJSON line).
    json: Option<Node>,
    /// The first line split into fields by `,`, `;` and tab in turn.
    header_candidates: Vec<Vec<&'a str>>,
}

impl<'a> Sniffed<'a> {
    pub fn new(text: &'a str) -> Self {
        let text = text.trim_start_matches('\u{feff}');
        let first_line = text.lines().next().unwrap_or_default().trim_end();
        let header_candidates = [',', ';', '\t']
            .iter()
            .map(|delimiter| first_line.split(*delimiter).map(|f| f.trim().trim_matches('"')).collect())
            .collect();
        Sniffed { text, json: json_prefix::first_value(text), header_candidates }
    }

    /// The text of the file's beginning.
    pub fn text(&self) -> &str {
        self.text
    }

    pub fn has_header_columns(&self, columns: &[&str]) -> bool {
        self.header_candidates.iter().any(|fields| columns.iter().all(|column| fields.contains(column)))
    }

    pub fn json_key(&self, key: &str) -> Option<&Node> {
        self.json.as_ref()?.get(key)
    }
}

pub fn is_perfgate(sniffed: &Sniffed) -> bool {
    sniffed.json_key("schema").is_some() && sniffed.json_key("suites").is_some()
}

pub fn is_hyperfine(sniffed: &Sniffed) -> bool {
    let first_result = sniffed.json_key("results").and_then(Node::items).and_then(<[Node]>::first);
    first_result.is_some_and(|result| result.get("command").is_some())
}

/// `metrics` alone is too common a word: also require k6's other top-level
/// keys or a metric shaped like k6's.
pub fn is_k6_summary(sniffed: &Sniffed) -> bool {
    const K6_STATISTICS: [&str; 7] = ["values", "type", "avg", "med", "passes", "fails", "count"];
    let Some(metrics) = sniffed.json_key("metrics").and_then(Node::entries) else { return false };
    let k6_root = ["root_group", "state", "options"].iter().any(|key| sniffed.json_key(key).is_some());
    let k6_metric = metrics.iter().any(|(_, metric)| K6_STATISTICS.iter().any(|key| metric.get(key).is_some()));
    k6_root || k6_metric
}

/// Every benchmark is a non-empty object of measures, and every measure has
/// a numeric `value` (or was cut off by the end of the prefix before it).
pub fn is_bmf(sniffed: &Sniffed) -> bool {
    let Some(benches) = sniffed.json.as_ref().and_then(Node::entries) else { return false };
    let benches_are_measure_objects = benches
        .iter()
        .all(|(_, bench)| bench.entries().is_some_and(|measures| !measures.is_empty() || !bench.is_complete()));
    let measures: Vec<&Node> =
        benches.iter().flat_map(|(_, bench)| bench.entries().unwrap_or_default()).map(|(_, m)| m).collect();
    let has_value = |measure: &&Node| matches!(measure.get("value"), Some(Node::Number(_)));
    let cut_before_value =
        |measure: &&Node| measure.is_object() && !measure.is_complete() && measure.get("value").is_none();
    benches_are_measure_objects
        && measures.iter().all(|measure| has_value(measure) || cut_before_value(measure))
        && measures.iter().any(has_value)
}

pub fn is_k6_ndjson(sniffed: &Sniffed) -> bool {
    let kind = sniffed.json_key("type").and_then(Node::as_str);
    matches!(kind, Some("Metric" | "Point")) && sniffed.json_key("metric").and_then(Node::as_str).is_some()
}

pub fn is_latency_ndjson(sniffed: &Sniffed) -> bool {
    let fields = FieldMap::default();
    sniffed.json_key(&fields.route).is_some() && sniffed.json_key(&fields.latency).is_some()
}

/// `{"resourceSpans": [{"resource": ..., "scopeSpans": [{"spans": [...]}]}]}`, a line or a document.
pub fn is_otlp_json(sniffed: &Sniffed) -> bool {
    sniffed.json_key("resourceSpans").is_some_and(|spans| spans.items().is_some())
}

/// Jaeger's `{"data": [{"traceID": ..., "spans": [...]}]}`.
pub fn is_jaeger_json(sniffed: &Sniffed) -> bool {
    let first = sniffed.json_key("data").and_then(Node::items).and_then(<[Node]>::first);
    first.is_some_and(|trace| trace.get("traceID").is_some() && trace.get("spans").is_some())
}

pub fn is_jmeter(sniffed: &Sniffed) -> bool {
    sniffed.has_header_columns(&["timeStamp", "elapsed", "label"])
}

pub fn is_latency_csv(sniffed: &Sniffed) -> bool {
    let fields = FieldMap::default();
    sniffed.json.is_none() && sniffed.has_header_columns(&[&fields.route, &fields.latency])
}

pub fn is_bencher(sniffed: &Sniffed) -> bool {
    sniffed.text.lines().any(|line| line.trim_start().starts_with("test ") && line.contains(" bench:"))
}

pub fn unrecognized_message(looked_for: &[&str], sniffed: &Sniffed) -> String {
    format!(
        "cannot recognize the format of this input; looked for {}. It starts with {}. \
         If it is one of these, set `format = \"...\"` in the suite (and `fields` for renamed columns)",
        looked_for.join("; "),
        describe_start(sniffed)
    )
}

/// A folder no folder rule matched.
pub fn unrecognized_folder_message(looked_for: &[&str]) -> String {
    format!(
        "this folder is not a known input: looked for {}; other formats are files, name one as `input`",
        looked_for.join(", ")
    )
}

/// A short, readable account of what the file starts with.
fn describe_start(sniffed: &Sniffed) -> String {
    if let Some(keys) = sniffed.json.as_ref().and_then(Node::entries) {
        let names: Vec<&str> = keys.iter().take(12).map(|(key, _)| key.as_str()).collect();
        return format!("a JSON object with keys: {}", names.join(", "));
    }
    if sniffed.text.trim_start().starts_with("<?xml") && sniffed.text.contains("<testResults") {
        return "JMeter XML results (save JTL as CSV: jmeter.save.saveservice.output_format=csv)".to_string();
    }
    let first_line = sniffed.text.lines().find(|line| !line.trim().is_empty());
    match first_line {
        None if sniffed.text.is_empty() => "nothing (the file is empty or binary)".to_string(),
        None => "blank lines only".to_string(),
        Some(line) => format!("{:?}", line.chars().take(120).collect::<String>()),
    }
}

pub fn ambiguous_message(names: &[&str]) -> String {
    format!(
        "this input looks like more than one format ({}); set `format = \"{}\"` (or another of them) in the suite",
        names.join(", "),
        names[0]
    )
}
