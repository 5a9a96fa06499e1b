//! Honest by construction: every folder says where its results come from, which file ran
//! is never a guess, a folder holds one command's files, and tables list outcomes as
//! the file does unless asked to rank them.

mod common;

use common::whatif;

use predicates::str::contains;
use std::fs;
use std::path::Path;

/// Outcomes written so that their file order differs from their order by share.
const SCENARIO: &str = "\
whatif: 1
title: Provenance test (invented)
illustrative: true
notice: Invented weights for a test. Not a forecast.
description: A test scenario with two stages.
sources:
  - A test source
  - Another test source
start: first
nodes:
  first:
    branches:
      - { id: rare, weight: 1, outcome: Rare first, next: second }
      - { id: common, weight: 9, outcome: Common second, next: second }
  second:
    branches:
      - { id: keep, weight: 1 }
      - { id: switch, weight: 1, outcome: Switched third }
";

fn manifest(dir: &Path) -> Vec<(String, String)> {
    let text = fs::read_to_string(dir.join("manifest.csv")).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap()).map(|rec| (rec[0].to_string(), rec[1].to_string())).collect()
}

fn get<'a>(m: &'a [(String, String)], key: &str) -> &'a str {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no `{key}` in {m:?}"))
}

#[test]
fn every_folder_whatif_writes_has_a_manifest_in_a_folder_named_for_what_ran() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("prov.yaml"), SCENARIO).unwrap();
    fs::write(dir.path().join("variant.yaml"), SCENARIO.replace("weight: 9", "weight: 3")).unwrap();
    let commands: [(&[&str], &str); 6] = [
        (&["run", "prov.yaml"], "output/prov"),
        (&["sweep", "prov.yaml", "--vary", "first.rare=0:2:3"], "output/prov/sweep_first.rare"),
        (&["sensitivity", "prov.yaml"], "output/prov/sensitivity"),
        (&["converge", "prov.yaml"], "output/prov/converge"),
        (&["compare", "prov.yaml", "variant.yaml"], "output/prov/compare_variant"),
        (&["report", "prov.yaml"], "output/prov/report"),
    ];
    for (args, folder) in commands {
        whatif().current_dir(dir.path()).args(args).args(["--runs", "2000", "--quiet"]).assert().success();
        let m = manifest(&dir.path().join(folder));
        assert_eq!(get(&m, "notice"), "Invented weights for a test. Not a forecast.", "{folder}");
        assert_eq!(get(&m, "scenario_title"), "Provenance test (invented)");
        assert_eq!(get(&m, "scenario_path"), "prov.yaml");
        assert_eq!(get(&m, "source_1"), "A test source");
        assert_eq!(get(&m, "source_2"), "Another test source");
        assert_eq!(get(&m, "description"), "A test scenario with two stages.");
        assert_eq!(get(&m, "scenario_sha256").len(), 64);
        assert_eq!(get(&m, "seed"), "42");
        assert_eq!(get(&m, "runs"), "2000");
        assert_eq!(get(&m, "tool_version"), env!("CARGO_PKG_VERSION"));
        assert!(get(&m, "repeat_with").starts_with(&format!("whatif {} ", args[0])), "{folder}");
    }
    let sweep = manifest(&dir.path().join("output/prov/sweep_first.rare"));
    assert_eq!(get(&sweep, "varied"), "first.rare");
    assert_eq!(get(&sweep, "values"), "0.000000 1.000000 2.000000");
    let compare = manifest(&dir.path().join("output/prov/compare_variant"));
    assert_eq!(get(&compare, "variant_1_scenario_path"), "variant.yaml");
    // Two sweeps of different weights no longer overwrite each other.
    whatif()
        .current_dir(dir.path())
        .args(["sweep", "prov.yaml", "--vary", "second.keep=0:2:3", "--runs", "500", "--quiet"])
        .assert()
        .success();
    assert!(dir.path().join("output/prov/sweep_first.rare/sweep.csv").exists());
    assert!(dir.path().join("output/prov/sweep_second.keep/sweep.csv").exists());
}

