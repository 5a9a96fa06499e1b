//! The result tables of a run (`outcomes.csv`, `branches.csv`, `paths.csv`,
//! `indicators.csv`): one small module per file behind [`CsvTable`]. They live in the
//! core so that the CLI and the browser page write the same bytes for the same file,
//! seed and runs.

mod branches;
mod indicators;
mod outcomes;
mod paths;

use crate::engine::exact::{self, Exact, ExactStatus};
use crate::engine::simulate::{SimConfig, SimResult};
use crate::scenario::Scenario;

/// How the seed was chosen, for the manifest and the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedSource {
    Default,
    Given,
    Random,
}

/// Whether a table lists outcome `o`: always when an author wrote it, otherwise when it
/// occurred in some run or has a positive exact probability (implicit labels and
/// `(step limit)` that never happen stay out).
pub fn listed(sc: &Scenario, o: usize, runs: u64, exact: Option<&Exact>) -> bool {
    sc.explicit_outcomes[o] || runs > 0 || exact.is_some_and(|e| e.outcome[o] > 1e-12)
}

/// Everything a run's outputs are made from.
pub struct RunReport<'a> {
    pub scenario: &'a Scenario,
    pub config: SimConfig,
    pub seed_source: SeedSource,
    pub result: &'a SimResult,
    pub exact: &'a ExactStatus,
    /// The exact analysis's state budget (recorded so the run can be repeated).
    pub exact_states: u64,
    /// Exact probability of each row of `result.paths`, where known.
    pub path_exact: Vec<Option<f64>>,
    /// Outcomes by share of runs (`--sort share`) rather than in file order.
    pub by_share: bool,
}

impl<'a> RunReport<'a> {
    /// A report; computes the exact probabilities of the listed paths.
    pub fn new(
        scenario: &'a Scenario,
        config: SimConfig,
        seed_source: SeedSource,
        result: &'a SimResult,
        exact: &'a ExactStatus,
    ) -> Self {
        let path_exact = match exact {
            ExactStatus::Done(e) if e.given.is_none() => {
                result.paths.iter().map(|p| exact::path_probability(scenario, &p.branches)).collect()
            }
            _ => vec![None; result.paths.len()],
        };
        RunReport {
            scenario,
            config,
            seed_source,
            result,
            exact,
            exact_states: exact::DEFAULT_MAX_STATES,
            path_exact,
            by_share: false,
        }
    }

    /// Outcome indexes in table order: the file's order (outcomes an author wrote, then
    /// implicit ones, then `(step limit)`), so that a table reads as a list rather than a
    /// ranking; with `by_share`, most runs first, ties in file order. Outcomes an author
    /// wrote are always listed; others when they occur or have positive exact probability.
    pub fn outcome_order(&self) -> Vec<usize> {
        let counts = &self.result.tally.outcome_runs;
        let exact = self.exact.get();
        let mut order: Vec<usize> =
            (0..self.scenario.outcomes.len()).filter(|&o| listed(self.scenario, o, counts[o], exact)).collect();
        if self.by_share {
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
        }
        order
    }
}

/// One CSV file of the run's results.
pub trait CsvTable {
    /// The file name, e.g. `outcomes.csv`.
    fn file_name(&self) -> &'static str;
    /// Writes the header and rows.
    fn write(&self, report: &RunReport, out: &mut csv::Writer<Vec<u8>>) -> csv::Result<()>;
}

/// The result tables, in the order a run writes them (the CLI adds its manifest).
pub fn tables() -> Vec<Box<dyn CsvTable>> {
    vec![
        Box::new(outcomes::Outcomes),
        Box::new(branches::Branches),
        Box::new(paths::Paths),
        Box::new(indicators::Indicators),
    ]
}

/// Renders one table to bytes.
pub fn render(table: &dyn CsvTable, report: &RunReport) -> Vec<u8> {
    let mut w = crate::format::csv_writer();
    table.write(report, &mut w).expect("writing CSV to memory cannot fail");
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// The header of `runs.csv` (its rows come from the walk).
pub fn runs_header(sc: &Scenario) -> Vec<u8> {
    let mut w = crate::format::csv_writer();
    let mut header = vec!["run", "outcome", "path"];
    header.extend(sc.indicators.iter().map(|i| i.name.as_str()));
    crate::format::record(&mut w, &header).expect("writing CSV to memory cannot fail");
    w.into_inner().expect("writing CSV to memory cannot fail")
}
