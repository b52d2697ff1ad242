//! The accuracy harness: simulated suites judged by perfgate's real decision
//! code and by other tools' published rules (shared by the `accuracy` example
//! and the CI subset in `tests/accuracy.rs`).

pub mod change_points;
pub mod fdr;
pub mod judge;
pub mod measure;
pub mod noise;
pub mod peers;
pub mod sections;
pub mod sequential;
pub mod simulate;
pub mod table;
