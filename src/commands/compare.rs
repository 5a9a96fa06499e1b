//! `whatif compare`: a baseline and variants with the same seed and runs, side by side.

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, show, shown_file};
use crate::analysis::compare::{Paired, paired};
use crate::cli::CompareArgs;
use crate::output::analyses::{Presenter, compare::CompareView};
use crate::output::{ExactStatus, write_files};
use crate::scenario::Scenario;

pub fn compare(args: &CompareArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let scenarios = match &args.options {
        Some(node) => options(args, node)?,
        None if args.scenarios.len() < 2 => {
            return Err(AppError::Usage(
                "compare needs a baseline and at least one variant, or one file with --options NODE".into(),
            ));
        }
        None => args
            .scenarios
            .iter()
            .map(|a| super::ask(load_one(a)?, &crate::cli::QuestionArgs { changes: args.ask.clone(), given: None }))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let base = &scenarios[0];
    let against: Vec<&str> = scenarios[1..].iter().map(|v| v.stem.as_str()).collect();
    let name = match &args.options {
        Some(node) => format!("options_{node}"),
        None => format!("compare_{}", against.join("_")),
    };
    let by = args.by.as_deref().map(|name| indicator(base, name)).transpose()?;
    // With --options every column is the same file: its folder is the file's.
    let stem = base.file_name.rsplit_once('.').map_or(base.file_name.as_str(), |(s, _)| s).to_string();
    let stem = if args.options.is_some() { stem } else { base.stem.clone() };
    let (dir, out) = s.prepare(&stem, super::asked_folder(base, Some(&name)).as_deref())?;
    // The exact analyses take one worker's turn while the others simulate.
    let (exact, pairs) = crate::parallel::alongside(
        s.sim.threads,
        || scenarios.iter().map(|sc| ExactStatus::compute(sc, s.exact)).collect::<Vec<_>>(),
        || scenarios[1..].iter().map(|v| paired(base, v, &s.sim)).collect::<Result<Vec<Paired>, _>>(),
    );
    let pairs = pairs.map_err(AppError::Run)?;
    let ranking = by.map(|i| rank(&scenarios, &exact, &pairs, i, s.sim.runs));
    let view = CompareView { scenarios: &scenarios, exact, pairs, config: s.sim, report: args.report };
    check_interrupt()?;
    let report = if args.report { " --report" } else { "" };
    let command = match &args.options {
        Some(node) => {
            let by = args.by.as_ref().map(|b| format!(" --by {b}")).unwrap_or_default();
            format!("compare {} --options {node}{by}{report}{}", shown_file(base), super::asked_args(base))
        }
        None => {
            let named: Vec<String> = scenarios.iter().map(shown_file).collect();
            format!("compare {}{report}{}", named.join(" "), super::asked_args(base))
        }
    };
    let pairing = ("pairing".into(), "run by run, common random numbers (variant minus baseline)".into());
    let manifest = s.analysis("compare", scenarios.iter().collect(), command, vec![pairing]);
    let mut files = [view.files(), vec![manifest_file(&manifest)]].concat();
    if let Some((_, csv)) = &ranking {
        files.push(("ranking.csv", csv.clone()));
    }
    write_files(out, &files)?;
    show(&s, base, &view, &dir);
    if let Some((text, _)) = ranking
        && !s.json
    {
        super::say(&s, &text);
    }
    Ok(())
}

/// One scenario per option of `node`, each with that option forced, named after it.
fn options(args: &CompareArgs, node: &str) -> Result<Vec<Scenario>, AppError> {
    if args.scenarios.len() != 1 {
        return Err(AppError::Usage(format!(
            "compare --options {node} takes one file: each option of `{node}` becomes one column"
        )));
    }
    let sc = super::ask(
        load_one(&args.scenarios[0])?,
        &crate::cli::QuestionArgs { changes: args.ask.clone(), given: None },
    )?;
    let n = sc.nodes.iter().position(|x| x.id == node).ok_or_else(|| {
        let ids: Vec<&str> = sc.nodes.iter().map(|x| x.id.as_str()).collect();
        AppError::Usage(format!("--options {node}: {}", crate::scenario::diagnostic::suggest(node, &ids, "node")))
    })?;
    let ids: Vec<String> = sc.node_branches(n as u32).iter().map(|b| b.id.clone()).collect();
    ids.iter()
        .map(|id| {
            let mut one = sc.clone();
            one.force(node, id).map_err(AppError::Usage)?;
            one.asked.pop();
            one.asked.push(format!("--options {node} ({id})"));
            one.stem = id.clone();
            Ok(one)
        })
        .collect()
}

fn indicator(sc: &Scenario, name: &str) -> Result<String, AppError> {
    if sc.indicators.iter().any(|i| i.name == name) {
        return Ok(name.to_string());
    }
    let names: Vec<&str> = sc.indicators.iter().map(|i| i.name.as_str()).collect();
    Err(AppError::Usage(format!("--by {name}: {}", crate::scenario::diagnostic::suggest(name, &names, "indicator"))))
}

/// The options (or files) ranked by the mean of an indicator, highest first: the text
/// and `ranking.csv`.
fn rank(scenarios: &[Scenario], exact: &[ExactStatus], pairs: &[Paired], name: String, runs: u64) -> (String, Vec<u8>) {
    let n = runs as f64;
    let mut rows: Vec<(String, f64, Option<f64>)> = scenarios
        .iter()
        .enumerate()
        .map(|(k, sc)| {
            let i = sc.indicators.iter().position(|x| x.name == name);
            let shared = |p: &Paired| p.indicators.iter().position(|x| x.name == name);
            let mean = if k == 0 {
                shared(&pairs[0]).map(|j| pairs[0].sums[j].base / n)
            } else {
                shared(&pairs[k - 1]).map(|j| pairs[k - 1].sums[j].variant / n)
            };
            let exact_mean = i.and_then(|i| exact[k].get().and_then(|e| e.indicator_mean.get(i).copied().flatten()));
            (sc.stem.clone(), mean.unwrap_or(f64::NAN), exact_mean)
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut text = format!("\nRanked by the mean of {name} (highest first; same runs for every one):\n");
    let mut csv_rows = Vec::new();
    for (r, (stem, mean, exact_mean)) in rows.iter().enumerate() {
        let exact_text =
            exact_mean.map(|e| format!(" (exact in this file {})", crate::format::number(e))).unwrap_or_default();
        text.push_str(&format!("  {}. {stem}: {}{exact_text}\n", r + 1, crate::format::fixed(*mean, 3)));
        csv_rows.push(vec![
            (r + 1).to_string(),
            stem.clone(),
            crate::format::value(*mean),
            crate::format::exact_or_empty(*exact_mean),
        ]);
    }
    text.push_str("These rank the file's invented weights, not real choices.\n");
    (text, crate::output::csv_bytes(&["rank", "option", "mean", "exact_mean"], &csv_rows))
}
