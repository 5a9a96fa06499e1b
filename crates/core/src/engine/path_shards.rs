//! The path summary of a simulation, cut by hash into shards that threads merge at the
//! same time.
//!
//! Merging every chunk's paths into one [`PathTally`] is serial work (a chunk is merged
//! after the one before it) and took 7-8% of a one-thread run, so on many threads it
//! would cap the speed-up near thirteen, and lower as its cache misses grow. Here the
//! summary is [`SHARDS`] maps, a path going to the one its hash's top bits name. The
//! worker that walked a chunk cuts its runs' paths the same way ([`ChunkPaths`]); the
//! ordered merge only hands the pieces over ([`ShardedPaths::push`]); and any thread
//! with a moment (a worker between chunks) merges whatever pieces are ready
//! ([`ShardedPaths::help`]): each shard takes its pieces in chunk order, while other
//! threads merge other shards.
//!
//! The result is that of [`PathTally::merge`], chunk after chunk. A path only ever
//! meets the pieces of its own shard, and the one step that looks at the whole summary,
//! the reduction when it holds more than twice the cap, happens only at a chunk where
//! every shard has stopped. Shards run ahead as long as an upper bound on the summary's
//! size (its size at the last stop, plus one path for every record of every chunk
//! since, less the records a merged piece found a path for) rules a reduction out. The
//! first chunk that could take it past the limit is a stop: every shard merges that
//! chunk and goes no further, and the last shard to get there counts the summary. If it
//! is over the limit, it is reduced as the serial merge would have after that chunk,
//! mostly in parallel: each shard takes a census of its counters ([`Census`]), the last
//! one counted works out the threshold and the new bound on dropped paths, and each
//! shard subtracts the threshold from its counters (dropping those it takes to zero)
//! when it next merges.

use super::path_bounds::{CountMin, PathBounds};
use super::paths::{Census, PathEntry, PathMap, PathRuns, PathTally, absorb_runs, cut_telling};
use crate::clock::Stopwatch;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// Shards of the summary (a path's shard is the top four bits of its hash).
pub const SHARDS: usize = 16;

/// Chunks the ordered merge may hand over before their pieces are merged; beyond that
/// it merges pieces itself, so that memory stays flat.
const MOST_BEHIND: u64 = 32;

/// One chunk's runs whose paths fall in one shard.
pub type Piece = Vec<PathRuns>;

/// The shard of a path.
#[inline]
pub fn shard_of(hash: (u64, u64)) -> usize {
    (hash.0 >> 60) as usize
}

/// Slots of [`ChunkPaths`]' table of recent paths.
const RECENT: usize = 256;

/// One chunk's paths, as the chunk's runs are walked, in the pieces of their shards.
///
/// Within a chunk, nearly every run of a scenario with many paths takes a path of its
/// own, so counting a chunk's paths in a hash table first (an insert per run) saved the
/// merge almost nothing. Here a run's path is counted on the record of the last run that
/// took it only if a small direct-mapped table of recent paths still points there (so
/// that a scenario with few paths hands over few records); otherwise it starts a record
/// of its own. Absorbing the pieces gives what absorbing the chunk's [`PathTally`] would
/// (a test checks it).
pub struct ChunkPaths {
    pieces: [Piece; SHARDS],
    /// A recent path in each slot (by the low bits of its hash), and its record's place
    /// in its piece.
    recent: Box<[((u64, u64), u32); RECENT]>,
}

impl ChunkPaths {
    /// Pieces for a chunk of `runs` runs.
    pub fn new(runs: usize) -> Self {
        let room = runs / SHARDS * 5 / 4 + 8;
        ChunkPaths {
            pieces: std::array::from_fn(|_| Vec::with_capacity(room)),
            // No record has this place.
            recent: Box::new([((0, 0), u32::MAX); RECENT]),
        }
    }

