//! CLI tests: one integration binary, fixture folders, exit codes and reports.

mod baseline;
mod check;
mod compare;
mod counting;
mod derived;
mod disturbed;
mod doctor;
mod drift;
mod errors;
mod explain;
mod github;
mod history;
mod init;
mod report;
mod rerun;
mod resources;
mod rounds;
mod shard;
mod traces;
mod trends;

#[path = "../support/mod.rs"]
mod support;

pub use support::*;
