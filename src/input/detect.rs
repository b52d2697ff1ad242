//! `format = "auto"`: recognize an input's format from its content.
//!
//! Reads at most the first [`PREFIX_BYTES`] (decompressed when gzipped) and
//! checks every format's rule; exactly one must match. No match lists what was
//! looked for and what the file starts with; several matches name the
//! candidates so the user can set `format`. Row formats are recognized by
//! their default field names only: a suite that renames fields sets `format`.

pub mod harness_rules;
mod json_prefix;
pub mod load_tool_rules;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use json_prefix::Node;

use super::formats::{Detection, Format, Registry};
use super::InputError;
use crate::config::fields::FieldMap;

/// How much of a file detection reads.
pub const PREFIX_BYTES: u64 = 64 * 1024;

/// The format of the file or folder at `path`, among the built-in formats.
pub fn detect(path: &Path) -> Result<Format, InputError> {
    Registry::builtin().detect(path)
}

/// The format of the file or folder at `path`, among `formats`: exactly one rule must match.
pub fn detect_among(formats: &[Format], path: &Path) -> Result<Format, InputError> {
    if path.is_dir() {
        return detect_folder(formats, path);
    }
    let text = read_prefix(path)?;
    let sniffed = Sniffed::new(&text);
    let matches: Vec<Format> = formats
        .iter()
        .copied()
        .filter(|format| matches!(format.spec().detection, Detection::Content { matches, .. } if matches(&sniffed)))
        .collect();
    match matches.as_slice() {
        [format] => Ok(*format),
        [] => Err(InputError::whole(path, unrecognized_message(formats, &sniffed))),
        several => Err(InputError::whole(path, ambiguous_message(several))),
    }
}

fn detect_folder(formats: &[Format], path: &Path) -> Result<Format, InputError> {
    let folder_rules = || {
        formats.iter().filter_map(|format| match format.spec().detection {
            Detection::Folder { looks_for, matches } => Some((*format, looks_for, matches)),
            _ => None,
        })
    };
    if let Some((format, _, _)) = folder_rules().find(|(_, _, matches)| matches(path)) {
        return Ok(format);
    }
    let looked_for: Vec<&str> = folder_rules().map(|(_, looks_for, _)| looks_for).collect();
    Err(InputError::whole(
        path,
        format!(
            "this folder is not a known input: looked for {}; other formats are files, name one as `input`",
            looked_for.join(", ")
        ),
    ))
}

/// A criterion output folder: some `**/new/benchmark.json` below it.
pub fn is_criterion_folder(path: &Path) -> bool {
    walkdir::WalkDir::new(path)
        .max_depth(8)
        .into_iter()
        .filter_map(Result::ok)
        .any(|entry| entry.file_name() == "benchmark.json" && entry.path().parent().is_some_and(|p| p.ends_with("new")))
}

