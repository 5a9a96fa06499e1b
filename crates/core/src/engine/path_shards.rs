//! The path summary of a simulation, cut by hash into shards that threads merge at the
//! same time.
//!
//! Merging every chunk's paths into one [`PathTally`] is serial work (a chunk is merged
//! after the one before it) and took 7-8% of a one-thread run, so on many threads it
//! would cap the speed-up near thirteen, and lower as its cache misses grow. Here the
//! summary is [`SHARDS`] maps, a path going to the one its hash's top bits name. The
//! worker that counted a chunk cuts its paths the same way ([`ChunkPaths`]); the ordered
//! merge only hands the pieces over ([`ShardedPaths::push`]); and any thread with a
//! moment (a worker between chunks) merges whatever pieces are ready
//! ([`ShardedPaths::help`]): each shard takes its pieces in chunk order, while other
//! threads merge other shards.
//!
//! The result is that of [`PathTally::merge`], chunk after chunk. A path only ever
//! meets the pieces of its own shard, and the one step that looks at the whole summary,
//! the reduction when it holds more than twice the cap, happens only at a chunk where
//! every shard has stopped. Shards run ahead as long as an upper bound on the summary's
//! size (its size at the last stop, plus the paths of every chunk since, less those a
//! merged piece found already there) rules a reduction out. The first chunk that could
//! take it past the limit is a stop: every shard merges that chunk and goes no further,
//! and the last shard to get there counts the summary. If it is over the limit, it is
//! reduced as the serial merge would have after that chunk, mostly in parallel: each
//! shard takes a census of its counters ([`Census`]), the last one counted works out
//! the threshold and the new bound on dropped paths, and each shard subtracts the
//! threshold from its counters (dropping those it takes to zero) when it next merges.

use super::paths::{Census, PathEntry, PathMap, PathTally, absorb, cut};
use crate::clock::Stopwatch;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// Shards of the summary (a path's shard is the top four bits of its hash).
pub const SHARDS: usize = 16;

/// Chunks the ordered merge may hand over before their pieces are merged; beyond that
/// it merges pieces itself, so that memory stays flat.
const MOST_BEHIND: u64 = 32;

/// One chunk's paths that fall in one shard.
pub type Piece = Vec<((u64, u64), PathEntry)>;

/// The shard of a path.
#[inline]
pub fn shard_of(hash: (u64, u64)) -> usize {
    (hash.0 >> 60) as usize
}

/// One chunk's path counts, as the chunk's runs are walked: slots of 32 bytes (count,
/// first run within the chunk, outcome) where a [`PathTally`] entry takes 56, on a table
/// that each thread keeps from one chunk to the next (a table allocated and freed per
/// chunk is near the allocator's threshold for fresh pages, and faulted them in every
/// time). [`ChunkPaths::into_pieces`] gives the pieces of cutting the chunk's
/// [`PathTally`] by shard (a test checks it).
pub struct ChunkPaths {
    /// The chunk's first run.
    lo: u64,
    map: PathMap<(u32, u32, u32)>,
}

thread_local! {
    /// The emptied table of this thread's last chunk.
    static SPARE: std::cell::Cell<Option<PathMap<(u32, u32, u32)>>> = const { std::cell::Cell::new(None) };
}

impl ChunkPaths {
    /// Counts for the chunk of runs starting at run `lo` (at most `u32::MAX` runs).
    pub fn new(lo: u64, runs: usize) -> Self {
        let map = SPARE.take().unwrap_or_else(|| PathMap::with_capacity_and_hasher(runs, Default::default()));
        ChunkPaths { lo, map }
    }

    /// Counts run `run`, which took the path `hash` to `outcome`.
    #[inline]
    pub fn add(&mut self, hash: (u64, u64), run: u64, outcome: u32) {
        let at = (run - self.lo) as u32;
        self.map.entry(hash).and_modify(|e| e.0 += 1).or_insert((1, at, outcome));
    }

