//! `whatif sweep`: one weight (or start value) across a range, the outcome shares at each.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, present, shown_file, sim_config};
use crate::analysis::sweep::{Target, sweep as run_sweep};
use crate::cli::SweepArgs;
use crate::engine::exact::Budget;
use crate::format::{exact_or_empty, percent, share};
use crate::output::json::SweepJson;
use crate::output::provenance::Analysis;
use crate::output::terminal::{count, notice};
use crate::output::{csv_bytes, listed, write_files};
use crate::stats::wilson;
use std::fmt::Write;

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
    // Outcomes that occur at some point, in file order.
    let outcomes: Vec<usize> = (0..sc.outcomes.len())
        .filter(|&o| points.iter().any(|p| listed(&sc, o, p.result.tally.outcome_runs[o], p.exact.get())))
        .collect();
    let mut rows = Vec::new();
    for p in &points {
        let t = &p.result.tally;
        for &o in &outcomes {
            let (lo, hi) = wilson(t.outcome_runs[o], t.runs);
            rows.push(vec![
                crate::format::value(p.value),
                sc.outcomes[o].clone(),
                t.outcome_runs[o].to_string(),
                share(t.outcome_runs[o] as f64 / t.runs as f64),
                share(lo),
                share(hi),
                exact_or_empty(p.exact.get().map(|e| e.outcome[o])),
            ]);
        }
    }
    check_interrupt()?;
    let v = &args.vary;
    let spec = format!("{varied}={}:{}:{}", v.lo, v.hi, v.steps);
    let manifest = Analysis {
        name: "sweep",
        scenarios: vec![&sc],
        seed: cfg.seed,
        seed_source,
        runs: cfg.runs,
        repeat_with: format!("whatif sweep {} --vary {spec} --runs {} --seed {}", shown_file(&sc), cfg.runs, cfg.seed),
        extra: vec![
            ("varied".into(), varied.clone()),
            ("values".into(), values.iter().map(|x| crate::format::value(*x)).collect::<Vec<_>>().join(" ")),
        ],
    };
    write_files(
        files,
        &[
            (
                "sweep.csv",
                csv_bytes(&["value", "outcome", "runs", "share", "ci95_low", "ci95_high", "exact_probability"], &rows),
            ),
            manifest_file(&manifest),
        ],
    )?;

    let mut text = notice(&sc);
    let what = match target {
        Target::Weight(b) => format!(
            "base weight of {} (file: {})",
            sc.branches[b].full_id,
            crate::output::tree::number(sc.branches[b].written)
        ),
        Target::Start(i) => format!(
            "start of {} (file: {})",
            sc.indicators[i].name,
            crate::output::tree::number(sc.indicators[i].start)
        ),
    };
    let _ = writeln!(
        text,
        "\nSweeping the {what}; {} runs per point, seed {}. Exact values where available.\n",
        count(cfg.runs),
        cfg.seed
    );
    let _ = write!(text, "{:>10}", "value");
    for &o in &outcomes {
        let _ = write!(text, "  {:>14}", sc.outcomes[o].chars().take(14).collect::<String>());
    }
    text.push('\n');
    for p in &points {
        let _ = write!(text, "{:>10}", crate::output::tree::number(p.value));
        for &o in &outcomes {
            let cell = match p.exact.get() {
                Some(e) => percent(e.outcome[o]),
                None => percent(p.result.tally.outcome_runs[o] as f64 / p.result.tally.runs as f64),
            };
            let _ = write!(text, "  {cell:>14}");
        }
        text.push('\n');
    }
    let _ = writeln!(text, "\nfiles: {}/sweep.csv", dir.display());
    present(&args.sim, &text, || SweepJson::of(&sc, &varied, cfg.seed, &points, &outcomes));
    Ok(())
}
