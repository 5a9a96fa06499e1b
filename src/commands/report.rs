//! `whatif report`: the HTML page of a run (also `run --report`).

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, say, shown_file, sim_config};
use crate::cli::ReportArgs;
use crate::engine::exact::Budget;
use crate::engine::simulate::{SimConfig, simulate};
use crate::output::provenance::Analysis;
use crate::output::tree::{self, TreeInput};
use crate::output::{ExactStatus, RunReport, SeedSource, report, write_files};

/// The page for a finished run, with the text tree (the convergence chart comes from
/// the run's own pass).
pub fn html(r: &RunReport) -> String {
    let input = TreeInput { scenario: r.scenario, exact: r.exact.get(), exact_note: r.exact.note(), depth: usize::MAX };
    let tree_text = tree::format("text").expect("the text format exists").render(&input);
    report::run_page(r, &tree_text)
}

pub fn report(args: &ReportArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let (dir, files) = prepare_out(&args.sim, &sc.stem, Some("report"))?;
    let (cfg, source): (SimConfig, SeedSource) = sim_config(&args.sim, 0);
    let result = simulate(&sc, &cfg, None).map_err(AppError::Run)?;
    let exact = ExactStatus::compute(&sc, Budget::default());
    let mut r = RunReport::new(&sc, cfg, source, &result, &exact);
    r.by_share = args.sort == crate::cli::SortArg::Share;
    let page = html(&r);
    check_interrupt()?;
    let sort = if r.by_share { " --sort share" } else { "" };
    let manifest = Analysis {
        name: "report",
        scenarios: vec![&sc],
        seed: cfg.seed,
        seed_source: source,
        runs: cfg.runs,
        repeat_with: format!("whatif report {} --runs {} --seed {}{sort}", shown_file(&sc), cfg.runs, cfg.seed),
        extra: vec![("exact_analysis".into(), exact.note())],
    };
    write_files(files, &[("report.html", page.into_bytes()), manifest_file(&manifest)])?;
    say(&args.sim, &format!("{}report: {}/report.html\n", crate::output::terminal::notice(&sc), dir.display()));
    Ok(())
}
