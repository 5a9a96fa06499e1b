//! `whatif sensitivity`: the tornado table.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, show, shown_file, sim_config};
use crate::analysis::sensitivity::sensitivity as run_sensitivity;
use crate::cli::SensitivityArgs;
use crate::engine::exact::Budget;
use crate::output::analyses::{Presenter, sensitivity::SensitivityView};
use crate::output::provenance::Analysis;
use crate::output::write_files;

pub fn sensitivity(args: &SensitivityArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let (dir, files) = prepare_out(&args.sim, &sc.stem, Some("sensitivity"))?;
    let (cfg, seed_source) = sim_config(&args.sim, 0);
    let factors = (args.factors.0, args.factors.1);
    let (rows, method) = run_sensitivity(&sc, factors, &cfg, Budget::default()).map_err(AppError::Run)?;
    let view = SensitivityView { scenario: &sc, factors, config: cfg, rows, method };
    check_interrupt()?;
    let manifest = Analysis {
        name: "sensitivity",
        scenarios: vec![&sc],
        seed: cfg.seed,
        seed_source,
        runs: cfg.runs,
        repeat_with: format!(
            "whatif sensitivity {} --factors {},{} --runs {} --seed {}",
            shown_file(&sc),
            factors.0,
            factors.1,
            cfg.runs,
            cfg.seed
        ),
        extra: vec![
            ("varied".into(), "every base weight of a node with siblings, one at a time".into()),
            ("factors".into(), format!("{} {}", factors.0, factors.1)),
            ("method".into(), view.how().into()),
        ],
    };
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&args.sim, &sc, &view, &dir);
    Ok(())
}
