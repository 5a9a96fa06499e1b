//! `whatif converge`: how the shares settle as runs accumulate.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, present, shown_file, sim_config};
use crate::analysis::converge::{converge as run_converge, runs_for_half_width};
use crate::cli::ConvergeArgs;
use crate::engine::exact::Budget;
use crate::engine::simulate::Checkpoint;
use crate::format::{exact_or_empty, percent, share};
use crate::output::json::ConvergeJson;
use crate::output::provenance::Analysis;
use crate::output::terminal::{count, notice};
use crate::output::{ExactStatus, csv_bytes, listed, write_files};
use crate::stats::wilson;
use std::fmt::Write;

/// Checkpoints shown on the terminal: powers of ten from 100, and the last.
fn shown(k: u64, runs: u64) -> bool {
    k == runs || (k >= 100 && k.to_string().trim_start_matches('1').chars().all(|c| c == '0'))
}

/// The run count `whatif run` uses by default, for the rare-outcome warning.
const DEFAULT_RUNS: f64 = 100_000.0;

pub fn converge(args: &ConvergeArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let (dir, files) = prepare_out(&args.sim, &sc.stem, Some("converge"))?;
    let (cfg, seed_source) = sim_config(&args.sim, 0);
    let points = run_converge(&sc, &cfg).map_err(AppError::Run)?;
    let exact = ExactStatus::compute(&sc, Budget::default());
    let e = exact.get();
    let last = &points.last().expect("at least one checkpoint").outcome_runs;
    let outcomes: Vec<usize> = (0..sc.outcomes.len()).filter(|&o| listed(&sc, o, last[o], e)).collect();
    let mut rows = Vec::new();
    for Checkpoint { runs: k, outcome_runs: counts } in &points {
        for &o in &outcomes {
            let (lo, hi) = wilson(counts[o], *k);
            let s = counts[o] as f64 / *k as f64;
            let p = e.map(|e| e.outcome[o]);
            rows.push(vec![
                k.to_string(),
                sc.outcomes[o].clone(),
                share(s),
                share((hi - lo) / 2.0),
                exact_or_empty(p),
                exact_or_empty(p.map(|p| (s - p).abs())),
            ]);
        }
    }
    check_interrupt()?;
    let manifest = Analysis {
        name: "converge",
        scenarios: vec![&sc],
        seed: cfg.seed,
        seed_source,
        runs: cfg.runs,
        repeat_with: format!("whatif converge {} --runs {} --seed {}", shown_file(&sc), cfg.runs, cfg.seed),
        extra: vec![("exact_analysis".into(), exact.note())],
    };
    write_files(
        files,
        &[
            (
                "convergence.csv",
                csv_bytes(&["runs", "outcome", "share", "ci95_half_width", "exact_probability", "abs_error"], &rows),
            ),
            manifest_file(&manifest),
        ],
    )?;

    let mut text = notice(&sc);
    let _ = writeln!(
        text,
        "\nRunning shares of one pass of {} runs (seed {}); ± is the 95% half-width.\n",
        count(cfg.runs),
        cfg.seed
    );
    let width = outcomes.iter().map(|&o| sc.outcomes[o].chars().count()).max().unwrap_or(7).clamp(7, 30);
    for &o in &outcomes {
        let _ = write!(text, "{:<width$}", sc.outcomes[o].chars().take(width).collect::<String>());
        for Checkpoint { runs: k, outcome_runs: counts } in points.iter().filter(|p| shown(p.runs, cfg.runs)) {
            let (lo, hi) = wilson(counts[o], *k);
            let _ = write!(text, "  {:>7} ±{:<6}", percent(counts[o] as f64 / *k as f64), percent((hi - lo) / 2.0));
        }
        text.push('\n');
    }
    let _ = write!(text, "{:<width$}", "runs");
    for k in points.iter().map(|p| p.runs).filter(|&k| shown(k, cfg.runs)) {
        let _ = write!(text, "  {:>15}", count(k));
    }
    let _ = writeln!(
        text,
        "\n\nRuns needed for a 95% half-width below 1 and 0.1 percentage points ({} probabilities):",
        if e.is_some() { "exact" } else { "sampled" }
    );
    for &o in &outcomes {
        let p = e.map_or(last[o] as f64 / cfg.runs as f64, |e| e.outcome[o]);
        let _ = writeln!(
            text,
            "  {:<width$}  {:>12}  {:>14}",
            sc.outcomes[o].chars().take(width).collect::<String>(),
            count(runs_for_half_width(p, 0.01)),
            count(runs_for_half_width(p, 0.001))
        );
        if p * DEFAULT_RUNS < 10.0 {
            let _ = writeln!(
                text,
                "    warning: expected fewer than 10 times in {} runs (p = {}); its share will be noisy",
                count(DEFAULT_RUNS as u64),
                crate::format::exact(p)
            );
        }
    }
    if e.is_none() {
        let _ = writeln!(text, "Exact analysis: {}", exact.note());
    }
    let _ = writeln!(text, "\nfiles: {}/convergence.csv", dir.display());
    present(&args.sim, &text, || ConvergeJson::of(&sc, cfg.seed, &points, &outcomes, e));
    Ok(())
}
