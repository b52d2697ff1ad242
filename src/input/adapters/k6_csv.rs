//! k6 `--out csv` (plain or gzipped) -> the same series as k6's NDJSON output
//! of the same run, through the shared [`K6Points`].
//!
//! Columns are found by name: `metric_name` and `metric_value` are required;
//! the columns of k6's grouping tags are tags (which system tags get a
//! column depends on k6's version and `--system-tags`; the others could not
//! split a series anyway). `extra_tags` holds the remaining tags as
//! `key=value&key=value`; `metadata` (vu, iter) is not a tag, as in NDJSON.
//! The CSV declares no metric types, so the unit of a metric comes from its
//! name ([`MetricShape::from_name`](crate::input::k6::MetricShape::from_name)): k6's
//! built-in metrics are recognized, and a custom trend is read as ms when its
//! name ends like a duration (`_duration`, `_time`, `_latency`, `_ms`).
//! Rows stream by one at a time; a bad row fails the input with its line.
//!
//! The file is parsed in lanes (see [`blocks`]), each block by the `csv`
//! crate into its lane's [`K6Points`], with values stamped by their place in
//! the file; only the columns of k6's grouping tags are read as tags.

use std::path::Path;

use crate::input::k6::{K6Points, GROUPING_TAGS};
use crate::input::rows::blocks::{self, BlockTally, RecordEnds};
use crate::input::rows::csv_table::required_column_index;
use crate::input::rows::request_csv;
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::Benchmark;

/// Where the fields are, by column index.
struct Layout {
    columns: usize,
    metric: usize,
    value: usize,
    extra_tags: Option<usize>,
    /// Columns of k6's grouping tags that the file has (the others could not split a series).
    tags: Vec<(String, usize)>,
}

/// Reads a k6 `--out csv` file (plain or gzip-compressed); a bad row fails it.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let stream = request_csv::open(path, b',')?;
    let header = stream.header.clone();
    let column = |name: &str| required_column_index(path, &header, b',', name);
    let layout = Layout {
        columns: header.len(),
        metric: column("metric_name")?,
        value: column("metric_value")?,
        extra_tags: header.iter().position(|name| name == "extra_tags"),
        tags: header
            .iter()
            .enumerate()
            .filter(|(_, name)| GROUPING_TAGS.contains(&name.as_str()))
            .map(|(index, name)| (name.clone(), index))
            .collect(),
    };
    let mut lanes: Vec<K6Points> = (0..blocks::lane_count()).map(|_| K6Points::default()).collect();
    let parse = |points: &mut K6Points, number: u32, block: &[u8]| parse_block(points, number, block, &layout);
    let mut reader = stream.into_reader();
    let tally = blocks::parse_in_lanes(&mut reader, RecordEnds::OutsideQuotes, &mut lanes, parse)
        .map_err(|e| InputError::io(path, &e))?;
    tally.check_bad_rows(path, 0, 1)?;
    if tally.rows == 0 {
        return Err(InputError::new(path, Location::Line(2), "expected at least one data row after the header"));
    }
    Ok(K6Points::combine(lanes))
}

fn parse_block(points: &mut K6Points, number: u32, block: &[u8], layout: &Layout) -> BlockTally {
    let mut tally = BlockTally { lines: memchr::memchr_iter(b'\n', block).count() as u64, ..BlockTally::default() };
    if !block.ends_with(b"\n") {
        tally.lines += 1;
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(block);
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                let place = u64::from(number) << 32 | line;
                tally.row(line, take_row(points, place, &record, layout));
            }
            Err(error) => {
                tally.bad_row(line, format!("invalid CSV: {error}"));
                break;
            }
        }
    }
    tally
}

