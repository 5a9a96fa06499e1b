//! `whatif run`: simulate one scenario, write the CSV files, print the summary.

use super::{AppError, check_interrupt, load_one, print, sim_config};
use crate::cli::RunArgs;
use crate::engine::exact::Budget;
use crate::engine::simulate::{SimError, simulate};
use crate::output::atomic::{FileSet, OutputError, finish};
use crate::output::{self, ExactStatus, RunReport, SeedSource};
use crate::scenario::bundled;
use std::io::Write;

pub fn run(args: &RunArgs) -> Result<(), AppError> {
    let name = args.scenario.as_deref().unwrap_or(bundled::DEFAULT);
    let sc = load_one(name)?;
    let (config, seed_source) = sim_config(&args.sim, args.max_paths as usize);
    let seed = config.seed;
    let dir = super::out_dir(&args.sim, &sc.stem, None)?;

    // Prepare the folder first, so that an unwritable --out fails before a long run.
    let mut files = FileSet::new(&dir)?;
    let result = if args.per_run {
        let mut w = files.create("runs.csv")?;
        let path = dir.join("runs.csv");
        w.write_all(&output::runs_header(&sc)).map_err(|error| OutputError { path: path.clone(), error })?;
        let result = simulate(&sc, &config, Some(&mut w)).map_err(|e| match e {
            SimError::Write(error) => AppError::Output(OutputError { path: path.clone(), error }),
            e => AppError::Run(e),
        })?;
        finish(w, &path)?;
        result
    } else {
        simulate(&sc, &config, None).map_err(AppError::Run)?
    };
    let exact = if args.no_exact {
        ExactStatus::Skipped
    } else {
        ExactStatus::compute(&sc, Budget { max_states: args.exact_states, ..Budget::default() })
    };
    check_interrupt()?;
    let mut report = RunReport::new(&sc, config, seed_source, &result, &exact);
    report.exact_states = args.exact_states;
    report.by_share = args.sort == crate::cli::SortArg::Share;
    let extra = if args.report { vec![("report.html", super::report::html(&report).into_bytes())] } else { Vec::new() };
    check_interrupt()?;
    output::write_run(&report, files, &extra)?;

    if args.sim.format == crate::cli::FormatArg::Json {
        print(&output::json::to_text(&output::json::RunJson::of(&report)));
    } else if !args.sim.quiet {
        let mut text = output::terminal::summary(&report, output::terminal::colour_stdout());
        let step_limited = result.tally.outcome_runs[sc.step_limit_outcome() as usize];
        if step_limited > 0 {
            text.push_str(&format!(
                "warning: {step_limited} runs reached max_steps ({}) and ended as `(step limit)`\n",
                sc.max_steps
            ));
        }
        for w in &sc.warnings {
            text.push_str(&format!("warning: {w}\n"));
        }
        if seed_source == SeedSource::Random {
            text.push_str(&format!("seed {seed} was drawn at random; repeat with --seed {seed}\n"));
        }
        text.push_str(&format!("files: {}/\n", dir.display()));
        print(&text);
    }
    Ok(())
}
