//! Bounded tallies of distinct paths.
//!
//! A chain of 900 two-way nodes has 2^900 paths, so paths cannot all be counted. Each
//! path is identified by a 128-bit hash of its branches. A [`PathTally`] counts hashes
//! exactly until it holds more than `2 * cap` of them; then it applies the Misra-Gries
//! reduction (subtract the `(cap + 1)`-th largest count from every count and drop those
//! that reach 0), which keeps every path whose share exceeds `1 / (cap + 1)` and marks the
//! tally as reduced.
//!
//! Beside the reduced counter, each entry keeps its exact count since it entered the
//! tally and a bound on the runs it had before. A path that is not in the tally was either
//! never seen or dropped; when dropped it had at most (its count since entry + its bound
//! before entry) runs, so the largest such figure over all drops, `dropped_bound`, bounds
//! every path outside the tally, and is the bound given to a path when it (re-)enters.
//! A path that entered before the first reduction has bound 0: its count and first run are
//! exact. When the `n` most frequent exact entries all beat every other path's bound, they
//! are the true top `n` and [`PathTally::certified_top`] returns them: no second pass.
//! Otherwise (the heavy paths were not seen before the first reduction, or the top paths
//! are about as rare as the ones the tally had to drop) the simulator walks the runs a second time and counts the
//! surviving candidates exactly. Either way, the counts written to `paths.csv` are exact.
//! Merges happen in chunk order, so the result never depends on the thread count.

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
    /// Runs counted since the path entered the tally (exact if `entered_after` is 0).
    pub count: u64,
    /// The Misra-Gries counter: `count` minus what reductions subtracted from it.
    pub reduced: u64,
    /// An upper bound on the runs this path had before it entered the tally (0: it was
    /// never dropped, so `count` is exact).
    pub entered_after: u64,
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
    /// The largest upper bound on the runs of any path when it was dropped: a bound on
    /// the runs of every path not in the tally.
    pub dropped_bound: u64,
}

impl PathTally {
    /// Counts one run.
    #[inline]
    pub fn add(&mut self, hash: (u64, u64), run: u64, outcome: u32) {
        self.entries
            .entry(hash)
            .and_modify(|e| {
                e.count += 1;
                e.reduced += 1;
            })
            .or_insert(PathEntry { count: 1, reduced: 1, entered_after: self.dropped_bound, first_run: run, outcome });
    }

    /// An empty tally with room for `n` paths.
    pub fn with_capacity(n: usize) -> Self {
        PathTally { entries: PathMap::with_capacity_and_hasher(n, Default::default()), ..Default::default() }
    }

    /// Adds another tally (of later runs) to this one, then bounds the size.
    ///
    /// `other` must cover runs after this one's and must not itself be reduced (it is a
    /// chunk's tally).
    pub fn merge(&mut self, other: PathTally, cap: usize) {
        debug_assert!(!other.reduced, "only a chunk's unreduced tally can be merged in");
        let before = self.dropped_bound;
        for (hash, e) in other.entries {
            self.entries
                .entry(hash)
                .and_modify(|mine| {
                    mine.count += e.count;
                    mine.reduced += e.count;
                    mine.first_run = mine.first_run.min(e.first_run);
                })
                .or_insert(PathEntry { entered_after: before, reduced: e.count, ..e });
        }
        if self.entries.len() > 2 * cap {
            let mut counts: Vec<u64> = self.entries.values().map(|e| e.reduced).collect();
            let (_, t, _) = counts.select_nth_unstable_by(cap, |a, b| b.cmp(a));
            let t = *t;
            let mut dropped = self.dropped_bound;
            self.entries.retain(|_, e| {
                e.reduced = e.reduced.saturating_sub(t);
                if e.reduced == 0 {
                    dropped = dropped.max(e.count + e.entered_after);
                }
                e.reduced > 0
            });
            self.dropped_bound = dropped;
            self.reduced = true;
        }
    }

    /// The `n` most frequent paths with exact counts, if the tally can prove which they
    /// are without a second pass (see the module documentation); always for an unreduced
    /// tally.
    pub fn certified_top(&self, n: usize) -> Option<Vec<((u64, u64), PathEntry)>> {
        if !self.reduced || n == 0 {
            return Some(self.top(n));
        }
        let mut exact: Vec<_> =
            self.entries.iter().filter(|(_, e)| e.entered_after == 0).map(|(h, e)| (*h, *e)).collect();
        if exact.len() < n {
            return None;
        }
        exact.select_nth_unstable_by(n - 1, rank);
        exact.truncate(n);
        exact.sort_unstable_by(rank);
        let floor = exact[n - 1].1.count;
        // Any path outside the tally had at most `dropped_bound` runs; an inexact entry at
        // most its count since entry plus its bound before entry.
        let beaten = self.dropped_bound < floor
            && self.entries.values().all(|e| e.entered_after == 0 || e.count + e.entered_after < floor);
        beaten.then_some(exact)
    }

    /// The `n` most frequent paths, ties broken by first run: `(hash, entry)`.
    pub fn top(&self, n: usize) -> Vec<((u64, u64), PathEntry)> {
        let mut all: Vec<_> = self.entries.iter().map(|(h, e)| (*h, *e)).collect();
        all.sort_unstable_by(rank);
        all.truncate(n);
        all
    }
}

/// Most runs first, then earliest first run (first runs are distinct).
fn rank(a: &((u64, u64), PathEntry), b: &((u64, u64), PathEntry)) -> std::cmp::Ordering {
    b.1.count.cmp(&a.1.count).then(a.1.first_run.cmp(&b.1.first_run))
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
        assert_eq!(t.top(1)[0].1, PathEntry { count: 34, reduced: 34, entered_after: 0, first_run: 0, outcome: 0 });

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

    /// Streams of paths with a few heavy ones and a long tail, cut into chunks and merged
    /// with a small cap: whenever `certified_top` answers, it is the brute-force top list.
    #[test]
    fn certified_top_is_the_true_top_or_nothing() {
        let (mut certified, mut refused) = (0, 0);
        for seed in 0..200u64 {
            let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            let heavy = 2 + seed % 6;
            let tail = 50 + (seed % 7) * 400;
            let mut truth: HashMap<(u64, u64), (u64, u64)> = HashMap::new();
            let mut total = PathTally::default();
            let mut run = 0u64;
            for _ in 0..40 {
                let mut chunk = PathTally::default();
                for _ in 0..64 {
                    let r = next();
                    let id = if r % 3 == 0 { r % heavy } else { heavy + next() % tail };
                    let hash = (id, id ^ 1);
                    chunk.add(hash, run, 0);
                    truth.entry(hash).or_insert((0, run)).0 += 1;
                    run += 1;
                }
                total.merge(chunk, 8);
            }
            let mut want: Vec<_> = truth.iter().map(|(h, (c, f))| (*h, *c, *f)).collect();
            want.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
            want.truncate(3);
            match total.certified_top(3) {
                Some(top) => {
                    let got: Vec<_> = top.iter().map(|(h, e)| (*h, e.count, e.first_run)).collect();
                    assert_eq!(got, want, "seed {seed}");
                    certified += 1;
                }
                None => refused += 1,
            }
        }
        // Both answers occur, so both branches of the proof are exercised.
        assert!(certified > 20 && refused > 20, "certified {certified}, refused {refused}");
    }
}
