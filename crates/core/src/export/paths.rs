//! `paths.csv`: the most frequent paths with exact counts, then `(other paths)`.

use super::{CsvTable, RunReport};
use crate::engine::simulate::path_text;
use crate::format;

pub struct Paths;

impl CsvTable for Paths {
    fn file_name(&self) -> &'static str {
        "paths.csv"
    }

    fn write(&self, r: &RunReport, out: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
        crate::format::record(out, ["path", "outcome", "runs", "share", "exact_probability"])?;
        let n = r.result.tally.runs as f64;
        for (p, exact) in r.result.paths.iter().zip(&r.path_exact) {
            crate::format::record(
                out,
                [
                    path_text(r.scenario, &p.branches).as_str(),
                    &r.scenario.outcomes[p.outcome as usize],
                    &p.runs.to_string(),
                    &format::share(p.runs as f64 / n),
                    &format::exact_or_empty(*exact),
                ],
            )?;
        }
        let other = r.result.other_paths_runs;
        let listed: Option<f64> = r.path_exact.iter().copied().sum();
        let other_exact = listed.map(|l| (1.0 - l).max(0.0));
        if other > 0 || other_exact.is_some_and(|p| p > 1e-12) {
            crate::format::record(
                out,
                [
                    "(other paths)",
                    "",
                    &other.to_string(),
                    &format::share(other as f64 / n),
                    &format::exact_or_empty(other_exact),
                ],
            )?;
        }
        Ok(())
    }
}
