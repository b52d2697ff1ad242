//! Adapter stub: replaced by the real adapter.
use std::path::Path;

use super::InputError;
use crate::model::Benchmark;

pub fn load(path: &Path) -> Result<Vec<Benchmark>, InputError> {
    Err(InputError::whole(path, "format not implemented yet"))
}
