//! `whatif sweep`: one weight (or start value) across a range, the outcome shares at each.

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, show, shown_file};
use crate::analysis::sweep::{Target, sweep as run_sweep};
use crate::cli::SweepArgs;
use crate::output::analyses::{Presenter, sweep::SweepView};
use crate::output::write_files;

pub fn sweep(args: &SweepArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let sc = load_one(&args.scenario)?;
    let target = args.vary.resolve(&sc).map_err(AppError::Usage)?;
    let varied = match target {
        Target::Weight(b) => sc.branches[b].full_id.clone(),
        Target::Start(i) => format!("indicator.{}.start", sc.indicators[i].name),
    };
    let (dir, files) = s.prepare(&sc.stem, Some(&format!("sweep_{varied}")))?;
    let values = args.vary.values();
    let points = run_sweep(&sc, target, &values, &s.sim, s.exact).map_err(AppError::Run)?;
    let view = SweepView { scenario: &sc, target, varied: varied.clone(), config: s.sim, points };
    check_interrupt()?;
    let v = &args.vary;
    let command = format!("sweep {} --vary {varied}={}:{}:{}", shown_file(&sc), v.lo, v.hi, v.steps);
    let listed = values.iter().map(|x| crate::format::value(*x)).collect::<Vec<_>>().join(" ");
    let manifest = s.analysis("sweep", vec![&sc], command, vec![("varied".into(), varied), ("values".into(), listed)]);
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&s, &sc, &view, &dir);
    Ok(())
}
