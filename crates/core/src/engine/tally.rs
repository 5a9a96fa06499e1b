//! Statistics of a range of runs, and their merge.
//!
//! Each chunk of runs fills one [`Tally`]; chunks are merged in chunk order. Counts are
//! integers; means and variances are combined by Chan's formula in that fixed order, so
//! the bytes of every output are the same for any number of threads.

use super::paths::PathTally;
use super::sketch::{BUCKETS_AHEAD, Cells, EXACT_LIMIT, Sketch};
use super::walk::RunEnd;
use std::cell::RefCell;

/// Moments, extremes and percentiles of one indicator.
#[derive(Debug, Clone, Default)]
pub struct IndicatorStats {
    pub n: u64,
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
    pub min: f64,
    pub max: f64,
    /// The percentile summary of every value but the `pending` ones.
    sketch: Sketch,
    /// A chunk's exact sketch already cut into buckets, where it has many distinct
    /// values: made by the worker, so that merging it into a bucketed total (one at a
    /// time, in chunk order) does not compute logarithms.
    buckets: Option<Vec<(i64, u64)>>,
    /// A chunk's values not yet sorted into `sketch` (they are in `buckets`): a bucketed
    /// total never needs them sorted, so they are sorted only for an exact one.
    pending: Vec<f64>,
}

impl IndicatorStats {
    /// Adds the statistics of later runs.
    pub fn merge(&mut self, other: &IndicatorStats) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = other.clone();
            self.settle();
            self.buckets = None;
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
        if other.pending.is_empty() || (!self.sketch.is_exact() && other.buckets.is_some()) {
            self.sketch.merge_bucketed(&other.sketch, other.buckets.as_deref());
        } else {
            self.sketch.merge(&other.settled_sketch());
        }
    }

    /// The percentile summary. Only for statistics made whole: a total (made by
    /// [`IndicatorStats::merge`]) or settled ones ([`IndicatorStats::settle`]).
    pub fn sketch(&self) -> &Sketch {
        assert!(
            self.pending.is_empty(),
            "a chunk's statistics are merged or settled before their percentiles are read"
        );
        &self.sketch
    }

    /// Sorts the pending values into the sketch.
    pub fn settle(&mut self) {
        if !self.pending.is_empty() {
            let mut pending = std::mem::take(&mut self.pending);
            self.sketch.merge(&Sketch::from_values(&mut pending));
        }
    }

    /// The sketch of every value, the pending ones sorted in (for a chunk that is only
    /// read: [`IndicatorStats::settle`] does it in place).
    fn settled_sketch(&self) -> Sketch {
        let mut sketch = self.sketch.clone();
        if !self.pending.is_empty() {
            sketch.merge(&Sketch::from_values(&mut self.pending.clone()));
        }
        sketch
    }

    /// Sample standard deviation (n - 1 in the denominator); 0 for fewer than 2 runs.
    pub fn sd(&self) -> f64 {
        if self.n < 2 { 0.0 } else { (self.m2 / (self.n - 1) as f64).sqrt() }
    }
}

/// Collects one indicator's final values over a chunk of runs, in run order (the
/// reference for [`super::collect`]'s counting): sums as the values come, a count per
/// value for the first values to take each of [`SMALL_DISTINCT`] slots of a small
/// table, the rest kept for the end: sorted into the sketch there, or, where they are
/// many over many buckets, counted by bucket and left unsorted until a total needs them
/// exact (a bucketed total never does; the sort was most of a random indicator's cost).
#[derive(Debug, Clone)]
pub struct ValueCollector {
    /// Sums of `v - shift` and its square (the shift keeps them accurate).
    shift: f64,
    s1: f64,
    s2: f64,
    n: u64,
    min: f64,
    max: f64,
    /// Slots of a direct-mapped table: the value's bits (or [`EMPTY`]) and its count.
    distinct: [(u64, u64); SMALL_DISTINCT],
    rest: Vec<f64>,
    /// Sorted `(value, count)` pairs taken over from a grid count ([`Self::absorb`]).
    counted: Vec<(f64, u64)>,
}

/// Slots of a collector's small table (a power of two).
pub const SMALL_DISTINCT: usize = 32;

