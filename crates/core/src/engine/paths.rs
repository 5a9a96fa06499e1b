//! Bounded tallies of distinct paths.
//!
//! A chain of 900 two-way nodes has 2^900 paths, so paths cannot all be counted. Each
//! path is identified by 128 bits: where every path fits a 64-bit code of its branch
//! places, two bijections of that code ([`crate::engine::plan::Plan::path_code`]), else a
//! hash of its branches. A [`PathTally`] counts these exactly until it holds more than
//! `2 * cap` of them; then it applies the Misra-Gries reduction (subtract the
//! `(cap + 1)`-th largest count from every count and drop those that reach 0), which
//! keeps every path whose share exceeds `1 / (cap + 1)` and marks the tally as reduced.
//!
//! Beside the reduced counter, each entry keeps its exact count since it entered the
//! tally and a bound on the runs it had before. A path that is not in the tally was either
//! never seen or dropped; when dropped it had at most (its count since entry + its bound
//! before entry) runs, so the largest such figure over all drops, `dropped_bound`, bounds
//! every path outside the tally, and is the bound given to a path when it (re-)enters.
//! A path that entered before the first reduction has bound 0: its count and first run are
//! exact.
//!
//! So every path that is not exactly counted had at most `u` runs (the largest of those
//! bounds), and the exact entries with more than `u` runs are provably the most frequent
//! paths, in exact order: [`PathTally::top_paths`] lists them, up to `n`, without a second
//! pass. When they do not fill the `n` rows and some inexact entry might still beat
//! `dropped_bound` (the heavy paths were first seen after the summary filled up), the
//! simulator walks the runs a second time, counts the surviving candidates exactly (those
//! whose own bounds, where [`PathTally::bounds`] gives them, say they might beat it), and
//! lists those with more than `dropped_bound` runs. Either way every listed count is
//! exact, and every path that is not listed had no more runs than the last listed one
//! (and fewer, if the list is short: in a very flat distribution, where no path stands
//! out from the ones the summary had to drop, few or no paths are listed).
//! Merges happen in chunk order, so the result never depends on the thread count.

use super::path_bounds::PathBounds;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// For keys that are already well mixed hashes (paths here, exact-analysis states): the
/// map uses their bits directly.
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
    /// Bounds on the runs of the paths in the tally, path by path, where the summary
    /// keeps them (the sharded summary, once reduced: see [`PathBounds`]).
    pub bounds: Option<PathBounds>,
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
        absorb(&mut self.entries, other.entries, self.dropped_bound);
        if self.entries.len() > 2 * cap {
            self.dropped_bound = reduce(&mut [&mut self.entries], cap, self.dropped_bound);
            self.reduced = true;
        }
    }

    /// The most frequent paths, at most `n`, with exact counts, as far as this tally can
    /// prove them (see the module documentation), or the bound a recount must beat.
    ///
    /// Every path that is not exactly counted here had at most `u` runs: the larger of
    /// `dropped_bound` and each inexact entry's count plus its bound before entry. Exact
    /// entries with more than `u` runs are therefore the true leaders, in exact order.
    /// When they fill the `n` rows, or when no inexact entry could beat `dropped_bound`
    /// (so a recount could not list more), they are the answer; otherwise a recount of the
    /// candidates is worth it, and it may list the candidates with more than
    /// `dropped_bound` runs.
    pub fn top_paths(&self, n: usize) -> TopPaths {
        if !self.reduced || n == 0 {
            return TopPaths::Known(self.top(n));
        }
        let inexact_max =
            self.entries.values().filter(|e| e.entered_after > 0).map(|e| e.count + e.entered_after).max();
        let u = inexact_max.unwrap_or(0).max(self.dropped_bound);
        let mut exact: Vec<_> =
            self.entries.iter().filter(|(_, e)| e.entered_after == 0 && e.count > u).map(|(h, e)| (*h, *e)).collect();
        leaders(&mut exact, n);
        if exact.len() == n || u == self.dropped_bound {
            TopPaths::Known(exact)
        } else {
            TopPaths::Recount { above: self.dropped_bound }
        }
    }

    /// The `n` most frequent paths, ties broken by first run: `(hash, entry)`.
    pub fn top(&self, n: usize) -> Vec<((u64, u64), PathEntry)> {
        let mut all: Vec<_> = self.entries.iter().map(|(h, e)| (*h, *e)).collect();
        leaders(&mut all, n);
        all
    }
}

