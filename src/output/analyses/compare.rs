//! `whatif compare`: the comparison, difference and structure CSV files, the optional
//! report page, the terminal tables and the JSON document, all from one set of typed
//! rows computed once.

use super::Presenter;
use crate::analysis::compare::{Change, Paired, structure};
use crate::engine::exact::ExactStatus;
use crate::engine::simulate::SimConfig;
use crate::format::{exact_or_empty, percent, share, value};
use crate::output::csv_bytes;
use crate::output::json::{CompareJson, DifferenceJson, ScenarioJson, to_text};
use crate::output::report::{CompareSection, IntervalRow, compare_page};
use crate::output::side_by_side::SharePair;
use crate::output::terminal::count;
use crate::scenario::Scenario;
use crate::stats::wilson;
use std::fmt::Write;
use std::path::Path;

/// Structure changes shown per variant on the terminal.
const SHOWN_CHANGES: usize = 12;

/// A finished comparison: the baseline first, then the variants, each paired with it.
pub struct CompareView<'a> {
    pub scenarios: &'a [Scenario],
    pub exact: Vec<ExactStatus>,
    /// One per variant.
    pub pairs: Vec<Paired>,
    pub config: SimConfig,
    /// Also write `report.html`.
    pub report: bool,
}

impl CompareView<'_> {
    /// The exact probability of `label` in scenario `k`, where exact figures exist.
    fn exact_p(&self, k: usize, label: &str) -> Option<f64> {
        let e = self.exact[k].get()?;
        Some(self.scenarios[k].outcomes.iter().position(|o| o == label).map_or(0.0, |o| e.outcome[o]))
    }

    /// Paired outcome differences of variant `v` (0-based among the variants); labels
    /// that never occur in either file and have no exact difference are left out.
    fn outcome_diffs(&self, v: usize) -> Vec<DifferenceJson> {
        let (p, n, k) = (&self.pairs[v], self.config.runs as f64, v + 1);
        let stem = &self.scenarios[k].stem;
        let mut out = Vec::new();
        for (o, label) in p.labels.iter().enumerate() {
            let (d, lo, hi) = p.difference(o);
            let ed = self.exact_p(0, label).zip(self.exact_p(k, label)).map(|(a, b)| b - a);
            if p.base[o] + p.variant[o] == 0 && ed.is_none_or(|e| e == 0.0) {
                continue;
            }
            out.push(DifferenceJson {
                variant: stem.clone(),
                name: label.clone(),
                baseline: p.base[o] as f64 / n,
                variant_value: p.variant[o] as f64 / n,
                difference: d,
                ci95_low: lo,
                ci95_high: hi,
                exact_difference: ed,
            });
        }
        out
    }

    /// Paired differences of indicator means of variant `v`.
    fn indicator_diffs(&self, v: usize) -> Vec<DifferenceJson> {
        let (p, n, k) = (&self.pairs[v], self.config.runs as f64, v + 1);
        let mean = |s: usize, i: usize| self.exact[s].get().and_then(|e| e.indicator_mean[i]);
        p.indicators
            .iter()
            .enumerate()
            .map(|(j, ind)| {
                let (d, lo, hi) = p.indicator_difference(j);
                DifferenceJson {
                    variant: self.scenarios[k].stem.clone(),
                    name: ind.name.clone(),
                    baseline: p.sums[j].base / n,
                    variant_value: p.sums[j].variant / n,
                    difference: d,
                    ci95_low: lo,
                    ci95_high: hi,
                    exact_difference: mean(0, ind.base).zip(mean(k, ind.variant)).map(|(a, b)| b - a),
                }
            })
            .collect()
    }

    fn changes(&self, v: usize) -> Vec<Change> {
        structure(&self.scenarios[0], &self.scenarios[v + 1])
    }

    /// Rows of `comparison.csv`: each file's outcome shares.
    fn comparison_rows(&self) -> Vec<Vec<String>> {
        let n = self.config.runs;
        let row = |k: usize, label: &str, runs: u64| {
            let (lo, hi) = wilson(runs, n);
            let stem = self.scenarios[k].stem.clone();
            let share_of = share(runs as f64 / n as f64);
            vec![
                stem,
                label.to_string(),
                runs.to_string(),
                share_of,
                share(lo),
                share(hi),
                exact_or_empty(self.exact_p(k, label)),
            ]
        };
        let mut rows = Vec::new();
        for (v, p) in self.pairs.iter().enumerate() {
            if v == 0 {
                rows.extend(p.labels.iter().enumerate().map(|(o, label)| row(0, label, p.base[o])));
            }
            rows.extend(p.labels.iter().enumerate().map(|(o, label)| row(v + 1, label, p.variant[o])));
        }
        rows
    }

    /// The report page: per variant, its changes and a chart of the differences.
    fn page(&self) -> String {
        let base = &self.scenarios[0];
        let sections: Vec<CompareSection> = (0..self.pairs.len()).map(|v| self.page_section(v)).collect();
        let meta = format!(
            "{} runs per file &middot; seed {} &middot; paired by run (common random numbers)",
            count(self.config.runs),
            self.config.seed
        );
        compare_page(&format!("{} and its variants", base.title), base, &meta, &sections)
    }

    /// One variant's part of the report page.
    fn page_section(&self, v: usize) -> CompareSection {
        let (base, variant) = (&self.scenarios[0], &self.scenarios[v + 1]);
        let row = |label: &str, share: f64, runs: u64, exact: Option<f64>| {
            let (lo, hi) = wilson(runs, self.config.runs);
            IntervalRow { label: label.to_string(), value: share, lo, hi, exact }
        };
        let diffs = self.outcome_diffs(v);
        let p = &self.pairs[v];
        let shares = diffs
            .iter()
            .map(|d| {
                let o = p.labels.iter().position(|l| *l == d.name).expect("differences are over the pair's labels");
                SharePair {
                    base: row(&d.name, d.baseline, p.base[o], self.exact_p(0, &d.name)),
                    variant: row(&d.name, d.variant_value, p.variant[o], self.exact_p(v + 1, &d.name)),
                }
            })
            .collect();
        let rows = diffs
            .into_iter()
            .map(|d| IntervalRow {
                label: d.name,
                value: d.difference,
                lo: d.ci95_low,
                hi: d.ci95_high,
                exact: d.exact_difference,
            })
            .collect();
        CompareSection {
            name: format!("{} vs {}", variant.stem, base.stem),
            files: (base.stem.clone(), variant.stem.clone()),
            changes: self.changes(v).iter().map(Change::describe).collect(),
            shares,
            rows,
        }
    }

    /// One variant's section of the terminal text.
    fn section(&self, v: usize, text: &mut String) {
        let (base, var) = (&self.scenarios[0], &self.scenarios[v + 1]);
        let _ = writeln!(text, "\n{} vs {}", var.stem, base.stem);
        let changes = self.changes(v);
        for c in changes.iter().take(SHOWN_CHANGES) {
            let _ = writeln!(text, "  {}", c.describe());
        }
        if changes.len() > SHOWN_CHANGES {
            let _ = writeln!(text, "  ... and {} more changes (structure.csv)", changes.len() - SHOWN_CHANGES);
        }
        if changes.is_empty() {
            let _ = writeln!(text, "  (no differences in structure)");
        }
        let diffs = self.outcome_diffs(v);
        let labels: Vec<&str> = diffs.iter().map(|d| d.name.as_str()).collect();
        let (names, width) = crate::format::fit(&labels, 36);
        let _ = writeln!(
            text,
            "  {:<width$}  {:>8}  {:>8}  {:>28}  {:>9}",
            "outcome", "baseline", "variant", "difference, 95% interval", "exact"
        );
        for (d, name) in diffs.iter().zip(&names) {
            let _ = writeln!(
                text,
                "  {:<width$}  {:>8}  {:>8}  {:>28}  {:>9}",
                name,
                percent(d.baseline),
                percent(d.variant_value),
                format!("{} pp [{}, {}]", pp(d.difference), pp(d.ci95_low), pp(d.ci95_high)),
                d.exact_difference.map(|e| format!("{} pp", pp(e))).unwrap_or_default(),
            );
        }
    }
}

