//! `whatif`: a simulator for illustrative what-if scenarios.
//!
//! A scenario file (YAML, format 1) describes speculative outcomes as chance nodes with
//! weighted branches. The engine (`whatif-core`, re-exported here as [`scenario`],
//! [`engine`], [`analysis`]) loads, walks and analyses them; this crate is the command
//! line around it: arguments ([`cli`]), commands ([`commands`]), files and terminal
//! tables ([`output`]), threads ([`parallel`]), progress and signals. The binary in
//! `main.rs` is a thin shell around [`commands::dispatch`]. Nothing here is a forecast: files must declare themselves
//! illustrative, and every result carries their notice.

pub mod cli;
pub mod commands;
pub mod files;
pub mod interrupt;
pub mod output;
pub mod parallel;
pub mod progress;

// The engine lives in `crates/core` (`whatif-core`, which also builds for the browser);
// its modules are re-exported under their old paths.
pub use whatif_core::{analysis, diagram, engine, executor, format, stats, yaml};

/// The core's scenario module, with [`files::load_file`] beside `load_str`.
pub mod scenario {
    pub use crate::files::load_file;
    pub use whatif_core::scenario::*;
}
