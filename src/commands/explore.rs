//! `whatif explore`: samples the file's ranges of doubt (Latin hypercube) and shows
//! what they do to the outcome probabilities, and with `--when`, where a question holds.

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, show, shown_file};
use crate::analysis::discover::{Question, prim};
use crate::analysis::explore::explore as run_explore;
use crate::cli::ExploreArgs;
use crate::engine::exact::ExactStatus;
use crate::engine::simulate::simulate;
use crate::output::analyses::{Presenter, explore::ExploreView};
use crate::output::write_files;

pub fn explore(args: &ExploreArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let sc = load_one(&args.scenario)?;
    let question = args.when.as_deref().map(|q| Question::parse(q, &sc)).transpose().map_err(AppError::Usage)?;
    let (dir, files) = s.prepare(&sc.stem, Some("explore"))?;
    let exploration = run_explore(&sc, args.samples as usize, &s.sim, s.exact).map_err(AppError::Usage)?;
    let written = match ExactStatus::compute(&sc, s.exact) {
        ExactStatus::Done(e) if e.residual == 0.0 => e.outcome,
        _ => {
            let r = simulate(&sc, &s.sim, None).map_err(AppError::Run)?;
            r.tally.outcome_runs.iter().map(|&k| k as f64 / r.tally.runs as f64).collect()
        }
    };
    let question = question.map(|q| {
        let hits: Vec<bool> = exploration.samples.iter().map(|x| q.holds(&x.probabilities)).collect();
        let values: Vec<Vec<f64>> = exploration.samples.iter().map(|x| x.values.clone()).collect();
        let full: Vec<(f64, f64)> = exploration.parameters.iter().map(|p| (p.doubt.lo(), p.doubt.hi())).collect();
        let found = prim(&values, &hits, &full);
        (q, found)
    });
    check_interrupt()?;
    let view = ExploreView { scenario: &sc, exploration, written, seed: s.sim.seed, question };
    let mut command = format!("explore {} --samples {}", shown_file(&sc), args.samples);
    let mut extra = vec![("samples".to_string(), args.samples.to_string())];
    if let Some(q) = &args.when {
        command.push_str(&format!(" --when \"{q}\""));
        extra.push(("when".into(), q.clone()));
    }
    let manifest = s.analysis("explore", vec![&sc], command, extra);
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&s, &sc, &view, &dir);
    Ok(())
}