/// One row as a point.
fn take_row(points: &mut K6Points, place: u64, record: &csv::StringRecord, layout: &Layout) -> Result<(), String> {
    if record.len() != layout.columns {
        return Err(format!("expected {} fields like the header, found {}", layout.columns, record.len()));
    }
    let field = |index: usize| record.get(index).unwrap_or_default().trim();
    let name = field(layout.metric);
    if name.is_empty() {
        return Err("column \"metric_name\": expected a value, found an empty field".into());
    }
    let text = field(layout.value);
    let value: f64 = text.parse().map_err(|_| format!("column \"metric_value\": expected a number, found {text:?}"))?;
    let columns = layout.tags.iter().map(|(key, index)| (key.as_str(), field(*index)));
    let extra = layout.extra_tags.map_or("", field);
    points
        .push(place, name, value, columns.chain(split_extra_tags(extra)))
        .map_err(|message| format!("column \"metric_value\": {message}"))
}

fn split_extra_tags(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split('&').filter_map(|pair| pair.split_once('='))
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
        let from_csv = load(&fixture("run.csv"), &InputOptions::default()).unwrap();
        let from_ndjson = k6::load(&fixture("run.ndjson"), &InputOptions::default()).unwrap();
        assert_eq!(from_csv.len(), from_ndjson.len());
        for (csv, ndjson) in from_csv.iter().zip(&from_ndjson) {
            assert_eq!(csv, ndjson, "{}", ndjson.id);
        }
    }

    #[test]
    fn values_units_and_tags_match_the_raw_rows() {
        let benchmarks = load(&fixture("run.csv"), &InputOptions::default()).unwrap();
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
        assert_eq!(
            load(file.path(), &InputOptions::default()).unwrap(),
            load(&fixture("run.csv"), &InputOptions::default()).unwrap()
        );
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

    #[test]
    fn a_run_of_many_blocks_gives_the_benchmarks_of_its_ndjson() {
        // ~12 MB of CSV (three blocks and more), 40 series: busy ones binned, rare ones raw.
        let mut csv = HEADER.to_string();
        let mut ndjson = String::new();
        for i in 0..120_000u64 {
            let (route, status) = (i * 7919 % 40, if i % 97 == 0 { 500 } else { 200 });
            let route = if route < 3 && i % 50 != 0 { 3 } else { route };
            let ms = 1.0 + (i * 31 % 1000) as f64 / 7.0;
            let padding = "x".repeat(20);
            csv.push_str(&format!(
                "http_req_duration,{i},{ms},,,,true,,GET,/r{route},HTTP/1.1,default,,{status},,tls1.3,https://h/r{route}?{padding},,\n"
            ));
            ndjson.push_str(&format!(
                "{{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{{\"time\":\"2024-03-12T09:15:00Z\",\"value\":{ms},\"tags\":{{\"method\":\"GET\",\"name\":\"/r{route}\",\"status\":\"{status}\",\"scenario\":\"default\",\"expected_response\":\"true\"}}}}}}\n"
            ));
        }
        assert!(csv.len() > 2 * blocks::BLOCK_BYTES);
        let from_csv = load_text(&csv).unwrap();
        let from_ndjson = test_support::load_text(k6::load, &ndjson).unwrap();
        assert_eq!(from_csv.len(), from_ndjson.len());
        assert!(from_csv.iter().any(|b| b.histogram.is_some()) && from_csv.iter().any(|b| !b.samples.is_empty()));
        for (csv, ndjson) in from_csv.iter().zip(&from_ndjson) {
            assert_eq!((&csv.id, &csv.unit, csv.samples.len()), (&ndjson.id, &ndjson.unit, ndjson.samples.len()));
            // serde_json's float parsing may differ from the standard library's by one ulp.
            let close = csv.samples.iter().zip(&ndjson.samples).all(|(a, b)| (a / b - 1.0).abs() < 1e-15);
            assert!(close, "{}: same samples in the same order", csv.id);
            match (&csv.histogram, &ndjson.histogram) {
                (Some(a), Some(b)) => {
                    assert!(a.ranges() == b.ranges() && a.count() == b.count(), "{}", csv.id);
                    assert!((a.sum() / b.sum() - 1.0).abs() < 1e-12, "{}: sums add in another order", csv.id);
                }
                (a, b) => assert_eq!(a.is_none(), b.is_none(), "{}", csv.id),
            }
        }
    }
}
