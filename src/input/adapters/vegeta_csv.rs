//! vegeta `encode --to csv` (plain or gzipped; no header row) -> per-request
//! `latency` series per (attack, status) and `errors` per attack, streamed
//! like the latency CSV adapter's (see [`request_csv`]).
//!
//! Fields by position, as vegeta writes them: Unix timestamp (ns), status
//! code, latency (ns), bytes out, bytes in, error, base64 body, attack name,
//! sequence number. The attack name (`vegeta attack -name`) becomes the
//! `route` tag (none when the attack has no name) and the code the `status`
//! tag. A request failed when its code is outside 200–399 — vegeta's own
//! success rule; 0 means no response, and the error field says why.

use std::path::Path;

use crate::config::fields::TimestampUnit;
use crate::input::rows::request_csv::TimestampColumn;
use crate::input::rows::request_csv::{self, FailureRule, RequestSchema};
use crate::input::{InputError, InputOptions, Location};
use crate::model::Benchmark;

/// Fields of a row: vegeta 12 and later (older versions had no attack name and sequence number).
const FIELDS: usize = 9;

/// Reads a `vegeta encode --to csv` output.
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let stream = request_csv::open_headerless(path, b',')?;
    check_first_row(&stream.header).map_err(|message| InputError::new(path, Location::Line(1), message))?;
    let schema = RequestSchema {
        delimiter: b',',
        columns: FIELDS,
        route: (7, "attack (field 8)".into()),
        route_optional: true,
        latency: (2, "latency (field 3)".into()),
        method: None,
        status: Some(1),
        failure: FailureRule::Status(
            1,
            options.fields.error_statuses().map_err(|message| InputError::whole(path, message))?,
        ),
        nanos_per_unit: 1.0,
        bad_row_limit: options.max_bad_rows,
        timestamp: Some(TimestampColumn {
            index: 0,
            name: "timestamp (field 1)".into(),
            unit: TimestampUnit::Scaled(1.0),
            required: false,
        }),
        counters: Vec::new(),
        tags: Vec::new(),
    };
    request_csv::ingest(path, stream, &schema)
}

/// vegeta writes no header: the first row must already look like a result.
fn check_first_row(fields: &[String]) -> Result<(), String> {
    let layout = "timestamp (ns), code, latency (ns), bytes out, bytes in, error, body, attack, seq";
    if fields.len() != FIELDS {
        return Err(format!(
            "expected vegeta's {FIELDS} CSV fields ({layout}) without a header, found {} fields",
            fields.len()
        ));
    }
    if !fields[0].bytes().all(|b| b.is_ascii_digit()) || fields[0].is_empty() {
        return Err(format!("expected a Unix timestamp in ns as the first field ({layout}), found {:?}", fields[0]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::model::Unit;

    /// Written from vegeta's documented CSV layout, not by vegeta: see the README next to it.
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("vegeta", name)
    }

    fn load_path(path: &Path) -> Result<Vec<Benchmark>, InputError> {
        load(path, &InputOptions::default())
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    #[test]
    fn rows_become_latency_per_attack_and_status_and_errors_per_attack() {
        let benchmarks = load_path(&fixture("results.csv")).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "errors{route=home}",
                "errors{route=search}",
                "latency{route=home,status=200}",
                "latency{route=search,status=0}",
                "latency{route=search,status=200}",
                "latency{route=search,status=500}",
            ]
        );
        // Line 1: 1710234900000043673,200,1925024,0,3,,b2sK,home,0
        let home = find(&benchmarks, "latency{route=home,status=200}");
        assert_eq!((&home.unit, home.samples.len(), home.samples[0]), (&Unit::Ns, 100, 1_925_024.0));
        // The refused connections: 1710234900340018523,0,209911,0,0,"Get ""http://...?q=a,b"": ...",,search,17
        assert_eq!(find(&benchmarks, "latency{route=search,status=0}").samples, [209_911.0, 167_610.0, 387_177.0]);
        let errors = find(&benchmarks, "errors{route=search}");
        assert_eq!((&errors.unit, errors.samples.len(), errors.samples.iter().sum::<f64>()), (&Unit::Ratio, 100, 13.0));
        assert_eq!(find(&benchmarks, "errors{route=home}").samples.iter().sum::<f64>(), 0.0);
    }

    #[test]
    fn the_rows_agree_with_the_report_of_the_same_results() {
        let benchmarks = load_path(&fixture("results.csv")).unwrap();
        let report = crate::input::vegeta::load(&fixture("report.json"), &InputOptions::default()).unwrap();
        let latencies: Vec<f64> =
            benchmarks.iter().filter(|b| b.metric == "latency").flat_map(|b| b.samples.clone()).collect();
        let reported = &find(&report, "latency").summary;
        assert_eq!(latencies.len() as f64, reported["count"]);
        assert_eq!(latencies.iter().copied().fold(f64::INFINITY, f64::min), reported["min"]);
        assert_eq!(latencies.iter().copied().fold(0.0, f64::max), reported["max"]);
        let failed: f64 = benchmarks.iter().filter(|b| b.metric == "errors").flat_map(|b| b.samples.iter()).sum();
        assert_eq!(failed, find(&report, "errors").summary["count"]);
    }

    #[test]
    fn an_attack_without_a_name_has_no_route_tag() {
        let text = "1710234900000000000,200,1500000,0,3,,b2sK,,0\n1710234900020000000,503,2500000,0,0,503 Service Unavailable,,,1\n";
        let benchmarks = load_text(text).unwrap();
        let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["errors", "latency{status=200}", "latency{status=503}"]);
        assert_eq!(benchmarks[0].samples, [0.0, 1.0]);
    }

    #[test]
    fn a_header_or_another_layout_is_rejected_and_bad_rows_are_located() {
        let error = load_text("timestamp,code,latency\n1,200,3\n").unwrap_err();
        assert_eq!(error.location, Location::Line(1));
        assert!(error.message.contains("found 3 fields") && error.message.contains("without a header"), "{error}");
        let header = "timestamp,code,latency,bytes_out,bytes_in,error,body,attack,seq\n";
        assert!(load_text(header).unwrap_err().message.contains("Unix timestamp"));
        let text = "1710234900000000000,200,1500000,0,3,,b2sK,a,0\n1710234900020000000,200,slow,0,3,,b2sK,a,1\n";
        let error = load_text(text).unwrap_err();
        assert_eq!(error.location, Location::Line(2));
        assert!(error.message.contains("latency (field 3)") && error.message.contains("\"slow\""), "{error}");
        let short = load_text("1710234900000000000,200,1500000,0,3,,b2sK,a,0\n1710234900020000000,200\n").unwrap_err();
        assert!(short.message.contains("expected 9 fields"), "{short}");
        assert!(load_text("").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn never_panics_on_cut_or_garbled_output() {
        // The rows up to the quoted error messages: every load starts the streaming workers.
        let text = std::fs::read_to_string(fixture("results.csv")).unwrap();
        let first_rows: String = text.lines().take(40).map(|line| format!("{line}\n")).collect();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, first_rows.as_bytes()).unwrap();
        test_support::never_panics_on_prefixes(load, file.path());
    }
}
