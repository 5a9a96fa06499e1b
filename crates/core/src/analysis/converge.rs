//! `whatif converge`: the running shares at growing run counts, read in one pass.

use crate::engine::plan::Plan;
use crate::engine::rng::RunKeys;
use crate::engine::simulate::{Checkpoint, SimConfig, SimError, chunk_range, in_chunks, no_weight};
use crate::engine::walk::{Quiet, Walker};
use crate::scenario::Scenario;

/// Checkpoints 10, 20, 50, 100, 200, 500, ... below `runs`, then `runs` itself.
pub fn checkpoints(runs: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut decade = 10u64;
    'outer: loop {
        for m in [1, 2, 5] {
            let c = decade.saturating_mul(m);
            if c >= runs {
                break 'outer;
            }
            out.push(c);
        }
        decade = decade.saturating_mul(10);
    }
    out.push(runs);
    out
}

/// A chunk's outcome counts at the checkpoints inside it, and its totals.
type ChunkCounts = (Vec<Checkpoint>, Vec<u64>);

/// Outcome counts of the first `k` runs for every checkpoint `k`.
pub fn converge(sc: &Scenario, cfg: &SimConfig) -> Result<Vec<Checkpoint>, SimError> {
    if let Some((node, options)) = sc.undecided() {
        return Err(SimError::Undecided { node, options });
    }
    let points = checkpoints(cfg.runs);
    let n = sc.outcomes.len();
    // Each chunk reports its counts at the checkpoints inside it, and its totals.
    let plan = Plan::new(sc);
    let chunk = |c: u64| -> Result<ChunkCounts, SimError> {
        let (lo, hi) = chunk_range(cfg, c);
        let mut keys = RunKeys::new(cfg.seed, lo);
        let mut walker = Walker::with_plan(sc, &plan).without_path_hash();
        let mut counts = vec![0u64; n];
        let mut inside = Vec::new();
        let mut next_point = points.iter().copied().filter(|&p| p > lo && p <= hi).peekable();
        for run in lo..hi {
            let end = walker.walk(keys.next_key(), &mut Quiet).map_err(|e| no_weight(sc, cfg.seed, run, e))?;
            counts[end.outcome as usize] += 1;
            if next_point.peek() == Some(&(run + 1)) {
                inside.push(Checkpoint { runs: run + 1, outcome_runs: counts.clone() });
                next_point.next();
            }
        }
        Ok((inside, counts))
    };
    let mut running = vec![0u64; n];
    let mut out = Vec::new();
    in_chunks(cfg, chunk, |part: Result<ChunkCounts, SimError>| -> Result<(), SimError> {
        let (inside, totals) = part?;
        for mut point in inside {
            point.outcome_runs.iter_mut().zip(&running).for_each(|(a, b)| *a += b);
            out.push(point);
        }
        for (a, b) in running.iter_mut().zip(&totals) {
            *a += b;
        }
        Ok(())
    })?;
    Ok(out)
}

/// Runs needed for a 95% interval half-width of `h` around probability `p` (normal
/// approximation: `z^2 p (1 - p) / h^2`).
pub fn runs_for_half_width(p: f64, h: f64) -> u64 {
    (crate::stats::Z95 * crate::stats::Z95 * p * (1.0 - p) / (h * h)).ceil() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_follow_one_two_five() {
        assert_eq!(checkpoints(1000), vec![10, 20, 50, 100, 200, 500, 1000]);
        assert_eq!(checkpoints(750), vec![10, 20, 50, 100, 200, 500, 750]);
        assert_eq!(checkpoints(5), vec![5]);
    }

    #[test]
    fn runs_for_half_width_by_hand() {
        // p = 0.5, h = 0.01: 1.96^2 * 0.25 / 0.0001 = 9603.6 -> 9604.
        assert_eq!(runs_for_half_width(0.5, 0.01), 9604);
    }
}
