//! `whatif`: a simulator for illustrative what-if scenarios.
//!
//! A scenario file (YAML, format 1) describes speculative outcomes as chance nodes with
//! weighted branches. This library loads and validates such files ([`scenario`]), walks
//! them with a seeded, reproducible Monte Carlo sampler ([`engine`]) and writes CSV
//! summaries ([`output`]). The binary in `main.rs` is a thin shell around
//! [`commands::dispatch`]. Nothing here is a forecast: files must declare themselves
//! illustrative, and every result carries their notice.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod format;
pub mod interrupt;
pub mod output;
pub mod progress;
pub mod scenario;
pub mod stats;
pub mod yaml;
