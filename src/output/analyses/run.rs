//! `whatif run` (and `report`): the CSV tables of a run (one [`crate::output::CsvTable`] module each),
//! the optional report page, the terminal summary and the JSON document.

use super::Presenter;
use crate::output::json::{RunJson, to_text};
use crate::output::tree::{self, TreeInput};
use crate::output::{RunReport, SeedSource, render, report, tables, terminal};
use std::path::Path;

/// A finished run.
pub struct RunView<'a> {
    pub report: RunReport<'a>,
    /// Also write `report.html`.
    pub with_page: bool,
}

impl RunView<'_> {
    /// The report page, with the text tree (the convergence chart comes from the run's
    /// own pass).
    pub fn page(&self) -> String {
        let r = &self.report;
        let input =
            TreeInput { scenario: r.scenario, exact: r.exact.get(), exact_note: r.exact.note(), depth: usize::MAX };
        let tree_text = tree::format("text").expect("the text format exists").render(&input);
        report::run_page(r, &tree_text)
    }
}

impl Presenter for RunView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut files: Vec<_> = tables().iter().map(|t| (t.file_name(), render(t.as_ref(), &self.report))).collect();
        if self.with_page {
            files.push(("report.html", self.page().into_bytes()));
        }
        files
    }

    /// The summary table (the notice included), then the warnings a run can give.
    fn text(&self, dir: &Path) -> String {
        let r = &self.report;
        let (sc, seed) = (r.scenario, r.config.seed);
        let mut text = terminal::summary(r, terminal::colour_stdout());
        let step_limited = r.result.tally.outcome_runs[sc.step_limit_outcome() as usize];
        if step_limited > 0 {
            text.push_str(&format!(
                "warning: {step_limited} runs reached max_steps ({}) and ended as `(step limit)`\n",
                sc.max_steps
            ));
        }
        for w in &sc.warnings {
            text.push_str(&format!("warning: {w}\n"));
        }
        if r.seed_source == SeedSource::Random {
            text.push_str(&format!("seed {seed} was drawn at random; repeat with --seed {seed}\n"));
        }
        text.push_str(&format!("files: {}/\n", dir.display()));
        text
    }

    fn json(&self) -> String {
        to_text(&RunJson::of(&self.report))
    }
}
