//! Helpers for the adapters' unit tests: fixture paths, loading text written
//! to a temporary file, finding a benchmark by id.

use std::path::{Path, PathBuf};

use super::{InputError, InputOptions};
use crate::model::Benchmark;

/// `tests/fixtures/<folder>/<name>`.
pub fn fixture(folder: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(folder).join(name)
}

/// Write `text` to a temporary file and load it with `load` and default options; an error must name that file.
pub fn load_text(
    load: impl Fn(&Path, &InputOptions) -> Result<Vec<Benchmark>, InputError>,
    text: &str,
) -> Result<Vec<Benchmark>, InputError> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
    load(file.path(), &InputOptions::default())
        .inspect_err(|error| assert_eq!(error.path, file.path(), "the error names the file"))
}

/// The benchmark with `id`; panics naming it and the ids there are when absent.
pub fn find<'a>(benchmarks: &'a [Benchmark], id: &str) -> &'a Benchmark {
    let ids: Vec<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
    benchmarks.iter().find(|b| b.id == id).unwrap_or_else(|| panic!("no benchmark {id:?} in {ids:?}"))
}

/// Longest prefix [`never_panics_on_prefixes`] tries: enough for a header and many records,
/// small enough to keep the test quick on large fixtures.
const PREFIX_LIMIT: usize = 8 * 1024;

/// Every prefix of `path`'s content (up to [`PREFIX_LIMIT`] bytes), with a stray invalid UTF-8
/// byte appended (as from a binary tool's output), loads to a result or an error — never a panic.
pub fn never_panics_on_prefixes(
    load: impl Fn(&Path, &InputOptions) -> Result<Vec<Benchmark>, InputError>,
    path: &Path,
) {
    let full = std::fs::read(path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut");
    for end in 0..full.len().min(PREFIX_LIMIT) {
        let mut garbled = full[..end].to_vec();
        garbled.push(0xff);
        std::fs::write(&cut, &garbled).unwrap();
        let _ = load(&cut, &InputOptions::default());
    }
}
