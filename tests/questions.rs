//! What-if questions without editing files: `--set`, `--force` (an intervention) and
//! `--given` (an observation), against a small scenario worked out by hand.

mod common;

use common::whatif;
use std::fs;
use std::path::{Path, PathBuf};

/// Rain one day in four; an umbrella is carried 4 times in 5 when it rains, 1 in 5 when
/// dry. By hand: P(carry) = 1/4 * 4/5 + 3/4 * 1/5 = 7/20, so P(Rain | carry) = (4/20) /
/// (7/20) = 4/7; forcing the umbrella does not change the weather: P(Rain) stays 1/4.
const UMBRELLA: &str = r#"whatif: 1
title: Rain and umbrellas (test)
illustrative: true
notice: Test fixture. Not a forecast.
indicators:
  puddles: { start: 0 }
start: weather
nodes:
  weather:
    branches:
      - { id: rain, weight: 1, outcome: Rain, effects: { puddles: 1 }, next: umbrella }
      - { id: dry, weight: 3, outcome: Dry, next: umbrella }
  umbrella:
    branches:
      - id: carry
        weight: 1
        weight_if: [ { when: "took(weather.rain)", weight: 4 } ]
      - id: leave
        weight: 4
        weight_if: [ { when: "took(weather.rain)", weight: 1 } ]
"#;

fn file(dir: &Path) -> PathBuf {
    let f = dir.join("umbrella.yaml");
    fs::write(&f, UMBRELLA).unwrap();
    f
}

/// (runs, share, exact) of `label` in a run's outcomes.csv.
fn outcome(dir: &Path, label: &str) -> (u64, f64, f64) {
    let text = fs::read_to_string(dir.join("outcomes.csv")).unwrap();
    let row: Vec<String> = text.lines().find(|l| l.starts_with(label)).unwrap().split(',').map(String::from).collect();
    (row[1].parse().unwrap(), row[2].parse().unwrap(), row[5].parse().unwrap())
}

fn run(f: &Path, out: &Path, ask: &[&str]) -> String {
    common::stdout_of(whatif().args(["run", "--runs", "20000", "--out"]).arg(out).arg(f).args(ask))
}

#[test]
fn forcing_and_observing_differ_as_worked_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(dir.path());
    let (forced, observed) = (dir.path().join("forced"), dir.path().join("observed"));
    run(&f, &forced, &["--force", "umbrella=carry"]);
    let text = run(&f, &observed, &["--given", "took(umbrella.carry)"]);
    let (_, share, exact) = outcome(&forced, "Rain");
    assert_eq!(exact, 0.25);
    assert!((share - 0.25).abs() < 5.0 * (0.25f64 * 0.75 / 20000.0).sqrt(), "{share}");
    let (runs, share, exact) = outcome(&observed, "Rain");
    assert!((exact - 4.0 / 7.0).abs() < 1e-9, "{exact}");
    let counted = runs + outcome(&observed, "Dry").0;
    // 7/20 of 20,000 runs carry an umbrella, within 5 standard errors.
    assert!((counted as f64 - 7000.0).abs() < 5.0 * (20000.0f64 * 0.35 * 0.65).sqrt(), "{counted}");
    let se = (4.0 / 7.0 * 3.0 / 7.0 / counted as f64).sqrt();
    assert!((share - 4.0 / 7.0).abs() < 5.0 * se, "{share}");
    assert!(text.contains(&format!(
        "{} of 20,000 runs end with `took(umbrella.carry)` true",
        whatif::output::terminal::count(counted)
    )));
    assert!(text.contains("Asked of the file: --given \"took(umbrella.carry)\""));
    // Branch shares are not conditioned exactly, so they are left empty rather than wrong.
    let branches = fs::read_to_string(observed.join("branches.csv")).unwrap();
    assert!(branches.lines().skip(1).all(|l| l.ends_with(',')), "{branches}");
    let manifest = fs::read_to_string(observed.join("manifest.csv")).unwrap();
    assert!(manifest.contains("given,took(umbrella.carry)"));
    assert!(manifest.contains("--given \"\"took(umbrella.carry)\"\""), "the repeat command asks again: {manifest}");
}