#[test]
fn repeat_with_writes_the_same_bytes_again() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("prov.yaml"), SCENARIO).unwrap();
    let folder = dir.path().join("output/prov/sweep_first.rare");
    whatif()
        .current_dir(dir.path())
        .args(["sweep", "prov.yaml", "--vary", "first.rare=0:2:3", "--runs", "700", "--seed", "9", "--quiet"])
        .assert()
        .success();
    let repeat = get(&manifest(&folder), "repeat_with").to_string();
    let args: Vec<&str> = repeat.split(' ').skip(1).collect();
    whatif().current_dir(dir.path()).args(&args).args(["--quiet", "--out", "again"]).assert().success();
    for file in ["sweep.csv", "manifest.csv"] {
        assert_eq!(fs::read(folder.join(file)).unwrap(), fs::read(dir.path().join("again").join(file)).unwrap());
    }
}

#[test]
fn the_terminal_shows_sources_and_which_file_ran() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("prov.yaml"), SCENARIO).unwrap();
    whatif()
        .current_dir(dir.path())
        .args(["run", "prov.yaml", "--runs", "100"])
        .assert()
        .success()
        .stdout(contains("NOTICE: Invented weights for a test. Not a forecast.\nSource: A test source\n"))
        .stdout(contains("Scenario file: prov.yaml\n"));
    whatif()
        .args(["tree", "putin_north_korea_visit"])
        .assert()
        .success()
        .stdout(contains("Scenario file: bundled:putin_north_korea_visit\n"));
}

#[test]
fn a_local_file_and_a_bundled_name_are_never_confused() {
    let dir = tempfile::tempdir().unwrap();
    let edited = SCENARIO.replace("Provenance test (invented)", "My edited copy (invented)");
    fs::write(dir.path().join("putin_north_korea_visit.yaml"), edited).unwrap();
    // The bare name could mean either: refused, naming both.
    whatif()
        .current_dir(dir.path())
        .args(["run", "putin_north_korea_visit", "--runs", "100"])
        .assert()
        .code(2)
        .stderr(contains("could mean the file ./putin_north_korea_visit.yaml or the bundled scenario"))
        .stderr(contains("`bundled:putin_north_korea_visit`"));
    assert!(!dir.path().join("output").exists());
    // A path that exists wins; `bundled:` names the bundled one.
    whatif()
        .current_dir(dir.path())
        .args(["run", "putin_north_korea_visit.yaml", "--runs", "100"])
        .assert()
        .success()
        .stdout(contains("My edited copy"))
        .stdout(contains("Scenario file: putin_north_korea_visit.yaml"));
    whatif()
        .current_dir(dir.path())
        .args(["check", "bundled:putin_north_korea_visit"])
        .assert()
        .success()
        .stdout(contains("Scenario file: bundled:putin_north_korea_visit"));
    whatif().args(["check", "bundled:no_such_thing"]).assert().code(2).stderr(contains("whatif list"));
}

#[test]
fn a_folder_holds_the_files_of_one_command_only() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("prov.yaml"), SCENARIO).unwrap();
    let run = |extra: &[&str]| {
        whatif()
            .current_dir(dir.path())
            .args(["run", "prov.yaml", "--runs", "300", "--quiet"])
            .args(extra)
            .assert()
            .success();
    };
    run(&["--report", "--per-run"]);
    let folder = dir.path().join("output/prov");
    assert!(folder.join("report.html").exists() && folder.join("runs.csv").exists());
    fs::write(folder.join("notes.txt"), "mine").unwrap();
    run(&[]);
    assert!(!folder.join("report.html").exists(), "an old report.html stays beside new tables");
    assert!(!folder.join("runs.csv").exists());
    assert_eq!(fs::read_to_string(folder.join("notes.txt")).unwrap(), "mine", "files whatif never writes stay");
}

#[test]
fn outcomes_are_listed_in_file_order_unless_sorted_by_share() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("prov.yaml"), SCENARIO).unwrap();
    let outcomes = |extra: &[&str]| -> Vec<String> {
        whatif()
            .current_dir(dir.path())
            .args(["run", "prov.yaml", "--runs", "5000", "--quiet"])
            .args(extra)
            .assert()
            .success();
        let text = fs::read_to_string(dir.path().join("output/prov/outcomes.csv")).unwrap();
        text.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect()
    };
    assert_eq!(outcomes(&[]), ["Rare first", "Common second", "Switched third"]);
    assert_eq!(outcomes(&["--sort", "share"]), ["Switched third", "Common second", "Rare first"]);
    let table = whatif().current_dir(dir.path()).args(["run", "prov.yaml", "--runs", "100"]).assert().success();
    let text = String::from_utf8(table.get_output().stdout.clone()).unwrap();
    assert!(text.contains("exact in this file"), "{text}");
}
