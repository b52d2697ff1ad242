//! perfgate: a performance-regression gate. Config + inputs -> model ->
//! statistics -> verdicts -> reports; `main.rs` only parses arguments and
//! maps the outcome to an exit code.

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod explain;
pub mod github;
pub mod input;
pub mod model;
pub mod report;
pub mod runner;
pub mod stats;
#[doc(hidden)]
pub mod testing;
pub mod verdict;
