//! Running suites: their commands, the temporary checkout of the baseline
//! commit, and base/head runs in interleaved rounds.

pub mod checkout;
pub mod collect;
pub mod command;
pub mod counting;
pub mod harness;
pub mod interrupt;
pub mod plan;
pub mod probe;
pub mod progress;
pub mod rounds;
pub mod shard;
pub mod suite;
pub mod usage;
