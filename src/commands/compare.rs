//! `whatif compare`: a baseline and variants with the same seed and runs, side by side.

use super::{AppError, check_interrupt, load_one, manifest_file, prepare_out, present, shown_file, sim_config};
use crate::analysis::compare::{Paired, paired, structure};
use crate::cli::CompareArgs;
use crate::engine::exact::Budget;
use crate::format::{exact_or_empty, percent, share, value};
use crate::output::json::{CompareJson, DifferenceJson, ScenarioJson};
use crate::output::provenance::Analysis;
use crate::output::report::{IntervalRow, compare_page};
use crate::output::terminal::{count, notice};
use crate::output::{ExactStatus, csv_bytes, write_files};
use crate::stats::wilson;
use std::fmt::Write;

pub fn compare(args: &CompareArgs) -> Result<(), AppError> {
    let scenarios = args.scenarios.iter().map(|s| load_one(s)).collect::<Result<Vec<_>, _>>()?;
    let (cfg, seed_source) = sim_config(&args.sim, 0);
    let base = &scenarios[0];
    let against: Vec<&str> = scenarios[1..].iter().map(|v| v.stem.as_str()).collect();
    let (dir, out) = prepare_out(&args.sim, &base.stem, Some(&format!("compare_{}", against.join("_"))))?;
    let exact: Vec<ExactStatus> = scenarios.iter().map(|s| ExactStatus::compute(s, Budget::default())).collect();
    let pairs: Vec<Paired> =
        scenarios[1..].iter().map(|v| paired(base, v, &cfg)).collect::<Result<_, _>>().map_err(AppError::Run)?;

    // The probability of a label in scenario `k`, where exact figures exist.
    let exact_p = |k: usize, label: &str| -> Option<f64> {
        let e = exact[k].get()?;
        Some(scenarios[k].outcomes.iter().position(|o| o == label).map_or(0.0, |o| e.outcome[o]))
    };
    let mut comparison = Vec::new();
    let mut differences = Vec::new();
    let mut ind_diff = Vec::new();
    let mut changes = Vec::new();
    let mut sections = Vec::new();
    let (mut json_outcomes, mut json_indicators, mut json_changes) = (Vec::new(), Vec::new(), Vec::new());
    let n = cfg.runs;
    let mut text = notice(base);
    let _ = writeln!(
        text,
        "\nSame seed ({}) and {} runs for every file; differences are paired run by run (variant minus baseline).",
        cfg.seed,
        count(n)
    );
    for (v, p) in pairs.iter().enumerate() {
        let k = v + 1;
        let var = &scenarios[k];
        let row = |stem: &str, label: &str, k: u64, exact: Option<f64>| {
            let (lo, hi) = wilson(k, n);
            let share_of = share(k as f64 / n as f64);
            vec![
                stem.to_string(),
                label.to_string(),
                k.to_string(),
                share_of,
                share(lo),
                share(hi),
                exact_or_empty(exact),
            ]
        };
        if v == 0 {
            for (o, label) in p.labels.iter().enumerate() {
                comparison.push(row(&base.stem, label, p.base[o], exact_p(0, label)));
            }
        }
        for (o, label) in p.labels.iter().enumerate() {
            comparison.push(row(&var.stem, label, p.variant[o], exact_p(k, label)));
        }
        let _ = writeln!(text, "\n{} vs {}", var.stem, base.stem);
        let diff = structure(base, var);
        for c in diff.iter().take(12) {
            let _ = writeln!(text, "  {}", c.describe());
        }
        if diff.len() > 12 {
            let _ = writeln!(text, "  ... and {} more changes (structure.csv)", diff.len() - 12);
        }
        if diff.is_empty() {
            let _ = writeln!(text, "  (no differences in structure)");
        }
        let width = p.labels.iter().map(|l| l.chars().count()).max().unwrap_or(7).clamp(7, 36);
        let _ = writeln!(
            text,
            "  {:<width$}  {:>8}  {:>8}  {:>28}  {:>9}",
            "outcome", "baseline", "variant", "difference, 95% interval", "exact"
        );
        let mut chart_rows = Vec::new();
        for (o, label) in p.labels.iter().enumerate() {
            let (d, lo, hi) = p.difference(o);
            let ed = exact_p(0, label).zip(exact_p(k, label)).map(|(a, b)| b - a);
            if p.base[o] + p.variant[o] == 0 && ed.is_none_or(|e| e == 0.0) {
                continue;
            }
            chart_rows.push(IntervalRow { label: label.clone(), value: d, lo, hi, exact: ed });
            json_outcomes.push(DifferenceJson {
                variant: var.stem.clone(),
                name: label.clone(),
                baseline: p.base[o] as f64 / n as f64,
                variant_value: p.variant[o] as f64 / n as f64,
                difference: d,
                ci95_low: lo,
                ci95_high: hi,
                exact_difference: ed,
            });
            differences.push(vec![
                var.stem.clone(),
                label.clone(),
                share(p.base[o] as f64 / n as f64),
                share(p.variant[o] as f64 / n as f64),
                share(d),
                share(lo),
                share(hi),
                exact_or_empty(ed),
            ]);
            let _ = writeln!(
                text,
                "  {:<width$}  {:>8}  {:>8}  {:>28}  {:>9}",
                label.chars().take(width).collect::<String>(),
                percent(p.base[o] as f64 / n as f64),
                percent(p.variant[o] as f64 / n as f64),
                format!("{} pp [{}, {}]", pp(d), pp(lo), pp(hi)),
                ed.map(|e| format!("{} pp", pp(e))).unwrap_or_default(),
            );
        }
        for (j, (name, bi, vi)) in p.indicators.iter().enumerate() {
            let (d, lo, hi) = p.indicator_difference(j);
            let em = exact[0]
                .get()
                .and_then(|e| e.indicator_mean[*bi])
                .zip(exact[k].get().and_then(|e| e.indicator_mean[*vi]))
                .map(|(a, b)| b - a);
            json_indicators.push(DifferenceJson {
                variant: var.stem.clone(),
                name: name.clone(),
                baseline: p.sums[j][0] / n as f64,
                variant_value: p.sums[j][1] / n as f64,
                difference: d,
                ci95_low: lo,
                ci95_high: hi,
                exact_difference: em,
            });
            ind_diff.push(vec![
                var.stem.clone(),
                name.clone(),
                value(p.sums[j][0] / n as f64),
                value(p.sums[j][1] / n as f64),
                value(d),
                value(lo),
                value(hi),
                exact_or_empty(em),
            ]);
        }
        let change_lines: Vec<String> = diff.iter().map(|c| c.describe()).collect();
        json_changes.extend(change_lines.iter().map(|c| format!("{}: {c}", var.stem)));
        sections.push((format!("{} vs {}", var.stem, base.stem), change_lines, chart_rows));
        for c in diff {
            changes.push(vec![
                var.stem.clone(),
                c.change.to_string(),
                c.node,
                c.branch,
                c.field,
                c.baseline,
                c.variant,
            ]);
        }
    }
    check_interrupt()?;
    let mut files = vec![
        (
            "comparison.csv",
            csv_bytes(
                &["scenario", "outcome", "runs", "share", "ci95_low", "ci95_high", "exact_probability"],
                &comparison,
            ),
        ),
        (
            "differences.csv",
            csv_bytes(
                &[
                    "variant",
                    "outcome",
                    "share_baseline",
                    "share_variant",
                    "difference",
                    "ci95_low",
                    "ci95_high",
                    "exact_difference",
                ],
                &differences,
            ),
        ),
        (
            "indicator_differences.csv",
            csv_bytes(
                &[
                    "variant",
                    "indicator",
                    "mean_baseline",
                    "mean_variant",
                    "difference",
                    "ci95_low",
                    "ci95_high",
                    "exact_difference",
                ],
                &ind_diff,
            ),
        ),
        (
            "structure.csv",
            csv_bytes(&["scenario", "change", "node", "branch", "field", "baseline", "variant"], &changes),
        ),
    ];
    if args.report {
        let meta = format!(
            "{} runs per file &middot; seed {} &middot; paired by run (common random numbers)",
            count(n),
            cfg.seed
        );
        let page = compare_page(&format!("{} and its variants", base.title), base, &meta, &sections);
        files.push(("report.html", page.into_bytes()));
    }
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
    files.push(manifest_file(&manifest));
    write_files(out, &files)?;
    let _ = writeln!(text, "\nfiles: {}/", dir.display());
    present(&args.sim, &text, || CompareJson {
        baseline: ScenarioJson::of(base),
        variants: scenarios[1..].iter().map(ScenarioJson::of).collect(),
        seed: cfg.seed,
        runs: cfg.runs,
        outcome_differences: json_outcomes,
        indicator_differences: json_indicators,
        changes: json_changes,
    });
    Ok(())
}

/// A difference in percentage points with a sign, e.g. `+1.25`.
fn pp(x: f64) -> String {
    let s = crate::format::fixed(100.0 * x, 2);
    if s.starts_with('-') || s == "0.00" { s } else { format!("+{s}") }
}
