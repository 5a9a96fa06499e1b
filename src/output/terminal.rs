//! The short table `whatif run` prints: the notice, outcome shares with intervals,
//! indicator summaries, and where the files went.

use super::RunReport;
use crate::format::{fixed, percent};
use crate::stats;
use std::fmt::Write;

/// Thousands separators for counts: `100000` -> `100,000`.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Width of the share bars, in character cells (a share of 1 fills them all).
pub const BAR: usize = 24;

const BOLD: &str = "1";
const CYAN: &str = "36";
const RED: &str = "1;31";

/// `text` in an ANSI style when `colour` is on.
fn paint(text: &str, style: &str, colour: bool) -> String {
    if colour { format!("\x1b[{style}m{text}\x1b[0m") } else { text.to_string() }
}

/// Whether to colour what goes to stdout: only on a terminal, and never with `NO_COLOR`.
pub fn colour_stdout() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A horizontal bar of Unicode blocks for a share in [0, 1], [`BAR`] cells wide, with
/// eighth-cell resolution.
pub fn bar(share: f64) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * (BAR * 8) as f64).round() as usize;
    let mut s: String = std::iter::repeat_n('█', eighths / 8).collect();
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    format!("{s:<BAR$}")
}

pub use crate::format::notice;

/// The header of the exact column: exact *in this file*, a property of the invented
/// weights, not of the world.
pub const EXACT_HEADER: &str = "exact in this file";

/// How many standard errors a sampled share may stray from the exact value before the
/// table flags it.
pub const FLAG_SE: f64 = 4.0;

/// Whether `k` of `n` runs is more than [`FLAG_SE`] standard errors from probability `p`.
pub fn far_from_exact(k: u64, n: u64, p: f64) -> bool {
    let share = k as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    if se == 0.0 { (share - p).abs() > 0.0 } else { (share - p).abs() > FLAG_SE * se }
}

/// The summary table of a run.
pub fn summary(r: &RunReport, colour: bool) -> String {
    let mut s = paint(&notice(r.scenario), BOLD, colour);
    let t = &r.result.tally;
    let exact = r.exact.get();
    let order = r.outcome_order();
    let names: Vec<&str> = order.iter().map(|&o| r.scenario.outcomes[o].as_str()).collect();
    let (fitted, width) = crate::format::fit(&names, 44);
    let _ = write!(s, "\n{:<width$}  {:<BAR$}  {:>11}  {:>7}  {:>17}", "outcome", "", "runs", "share", "95% interval");
    let _ = writeln!(s, "{}", if exact.is_some() { format!("  {}", EXACT_HEADER) } else { String::new() });
    let mut flagged = 0;
    for (&o, name) in order.iter().zip(&fitted) {
        let k = t.outcome_runs[o];
        let (lo, hi) = stats::wilson(k, t.runs);
        let _ = write!(
            s,
            "{:<width$}  {}  {:>11}  {:>7}  {:>17}",
            name,
            paint(&bar(k as f64 / t.runs as f64), CYAN, colour),
            count(k),
            percent(k as f64 / t.runs as f64),
            format!("{} – {}", percent(lo), percent(hi)),
        );
        if let Some(e) = exact {
            let p = e.outcome[o];
            let flag = far_from_exact(k, t.runs, p);
            flagged += usize::from(flag);
            let mark = if flag { paint(" !", RED, colour) } else { String::new() };
            let _ = write!(s, "  {:>w$}{mark}", percent(p), w = EXACT_HEADER.len());
        }
        s.push('\n');
    }
    if flagged > 0 {
        let _ = writeln!(
            s,
            "! the sampled share is more than {FLAG_SE} standard errors from the exact value. With a correct \
             simulator that happens about once in 15,000 outcomes: either this seed is very unlucky or whatif \
             has a bug (please report it with manifest.csv)."
        );
    }
    if !r.scenario.indicators.is_empty() {
        let ind_names: Vec<&str> = r.scenario.indicators.iter().map(|i| i.name.as_str()).collect();
        let (ind_fitted, iw) = crate::format::fit(&ind_names, 30);
        let iw = iw.max(9);
        let _ = write!(s, "\n{:<iw$}  {:>10}  {:>10}  {:>10}  {:>10}", "indicator", "mean", "p05", "p50", "p95");
        let _ = writeln!(s, "{}", if exact.is_some() { format!("  {:>10}", "exact mean") } else { String::new() });
        for (i, st) in t.indicators.iter().enumerate() {
            let q = |p: f64| st.sketch().quantile(p, st.min, st.max).map(short).unwrap_or_default();
            let _ = write!(
                s,
                "{:<iw$}  {:>10}  {:>10}  {:>10}  {:>10}",
                ind_fitted[i],
                short(st.mean),
                q(0.05),
                q(0.5),
                q(0.95)
            );
            if let Some(e) = exact {
                let _ = write!(s, "  {:>10}", e.indicator_mean[i].map(short).unwrap_or_else(|| "–".into()));
            }
            s.push('\n');
        }
    }
    match &r.scenario.given {
        Some(g) => {
            let _ = writeln!(
                s,
                "\n{} of {} runs end with `{}` true; the shares are among them. Seed {}. Exact analysis: {}",
                count(t.runs),
                count(t.runs + t.excluded),
                g.text,
                r.config.seed,
                r.exact.note()
            );
        }
        None => {
            let _ = writeln!(s, "\n{} runs, seed {}. Exact analysis: {}", count(t.runs), r.config.seed, r.exact.note());
        }
    }
    if let Some(e) = exact {
        for note in &e.notes {
            let _ = writeln!(s, "note: {note}");
        }
    }
    s
}

/// A value for the terminal: 3 decimals, trailing zeros trimmed.
fn short(x: f64) -> String {
    let v = fixed(x, 3);
    v.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_shares_more_than_four_standard_errors_off() {
        // n = 10,000, p = 0.5: one standard error is 50 runs.
        assert!(!far_from_exact(5_199, 10_000, 0.5));
        assert!(far_from_exact(5_201, 10_000, 0.5));
        assert!(far_from_exact(4_799, 10_000, 0.5));
        assert!(!far_from_exact(0, 10_000, 0.0));
        assert!(far_from_exact(1, 10_000, 0.0), "an impossible outcome that occurs is always flagged");
    }

    #[test]
    fn bars_have_eighth_cell_resolution() {
        assert_eq!(bar(0.0), " ".repeat(BAR));
        assert_eq!(bar(1.0), "█".repeat(BAR));
        assert_eq!(bar(0.5).trim_end(), "█".repeat(BAR / 2));
        assert_eq!(bar(1.0 / (BAR * 8) as f64).trim_end(), "▏");
        assert_eq!(bar(0.25).chars().count(), BAR);
        assert_eq!(paint("x", RED, false), "x");
        assert_eq!(paint("x", RED, true), "\x1b[1;31mx\x1b[0m");
    }

    #[test]
    fn counts_and_values_read_well() {
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(short(4.2), "4.2");
        assert_eq!(short(3.0), "3");
        assert_eq!(short(-0.0001), "0");
    }
}
