//! A stopwatch for the exact analysis's time limit (a safety net). In a browser
//! (`wasm32-unknown-unknown`) the standard library has no clock and panics if asked, so
//! there the stopwatch reads zero: the state budget, which is what normally ends an
//! analysis, still applies, and results are the same as the CLI's.

use std::time::Duration;

/// Time since [`Stopwatch::start`].
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    started: std::time::Instant,
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch {
            #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
            started: std::time::Instant::now(),
        }
    }

    /// Time since the start (always zero where there is no clock).
    pub fn elapsed(&self) -> Duration {
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        return self.started.elapsed();
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        return Duration::ZERO;
    }
}
