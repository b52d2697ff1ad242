//! Ctrl-C (and SIGTERM): remember that the user asked to stop, so that the
//! running command is killed and temporary checkouts are removed on the way
//! out instead of being left behind by an abrupt exit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// Install the handler (once per process). Without it, SIGINT ends the process
/// before destructors run.
pub fn install() {
    INSTALL.call_once(|| {
        // If another handler is already installed (embedding), interruption simply isn't observed.
        let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    });
}

/// Whether Ctrl-C (or SIGTERM) arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
