//! Small statistical formulas shared by the outputs and the tests.

/// The 97.5% quantile of the standard normal distribution.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval at 95% for `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At k = 0 and k = n the bounds are exactly 0 and 1; rounding must not move them.
    let lo = if k == 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if k == n { 1.0 } else { (centre + half).min(1.0) };
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_worked_values() {
        // Worked by hand: k = 50, n = 100 gives 0.5 +- 0.0961 (centre stays 0.5).
        let (lo, hi) = wilson(50, 100);
        assert!((lo - 0.403_831).abs() < 1e-6 && (hi - 0.596_169).abs() < 1e-6, "{lo} {hi}");
        // k = 0 keeps a positive upper bound: z^2 / (n + z^2) = 0.0369935 for n = 100.
        let (lo, hi) = wilson(0, 100);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.036_993_5).abs() < 1e-6, "{hi}");
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }
}
