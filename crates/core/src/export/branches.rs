//! `branches.csv`: how often each branch was taken, in file order.

use super::{CsvTable, RunReport};
use crate::format;

pub struct Branches;

impl CsvTable for Branches {
    fn file_name(&self) -> &'static str {
        "branches.csv"
    }

    fn write(&self, r: &RunReport, out: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
        crate::format::record(
            out,
            ["node", "branch", "label", "times_taken", "runs_taking", "share_of_runs", "exact_share_of_runs"],
        )?;
        let t = &r.result.tally;
        for (b, branch) in r.scenario.branches.iter().enumerate() {
            crate::format::record(
                out,
                [
                    r.scenario.nodes[branch.node as usize].id.as_str(),
                    &branch.id,
                    branch.label.as_deref().unwrap_or(""),
                    &t.times_taken[b].to_string(),
                    &t.runs_taking[b].to_string(),
                    &format::share(t.runs_taking[b] as f64 / t.runs as f64),
                    &format::exact_or_empty(r.exact.get().and_then(|e| e.branch_share(b))),
                ],
            )?;
        }
        Ok(())
    }
}
