//! A stop flag that long loops poll (between runs, between chunks, and every 65,536
//! steps inside a long run), so a caller can stop any computation within a fraction of a
//! second. The CLI sets it from Ctrl-C, SIGTERM and SIGHUP; a browser could set it from
//! a button. Loops that see it return an "interrupted" error and write nothing.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether a stop was asked for.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Asks every running computation to stop.
pub fn trigger() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}
