//! `whatif sensitivity`: `sensitivity.csv`, the text tornado and the JSON document.

use super::Presenter;
use crate::analysis::sensitivity::{Method, Row};
use crate::engine::simulate::SimConfig;
use crate::format::{percent, share};
use crate::output::csv_bytes;
use crate::output::json::{SensitivityJson, to_text};
use crate::scenario::Scenario;
use std::fmt::Write;
use std::path::Path;

/// Rows shown per outcome on the terminal.
const SHOWN: usize = 5;
/// Width of each half of a tornado bar.
const HALF: usize = 16;

/// A finished tornado: rows sorted by absolute swing within each outcome.
pub struct SensitivityView<'a> {
    pub scenario: &'a Scenario,
    pub factors: (f64, f64),
    pub config: SimConfig,
    pub rows: Vec<Row>,
    pub method: Method,
}

impl SensitivityView<'_> {
    /// `exact` or `simulated`.
    pub fn how(&self) -> &'static str {
        match self.method {
            Method::Exact => "exact",
            Method::Simulated => "simulated",
        }
    }

    /// One tornado line.
    fn line(&self, r: &Row, scale: f64) -> String {
        let len = |d: f64| if scale > 0.0 { ((d.abs() / scale) * HALF as f64).round() as usize } else { 0 };
        let bar = |n: usize, left: bool, up: bool| {
            let s: String = std::iter::repeat_n(if up { '█' } else { '░' }, n).collect();
            if left { format!("{s:>HALF$}") } else { format!("{s:<HALF$}") }
        };
        format!(
            "  {:<32} {:>7} {}│{} {:<7} swing {}",
            self.scenario.branches[r.branch].full_id.chars().take(32).collect::<String>(),
            percent(r.low),
            bar(len(r.low - r.base), true, r.low > r.base),
            bar(len(r.high - r.base), false, r.high > r.base),
            percent(r.high),
            crate::format::fixed(100.0 * r.swing(), 2) + " pp",
        )
    }
}

impl Presenter for SensitivityView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let sc = self.scenario;
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let b = &sc.branches[r.branch];
                vec![
                    sc.nodes[b.node as usize].id.clone(),
                    b.id.clone(),
                    sc.outcomes[r.outcome].clone(),
                    share(r.low),
                    share(r.base),
                    share(r.high),
                    share(r.swing()),
                    self.how().to_string(),
                ]
            })
            .collect();
        let header = ["node", "branch", "outcome", "share_low", "share_base", "share_high", "swing", "method"];
        vec![("sensitivity.csv", csv_bytes(&header, &rows))]
    }

    fn text(&self, dir: &Path) -> String {
        let (sc, cfg) = (self.scenario, &self.config);
        let mut text = String::new();
        let simulated = if self.method == Method::Simulated {
            format!(", {} runs, seed {}", cfg.runs, cfg.seed)
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "\nEach branch weight multiplied by {} and by {} in turn ({} shares{simulated}). Left of │: share with the lower weight; right: with the higher.",
            self.factors.0,
            self.factors.1,
            self.how(),
        );
        let scale = self.rows.iter().map(|r| (r.low - r.base).abs().max((r.high - r.base).abs())).fold(0.0, f64::max);
        let (mut o, mut shown) = (usize::MAX, 0);
        for r in &self.rows {
            if r.outcome != o {
                (o, shown) = (r.outcome, 0);
                let _ = writeln!(text, "\n{} (base {})", sc.outcomes[o], percent(r.base));
            }
            if shown < SHOWN {
                shown += 1;
                let _ = writeln!(text, "{}", self.line(r, scale));
            }
        }
        let _ =
            writeln!(text, "\n█ raises the outcome's share, ░ lowers it. All rows: {}/sensitivity.csv", dir.display());
        text
    }

    fn json(&self) -> String {
        to_text(&SensitivityJson::of(self.scenario, self.factors, self.how(), &self.config, &self.rows))
    }
}
