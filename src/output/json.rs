//! `--format json`: the results of `run` and `check` as one JSON document on stdout, for
//! scripts and for the browser page. The figures are those of the CSV files, unrounded
//! (shares and means as full-precision numbers); `exact_*` fields are `null` where the
//! CSV leaves the cell empty. The shape is documented in the README ("JSON").

use super::RunReport;
use crate::engine::exact::ExactStatus;
use crate::engine::simulate::path_text;
use crate::scenario::Scenario;
use crate::stats::wilson;
use serde::{Deserialize, Serialize};

/// Which scenario ran, and the notice that goes with every result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioJson {
    pub title: String,
    pub notice: String,
    pub description: Option<String>,
    pub sources: Vec<String>,
    /// The path as given, or `bundled:NAME`.
    pub file: String,
    pub sha256: String,
}

impl ScenarioJson {
    pub fn of(sc: &Scenario) -> Self {
        ScenarioJson {
            title: sc.title.clone(),
            notice: sc.notice.clone(),
            description: sc.description.clone(),
            sources: sc.sources.clone(),
            file: super::provenance::recorded_path(sc),
            sha256: sc.sha256.clone(),
        }
    }
}

/// One row of `outcomes.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeJson {
    pub outcome: String,
    pub runs: u64,
    pub share: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Exact in this file (from its invented weights), where the analysis completed.
    pub exact_probability: Option<f64>,
}

/// One row of `branches.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchJson {
    pub node: String,
    pub branch: String,
    pub label: Option<String>,
    pub times_taken: u64,
    pub runs_taking: u64,
    pub share_of_runs: f64,
    pub exact_share_of_runs: Option<f64>,
}

/// One row of `indicators.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorJson {
    pub indicator: String,
    pub unit: Option<String>,
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub p05: Option<f64>,
    pub p25: Option<f64>,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p95: Option<f64>,
    pub max: f64,
    pub exact_mean: Option<f64>,
    /// `true` where percentiles are exact, `false` where within 0.1%.
    pub percentiles_exact: bool,
}

/// One row of `paths.csv` (without the `(other paths)` row: see `other_paths_runs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathJson {
    /// `node.branch` ids, in order.
    pub path: Vec<String>,
    pub outcome: String,
    pub runs: u64,
    pub share: f64,
    pub exact_probability: Option<f64>,
}

/// Everything `whatif run` writes, as one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunJson {
    pub scenario: ScenarioJson,
    pub seed: u64,
    pub runs: u64,
    /// What the exact analysis did, in words.
    pub exact_analysis: String,
    pub outcomes: Vec<OutcomeJson>,
    pub branches: Vec<BranchJson>,
    pub indicators: Vec<IndicatorJson>,
    pub paths: Vec<PathJson>,
    pub other_paths_runs: u64,
    pub warnings: Vec<String>,
}

