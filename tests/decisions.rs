//! Decision nodes (`decision: true`): a choice, not chance. Runs need `--force`;
//! `compare --options` runs every option side by side, ranked with `--by`.

mod common;

use common::whatif;
use std::fs;

/// By hand: `safe` gives Good with 1/2 and a mean gain of 1 + 1/2 * (-4) = -1; `bold`
/// gives Good with 1/4 and a mean gain of 3 + 3/4 * (-4) = 0.
const PLAN: &str = r#"whatif: 1
title: A plan to choose (test)
illustrative: true
notice: Test fixture. Not a forecast.
indicators:
  gain: { start: 0 }
start: plan
nodes:
  plan:
    decision: true
    question: Which plan?
    branches:
      - { id: safe, effects: { gain: 1 }, next: luck }
      - { id: bold, effects: { gain: 3 }, next: luck }
  luck:
    branches:
      - { id: good, weight: 1, outcome: Good }
      - id: bad
        weight: 1
        weight_if: [ { when: took(plan.bold), weight: 3 } ]
        effects: { gain: -4 }
        outcome: Bad
"#;

#[test]
fn a_decision_must_be_made_and_each_option_gives_what_was_worked_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("plan.yaml");
    fs::write(&f, PLAN).unwrap();
    let out = whatif().args(["run", "-q", "--out"]).arg(dir.path().join("r")).arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("node `plan` is a decision") && err.contains("options: safe, bold"), "{err}");
    assert!(err.contains("--options plan"), "{err}");
    let text = common::stdout_of(whatif().arg("check").arg(&f));
    assert!(text.contains("decision `plan`: options safe, bold"), "{text}");
    let tree = common::stdout_of(whatif().arg("tree").arg(&f));
    assert!(tree.contains("an option of a decision: chosen with --force, never drawn"), "{tree}");
    let svg = common::stdout_of(whatif().args(["tree", "--format", "svg"]).arg(&f));
    assert_eq!(svg.matches(">option<").count(), 2, "the options show no drawn chance");
    assert!(svg.contains("a decision: one option is chosen"));
    let text = common::stdout_of(whatif().arg("check").arg(&f).args(["--force", "plan=bold"]));
    assert!(text.contains("exact in this file: Good 25.00%; Bad 75.00%"), "{text}");
    let out_dir = dir.path().join("opts");
    let text = common::stdout_of(
        whatif()
            .args(["compare", "--options", "plan", "--by", "gain", "--runs", "4000", "--out"])
            .arg(&out_dir)
            .arg(&f),
    );
    assert!(text.contains("1. bold: ") && text.contains("(exact in this file 0)"), "{text}");
    assert!(text.contains("2. safe: ") && text.contains("(exact in this file -1)"), "{text}");
    let ranking = fs::read_to_string(out_dir.join("ranking.csv")).unwrap();
    let lines: Vec<&str> = ranking.lines().collect();
    assert_eq!(lines[0], "rank,option,mean,exact_mean");
    assert!(lines[1].starts_with("1,bold,") && lines[1].ends_with(",0.000000000"), "{ranking}");
    let manifest = fs::read_to_string(out_dir.join("manifest.csv")).unwrap();
    assert!(manifest.contains("--options plan --by gain"), "{manifest}");
}

#[test]
fn options_of_a_decision_have_no_conditional_weights() {
    let bad = PLAN.replace(
        "{ id: safe, effects: { gain: 1 }, next: luck }",
        "{ id: safe, weight_if: [ { when: gain > 0, weight: 1 } ], next: luck }",
    );
    let err = whatif::scenario::load_str("bad.yaml", &bad).unwrap_err().to_string();
    assert!(err.contains("an option of a decision has no conditional weights"), "{err}");
    let out = whatif().args(["compare", "putin_north_korea_visit", "--options", "reactoin"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `reaction`"));
}

#[test]
fn any_node_of_the_bundled_scenario_can_be_compared_option_by_option() {
    let dir = tempfile::tempdir().unwrap();
    let text = common::stdout_of(
        whatif()
            .args(["compare", "putin_north_korea_visit", "--options", "reaction", "--by", "sanctions_pressure"])
            .args(["--runs", "5000", "--out"])
            .arg(dir.path()),
    );
    assert!(text.contains("1. new_sanctions: "), "{text}");
    assert!(text.contains("3. warnings: "), "{text}");
}