    /// The chunk's paths, one piece per shard; the table goes back to the thread.
    pub fn into_pieces(mut self) -> Vec<Piece> {
        let room = self.map.len() / SHARDS * 3 / 2 + 8;
        let mut pieces: Vec<Piece> = (0..SHARDS).map(|_| Vec::with_capacity(room)).collect();
        for (hash, (count, at, outcome)) in self.map.drain() {
            let (count, first_run) = (u64::from(count), self.lo + u64::from(at));
            let e = PathEntry { count, reduced: count, entered_after: 0, first_run, outcome };
            pieces[shard_of(hash)].push((hash, e));
        }
        SPARE.set(Some(self.map));
        pieces
    }
}

/// The summary being merged (see the module documentation).
pub struct ShardedPaths {
    cap: usize,
    shards: Vec<Shard>,
    control: Mutex<Control>,
    /// Chunks below this one may be merged.
    open_below: AtomicU64,
    /// Where the next [`ShardedPaths::help`] starts, so that helpers spread out.
    next_start: AtomicUsize,
}

struct Shard {
    table: Mutex<Table>,
    /// Pieces handed over and not merged yet, in chunk order.
    inbox: Mutex<VecDeque<(u64, Piece)>>,
    /// Chunks merged into this shard.
    merged: AtomicU64,
}

struct Table {
    entries: PathMap<PathEntry>,
    /// The summary's bound on paths outside it, as of the last reduction.
    dropped_bound: u64,
    /// A reduction's threshold not yet applied to this shard (the next merge applies
    /// it first).
    cut: Option<u64>,
    /// The summary is over its limit at a stop: this shard's [`Census`] is wanted.
    census_due: bool,
}

struct Control {
    /// Chunks handed over but not open yet, with their number of paths.
    waiting: VecDeque<(u64, usize)>,
    /// An upper bound on the summary's size once every open chunk is merged: its size
    /// now plus the paths of every open piece not merged yet.
    bound: usize,
    /// The open chunk after which the summary must be counted, and how many shards
    /// have merged it.
    stop: Option<(u64, usize)>,
    reduced: bool,
    dropped_bound: u64,
    stops: StopStats,
    /// At a stop where the summary is over its limit: the census of the shards counted
    /// so far, and how many are left.
    census: Option<(Census, usize)>,
}

/// What the stops cost (for the benchmarks: the one step of the summary that no two
/// threads can share).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StopStats {
    /// Chunks after which the summary was counted.
    pub stops: u64,
    /// Stops where it was over its limit and reduced.
    pub reductions: u64,
    /// Time spent with every shard held: counting the summary at each stop, and at a
    /// reduction, working out the threshold and handing it to the shards (zero where
    /// there is no clock, in a browser).
    pub held: std::time::Duration,
    /// Time the shards spent on their censuses at reductions, each shard on its own
    /// (in parallel, while the stop holds them).
    pub census: std::time::Duration,
}

impl ShardedPaths {
    /// An empty summary that reduces itself above `2 * cap` paths, with room for about
    /// `room` paths in all.
    pub fn new(cap: usize, room: usize) -> ShardedPaths {
        // A shard's share of `room`, with a little more for the spread between shards (the
        // tables round up to a power of two slots at most 7/8 full; more would double
        // them).
        let per_shard = room / SHARDS + room / SHARDS / 16;
        let shard = || Shard {
            table: Mutex::new(Table {
                entries: PathMap::with_capacity_and_hasher(per_shard, Default::default()),
                dropped_bound: 0,
                cut: None,
                census_due: false,
            }),
            inbox: Mutex::new(VecDeque::new()),
            merged: AtomicU64::new(0),
        };
        let control = Control {
            waiting: VecDeque::new(),
            bound: 0,
            stop: None,
            reduced: false,
            dropped_bound: 0,
            stops: StopStats::default(),
            census: None,
        };
        ShardedPaths {
            cap,
            shards: (0..SHARDS).map(|_| shard()).collect(),
            control: Mutex::new(control),
            open_below: AtomicU64::new(0),
            next_start: AtomicUsize::new(0),
        }
    }