impl RunJson {
    pub fn of(r: &RunReport) -> Self {
        let (sc, t, exact) = (r.scenario, &r.result.tally, r.exact.get());
        let n = t.runs;
        let outcomes = r
            .outcome_order()
            .into_iter()
            .map(|o| {
                let k = t.outcome_runs[o];
                let (lo, hi) = wilson(k, n);
                OutcomeJson {
                    outcome: sc.outcomes[o].clone(),
                    runs: k,
                    share: k as f64 / n as f64,
                    ci95_low: lo,
                    ci95_high: hi,
                    exact_probability: exact.map(|e| e.outcome[o]),
                }
            })
            .collect();
        let branches = sc
            .branches
            .iter()
            .enumerate()
            .map(|(b, br)| BranchJson {
                node: sc.nodes[br.node as usize].id.clone(),
                branch: br.id.clone(),
                label: br.label.clone(),
                times_taken: t.times_taken[b],
                runs_taking: t.runs_taking[b],
                share_of_runs: t.runs_taking[b] as f64 / n as f64,
                exact_share_of_runs: exact.and_then(|e| e.branch_share(b)),
            })
            .collect();
        let indicators = sc
            .indicators
            .iter()
            .zip(&t.indicators)
            .enumerate()
            .map(|(i, (ind, s))| {
                let q = |p: f64| s.sketch().quantile(p, s.min, s.max);
                IndicatorJson {
                    indicator: ind.name.clone(),
                    unit: ind.unit.clone(),
                    mean: s.mean,
                    sd: s.sd(),
                    min: s.min,
                    p05: q(0.05),
                    p25: q(0.25),
                    p50: q(0.50),
                    p75: q(0.75),
                    p95: q(0.95),
                    max: s.max,
                    exact_mean: exact.and_then(|e| e.indicator_mean[i]),
                    percentiles_exact: s.sketch().is_exact(),
                }
            })
            .collect();
        let paths = r
            .result
            .paths
            .iter()
            .zip(&r.path_exact)
            .map(|(p, exact)| PathJson {
                path: path_text(sc, &p.branches).split(" > ").map(String::from).collect(),
                outcome: sc.outcomes[p.outcome as usize].clone(),
                runs: p.runs,
                share: p.runs as f64 / n as f64,
                exact_probability: *exact,
            })
            .collect();
        RunJson {
            scenario: ScenarioJson::of(sc),
            seed: r.config.seed,
            runs: n,
            exact_analysis: r.exact.note(),
            outcomes,
            branches,
            indicators,
            paths,
            other_paths_runs: r.result.other_paths_runs,
            warnings: sc.warnings.clone(),
        }
    }
}

/// What `whatif check` says about one valid file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckJson {
    pub scenario: ScenarioJson,
    pub nodes: usize,
    pub branches: usize,
    pub indicators: Vec<String>,
    /// The outcome labels, in file order (without `(step limit)`).
    pub outcomes: Vec<String>,
    /// Exact probability of each outcome in this file, in file order, where the
    /// analysis completed within `check`'s small budget.
    pub exact_probabilities: Option<Vec<f64>>,
    pub exact_analysis: String,
    pub warnings: Vec<String>,
    /// For a variant: the file it extends and what it changes there.
    pub extends: Option<String>,
    pub changes: Vec<String>,
}

impl CheckJson {
    pub fn of(sc: &Scenario, exact: &ExactStatus) -> Self {
        let labels = sc.outcomes.len() - 1;
        CheckJson {
            scenario: ScenarioJson::of(sc),
            nodes: sc.nodes.len(),
            branches: sc.branches.len(),
            indicators: sc.indicators.iter().map(|i| i.name.clone()).collect(),
            outcomes: sc.outcomes[..labels].to_vec(),
            exact_probabilities: exact.get().map(|e| e.outcome[..labels].to_vec()),
            exact_analysis: exact.note(),
            warnings: sc.warnings.clone(),
            extends: sc.extends.clone(),
            changes: Vec::new(),
        }
    }
}

/// A value as pretty JSON with a final line break.
pub fn to_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("results always serialise") + "\n"
}

/// One value of a sweep: the outcome shares there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPointJson {
    pub value: f64,
    pub outcomes: Vec<OutcomeJson>,
}

/// What `whatif sweep` writes: `sweep.csv` as one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepJson {
    pub scenario: ScenarioJson,
    /// `node.branch` (a base weight) or `indicator.NAME.start`.
    pub varied: String,
    pub seed: u64,
    pub runs: u64,
    pub points: Vec<SweepPointJson>,
}

impl SweepJson {
    /// From the sweep's points and the outcomes it lists (file order).
    pub fn of(
        sc: &Scenario,
        varied: &str,
        seed: u64,
        points: &[crate::analysis::sweep::Point],
        outcomes: &[usize],
    ) -> Self {
        let points_json = points
            .iter()
            .map(|p| {
                let t = &p.result.tally;
                let outcomes = outcomes
                    .iter()
                    .map(|&o| {
                        let (lo, hi) = wilson(t.outcome_runs[o], t.runs);
                        OutcomeJson {
                            outcome: sc.outcomes[o].clone(),
                            runs: t.outcome_runs[o],
                            share: t.outcome_runs[o] as f64 / t.runs as f64,
                            ci95_low: lo,
                            ci95_high: hi,
                            exact_probability: p.exact.get().map(|e| e.outcome[o]),
                        }
                    })
                    .collect();
                SweepPointJson { value: p.value, outcomes }
            })
            .collect();
        let runs = points.first().map_or(0, |p| p.result.tally.runs);
        SweepJson { scenario: ScenarioJson::of(sc), varied: varied.to_string(), seed, runs, points: points_json }
    }
}

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRowJson {
    pub node: String,
    pub branch: String,
    pub outcome: String,
    pub share_low: f64,
    pub share_base: f64,
    pub share_high: f64,
    pub swing: f64,
}