/// Runs of one path within a chunk, as the chunk hands them to the summary (32 bytes
/// where a [`PathMap`] entry takes 56). A chunk may hand over several for one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRuns {
    pub hash: (u64, u64),
    /// The first of them.
    pub first_run: u64,
    pub runs: u32,
    pub outcome: u32,
}

/// Adds runs' paths (runs after those already in `map`, records in the order of their
/// first runs) to a summary whose bound on paths outside it is `dropped_bound`: the same
/// as [`absorb`] with those runs' path tally.
#[inline]
pub fn absorb_runs(map: &mut PathMap<PathEntry>, runs: &[PathRuns], dropped_bound: u64) {
    let entries = runs.iter().map(|r| {
        let n = u64::from(r.runs);
        (r.hash, PathEntry { count: n, reduced: n, entered_after: 0, first_run: r.first_run, outcome: r.outcome })
    });
    absorb(map, entries, dropped_bound);
}

/// Adds a chunk's path counts (of runs after those already in `map`) to a summary whose
/// bound on paths outside it is `dropped_bound`: a path new to the summary enters with
/// that bound.
#[inline]
pub fn absorb(
    map: &mut PathMap<PathEntry>,
    chunk: impl IntoIterator<Item = ((u64, u64), PathEntry)>,
    dropped_bound: u64,
) {
    for (hash, e) in chunk {
        map.entry(hash)
            .and_modify(|mine| {
                mine.count += e.count;
                mine.reduced += e.count;
                mine.first_run = mine.first_run.min(e.first_run);
            })
            .or_insert(PathEntry { entered_after: dropped_bound, reduced: e.count, ..e });
    }
}

/// The Misra-Gries reduction of a summary held in one or more maps (a path is in at
/// most one): subtracts the `(cap + 1)`-th largest reduced counter from every counter,
/// drops the entries that reach 0, and returns the new bound on the runs of every path
/// outside the summary (`dropped_bound`, raised by what was dropped).
pub fn reduce(maps: &mut [&mut PathMap<PathEntry>], cap: usize, dropped_bound: u64) -> u64 {
    let mut census = Census::default();
    for map in maps.iter() {
        census.count(map);
    }
    let t = census.threshold(cap);
    for map in maps.iter_mut() {
        cut(map, t);
    }
    census.dropped_bound(t, dropped_bound)
}

/// Subtracts `t` from every reduced counter of `map` and drops the entries that reach 0
/// (the second half of a reduction, once [`Census::threshold`] has given `t`).
pub fn cut(map: &mut PathMap<PathEntry>, t: u64) {
    cut_telling(map, t, |_, _| {});
}

/// [`cut`], telling `dropped` of each entry it drops.
pub fn cut_telling(map: &mut PathMap<PathEntry>, t: u64, mut dropped: impl FnMut((u64, u64), &PathEntry)) {
    map.retain(|hash, e| {
        e.reduced = e.reduced.saturating_sub(t);
        let keep = e.reduced > 0;
        if !keep {
            dropped(*hash, e);
        }
        keep
    });
}

/// Counters below this are counted by value when looking for the threshold.
const SMALL_COUNTER: usize = 64;

/// What a reduction needs to know of a summary, gathered map by map (so that the maps
/// of a sharded summary can be counted by different threads and the counts added up):
/// how many counters take each small value and the largest bound among the paths with
/// that value, and the larger counters one by one with their paths' bounds. A path's
/// bound is its count plus its bound before entry: what it may have had in all, which
/// is what the summary must remember of it if it is dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Census {
    by_value: [usize; SMALL_COUNTER],
    bound_by_value: [u64; SMALL_COUNTER],
    /// `(counter, bound)` of the counters of [`SMALL_COUNTER`] or more.
    large: Vec<(u64, u64)>,
}

