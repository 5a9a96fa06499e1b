//! `whatif run`: simulate one scenario, write the CSV files, print the summary.

use super::{AppError, Settings, check_interrupt, load_one, print};
use crate::cli::RunArgs;
use crate::engine::simulate::{SimError, SimResult, simulate};
use crate::output::analyses::{Presenter, run::RunView};
use crate::output::atomic::{FileSet, OutputError, finish};
use crate::output::{self, ExactStatus, RunReport, write_files};
use crate::scenario::{Scenario, bundled};
use std::io::Write;
use std::path::Path;

pub fn run(args: &RunArgs) -> Result<(), AppError> {
    let mut s = Settings::of(&args.sim);
    s.sim.max_paths = args.max_paths as usize;
    s.exact.max_states = args.exact_states;
    let sc = super::ask(load_one(args.scenario.as_deref().unwrap_or(bundled::DEFAULT))?, &args.ask)?;
    // Prepare the folder first, so that an unwritable --out fails before a long run.
    let (dir, mut files) = s.prepare(&sc.stem, super::asked_folder(&sc, None).as_deref())?;
    // The exact analysis takes one worker's turn while the others simulate.
    let (exact, result) = crate::parallel::alongside(
        s.sim.threads,
        || if args.no_exact { ExactStatus::Skipped } else { ExactStatus::compute(&sc, s.exact) },
        || simulate_into(&sc, &s, args.per_run, &dir, &mut files),
    );
    let result = result?;
    check_interrupt()?;
    let mut report = RunReport::new(&sc, s.sim, s.seed_source, &result, &exact);
    report.exact_states = args.exact_states;
    report.by_share = args.sort == crate::cli::SortArg::Share;
    let view = RunView { report, with_page: args.report };
    check_interrupt()?;
    write_files(files, &view.files())?;
    if s.json {
        print(&view.json());
    } else if !s.quiet {
        print(&view.text(&dir));
    }
    Ok(())
}

/// Simulates, writing `runs.csv` into the set as it goes when `per_run`; a write failure
/// names the file.
fn simulate_into(
    sc: &Scenario,
    s: &Settings,
    per_run: bool,
    dir: &Path,
    files: &mut FileSet,
) -> Result<SimResult, AppError> {
    if !per_run {
        return simulate(sc, &s.sim, None).map_err(AppError::Run);
    }
    let mut w = files.create("runs.csv")?;
    let path = dir.join("runs.csv");
    w.write_all(&output::runs_header(sc)).map_err(|error| OutputError { path: path.clone(), error })?;
    let result = simulate(sc, &s.sim, Some(&mut w)).map_err(|e| match e {
        SimError::Write(error) => AppError::Output(OutputError { path: path.clone(), error }),
        e => AppError::Run(e),
    })?;
    finish(w, &path)?;
    Ok(result)
}
