//! Statistics of a range of runs, and their merge.
//!
//! Each chunk of runs fills one [`Tally`]; chunks are merged in chunk order. Counts are
//! integers; means and variances are combined by Chan's formula in that fixed order, so
//! the bytes of every output are the same for any number of threads.

use super::paths::PathTally;
use super::sketch::Sketch;
use super::walk::RunEnd;

/// Moments, extremes and percentiles of one indicator.
#[derive(Debug, Clone, Default)]
pub struct IndicatorStats {
    pub n: u64,
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
    pub min: f64,
    pub max: f64,
    pub sketch: Sketch,
}

impl IndicatorStats {
    /// Adds the statistics of later runs.
    pub fn merge(&mut self, other: &IndicatorStats) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = other.clone();
            return;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * nb / n;
        self.m2 += other.m2 + delta * delta * na * nb / n;
        self.n += other.n;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sketch.merge(&other.sketch);
    }

    /// Sample standard deviation (n - 1 in the denominator); 0 for fewer than 2 runs.
    pub fn sd(&self) -> f64 {
        if self.n < 2 { 0.0 } else { (self.m2 / (self.n - 1) as f64).sqrt() }
    }
}

/// Collects one indicator's final values over a chunk of runs, cheaply: most
/// indicators take a handful of distinct values, which are counted in a small table;
/// only values beyond [`SMALL_DISTINCT`] distinct ones are kept for sorting.
#[derive(Debug, Clone)]
pub struct ValueCollector {
    /// Sums of `v - shift` and its square (the shift keeps them accurate).
    shift: f64,
    s1: f64,
    s2: f64,
    n: u64,
    min: f64,
    max: f64,
    distinct: Vec<(f64, u64)>,
    last: usize,
    rest: Vec<f64>,
    /// Sorted `(value, count)` pairs taken over from a grid count ([`Self::absorb`]).
    counted: Vec<(f64, u64)>,
}

/// Distinct values counted in a collector's small table.
pub const SMALL_DISTINCT: usize = 32;

impl ValueCollector {
    /// A collector whose sums are taken about `shift` (use the indicator's start).
    pub fn new(shift: f64) -> Self {
        ValueCollector {
            shift,
            s1: 0.0,
            s2: 0.0,
            n: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            distinct: Vec::with_capacity(SMALL_DISTINCT),
            last: 0,
            rest: Vec::new(),
            counted: Vec::new(),
        }
    }

    /// Takes over `n` values with sums `s1`, `s2` (of `v - shift` and its square, exact)
    /// and sorted `(value, count)` pairs, into an empty collector.
    pub fn absorb(&mut self, n: u64, s1: f64, s2: f64, pairs: &[(f64, u64)]) {
        debug_assert_eq!(self.n, 0, "only an empty collector takes over counts");
        (self.n, self.s1, self.s2) = (n, s1, s2);
        if let (Some(first), Some(last)) = (pairs.first(), pairs.last()) {
            (self.min, self.max) = (first.0, last.0);
        }
        self.counted = pairs.to_vec();
    }

    /// Adds one run's final value.
    #[inline]
    pub fn push(&mut self, v: f64) {
        let v = if v == 0.0 { 0.0 } else { v }; // fold -0 into 0
        let d = v - self.shift;
        self.s1 += d;
        self.s2 += d * d;
        self.n += 1;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        if let Some(e) = self.distinct.get_mut(self.last)
            && e.0 == v
        {
            e.1 += 1;
            return;
        }
        if let Some(i) = self.distinct.iter().position(|e| e.0 == v) {
            self.distinct[i].1 += 1;
            self.last = i;
        } else if self.distinct.len() < SMALL_DISTINCT {
            self.last = self.distinct.len();
            self.distinct.push((v, 1));
        } else {
            self.rest.push(v);
        }
    }

