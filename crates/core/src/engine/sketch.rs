//! Bounded, mergeable percentile summaries of indicator values.
//!
//! Memory must not grow with the run count, yet most indicators take few distinct
//! values (they change by fixed amounts), and for those the percentiles should be exact.
//! So a [`Sketch`] keeps exact `(value, count)` pairs while there are at most
//! [`EXACT_LIMIT`] distinct values, and otherwise switches to logarithmic buckets in the
//! manner of DDSketch: each value falls in a bucket `(γ^(k-1), γ^k]` with
//! `γ = (1 + α) / (1 - α)`, `α = 0.001`, and is reported as the bucket's midpoint
//! `2 γ^k / (γ + 1)`, which is within 0.1% (relative) of every value in the bucket.
//! Values of magnitude below 1e-12 count as 0. Counts are integers, so merging is exact
//! and the result depends only on the multiset of values, never on how runs were split
//! among threads. Logarithms and powers use our own IEEE-only code ([`super::rng::ln`],
//! [`powi`]) so bucket edges are the same on every platform.

use super::rng::ln;

/// Distinct values kept exactly before switching to buckets.
pub const EXACT_LIMIT: usize = 4096;
/// Relative accuracy of bucketed percentiles.
pub const ALPHA: f64 = 0.001;
const ZERO_BAND: f64 = 1e-12;
/// Distinct values of a chunk's sketch above which its worker cuts it into buckets ahead
/// of the merge (where that many, the total is likely bucketed already).
pub const BUCKETS_AHEAD: usize = 256;
const OFFSET: i64 = 20_000;

fn gamma() -> f64 {
    (1.0 + ALPHA) / (1.0 - ALPHA)
}

/// `x^n` by repeated squaring (deterministic, unlike `f64::powi`).
pub fn powi(x: f64, n: i64) -> f64 {
    let (mut base, mut e, mut acc) = (x, n.unsigned_abs(), 1.0);
    while e > 0 {
        if e & 1 == 1 {
            acc *= base;
        }
        base *= base;
        e >>= 1;
    }
    if n < 0 { 1.0 / acc } else { acc }
}

fn bucket(v: f64, ln_gamma: f64) -> i64 {
    if v.abs() < ZERO_BAND {
        return 0;
    }
    let k = (ln(v.abs()) / ln_gamma).ceil() as i64 + OFFSET;
    if v > 0.0 { k } else { -k }
}

/// Values that surely fall in one bucket: those whose magnitude is more than
/// [`Interior::MARGIN`] (relative) inside the bucket's edges `(γ^(j-1), γ^j]`, with the
/// bucket's sign. [`bucket`] computes `ceil(ln|v| / ln γ)` with a relative error below
/// 4e-16 (`ln`'s 2e-16, the division's half an ulp), which for a value between 1e-300
/// and 1e300 is less than 2e-10 of a bucket, while a value `MARGIN` inside an edge is
/// 5e-6 of a bucket away from it. The edges here are powers of `γ` by squaring (within
/// 1e-10, relative, of the true ones), then multiplied or divided by `γ` one bucket at a
/// time (a few ulps more each; a chunk cannot take more than a few thousand such steps
/// before a logarithm sets them again). So for those values the logarithm cannot change
/// the bucket.
#[derive(Clone, Copy)]
struct Interior {
    /// The bucket's key and its edges, without the margin.
    key: i64,
    lo: f64,
    hi: f64,
}

impl Interior {
    const MARGIN: f64 = 1e-8;
    /// Buckets stepped over before a value is given to [`bucket`] instead.
    const MOST_STEPS: usize = 4;
    /// Holds nothing.
    const EMPTY: Interior = Interior { key: 0, lo: f64::INFINITY, hi: f64::NEG_INFINITY };

    /// The bucket `key` (empty for the zero bucket, and where an edge is out of range).
    fn of(key: i64) -> Interior {
        let hi = powi(gamma(), key.abs() - OFFSET);
        Interior { key, lo: hi / gamma(), hi }.checked()
    }

    fn checked(self) -> Interior {
        if self.key == 0 || !(self.lo >= 1e-300 && self.hi <= 1e300) { Interior::EMPTY } else { self }
    }

