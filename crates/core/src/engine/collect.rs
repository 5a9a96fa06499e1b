//! Indicator values of a chunk of runs, counted as cheaply as their kind allows.
//!
//! Most indicators only ever hold multiples of some power of two (whole index points,
//! halves) because their start, bounds and effects are such constants. For those a
//! [`Grid`] counts each value in a small table (one increment per run, in the slot of
//! the value's bits where the same bits were met lately, added to the value's cell when
//! another value takes the slot or the chunk ends) and derives the sums at
//! the end: every partial sum of such values is exact in floating point, so
//! the sums equal, bit for bit, what adding the values one by one in run order gives,
//! and so do the mean, the standard deviation and the percentiles ([`ValueCollector`]
//! does that adding, and stays the reference). A value off the grid or outside the table
//! (which the analysis should rule out) turns the collector into a [`ValueCollector`]
//! carrying exactly the sums so far, so a wrong guess costs speed, never a digit.
//! Indicators with random effects go to a [`ValueCollector`] from the start.

use super::tally::{IndicatorStats, ValueCollector};
use crate::scenario::{EffectKind, Scenario};

/// Largest table of counts per indicator and chunk.
const MAX_CELLS: usize = 4096;

/// Finest grid considered: multiples of 2^-MAX_BITS.
const MAX_BITS: i32 = 16;

/// How one indicator's values are collected (worked out once per simulation).
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Values are `shift + j / scale` with `j` in `lo..lo + cells`.
    Grid { shift: f64, scale: f64, lo: i64, cells: usize },
    /// Values are added in run order.
    Ordered { shift: f64 },
}

impl Kind {
    /// The kind for indicator `i` of `sc`.
    pub fn of(sc: &Scenario, i: usize) -> Kind {
        let ind = &sc.indicators[i];
        let shift = ind.start;
        let ordered = Kind::Ordered { shift };
        let mut constants = vec![ind.start];
        constants.extend([ind.min, ind.max].into_iter().filter(|b| b.is_finite()));
        for e in sc.branches.iter().flat_map(|b| &b.effects).filter(|e| e.indicator as usize == i) {
            match e.kind {
                EffectKind::Add(a) | EffectKind::Set(a) => constants.push(a),
                _ => return ordered,
            }
        }
        let Some(bits) = (0..=MAX_BITS).find(|&k| constants.iter().all(|&c| on_grid(c, k))) else { return ordered };
        let scale = f64::from(1u32 << bits);
        let (half, whole) = ((MAX_CELLS / 2) as i64, MAX_CELLS as i64);
        let (lo, hi) = if ind.min.is_finite() && ind.max.is_finite() {
            (((ind.min - shift) * scale) as i64, ((ind.max - shift) * scale) as i64 + 1)
        } else {
            (-half, half)
        };
        if hi <= lo || hi - lo > whole {
            return Kind::Grid { shift, scale, lo: -half, cells: MAX_CELLS };
        }
        Kind::Grid { shift, scale, lo, cells: (hi - lo) as usize }
    }
}

/// Whether `c` is a multiple of 2^-k small enough for exact sums of thousands of them.
fn on_grid(c: f64, k: i32) -> bool {
    let x = c * f64::from(1u32 << k);
    x.abs() < 1e9 && x == x.trunc()
}

/// One grid indicator's values over a chunk of runs: a count per cell.
#[derive(Debug, Clone)]
pub struct Grid {
    shift: f64,
    scale: f64,
    /// `1 / scale` (a power of two, so multiplying by it is exact).
    inv: f64,
    lo: i64,
    counts: Vec<u32>,
    /// Values met lately, by a hash of their bits, each with its cell and the runs that
    /// ended with it since it took the slot, not yet in `counts` (an indicator takes few
    /// values, so most runs find theirs here: one compare and one increment, no check
    /// and no look into `counts`). A value that takes a slot adds the one before it to
    /// `counts`; [`Grid::flush`] adds them all.
    seen: Box<[Seen; SEEN]>,
    /// Where the values go after one fell off the grid (the counts are then empty, so
    /// every later value comes here too).
    fallback: Option<Box<ValueCollector>>,
}

/// Slots of a grid's table of values met lately (4 KB).
const SEEN: usize = 256;

/// A value's bits, its cell, and runs not yet in its cell's count.
#[derive(Debug, Clone, Copy)]
struct Seen {
    bits: u64,
    cell: u32,
    runs: u32,
}

