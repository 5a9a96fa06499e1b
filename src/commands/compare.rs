//! `whatif compare`: a baseline and variants with the same seed and runs, side by side.

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, show, shown_file};
use crate::analysis::compare::{Paired, paired};
use crate::cli::CompareArgs;
use crate::output::analyses::{Presenter, compare::CompareView};
use crate::output::{ExactStatus, write_files};

pub fn compare(args: &CompareArgs) -> Result<(), AppError> {
    if args.ask.given.is_some() {
        return Err(AppError::Usage(
            "compare does not take --given: each file would count different runs, so the differences could not be \
             paired run by run; run each file with `whatif run FILE --given ...` instead (--set and --force work here)"
                .into(),
        ));
    }
    let s = Settings::of(&args.sim);
    let scenarios =
        args.scenarios.iter().map(|a| super::ask(load_one(a)?, &args.ask)).collect::<Result<Vec<_>, _>>()?;
    let base = &scenarios[0];
    let against: Vec<&str> = scenarios[1..].iter().map(|v| v.stem.as_str()).collect();
    let name = format!("compare_{}", against.join("_"));
    let (dir, out) = s.prepare(&base.stem, super::asked_folder(base, Some(&name)).as_deref())?;
    let exact: Vec<ExactStatus> = scenarios.iter().map(|sc| ExactStatus::compute(sc, s.exact)).collect();
    let pairs: Vec<Paired> =
        scenarios[1..].iter().map(|v| paired(base, v, &s.sim)).collect::<Result<_, _>>().map_err(AppError::Run)?;
    let view = CompareView { scenarios: &scenarios, exact, pairs, config: s.sim, report: args.report };
    check_interrupt()?;
    let named: Vec<String> = scenarios.iter().map(shown_file).collect();
    let report = if args.report { " --report" } else { "" };
    let command = format!("compare {}{report}{}", named.join(" "), super::asked_args(base));
    let pairing = ("pairing".into(), "run by run, common random numbers (variant minus baseline)".into());
    let manifest = s.analysis("compare", scenarios.iter().collect(), command, vec![pairing]);
    write_files(out, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&s, base, &view, &dir);
    Ok(())
}