/// An empty slot: a NaN's bits (values are never NaN).
const EMPTY: u64 = u64::MAX;

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
            distinct: [(EMPTY, 0); SMALL_DISTINCT],
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
        // The slot a value's bits hash to counts it if it holds that value or nothing;
        // any other value goes to the rest (a value may be in both: the counts add up in
        // the sketch, which only sees the multiset of values).
        let bits = v.to_bits();
        let slot = &mut self.distinct[(bits.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 59) as usize % SMALL_DISTINCT];
        if slot.0 == bits || slot.0 == EMPTY {
            *slot = (bits, slot.1 + 1);
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
        let mut distinct: Vec<(f64, u64)> =
            self.distinct.iter().filter(|e| e.0 != EMPTY).map(|&(bits, n)| (f64::from_bits(bits), n)).collect();
        distinct.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut sketch = Sketch::from_pairs(distinct);
        if !self.counted.is_empty() {
            sketch.merge(&Sketch::from_pairs(std::mem::take(&mut self.counted)));
        }
        let (buckets, pending) = match Self::bucket_rest(&sketch, &self.rest) {
            Some(buckets) => (Some(buckets), self.rest),
            None => {
                if !self.rest.is_empty() {
                    sketch.merge(&Sketch::from_values(&mut self.rest));
                }
                (sketch.buckets_ahead(), Vec::new())
            }
        };
        IndicatorStats {
            n: self.n,
            mean: self.shift + self.s1 / nf,
            m2: (self.s2 - self.s1 * self.s1 / nf).max(0.0),
            min: self.min,
            max: self.max,
            sketch,
            buckets,
            pending,
        }
    }

    /// The buckets of every value, where the rest are many values over many buckets:
    /// then the sketch is [`Sketch::buckets_ahead`]'s, found without sorting the rest
    /// (which wait, unsorted, for a total that stays exact). `None` where the rest are few,
    /// or fall in few buckets, or could take the sketch past [`EXACT_LIMIT`].
    fn bucket_rest(sketch: &Sketch, rest: &[f64]) -> Option<Vec<(i64, u64)>> {
        let Sketch::Exact(pairs) = sketch else { return None };
        if rest.len() <= BUCKETS_AHEAD || rest.len() + pairs.len() > EXACT_LIMIT {
            return None;
        }
        thread_local!(static CELLS: RefCell<Cells> = RefCell::new(Cells::default()));
        let buckets = CELLS.with(|cells| cells.borrow_mut().counts(rest, pairs));
        // More buckets than BUCKETS_AHEAD: more distinct values, as buckets_ahead wants.
        (buckets.len() > BUCKETS_AHEAD).then_some(buckets)
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
    pub fn end_run(&mut self, end: &RunEnd) {
        self.runs += 1;
        self.outcome_runs[end.outcome as usize] += 1;
        self.total_steps += u64::from(end.steps);
    }

    /// Adds the tally of the next chunk of runs, except its paths (the simulation merges
    /// those into its sharded summary, `path_shards`).
    pub fn merge(&mut self, other: Tally) {
        debug_assert!(other.paths.entries.is_empty(), "a chunk's paths go to the sharded summary");
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
    }
}

/// Counts only how often each branch is taken: for scenarios without cycles, where a
/// run takes a branch at most once, so the runs taking it are the same count
/// ([`Tally::runs_taking_as_times`] copies it over at the end). It holds the counts
/// themselves, not the tally, so that the walk keeps where they are at hand.
pub struct Times<'a>(pub &'a mut [u64]);

impl super::walk::Observer for Times<'_> {
    #[inline(always)]
    fn taken(&mut self, branch: u32, _first: bool) {
        self.0[branch as usize] += 1;
    }
}

impl Tally {
    /// Sets the runs taking each branch to the times it was taken (right where no run can
    /// take a branch twice).
    pub fn runs_taking_as_times(&mut self) {
        self.runs_taking.copy_from_slice(&self.times_taken);
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

    /// Chunks that leave their values unsorted merge to the sketch of sorting every
    /// value: while the total is exact, once it is bucketed, and beside chunks of few
    /// distinct values (which sort theirs at once).
    #[test]
    fn unsorted_chunks_merge_to_the_sorted_sketch() {
        let mut unit = crate::engine::test_rng::units(3);
        let mut values: Vec<f64> = (0..30_000)
            .map(|i| {
                let u = unit();
                // A stretch of few distinct values, then continuous ones of both signs.
                if (8_192..12_288).contains(&i) { f64::from(i % 5) } else { 10.0 * u - 2.0 }
            })
            .collect();
        values[100] = -0.0;
        let mut whole = collect(&values);
        whole.settle();
        let mut total = IndicatorStats::default();
        let mut deferred = 0;
        for chunk in values.chunks(4096) {
            let part = collect(chunk);
            deferred += usize::from(!part.pending.is_empty());
            total.merge(&part);
        }
        assert!(deferred >= 5, "most chunks leave their values unsorted ({deferred})");
        assert!(!total.sketch().is_exact());
        assert_eq!(total.sketch(), whole.sketch());
        // Two chunks alone: the total stays exact, so the second is sorted to merge.
        let mut two = IndicatorStats::default();
        two.merge(&collect(&values[..1000]));
        two.merge(&collect(&values[1000..2000]));
        let mut exact = collect(&values[..2000]);
        exact.settle();
        assert!(two.sketch().is_exact());
        assert_eq!(two.sketch(), exact.sketch());
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
