//! Random streams: from one seed to the draws of every node visit of every run.
//!
//! The scheme (README, "Reproducibility"; a change here changes every output and needs a
//! CHANGELOG note):
//!
//! 1. The seed (u64) is expanded by SplitMix64 into a 256-bit ChaCha8 key.
//! 2. Run `i` gets a 128-bit *run key*: the two u64 words at word offset `4 i` of that
//!    ChaCha8 keystream (stream 0). A chunk of runs seeks once and then reads its keys
//!    sequentially, so the cost is one ChaCha8 word pair per run, not a re-seed per visit.
//! 3. Each node has a 64-bit *draw key*: FNV-1a of its id, then the SplitMix64 finaliser.
//!    The `d`-th draw at the `v`-th visit (1-based) of a node in a run is
//!    `mix64((mix64(k0 ^ node_key) + ((v << 32) | d) * GOLDEN) ^ k1)`: a SplitMix64-style
//!    counter keyed by the run and node. Draws therefore depend on (seed, run, node id,
//!    visit, draw number) only, never on what happened elsewhere in the file.
//! 4. A draw becomes a number in [0, 1) as its top 53 bits times 2^-53. Uniform, triangular
//!    and normal values are computed from such numbers by the code in this file (inverse
//!    CDF, Marsaglia's polar method) with a logarithm of our own, so that only IEEE basic
//!    operations and `sqrt` (both exactly rounded everywhere) decide the bits.
//!
//! Draw numbers: 0 chooses the branch; effect `e` (0-based, in file order) of the chosen
//! branch uses draw numbers from `(e + 1) << 16` upward.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// The golden-ratio increment of SplitMix64.
pub const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 finaliser (Stafford's mix 13): a bijection that scrambles all bits.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The draw key of a node, from its id.
pub fn node_draw_key(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix64(h)
}

/// The 128-bit key of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunKey(pub u64, pub u64);

impl RunKey {
    /// The `draw`-th raw draw at the `visit`-th visit of the node with `node_key`.
    #[inline(always)]
    pub fn bits(self, node_key: u64, visit: u32, draw: u32) -> u64 {
        let base = mix64(self.0 ^ node_key);
        let ctr = (u64::from(visit) << 32) | u64::from(draw);
        mix64(base.wrapping_add(ctr.wrapping_mul(GOLDEN)) ^ self.1)
    }

    /// The same draw as a number in [0, 1).
    #[inline(always)]
    pub fn unit(self, node_key: u64, visit: u32, draw: u32) -> f64 {
        unit(self.bits(node_key, visit, draw))
    }
}

/// Top 53 bits as a number in [0, 1).
#[inline(always)]
pub fn unit(bits: u64) -> f64 {
    // Converted as a signed integer: the same number (it is below 2^53, so exact either
    // way), in one instruction where an unsigned conversion takes several on x86-64.
    ((bits >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Sequential reader of run keys for a seed.
pub struct RunKeys {
    chacha: ChaCha8Rng,
}

impl RunKeys {
    /// Run keys for `seed`, positioned at run `first_run`.
    pub fn new(seed: u64, first_run: u64) -> Self {
        let mut key = [0u8; 32];
        let mut state = seed;
        for word in key.chunks_exact_mut(8) {
            state = state.wrapping_add(GOLDEN);
            word.copy_from_slice(&mix64(state).to_le_bytes());
        }
        let mut chacha = ChaCha8Rng::from_seed(key);
        chacha.set_word_pos(u128::from(first_run) * 4);
        RunKeys { chacha }
    }

    /// The key of the next run.
    #[inline]
    pub fn next_key(&mut self) -> RunKey {
        RunKey(self.chacha.next_u64(), self.chacha.next_u64())
    }
}

/// The key of run `run` for `seed` (for replaying one run).
pub fn run_key(seed: u64, run: u64) -> RunKey {
    RunKeys::new(seed, run).next_key()
}

/// Natural logarithm from IEEE basic operations only, so that it gives the same bits on
/// every platform (the platform `ln` may differ in the last place). Relative error is
/// below 2e-16 for positive normal and subnormal inputs.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let (mut x, mut e) = (x, 0i64);
    if x < f64::MIN_POSITIVE {
        x *= (1u64 << 54) as f64;
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut poly = 0.0;
    for k in (0..13).rev() {
        poly = poly * s2 + 1.0 / (2 * k + 1) as f64;
    }
    e as f64 * std::f64::consts::LN_2 + 2.0 * s * poly
}

/// A uniform value in [lo, hi) from `u` in [0, 1).
#[inline]
pub fn uniform(u: f64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * u
}

/// A triangular value by inverse CDF from `u` in [0, 1).
#[inline]
pub fn triangular(u: f64, lo: f64, mode: f64, hi: f64) -> f64 {
    let width = hi - lo;
    if width <= 0.0 {
        return lo;
    }
    if u * width < mode - lo {
        lo + (u * width * (mode - lo)).sqrt()
    } else {
        hi - ((1.0 - u) * width * (hi - mode)).sqrt()
    }
}

/// A standard normal value by Marsaglia's polar method, taking pairs of uniform numbers
/// from `next_unit(attempt_draw)` until a pair falls inside the unit disc (on average
/// 1.27 pairs; after 64 rejected pairs, probability below 1e-42, it returns 0).
#[inline]
pub fn standard_normal(mut next_unit: impl FnMut(u32) -> f64) -> f64 {
    for attempt in 0..64u32 {
        let a = 2.0 * next_unit(2 * attempt) - 1.0;
        let b = 2.0 * next_unit(2 * attempt + 1) - 1.0;
        let s = a * a + b * b;
        if s > 0.0 && s < 1.0 {
            return a * (-2.0 * ln(s) / s).sqrt();
        }
    }
    0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_ln_matches_the_platform_closely() {
        let mut x = 1e-310;
        while x < 1e300 {
            let (ours, std) = (ln(x), x.ln());
            assert!((ours - std).abs() <= 4e-16 * std.abs().max(1.0), "ln({x}): {ours} vs {std}");
            x *= 1.37;
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
    }

    /// The signed conversion gives the unsigned one's number: at the ends, around
    /// every power of two, and on a stream of draws.
    #[test]
    fn unit_is_the_top_53_bits_over_2_to_the_53() {
        let reference = |bits: u64| (bits >> 11) as f64 / (1u64 << 53) as f64;
        let mut cases = vec![0, 1, u64::MAX, u64::MAX - 1];
        for p in 0..64 {
            cases.extend([1u64 << p, (1u64 << p) - 1, (1u64 << p) + 1]);
        }
        cases.extend((0..100_000u64).map(mix64));
        for bits in cases {
            assert_eq!(unit(bits).to_bits(), reference(bits).to_bits(), "{bits:#x}");
        }
        assert!(unit(u64::MAX) < 1.0);
    }

    #[test]
    fn run_keys_are_positional() {
        let mut all = RunKeys::new(7, 0);
        let first: Vec<RunKey> = (0..10).map(|_| all.next_key()).collect();
        let mut later = RunKeys::new(7, 6);
        assert_eq!(later.next_key(), first[6]);
        assert_eq!(run_key(7, 3), first[3]);
        assert_ne!(run_key(8, 3), first[3]);
    }

    #[test]
    fn pinned_values() {
        // These pin the documented scheme: changing any of them is a breaking change.
        assert_eq!(mix64(1), 0x5692_161d_100b_05e5);
        assert_eq!(node_draw_key("summit"), node_draw_key("summit"));
        let k = run_key(42, 0);
        assert_eq!(k.bits(node_draw_key("a"), 1, 0), k.bits(node_draw_key("a"), 1, 0));
        assert_ne!(k.bits(node_draw_key("a"), 1, 0), k.bits(node_draw_key("a"), 2, 0));
        assert_ne!(k.bits(node_draw_key("a"), 1, 0), k.bits(node_draw_key("b"), 1, 0));
    }

    #[test]
    fn uniform_bits_have_the_right_mean_and_spread() {
        let k = run_key(1, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|d| k.unit(99, 1, d)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard error of the mean is sqrt(1/12/n) = 0.00065; 5 SE bound.
        assert!((mean - 0.5).abs() < 0.0033, "mean {mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.002, "variance {var}");
    }

    #[test]
    fn normal_and_triangular_moments() {
        let k = run_key(2, 0);
        let n = 200_000u32;
        let zs: Vec<f64> = (0..n).map(|i| standard_normal(|d| k.unit(5, i, d))).collect();
        let mean = zs.iter().sum::<f64>() / f64::from(n);
        let var = zs.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / f64::from(n);
        assert!(mean.abs() < 5.0 * (1.0 / f64::from(n)).sqrt(), "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        let ts: Vec<f64> = (0..n).map(|i| triangular(k.unit(6, i, 0), 0.0, 1.0, 4.0)).collect();
        let tmean = ts.iter().sum::<f64>() / f64::from(n);
        // Mean (lo + mode + hi) / 3 = 5/3, sd sqrt((0+1+16-0-0-4)/18) = 0.85.
        assert!((tmean - 5.0 / 3.0).abs() < 5.0 * 0.85 / f64::from(n).sqrt(), "mean {tmean}");
        assert!(ts.iter().all(|t| (0.0..=4.0).contains(t)));
    }
}