    /// Adds run `run`, which took the path `hash` to `outcome`.
    #[inline]
    pub fn add(&mut self, hash: (u64, u64), run: u64, outcome: u32) {
        let slot = &mut self.recent[hash.1 as usize % RECENT];
        let piece = &mut self.pieces[shard_of(hash)];
        // A slot's place was given when its path was added to this piece.
        if slot.0 == hash
            && let Some(r) = piece.get_mut(slot.1 as usize)
        {
            r.runs += 1;
            return;
        }
        *slot = (hash, piece.len() as u32);
        piece.push(PathRuns { hash, first_run: run, runs: 1, outcome });
    }

    /// The chunk's paths, one piece per shard.
    pub fn into_pieces(self) -> Vec<Piece> {
        self.pieces.into()
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
    /// The runs of the paths this shard has dropped (from its first cut on).
    bounds: Option<CountMin>,
}

impl Table {
    /// Applies a reduction's threshold, if one is due, adding the runs of each path it
    /// drops to the shard's bounds.
    fn apply_cut(&mut self) {
        if let Some(t) = self.cut.take() {
            let bounds = self.bounds.get_or_insert_with(CountMin::new);
            cut_telling(&mut self.entries, t, |hash, e| bounds.add(hash, e.count));
        }
    }
}

struct Control {
    /// Chunks handed over but not open yet, with their number of records.
    waiting: VecDeque<(u64, usize)>,
    /// An upper bound on the summary's size once every open chunk is merged: its size
    /// now plus the records of every open piece not merged yet (each may be a new path).
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
                bounds: None,
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
        let records = pieces.iter().map(Vec::len).sum();
        for (shard, piece) in self.shards.iter().zip(pieces) {
            lock(&shard.inbox).push_back((chunk, piece));
        }
        let mut control = lock(&self.control);
        control.waiting.push_back((chunk, records));
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
        tables.iter_mut().for_each(Table::apply_cut);
        let bounds = tables.iter_mut().map(|t| t.bounds.take()).collect::<Option<Vec<_>>>();
        let mut tally = PathTally::with_capacity(tables.iter().map(|t| t.entries.len()).sum());
        for table in tables {
            tally.entries.extend(table.entries);
        }
        tally.reduced = control.reduced;
        tally.dropped_bound = control.dropped_bound;
        tally.bounds = bounds.map(PathBounds::new);
        (tally, control.stops)
    }

