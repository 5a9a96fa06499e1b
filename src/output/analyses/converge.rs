//! `whatif converge`: `convergence.csv`, the terminal table (shares at growing run
//! counts, and the runs needed for a given precision) and the JSON document.

use super::Presenter;
use crate::analysis::converge::runs_for_half_width;
use crate::engine::exact::ExactStatus;
use crate::engine::simulate::{Checkpoint, SimConfig};
use crate::format::{exact_or_empty, percent, share};
use crate::output::json::{ConvergeJson, to_text};
use crate::output::terminal::count;
use crate::output::{csv_bytes, listed};
use crate::scenario::Scenario;
use crate::stats::wilson;
use std::fmt::Write;
use std::path::Path;

/// Checkpoints shown on the terminal: powers of ten from 100, and the last.
fn shown(k: u64, runs: u64) -> bool {
    k == runs || (k >= 100 && k.to_string().trim_start_matches('1').chars().all(|c| c == '0'))
}

/// The run count `whatif run` uses by default, for the rare-outcome warning.
const DEFAULT_RUNS: f64 = 100_000.0;

/// A finished convergence pass.
pub struct ConvergeView<'a> {
    pub scenario: &'a Scenario,
    pub config: SimConfig,
    pub points: Vec<Checkpoint>,
    pub exact: ExactStatus,
}

impl ConvergeView<'_> {
    fn last(&self) -> &[u64] {
        &self.points.last().expect("at least one checkpoint").outcome_runs
    }

    /// The outcomes listed, in file order.
    fn outcomes(&self) -> Vec<usize> {
        let sc = self.scenario;
        (0..sc.outcomes.len()).filter(|&o| listed(sc, o, self.last()[o], self.exact.get())).collect()
    }

    /// The listed outcomes' labels fitted to the first column, and its width.
    fn names(&self) -> (Vec<String>, usize) {
        let labels: Vec<&str> = self.outcomes().iter().map(|&o| self.scenario.outcomes[o].as_str()).collect();
        crate::format::fit(&labels, 30)
    }

    /// The running shares at the shown checkpoints.
    fn shares(&self, text: &mut String) {
        let (runs, (names, width)) = (self.config.runs, self.names());
        for (o, name) in self.outcomes().into_iter().zip(&names) {
            let _ = write!(text, "{name:<width$}");
            for p in self.points.iter().filter(|p| shown(p.runs, runs)) {
                let (lo, hi) = wilson(p.outcome_runs[o], p.runs);
                let s = p.outcome_runs[o] as f64 / p.runs as f64;
                let _ = write!(text, "  {:>7} ±{:<6}", percent(s), percent((hi - lo) / 2.0));
            }
            text.push('\n');
        }
        let _ = write!(text, "{:<width$}", "runs");
        for k in self.points.iter().map(|p| p.runs).filter(|&k| shown(k, runs)) {
            let _ = write!(text, "  {:>15}", count(k));
        }
    }

    /// Runs needed for half-widths of 1 and 0.1 points, with rare-outcome warnings.
    fn runs_needed(&self, text: &mut String) {
        let (e, (names, width)) = (self.exact.get(), self.names());
        let _ = writeln!(
            text,
            "\n\nRuns needed for a 95% half-width below 1 and 0.1 percentage points ({} probabilities):",
            if e.is_some() { "exact" } else { "sampled" }
        );
        for (o, name) in self.outcomes().into_iter().zip(&names) {
            let p = e.map_or(self.last()[o] as f64 / self.config.runs as f64, |e| e.outcome[o]);
            let _ = writeln!(
                text,
                "  {name:<width$}  {:>12}  {:>14}",
                count(runs_for_half_width(p, 0.01)),
                count(runs_for_half_width(p, 0.001))
            );
            if p * DEFAULT_RUNS < 10.0 {
                let _ = writeln!(
                    text,
                    "    warning: expected fewer than 10 times in {} runs (p = {}); its share will be noisy",
                    count(DEFAULT_RUNS as u64),
                    crate::format::exact(p)
                );
            }
        }
    }
}

impl Presenter for ConvergeView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let (sc, e) = (self.scenario, self.exact.get());
        let outcomes = self.outcomes();
        let mut rows = Vec::new();
        for point in &self.points {
            for &o in &outcomes {
                let (k, counts) = (point.runs, &point.outcome_runs);
                let (lo, hi) = wilson(counts[o], k);
                let s = counts[o] as f64 / k as f64;
                let p = e.map(|e| e.outcome[o]);
                rows.push(vec![
                    k.to_string(),
                    sc.outcomes[o].clone(),
                    share(s),
                    share((hi - lo) / 2.0),
                    exact_or_empty(p),
                    exact_or_empty(p.map(|p| (s - p).abs())),
                ]);
            }
        }
        let header = ["runs", "outcome", "share", "ci95_half_width", "exact_probability", "abs_error"];
        vec![("convergence.csv", csv_bytes(&header, &rows))]
    }

    fn text(&self, dir: &Path) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "\nRunning shares of one pass of {} runs (seed {}); ± is the 95% half-width.\n",
            count(self.config.runs),
            self.config.seed
        );
        self.shares(&mut text);
        self.runs_needed(&mut text);
        if self.exact.get().is_none() {
            let _ = writeln!(text, "Exact analysis: {}", self.exact.note());
        }
        let _ = writeln!(text, "\nfiles: {}/convergence.csv", dir.display());
        text
    }

    fn json(&self) -> String {
        let doc = ConvergeJson::of(self.scenario, self.config.seed, &self.points, &self.outcomes(), self.exact.get());
        to_text(&doc)
    }
}
