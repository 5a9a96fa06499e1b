//! Short variant files (`extends` and `changes`): the same scenario as the full copy
//! they stand for, located errors, and the changes listed by `check`.

mod common;

use common::whatif;
use std::fs;

const BASE: &str = "whatif: 1\ntitle: Base (test)\nillustrative: true\nnotice: Test fixture. Not a forecast.\nindicators:\n  level: { start: 1, range: [0, 2] }\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 1, next: b }\n      - { id: y, weight: 3, outcome: Y }\n  b:\n    branches:\n      - id: p\n        weight: 1\n        weight_if: [ { when: level >= 2, weight: 5 } ]\n        outcome: P\n      - { id: q, weight: 1, outcome: Q }\n";

const VARIANT: &str = "whatif: 1\nextends: base.yaml\ntitle: Variant (test)\nillustrative: true\nchanges:\n  - { weight: a.x, to: 3 }\n  - { start: level, to: 2 }\n  - weight_if: b.p\n    entries: [ { when: level >= 2, weight: 3 } ]\n  - { remove: b.q }\n  - add: b\n    branch: { id: r, weight: 1, outcome: R }\n";

/// The variant written out in full, by hand.
const FULL: &str = "whatif: 1\ntitle: Variant (test)\nillustrative: true\nnotice: Test fixture. Not a forecast.\nindicators:\n  level: { start: 2 }\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 3, next: b }\n      - { id: y, weight: 3, outcome: Y }\n  b:\n    branches:\n      - id: p\n        weight: 1\n        weight_if: [ { when: level >= 2, weight: 3 } ]\n        outcome: P\n      - { id: r, weight: 1, outcome: R }\n";

fn exact(dir: &std::path::Path, name: &str) -> serde_json::Value {
    let out = whatif().current_dir(dir).args(["check", "--format", "json", name]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone()
}

#[test]
fn a_variant_is_the_full_file_it_stands_for() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("base.yaml"), BASE).unwrap();
    fs::write(dir.path().join("variant.yaml"), VARIANT).unwrap();
    fs::write(dir.path().join("full.yaml"), FULL).unwrap();
    let (v, f) = (exact(dir.path(), "variant.yaml"), exact(dir.path(), "full.yaml"));
    // By hand: P(Y) = 3/6; P(P) = 1/2 * 3/4; P(R) = 1/2 * 1/4.
    assert_eq!(v["exact_probabilities"], serde_json::json!([0.5, 0.375, 0.125]));
    assert_eq!(v["exact_probabilities"], f["exact_probabilities"]);
    assert_eq!(v["outcomes"], f["outcomes"]);
    assert_eq!(v["extends"], "base.yaml");
    let changes: Vec<String> = serde_json::from_value(v["changes"].clone()).unwrap();
    assert!(changes.contains(&"changed a.x weight: 1 → 3".to_string()), "{changes:?}");
    assert!(changes.iter().any(|c| c.starts_with("removed b.q")), "{changes:?}");
    assert!(changes.iter().any(|c| c.starts_with("added b.r")), "{changes:?}");
    // The same runs and bytes as the full copy.
    for (name, out) in [("variant.yaml", "v"), ("full.yaml", "f")] {
        whatif().current_dir(dir.path()).args(["run", name, "-q", "--runs", "3000", "--out", out]).assert().success();
    }
    for file in ["outcomes.csv", "branches.csv", "paths.csv", "indicators.csv"] {
        assert_eq!(
            fs::read(dir.path().join("v").join(file)).unwrap(),
            fs::read(dir.path().join("f").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn bad_changes_are_located_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("base.yaml"), BASE).unwrap();
    let cases = [
        ("{ weight: a.x, to: 3 }", "{ weight: a.z, to: 3 }", "no branch `z`"),
        ("{ weight: a.x, to: 3 }", "{ weight: c.x, to: 3 }", "no node `c`"),
        ("{ weight: a.x, to: 3 }", "{ weight: a.x }", "needs `to`"),
        ("{ weight: a.x, to: 3 }", "{ weight: a.x, start: level, to: 3 }", "exactly one of"),
        ("{ start: level, to: 2 }", "{ start: levl, to: 2 }", "did you mean `level`"),
        ("extends: base.yaml", "extends: nothing.yaml", "cannot read `nothing.yaml`"),
    ];
    for (from, to, wanted) in cases {
        fs::write(dir.path().join("bad.yaml"), VARIANT.replace(from, to)).unwrap();
        let out = whatif().current_dir(dir.path()).args(["check", "bad.yaml"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{to}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{to}: {err}");
        assert!(err.contains("bad.yaml:"), "{to} is located in the variant: {err}");
    }
    fs::write(dir.path().join("bad.yaml"), format!("{VARIANT}start: a\n")).unwrap();
    let out = whatif().current_dir(dir.path()).args(["check", "bad.yaml"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("lists `changes`, not `start`"));
}

#[test]
fn the_bundled_variants_extend_the_bundled_baseline() {
    let text = common::stdout_of(whatif().args(["check", "putin_north_korea_visit_sanctions_tighten"]));
    assert!(text.contains("extends bundled:putin_north_korea_visit, with 5 change(s):"), "{text}");
    assert!(text.contains("changed reaction.new_sanctions weight_if: 6 if arms_flow >= 4 → 9 if arms_flow >= 4"));
    let yaml = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/putin_north_korea_visit_limited_cooperation.yaml"
    ))
    .unwrap();
    assert!(yaml.contains("extends: putin_north_korea_visit.yaml") && !yaml.contains("nodes:"));
}