/// The first bytes of the file as text, decompressed when gzipped.
fn read_prefix(path: &Path) -> Result<String, InputError> {
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
    fn new(text: &'a str) -> Self {
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

fn unrecognized_message(formats: &[Format], sniffed: &Sniffed) -> String {
    let looked_for: Vec<&str> = formats
        .iter()
        .filter_map(|format| match format.spec().detection {
            Detection::Content { looks_for, .. } | Detection::Folder { looks_for, .. } => Some(looks_for),
            Detection::Named => None,
        })
        .collect();
    format!(
        "cannot recognize the format of this input; looked for {}. It starts with {}. \
         If it is one of these, set `format = \"...\"` in the suite (and `fields` for renamed columns)",
        looked_for.join("; "),
        describe_start(sniffed)
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

fn ambiguous_message(candidates: &[Format]) -> String {
    let names: Vec<&str> = candidates.iter().map(|format| format.name()).collect();
    format!(
        "this input looks like more than one format ({}); set `format = \"{}\"` (or another of them) in the suite",
        names.join(", "),
        names[0]
    )
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use clap::ValueEnum;

    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    fn temp_file(content: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content).unwrap();
        file
    }

    fn detect_text(content: &str) -> Result<Format, InputError> {
        detect(temp_file(content.as_bytes()).path())
    }

    /// The format a fixture under `tests/fixtures/<folder>/` must be detected as;
    /// `None` for folders that are not named after a format (CLI cases).
    fn expected_format(folder: &str, file: &Path) -> Option<Format> {
        let csv = file.extension().is_some_and(|ext| ext == "csv");
        match folder {
            "latency" => Some(if csv { Format::LATENCY_CSV } else { Format::LATENCY_NDJSON }),
            "k6" if csv => Some(Format::K6_CSV),
            "locust" => Some(if csv { Format::LOCUST_CSV } else { Format::LOCUST_JSON }),
            "vegeta" => Some(if csv { Format::VEGETA_CSV } else { Format::VEGETA }),
            _ => Format::from_str(folder, false).ok().filter(|format| *format != Format::AUTO),
        }
    }

    /// Broken inputs (`bad-*`), hidden files, and what made a fixture (README, scripts).
    fn is_skipped(path: &Path) -> bool {
        path.components().any(|part| {
            let name = part.as_os_str().to_string_lossy();
            // bad inputs, hidden files, and a fixture folder's README and generator script
            name.starts_with("bad-") || name.starts_with('.') || name == "README.md" || name.ends_with(".py")
        })
    }

    /// What each fixture should be detected as: files of every format folder,
    /// and the case folders of `criterion/`.
    fn fixture_cases() -> Vec<(PathBuf, Format)> {
        let mut cases = Vec::new();
        for folder in std::fs::read_dir(fixtures()).unwrap().map(|entry| entry.unwrap().path()) {
            let name = folder.file_name().unwrap().to_string_lossy().into_owned();
            if !folder.is_dir() || name == "detect" {
                continue;
            }
            if name == "criterion" {
                let children = std::fs::read_dir(&folder).unwrap().map(|entry| entry.unwrap().path());
                let cases_before = cases.len();
                cases.extend(children.filter(|p| p.is_dir() && !is_skipped(p)).map(|p| (p, Format::CRITERION)));
                if cases.len() == cases_before {
                    cases.push((folder.clone(), Format::CRITERION));
                }
                continue;
            }
            for entry in walkdir::WalkDir::new(&folder).into_iter().map(Result::unwrap) {
                let relative = entry.path().strip_prefix(&folder).unwrap();
                if entry.file_type().is_file() && !is_skipped(relative) {
                    if let Some(format) = expected_format(&name, entry.path()) {
                        cases.push((entry.path().to_path_buf(), format));
                    }
                }
            }
        }
        cases
    }

    #[test]
    fn every_fixture_is_detected_as_its_folder_format() {
        let cases = fixture_cases();
        let mismatches: Vec<String> = cases
            .iter()
            .filter_map(|(path, expected)| match detect(path) {
                Ok(found) if found == *expected => None,
                Ok(found) => Some(format!("{}: expected {expected}, detected {found}", path.display())),
                Err(error) => Some(format!("{}: expected {expected}, got error {error}", path.display())),
            })
            .collect();
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
        let every_file_format = Format::value_variants()
            .iter()
            .copied()
            .filter(|format| ![Format::AUTO, Format::PERFGATE, Format::CRITERION].contains(format));
        for format in every_file_format {
            assert!(cases.iter().any(|(_, found)| *found == format), "no fixture for {format}");
        }
    }

    #[test]
    fn package_json_is_rejected_with_what_was_looked_for_and_found() {
        let path = fixtures().join("detect/package.json");
        let error = detect(&path).unwrap_err();
        assert_eq!(error.path, path);
        let message = error.message;
        assert!(message.contains("a JSON object with keys: name, version, private, scripts"), "{message}");
        assert!(message.contains("hyperfine") && message.contains("k6") && message.contains("criterion"), "{message}");
        assert!(message.contains("format = "), "{message}");
    }

    #[test]
    fn two_matching_formats_ask_for_an_explicit_format() {
        let error = detect(&fixtures().join("detect/ambiguous.csv")).unwrap_err();
        assert!(error.message.contains("jmeter, latency-csv"), "{}", error.message);
        assert!(error.message.contains("format = \"jmeter\""), "{}", error.message);
    }

    #[test]
    fn jmeter_xml_gets_a_hint_to_save_csv() {
        let error = detect(&fixtures().join("detect/jmeter-results.xml")).unwrap_err();
        assert!(error.message.contains("output_format=csv"), "{}", error.message);
    }

    #[test]
    fn empty_binary_and_plain_text_inputs_say_what_they_start_with() {
        assert!(detect_text("").unwrap_err().message.contains("empty"));
        assert!(detect(temp_file(&[0x00, 0xff, 0xfe, 0x80]).path()).unwrap_err().message.contains("binary"));
        let error = detect_text("hello world\nsecond line\n").unwrap_err();
        assert!(error.message.contains("\"hello world\""), "{}", error.message);
    }

    #[test]
    fn large_json_documents_are_recognized_from_their_first_64_kib() {
        let times: Vec<String> = (0..20_000).map(|i| format!("0.{:06}", 100_000 + i)).collect();
        let hyperfine =
            format!(r#"{{"results":[{{"command":"sleep 0.1","mean":0.1,"times":[{}]}}]}}"#, times.join(","));
        assert!(hyperfine.len() as u64 > PREFIX_BYTES);
        assert_eq!(detect_text(&hyperfine).unwrap(), Format::HYPERFINE);
        let benches: Vec<String> =
            (0..3_000).map(|i| format!(r#""bench_{i}":{{"latency":{{"value":{i}.5,"lower_value":1.0}}}}"#)).collect();
        let bmf = format!("{{{}}}", benches.join(","));
        assert!(bmf.len() as u64 > PREFIX_BYTES);
        assert_eq!(detect_text(&bmf).unwrap(), Format::BMF);
    }

    #[test]
    fn small_documents_of_each_json_format() {
        assert_eq!(detect_text(r#"{"schema":1,"suites":[]}"#).unwrap(), Format::PERFGATE);
        assert_eq!(detect_text(r#"{"parse":{"latency":{"value":1.5}}}"#).unwrap(), Format::BMF);
        assert_eq!(detect_text(r#"{"metrics":{"vus":{"value":1}},"root_group":{}}"#).unwrap(), Format::K6_SUMMARY);
        assert_eq!(detect_text("{\"route\":\"/a\",\"latency_ms\":1}\n").unwrap(), Format::LATENCY_NDJSON);
        let bencher = "warning: unused\ntest parse/small ... bench:       1,234 ns/iter (+/- 56)\n";
        assert_eq!(detect_text(bencher).unwrap(), Format::BENCHER);
        assert_eq!(detect_text("timeStamp\telapsed\tlabel\n1\t2\ta\n").unwrap(), Format::JMETER);
    }

    #[test]
    fn small_documents_of_each_harness_format() {
        let google =
            r#"{"context":{"num_cpus":2},"benchmarks":[{"name":"BM_A","run_type":"iteration","real_time":1}]}"#;
        assert_eq!(detect_text(google).unwrap(), Format::GOOGLE_BENCHMARK);
        let pytest = r#"{"machine_info":{},"benchmarks":[{"name":"t","fullname":"a.py::t","stats":{"min":1}}]}"#;
        assert_eq!(detect_text(pytest).unwrap(), Format::PYTEST_BENCHMARK);
        let jmh = r#"[{"jmhVersion":"1.37","benchmark":"a.B.c","mode":"thrpt","primaryMetric":{}}]"#;
        assert_eq!(detect_text(jmh).unwrap(), Format::JMH);
        assert_eq!(
            detect_text(r#"{"Title":"x","HostEnvironmentInfo":{},"Benchmarks":[]}"#).unwrap(),
            Format::BENCHMARK_DOTNET
        );
        assert_eq!(detect_text("pkg: x\nBenchmarkA-8   100   12.5 ns/op\n").unwrap(), Format::GO_BENCH);
        assert_eq!(detect_text("a::b\n  Instructions:   1802|N/A   (*********)\n").unwrap(), Format::IAI_CALLGRIND);
        assert_eq!(detect_text("a b x 1,234 ops/sec ±1.5% (60 runs sampled)\n").unwrap(), Format::BENCHMARK_JS);
        assert_eq!(detect_text("<?xml version=\"1.0\"?>\n<Catch2TestRun name=\"t\">\n").unwrap(), Format::CATCH2);
    }

    #[test]
    fn small_documents_of_each_load_tool_format() {
        let wrk = "Running 1s test @ http://h/\n  Latency Distribution\n     50%  1.00ms\nRequests/sec: 5.0\n";
        assert_eq!(detect_text(wrk).unwrap(), Format::WRK);
        assert!(detect_text("Requests/sec: 5.0\n").is_err(), "the `Running ... test @` header is required");
        assert_eq!(detect_text(r#"{"summary":{"successRate":1.0,"total":2.0}}"#).unwrap(), Format::OHA);
        assert!(detect_text(r#"{"summary":{"total":2.0}}"#).is_err(), "a summary without oha's keys");
        assert_eq!(
            detect_text("#[BaseTime: 1.000 (seconds since epoch)]\nTag=a,0.000,1.000,2.5,HISTFAAA\n").unwrap(),
            Format::HLOG
        );
        assert_eq!(
            detect_text("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n")
                .unwrap(),
            Format::HLOG
        );
        assert!(detect_text("0.000,1.000,2.5,hello\n").is_err(), "a CSV row that is no histogram");
        assert_eq!(detect_text("# TYPE rpc_seconds histogram\n").unwrap(), Format::PROMETHEUS);
        assert_eq!(detect_text("rpc_seconds_bucket{le=\"+Inf\"} 3\n").unwrap(), Format::PROMETHEUS);
        assert!(detect_text("# TYPE requests_total counter\nrequests_total 3\n").is_err(), "counters only");
        let k6_csv = "metric_name,timestamp,metric_value,method,name,status,extra_tags\nvus,1,2.000000,,,,\n";
        assert_eq!(detect_text(k6_csv).unwrap(), Format::K6_CSV);
        let locust_csv = "Type,Name,Request Count,Failure Count,Median Response Time,Requests/s\nGET,/,1,0,2,0.5\n";
        assert_eq!(detect_text(locust_csv).unwrap(), Format::LOCUST_CSV);
        let history = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,Total Request Count\n";
        assert!(detect_text(history).is_err(), "the stats history is not the statistics");
        let locust_json = r#"[{"name": "/", "method": "GET", "num_requests": 2, "response_times": {"3": 2}}]"#;
        assert_eq!(detect_text(locust_json).unwrap(), Format::LOCUST_JSON);
        assert!(detect_text(r#"[{"name": "x", "count": 2}]"#).is_err());
        let vegeta = r#"{"latencies": {"total": 9, "mean": 3, "50th": 2}, "requests": 3, "success": 1}"#;
        assert_eq!(detect_text(vegeta).unwrap(), Format::VEGETA);
        assert!(detect_text(r#"{"latencies": [1, 2]}"#).is_err());
        let vegeta_csv = "1710234900000043673,0,209911,0,0,\"Get \"\"http://h/?q=a,b\"\"\",,search,17\n";
        assert_eq!(detect_text(vegeta_csv).unwrap(), Format::VEGETA_CSV);
        assert!(detect_text("1710234900000,5,label,200,OK,t,text,true,,3,0,1,1\n").is_err(), "headerless JTL");
    }

    #[test]
    fn json_with_a_benchmarks_key_of_another_shape_is_rejected_with_its_keys() {
        let error = detect_text(r#"{"benchmarks":[{"title":"x","score":1}],"owner":"me"}"#).unwrap_err();
        assert!(error.message.contains("a JSON object with keys: benchmarks, owner"), "{}", error.message);
        assert!(
            error.message.contains("Google Benchmark") && error.message.contains("pytest-benchmark"),
            "{}",
            error.message
        );
    }

    #[test]
    fn folders_are_criterion_only_with_new_benchmark_json() {
        let root = tempfile::tempdir().unwrap();
        let error = detect(root.path()).unwrap_err();
        assert!(error.message.contains("new/benchmark.json"), "{}", error.message);
        let bench = root.path().join("target/criterion/parse/small/new");
        std::fs::create_dir_all(&bench).unwrap();
        std::fs::write(bench.join("benchmark.json"), "{}").unwrap();
        assert_eq!(detect(&root.path().join("target/criterion")).unwrap(), Format::CRITERION);
    }

    #[test]
    fn missing_file_is_an_io_error_naming_it() {
        let path = fixtures().join("detect/does-not-exist.json");
        let error = detect(&path).unwrap_err();
        assert_eq!(error.path, path);
        assert!(error.message.contains("cannot read"), "{}", error.message);
    }
}