/// A slot of no value: no value has these bits (they are a NaN's).
const UNSEEN: Seen = Seen { bits: u64::MAX, cell: 0, runs: 0 };

impl Grid {
    fn new(shift: f64, scale: f64, lo: i64, cells: usize) -> Grid {
        let seen = Box::new([UNSEEN; SEEN]);
        Grid { shift, scale, inv: 1.0 / scale, lo, counts: vec![0; cells], seen, fallback: None }
    }

    /// The slot of a value's bits in [`Grid::seen`].
    #[inline(always)]
    fn slot(bits: u64) -> usize {
        (bits.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - SEEN.trailing_zeros())) as usize
    }

    /// Adds one run's final value.
    #[inline(always)]
    pub fn push(&mut self, v: f64) {
        let bits = v.to_bits();
        let seen = &mut self.seen[Self::slot(bits)];
        // The same bits as a value already found on the grid: one more run of it.
        if seen.bits == bits {
            seen.runs += 1;
            return;
        }
        self.push_new(v);
    }

    /// [`Grid::push`] for a value not in the table: checks that it is exactly its
    /// cell's, and gives it the slot (the value there before goes to its cell).
    #[inline(never)]
    fn push_new(&mut self, v: f64) {
        let j = ((v - self.shift) * self.scale) as i64;
        // The value must be exactly its cell's: off-grid values fail here.
        let cell = j.wrapping_sub(self.lo) as usize;
        if self.shift + j as f64 * self.inv == v && cell < self.counts.len() {
            let bits = v.to_bits();
            let seen = &mut self.seen[Self::slot(bits)];
            if let Some(c) = self.counts.get_mut(seen.cell as usize) {
                *c += seen.runs;
            }
            *seen = Seen { bits, cell: cell as u32, runs: 1 };
            return;
        }
        self.off_grid(v);
    }

    /// Adds the runs waiting in the table to their cells, and empties it.
    fn flush(&mut self) {
        for seen in self.seen.iter_mut() {
            if let Some(c) = self.counts.get_mut(seen.cell as usize) {
                *c += seen.runs;
            }
            *seen = UNSEEN;
        }
    }

    /// Turns to adding in order, starting from the exact sums so far (equal to the
    /// ordered ones), and adds `v`.
    #[cold]
    #[inline(never)]
    fn off_grid(&mut self, v: f64) {
        if self.fallback.is_none() {
            // Every later value misses the emptied table and, with no counts, comes here.
            self.flush();
            let mut ordered = ValueCollector::new(self.shift);
            let (n, s1, s2, pairs) = self.sums();
            ordered.absorb(n, s1, s2, &pairs);
            self.counts = Vec::new();
            self.fallback = Some(Box::new(ordered));
        }
        if let Some(f) = &mut self.fallback {
            f.push(v);
        }
    }

    /// Runs, the sums of `v - shift` and of its square, and the sorted `(value, count)`
    /// pairs.
    fn sums(&self) -> (u64, f64, f64, Vec<(f64, u64)>) {
        let (mut n, mut s1, mut s2) = (0u64, 0i64, 0i128);
        let mut pairs = Vec::new();
        for (cell, &c) in self.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let j = self.lo + cell as i64;
            let v = self.shift + j as f64 * self.inv;
            pairs.push((if v == 0.0 { 0.0 } else { v }, u64::from(c)));
            n += u64::from(c);
            s1 += i64::from(c) * j;
            s2 += i128::from(c) * i128::from(j) * i128::from(j);
        }
        (n, s1 as f64 * self.inv, s2 as f64 * (self.inv * self.inv), pairs)
    }

    /// The statistics of the values pushed.
    pub fn finish(mut self) -> IndicatorStats {
        if let Some(f) = self.fallback {
            return f.finish();
        }
        self.flush();
        let (n, s1, s2, pairs) = self.sums();
        let mut c = ValueCollector::new(self.shift);
        c.absorb(n, s1, s2, &pairs);
        c.finish()
    }
}

/// The values of every indicator over a chunk of runs.
#[derive(Debug, Clone)]
pub struct Collectors {
    grids: Vec<(usize, Grid)>,
    ordered: Vec<(usize, ValueCollector)>,
}

