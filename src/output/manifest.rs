//! `manifest.csv`: what is needed to know and repeat the run, as key/value rows.

use super::{CsvTable, ExactStatus, RunReport, SeedSource};
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
        let rows: Vec<(&str, String)> = vec![
            ("tool", "whatif".into()),
            ("tool_version", env!("CARGO_PKG_VERSION").into()),
            ("format_version", "1".into()),
            ("illustrative", "true".into()),
            ("notice", sc.notice.clone()),
            ("scenario_title", sc.title.clone()),
            ("scenario_file", sc.file_name.clone()),
            ("scenario_sha256", sc.sha256.clone()),
            ("seed", c.seed.to_string()),
            (
                "seed_source",
                match r.seed_source {
                    SeedSource::Default => "default",
                    SeedSource::Given => "given",
                    SeedSource::Random => "random (recorded here so the run can be repeated)",
                }
                .into(),
            ),
            ("runs", c.runs.to_string()),
            ("max_steps", sc.max_steps.to_string()),
            ("max_paths", c.max_paths.to_string()),
            ("chunk_runs", CHUNK_RUNS.to_string()),
            ("rng_scheme", RNG_SCHEME.into()),
            ("repeat_with", repeat_with(r)),
            ("step_limit_runs", step_limited.to_string()),
            ("mean_steps_per_run", crate::format::fixed(r.result.tally.total_steps as f64 / c.runs as f64, 3)),
            ("paths_second_pass", r.result.paths_second_pass.to_string()),
            ("exact_analysis", r.exact.note()),
            ("exact_residual", r.exact.get().map(|e| format!("{:e}", e.residual)).unwrap_or_default()),
        ];
        crate::format::record(out, ["key", "value"])?;
        for (k, v) in rows {
            crate::format::record(out, [k, v.as_str()])?;
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
    let mut cmd =
        format!("whatif run {} --runs {} --seed {} --max-paths {}", r.scenario.file_name, c.runs, c.seed, c.max_paths);
    if matches!(r.exact, ExactStatus::Skipped) {
        cmd.push_str(" --no-exact");
    } else if r.exact_states != crate::engine::exact::DEFAULT_MAX_STATES {
        cmd.push_str(&format!(" --exact-states {}", r.exact_states));
    }
    cmd
}