impl Default for Census {
    fn default() -> Self {
        Census { by_value: [0; SMALL_COUNTER], bound_by_value: [0; SMALL_COUNTER], large: Vec::new() }
    }
}

impl Census {
    /// Adds the entries of one map.
    pub fn count(&mut self, map: &PathMap<PathEntry>) {
        for e in map.values() {
            let bound = e.count + e.entered_after;
            // Compared as u64: a 32-bit usize (WebAssembly) would cut a large counter short.
            if e.reduced < SMALL_COUNTER as u64 {
                let v = e.reduced as usize;
                self.by_value[v] += 1;
                self.bound_by_value[v] = self.bound_by_value[v].max(bound);
            } else {
                self.large.push((e.reduced, bound));
            }
        }
    }

    /// Adds another census (of other maps).
    pub fn add(&mut self, other: &Census) {
        for v in 0..SMALL_COUNTER {
            self.by_value[v] += other.by_value[v];
            self.bound_by_value[v] = self.bound_by_value[v].max(other.bound_by_value[v]);
        }
        self.large.extend_from_slice(&other.large);
    }

    /// The `(cap + 1)`-th largest counter (there must be more than `cap + 1`).
    pub fn threshold(&mut self, cap: usize) -> u64 {
        if self.large.len() > cap {
            return self.large.select_nth_unstable_by(cap, |a, b| b.0.cmp(&a.0)).1.0;
        }
        // The counter at place `cap` (from 0, largest first) is the one at place
        // `cap - large.len()` among the small ones.
        let mut place = cap - self.large.len();
        for (value, &n) in self.by_value.iter().enumerate().rev() {
            if n > place {
                return value as u64;
            }
            place -= n;
        }
        unreachable!("a reduction only happens with more than twice `cap` counters")
    }

    /// The bound on every path outside the summary once counters up to `t` are dropped,
    /// given the bound before.
    pub fn dropped_bound(&self, t: u64, before: u64) -> u64 {
        let small = self.by_value.iter().zip(&self.bound_by_value).enumerate();
        let small = small.filter(|(v, (n, _))| **n > 0 && *v as u64 <= t).map(|(_, (_, b))| *b);
        let large = self.large.iter().filter(|(c, _)| *c <= t).map(|(_, b)| *b);
        small.chain(large).fold(before, u64::max)
    }

    /// The entries left once counters up to `t` are dropped.
    pub fn survivors(&self, t: u64) -> usize {
        let small: usize = self.by_value.iter().enumerate().filter(|(v, _)| *v as u64 > t).map(|(_, n)| n).sum();
        small + self.large.iter().filter(|(c, _)| *c > t).count()
    }
}

/// What [`PathTally::top_paths`] found.
#[derive(Debug)]
pub enum TopPaths {
    /// The leading paths, most runs first (ties: earliest first run), counts exact.
    Known(Vec<((u64, u64), PathEntry)>),
    /// Count the candidates again; list those with more than `above` runs.
    Recount { above: u64 },
}

/// Keeps the `n` first of `all` in [`rank`] order, sorted: a selection, then a sort of
/// those only (the order is total, so the same rows as sorting everything).
pub fn leaders(all: &mut Vec<((u64, u64), PathEntry)>, n: usize) {
    if n == 0 {
        all.clear();
        return;
    }
    if all.len() > n {
        all.select_nth_unstable_by(n - 1, rank);
        all.truncate(n);
    }
    all.sort_unstable_by(rank);
}