    fn holds(&self, m: f64) -> bool {
        m > self.lo * (1.0 + Self::MARGIN) && m < self.hi * (1.0 - Self::MARGIN)
    }

    /// The bucket of `v` if it is surely this one or one of the next few in the sorted
    /// order (upwards for positive values, whose magnitudes grow; downwards for
    /// negative ones); the interior moves to it.
    fn find(&mut self, v: f64) -> Option<i64> {
        let m = v.abs();
        if self.key == 0 || (v > 0.0) != (self.key > 0) {
            return None;
        }
        for _ in 0..=Self::MOST_STEPS {
            if self.holds(m) {
                return Some(self.key);
            }
            let next = if self.key > 0 {
                Interior { key: self.key + 1, lo: self.hi, hi: self.hi * gamma() }
            } else {
                Interior { key: self.key + 1, lo: self.lo / gamma(), hi: self.lo }
            };
            *self = next.checked();
            if self.key == 0 {
                return None;
            }
        }
        None
    }
}

/// Mantissa bits, beside the sign and exponent, that name a value's cell in [`Cells`]: a
/// cell spans at most three buckets (2^-8 relative, against buckets 0.2% wide).
const CELL_BITS: u32 = 8;
const CELL_SHIFT: u32 = 52 - CELL_BITS;
/// Cells remembered (128 KB), by the low bits of their number: consecutive cells never
/// collide, so values within a factor of 65,536 of each other (16 binades) each keep
/// their own. With 1,024, random values spread over more than four binades made cells
/// evict each other and take the logarithm again and again.
const CELL_SLOTS: usize = 4096;

/// Buckets of values that come in any order, without sorting them first. A value's cell
/// (its sign, exponent and top [`CELL_BITS`] mantissa bits) remembers the bucket of its
/// least value (for negative values, the one of largest magnitude), as an [`Interior`];
/// from there the value's own bucket is at most a few steps up, and
/// [`Interior::find`] takes them, or leaves the value to [`bucket`]. Either way the
/// bucket is [`bucket`]'s, so what the cells remember changes only the speed. Cells are
/// worth keeping from one batch to the next (a thread keeps one set, see
/// [`super::tally`]).
pub(crate) struct Cells {
    slots: Vec<(u64, Interior)>,
    ln_gamma: f64,
}

impl Default for Cells {
    fn default() -> Self {
        Cells { slots: vec![(u64::MAX, Interior::EMPTY); CELL_SLOTS], ln_gamma: ln(gamma()) }
    }
}

impl Cells {
    /// [`bucket`]`(v)`.
    #[inline]
    pub fn bucket(&mut self, v: f64) -> i64 {
        let cell = v.to_bits() >> CELL_SHIFT;
        let slot = &mut self.slots[cell as usize % CELL_SLOTS];
        if slot.0 != cell {
            // The cell's least value: its first bits for positive values, its last for
            // negative ones.
            let low_bits = if v > 0.0 { 0 } else { (1 << CELL_SHIFT) - 1 };
            let least = f64::from_bits(cell << CELL_SHIFT | low_bits);
            *slot = (cell, Interior::of(bucket(least, self.ln_gamma)));
        }
        let mut inside = slot.1;
        inside.find(v).unwrap_or_else(|| bucket(v, self.ln_gamma))
    }

    /// Sorted bucket counts of `values` (in any order) and of `(value, count)` pairs: what
    /// [`Sketch::to_buckets`] gives for their sorted union.
    pub fn counts(&mut self, values: &[f64], pairs: &[(f64, u64)]) -> Vec<(i64, u64)> {
        let mut keys: Vec<(i64, u64)> = Vec::with_capacity(values.len() + pairs.len());
        keys.extend(values.iter().map(|&v| (self.bucket(v), 1)));
        keys.extend(pairs.iter().map(|&(v, n)| (self.bucket(v), n)));
        count_keys(keys)
    }
}

/// Adds `n` of `key` to sorted `(key, count)` pairs, where `key` is the last key or
/// comes after it.
fn add_counted<K: PartialEq>(pairs: &mut Vec<(K, u64)>, key: K, n: u64) {
    match pairs.last_mut() {
        Some((last, c)) if *last == key => *c += n,
        _ => pairs.push((key, n)),
    }
}