/// A difference in percentage points with a sign, e.g. `+1.25`.
fn pp(x: f64) -> String {
    let s = crate::format::fixed(100.0 * x, 2);
    if s.starts_with('-') || s == "0.00" { s } else { format!("+{s}") }
}

/// The header of a difference file.
fn differences(name: &'static str, baseline: &'static str, variant: &'static str) -> [&'static str; 8] {
    ["variant", name, baseline, variant, "difference", "ci95_low", "ci95_high", "exact_difference"]
}

/// A CSV row of a difference, its numbers through `fmt`.
fn difference_row(d: &DifferenceJson, fmt: fn(f64) -> String) -> Vec<String> {
    vec![
        d.variant.clone(),
        d.name.clone(),
        fmt(d.baseline),
        fmt(d.variant_value),
        fmt(d.difference),
        fmt(d.ci95_low),
        fmt(d.ci95_high),
        exact_or_empty(d.exact_difference),
    ]
}

impl Presenter for CompareView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let variants = 0..self.pairs.len();
        let outcome_rows: Vec<_> =
            variants.clone().flat_map(|v| self.outcome_diffs(v)).map(|d| difference_row(&d, share)).collect();
        let indicator_rows: Vec<_> =
            variants.clone().flat_map(|v| self.indicator_diffs(v)).map(|d| difference_row(&d, value)).collect();
        let structure_rows: Vec<Vec<String>> = variants
            .flat_map(|v| {
                let stem = self.scenarios[v + 1].stem.clone();
                self.changes(v).into_iter().map(move |c| {
                    vec![stem.clone(), c.change.to_string(), c.node, c.branch, c.field, c.baseline, c.variant]
                })
            })
            .collect();
        let mut files = vec![
            (
                "comparison.csv",
                csv_bytes(
                    &["scenario", "outcome", "runs", "share", "ci95_low", "ci95_high", "exact_probability"],
                    &self.comparison_rows(),
                ),
            ),
            ("differences.csv", csv_bytes(&differences("outcome", "share_baseline", "share_variant"), &outcome_rows)),
            (
                "indicator_differences.csv",
                csv_bytes(&differences("indicator", "mean_baseline", "mean_variant"), &indicator_rows),
            ),
            (
                "structure.csv",
                csv_bytes(&["scenario", "change", "node", "branch", "field", "baseline", "variant"], &structure_rows),
            ),
        ];
        if self.report {
            files.push(("report.html", self.page().into_bytes()));
        }
        files
    }

    fn text(&self, dir: &Path) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "\nSame seed ({}) and {} runs for every file; differences are paired run by run (variant minus baseline).",
            self.config.seed,
            count(self.config.runs)
        );
        for v in 0..self.pairs.len() {
            self.section(v, &mut text);
        }
        let _ = writeln!(text, "\nfiles: {}/", dir.display());
        text
    }

    fn json(&self) -> String {
        let variants = 0..self.pairs.len();
        to_text(&CompareJson {
            baseline: ScenarioJson::of(&self.scenarios[0]),
            variants: self.scenarios[1..].iter().map(ScenarioJson::of).collect(),
            seed: self.config.seed,
            runs: self.config.runs,
            outcome_differences: variants.clone().flat_map(|v| self.outcome_diffs(v)).collect(),
            indicator_differences: variants.clone().flat_map(|v| self.indicator_diffs(v)).collect(),
            changes: variants
                .flat_map(|v| {
                    self.changes(v)
                        .iter()
                        .map(|c| format!("{}: {}", self.scenarios[v + 1].stem, c.describe()))
                        .collect::<Vec<_>>()
                })
                .collect(),
        })
    }
}
