//! Bounded tallies of distinct paths.
//!
//! A chain of 900 two-way nodes has 2^900 paths, so paths cannot all be counted. Each
//! path is identified by a 128-bit hash of its branches. A [`PathTally`] counts hashes
//! exactly until it holds more than `2 * cap` of them; then it applies the Misra-Gries
//! reduction (subtract the `(cap + 1)`-th largest count from every count and drop those
//! that reach 0), which keeps every path whose share exceeds `1 / (cap + 1)` and marks the
//! tally as reduced. A reduced tally's counts are lower bounds, so the simulator then
//! walks the runs a second time and counts the surviving candidates exactly. Either way,
//! the counts written to `paths.csv` are exact. Merges happen in chunk order, so the
//! result never depends on the thread count.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Path hashes are already well mixed, so the map uses their bits directly.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

/// A map keyed by path hash.
pub type PathMap<V> = HashMap<(u64, u64), V, BuildHasherDefault<PassThrough>>;

/// What is kept per path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathEntry {
    pub count: u64,
    /// The first run that took this path (to rebuild its text, and to break ties).
    pub first_run: u64,
    pub outcome: u32,
}

/// Path counts for a range of runs.
#[derive(Debug, Clone, Default)]
pub struct PathTally {
    pub entries: PathMap<PathEntry>,
    /// Whether any reduction happened (counts are then lower bounds).
    pub reduced: bool,
}

impl PathTally {
    /// Counts one run.
    #[inline]
    pub fn add(&mut self, hash: (u64, u64), run: u64, outcome: u32) {
        self.entries.entry(hash).and_modify(|e| e.count += 1).or_insert(PathEntry {
            count: 1,
            first_run: run,
            outcome,
        });
    }

    /// Adds another tally (of later runs) to this one, then bounds the size.
    pub fn merge(&mut self, other: PathTally, cap: usize) {
        self.reduced |= other.reduced;
        for (hash, e) in other.entries {
            self.entries
                .entry(hash)
                .and_modify(|mine| {
                    mine.count += e.count;
                    mine.first_run = mine.first_run.min(e.first_run);
                })
                .or_insert(e);
        }
        if self.entries.len() > 2 * cap {
            let mut counts: Vec<u64> = self.entries.values().map(|e| e.count).collect();
            let (_, t, _) = counts.select_nth_unstable_by(cap, |a, b| b.cmp(a));
            let t = *t;
            self.entries.retain(|_, e| {
                e.count = e.count.saturating_sub(t);
                e.count > 0
            });
            self.reduced = true;
        }
    }

    /// The `n` most frequent paths, ties broken by first run: `(hash, entry)`.
    pub fn top(&self, n: usize) -> Vec<((u64, u64), PathEntry)> {
        let mut all: Vec<_> = self.entries.iter().map(|(h, e)| (*h, *e)).collect();
        all.sort_unstable_by(|a, b| b.1.count.cmp(&a.1.count).then(a.1.first_run.cmp(&b.1.first_run)));
        all.truncate(n);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_until_the_cap_then_keeps_heavy_paths() {
        let mut t = PathTally::default();
        for run in 0..100 {
            t.add((run % 3, 0), run, 0);
        }
        assert!(!t.reduced);
        assert_eq!(t.top(1)[0].1, PathEntry { count: 34, first_run: 0, outcome: 0 });

        let mut big = PathTally::default();
        let mut run = 0;
        for chunk in 0..50u64 {
            let mut c = PathTally::default();
            for i in 0..100u64 {
                // One heavy path (a third of runs), the rest all distinct.
                let h = if i % 3 == 0 { (7, 7) } else { (chunk, i) };
                c.add(h, run, 0);
                run += 1;
            }
            big.merge(c, 10);
        }
        assert!(big.reduced);
        assert!(big.entries.len() <= 20);
        let top = big.top(1);
        assert_eq!(top[0].0, (7, 7));
        assert_eq!(top[0].1.first_run, 0);
    }
}
