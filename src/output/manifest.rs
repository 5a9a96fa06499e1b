//! `manifest.csv`: what is needed to know and repeat the run, as key/value rows.

use super::{CsvTable, ExactStatus, RunReport, provenance};
use crate::engine::simulate::CHUNK_RUNS;

pub struct Manifest;

/// The version of the random-stream scheme documented in `engine/rng.rs`.
pub const RNG_SCHEME: &str =
    "whatif-rng-1: ChaCha8 run keys (seed via SplitMix64), SplitMix64 draws keyed by (run, node id, visit, draw)";

impl CsvTable for Manifest {
    fn file_name(&self) -> &'static str {
        "manifest.csv"
    }

    fn write(&self, r: &RunReport, out: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
        let sc = r.scenario;
        let c = &r.config;
        let step_limited = r.result.tally.outcome_runs[sc.step_limit_outcome() as usize];
        let mut head = provenance::tool_rows(sc);
        head.extend(provenance::scenario_rows(sc, ""));
        let rows: Vec<(&str, String)> = vec![
            ("seed", c.seed.to_string()),
            ("seed_source", provenance::seed_words(r.seed_source).into()),
            ("runs", c.runs.to_string()),
            ("max_steps", sc.max_steps.to_string()),
            ("max_paths", c.max_paths.to_string()),
            ("chunk_runs", CHUNK_RUNS.to_string()),
            ("rng_scheme", RNG_SCHEME.into()),
            ("repeat_with", repeat_with(r)),
            ("step_limit_runs", step_limited.to_string()),
            (
                "mean_steps_per_run",
                crate::format::fixed(r.result.tally.total_steps as f64 / r.result.tally.runs.max(1) as f64, 3),
            ),
            ("paths_second_pass", r.result.paths_second_pass.to_string()),
            ("exact_analysis", r.exact.note()),
            ("exact_residual", r.exact.get().map(|e| format!("{:e}", e.residual)).unwrap_or_default()),
        ];
        crate::format::record(out, ["key", "value"])?;
        for (k, v) in &head {
            crate::format::record(out, [k, v])?;
        }
        for (k, v) in rows {
            crate::format::record(out, [k, v.as_str()])?;
        }
        if let Some(g) = &sc.given {
            crate::format::record(out, ["given", g.text.as_str()])?;
            crate::format::record(out, ["runs_counted", r.result.tally.runs.to_string().as_str()])?;
        }
        for (i, note) in r.exact.get().map_or(&[][..], |e| &e.notes[..]).iter().enumerate() {
            crate::format::record(out, [format!("exact_note_{}", i + 1).as_str(), note])?;
        }
        for (i, w) in sc.warnings.iter().enumerate() {
            crate::format::record(out, [format!("warning_{}", i + 1).as_str(), w])?;
        }
        Ok(())
    }
}

/// The command that writes the same files again: every option that changes their bytes.
fn repeat_with(r: &RunReport) -> String {
    let c = &r.config;
    let file = provenance::recorded_path(r.scenario);
    let mut cmd = format!("whatif run {file} --runs {} --seed {} --max-paths {}", c.runs, c.seed, c.max_paths);
    for asked in &r.scenario.asked {
        cmd.push(' ');
        cmd.push_str(asked);
    }
    if r.by_share {
        cmd.push_str(" --sort share");
    }
    if matches!(r.exact, ExactStatus::Skipped) {
        cmd.push_str(" --no-exact");
    } else if r.exact_states != crate::engine::exact::DEFAULT_MAX_STATES {
        cmd.push_str(&format!(" --exact-states {}", r.exact_states));
    }
    cmd
}