    /// Hands over the pieces of chunk `chunk` (chunks are handed over in order, from 0).
    /// Merges pieces itself while the shards are far behind.
    pub fn push(&self, chunk: u64, pieces: Vec<Piece>) {
        assert_eq!(pieces.len(), SHARDS, "a chunk has one piece per shard");
        let paths = pieces.iter().map(Vec::len).sum();
        for (shard, piece) in self.shards.iter().zip(pieces) {
            lock(&shard.inbox).push_back((chunk, piece));
        }
        let mut control = lock(&self.control);
        control.waiting.push_back((chunk, paths));
        self.open(&mut control);
        drop(control);
        while self.shards.iter().any(|s| s.merged.load(Ordering::Acquire) + MOST_BEHIND <= chunk) {
            self.help(true);
        }
    }

    /// Merges the pieces that are ready, in every shard no other thread is merging
    /// (`wait`: in every shard, waiting for its turn).
    pub fn help(&self, wait: bool) {
        let start = self.next_start.fetch_add(1, Ordering::Relaxed);
        for i in 0..SHARDS {
            let shard = &self.shards[(start + i) % SHARDS];
            let table = match shard.table.try_lock() {
                Ok(table) => table,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) if wait => lock(&shard.table),
                Err(TryLockError::WouldBlock) => continue,
            };
            self.drain(shard, table);
        }
    }

    /// Merges every remaining piece and returns the summary, with what its stops cost.
    pub fn finish(self) -> (PathTally, StopStats) {
        while self.shards.iter().any(|s| !lock(&s.inbox).is_empty()) || lock(&self.control).census.is_some() {
            self.help(true);
        }
        let control = self.control.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut tables: Vec<Table> =
            self.shards.into_iter().map(|s| s.table.into_inner().unwrap_or_else(|e| e.into_inner())).collect();
        for table in &mut tables {
            if let Some(t) = table.cut.take() {
                cut(&mut table.entries, t);
            }
        }
        let mut tally = PathTally::with_capacity(tables.iter().map(|t| t.entries.len()).sum());
        for table in tables {
            tally.entries.extend(table.entries);
        }
        tally.reduced = control.reduced;
        tally.dropped_bound = control.dropped_bound;
        (tally, control.stops)
    }

    /// Lets shards merge the waiting chunks that cannot take the summary over its limit,
    /// up to and including the first that could (the next stop).
    fn open(&self, control: &mut Control) {
        while control.stop.is_none() {
            let Some((chunk, paths)) = control.waiting.pop_front() else { break };
            // Every open piece's paths are in the bound, a stop chunk's too (merging a
            // piece takes off those it found already there).
            control.bound += paths;
            if control.bound > 2 * self.cap {
                control.stop = Some((chunk, 0));
            }
            self.open_below.store(chunk + 1, Ordering::Release);
        }
    }

    /// Merges the open pieces of one shard, whose table the caller has locked; the last
    /// shard to merge a stop chunk counts the summary. At a stop where the summary is
    /// over its limit, takes the shard's census instead; the last shard counted reduces.
    fn drain(&self, shard: &Shard, mut table: MutexGuard<'_, Table>) {
        if let Some(t) = table.cut.take() {
            cut(&mut table.entries, t);
        }
        if table.census_due {
            table.census_due = false;
            let clock = Stopwatch::start();
            let mut census = Census::default();
            census.count(&table.entries);
            drop(table);
            let last = {
                let mut control = lock(&self.control);
                control.stops.census += clock.elapsed();
                match &mut control.census {
                    Some((total, left)) => {
                        total.add(&census);
                        *left -= 1;
                        *left == 0
                    }
                    None => false,
                }
            };
            if last {
                self.reduce_at_stop();
            }
            return;
        }
        loop {
            let open_below = self.open_below.load(Ordering::Acquire);
            let next = {
                let mut inbox = lock(&shard.inbox);
                if inbox.front().is_some_and(|(chunk, _)| *chunk < open_below) { inbox.pop_front() } else { None }
            };
            let Some((chunk, piece)) = next else { return };
            let (bound, before, handed) = (table.dropped_bound, table.entries.len(), piece.len());
            absorb(&mut table.entries, piece, bound);
            let added = table.entries.len() - before;
            shard.merged.store(chunk + 1, Ordering::Release);
            let last_at_stop = {
                let mut control = lock(&self.control);
                // The bound counted every path of the piece as new; only `added` were.
                control.bound -= handed - added;
                self.open(&mut control);
                match &mut control.stop {
                    Some((stop, arrived)) if *stop == chunk => {
                        *arrived += 1;
                        *arrived == SHARDS
                    }
                    _ => false,
                }
            };
            if last_at_stop {
                drop(table);
                self.count_at_stop();
                return;
            }
        }
    }

    /// Every shard has merged the stop chunk and none has gone further: counts the
    /// summary, and if it is over its limit asks every shard for its census (taken by
    /// whichever threads merge next, in parallel); otherwise opens the chunks that
    /// follow.
    fn count_at_stop(&self) {
        let clock = Stopwatch::start();
        let mut tables: Vec<MutexGuard<'_, Table>> = self.shards.iter().map(|s| lock(&s.table)).collect();
        let size: usize = tables.iter().map(|t| t.entries.len()).sum();
        let mut control = lock(&self.control);
        control.stops.stops += 1;
        if size > 2 * self.cap {
            for table in &mut tables {
                table.census_due = true;
            }
            control.census = Some((Census::default(), SHARDS));
        } else {
            control.bound = size;
            control.stop = None;
            self.open(&mut control);
        }
        control.stops.held += clock.elapsed();
    }

    /// Every shard's census is in: works out the threshold and the new bound on dropped
    /// paths, hands the threshold to the shards (each applies it before its next merge,
    /// so the cuts too are made in parallel) and opens the chunks that follow.
    fn reduce_at_stop(&self) {
        let clock = Stopwatch::start();
        let (t, dropped_bound, survivors) = {
            let mut control = lock(&self.control);
            let Some((mut census, _)) = control.census.take() else { return };
            let t = census.threshold(self.cap);
            (t, census.dropped_bound(t, control.dropped_bound), census.survivors(t))
        };
        let mut tables: Vec<MutexGuard<'_, Table>> = self.shards.iter().map(|s| lock(&s.table)).collect();
        for table in &mut tables {
            table.cut = Some(t);
            table.dropped_bound = dropped_bound;
        }
        let mut control = lock(&self.control);
        control.dropped_bound = dropped_bound;
        control.reduced = true;
        control.bound = survivors;
        control.stop = None;
        control.stops.reductions += 1;
        self.open(&mut control);
        control.stops.held += clock.elapsed();
    }
}

