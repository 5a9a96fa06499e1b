//! Number formatting shared by every output, so that the same value prints the same
//! bytes everywhere.

/// `x` with exactly `decimals` decimals, `.` as separator, and never `-0`.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') { s[1..].to_string() } else { s }
}

/// A share or probability (6 decimals).
pub fn share(x: f64) -> String {
    fixed(x, 6)
}

/// A CSV writer into memory in the dialect of every output: RFC 4180 with CRLF line ends.
pub fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new())
}

/// An exact probability or mean (9 decimals, so small path probabilities still show).
pub fn exact(x: f64) -> String {
    fixed(x, 9)
}

/// An optional exact figure: empty where it is not known.
pub fn exact_or_empty(x: Option<f64>) -> String {
    x.map(exact).unwrap_or_default()
}

/// An indicator value (6 decimals).
pub fn value(x: f64) -> String {
    fixed(x, 6)
}

/// A share as a percentage for terminal tables, e.g. `41.26%`.
pub fn percent(x: f64) -> String {
    format!("{}%", fixed(100.0 * x, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_negative_zero() {
        assert_eq!(fixed(-0.0, 6), "0.000000");
        assert_eq!(fixed(-0.000_000_1, 6), "0.000000");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(share(1.0 / 3.0), "0.333333");
        assert_eq!(percent(0.41256), "41.26%");
    }
}
