//! Where chunks of runs are computed: the one seam between the engine and parallelism.
//!
//! The engine cuts every simulation into fixed chunks of runs and merges their tallies
//! in chunk order, so the result does not depend on who computes the chunks or how many
//! at once. By default they are computed one after another on the calling thread
//! ([`Serial`], which is what a browser uses). A program with threads installs its own
//! [`Executor`] once ([`install`]): the CLI runs chunks on a thread pool and shows
//! progress. The bytes of every output are the same either way.

use std::any::Any;
use std::sync::OnceLock;

/// A result of one piece of work, type-erased so that the trait stays object-safe.
pub type Piece = Box<dyn Any + Send>;

/// Computes independent pieces of work.
pub trait Executor: Send + Sync {
    /// Calls `work(i)` for every `i` in `0..n`, using up to `threads` threads, while
    /// `side` runs once (the engine merges the previous batch there, so the workers are
    /// not left idle); returns the results in order of `i`.
    fn run(
        &self,
        threads: usize,
        n: usize,
        work: &(dyn Fn(usize) -> Piece + Sync),
        side: &mut (dyn FnMut() + Send),
    ) -> Vec<Piece>;

    /// Calls `work(i)` for every `i` in `0..n` on up to `threads` threads and hands each
    /// result to `merge` in order of `i`, while later pieces are computed; at most
    /// `window` results are computed ahead of the merge (so memory stays bounded). Once
    /// `merge` returns `false`, no more pieces are started or merged.
    ///
    /// The default computes batches of `window` pieces with [`Executor::run`], merging
    /// one batch while the next is computed. An executor with threads may stream instead
    /// (no batch boundary to wait at); the merges happen in the same order either way.
    fn ordered(
        &self,
        threads: usize,
        n: usize,
        window: usize,
        work: &(dyn Fn(usize) -> Piece + Sync),
        merge: &mut (dyn FnMut(usize, Piece) -> bool + Send),
    ) {
        let window = window.max(1);
        let mut pending: Vec<(usize, Piece)> = Vec::new();
        let mut next = 0;
        let mut go = true;
        while go {
            let hi = (next + window).min(n);
            let mut to_merge = std::mem::take(&mut pending);
            let mut side = || {
                for (i, piece) in to_merge.drain(..) {
                    if !merge(i, piece) {
                        go = false;
                        return;
                    }
                }
            };
            let first = next;
            let piece = |i: usize| work(first + i);
            let computed =
                if hi > next { self.run(threads, hi - next, &piece, &mut side) } else { side_only(&mut side) };
            if computed.is_empty() {
                break;
            }
            pending = computed.into_iter().enumerate().map(|(i, p)| (first + i, p)).collect();
            next = hi;
        }
    }

    /// A simulation of `total` runs starts (for progress display).
    fn started(&self, _total: u64) {}

    /// `runs` more runs are done.
    fn advanced(&self, _runs: u64) {}

    /// The simulation ended (finished, failed or interrupted).
    fn finished(&self) {}
}

/// Everything on the calling thread, in order.
pub struct Serial;

impl Executor for Serial {
    fn run(
        &self,
        _threads: usize,
        n: usize,
        work: &(dyn Fn(usize) -> Piece + Sync),
        side: &mut (dyn FnMut() + Send),
    ) -> Vec<Piece> {
        side();
        (0..n).map(work).collect()
    }
}

/// Runs the side task alone (the last batch's merge); nothing is computed.
fn side_only(side: &mut (dyn FnMut() + Send)) -> Vec<Piece> {
    side();
    Vec::new()
}

static INSTALLED: OnceLock<Box<dyn Executor>> = OnceLock::new();

/// Makes `executor` the one every simulation uses from now on; the first call wins
/// (later ones return `false`).
pub fn install(executor: Box<dyn Executor>) -> bool {
    INSTALLED.set(executor).is_ok()
}

/// The executor in use: the installed one, else [`Serial`].
pub fn current() -> &'static dyn Executor {
    INSTALLED.get().map_or(&Serial, |e| e.as_ref())
}

/// `f(i)` for every `i` in `0..n` with the current executor, results in order.
pub fn map<T: Send + 'static>(threads: usize, n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let work = |i: usize| -> Piece { Box::new(f(i)) };
    current()
        .run(threads, n, &work, &mut || {})
        .into_iter()
        .map(|p| *p.downcast::<T>().expect("an executor returns what the work made"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_runs_the_side_task_and_keeps_the_order() {
        let mut side_ran = false;
        let work = |i: usize| -> Piece { Box::new(i * i) };
        let out = Serial.run(4, 5, &work, &mut || side_ran = true);
        let values: Vec<usize> = out.into_iter().map(|p| *p.downcast::<usize>().unwrap()).collect();
        assert_eq!(values, [0, 1, 4, 9, 16]);
        assert!(side_ran);
        assert_eq!(map(2, 3, |i| i + 1), [1, 2, 3]);
    }
}