/// Buckets spanned by the keys of one batch, above which [`count_keys`] sorts them
/// instead of counting them in a table.
const MOST_SPAN: i64 = 1 << 16;

/// Bucket keys with counts, added up per key and sorted by key.
///
/// Keys away from zero start [`OFFSET`] from it, so a batch of values that holds zeros
/// (key 0) and positive values spans thousands of empty keys between them: each sign
/// gets a table of its own span, and the zeros a count.
fn count_keys(mut keys: Vec<(i64, u64)>) -> Vec<(i64, u64)> {
    let (mut neg, mut pos) = ((i64::MAX, i64::MIN), (i64::MAX, i64::MIN));
    let mut zeros = 0u64;
    for &(k, n) in &keys {
        if k == 0 {
            zeros += n;
        } else {
            let side = if k < 0 { &mut neg } else { &mut pos };
            *side = (side.0.min(k), side.1.max(k));
        }
    }
    let span = |(lo, hi): (i64, i64)| if lo > hi { 0 } else { hi - lo + 1 };
    if span(neg) > MOST_SPAN || span(pos) > MOST_SPAN {
        keys.sort_unstable_by_key(|k| k.0);
        let mut out: Vec<(i64, u64)> = Vec::with_capacity(keys.len());
        for (k, n) in keys {
            add_counted(&mut out, k, n);
        }
        return out;
    }
    let (mut below, mut above) = (vec![0u64; span(neg) as usize], vec![0u64; span(pos) as usize]);
    for &(k, n) in &keys {
        if k < 0 {
            below[(k - neg.0) as usize] += n;
        } else if k > 0 {
            above[(k - pos.0) as usize] += n;
        }
    }
    let counted = |table: Vec<u64>, lo: i64| {
        table.into_iter().enumerate().filter(|(_, n)| *n > 0).map(move |(i, n)| (lo + i as i64, n))
    };
    let mut out: Vec<(i64, u64)> = counted(below, neg.0).collect();
    if zeros > 0 {
        out.push((0, zeros));
    }
    out.extend(counted(above, pos.0));
    out
}

fn representative(key: i64) -> f64 {
    if key == 0 {
        return 0.0;
    }
    let g = gamma();
    let m = 2.0 * powi(g, key.abs() - OFFSET) / (g + 1.0);
    if key > 0 { m } else { -m }
}

/// Sorts numbers in [`f64::total_cmp`] order, as integers: the same order, and integer
/// comparisons are cheaper than `total_cmp`'s.
pub fn sort_total(values: &mut [f64]) {
    // total_cmp's key: flip every bit but the sign of negative numbers, then compare as
    // signed integers; flipping the sign bit too makes it an unsigned comparison.
    let key = |v: f64| {
        let b = v.to_bits();
        b ^ (((b as i64 >> 63) as u64) >> 1) ^ (1 << 63)
    };
    let unkey = |k: u64| {
        let b = k ^ (1 << 63);
        f64::from_bits(b ^ (((b as i64 >> 63) as u64) >> 1))
    };
    let mut keys: Vec<u64> = values.iter().map(|&v| key(v)).collect();
    keys.sort_unstable();
    for (v, k) in values.iter_mut().zip(keys) {
        *v = unkey(k);
    }
}

/// A percentile summary of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub enum Sketch {
    /// Sorted distinct values with their counts.
    Exact(Vec<(f64, u64)>),
    /// Sorted bucket keys with their counts.
    Buckets(Vec<(i64, u64)>),
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch::Exact(Vec::new())
    }
}

