//! `whatif report`: the HTML page of a run (also `run --report`).

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, print, say, shown_file};
use crate::cli::ReportArgs;
use crate::engine::simulate::simulate;
use crate::output::analyses::{Presenter, run::RunView};
use crate::output::{ExactStatus, RunReport, write_files};

pub fn report(args: &ReportArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let sc = super::ask(load_one(&args.scenario)?, &args.ask)?;
    let (dir, files) = s.prepare(&sc.stem, super::asked_folder(&sc, Some("report")).as_deref())?;
    let (exact, result) = crate::parallel::alongside(
        s.sim.threads,
        || ExactStatus::compute(&sc, s.exact),
        || simulate(&sc, &s.sim, None),
    );
    let result = result.map_err(AppError::Run)?;
    let mut report = RunReport::new(&sc, s.sim, s.seed_source, &result, &exact);
    report.by_share = args.sort == crate::cli::SortArg::Share;
    let view = RunView { report, with_page: true };
    check_interrupt()?;
    let sort = if view.report.by_share { " --sort share" } else { "" };
    let command = format!("report {}{sort}{}", shown_file(&sc), super::asked_args(&sc));
    let manifest = s.analysis("report", vec![&sc], command, vec![("exact_analysis".into(), exact.note())]);
    write_files(files, &[("report.html", view.page().into_bytes()), manifest_file(&manifest)])?;
    if s.json {
        print(&view.json());
    } else {
        say(&s, &format!("{}report: {}/report.html\n", crate::output::terminal::notice(&sc), dir.display()));
    }
    Ok(())
}
