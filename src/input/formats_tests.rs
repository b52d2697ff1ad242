use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use super::detect::PREFIX_BYTES;
use super::*;
use crate::config::Config;

fn every_name() -> Vec<&'static str> {
    Format::value_variants().iter().map(|format| format.name()).collect()
}

#[test]
fn names_and_aliases_are_unique_and_round_trip_through_the_command_line() {
    let mut seen = BTreeSet::new();
    for format in Format::value_variants() {
        for name in std::iter::once(format.name()).chain(format.spec().aliases.iter().copied()) {
            assert!(seen.insert(name), "{name} names two formats");
            assert_eq!(Format::from_str(name, false), Ok(*format), "{name}");
            assert_eq!(Registry::builtin().named(name), Some(*format), "{name}");
        }
    }
    assert_eq!(every_name()[0], "auto");
    assert_eq!(Registry::builtin().named("gungraun"), Some(Format::IAI_CALLGRIND));
    assert_eq!(Registry::builtin().named("widgets"), None);
}

#[test]
fn every_format_but_auto_is_recognizable_or_says_why_not() {
    for format in Registry::builtin().formats() {
        assert!(
            !matches!(format.spec().detection, Detection::Named),
            "{format} has no detection rule: `format = \"auto\"` would never find it"
        );
        assert!(!format.spec().description.is_empty() && format.spec().description.ends_with('.'), "{format}");
    }
}

/// The README's table of formats (first column) names exactly the registry's formats.
#[test]
fn the_readme_lists_every_format_of_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table =
        readme.split("| `format` | tool and command | what is read |").nth(1).expect("the README's format table");
    let listed: BTreeSet<&str> = table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| line.trim_start_matches("| `").split('`').next())
        .collect();
    let registered: BTreeSet<&str> = every_name().into_iter().collect();
    assert_eq!(listed, registered, "README rows against the registry");
}

fn checked(text: &str) -> Result<Config, crate::config::ConfigError> {
    let config = Config::parse(text, Path::new("perf-budget.toml")).unwrap();
    check_config(&config).map(|()| config)
}

#[test]
fn a_budget_file_names_formats_there_are_with_a_hint_and_its_line() {
    let error =
        checked("[gate]\nlevel = \"warn\"\n\n[[suite]]\nname = \"micro\"\nformat = \"critrion\"\n").unwrap_err();
    assert_eq!((error.line, error.column), (6, 10), "{error}");
    assert!(error.message.contains("unknown format \"critrion\"; did you mean \"criterion\"?"), "{error}");
    assert!(error.message.contains("auto, criterion, perfgate"), "{error}");
    let config = checked("[[suite]]\nname = \"micro\"\nformat = \"gungraun\"\n").unwrap();
    assert_eq!(Format::of_suite(&config.suites[0]), Ok(Format::IAI_CALLGRIND));
    let omitted = checked("[[suite]]\nname = \"micro\"\n").unwrap();
    assert_eq!(Format::of_suite(&omitted.suites[0]), Ok(Format::AUTO));
}

#[test]
fn unit_applies_only_to_formats_whose_values_carry_none() {
    let suite =
        |format: &str, unit: &str| format!("[[suite]]\nname = \"load\"\nformat = \"{format}\"\nunit = \"{unit}\"\n");
    let config = checked(&suite("hlog", "us")).unwrap();
    assert_eq!(InputOptions::for_suite(&config.suites[0]).unit.as_deref(), Some("us"));
    assert!(checked(&suite("auto", "ms")).is_ok(), "auto may find an hlog");
    let plain = checked("[[suite]]\nname = \"load\"\n").unwrap();
    assert_eq!(InputOptions::for_suite(&plain.suites[0]).unit, None);
    let error = checked(&suite("k6", "ms")).unwrap_err();
    assert!(error.message.contains("applies to hlog inputs only, not k6"), "{error}");
    assert_eq!(error.hint.as_deref(), Some("remove `unit`; this format carries its own units"));
}

#[test]
fn loading_checks_every_adapters_output_in_one_place() {
    fn one_negative_sample(_: &Path, _: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        Ok(vec![Benchmark::with_samples("a", "time", crate::model::Unit::Ns, vec![1.0, -2.0])])
    }
    fn nothing(_: &Path, _: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        Ok(Vec::new())
    }
    static NEGATIVE: FormatSpec = FormatSpec { load: one_negative_sample, ..TEST_SPEC };
    static EMPTY: FormatSpec = FormatSpec { load: nothing, ..TEST_SPEC };
    let path = Path::new("results.txt");
    let error = Registry::builtin().load(Format::new(&NEGATIVE), path, &InputOptions::default()).unwrap_err();
    assert!(error.message.contains("benchmark \"a\": expected a finite, non-negative sample, found -2"), "{error}");
    let error = Registry::builtin().load(Format::new(&EMPTY), path, &InputOptions::default()).unwrap_err();
    assert_eq!(error.message, "no benchmarks found in this test input");
    // An adapter says where it read a benchmark; the registry's check names that place.
    fn located(_: &Path, _: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        let bench = Benchmark::with_samples("a", "time", crate::model::Unit::Ns, vec![1.0, f64::NAN]);
        let read_at = crate::model::ReadAt::in_file("results/one.json", "$.runs[3]");
        Ok(vec![Benchmark { read_at, ..bench }])
    }
    static LOCATED: FormatSpec = FormatSpec { load: located, ..TEST_SPEC };
    let error = Registry::builtin().load(Format::new(&LOCATED), Path::new("results"), &InputOptions::default());
    let shown = error.unwrap_err().to_string();
    assert!(shown.starts_with("results/one.json at $.runs[3].samples[1]: benchmark \"a\""), "{shown}");
}