/// What `whatif sensitivity` writes, as one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityJson {
    pub scenario: ScenarioJson,
    /// The factors each weight is multiplied by: low, high.
    pub factors: [f64; 2],
    /// `exact` or `simulated`.
    pub method: String,
    pub seed: u64,
    pub runs: u64,
    pub rows: Vec<SensitivityRowJson>,
}

impl SensitivityJson {
    pub fn of(
        sc: &Scenario,
        factors: (f64, f64),
        method: &str,
        cfg: &crate::engine::simulate::SimConfig,
        rows: &[crate::analysis::sensitivity::Row],
    ) -> Self {
        let rows = rows
            .iter()
            .map(|r| {
                let b = &sc.branches[r.branch];
                SensitivityRowJson {
                    node: sc.nodes[b.node as usize].id.clone(),
                    branch: b.id.clone(),
                    outcome: sc.outcomes[r.outcome].clone(),
                    share_low: r.low,
                    share_base: r.base,
                    share_high: r.high,
                    swing: r.swing(),
                }
            })
            .collect();
        SensitivityJson {
            scenario: ScenarioJson::of(sc),
            factors: [factors.0, factors.1],
            method: method.to_string(),
            seed: cfg.seed,
            runs: cfg.runs,
            rows,
        }
    }
}

/// An outcome's running share at one checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvergeShareJson {
    pub outcome: String,
    pub share: f64,
    pub ci95_half_width: f64,
    pub exact_probability: Option<f64>,
}

/// The shares after the first `runs` runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointJson {
    pub runs: u64,
    pub outcomes: Vec<ConvergeShareJson>,
}

/// What `whatif converge` writes, as one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvergeJson {
    pub scenario: ScenarioJson,
    pub seed: u64,
    pub runs: u64,
    pub checkpoints: Vec<CheckpointJson>,
}

impl ConvergeJson {
    pub fn of(
        sc: &Scenario,
        seed: u64,
        points: &[crate::engine::simulate::Checkpoint],
        outcomes: &[usize],
        exact: Option<&crate::engine::exact::Exact>,
    ) -> Self {
        let checkpoints = points
            .iter()
            .map(|p| CheckpointJson {
                runs: p.runs,
                outcomes: outcomes
                    .iter()
                    .map(|&o| {
                        let (lo, hi) = wilson(p.outcome_runs[o], p.runs);
                        ConvergeShareJson {
                            outcome: sc.outcomes[o].clone(),
                            share: p.outcome_runs[o] as f64 / p.runs as f64,
                            ci95_half_width: (hi - lo) / 2.0,
                            exact_probability: exact.map(|e| e.outcome[o]),
                        }
                    })
                    .collect(),
            })
            .collect();
        let runs = points.last().map_or(0, |p| p.runs);
        ConvergeJson { scenario: ScenarioJson::of(sc), seed, runs, checkpoints }
    }
}

/// A paired difference, variant minus baseline (a row of `differences.csv` or
/// `indicator_differences.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DifferenceJson {
    pub variant: String,
    /// The outcome label or the indicator name.
    pub name: String,
    pub baseline: f64,
    pub variant_value: f64,
    pub difference: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub exact_difference: Option<f64>,
}

/// What `whatif compare` writes, as one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareJson {
    pub baseline: ScenarioJson,
    pub variants: Vec<ScenarioJson>,
    pub seed: u64,
    pub runs: u64,
    /// Outcome shares, paired run by run (baseline and variants in the given order).
    pub outcome_differences: Vec<DifferenceJson>,
    pub indicator_differences: Vec<DifferenceJson>,
    /// What differs between the files, one sentence each (as `structure.csv`).
    pub changes: Vec<String>,
}