#[test]
fn set_changes_a_weight_or_a_start_and_keeps_the_plain_results_apart() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(dir.path());
    let cwd = dir.path();
    whatif().current_dir(cwd).args(["run", "umbrella.yaml", "-q", "--runs", "1000"]).assert().success();
    whatif()
        .current_dir(cwd)
        .args(["run", "umbrella.yaml", "-q", "--runs", "1000", "--set", "weather.rain=3"])
        .args(["--set", "indicator.puddles.start=2"])
        .assert()
        .success();
    let plain = cwd.join("output/umbrella");
    let asked = cwd.join("output/umbrella/set_weather_rain_3_set_indicator_puddles_start_2");
    assert_eq!(outcome(&plain, "Rain").2, 0.25);
    assert_eq!(outcome(&asked, "Rain").2, 0.5, "weights 3 and 3");
    let indicators = fs::read_to_string(asked.join("indicators.csv")).unwrap();
    assert!(indicators.contains("puddles,,2.5"), "start 2 plus 1 on half the runs: {indicators}");
    let _ = f;
}

#[test]
fn check_gives_exact_conditional_figures_and_questions_that_cannot_be_asked_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(dir.path());
    let text = common::stdout_of(whatif().arg("check").arg(&f).args(["--given", "puddles >= 1"]));
    assert!(text.contains("exact in this file: Rain 100.00%"), "{text}");
    let cases: &[(&[&str], &str)] = &[
        (&["--force", "umbrela=carry"], "did you mean `umbrella`"),
        (&["--force", "umbrella=cary"], "did you mean `carry`"),
        (&["--set", "weather.rain"], "NODE.BRANCH=WEIGHT"),
        (&["--set", "weather.rain=-1"], ">= 0"),
        (&["--given", "took(umbrella.carry"], "--given"),
        (&["--given", "puddles > 5"], "none of the 100 runs ends with `puddles > 5` true"),
    ];
    for (args, wanted) in cases {
        let out = whatif()
            .args(["run", "--runs", "100", "-q", "--out"])
            .arg(dir.path().join("x"))
            .arg(&f)
            .args(*args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
    // Forcing the only way out of a loop away is refused.
    let out = whatif()
        .args(["check"])
        .arg(common::fixture("dice_loop.yaml"))
        .args(["--force", "roll=other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loop with no way out"));
    let out = whatif().args(["compare"]).arg(&f).arg(&f).args(["--given", "puddles >= 1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn compare_asks_the_same_question_of_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let text = common::stdout_of(
        whatif()
            .args(["compare", "putin_north_korea_visit", "putin_north_korea_visit_sanctions_tighten", "--runs", "2000"])
            .args(["--force", "summit=arms_talks", "--out"])
            .arg(&out),
    );
    assert!(text.contains("Asked of the file: --force summit=arms_talks"), "{text}");
    let manifest = fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert!(manifest.contains("asked_1,force summit=arms_talks") && manifest.contains("variant_1_asked_1"));
}

#[test]
fn the_readme_example_of_forcing_and_observing_is_what_check_prints() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (ask, value) in [("--force", "military=more_ammunition"), ("--given", "took(military.more_ammunition)")] {
        let text = common::stdout_of(whatif().args(["check", "putin_north_korea_visit", ask, value]));
        let line = text.lines().find(|l| l.contains("exact in this file")).unwrap();
        assert!(readme.contains(line), "README.md does not quote {line:?}");
    }
}

#[test]
fn the_readme_set_example_writes_where_it_says() {
    let dir = tempfile::tempdir().unwrap();
    whatif()
        .current_dir(dir.path())
        .args(["run", "putin_north_korea_visit", "--set", "reaction.new_sanctions=6", "--runs", "1000", "-q"])
        .assert()
        .success();
    let folder = dir.path().join("output/putin_north_korea_visit/set_reaction_new_sanctions_6");
    let manifest = fs::read_to_string(folder.join("manifest.csv")).unwrap();
    assert!(manifest.contains("--set reaction.new_sanctions=6"));
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("output/putin_north_korea_visit/set_reaction_new_sanctions_6/"));
}
