//! Upper bounds on the runs of every path, from a count-min sketch kept beside the path
//! summary once it has had to drop paths.
//!
//! After a reduction, the summary's bound on a path it may have dropped is one figure
//! for all (`dropped_bound`), so every path it holds might beat it, and the second pass
//! recounted all of them: 33,037 on the layered benchmark at 10M runs, whose prefixes
//! cover nearly every likely run, so that pass walked 9 of each run's 12 steps. A
//! count-min sketch bounds each path on its own: two rows of counters, a path adding its
//! runs to one counter in each (picked by its hash), so that the smaller of its two
//! counters is at least its runs. A path whose bound is at most what a listed path must
//! beat cannot be listed, and the second pass need not count it (40 paths are left of
//! the 33,037).
//!
//! A shard's sketch starts at the summary's first reduction, from the summary itself
//! (until then every path seen is in it, counted exactly), and takes every run merged
//! after that, so it covers every run. It is kept only where a second pass looks likely
//! (see `ShardedPaths`): each run costs the merge a cache miss or two. Counters are 16
//! bits and stop at their top value, which stands for "no bound". The bounds only ever
//! remove candidates that cannot be listed, so the paths listed are the same with them
//! or without them.

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

impl CountMin {
    /// A sketch of the entries of a summary that has not dropped a path yet (their counts
    /// are every run so far).
    pub fn of<'a>(entries: impl IntoIterator<Item = (&'a (u64, u64), &'a PathEntry)>) -> CountMin {
        let mut sketch = CountMin { cells: vec![0; ROWS * WIDTH].into_boxed_slice() };
        for (hash, e) in entries {
            debug_assert_eq!(e.entered_after, 0, "a sketch starts from exact counts");
            sketch.add(*hash, e.count);
        }
        sketch
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

    /// Whether the path `hash` might have more than `above` runs.
    pub fn may_exceed(&self, hash: (u64, u64), above: u64) -> bool {
        self.shards[shard_of(hash)].upper(hash).is_none_or(|u| u > above)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_rng::xorshift;
    use std::collections::HashMap;

    /// Every path's bound is at least its runs, for paths added at the start and later,
    /// and counters that overflow give no bound; with few paths the bounds are exact.
    #[test]
    fn bounds_are_never_below_the_runs() {
        let mut next = xorshift(3);
        let mut truth: HashMap<(u64, u64), u64> = HashMap::new();
        let mut first = HashMap::new();
        for id in 0..500u64 {
            let hash = (id.wrapping_mul(0x9e37_79b9_7f4a_7c15), next());
            let e = PathEntry { count: 1 + next() % 50, reduced: 1, entered_after: 0, first_run: id, outcome: 0 };
            first.insert(hash, e);
            truth.insert(hash, e.count);
        }
        let mut sketch = CountMin::of(&first);
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
