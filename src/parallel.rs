//! The CLI's executor: chunks of runs on a rayon thread pool of `--threads` workers,
//! with the progress bar. The engine merges chunk results in chunk order, so the bytes
//! are those of the serial executor a browser uses (tested in `tests/reliability.rs`).

use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use whatif_core::executor::{Executor, Piece, Serial};

/// Thread pools by size, built on first use and kept for the process.
#[derive(Default)]
pub struct Rayon {
    pools: Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>,
}

impl Rayon {
    fn pool(&self, threads: usize) -> Option<Arc<rayon::ThreadPool>> {
        let mut pools = self.pools.lock().ok()?;
        if let Some(p) = pools.get(&threads) {
            return Some(p.clone());
        }
        let pool = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok()?);
        pools.insert(threads, pool.clone());
        Some(pool)
    }
}

impl Executor for Rayon {
    fn run(
        &self,
        threads: usize,
        n: usize,
        work: &(dyn Fn(usize) -> Piece + Sync),
        side: &mut (dyn FnMut() + Send),
    ) -> Vec<Piece> {
        // Where no pool can be built (threads refused by the system), the serial
        // executor computes the same results.
        let Some(pool) = self.pool(threads.max(1)) else { return Serial.run(threads, n, work, side) };
        // `side` (the merge of the previous batch) runs on one worker while the others
        // start on the batch; it then joins them.
        pool.install(|| rayon::join(|| (0..n).into_par_iter().map(work).collect::<Vec<_>>(), side).0)
    }

    fn started(&self, total: u64) {
        crate::progress::start(total);
    }

    fn advanced(&self, runs: u64) {
        crate::progress::advance(runs);
    }

    fn finished(&self) {
        crate::progress::finish();
    }
}

/// Makes every simulation in this process run on thread pools (the binary calls this
/// once; tests that compare thread counts call it too). Returns whether it was the first.
pub fn install() -> bool {
    whatif_core::executor::install(Box::new(Rayon::default()))
}
