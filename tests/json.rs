//! `--format json`: the same figures as the CSV files, and documents that read back into
//! the same values.

mod common;

use common::whatif;

use std::fs;
use whatif::format::{exact_or_empty, share, value};
use whatif::output::json::{CheckJson, RunJson};

fn rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect()
}

#[test]
fn run_json_round_trips_and_matches_the_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = whatif()
        .args(["run", "--runs", "20000", "--per-run", "--format", "json", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let doc: RunJson = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::from_str::<RunJson>(&serde_json::to_string(&doc).unwrap()).unwrap(), doc);
    assert!(doc.scenario.notice.contains("Not a forecast"));
    assert_eq!(doc.scenario.file, "bundled:putin_north_korea_visit");
    assert_eq!((doc.seed, doc.runs), (42, 20000));

    let outcomes = rows(&fs::read_to_string(dir.path().join("outcomes.csv")).unwrap());
    assert_eq!(outcomes.len(), doc.outcomes.len());
    for (csv, json) in outcomes.iter().zip(&doc.outcomes) {
        let from_json = [
            json.outcome.clone(),
            json.runs.to_string(),
            share(json.share),
            share(json.ci95_low),
            share(json.ci95_high),
            exact_or_empty(json.exact_probability),
        ];
        assert_eq!(csv[..], from_json[..]);
    }
    let branches = rows(&fs::read_to_string(dir.path().join("branches.csv")).unwrap());
    for (csv, json) in branches.iter().zip(&doc.branches) {
        assert_eq!((&csv[0], &csv[1]), (&json.node, &json.branch));
        assert_eq!(csv[4], json.runs_taking.to_string());
        assert_eq!(csv[5], share(json.share_of_runs));
        assert_eq!(csv[6], exact_or_empty(json.exact_share_of_runs));
    }
    let indicators = rows(&fs::read_to_string(dir.path().join("indicators.csv")).unwrap());
    for (csv, json) in indicators.iter().zip(&doc.indicators) {
        assert_eq!(csv[0], json.indicator);
        assert_eq!((csv[2].as_str(), csv[3].as_str()), (value(json.mean).as_str(), value(json.sd).as_str()));
        assert_eq!(csv[7], json.p50.map(value).unwrap_or_default());
        assert_eq!(csv[11], exact_or_empty(json.exact_mean));
    }
    let paths = rows(&fs::read_to_string(dir.path().join("paths.csv")).unwrap());
    for (csv, json) in paths.iter().zip(&doc.paths) {
        assert_eq!(csv[0], json.path.join(" > "));
        assert_eq!(csv[2], json.runs.to_string());
    }
}

#[test]
fn check_json_lists_every_valid_file_in_file_order() {
    let out = whatif()
        .args(["check", "putin_north_korea_visit", "putin_north_korea_visit_limited_cooperation", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let docs: Vec<CheckJson> = serde_json::from_slice(&out).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].outcomes[0], "None of the three consequences");
    let p = docs[0].exact_probabilities.as_ref().unwrap();
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{p:?}");
    assert_eq!(docs[1].scenario.file, "bundled:putin_north_korea_visit_limited_cooperation");
}

/// Runs a command with `--format json` into a fresh folder; returns the document and the folder.
fn json_of<T: serde::de::DeserializeOwned>(args: &[&str]) -> (T, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = whatif()
        .args(args)
        .args(["--runs", "3000", "--format", "json", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    (serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{args:?}: {e}")), dir)
}

#[test]
fn analysis_json_matches_the_csv_files() {
    use whatif::output::json::{CompareJson, ConvergeJson, SensitivityJson, SweepJson};
    let (sweep, dir): (SweepJson, _) =
        json_of(&["sweep", "putin_north_korea_visit", "--vary", "reaction.new_sanctions=0:6:3"]);
    assert_eq!(sweep.varied, "reaction.new_sanctions");
    let csv = rows(&fs::read_to_string(dir.path().join("sweep.csv")).unwrap());
    let flat: Vec<Vec<String>> = sweep
        .points
        .iter()
        .flat_map(|p| {
            p.outcomes.iter().map(move |o| {
                vec![
                    value(p.value),
                    o.outcome.clone(),
                    o.runs.to_string(),
                    share(o.share),
                    share(o.ci95_low),
                    share(o.ci95_high),
                    exact_or_empty(o.exact_probability),
                ]
            })
        })
        .collect();
    assert_eq!(csv, flat);

    let (sens, dir): (SensitivityJson, _) = json_of(&["sensitivity", "putin_north_korea_visit"]);
    assert_eq!(sens.method, "exact");
    let csv = rows(&fs::read_to_string(dir.path().join("sensitivity.csv")).unwrap());
    assert_eq!(csv.len(), sens.rows.len());
    for (c, r) in csv.iter().zip(&sens.rows) {
        assert_eq!(
            c[..7],
            [
                r.node.clone(),
                r.branch.clone(),
                r.outcome.clone(),
                share(r.share_low),
                share(r.share_base),
                share(r.share_high),
                share(r.swing)
            ]
        );
    }

    let (conv, dir): (ConvergeJson, _) = json_of(&["converge", "putin_north_korea_visit"]);
    let csv = rows(&fs::read_to_string(dir.path().join("convergence.csv")).unwrap());
    let flat: Vec<Vec<String>> = conv
        .checkpoints
        .iter()
        .flat_map(|c| {
            c.outcomes
                .iter()
                .map(move |o| vec![c.runs.to_string(), o.outcome.clone(), share(o.share), share(o.ci95_half_width)])
        })
        .collect();
    assert_eq!(csv.iter().map(|r| r[..4].to_vec()).collect::<Vec<_>>(), flat);

    let (cmp, dir): (CompareJson, _) =
        json_of(&["compare", "putin_north_korea_visit", "putin_north_korea_visit_sanctions_tighten"]);
    assert_eq!(cmp.variants.len(), 1);
    let csv = rows(&fs::read_to_string(dir.path().join("differences.csv")).unwrap());
    for (c, d) in csv.iter().zip(&cmp.outcome_differences) {
        assert_eq!(
            c[..8],
            [
                d.variant.clone(),
                d.name.clone(),
                share(d.baseline),
                share(d.variant_value),
                share(d.difference),
                share(d.ci95_low),
                share(d.ci95_high),
                exact_or_empty(d.exact_difference)
            ]
        );
    }
    assert!(cmp.changes.iter().any(|c| c.contains("sanctions_pressure start: 5 → 7")), "{:?}", cmp.changes);
    assert_eq!(serde_json::from_str::<CompareJson>(&serde_json::to_string(&cmp).unwrap()).unwrap(), cmp);
}