    /// The statistics of the values pushed.
    pub fn finish(mut self) -> IndicatorStats {
        if self.n == 0 {
            return IndicatorStats::default();
        }
        let nf = self.n as f64;
        self.distinct.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut sketch = Sketch::from_pairs(self.distinct);
        if !self.rest.is_empty() {
            sketch.merge(&Sketch::from_values(&mut self.rest));
        }
        if !self.counted.is_empty() {
            sketch.merge(&Sketch::from_pairs(std::mem::take(&mut self.counted)));
        }
        IndicatorStats {
            n: self.n,
            mean: self.shift + self.s1 / nf,
            m2: (self.s2 - self.s1 * self.s1 / nf).max(0.0),
            min: self.min,
            max: self.max,
            sketch,
        }
    }
}

/// Everything counted over a range of runs.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Runs counted (with `given`, those that end with its condition true).
    pub runs: u64,
    /// Runs left out because they end with the `given` condition false.
    pub excluded: u64,
    /// Runs per outcome index.
    pub outcome_runs: Vec<u64>,
    /// Times each branch was taken, over all runs.
    pub times_taken: Vec<u64>,
    /// Runs that took each branch at least once.
    pub runs_taking: Vec<u64>,
    pub indicators: Vec<IndicatorStats>,
    pub paths: PathTally,
    pub total_steps: u64,
}

impl Tally {
    /// An empty tally shaped for a scenario.
    pub fn new(outcomes: usize, branches: usize, indicators: usize) -> Self {
        Tally {
            runs: 0,
            excluded: 0,
            outcome_runs: vec![0; outcomes],
            times_taken: vec![0; branches],
            runs_taking: vec![0; branches],
            indicators: vec![IndicatorStats::default(); indicators],
            paths: PathTally::default(),
            total_steps: 0,
        }
    }

    /// Counts the end of one run (branch counts arrive through the walk's observer).
    #[inline]
    pub fn end_run(&mut self, run: u64, end: &RunEnd, count_paths: bool) {
        self.runs += 1;
        self.outcome_runs[end.outcome as usize] += 1;
        self.total_steps += u64::from(end.steps);
        if count_paths {
            self.paths.add(end.path_hash, run, end.outcome);
        }
    }

    /// Adds the tally of the next chunk of runs.
    pub fn merge(&mut self, other: Tally, path_cap: usize) {
        self.runs += other.runs;
        self.excluded += other.excluded;
        self.total_steps += other.total_steps;
        for (a, b) in self.outcome_runs.iter_mut().zip(&other.outcome_runs) {
            *a += b;
        }
        for (a, b) in self.times_taken.iter_mut().zip(&other.times_taken) {
            *a += b;
        }
        for (a, b) in self.runs_taking.iter_mut().zip(&other.runs_taking) {
            *a += b;
        }
        for (a, b) in self.indicators.iter_mut().zip(&other.indicators) {
            a.merge(b);
        }
        self.paths.merge(other.paths, path_cap);
    }
}

impl super::walk::Observer for Tally {
    #[inline(always)]
    fn taken(&mut self, branch: u32, first: bool) {
        self.times_taken[branch as usize] += 1;
        self.runs_taking[branch as usize] += u64::from(first);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(values: &[f64]) -> IndicatorStats {
        let mut c = ValueCollector::new(3.0);
        for &v in values {
            c.push(v);
        }
        c.finish()
    }

    #[test]
    fn chan_merge_matches_one_batch() {
        let values: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.731).sin() * 10.0 + 3.0).collect();
        let whole = collect(&values);
        let mut parts = collect(&values[..300]);
        parts.merge(&collect(&values[300..]));
        assert!((whole.mean - parts.mean).abs() < 1e-12);
        assert!((whole.sd() - parts.sd()).abs() < 1e-12);
        assert_eq!((whole.min, whole.max), (parts.min, parts.max));
        let mean = values.iter().sum::<f64>() / 1000.0;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 999.0;
        assert!((whole.sd() - var.sqrt()).abs() < 1e-10);
    }
}
