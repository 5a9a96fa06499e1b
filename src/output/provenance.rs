//! Where a result comes from, for every folder whatif writes: the notice, the scenario
//! (title, description, sources, file and SHA-256), the seed and runs, the version, and
//! the command that writes the same files again.
//!
//! `run` folders get these rows at the top of their `manifest.csv` (see `output/manifest.rs`);
//! each analysis (`sweep`, `sensitivity`, `converge`, `compare`, `report`) writes
//! [`analysis_manifest`] beside its own files.

use super::SeedSource;
use crate::scenario::Scenario;
use std::path::Path;

/// Every file name whatif writes into a results folder. When a new set is moved into a
/// folder, any of these that the set does not replace is removed, so a folder always
/// holds the files of one command only (never an old `report.html` beside new tables).
pub const KNOWN_FILES: &[&str] = &[
    "outcomes.csv",
    "branches.csv",
    "paths.csv",
    "indicators.csv",
    "manifest.csv",
    "runs.csv",
    "report.html",
    "sweep.csv",
    "sweep.html",
    "sensitivity.html",
    "sensitivity.csv",
    "convergence.csv",
    "timeline.csv",
    "timeline.html",
    "comparison.csv",
    "differences.csv",
    "indicator_differences.csv",
    "structure.csv",
    "explore.csv",
    "explore_summary.csv",
    "explore_importance.csv",
    "explore_box.csv",
    "explore.html",
    "ranking.csv",
];

/// The file as recorded: its path as given when relative, its name alone when the path
/// is absolute (so results do not depend on where a folder lives), or `bundled:NAME`.
pub fn recorded_path(sc: &Scenario) -> String {
    if Path::new(&sc.file).is_absolute() { sc.file_name.clone() } else { sc.file.clone() }
}

/// The rows that say which scenario ran; `prefix` names it among several (`variant_1_`).
pub fn scenario_rows(sc: &Scenario, prefix: &str) -> Vec<(String, String)> {
    let mut rows = vec![
        (format!("{prefix}scenario_title"), sc.title.clone()),
        (format!("{prefix}scenario_file"), sc.file_name.clone()),
        (format!("{prefix}scenario_path"), recorded_path(sc)),
        (format!("{prefix}scenario_sha256"), sc.sha256.clone()),
    ];
    if let Some(d) = &sc.description {
        rows.push((format!("{prefix}description"), d.trim().to_string()));
    }
    for (i, source) in sc.sources.iter().enumerate() {
        rows.push((format!("{prefix}source_{}", i + 1), source.clone()));
    }
    for (i, asked) in sc.asked.iter().enumerate() {
        rows.push((format!("{prefix}asked_{}", i + 1), asked.trim_start_matches('-').to_string()));
    }
    rows
}

/// The first rows of every manifest: the tool and the notice.
pub fn tool_rows(sc: &Scenario) -> Vec<(String, String)> {
    vec![
        ("tool".into(), "whatif".into()),
        ("tool_version".into(), env!("CARGO_PKG_VERSION").into()),
        ("format_version".into(), "1".into()),
        ("illustrative".into(), "true".into()),
        ("notice".into(), sc.notice.clone()),
    ]
}

/// How the seed was chosen, in words.
pub fn seed_words(source: SeedSource) -> &'static str {
    match source {
        SeedSource::Default => "default",
        SeedSource::Given => "given",
        SeedSource::Random => "random (recorded here so the run can be repeated)",
    }
}

/// What an analysis did, for its manifest.
pub struct Analysis<'a> {
    /// `sweep`, `sensitivity`, ...
    pub name: &'a str,
    /// The scenario analysed first, then any variants (`compare`).
    pub scenarios: Vec<&'a Scenario>,
    pub seed: u64,
    pub seed_source: SeedSource,
    pub runs: u64,
    /// The command that writes the same files again.
    pub repeat_with: String,
    /// What was varied, or anything else the analysis needs to say.
    pub extra: Vec<(String, String)>,
}

/// `manifest.csv` of an analysis folder.
pub fn analysis_manifest(a: &Analysis) -> Vec<u8> {
    let mut rows = tool_rows(a.scenarios[0]);
    rows.extend(scenario_rows(a.scenarios[0], ""));
    for (i, v) in a.scenarios.iter().enumerate().skip(1) {
        rows.extend(scenario_rows(v, &format!("variant_{i}_")));
    }
    rows.push(("analysis".into(), a.name.into()));
    rows.extend(a.extra.iter().cloned());
    rows.push(("seed".into(), a.seed.to_string()));
    rows.push(("seed_source".into(), seed_words(a.seed_source).into()));
    rows.push(("runs".into(), a.runs.to_string()));
    rows.push(("repeat_with".into(), a.repeat_with.clone()));
    super::csv_bytes(&["key", "value"], &rows.into_iter().map(|(k, v)| vec![k, v]).collect::<Vec<_>>())
}
