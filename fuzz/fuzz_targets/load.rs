//! Fuzzes scenario loading, and for files that load, a short simulation and a small
//! exact analysis: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::Duration;
use whatif::engine::exact::{Budget, analyse};
use whatif::engine::simulate::{SimConfig, simulate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match whatif::scenario::load_str("fuzz.yaml", text) {
        Err(e) => {
            // Rendering the message exercises the locator and the snippets.
            let _ = e.to_string();
        }
        Ok(sc) => {
            let cfg = SimConfig { runs: 20, seed: 1, threads: 1, max_paths: 5 };
            let _ = simulate(&sc, &cfg, None);
            let _ = analyse(&sc, Budget { max_states: 5_000, max_time: Duration::from_secs(1) });
        }
    }
});
