//! `whatif sweep`: one weight (or start value) across a range, the outcome shares at each.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, show, shown_file, sim_config};
use crate::analysis::sweep::{Target, sweep as run_sweep};
use crate::cli::SweepArgs;
use crate::engine::exact::Budget;
use crate::output::analyses::{Presenter, sweep::SweepView};
use crate::output::provenance::Analysis;
use crate::output::write_files;

pub fn sweep(args: &SweepArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let target = args.vary.resolve(&sc).map_err(AppError::Usage)?;
    let varied = match target {
        Target::Weight(b) => sc.branches[b].full_id.clone(),
        Target::Start(i) => format!("indicator.{}.start", sc.indicators[i].name),
    };
    let (dir, files) = prepare_out(&args.sim, &sc.stem, Some(&format!("sweep_{varied}")))?;
    let (cfg, seed_source) = sim_config(&args.sim, 0);
    let values = args.vary.values();
    let points = run_sweep(&sc, target, &values, &cfg, Budget::default()).map_err(AppError::Run)?;
    let view = SweepView { scenario: &sc, target, varied: varied.clone(), config: cfg, points };
    check_interrupt()?;
    let v = &args.vary;
    let manifest = Analysis {
        name: "sweep",
        scenarios: vec![&sc],
        seed: cfg.seed,
        seed_source,
        runs: cfg.runs,
        repeat_with: format!(
            "whatif sweep {} --vary {varied}={}:{}:{} --runs {} --seed {}",
            shown_file(&sc),
            v.lo,
            v.hi,
            v.steps,
            cfg.runs,
            cfg.seed
        ),
        extra: vec![
            ("varied".into(), varied),
            ("values".into(), values.iter().map(|x| crate::format::value(*x)).collect::<Vec<_>>().join(" ")),
        ],
    };
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&args.sim, &sc, &view, &dir);
    Ok(())
}
