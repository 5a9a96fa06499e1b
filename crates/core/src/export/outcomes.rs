//! `outcomes.csv`: each outcome's runs, share, Wilson interval and exact probability.

use super::{CsvTable, RunReport};
use crate::{format, stats};

pub struct Outcomes;

impl CsvTable for Outcomes {
    fn file_name(&self) -> &'static str {
        "outcomes.csv"
    }

    fn write(&self, r: &RunReport, out: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
        crate::format::record(out, ["outcome", "runs", "share", "ci95_low", "ci95_high", "exact_probability"])?;
        let n = r.result.tally.runs;
        for o in r.outcome_order() {
            let k = r.result.tally.outcome_runs[o];
            let (lo, hi) = stats::wilson(k, n);
            crate::format::record(
                out,
                [
                    r.scenario.outcomes[o].as_str(),
                    &k.to_string(),
                    &format::share(k as f64 / n as f64),
                    &format::share(lo),
                    &format::share(hi),
                    &format::exact_or_empty(r.exact.get().map(|e| e.outcome[o])),
                ],
            )?;
        }
        Ok(())
    }
}
