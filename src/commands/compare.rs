//! `whatif compare`: a baseline and variants with the same seed and runs, side by side.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, show, shown_file, sim_config};
use crate::analysis::compare::{Paired, paired};
use crate::cli::CompareArgs;
use crate::engine::exact::Budget;
use crate::output::analyses::{Presenter, compare::CompareView};
use crate::output::provenance::Analysis;
use crate::output::{ExactStatus, write_files};

pub fn compare(args: &CompareArgs) -> Result<(), AppError> {
    let scenarios = args.scenarios.iter().map(|s| load_one(s)).collect::<Result<Vec<_>, _>>()?;
    let (cfg, seed_source) = sim_config(&args.sim, 0);
    let base = &scenarios[0];
    let against: Vec<&str> = scenarios[1..].iter().map(|v| v.stem.as_str()).collect();
    let (dir, out) = prepare_out(&args.sim, &base.stem, Some(&format!("compare_{}", against.join("_"))))?;
    let exact: Vec<ExactStatus> = scenarios.iter().map(|s| ExactStatus::compute(s, Budget::default())).collect();
    let pairs: Vec<Paired> =
        scenarios[1..].iter().map(|v| paired(base, v, &cfg)).collect::<Result<_, _>>().map_err(AppError::Run)?;
    let view = CompareView { scenarios: &scenarios, exact, pairs, config: cfg, report: args.report };
    check_interrupt()?;
    let named: Vec<String> = scenarios.iter().map(shown_file).collect();
    let manifest = Analysis {
        name: "compare",
        scenarios: scenarios.iter().collect(),
        seed: cfg.seed,
        seed_source,
        runs: cfg.runs,
        repeat_with: format!(
            "whatif compare {} --runs {} --seed {}{}",
            named.join(" "),
            cfg.runs,
            cfg.seed,
            if args.report { " --report" } else { "" }
        ),
        extra: vec![("pairing".into(), "run by run, common random numbers (variant minus baseline)".into())],
    };
    write_files(out, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&args.sim, base, &view, &dir);
    Ok(())
}
