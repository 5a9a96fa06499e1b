//! Upper bounds on the runs of every path in the path summary, from a count-min sketch
//! of the runs of the paths it dropped.
//!
//! After a reduction, the summary's bound on the runs a path had before it last entered
//! is one figure for all (the `dropped_bound` of the time), so every path it holds might
//! beat what a listed path must, and the second pass recounted all of them: 33,037 on
//! the layered benchmark at 10M runs, whose prefixes cover nearly every likely run, so
//! that pass walked 9 of each run's 12 steps. Here each shard keeps, from its first
//! reduction on, the runs of every path it drops in a count-min sketch: two rows of
//! counters, a dropped path adding its count to one counter in each (picked by its
//! hash). A path's runs before it last entered the summary are those of its earlier
//! stays, each ended by a drop, so they are at most the smaller of its two counters,
//! and its runs in all at most that plus its count since it entered. A path whose bound
//! is no more than what a listed path must beat cannot be listed, and the second pass
//! need not count it (40 paths are left of the 33,037).
//!
//! The sketch is fed at the cuts, which look at every entry anyway, not per run.
//! Counters are 16 bits and stop at their top value, which stands for "no bound". The
//! bounds only ever remove candidates that cannot be listed, so the paths listed are
//! the same with them or without them.

use super::path_shards::{SHARDS, shard_of};
use super::paths::PathEntry;

/// Rows of counters.
const ROWS: usize = 2;

/// Counters per row in one shard's sketch (a power of two).
const WIDTH: usize = 1 << 16;

/// One shard's sketch (256 KB).
#[derive(Debug, Clone)]
pub struct CountMin {
    cells: Box<[u16]>,
}

impl Default for CountMin {
    fn default() -> Self {
        Self::new()
    }
}

impl CountMin {
    /// An empty sketch.
    pub fn new() -> CountMin {
        CountMin { cells: vec![0; ROWS * WIDTH].into_boxed_slice() }
    }

    /// The counters of a path, one per row.
    #[inline(always)]
    fn cells(hash: (u64, u64)) -> [usize; ROWS] {
        // The low bits of the hash's second half: the first half's top bits name the shard.
        let h = hash.1 as usize;
        [h % WIDTH, WIDTH + (h >> 16) % WIDTH]
    }

    /// Adds `n` runs of the path `hash`.
    #[inline(always)]
    pub fn add(&mut self, hash: (u64, u64), n: u64) {
        let n = u16::try_from(n).unwrap_or(u16::MAX);
        for i in Self::cells(hash) {
            self.cells[i] = self.cells[i].saturating_add(n);
        }
    }

    /// An upper bound on the runs of the path `hash` (`None`: too many to say).
    pub fn upper(&self, hash: (u64, u64)) -> Option<u64> {
        let least = Self::cells(hash).map(|i| self.cells[i]).into_iter().min().unwrap_or(u16::MAX);
        (least < u16::MAX).then_some(u64::from(least))
    }
}

/// The sketches of a sharded summary, one per shard.
#[derive(Debug, Clone)]
pub struct PathBounds {
    shards: Vec<CountMin>,
}

impl PathBounds {
    /// The shards' sketches, in shard order.
    pub fn new(shards: Vec<CountMin>) -> PathBounds {
        assert_eq!(shards.len(), SHARDS, "one sketch per shard");
        PathBounds { shards }
    }

    /// Whether the path `hash`, whose entry in the summary is `e`, might have more than
    /// `above` runs: its count since it entered, plus the smaller of the bound on its
    /// runs before that from the summary and the one from its shard's sketch.
    pub fn may_exceed(&self, hash: (u64, u64), e: &PathEntry, above: u64) -> bool {
        let before = match self.shards[shard_of(hash)].upper(hash) {
            Some(dropped) => dropped.min(e.entered_after),
            None => e.entered_after,
        };
        e.count + before > above
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_rng::xorshift;
    use std::collections::HashMap;

    /// Every path's bound is at least the runs added for it, and counters that overflow
    /// give no bound; with few paths the bounds are exact.
    #[test]
    fn bounds_are_never_below_the_runs() {
        let mut next = xorshift(3);
        let mut truth: HashMap<(u64, u64), u64> = HashMap::new();
        let mut sketch = CountMin::new();
        for id in 0..500u64 {
            let (hash, n) = ((id.wrapping_mul(0x9e37_79b9_7f4a_7c15), next()), 1 + next() % 50);
            sketch.add(hash, n);
            truth.insert(hash, n);
        }
        for (h, n) in &truth {
            assert_eq!(sketch.upper(*h), Some(*n), "few paths: exact");
        }
        let hashes: Vec<(u64, u64)> = (0..300_000u64).map(|id| (id, next())).collect();
        for _ in 0..1_000_000 {
            let h = hashes[(next() % hashes.len() as u64) as usize];
            let n = 1 + next() % 3;
            sketch.add(h, n);
            *truth.entry(h).or_default() += n;
        }
        let heavy = (7, 7);
        sketch.add(heavy, 70_000);
        for (h, n) in &truth {
            assert!(sketch.upper(*h).is_none_or(|u| u >= *n), "{h:?}");
        }
        assert_eq!(sketch.upper(heavy), None, "a counter at its top value gives no bound");
    }
}