impl Collectors {
    /// Empty collectors of the given kinds, one per indicator.
    pub fn new(kinds: &[Kind]) -> Collectors {
        let mut c = Collectors { grids: Vec::new(), ordered: Vec::new() };
        for (i, &k) in kinds.iter().enumerate() {
            match k {
                Kind::Grid { shift, scale, lo, cells } => c.grids.push((i, Grid::new(shift, scale, lo, cells))),
                Kind::Ordered { shift } => c.ordered.push((i, ValueCollector::new(shift))),
            }
        }
        c
    }

    /// Adds one run's final values (one per indicator).
    #[inline]
    pub fn push(&mut self, values: &[f64]) {
        for (i, g) in &mut self.grids {
            g.push(values[*i]);
        }
        for (i, c) in &mut self.ordered {
            c.push(values[*i]);
        }
    }

    /// The statistics of each indicator, in indicator order.
    pub fn finish(self) -> Vec<IndicatorStats> {
        let mut all: Vec<(usize, IndicatorStats)> = self.grids.into_iter().map(|(i, g)| (i, g.finish())).collect();
        all.extend(self.ordered.into_iter().map(|(i, c)| (i, c.finish())));
        all.sort_unstable_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, s)| s).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(kind: Kind, values: &[f64]) -> (IndicatorStats, IndicatorStats) {
        let shift = match kind {
            Kind::Grid { shift, .. } | Kind::Ordered { shift } => shift,
        };
        let (mut fast, mut slow) = (Collectors::new(&[kind]), ValueCollector::new(shift));
        for &v in values {
            fast.push(&[v]);
            slow.push(v);
        }
        let (mut fast, mut slow) = (fast.finish().remove(0), slow.finish());
        fast.settle();
        slow.settle();
        (fast, slow)
    }

    fn same(a: &IndicatorStats, b: &IndicatorStats) {
        assert_eq!(a.n, b.n);
        assert_eq!(a.mean.to_bits(), b.mean.to_bits());
        assert_eq!(a.m2.to_bits(), b.m2.to_bits());
        assert_eq!((a.min.to_bits(), a.max.to_bits()), (b.min.to_bits(), b.max.to_bits()));
        assert_eq!(a.sketch(), b.sketch());
    }

    /// Grid counts give the bits of adding in order, on the grid, off it (a spill
    /// midway) and outside the table.
    #[test]
    fn grid_counts_give_the_ordered_bits() {
        let grid = Kind::Grid { shift: 3.0, scale: 2.0, lo: -6, cells: 21 };
        let halves: Vec<f64> = (0..4096).map(|i| f64::from((i * 7919) % 21) * 0.5).collect();
        let (a, b) = both(grid, &halves);
        same(&a, &b);
        assert!(a.sketch().is_exact() && a.sd() > 0.0);
        let mut odd = halves.clone();
        odd[2000] = 0.1;
        odd[3000] = 1e6;
        // One bit away from a value met before (2.5), off the grid.
        odd[3500] = 2.5f64.next_up();
        let (a, b) = both(grid, &odd);
        same(&a, &b);
        let (a, b) = both(grid, &[-0.0, 0.0, 10.0]);
        same(&a, &b);
        // Many values, so that values share a slot of the table of values met before.
        let wide = Kind::Grid { shift: 0.0, scale: 4.0, lo: -2048, cells: MAX_CELLS };
        let quarters: Vec<f64> = (0..20_000).map(|i| f64::from((i * 7919) % 4001) * 0.25 - 500.0).collect();
        let (a, b) = both(wide, &quarters);
        same(&a, &b);
    }

    #[test]
    fn kinds_follow_the_effects() {
        let src = "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  \
                   a: { start: 1, min: 0, max: 10 }\n  b: { start: 0 }\n  c: { start: 0.5 }\n\
                   start: n\nnodes:\n  n:\n    branches:\n      \
                   - { id: x, weight: 1, effects: { a: 2, b: { uniform: [0, 1] }, c: 0.25 } }\n";
        let sc = crate::scenario::load_str("t.yaml", src).unwrap();
        assert!(matches!(Kind::of(&sc, 0), Kind::Grid { scale: 1.0, lo: -1, cells: 11, .. }));
        assert!(matches!(Kind::of(&sc, 1), Kind::Ordered { .. }));
        assert!(matches!(Kind::of(&sc, 2), Kind::Grid { scale: 4.0, cells: MAX_CELLS, .. }));
    }
}
