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

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

/// The notice block printed before any result.
pub fn notice(title: &str, notice: &str) -> String {
    format!("{title}\nNOTICE: {notice}\n")
}

/// The summary table of a run.
pub fn summary(r: &RunReport) -> String {
    let mut s = notice(&r.scenario.title, &r.scenario.notice);
    let t = &r.result.tally;
    let width =
        r.outcome_order().iter().map(|&o| r.scenario.outcomes[o].chars().count()).max().unwrap_or(7).clamp(7, 44);
    let _ = writeln!(s, "\n{:<width$}  {:>11}  {:>6}  {:>16}", "outcome", "runs", "share", "95% interval");
    for o in r.outcome_order() {
        let k = t.outcome_runs[o];
        let (lo, hi) = stats::wilson(k, t.runs);
        let _ = writeln!(
            s,
            "{:<width$}  {:>11}  {:>6}  {:>16}",
            clip(&r.scenario.outcomes[o], width),
            count(k),
            percent(k as f64 / t.runs as f64),
            format!("{} – {}", percent(lo), percent(hi)),
        );
    }
    if !r.scenario.indicators.is_empty() {
        let iw = r.scenario.indicators.iter().map(|i| i.name.len()).max().unwrap_or(9).clamp(9, 30);
        let _ = writeln!(s, "\n{:<iw$}  {:>12}  {:>12}  {:>12}  {:>12}", "indicator", "mean", "p05", "p50", "p95");
        for (ind, st) in r.scenario.indicators.iter().zip(&t.indicators) {
            let q = |p: f64| st.sketch.quantile(p, st.min, st.max).map(short).unwrap_or_default();
            let _ = writeln!(
                s,
                "{:<iw$}  {:>12}  {:>12}  {:>12}  {:>12}",
                clip(&ind.name, iw),
                short(st.mean),
                q(0.05),
                q(0.5),
                q(0.95)
            );
        }
    }
    let _ = writeln!(s, "\n{} runs, seed {}. Exact probabilities: {}", count(t.runs), r.config.seed, r.exact_note);
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
    fn counts_and_values_read_well() {
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(short(4.2), "4.2");
        assert_eq!(short(3.0), "3");
        assert_eq!(short(-0.0001), "0");
    }
}
