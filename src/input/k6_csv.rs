//! k6 `--out csv` (plain or gzipped) -> the same series as k6's NDJSON output
//! of the same run, through the shared [`K6Points`].
//!
//! Columns are found by name: `metric_name` and `metric_value` are required;
//! every other column but `timestamp`, `extra_tags` and `metadata` is a tag
//! (which system tags get a column depends on k6's version and
//! `--system-tags`). `extra_tags` holds the remaining tags as
//! `key=value&key=value`; `metadata` (vu, iter) is not a tag, as in NDJSON.
//! The CSV declares no metric types, so the unit of a metric comes from its
//! name ([`MetricShape::from_name`](super::k6::MetricShape::from_name)): k6's
//! built-in metrics are recognized, and a custom trend is read as ms when its
//! name ends like a duration (`_duration`, `_time`, `_latency`, `_ms`).
//! Rows stream by one at a time; a bad row fails the input with its line.

use std::path::Path;

use super::k6::K6Points;
use super::rows::csv_table::CsvTable;
use super::InputError;
use crate::model::Benchmark;

/// Columns that are not tags.
const NOT_TAGS: [&str; 5] = ["metric_name", "timestamp", "metric_value", "extra_tags", "metadata"];

/// Reads a k6 `--out csv=file.csv` (or `file.gz`) output.
pub fn load(path: &Path) -> Result<Vec<Benchmark>, InputError> {
    let table = CsvTable::open(path, b',')?;
    let metric = table.required_column("metric_name")?;
    let value = table.required_column("metric_value")?;
    let extra_tags = table.optional_column("extra_tags");
    let tag_columns: Vec<(String, _)> = table
        .header()
        .iter()
        .filter(|name| !NOT_TAGS.contains(&name.as_str()))
        .filter_map(|name| Some((name.clone(), table.optional_column(name)?)))
        .collect();
    let mut points = K6Points::default();
    table.for_each_row(|row| {
        let name = row.non_empty(&metric)?;
        let number =
            row.parse(&value, |text| text.parse::<f64>().map_err(|_| format!("expected a number, found {text:?}")))?;
        let columns = tag_columns.iter().map(|(key, column)| (key.clone(), row.text(column).to_string()));
        let extra = extra_tags.as_ref().map_or("", |column| row.text(column));
        points
            .push(row.line, name, number, columns.chain(split_extra_tags(extra)))
            .map_err(|message| format!("column \"metric_value\": {message}"))
    })?;
    Ok(points.into_benchmarks())
}

/// `key=value&key=value` (k6 writes tags outside the columns this way, unescaped).
fn split_extra_tags(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split('&').filter_map(|pair| pair.split_once('=')).map(|(key, value)| (key.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::input::test_support::{self, find};
    use crate::input::{k6, Location};
    use crate::model::Unit;

    /// `run.csv` holds the points of `run.ndjson`, written by `ndjson_to_csv.py` as k6's
    /// CSV output writes them (see the README next to them).
    fn fixture(name: &str) -> PathBuf {
        test_support::fixture("k6", name)
    }

    fn load_text(text: &str) -> Result<Vec<Benchmark>, InputError> {
        test_support::load_text(load, text)
    }

    const HEADER: &str = "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,\
                          name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n";

    #[test]
    fn the_csv_of_a_run_gives_the_benchmarks_of_its_ndjson() {
        let from_csv = load(&fixture("run.csv")).unwrap();
        let from_ndjson = k6::load(&fixture("run.ndjson")).unwrap();
        assert_eq!(from_csv.len(), from_ndjson.len());
        for (csv, ndjson) in from_csv.iter().zip(&from_ndjson) {
            assert_eq!(csv, ndjson, "{}", ndjson.id);
        }
    }

    #[test]
    fn values_units_and_tags_match_the_raw_rows() {
        let benchmarks = load(&fixture("run.csv")).unwrap();
        // Row 4: http_req_duration,1710234900,45.356965,,,,true,,GET,https://api.example.test/api/users,...,200,...
        let users = find(
            &benchmarks,
            "http_req_duration{expected_response=true,method=GET,route=/api/users,scenario=default,status=200}",
        );
        assert_eq!((&users.unit, users.samples[0]), (&Unit::Ns, 45.356965 * 1e6));
        assert_eq!(users.samples.len(), 10);
        // The timeout: http_req_duration,...,60000.391314,,request timeout,1050,false,::orders,GET,...,0,...
        let timeout = find(
            &benchmarks,
            "http_req_duration{expected_response=false,group=::orders,method=GET,route=/api/orders/${},scenario=default,status=0}",
        );
        assert_eq!(timeout.samples, [60000.391314 * 1e6]);
        assert_eq!(find(&benchmarks, "vus").unit, Unit::Count);
        assert_eq!(find(&benchmarks, "checks{check=status is 2xx,scenario=default}").unit, Unit::Ratio);
    }

    #[test]
    fn gzipped_output_is_read() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&std::fs::read(fixture("run.csv")).unwrap()).unwrap();
        let mut file = tempfile::Builder::new().suffix(".gz").tempfile().unwrap();
        file.write_all(&encoder.finish().unwrap()).unwrap();
        assert_eq!(load(file.path()).unwrap(), load(&fixture("run.csv")).unwrap());
    }

    #[test]
    fn columns_are_found_by_name_and_extra_tags_split_series() {
        // An older k6 (no expected_response, service or metadata columns), columns in another order,
        // and a custom tag in extra_tags that is one of the grouping tags (its column disabled).
        let text = "metric_name,metric_value,timestamp,method,status,url,extra_tags\n\
                    http_req_duration,12.5,1595325560,GET,200,http://h/a,name=/a&team=payments\n\
                    http_req_duration,7.25,1595325561,GET,200,http://h/b,\n";
        let benchmarks = load_text(text).unwrap();
        assert_eq!(find(&benchmarks, "http_req_duration{method=GET,route=/a,status=200}").samples, [12.5e6]);
        assert_eq!(find(&benchmarks, "http_req_duration{method=GET,status=200}").samples, [7.25e6]);
    }

    #[test]
    fn bad_rows_name_the_line_and_column() {
        let error = load_text(&format!("{HEADER}vus,1,2.0,,,,,,,,,,,,,,,,\nvus,1,many,,,,,,,,,,,,,,,,\n")).unwrap_err();
        assert_eq!(error.location, Location::Line(3));
        assert!(error.message.contains("\"metric_value\"") && error.message.contains("\"many\""), "{error}");
        let negative = load_text(&format!("{HEADER}vus,1,-2.0,,,,,,,,,,,,,,,,\n")).unwrap_err();
        assert_eq!(negative.location, Location::Line(2));
        assert!(negative.message.contains("non-negative"), "{negative}");
        let short = load_text(&format!("{HEADER}vus,1,2.0\n")).unwrap_err();
        assert!(short.message.contains("expected 19 fields"), "{short}");
        let no_name = load_text(&format!("{HEADER},1,2.0,,,,,,,,,,,,,,,,\n")).unwrap_err();
        assert!(no_name.message.contains("\"metric_name\""), "{no_name}");
        let missing = load_text("metric,timestamp,value\nvus,1,2\n").unwrap_err();
        assert_eq!(missing.location, Location::Line(1));
        assert!(missing.message.contains("\"metric_name\""), "{missing}");
        assert!(load_text(HEADER).unwrap_err().message.contains("at least one data row"));
        assert!(load_text("").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn never_panics_on_cut_or_garbled_output() {
        test_support::never_panics_on_prefixes(load, &fixture("run.csv"));
    }
}
