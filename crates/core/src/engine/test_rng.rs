//! A small pseudo-random sequence for the engine's tests (xorshift64): the same numbers
//! on every machine, cheap, and apart from the walk's own random streams.

/// 64-bit xorshift numbers from `seed` (mixed first, so that nearby seeds differ).
pub fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// Numbers in [0, 1) from [`xorshift`]`(seed)`.
pub fn units(seed: u64) -> impl FnMut() -> f64 {
    let mut next = xorshift(seed);
    move || (next() >> 11) as f64 / (1u64 << 53) as f64
}
