//! NDJSON inputs: one JSON value per line, blank lines skipped, parsed in
//! blocks of whole lines on several lanes (see [`super::blocks`]); JSON
//! parsing is most of the work, so it is spread over the cores. Errors are
//! located by the line in the file (not serde's line within one record);
//! lines that do not parse are counted like bad CSV rows, and the suite's
//! `max-bad-rows` decides whether they fail the input. Gzip-compressed files
//! (k6 writes them for `--out json=file.gz`) are decompressed on the fly.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;

use super::blocks::{self, BlockTally, RecordEnds};
use crate::input::InputError;

/// Reads `path` in blocks of whole lines: the reading thread calls `look` on
/// every block in file order, then block `n` goes with what `look` returned
/// to `parse(&mut lanes[n % lanes.len()], n, block, found)` (see
/// [`blocks::parse_in_lanes_with`]; `parse` usually calls [`parse_lines`]).
/// Bad lines beyond `bad_row_limit` fail the input at the first one; a file
/// without a single good line is an error.
pub fn read_in_lanes<L: Send, C: Send>(
    path: &Path,
    bad_row_limit: u64,
    lanes: &mut [L],
    look: impl FnMut(&[u8]) -> C,
    parse: impl Fn(&mut L, u32, &[u8], C) -> BlockTally + Sync,
) -> Result<(), InputError> {
    let mut reader = open_maybe_gzipped(path).map_err(|e| InputError::io(path, &e))?;
    let tally = blocks::parse_in_lanes_with(&mut reader, RecordEnds::EveryLine, lanes, look, parse)
        .map_err(|e| InputError::io(path, &e))?;
    tally.check_bad_rows(path, bad_row_limit, 0)?;
    if tally.rows == 0 {
        let message = match tally.bad_rows {
            0 => "the file is empty: expected one JSON object per line".to_string(),
            bad => format!("expected one JSON object per line: all {bad} non-blank line(s) were skipped as bad"),
        };
        return Err(InputError::whole(path, message));
    }
    Ok(())
}

/// Parses every non-blank line of `block` as a `T` (which may borrow from
/// the block) and hands it to `take` with its line number in the block. A
/// line that is not UTF-8, not JSON of that shape, or that `take` rejects
/// (with a message) is counted as bad, with its line and, for JSON errors,
/// its column.
pub fn parse_lines<'b, T: Deserialize<'b>>(
    block: &'b [u8],
    mut take: impl FnMut(u32, T) -> Result<(), String>,
) -> BlockTally {
    let mut tally = BlockTally::default();
    let mut start = 0;
    while start < block.len() {
        let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i + 1);
        let bytes = &block[start..end];
        start = end;
        tally.lines += 1;
        let line = tally.lines;
        let Some(text) = line_text(bytes) else {
            tally.bad_row(line, "expected UTF-8 text".into());
            continue;
        };
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<T>(text) {
            Ok(record) => tally.row(line, take(line as u32, record)),
            Err(error) => tally.bad_row_at(line, Some(error.column() as u64), record_error(&error)),
        }
    }
    tally
}

/// The JSON text of one line: without its line end, surrounding whitespace
/// and a byte-order mark; `None` when the line is not UTF-8.
pub fn line_text(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    Some(text.trim_start_matches('\u{feff}').trim())
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The file's content, decompressed when it starts with the gzip magic bytes.
pub(crate) fn open_maybe_gzipped(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::new(File::open(path)?);
    if file.fill_buf()?.starts_with(&GZIP_MAGIC) {
        let decoder: Box<dyn Read + Send> = Box::new(flate2::read::MultiGzDecoder::new(file));
        return Ok(Box::new(BufReader::with_capacity(1 << 20, decoder)));
    }
    Ok(Box::new(file))
}

/// What is wrong with a line serde could not read.
fn record_error(error: &serde_json::Error) -> String {
    let expectation = if error.is_eof() {
        "expected a complete JSON object on this line (is it truncated?)"
    } else if error.is_syntax() {
        "expected one JSON object per line"
    } else {
        "unexpected JSON object on this line"
    };
    format!("{expectation}: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Location;

    fn lines(block: &[u8]) -> (BlockTally, Vec<(u32, u64)>) {
        let mut taken = Vec::new();
        let tally = parse_lines(block, |line, value: u64| {
            if value == 13 {
                return Err("unlucky".into());
            }
            taken.push((line, value));
            Ok(())
        });
        (tally, taken)
    }

    #[test]
    fn lines_are_numbered_in_the_block_and_blank_ones_skipped() {
        let (tally, taken) = lines(b"1\n\n \t\r\n\xef\xbb\xbf2\r\n3");
        assert_eq!(taken, [(1, 1), (4, 2), (5, 3)]);
        assert_eq!((tally.lines, tally.rows, tally.bad_rows), (5, 3, 0));
    }

    #[test]
    fn bad_lines_are_counted_with_their_line_and_json_column() {
        let (tally, taken) = lines(b"1\n 7 x\n13\n\xff\n2\n");
        assert_eq!(taken, [(1, 1), (5, 2)]);
        assert_eq!((tally.lines, tally.rows, tally.bad_rows), (5, 2, 3));
        let places: Vec<(u64, Option<u64>)> = tally.bad_lines.iter().map(|bad| (bad.line, bad.column)).collect();
        assert_eq!(places, [(2, Some(3)), (3, None), (4, None)]);
        assert!(tally.bad_lines[0].message.contains("expected one JSON object per line"));
        assert!(tally.bad_lines[0].message.contains("column 3"), "serde's own words stay");
        assert_eq!(tally.bad_lines[1].message, "unlucky");
        assert_eq!(tally.bad_lines[2].message, "expected UTF-8 text");
    }

    #[test]
    fn bad_lines_within_the_limit_are_skipped_and_files_without_objects_fail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("values.ndjson");
        let read = |text: &str, limit: u64| {
            std::fs::write(&path, text).unwrap();
            let mut sums = vec![0u64; 2];
            let parse = |sum: &mut u64, _, block: &[u8], ()| {
                parse_lines(block, |_, value: u64| {
                    *sum += value;
                    Ok(())
                })
            };
            read_in_lanes(&path, limit, &mut sums, |_| (), parse).map(|()| sums.iter().sum::<u64>())
        };
        assert_eq!(read("1\n2\n\n3\n", 0).unwrap(), 6);
        let error = read("1\n[2]\n3\n", 0).unwrap_err();
        assert!(matches!(error.location, Location::LineColumn(2, _)), "{error}");
        assert_eq!(read("1\n[2]\n3\n", 1).unwrap(), 4);
        assert!(read("", 0).unwrap_err().message.contains("the file is empty"));
        assert!(read("\n \n\n", 0).unwrap_err().message.contains("the file is empty"));
        assert!(read("[1]\n", 1).unwrap_err().message.contains("skipped as bad"));
    }
}
