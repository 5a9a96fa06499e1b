//! The CLI's executor: chunks of runs on a rayon thread pool of `--threads` workers,
//! with the progress bar. The engine merges chunk results in chunk order, so the bytes
//! are those of the serial executor a browser uses (tested in `tests/reliability.rs`).
//! [`alongside`] runs other work (the exact analysis) on the same pool, at the same time.

use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use whatif_core::executor::{Executor, Piece, Serial};

/// The executor: chunks on the thread pool of their thread count (one pool per thread
/// count, kept for the process).
#[derive(Default)]
pub struct Rayon;

/// Thread pools by size, built on first use and kept for the process.
static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());

/// The pool of `threads` workers (`None` where the system refuses threads).
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    let mut pools = POOLS.lock().ok()?;
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Some(p.clone());
    }
    let pool = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok()?);
    pools.push((threads, pool.clone()));
    Some(pool)
}

/// Runs `side` and `main` at the same time on the pool of `threads` workers, the one
/// a simulation with that many threads uses: `side` (the exact analysis, say) takes one
/// worker's turn while the others start on `main`, instead of adding its time before or
/// after it. With one thread they run one after the other, on that thread. Results do
/// not depend on it: the two share nothing.
pub fn alongside<S: Send, M: Send>(
    threads: usize,
    side: impl FnOnce() -> S + Send,
    main: impl FnOnce() -> M + Send,
) -> (S, M) {
    match pool(threads.max(1)) {
        Some(pool) => pool.install(|| rayon::join(side, main)),
        None => (side(), main()),
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
        let Some(pool) = pool(threads.max(1)) else { return Serial.run(threads, n, work, side) };
        // `side` (the merge of the previous batch) runs on one worker while the others
        // start on the batch; it then joins them.
        pool.install(|| rayon::join(|| (0..n).into_par_iter().map(work).collect::<Vec<_>>(), side).0)
    }

    fn ordered(
        &self,
        threads: usize,
        n: usize,
        window: usize,
        work: &(dyn Fn(usize) -> Piece + Sync),
        merge: &mut (dyn FnMut(usize, Piece) -> bool + Send),
    ) {
        let Some(pool) = pool(threads.max(1)) else { return Serial.ordered(threads, n, window, work, merge) };
        let stream = Stream::new(n, window.max(1), merge);
        pool.scope(|s| {
            for _ in 0..threads.max(1).min(n) {
                s.spawn(|_| stream.worker(work));
            }
        });
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

/// Pieces computed by every worker in turn and merged in order as they complete: no
/// batch boundary at which workers wait for the slowest. Whichever worker finds the next
/// piece to merge ready merges it (and any that follow), one worker at a time, while the
/// others go on computing; none starts a piece more than `window` ahead of the merge.
struct Stream<'m> {
    n: usize,
    window: usize,
    state: Mutex<StreamState>,
    turn: Condvar,
    merge: Mutex<&'m mut (dyn FnMut(usize, Piece) -> bool + Send)>,
}

struct StreamState {
    next_claim: usize,
    next_merge: usize,
    ready: HashMap<usize, Piece>,
    merging: bool,
    stop: bool,
}

impl<'m> Stream<'m> {
    fn new(n: usize, window: usize, merge: &'m mut (dyn FnMut(usize, Piece) -> bool + Send)) -> Self {
        let state = StreamState { next_claim: 0, next_merge: 0, ready: HashMap::new(), merging: false, stop: false };
        Stream { n, window, state: Mutex::new(state), turn: Condvar::new(), merge: Mutex::new(merge) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StreamState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One worker: claim a piece, compute it, merge whatever is ready in order.
    fn worker(&self, work: &(dyn Fn(usize) -> Piece + Sync)) {
        while let Some(i) = self.claim() {
            // A piece that panics stops the stream (so that no worker waits for it to be
            // merged) before the panic goes on to the caller.
            let piece = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(i))) {
                Ok(piece) => piece,
                Err(panic) => {
                    self.lock().stop = true;
                    self.turn.notify_all();
                    std::panic::resume_unwind(panic);
                }
            };
            let mut st = self.lock();
            st.ready.insert(i, piece);
            if st.merging {
                continue;
            }
            st.merging = true;
            while !st.stop {
                let k = st.next_merge;
                let Some(piece) = st.ready.remove(&k) else { break };
                drop(st);
                let go = {
                    let mut merge = self.merge.lock().unwrap_or_else(|e| e.into_inner());
                    (*merge)(k, piece)
                };
                st = self.lock();
                st.next_merge += 1;
                st.stop |= !go;
                self.turn.notify_all();
            }
            st.merging = false;
        }
    }

    /// The next piece to compute, once it is within the window of the merge; `None` when
    /// all are claimed or the merge stopped.
    fn claim(&self) -> Option<usize> {
        let mut st = self.lock();
        loop {
            if st.stop || st.next_claim >= self.n {
                return None;
            }
            if st.next_claim < st.next_merge + self.window {
                st.next_claim += 1;
                return Some(st.next_claim - 1);
            }
            st = self.turn.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Makes every simulation in this process run on thread pools (the binary calls this
/// once; tests that compare thread counts call it too). Returns whether it was the first.
pub fn install() -> bool {
    whatif_core::executor::install(Box::new(Rayon))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both results come back; on two workers the side task runs while the main one
    /// does (it sees the main task's flag before it returns), on one they take turns.
    #[test]
    fn alongside_runs_both_at_once_on_two_workers() {
        use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
        assert_eq!(alongside(1, || 1, || 2), (1, 2));
        let main_ran = AtomicBool::new(false);
        let (seen, ()) = alongside(
            2,
            || {
                let t = std::time::Instant::now();
                while !main_ran.load(SeqCst) && t.elapsed() < std::time::Duration::from_secs(30) {
                    std::thread::yield_now();
                }
                main_ran.load(SeqCst)
            },
            || main_ran.store(true, SeqCst),
        );
        assert!(seen, "the main task did not run while the side task waited for it");
    }

    /// Pieces that finish out of order are merged in order, never more than `window`
    /// ahead of the merge; a merge that says stop ends the stream there.
    #[test]
    fn streams_merge_in_order_and_stop_when_told() {
        let exec = Rayon;
        let in_flight = std::sync::atomic::AtomicUsize::new(0);
        let most = std::sync::atomic::AtomicUsize::new(0);
        let merged = std::sync::atomic::AtomicUsize::new(0);
        let work = |i: usize| -> Piece {
            assert!(i < merged.load(std::sync::atomic::Ordering::SeqCst) + 8, "piece {i} started beyond the window");
            let now = in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
            // Uneven work, so that pieces complete out of order.
            std::thread::sleep(std::time::Duration::from_micros(((i * 7919) % 13) as u64 * 50));
            in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            Box::new(i)
        };
        let mut seen = Vec::new();
        exec.ordered(4, 300, 8, &work, &mut |i, p| {
            assert_eq!(*p.downcast::<usize>().unwrap(), i);
            seen.push(i);
            merged.store(i + 1, std::sync::atomic::Ordering::SeqCst);
            true
        });
        assert_eq!(seen, (0..300).collect::<Vec<_>>());
        assert!(most.load(std::sync::atomic::Ordering::SeqCst) <= 4);

        let mut seen = Vec::new();
        exec.ordered(3, 300, 6, &work, &mut |i, _| {
            seen.push(i);
            i < 40
        });
        assert_eq!(seen, (0..=40).collect::<Vec<_>>());
    }

    /// A piece that panics ends the stream with that panic instead of leaving the other
    /// workers waiting for it.
    #[test]
    fn a_panicking_piece_ends_the_stream() {
        let exec = Rayon;
        let work = |i: usize| -> Piece {
            assert!(i != 17, "piece 17 fails");
            Box::new(i)
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            exec.ordered(3, 200, 4, &work, &mut |_, _| true);
        }));
        assert!(outcome.is_err());
    }
}
