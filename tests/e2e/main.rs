//! End-to-end tests that build and benchmark real code. A binary of their own:
//! cargo runs test binaries one after another, so nothing else competes with
//! their measurements for the CPU.

#[path = "../support/mod.rs"]
mod support;

mod criterion_rerun;
mod init_check;
