//! `indicators.csv`: the distribution of each indicator's final value over runs.

use super::{CsvTable, RunReport};
use crate::format;

pub struct Indicators;

impl CsvTable for Indicators {
    fn file_name(&self) -> &'static str {
        "indicators.csv"
    }

    fn write(&self, r: &RunReport, out: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
        crate::format::record(
            out,
            [
                "indicator",
                "unit",
                "mean",
                "sd",
                "min",
                "p05",
                "p25",
                "p50",
                "p75",
                "p95",
                "max",
                "exact_mean",
                "percentiles",
            ],
        )?;
        for (i, (ind, s)) in r.scenario.indicators.iter().zip(&r.result.tally.indicators).enumerate() {
            let q = |p: f64| s.sketch().quantile(p, s.min, s.max).map(format::value).unwrap_or_default();
            crate::format::record(
                out,
                [
                    ind.name.as_str(),
                    ind.unit.as_deref().unwrap_or(""),
                    &format::value(s.mean),
                    &format::value(s.sd()),
                    &format::value(s.min),
                    &q(0.05),
                    &q(0.25),
                    &q(0.50),
                    &q(0.75),
                    &q(0.95),
                    &format::value(s.max),
                    &format::exact_or_empty(r.exact.get().and_then(|e| e.indicator_mean[i])),
                    if s.sketch().is_exact() { "exact" } else { "within 0.1%" },
                ],
            )?;
        }
        Ok(())
    }
}
