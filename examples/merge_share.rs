//! How much of a simulation waits on the in-order merge of chunk results: the one part
//! of a run that no second thread can share (chunk results are merged one at a time, in
//! chunk order). Measured on one thread, its share `s` bounds what more threads can
//! give: however many there are, they cannot produce results faster than one merge
//! thread takes them, so the speed-up over one thread stays below `1 / s`.
//!
//! usage: cargo run --release --example merge_share FILE [RUNS] [THREADS]
//!
//! Runs `simulate` as `whatif run` does (path summary of 20 rows, no files) on the
//! CLI's thread pool, with the merge timed. Prints
//! `merge_share THREADS in_order_merge_ms M of wall_ms W share S bound B`, then the
//! path summary's stops (chunks where every shard of the summary waits until it has
//! been counted): `merge_share THREADS path_summary_stops N reductions R held_ms H
//! share S census_ms C`. H is the time one thread held every shard (counting them, and
//! at a reduction working out the threshold); C is the time the shards took for their
//! censuses at reductions, each on its own, in parallel. Builds from before the sharded
//! summary print the first line only: remove the second `println!` to build this file
//! there.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use whatif::engine::simulate::{SimConfig, simulate};
use whatif::executor::{Executor, Piece};
use whatif::parallel::Rayon;

/// The CLI's executor, with the time spent in merges added up in [`MERGING_NS`].
#[derive(Default)]
struct TimedMerge {
    inner: Rayon,
}

static MERGING_NS: AtomicU64 = AtomicU64::new(0);

impl Executor for TimedMerge {
    fn run(
        &self,
        threads: usize,
        n: usize,
        work: &(dyn Fn(usize) -> Piece + Sync),
        side: &mut (dyn FnMut() + Send),
    ) -> Vec<Piece> {
        self.inner.run(threads, n, work, side)
    }

    fn ordered(
        &self,
        threads: usize,
        n: usize,
        window: usize,
        work: &(dyn Fn(usize) -> Piece + Sync),
        merge: &mut (dyn FnMut(usize, Piece) -> bool + Send),
    ) {
        let mut timed = |i: usize, piece: Piece| {
            let t = Instant::now();
            let go = merge(i, piece);
            MERGING_NS.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            go
        };
        self.inner.ordered(threads, n, window, work, &mut timed);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: merge_share SCENARIO [RUNS] [THREADS]");
    let runs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5_000_000);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let sc = whatif::scenario::load_file(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    assert!(whatif::executor::install(Box::<TimedMerge>::default()), "the first executor installed");
    let cfg = SimConfig { runs, seed: 42, threads, max_paths: 20 };
    let t = Instant::now();
    let result = simulate(&sc, &cfg, None).unwrap_or_else(|e| panic!("{e}"));
    let wall = t.elapsed().as_secs_f64();
    let merging = MERGING_NS.load(Ordering::Relaxed) as f64 / 1e9;
    println!(
        "merge_share {threads} in_order_merge_ms {:.1} of wall_ms {:.1} share {:.4} bound {:.1}",
        merging * 1e3,
        wall * 1e3,
        merging / wall,
        wall / merging
    );
    let stops = result.path_stops;
    println!(
        "merge_share {threads} path_summary_stops {} reductions {} held_ms {:.1} share {:.4} census_ms {:.1}",
        stops.stops,
        stops.reductions,
        stops.held.as_secs_f64() * 1e3,
        stops.held.as_secs_f64() / wall,
        stops.census.as_secs_f64() * 1e3
    );
}