    /// Lets shards merge the waiting chunks that cannot take the summary over its limit,
    /// up to and including the first that could (the next stop).
    fn open(&self, control: &mut Control) {
        while control.stop.is_none() {
            let Some((chunk, records)) = control.waiting.pop_front() else { break };
            // Every open piece's records are in the bound, a stop chunk's too (merging a
            // piece takes off those whose path it found there).
            control.bound += records;
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
        table.apply_cut();
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
            absorb_runs(&mut table.entries, &piece, bound);
            let added = table.entries.len() - before;
            shard.merged.store(chunk + 1, Ordering::Release);
            let last_at_stop = {
                let mut control = lock(&self.control);
                // The bound counted every record of the piece as a new path; `added` were.
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
    use crate::engine::paths::absorb;
    use crate::engine::test_rng::xorshift;

    /// The paths of `runs` runs from `first_run` on (hash, run, outcome): a few heavy
    /// paths and a long tail.
    fn runs_of(next: &mut impl FnMut() -> u64, first_run: u64, runs: u64, tail: u64) -> Vec<((u64, u64), u64, u32)> {
        (first_run..first_run + runs)
            .map(|run| {
                let r = next();
                let id = if r.is_multiple_of(3) { r % 5 } else { 5 + next() % tail };
                // Spread over every shard. Paths share halves of their hash with others,
                // and fall in the same slot of a chunk's recent paths: ids 2k and 2k+1
                // share the first half, ids 2k and 2k+512 the second.
                let half = id / 2;
                ((half.wrapping_mul(0x9e37_79b9_7f4a_7c15), ((id % 2) << 8) | (half % 256)), run, (id % 3) as u32)
            })
            .collect()
    }

    /// Those runs' path tally, and the pieces their chunk hands over.
    fn chunk(next: &mut impl FnMut() -> u64, first_run: u64, runs: u64, tail: u64) -> (PathTally, Vec<Piece>) {
        let (mut tally, mut pieces) = (PathTally::default(), ChunkPaths::new(runs as usize));
        for (h, run, outcome) in runs_of(next, first_run, runs, tail) {
            tally.add(h, run, outcome);
            pieces.add(h, run, outcome);
        }
        (tally, pieces.into_pieces())
    }

    /// Absorbing a chunk's pieces into a summary gives what absorbing its path tally
    /// does: for chunk after chunk, into a summary that holds some of their paths
    /// already and has dropped others.
    #[test]
    fn absorbing_a_chunks_runs_is_absorbing_its_tally() {
        let mut next = xorshift(11);
        let (mut by_tally, mut by_runs) = (PathMap::default(), PathMap::default());
        let mut first_run = 5_000_000_000;
        for c in 0..12u64 {
            let runs = if c % 4 == 3 { 1 } else { 1 + next() % 4096 };
            let tail = 10 + next() % 3000;
            let (tally, pieces) = chunk(&mut next, first_run, runs, tail);
            assert!(pieces.iter().enumerate().all(|(i, p)| p.iter().all(|r| shard_of(r.hash) == i)));
            let dropped_bound = c * 3;
            absorb(&mut by_tally, tally.entries, dropped_bound);
            for piece in &pieces {
                absorb_runs(&mut by_runs, piece, dropped_bound);
            }
            assert_eq!(by_runs, by_tally, "chunk {c}");
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
                    let (part, pieces) = chunk(&mut next, c * 256, 256, tail);
                    serial.merge(part, cap);
                    sharded.push(c, pieces);
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
    /// chunk after which the serial merge reduces, whatever the sizes. Once reduced, the
    /// summary bounds the runs of every path it holds from above, counting the runs of
    /// the stays that ended in a drop.
    #[test]
    fn random_streams_give_the_serial_merge() {
        let mut tight = 0;
        for seed in 0..300u64 {
            let mut next = xorshift(seed + 100);
            let cap = 5 + (next() % 60) as usize;
            let tail = 10 + next() % 400;
            let (mut serial, sharded) = (PathTally::default(), ShardedPaths::new(cap, 4 * cap));
            let mut truth: PathMap<u64> = PathMap::default();
            let mut run = 0;
            for c in 0..40u64 {
                let runs = 1 + next() % 120;
                let (part, pieces) = chunk(&mut next, run, runs, tail);
                run += runs;
                part.entries.iter().for_each(|(h, e)| *truth.entry(*h).or_default() += e.count);
                serial.merge(part, cap);
                sharded.push(c, pieces);
                if next().is_multiple_of(2) {
                    sharded.help(next().is_multiple_of(2));
                }
            }
            let (sharded, _) = sharded.finish();
            same(&serial, &sharded);
            assert_eq!(sharded.bounds.is_some(), sharded.reduced, "seed {seed}");
            if let Some(bounds) = &sharded.bounds {
                for (h, e) in &sharded.entries {
                    let n = truth[h];
                    assert!(bounds.may_exceed(*h, e, n - 1), "seed {seed}: a path's bound is below its runs");
                    tight += usize::from(!bounds.may_exceed(*h, e, n));
                }
            }
        }
        assert!(tight > 500, "the bounds are exact for most of these few paths ({tight})");
    }

    /// Threads helping at the same time as the merge hands pieces over give the same.
    #[test]
    fn threads_helping_give_the_serial_merge() {
        let mut next = xorshift(9);
        let (tallies, chunks): (Vec<_>, Vec<_>) = (0..200u64).map(|c| chunk(&mut next, c * 512, 512, 20_000)).unzip();
        let mut serial = PathTally::default();
        for part in tallies {
            serial.merge(part, 300);
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
            for (c, pieces) in chunks.into_iter().enumerate() {
                sharded.push(c as u64, pieces);
            }
            done.store(true, Ordering::Release);
        });
        let (sharded, _) = sharded.finish();
        assert!(serial.reduced);
        same(&serial, &sharded);
    }
}
