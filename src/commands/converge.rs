//! `whatif converge`: how the shares settle as runs accumulate.

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, show, shown_file};
use crate::analysis::converge::converge as run_converge;
use crate::cli::ConvergeArgs;
use crate::output::analyses::{Presenter, converge::ConvergeView};
use crate::output::{ExactStatus, write_files};

pub fn converge(args: &ConvergeArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let sc = load_one(&args.scenario)?;
    let (dir, files) = s.prepare(&sc.stem, Some("converge"))?;
    let points = run_converge(&sc, &s.sim).map_err(AppError::Run)?;
    let exact = ExactStatus::compute(&sc, s.exact);
    let view = ConvergeView { scenario: &sc, config: s.sim, points, exact };
    check_interrupt()?;
    let extra = vec![("exact_analysis".into(), view.exact.note())];
    let manifest = s.analysis("converge", vec![&sc], format!("converge {}", shown_file(&sc)), extra);
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&s, &sc, &view, &dir);
    Ok(())
}
