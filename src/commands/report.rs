//! `whatif report`: the HTML page of a run (also `run --report`).

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, print, say, shown_file};
use crate::cli::ReportArgs;
use crate::engine::simulate::simulate;
use crate::output::json::{RunJson, to_text};
use crate::output::tree::{self, TreeInput};
use crate::output::{ExactStatus, RunReport, report, write_files};

/// The page for a finished run, with the text tree (the convergence chart comes from
/// the run's own pass).
pub fn html(r: &RunReport) -> String {
    let input = TreeInput { scenario: r.scenario, exact: r.exact.get(), exact_note: r.exact.note(), depth: usize::MAX };
    let tree_text = tree::format("text").expect("the text format exists").render(&input);
    report::run_page(r, &tree_text)
}

pub fn report(args: &ReportArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let sc = load_one(&args.scenario)?;
    let (dir, files) = s.prepare(&sc.stem, Some("report"))?;
    let result = simulate(&sc, &s.sim, None).map_err(AppError::Run)?;
    let exact = ExactStatus::compute(&sc, s.exact);
    let mut r = RunReport::new(&sc, s.sim, s.seed_source, &result, &exact);
    r.by_share = args.sort == crate::cli::SortArg::Share;
    let page = html(&r);
    check_interrupt()?;
    let command = format!("report {}{}", shown_file(&sc), if r.by_share { " --sort share" } else { "" });
    let manifest = s.analysis("report", vec![&sc], command, vec![("exact_analysis".into(), exact.note())]);
    write_files(files, &[("report.html", page.into_bytes()), manifest_file(&manifest)])?;
    if s.json {
        print(&to_text(&RunJson::of(&r)));
    } else {
        say(&s, &format!("{}report: {}/report.html\n", crate::output::terminal::notice(&sc), dir.display()));
    }
    Ok(())
}
