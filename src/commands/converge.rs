//! `whatif converge`: how the shares settle as runs accumulate.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, show, shown_file, sim_config};
use crate::analysis::converge::converge as run_converge;
use crate::cli::ConvergeArgs;
use crate::engine::exact::Budget;
use crate::output::analyses::{Presenter, converge::ConvergeView};
use crate::output::provenance::Analysis;
use crate::output::{ExactStatus, write_files};

pub fn converge(args: &ConvergeArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let (dir, files) = prepare_out(&args.sim, &sc.stem, Some("converge"))?;
    let (cfg, seed_source) = sim_config(&args.sim, 0);
    let points = run_converge(&sc, &cfg).map_err(AppError::Run)?;
    let exact = ExactStatus::compute(&sc, Budget::default());
    let view = ConvergeView { scenario: &sc, config: cfg, points, exact };
    check_interrupt()?;
    let manifest = Analysis {
        name: "converge",
        scenarios: vec![&sc],
        seed: cfg.seed,
        seed_source,
        runs: cfg.runs,
        repeat_with: format!("whatif converge {} --runs {} --seed {}", shown_file(&sc), cfg.runs, cfg.seed),
        extra: vec![("exact_analysis".into(), view.exact.note())],
    };
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&args.sim, &sc, &view, &dir);
    Ok(())
}
