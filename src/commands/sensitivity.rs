//! `whatif sensitivity`: the tornado table.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, present, shown_file, sim_config};
use crate::analysis::sensitivity::{Method, sensitivity as run_sensitivity};
use crate::cli::SensitivityArgs;
use crate::engine::exact::Budget;
use crate::format::{percent, share};
use crate::output::json::SensitivityJson;
use crate::output::provenance::Analysis;
use crate::output::terminal::notice;
use crate::output::{csv_bytes, write_files};
use std::fmt::Write;

/// Rows shown per outcome on the terminal.
const SHOWN: usize = 5;
/// Width of each half of a tornado bar.
const HALF: usize = 16;

pub fn sensitivity(args: &SensitivityArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let (dir, files) = prepare_out(&args.sim, &sc.stem, Some("sensitivity"))?;
    let (cfg, seed_source) = sim_config(&args.sim, 0);
    let factors = (args.factors.0, args.factors.1);
    let (rows, method) = run_sensitivity(&sc, factors, &cfg, Budget::default()).map_err(AppError::Run)?;
    let how = match method {
        Method::Exact => "exact",
        Method::Simulated => "simulated",
    };
    let csv_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let b = &sc.branches[r.branch];
            vec![
                sc.nodes[b.node as usize].id.clone(),
                b.id.clone(),
                sc.outcomes[r.outcome].clone(),
                share(r.low),
                share(r.base),
                share(r.high),
                share(r.swing()),
                how.to_string(),
            ]
        })
        .collect();
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
            ("method".into(), how.into()),
        ],
    };
    write_files(
        files,
        &[
            (
                "sensitivity.csv",
                csv_bytes(
                    &["node", "branch", "outcome", "share_low", "share_base", "share_high", "swing", "method"],
                    &csv_rows,
                ),
            ),
            manifest_file(&manifest),
        ],
    )?;

    let mut text = notice(&sc);
    let _ = writeln!(
        text,
        "\nEach branch weight multiplied by {} and by {} in turn ({how} shares{}). Left of │: share with the lower weight; right: with the higher.",
        args.factors.0,
        args.factors.1,
        if method == Method::Simulated { format!(", {} runs, seed {}", cfg.runs, cfg.seed) } else { String::new() }
    );
    let scale = rows.iter().map(|r| (r.low - r.base).abs().max((r.high - r.base).abs())).fold(0.0, f64::max);
    let mut o = usize::MAX;
    let mut shown = 0;
    for r in &rows {
        if r.outcome != o {
            o = r.outcome;
            shown = 0;
            let _ = writeln!(text, "\n{} (base {})", sc.outcomes[o], percent(r.base));
        }
        if shown == SHOWN {
            continue;
        }
        shown += 1;
        let len = |d: f64| if scale > 0.0 { ((d.abs() / scale) * HALF as f64).round() as usize } else { 0 };
        let (l, h) = (len(r.low - r.base), len(r.high - r.base));
        let bar = |n: usize, left: bool, up: bool| {
            let c = if up { '█' } else { '░' };
            let s: String = std::iter::repeat_n(c, n).collect();
            if left { format!("{s:>HALF$}") } else { format!("{s:<HALF$}") }
        };
        let _ = writeln!(
            text,
            "  {:<32} {:>7} {}│{} {:<7} swing {}",
            sc.branches[r.branch].full_id.chars().take(32).collect::<String>(),
            percent(r.low),
            bar(l, true, r.low > r.base),
            bar(h, false, r.high > r.base),
            percent(r.high),
            crate::format::fixed(100.0 * r.swing(), 2) + " pp",
        );
    }
    let _ = writeln!(text, "\n█ raises the outcome's share, ░ lowers it. All rows: {}/sensitivity.csv", dir.display());
    present(&args.sim, &text, || SensitivityJson::of(&sc, factors, how, &cfg, &rows));
    Ok(())
}