/// Locks a mutex, taking over a poisoned one (a panicking worker stops the simulation;
/// the summary is not read after that).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_rng::xorshift;

    /// Cuts a chunk's (unreduced) path tally into one piece per shard.
    fn split(tally: PathTally) -> Vec<Piece> {
        debug_assert!(!tally.reduced, "a chunk's tally is never reduced");
        let room = tally.entries.len() / SHARDS * 3 / 2 + 8;
        let mut pieces: Vec<Piece> = (0..SHARDS).map(|_| Vec::with_capacity(room)).collect();
        for (hash, e) in tally.entries {
            pieces[shard_of(hash)].push((hash, e));
        }
        pieces
    }

    /// The paths of `runs` runs from `first_run` on (hash, run, outcome): a few heavy
    /// paths and a long tail.
    fn runs_of(next: &mut impl FnMut() -> u64, first_run: u64, runs: u64, tail: u64) -> Vec<((u64, u64), u64, u32)> {
        (first_run..first_run + runs)
            .map(|run| {
                let r = next();
                let id = if r.is_multiple_of(3) { r % 5 } else { 5 + next() % tail };
                // Spread ids over the whole hash, so that every shard gets paths.
                ((id.wrapping_mul(0x9e37_79b9_7f4a_7c15), id), run, (id % 3) as u32)
            })
            .collect()
    }

    /// Those runs' path tally.
    fn chunk(next: &mut impl FnMut() -> u64, first_run: u64, runs: u64, tail: u64) -> PathTally {
        let mut t = PathTally::default();
        for (h, run, outcome) in runs_of(next, first_run, runs, tail) {
            t.add(h, run, outcome);
        }
        t
    }

    /// A chunk's compact table gives the pieces of its path tally, chunk after chunk on
    /// one thread (each chunk on the table the one before emptied).
    #[test]
    fn chunk_paths_give_the_pieces_of_the_tally() {
        let mut next = xorshift(11);
        let mut first_run = 5_000_000_000;
        for c in 0..12u64 {
            let runs = if c % 4 == 3 { 1 } else { 1 + next() % 4096 };
            let tail = 10 + next() % 3000;
            let stream = runs_of(&mut next, first_run, runs, tail);
            let (mut tally, mut compact) = (PathTally::default(), ChunkPaths::new(first_run, runs as usize));
            for &(h, run, outcome) in &stream {
                tally.add(h, run, outcome);
                compact.add(h, run, outcome);
            }
            let sorted = |mut pieces: Vec<Piece>| {
                pieces.iter_mut().for_each(|p| p.sort_unstable_by_key(|(h, _)| *h));
                pieces
            };
            assert_eq!(sorted(compact.into_pieces()), sorted(split(tally)), "chunk {c}");
            first_run += runs;
        }
    }

    fn same(a: &PathTally, b: &PathTally) {
        assert_eq!((a.reduced, a.dropped_bound), (b.reduced, b.dropped_bound));
        assert_eq!(a.entries.len(), b.entries.len());
        for (h, e) in &a.entries {
            assert_eq!(b.entries.get(h), Some(e));
        }
    }

    /// Pieces merged by shard give the serial merge's summary, with and without
    /// reductions, whether pieces are merged as soon as they are handed over, at odd
    /// moments, or only at the end.
    #[test]
    fn sharded_merge_is_the_serial_merge() {
        for (seed, tail, cap) in [(1, 50, 1000), (2, 5000, 200), (3, 300, 120), (4, 100_000, 60)] {
            for helping in 0..3u64 {
                let mut next = xorshift(seed);
                let (mut serial, sharded) = (PathTally::default(), ShardedPaths::new(cap, 4 * cap));
                for c in 0..60u64 {
                    let part = chunk(&mut next, c * 256, 256, tail);
                    serial.merge(part.clone(), cap);
                    sharded.push(c, split(part));
                    match helping {
                        0 => sharded.help(true),
                        1 if next().is_multiple_of(3) => sharded.help(next().is_multiple_of(2)),
                        _ => {}
                    }
                }
                let (sharded, _) = sharded.finish();
                same(&serial, &sharded);
                assert_eq!(serial.reduced, cap < 1000, "seed {seed}");
            }
        }
    }

    /// Many small streams (chunks of random sizes, tails and caps, pieces merged at
    /// random moments) against the serial merge: the bound must call a stop at every
    /// chunk after which the serial merge reduces, whatever the sizes.
    #[test]
    fn random_streams_give_the_serial_merge() {
        for seed in 0..300u64 {
            let mut next = xorshift(seed + 100);
            let cap = 5 + (next() % 60) as usize;
            let tail = 10 + next() % 400;
            let (mut serial, sharded) = (PathTally::default(), ShardedPaths::new(cap, 4 * cap));
            let mut run = 0;
            for c in 0..40u64 {
                let runs = 1 + next() % 120;
                let part = chunk(&mut next, run, runs, tail);
                run += runs;
                serial.merge(part.clone(), cap);
                sharded.push(c, split(part));
                if next().is_multiple_of(2) {
                    sharded.help(next().is_multiple_of(2));
                }
            }
            let (sharded, _) = sharded.finish();
            same(&serial, &sharded);
        }
    }

    /// Threads helping at the same time as the merge hands pieces over give the same.
    #[test]
    fn threads_helping_give_the_serial_merge() {
        let mut next = xorshift(9);
        let chunks: Vec<PathTally> = (0..200u64).map(|c| chunk(&mut next, c * 512, 512, 20_000)).collect();
        let mut serial = PathTally::default();
        for c in &chunks {
            serial.merge(c.clone(), 300);
        }
        let sharded = ShardedPaths::new(300, 1200);
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    while !done.load(Ordering::Acquire) {
                        sharded.help(false);
                        std::thread::yield_now();
                    }
                });
            }
            for (c, part) in chunks.into_iter().enumerate() {
                sharded.push(c as u64, split(part));
            }
            done.store(true, Ordering::Release);
        });
        let (sharded, _) = sharded.finish();
        assert!(serial.reduced);
        same(&serial, &sharded);
    }
}
