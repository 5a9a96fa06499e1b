//! Everything `whatif` writes: one small module per format behind one interface, as
//! hyperfine does in its `src/export/`.
//!
//! A [`CsvTable`] turns a [`RunReport`] into one CSV file of DESIGN.md section 3.
//! [`write_run`] writes them all through an atomic [`atomic::FileSet`]; the terminal
//! table is in [`terminal`].

pub mod atomic;
mod branches;
mod indicators;
mod manifest;
mod outcomes;
mod paths;
pub mod terminal;

use crate::engine::simulate::{SimConfig, SimResult};
use crate::scenario::Scenario;
use atomic::{FileSet, OutputError};
use std::path::{Path, PathBuf};

/// How the seed was chosen, for the manifest and the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedSource {
    Default,
    Given,
    Random,
}

/// Everything a run's outputs are made from.
pub struct RunReport<'a> {
    pub scenario: &'a Scenario,
    pub config: SimConfig,
    pub seed_source: SeedSource,
    pub result: &'a SimResult,
    /// Why the `exact_*` columns are empty (until the exact analysis fills them).
    pub exact_note: &'a str,
}

impl RunReport<'_> {
    /// Outcome indexes in table order: most runs first, ties in file order. Outcomes an
    /// author wrote are always listed; implicit ones and `(step limit)` when they occur.
    pub fn outcome_order(&self) -> Vec<usize> {
        let counts = &self.result.tally.outcome_runs;
        let mut order: Vec<usize> = (0..self.scenario.outcomes.len())
            .filter(|&o| self.scenario.explicit_outcomes[o] || counts[o] > 0)
            .collect();
        order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
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

/// The tables of DESIGN.md section 3 (all but the optional `runs.csv`).
pub fn tables() -> Vec<Box<dyn CsvTable>> {
    vec![
        Box::new(outcomes::Outcomes),
        Box::new(branches::Branches),
        Box::new(paths::Paths),
        Box::new(indicators::Indicators),
        Box::new(manifest::Manifest),
    ]
}

/// Renders one table to bytes.
pub fn render(table: &dyn CsvTable, report: &RunReport) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    table.write(report, &mut w).expect("writing CSV to memory cannot fail");
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// Writes every table into `files` and commits the set; returns the paths written.
pub fn write_run(report: &RunReport, mut files: FileSet, per_run: bool) -> Result<Vec<PathBuf>, OutputError> {
    for table in tables() {
        files.write(table.file_name(), &render(table.as_ref(), report))?;
    }
    let stale: &[&str] = if per_run { &[] } else { &["runs.csv"] };
    files.commit(stale)
}

/// The header of `runs.csv`.
pub fn runs_header(sc: &Scenario) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let mut header = vec!["run".to_string(), "outcome".into(), "path".into()];
    header.extend(sc.indicators.iter().map(|i| i.name.clone()));
    w.write_record(&header).expect("writing CSV to memory cannot fail");
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// The default output folder of a scenario: `output/<stem>/`.
pub fn default_dir(sc: &Scenario) -> PathBuf {
    Path::new("output").join(&sc.stem)
}
