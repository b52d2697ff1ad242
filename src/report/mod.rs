//! Reports: one renderer per format.

pub mod units;
