//! The simulation engine: random streams, the walk, per-chunk tallies and their ordered
//! merge.

pub mod collect;
pub mod exact;
mod exact_given;
pub mod path_bounds;
pub mod path_shards;
pub mod paths;
pub mod plan;
mod prefixes;
pub mod rng;
pub mod simulate;
pub mod sketch;
pub mod tally;
#[cfg(test)]
mod test_rng;
pub mod walk;
