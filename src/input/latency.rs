//! Adapter stub: replaced by the real adapter.
use std::path::Path;

use super::{InputError, InputOptions};
use crate::model::Benchmark;

pub fn load_csv(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    Err(InputError::whole(path, "format not implemented yet"))
}

pub fn load_ndjson(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    Err(InputError::whole(path, "format not implemented yet"))
}