const TEST_SPEC: FormatSpec = FormatSpec {
    name: "test",
    description: "A format of this test.",
    load: |_, _| Ok(Vec::new()),
    ..FormatSpec::DEFAULT
};

/// Every row that spreads the defaults still names itself, says what it is, and has a reader.
#[test]
fn every_row_names_itself_says_what_it_is_and_reads() {
    for format in Format::value_variants() {
        let spec = format.spec();
        assert!(!spec.name.is_empty() && !spec.description.is_empty(), "{}", spec.name);
        let missing = Path::new("/nonexistent/results");
        let said = (spec.load)(missing, &InputOptions::default()).err().map(|e| e.message).unwrap_or_default();
        assert!(!said.contains("has no reader"), "{}: {said}", spec.name);
    }
}

// Detection: every fixture, and small documents of each format.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn temp_file(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file
}

fn detect_text(content: &str) -> Result<Format, InputError> {
    Registry::builtin().detect(temp_file(content.as_bytes()).path())
}

/// The format a fixture under `tests/fixtures/<folder>/` must be detected as;
/// `None` for folders that are not named after a format (CLI cases).
/// A folder named after no registered format fails the test: a format's fixtures are
/// only checked once its row is in [`Format::BUILTIN`].
fn expected_format(folder: &str, file: &Path) -> Option<Format> {
    let csv = file.extension().is_some_and(|ext| ext == "csv");
    match folder {
        "latency" => Some(if csv { Format::LATENCY_CSV } else { Format::LATENCY_NDJSON }),
        "k6" if csv => Some(Format::K6_CSV),
        "locust" => Some(if csv { Format::LOCUST_CSV } else { Format::LOCUST_JSON }),
        "vegeta" => Some(if csv { Format::VEGETA_CSV } else { Format::VEGETA }),
        _ => match Registry::builtin().named(folder) {
            Some(format) if format != Format::AUTO => Some(format),
            _ => panic!("tests/fixtures/{folder}/ names no registered format"),
        },
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
        // `detect`: documents of every format; `callgrind`: output of a tool perfgate runs itself.
        if !folder.is_dir() || name == "detect" || name == "callgrind" {
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
        .filter_map(|(path, expected)| match Registry::builtin().detect(path) {
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
    let error = Registry::builtin().detect(&path).unwrap_err();
    assert_eq!(error.path, path);
    let message = error.message;
    assert!(message.contains("a JSON object with keys: name, version, private, scripts"), "{message}");
    assert!(message.contains("hyperfine") && message.contains("k6") && message.contains("criterion"), "{message}");
    assert!(message.contains("format = "), "{message}");
}

#[test]
fn two_matching_formats_ask_for_an_explicit_format() {
    let error = Registry::builtin().detect(&fixtures().join("detect/ambiguous.csv")).unwrap_err();
    assert!(error.message.contains("jmeter, latency-csv"), "{}", error.message);
    assert!(error.message.contains("format = \"jmeter\""), "{}", error.message);
}

#[test]
fn jmeter_xml_gets_a_hint_to_save_csv() {
    let error = Registry::builtin().detect(&fixtures().join("detect/jmeter-results.xml")).unwrap_err();
    assert!(error.message.contains("output_format=csv"), "{}", error.message);
}

#[test]
fn empty_binary_and_plain_text_inputs_say_what_they_start_with() {
    assert!(detect_text("").unwrap_err().message.contains("empty"));
    assert!(Registry::builtin()
        .detect(temp_file(&[0x00, 0xff, 0xfe, 0x80]).path())
        .unwrap_err()
        .message
        .contains("binary"));
    let error = detect_text("hello world\nsecond line\n").unwrap_err();
    assert!(error.message.contains("\"hello world\""), "{}", error.message);
}

#[test]
fn large_json_documents_are_recognized_from_their_first_64_kib() {
    let times: Vec<String> = (0..20_000).map(|i| format!("0.{:06}", 100_000 + i)).collect();
    let hyperfine = format!(r#"{{"results":[{{"command":"sleep 0.1","mean":0.1,"times":[{}]}}]}}"#, times.join(","));
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
    let google = r#"{"context":{"num_cpus":2},"benchmarks":[{"name":"BM_A","run_type":"iteration","real_time":1}]}"#;
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
    let error = Registry::builtin().detect(root.path()).unwrap_err();
    assert!(error.message.contains("new/benchmark.json"), "{}", error.message);
    let bench = root.path().join("target/criterion/parse/small/new");
    std::fs::create_dir_all(&bench).unwrap();
    std::fs::write(bench.join("benchmark.json"), "{}").unwrap();
    assert_eq!(Registry::builtin().detect(&root.path().join("target/criterion")).unwrap(), Format::CRITERION);
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let path = fixtures().join("detect/does-not-exist.json");
    let error = Registry::builtin().detect(&path).unwrap_err();
    assert_eq!(error.path, path);
    assert!(error.message.contains("cannot read"), "{}", error.message);
}
