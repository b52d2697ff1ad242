//! JMeter JTL CSV -> `latency` series per (label, responseCode) and `errors`
//! series per label.
//!
//! Columns are found by name in the header row (JMeter lets users choose and
//! reorder the saved fields): `label` and `elapsed` (ms) are required,
//! `responseCode` and `success` are used when present. The label becomes the
//! `route` tag so KPIs filter JMeter and other request logs the same way.

use std::path::Path;

use crate::config::fields::TimestampUnit;
use crate::input::rows::csv_table::required_column_index;
use crate::input::rows::request_csv::{self, FailureRule, RequestSchema, TimestampColumn};
use crate::input::{InputError, InputOptions, Location};
use crate::model::units::nanoseconds_per;
use crate::model::Benchmark;

/// Reads a JTL CSV (delimiter from the options: JMeter also writes `;` and
/// tabs; gzip allowed), streaming: see [`request_csv`].
pub fn load(path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let delimiter = options.delimiter.unwrap_or(b',');
    let stream = request_csv::open(path, delimiter)?;
    reject_headerless(path, &stream.header)?;
    let column = |name: &str| required_column_index(path, &stream.header, delimiter, name);
    let optional = |name: &str| stream.header.iter().position(|found| found == name);
    let schema = RequestSchema {
        delimiter,
        columns: stream.header.len(),
        route: (column("label")?, "label".into()),
        route_optional: false,
        latency: (column("elapsed")?, "elapsed".into()),
        method: None,
        status: optional("responseCode"),
        failure: match (&options.fields.error_status, optional("responseCode")) {
            (Some(_), Some(status)) => FailureRule::Status(
                status,
                options.fields.error_statuses().map_err(|message| InputError::whole(path, message))?,
            ),
            _ => optional("success").map_or(FailureRule::Unknown, |c| FailureRule::SuccessColumn(c, "success".into())),
        },
        nanos_per_unit: nanoseconds_per("ms").unwrap_or(1e6),
        bad_row_limit: options.max_bad_rows,
        // Epoch ms by default; JMeter may be set to write dates, which are used when they are RFC 3339.
        timestamp: optional("timeStamp").map(|index| TimestampColumn {
            index,
            name: "timeStamp".into(),
            unit: TimestampUnit::Auto,
            required: false,
        }),
        counters: options
            .fields
            .counters
            .iter()
            .map(|name| Ok((column(name)?, name.clone())))
            .collect::<Result<_, InputError>>()?,
        tags: options
            .fields
            .tags
            .iter()
            .map(|name| Ok((column(name)?, name.clone())))
            .collect::<Result<_, InputError>>()?,
    };
    request_csv::ingest(path, stream, &schema)
}

/// JMeter writes no header unless `print_field_names` is on; the first row is
/// then data, starting with an epoch-ms timestamp.
fn reject_headerless(path: &Path, header: &[String]) -> Result<(), InputError> {
    let first = header.first().map(String::as_str).unwrap_or_default();
    if !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InputError::new(
            path,
            Location::Line(1),
            "expected a header row (timeStamp,elapsed,label,...) but the first line is data; \
             set jmeter.save.saveservice.print_field_names=true",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::input::validate_benchmark;
    use crate::model::Unit;

    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("jmeter", name)
    }

    fn load_text(content: &str, delimiter: Option<u8>) -> Result<Vec<Benchmark>, InputError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content.as_bytes()).unwrap();
        load(file.path(), &InputOptions { delimiter, ..InputOptions::default() })
    }

    #[test]
    fn default_jtl_maps_label_code_and_success() {
        let path = fixture("results.jtl");
        let benchmarks = load(&path, &InputOptions::default()).unwrap();
        for bench in &benchmarks {
            validate_benchmark(&path, bench).unwrap();
        }
        let total =
            |metric: &str| -> usize { benchmarks.iter().filter(|b| b.metric == metric).map(|b| b.samples.len()).sum() };
        assert_eq!((total("latency"), total("errors")), (200, 200), "a multi-line failureMessage is one row");
        // Line 2: 1710234900000,55,GET /api/orders/{id},200,OK,...
        let orders = find(&benchmarks, "latency{route=GET /api/orders/{id},status=200}");
        assert_eq!(orders.unit, Unit::Ns);
        assert_eq!(orders.samples[0], 55e6);
        assert!(!orders.tags.contains_key("method"), "JTL has no method column");
        // Line 3: quoted label with a comma.
        assert!(benchmarks.iter().any(|b| b.id == "latency{route=GET /api/search?tags=a,b,status=200}"));
    }

    #[test]
    fn failed_samples_are_errors_including_non_http_codes() {
        let benchmarks = load(&fixture("results.jtl"), &InputOptions::default()).unwrap();
        // Line 164: 1710234907950,10002,GET /api/users,Non HTTP response code: java.net.SocketTimeoutException,...
        let timeout = "latency{route=GET /api/users,status=Non HTTP response code: java.net.SocketTimeoutException}";
        assert_eq!(find(&benchmarks, timeout).samples, [10_002e6]);
        let errors: f64 = benchmarks.iter().filter(|b| b.metric == "errors").flat_map(|b| &b.samples).sum();
        let failed_rows = std::fs::read_to_string(fixture("results.jtl")).unwrap().matches(",false,").count();
        assert_eq!(errors as usize, failed_rows);
        assert_eq!(find(&benchmarks, "errors{route=GET /health}").unit, Unit::Ratio);
    }

    #[test]
    fn semicolon_jtl_with_reordered_columns_reads_by_header() {
        let benchmarks =
            load(&fixture("semicolon-reordered.csv"), &InputOptions { delimiter: Some(b';'), ..Default::default() })
                .unwrap();
        // Line 2: 1710234900000;GET /api/orders/{id};55;true;200;...
        assert_eq!(find(&benchmarks, "latency{route=GET /api/orders/{id},status=200}").samples[0], 55e6);
        let rows: usize = benchmarks.iter().filter(|b| b.metric == "latency").map(|b| b.samples.len()).sum();
        assert_eq!(rows, 40);
    }

    #[test]
    fn minimal_jtl_without_code_or_success_has_latency_only() {
        let benchmarks = load_text("label\telapsed\nlogin\t12\n", Some(b'\t')).unwrap();
        assert_eq!(benchmarks.len(), 1);
        assert_eq!(benchmarks[0].id, "latency{route=login}");
    }

    #[test]
    fn malformed_jtl_rows_are_located() {
        let header = "timeStamp,elapsed,label,responseCode,success\n";
        let bad_success = load_text(&format!("{header}1,5,a,200,true\n2,5,a,200,maybe\n"), None).unwrap_err();
        assert_eq!(bad_success.location, Location::Line(3));
        assert!(bad_success.message.contains("success") && bad_success.message.contains("true or false"));
        let bad_elapsed = load_text(&format!("{header}1,-5,a,200,true\n"), None).unwrap_err();
        assert_eq!(bad_elapsed.location, Location::Line(2));
        assert!(bad_elapsed.message.contains("elapsed"), "{}", bad_elapsed.message);
        let no_label = load_text("timeStamp,elapsed\n1,5\n", None).unwrap_err();
        assert!(no_label.message.contains("\"label\"") && no_label.message.contains("timeStamp, elapsed"));
    }

    #[test]
    fn headerless_jtl_explains_the_jmeter_setting() {
        let error = load_text("1710234900000,55,GET /a,200,OK,t1,text,true,,936\n", None).unwrap_err();
        assert_eq!(error.location, Location::Line(1));
        assert!(error.message.contains("print_field_names"), "{}", error.message);
    }
}
