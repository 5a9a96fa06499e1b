//! The engine of `whatif`, as a library that returns plain data.
//!
//! Scenario files are loaded and validated into a compiled form ([`scenario`]), walked
//! by a seeded, reproducible Monte Carlo sampler ([`engine`]), analysed exactly where the
//! maths allows ([`engine::exact`]) and compared, swept and replayed ([`analysis`]).
//! Nothing here touches a terminal, a thread pool, signals or the file system (scenarios
//! come in as text, [`scenario::load_str`]), so the same code runs in the CLI and
//! compiled to WebAssembly in a browser. Work over chunks of runs goes through an
//! [`executor::Executor`]: serial unless the caller installs a parallel one, with the
//! same bytes either way. Nothing here is a forecast: files must declare themselves
//! illustrative, and every result carries their notice.

pub mod analysis;
pub mod clock;
pub mod diagram;
pub mod engine;
pub mod executor;
pub mod export;
pub mod format;
pub mod interrupt;
pub mod scenario;
pub mod stats;
pub mod yaml;
