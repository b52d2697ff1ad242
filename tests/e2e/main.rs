//! End-to-end tests that build and benchmark real code. A binary of their own:
//! cargo runs test binaries one after another, and within it the tests take
//! turns, so nothing else competes with their measurements for the CPU.

#[path = "../support/mod.rs"]
mod support;

mod criterion_counting;
mod criterion_rerun;
mod init_check;
mod tiny_crate;

/// Held by each test while it builds and measures: the tests of this binary run one at a time.
pub static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Take the measuring turn (a test that panicked before does not block the others).
pub fn measuring_turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
