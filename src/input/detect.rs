//! Format detection stub: replaced by the real detector.
use std::path::Path;

use super::{Format, InputError};

pub fn detect(path: &Path) -> Result<Format, InputError> {
    Err(InputError::whole(path, "cannot detect the format yet"))
}
