//! `whatif sweep`: `sweep.csv`, the terminal table and the JSON document.

use super::Presenter;
use crate::analysis::sweep::{Point, Target};
use crate::engine::simulate::SimConfig;
use crate::format::{exact_or_empty, number, percent, share, value};
use crate::output::json::{SweepJson, to_text};
use crate::output::terminal::count;
use crate::output::{csv_bytes, listed};
use crate::scenario::Scenario;
use crate::stats::wilson;
use std::fmt::Write;
use std::path::Path;

/// A finished sweep.
pub struct SweepView<'a> {
    pub scenario: &'a Scenario,
    pub target: Target,
    /// `node.branch` or `indicator.NAME.start`.
    pub varied: String,
    pub config: SimConfig,
    pub points: Vec<Point>,
}

impl SweepView<'_> {
    /// Outcomes that occur at some point, in file order.
    fn outcomes(&self) -> Vec<usize> {
        let sc = self.scenario;
        (0..sc.outcomes.len())
            .filter(|&o| self.points.iter().any(|p| listed(sc, o, p.result.tally.outcome_runs[o], p.exact.get())))
            .collect()
    }

    fn what(&self) -> String {
        let sc = self.scenario;
        match self.target {
            Target::Weight(b) => {
                format!("base weight of {} (file: {})", sc.branches[b].full_id, number(sc.branches[b].written))
            }
            Target::Start(i) => {
                format!("start of {} (file: {})", sc.indicators[i].name, number(sc.indicators[i].start))
            }
        }
    }
}

impl Presenter for SweepView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let sc = self.scenario;
        let mut rows = Vec::new();
        for p in &self.points {
            let t = &p.result.tally;
            for o in self.outcomes() {
                let (lo, hi) = wilson(t.outcome_runs[o], t.runs);
                rows.push(vec![
                    value(p.value),
                    sc.outcomes[o].clone(),
                    t.outcome_runs[o].to_string(),
                    share(t.outcome_runs[o] as f64 / t.runs as f64),
                    share(lo),
                    share(hi),
                    exact_or_empty(p.exact.get().map(|e| e.outcome[o])),
                ]);
            }
        }
        let header = ["value", "outcome", "runs", "share", "ci95_low", "ci95_high", "exact_probability"];
        vec![("sweep.csv", csv_bytes(&header, &rows))]
    }

    fn text(&self, dir: &Path) -> String {
        let sc = self.scenario;
        let outcomes = self.outcomes();
        let mut text = String::new();
        let _ = writeln!(
            text,
            "\nSweeping the {}; {} runs per point, seed {}. Exact values where available.\n",
            self.what(),
            count(self.config.runs),
            self.config.seed
        );
        let labels: Vec<&str> = outcomes.iter().map(|&o| sc.outcomes[o].as_str()).collect();
        let (names, width) = crate::format::fit(&labels, 14);
        let width = width.max(8);
        let _ = write!(text, "{:>10}", "value");
        for name in &names {
            let _ = write!(text, "  {name:>width$}");
        }
        text.push('\n');
        for p in &self.points {
            let _ = write!(text, "{:>10}", number(p.value));
            for &o in &outcomes {
                let cell = match p.exact.get() {
                    Some(e) => percent(e.outcome[o]),
                    None => percent(p.result.tally.outcome_runs[o] as f64 / p.result.tally.runs as f64),
                };
                let _ = write!(text, "  {cell:>width$}");
            }
            text.push('\n');
        }
        let _ = writeln!(text, "\nfiles: {}/sweep.csv", dir.display());
        text
    }

    fn json(&self) -> String {
        to_text(&SweepJson::of(self.scenario, &self.varied, self.config.seed, &self.points, &self.outcomes()))
    }
}