/// Most runs first, then earliest first run (first runs are distinct).
pub fn rank(a: &((u64, u64), PathEntry), b: &((u64, u64), PathEntry)) -> std::cmp::Ordering {
    b.1.count.cmp(&a.1.count).then(a.1.first_run.cmp(&b.1.first_run))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The threshold is the `(cap + 1)`-th largest counter, found by sorting, whether it
    /// falls among the small counters or the large ones; the census also gives the bound
    /// of what is dropped and how many entries are left, as a look at every entry does.
    #[test]
    fn threshold_is_the_counter_after_the_cap() {
        let mut next = crate::engine::test_rng::xorshift(7);
        for round in 0..400u64 {
            let n = 50 + (round as usize * 37) % 400;
            let counters: Vec<u64> = (0..n)
                .map(|_| {
                    let state = next();
                    // Mostly small, some around the cut between small and large, a few large.
                    match state % 10 {
                        0 => 60 + state % 10,
                        1 => 1000 + state % 5000,
                        _ => 1 + state % (1 + round % 8),
                    }
                })
                .collect();
            let cap = (round as usize * 13) % (n - 1);
            let mut sorted = counters.clone();
            sorted.sort_unstable_by(|a, b| b.cmp(a));
            let mut map = PathMap::default();
            for (i, &c) in counters.iter().enumerate() {
                let i = i as u64;
                let e = PathEntry { count: c + i % 3, reduced: c, entered_after: i % 5, first_run: i, outcome: 0 };
                map.insert((i, i), e);
            }
            let mut census = Census::default();
            census.count(&map);
            let t = census.threshold(cap);
            assert_eq!(t, sorted[cap], "round {round}, cap {cap}");
            let dropped = map.values().filter(|e| e.reduced <= t).map(|e| e.count + e.entered_after).max();
            assert_eq!(census.dropped_bound(t, 7), dropped.unwrap_or(0).max(7), "round {round}");
            assert_eq!(census.survivors(t), counters.iter().filter(|&&c| c > t).count(), "round {round}");
        }
    }

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
    /// with a small cap; in some streams a heavy path only starts after the summary has
    /// filled up. Whatever `top_paths` answers (after a brute-force recount where it asks
    /// for one), it is a prefix of the true order over all paths, and nothing unlisted
    /// has more runs than the listed ones.
    #[test]
    fn top_paths_are_a_prefix_of_the_true_order() {
        let (mut known, mut recounted, mut short) = (0, 0, 0);
        for seed in 0..300u64 {
            let mut next = crate::engine::test_rng::xorshift(seed);
            let heavy = 2 + seed % 6;
            let tail = 50 + (seed % 7) * 400;
            let late = seed % 3 == 0;
            let mut truth: HashMap<(u64, u64), (u64, u64)> = HashMap::new();
            let mut total = PathTally::default();
            let mut run = 0u64;
            for chunk_no in 0..40 {
                let mut chunk = PathTally::default();
                for _ in 0..64 {
                    let r = next();
                    // A late heavy path (id 999) takes a quarter of the runs from chunk 20 on.
                    let id = if late && chunk_no >= 20 && r.is_multiple_of(4) {
                        999
                    } else if r.is_multiple_of(3) {
                        r % heavy
                    } else {
                        heavy + next() % tail
                    };
                    let hash = (id, id ^ 1);
                    chunk.add(hash, run, 0);
                    truth.entry(hash).or_insert((0, run)).0 += 1;
                    run += 1;
                }
                total.merge(chunk, 8);
            }
            let mut order: Vec<_> = truth.iter().map(|(h, (c, f))| (*h, *c, *f)).collect();
            order.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
            let got: Vec<_> = match total.top_paths(3) {
                TopPaths::Known(top) => {
                    known += 1;
                    top.iter().map(|(h, e)| (*h, e.count, e.first_run)).collect()
                }
                TopPaths::Recount { above } => {
                    recounted += 1;
                    let mut exact: Vec<_> = total
                        .entries
                        .keys()
                        .map(|h| (*h, truth[h].0, truth[h].1))
                        .filter(|(_, c, _)| *c > above)
                        .collect();
                    exact.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
                    exact.truncate(3);
                    exact
                }
            };
            assert_eq!(got, order[..got.len()], "seed {seed}");
            if got.len() < 3 {
                short += 1;
                if let Some(last) = got.last() {
                    assert!(order[got.len()].1 < last.1, "seed {seed}: a short list must stop at a real gap");
                }
            }
            if !total.reduced {
                assert_eq!(got.len(), 3.min(order.len()));
            }
        }
        // Every way through is exercised.
        assert!(known > 20 && recounted > 20 && short > 5, "known {known}, recounted {recounted}, short {short}");
    }
}
