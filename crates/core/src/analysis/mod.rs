//! The teaching analyses built on the engine: side-by-side comparison of scenario
//! variants, sweeps of one weight, sensitivity (tornado) tables, convergence with the
//! run count, and the replay of one run as a story.

pub mod compare;
pub mod converge;
pub mod discover;
pub mod explore;
pub mod replay;
pub mod sensitivity;
pub mod sweep;
pub mod timeline;

use crate::stats::Z95;

/// A 95% normal interval for a mean from the sum and the sum of squares of `n` values.
pub fn mean_interval(n: u64, sum: f64, sum_sq: f64) -> (f64, f64, f64) {
    let nf = n as f64;
    let mean = sum / nf;
    let var = if n > 1 { ((sum_sq - sum * sum / nf) / (nf - 1.0)).max(0.0) } else { 0.0 };
    let half = Z95 * (var / nf).sqrt();
    (mean, mean - half, mean + half)
}
