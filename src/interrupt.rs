//! Ctrl-C, SIGTERM and SIGHUP: a flag that long loops poll (between runs, and every
//! 65,536 steps inside a long run), so an interrupted or terminated command stops within
//! a fraction of a second, removes its temporary files and exits with status 130.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler of SIGINT, SIGTERM and SIGHUP (the binary does this once at start).
pub fn install() {
    // If a handler cannot be installed, Ctrl-C keeps its default effect, which loses
    // only temporary files; there is nothing better to do about it here.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// Whether Ctrl-C was pressed (or the process was asked to terminate).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Marks the process as interrupted (for tests of the code paths that react to it).
pub fn trigger() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}
