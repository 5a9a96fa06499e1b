//! `whatif sensitivity`: the tornado table.

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, show, shown_file};
use crate::analysis::sensitivity::sensitivity as run_sensitivity;
use crate::cli::SensitivityArgs;
use crate::output::analyses::{Presenter, sensitivity::SensitivityView};
use crate::output::write_files;

pub fn sensitivity(args: &SensitivityArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let sc = load_one(&args.scenario)?;
    let (dir, files) = s.prepare(&sc.stem, Some("sensitivity"))?;
    let factors = (args.factors.0, args.factors.1);
    let (rows, method) = run_sensitivity(&sc, factors, &s.sim, s.exact).map_err(AppError::Run)?;
    let view = SensitivityView { scenario: &sc, factors, config: s.sim, rows, method };
    check_interrupt()?;
    let command = format!("sensitivity {} --factors {},{}", shown_file(&sc), factors.0, factors.1);
    let extra = vec![
        ("varied".into(), "every base weight of a node with siblings, one at a time".into()),
        ("factors".into(), format!("{} {}", factors.0, factors.1)),
        ("method".into(), view.how().into()),
    ];
    let manifest = s.analysis("sensitivity", vec![&sc], command, extra);
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&s, &sc, &view, &dir);
    Ok(())
}
