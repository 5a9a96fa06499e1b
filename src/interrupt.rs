//! Ctrl-C, SIGTERM and SIGHUP: the handler sets the engine's stop flag
//! ([`whatif_core::interrupt`]), so an interrupted or terminated command stops within a
//! fraction of a second, removes its temporary files and exits with status 130.

use std::sync::atomic::{AtomicUsize, Ordering};
pub use whatif_core::interrupt::{interrupted, trigger};

/// Output sets alive, which must be cleaned up before the process may end.
static HELD: AtomicUsize = AtomicUsize::new(0);

/// Installs the handler of SIGINT, SIGTERM and SIGHUP (the binary does this once at start).
pub fn install() {
    // If a handler cannot be installed, Ctrl-C keeps its default effect, which loses
    // only temporary files; there is nothing better to do about it here.
    let _ = ctrlc::set_handler(|| {
        trigger();
        // With nothing written yet (reading or parsing a file, say) there is nothing to
        // clean up, so the process ends at once instead of at the next poll.
        if HELD.load(Ordering::SeqCst) == 0 {
            eprintln!("interrupted: nothing was written");
            std::process::exit(130);
        }
    });
}

/// While a guard lives, an interruption waits for the holder to clean up.
pub struct Hold(());

impl Hold {
    /// Marks cleanup work (an output set with temporary files) as pending.
    pub fn new() -> Self {
        HELD.fetch_add(1, Ordering::SeqCst);
        Hold(())
    }
}

impl Default for Hold {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        HELD.fetch_sub(1, Ordering::SeqCst);
    }
}
