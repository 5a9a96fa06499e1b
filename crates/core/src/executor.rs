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
