//! The answers' contents, built from the core's results: what the page shows of a
//! scenario (and which numbers it can change), the exact and sampled shares, the
//! diagram, paired differences against a pinned baseline, and the CSV files.

use serde::Serialize;
use serde_json::{Value, json};
use whatif_core::analysis::compare::{Paired, paired, structure};
use whatif_core::engine::exact::{Budget, ExactStatus};
use whatif_core::engine::simulate::{SimConfig, simulate};
use whatif_core::export::{RunReport, SeedSource, render, runs_header, tables};
use whatif_core::scenario::Scenario;
use whatif_core::stats::wilson;

/// One problem of a scenario file, for marking the editor.
#[derive(Debug, Serialize)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Serialize)]
struct BranchInfo<'a> {
    id: &'a str,
    label: Option<&'a str>,
    /// The base weight as written.
    weight: f64,
    conditional: bool,
    /// Where the weight is in the file, for `set`.
    path: Vec<String>,
}

#[derive(Serialize)]
struct NodeInfo<'a> {
    id: &'a str,
    question: Option<&'a str>,
    decision: bool,
    branches: Vec<BranchInfo<'a>>,
}

#[derive(Serialize)]
struct IndicatorInfo<'a> {
    name: &'a str,
    unit: Option<&'a str>,
    start: f64,
    path: Vec<String>,
}

/// The scenario: what the page's header, notice and controls show.
pub fn open(sc: &Scenario) -> Value {
    json!({ "ok": true, "scenario": info(sc) })
}

fn info(sc: &Scenario) -> Value {
    let nodes: Vec<NodeInfo> = sc
        .nodes
        .iter()
        .enumerate()
        .map(|(n, node)| NodeInfo {
            id: &node.id,
            question: node.question.as_deref(),
            decision: node.decision,
            branches: sc
                .node_branches(n as u32)
                .iter()
                .enumerate()
                .map(|(j, b)| BranchInfo {
                    id: &b.id,
                    label: b.label.as_deref(),
                    weight: b.written,
                    conditional: !b.weight_if.is_empty(),
                    path: ["nodes", &node.id, "branches", &j.to_string(), "weight"].map(String::from).to_vec(),
                })
                .collect(),
        })
        .collect();
    let indicators: Vec<IndicatorInfo> = sc
        .indicators
        .iter()
        .map(|i| IndicatorInfo {
            name: &i.name,
            unit: i.unit.as_deref(),
            start: i.start,
            path: ["indicators", &i.name, "start"].map(String::from).to_vec(),
        })
        .collect();
    json!({
        "title": sc.title,
        "notice": sc.notice,
        "description": sc.description,
        "sources": sc.sources,
        "file": sc.file,
        "sha256": sc.sha256,
        "warnings": sc.warnings,
        "extends": sc.extends,
        "nodes": nodes,
        "indicators": indicators,
    })
}

/// Exact figures, a sample of `cfg.runs` runs, the diagram, and paired differences
/// against `baseline` when one is pinned. `plain` is the file before any question was
/// asked of it: what the controls show.
pub fn analyse(sc: &Scenario, plain: &Scenario, cfg: &SimConfig, baseline: Option<&Scenario>) -> Result<Value, String> {
    let exact = ExactStatus::compute(sc, Budget::default());
    let result = simulate(sc, cfg, None).map_err(|e| e.to_string())?;
    let report = RunReport::new(sc, *cfg, SeedSource::Given, &result, &exact);
    let t = &result.tally;
    let outcomes: Vec<Value> = report
        .outcome_order()
        .into_iter()
        .map(|o| {
            let (lo, hi) = wilson(t.outcome_runs[o], t.runs);
            json!({
                "label": sc.outcomes[o],
                "runs": t.outcome_runs[o],
                "share": t.outcome_runs[o] as f64 / t.runs as f64,
                "low": lo,
                "high": hi,
                "exact": exact.get().map(|e| e.outcome[o]),
            })
        })
        .collect();
    let compare = baseline.map(|b| differences(b, sc, cfg, &exact)).transpose()?;
    Ok(json!({
        "ok": true,
        "scenario": info(plain),
        "runs": t.runs,
        "excluded": t.excluded,
        "asked": sc.asked,
        "seed": cfg.seed,
        "exact_note": exact.note(),
        "exact_done": exact.get().is_some(),
        "outcomes": outcomes,
        "diagram": whatif_core::diagram::svg(sc, exact.get()).unwrap_or_default(),
        "compare": compare,
    }))
}

/// Paired differences of `variant` against `base`, as `whatif compare` gives them:
/// labels that occur in neither file and have no exact difference are left out.
fn differences(base: &Scenario, variant: &Scenario, cfg: &SimConfig, exact_v: &ExactStatus) -> Result<Value, String> {
    let p: Paired = paired(base, variant, cfg).map_err(|e| e.to_string())?;
    let exact_b = pinned_exact(base);
    let exact_p = |sc: &Scenario, e: &ExactStatus, label: &str| {
        e.get().map(|e| sc.outcomes.iter().position(|o| o == label).map_or(0.0, |o| e.outcome[o]))
    };
    let n = cfg.runs as f64;
    let mut rows = Vec::new();
    for (o, label) in p.labels.iter().enumerate() {
        let (d, lo, hi) = p.difference(o);
        let ed = exact_p(base, &exact_b, label).zip(exact_p(variant, exact_v, label)).map(|(a, b)| b - a);
        if p.base[o] + p.variant[o] == 0 && ed.is_none_or(|e| e == 0.0) {
            continue;
        }
        rows.push(json!({
            "label": label,
            "baseline": p.base[o] as f64 / n,
            "variant": p.variant[o] as f64 / n,
            "difference": d,
            "low": lo,
            "high": hi,
            "exact_difference": ed,
        }));
    }
    let changes: Vec<String> = structure(base, variant).iter().map(|c| c.describe()).collect();
    Ok(json!({ "baseline_title": base.title, "outcomes": rows, "changes": changes }))
}

thread_local! {
    /// The pinned baseline's exact figures, by the SHA-256 of its text: the baseline
    /// stays the same while a class moves weights, so it is analysed once.
    static PINNED: std::cell::RefCell<Option<(String, ExactStatus)>> = const { std::cell::RefCell::new(None) };
}

fn pinned_exact(base: &Scenario) -> ExactStatus {
    PINNED.with(|cell| {
        let mut cell = cell.borrow_mut();
        match &*cell {
            Some((sha, exact)) if *sha == base.sha256 => exact.clone(),
            _ => {
                let exact = ExactStatus::compute(base, Budget::default());
                *cell = Some((base.sha256.clone(), exact.clone()));
                exact
            }
        }
    })
}

/// The CSV files of `whatif run --per-run` (all but the manifest, which records the
/// machine's command line), byte for byte.
pub fn files(sc: &Scenario, cfg: &SimConfig) -> Result<Value, String> {
    let exact = ExactStatus::compute(sc, Budget::default());
    let mut rows: Vec<u8> = runs_header(sc);
    let result = simulate(sc, cfg, Some(&mut rows)).map_err(|e| e.to_string())?;
    let report = RunReport::new(sc, *cfg, SeedSource::Given, &result, &exact);
    let mut out: Vec<Value> = tables()
        .iter()
        .map(|t| json!({ "name": t.file_name(), "text": String::from_utf8_lossy(&render(t.as_ref(), &report)) }))
        .collect();
    out.push(json!({ "name": "runs.csv", "text": String::from_utf8_lossy(&rows) }));
    Ok(json!({ "ok": true, "files": out }))
}
