//! Streaming NDJSON: one JSON value per line, blank lines skipped, errors
//! located by the line in the file (not serde's line within one record).
//! Gzip-compressed files (k6 writes them for `--out json=file.gz`) are
//! decompressed on the fly.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::input::{InputError, Location};

/// Parses every non-blank line as a `T` and calls `visit` with its line
/// number; an `Err(message)` from `visit` becomes an error at that line.
/// Fails when the file holds no line at all.
pub fn for_each_line<T: DeserializeOwned>(
    path: &Path,
    mut visit: impl FnMut(u64, T) -> Result<(), String>,
) -> Result<(), InputError> {
    let mut reader = open_maybe_gzipped(path).map_err(|e| InputError::io(path, &e))?;
    let mut bytes = Vec::new();
    let mut line = 0u64;
    let mut records = 0u64;
    loop {
        bytes.clear();
        let read = reader.read_until(b'\n', &mut bytes).map_err(|e| InputError::io(path, &e))?;
        if read == 0 {
            break;
        }
        line += 1;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| InputError::new(path, Location::Line(line), "expected UTF-8 text"))?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        let record: T = serde_json::from_str(text).map_err(|e| record_error(path, line, &e))?;
        visit(line, record).map_err(|message| InputError::new(path, Location::Line(line), message))?;
        records += 1;
    }
    if records == 0 {
        return Err(InputError::whole(path, "the file is empty: expected one JSON object per line"));
    }
    Ok(())
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

fn record_error(path: &Path, line: u64, error: &serde_json::Error) -> InputError {
    let expectation = if error.is_eof() {
        "expected a complete JSON object on this line (is it truncated?)"
    } else if error.is_syntax() {
        "expected one JSON object per line"
    } else {
        "unexpected JSON object on this line"
    };
    InputError::new(path, Location::LineColumn(line, error.column() as u64), format!("{expectation}: {error}"))
}
