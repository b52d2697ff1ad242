//! Streaming CSV with a header row: columns are found by name, never by
//! position, and every problem is reported with its line number. Gzipped
//! files are decompressed on the fly.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::input::{InputError, Location};

/// A CSV file whose first row names the columns.
pub struct CsvTable {
    path: PathBuf,
    reader: csv::Reader<Box<dyn BufRead + Send>>,
    header: Vec<String>,
    delimiter: u8,
}

/// A column found in the header.
#[derive(Debug, Clone)]
pub struct Column {
    index: usize,
    name: String,
}

/// One data row, with the line it starts on.
pub struct Row<'a> {
    record: &'a StringRecord,
    pub line: u64,
}

impl CsvTable {
    /// Opens the file (plain or gzip-compressed) and reads its header row.
    pub fn open(path: &Path, delimiter: u8) -> Result<Self, InputError> {
        let file = super::ndjson::open_maybe_gzipped(path).map_err(|e| InputError::io(path, &e))?;
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(file);
        let header: Vec<String> =
            reader.headers().map_err(|e| csv_error(path, &e))?.iter().map(|name| name.trim().to_string()).collect();
        if header.iter().all(String::is_empty) {
            return Err(InputError::new(path, Location::Line(1), "the file is empty: expected a CSV header row"));
        }
        Ok(CsvTable { path: path.to_path_buf(), reader, header, delimiter })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The column named `name`, if the header has it.
    pub fn optional_column(&self, name: &str) -> Option<Column> {
        let index = self.header.iter().position(|found| found == name)?;
        Some(Column { index, name: name.to_string() })
    }

    /// The column named `name`, or an error naming it and listing the header found.
    pub fn required_column(&self, name: &str) -> Result<Column, InputError> {
        let index = required_column_index(&self.path, &self.header, self.delimiter, name)?;
        Ok(Column { index, name: name.to_string() })
    }

    /// Calls `visit` for every data row; an `Err(message)` from it becomes an
    /// error at that row's line. Fails when there is no data row at all.
    pub fn for_each_row(mut self, mut visit: impl FnMut(&Row) -> Result<(), String>) -> Result<(), InputError> {
        let mut record = StringRecord::new();
        let mut rows = 0u64;
        while self.reader.read_record(&mut record).map_err(|e| csv_error(&self.path, &e))? {
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != self.header.len() {
                let message = format!("expected {} fields like the header, found {}", self.header.len(), record.len());
                return Err(InputError::new(&self.path, Location::Line(line), message));
            }
            visit(&Row { record: &record, line })
                .map_err(|message| InputError::new(&self.path, Location::Line(line), message))?;
            rows += 1;
        }
        if rows == 0 {
            return Err(InputError::new(
                &self.path,
                Location::Line(2),
                "expected at least one data row after the header",
            ));
        }
        Ok(())
    }
}

impl Row<'_> {
    /// The field of `column`, trimmed.
    pub fn text(&self, column: &Column) -> &str {
        self.record.get(column.index).unwrap_or_default().trim()
    }

    /// Parses the field of `column`; errors name the column.
    pub fn parse<T>(&self, column: &Column, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, String> {
        parse(self.text(column)).map_err(|message| format!("column {:?}: {message}", column.name))
    }

    /// The field of `column`, or an error naming it when it is empty.
    pub fn non_empty(&self, column: &Column) -> Result<&str, String> {
        let text = self.text(column);
        if text.is_empty() {
            return Err(format!("column {:?}: expected a value, found an empty field", column.name));
        }
        Ok(text)
    }
}

/// Index of the header column named `name`, or an error naming it, listing
/// the header found and hinting at the delimiter when there is one column.
pub fn required_column_index(path: &Path, header: &[String], delimiter: u8, name: &str) -> Result<usize, InputError> {
    header.iter().position(|found| found == name).ok_or_else(|| {
        let mut message = format!("expected a column named {name:?}; the header has: {}", header.join(", "));
        if header.len() == 1 {
            let delimiter = char::from(delimiter).escape_default();
            message.push_str(&format!(
                " (a single column: is the delimiter right? this file was read with delimiter = \"{delimiter}\")"
            ));
        }
        InputError::new(path, Location::Line(1), message)
    })
}

fn csv_error(path: &Path, error: &csv::Error) -> InputError {
    let location = error.position().map_or(Location::Whole, |p| Location::Line(p.line()));
    let message = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "expected UTF-8 text".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => format!("invalid CSV: {error}"),
    };
    InputError::new(path, location, message)
}