fn merge_sorted<K: Copy>(
    a: &[(K, u64)],
    b: &[(K, u64)],
    less: impl Fn(K, K) -> bool,
    eq: impl Fn(K, K) -> bool,
) -> Vec<(K, u64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if eq(a[i].0, b[j].0) {
            out.push((a[i].0, a[i].1 + b[j].1));
            i += 1;
            j += 1;
        } else if less(a[i].0, b[j].0) {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

impl Sketch {
    /// A sketch of a batch of values (the buffer is sorted in place).
    pub fn from_values(values: &mut [f64]) -> Sketch {
        sort_total(values);
        let mut pairs: Vec<(f64, u64)> = Vec::new();
        for &v in values.iter() {
            let v = if v == 0.0 { 0.0 } else { v }; // fold -0 into 0
            add_counted(&mut pairs, v, 1);
        }
        Sketch::Exact(pairs).bounded()
    }

    /// A sketch of sorted, distinct `(value, count)` pairs.
    pub fn from_pairs(pairs: Vec<(f64, u64)>) -> Sketch {
        Sketch::Exact(pairs).bounded()
    }

    /// Sorted pairs cut into buckets. Sorted values come in runs of the same bucket, so
    /// a value well inside the last bucket's edges ([`Interior`]) takes that bucket
    /// without a logarithm; any other value takes [`bucket`]'s.
    fn to_buckets(pairs: &[(f64, u64)]) -> Vec<(i64, u64)> {
        let lg = ln(gamma());
        let mut out: Vec<(i64, u64)> = Vec::new();
        let mut inside = Interior::EMPTY;
        for &(v, n) in pairs {
            let k = match inside.find(v) {
                Some(k) => k,
                None => {
                    let k = bucket(v, lg);
                    inside = Interior::of(k);
                    k
                }
            };
            add_counted(&mut out, k, n);
        }
        out
    }

    fn bounded(self) -> Sketch {
        match self {
            Sketch::Exact(p) if p.len() > EXACT_LIMIT => Sketch::Buckets(Self::to_buckets(&p)),
            s => s,
        }
    }

    /// An exact sketch with more than [`BUCKETS_AHEAD`] values, cut into buckets (to
    /// pass to [`Sketch::merge_bucketed`]).
    pub fn buckets_ahead(&self) -> Option<Vec<(i64, u64)>> {
        match self {
            Sketch::Exact(p) if p.len() > BUCKETS_AHEAD => Some(Self::to_buckets(p)),
            _ => None,
        }
    }

    /// [`Sketch::merge`], given `other` already cut into buckets where it is exact (the
    /// same result, without cutting it here).
    pub fn merge_bucketed(&mut self, other: &Sketch, buckets: Option<&[(i64, u64)]>) {
        match (&*self, other, buckets) {
            (Sketch::Buckets(a), Sketch::Exact(_), Some(b)) => {
                *self = Sketch::Buckets(merge_sorted(a, b, |x, y| x < y, |x, y| x == y)).bounded();
            }
            _ => self.merge(other),
        }
    }

    /// Adds another sketch's counts to this one.
    pub fn merge(&mut self, other: &Sketch) {
        let merged = match (&*self, other) {
            (Sketch::Exact(a), Sketch::Exact(b)) => Sketch::Exact(merge_sorted(a, b, |x, y| x < y, |x, y| x == y)),
            (Sketch::Buckets(a), Sketch::Buckets(b)) => {
                Sketch::Buckets(merge_sorted(a, b, |x, y| x < y, |x, y| x == y))
            }
            (Sketch::Exact(a), Sketch::Buckets(b)) | (Sketch::Buckets(b), Sketch::Exact(a)) => {
                Sketch::Buckets(merge_sorted(&Self::to_buckets(a), b, |x, y| x < y, |x, y| x == y))
            }
        };
        *self = merged.bounded();
    }

    /// Whether percentiles are exact (few distinct values) or bucketed.
    pub fn is_exact(&self) -> bool {
        matches!(self, Sketch::Exact(_))
    }

    /// The `q`-quantile by nearest rank: the smallest value with at least `ceil(q n)`
    /// values at or below it, clamped to the observed `[min, max]`.
    pub fn quantile(&self, q: f64, min: f64, max: f64) -> Option<f64> {
        let n: u64 = match self {
            Sketch::Exact(p) => p.iter().map(|x| x.1).sum(),
            Sketch::Buckets(p) => p.iter().map(|x| x.1).sum(),
        };
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        let value = match self {
            Sketch::Exact(p) => {
                p.iter()
                    .find(|(_, c)| {
                        seen += c;
                        seen >= rank
                    })?
                    .0
            }
            Sketch::Buckets(p) => representative(
                p.iter()
                    .find(|(_, c)| {
                        seen += c;
                        seen >= rank
                    })?
                    .0,
            ),
        };
        Some(value.max(min).min(max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_quantiles_by_nearest_rank() {
        let mut v: Vec<f64> = vec![3.0, 1.0, 2.0, 2.0, -0.0, 0.0];
        let s = Sketch::from_values(&mut v);
        assert_eq!(s, Sketch::Exact(vec![(0.0, 2), (1.0, 1), (2.0, 2), (3.0, 1)]));
        assert_eq!(s.quantile(0.5, 0.0, 3.0), Some(1.0));
        assert_eq!(s.quantile(0.0, 0.0, 3.0), Some(0.0));
        assert_eq!(s.quantile(1.0, 0.0, 3.0), Some(3.0));
        assert_eq!(s.quantile(0.95, 0.0, 3.0), Some(3.0));
    }

    #[test]
    fn merging_in_any_split_gives_the_same_sketch() {
        let values: Vec<f64> = (0..20_000).map(|i| ((i * 7919) % 10_007) as f64 * 0.37 - 100.0).collect();
        let whole = Sketch::from_values(&mut values.clone());
        assert!(!whole.is_exact());
        for split in [1, 5000, 9999, 15_000] {
            let mut a = Sketch::from_values(&mut values[..split].to_vec());
            a.merge(&Sketch::from_values(&mut values[split..].to_vec()));
            assert_eq!(a, whole, "split at {split}");
        }
    }

    #[test]
    fn bucketed_quantiles_are_within_alpha() {
        let mut values: Vec<f64> = (1..=100_000).map(|i| i as f64 / 100.0).collect();
        let s = Sketch::from_values(&mut values);
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let truth = (q * 100_000.0f64).ceil() / 100.0;
            let got = s.quantile(q, 0.01, 1000.0).unwrap();
            assert!((got - truth).abs() <= ALPHA * truth * 1.0001, "q {q}: {got} vs {truth}");
        }
        let mut neg: Vec<f64> = (1..=10_000).map(|i| -(i as f64)).collect();
        let s = Sketch::from_values(&mut neg);
        let got = s.quantile(0.5, -10_000.0, -1.0).unwrap();
        assert!((got + 5000.0).abs() <= 5000.0 * ALPHA * 1.0001, "{got}");
    }

    #[test]
    fn merging_buckets_cut_ahead_is_merging() {
        let mut big: Vec<f64> = (0..6000).map(|i| f64::from(i) * 0.37 + 0.01).collect();
        let total = Sketch::from_values(&mut big);
        assert!(!total.is_exact());
        let mut chunk: Vec<f64> = (0..700).map(|i| f64::from(i) * 1.3 - 50.0).collect();
        let chunk = Sketch::from_values(&mut chunk);
        let ahead = chunk.buckets_ahead();
        assert!(ahead.is_some());
        let (mut a, mut b) = (total.clone(), total);
        a.merge(&chunk);
        b.merge_bucketed(&chunk, ahead.as_deref());
        assert_eq!(a, b);
    }

    /// Cutting sorted values into buckets gives each value [`bucket`]'s bucket, for
    /// values spread over many buckets and values at and next to bucket edges.
    #[test]
    fn buckets_of_sorted_values_are_each_values_bucket() {
        let lg = ln(gamma());
        let mut values: Vec<f64> = Vec::new();
        let mut unit = crate::engine::test_rng::units(1);
        for i in 0..200_000u64 {
            let u = unit();
            let scale = [1e-9, 1e-3, 1.0, 7.0, 1e3, 1e12, 1e250][(i % 7) as usize];
            values.push(if i % 3 == 0 { -u * scale } else { u * scale });
        }
        for j in [-12_000, -3_000, -1, 0, 1, 2, 57, 3_000, 12_000] {
            let edge = powi(gamma(), j);
            for v in [edge, edge.next_up(), edge.next_down(), edge * (1.0 + 2e-8), edge * (1.0 - 2e-8)] {
                values.extend([v, -v]);
            }
        }
        values.extend([0.0, 1e-13, -1e-13, 1e-12, f64::MIN_POSITIVE, 1e-310, 1e308, f64::MAX]);
        sort_total(&mut values);
        values.dedup();
        let pairs: Vec<(f64, u64)> = values.iter().map(|&v| (v, 1)).collect();
        let mut one_by_one: Vec<(i64, u64)> = Vec::new();
        for &v in &values {
            let k = bucket(v, lg);
            add_counted(&mut one_by_one, k, 1);
        }
        assert_eq!(Sketch::to_buckets(&pairs), one_by_one);
        // A value and its negation are in buckets of opposite signs, even side by side.
        let pair = Sketch::to_buckets(&[(-2.0, 1), (2.0, 1)]);
        assert_eq!(pair, [(bucket(-2.0, lg), 1), (bucket(2.0, lg), 1)]);
    }

    /// Values in any order get the buckets that sorting and cutting give, spread over
    /// many cells and magnitudes, at and next to bucket edges and cell ends, with counts
    /// and with keys too far apart to count in a table.
    #[test]
    fn cells_give_the_buckets_of_sorted_values() {
        let mut next = crate::engine::test_rng::units(2);
        let mut values: Vec<f64> =
            (0..50_000).map(|i| 0.5 + 5.0 * next() - if i % 5 == 0 { 3.0 } else { 0.0 }).collect();
        for j in [-3_000, -1, 0, 1, 2, 57, 3_000] {
            let edge = powi(gamma(), j);
            for v in [edge, edge.next_up(), edge.next_down(), edge * (1.0 + 2e-8), edge * (1.0 - 2e-8)] {
                values.extend([v, -v]);
            }
        }
        for cell in [0x3ff0_0000_0000_0000u64, 0x4000_1000_0000_0000, 0xbff0_0000_0000_0000] {
            let first = f64::from_bits(cell);
            let last = f64::from_bits(cell | ((1 << CELL_SHIFT) - 1));
            values.extend([first, first.next_down(), last, f64::from_bits(cell + (1 << CELL_SHIFT))]);
        }
        values.extend([0.0, 1e-13, -1e-13, 1e-12, f64::MIN_POSITIVE, 1e-310, 1e308, 2.5, 2.5, 2.5]);
        let pairs = [(2.5, 7), (-1.25, 3), (1e-300, 2)];
        let check = |values: &[f64]| {
            let mut all: Vec<f64> = values.to_vec();
            all.extend(pairs.iter().flat_map(|&(v, n)| std::iter::repeat_n(v, n as usize)));
            sort_total(&mut all);
            let mut sorted: Vec<(f64, u64)> = Vec::new();
            for v in all {
                add_counted(&mut sorted, v, 1);
            }
            assert_eq!(Cells::default().counts(values, &pairs), Sketch::to_buckets(&sorted));
        };
        check(&values);
        check(&values[..4096]);
        // Zeros (key 0) beside keys of one sign or both, each side counted in its own
        // table.
        let zeros_and: Vec<f64> = values[..4096].iter().map(|v| if v.abs() < 0.3 { 0.0 } else { *v }).collect();
        check(&zeros_and);
        check(&zeros_and.iter().map(|v| v.abs()).collect::<Vec<_>>());
        check(&zeros_and.iter().map(|v| -v.abs()).collect::<Vec<_>>());
        // Keys too far apart for a table (1e-9 against 1e300), on one side or both.
        check(&[1e-9, 3.0, 1e300, 3.0]);
        check(&[1e-9, 0.0, 1e300, -3.0, -2.0]);
        check(&[-1e-9, 0.0, -1e300, 3.0, 2.0]);
        assert_eq!(Cells::default().counts(&[], &[]), []);
    }

    #[test]
    fn sort_total_is_total_cmp_order() {
        let mut v = vec![3.5, -0.0, 0.0, -7.25, f64::INFINITY, 1e-310, -1e-310, f64::NEG_INFINITY, 2.0, -2.0];
        let mut w = v.clone();
        sort_total(&mut v);
        w.sort_by(f64::total_cmp);
        assert_eq!(
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            w.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn powi_matches_repeated_multiplication() {
        assert_eq!(powi(2.0, 10), 1024.0);
        assert_eq!(powi(2.0, -2), 0.25);
        assert_eq!(powi(1.5, 0), 1.0);
    }
}
