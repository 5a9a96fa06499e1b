//! Errors that always help: each mistake a teacher made while writing lessons, with the
//! message, place and hint it now gets, and the checks `check` added.

mod common;

use common::whatif;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::fs;

const HEAD: &str = "whatif: 1\ntitle: Mistakes (test)\nillustrative: true\nstart: a\nnodes:\n";

/// `check` on `body` (appended to a valid head): exit 2 and the stderr.
fn refused(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("m.yaml");
    fs::write(&f, format!("{HEAD}{body}")).unwrap();
    let out = whatif().arg("check").arg(&f).assert().code(2).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn yaml_mistakes_get_plain_words_the_right_place_and_a_fitting_hint() {
    let tab = refused("  a:\n    branches:\n      - id: x\n        weight: 1\n      - id: y\n\tweight: 1\n");
    assert!(tab.contains("error: a tab character is used for indentation"), "{tab}");
    assert!(tab.contains("m.yaml:11:1") && tab.contains("indent with spaces, not tabs"), "{tab}");

    let indent = refused("  a:\n  branches:\n    - id: x\n      weight: 1\n");
    assert!(!indent.contains("RawNode") && !indent.contains("struct"), "{indent}");
    assert!(indent.contains("expected a node") && indent.contains("`branches:` belongs inside a node"), "{indent}");
    assert!(!indent.contains("quoted"), "an unrelated hint: {indent}");

    let no_dash = refused(
        "  a:\n    branches:\n      - id: x\n        weight: 1\n        weight_if:\n          when: \"true\"\n          weight: 2\n",
    );
    assert!(no_dash.contains("start each entry with `- `"), "{no_dash}");
    assert!(!no_dash.contains("quoted"), "{no_dash}");

    let hex = refused("  a:\n    branches:\n      - id: x\n        weight: 0x10\n");
    assert!(
        hex.contains("not written in decimal (it reads as 16)") && hex.contains("write the number in decimal"),
        "{hex}"
    );
    assert!(!hex.contains("invalid type: integer"), "{hex}");

    let dup = refused(
        "  a:\n    branches:\n      - { id: x, weight: 1 }\n  b:\n    branches:\n      - { id: x, weight: 1 }\n  a:\n    branches:\n      - { id: y, weight: 1 }\n",
    );
    assert!(dup.contains("duplicate key `a`") && dup.contains("m.yaml:12:3"), "the second `a`, not the first: {dup}");
}

#[test]
fn yes_is_not_a_boolean_and_the_hint_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("yes.yaml");
    fs::write(
        &f,
        HEAD.replace("illustrative: true", "illustrative: yes") + "  a:\n    branches:\n      - { id: x, weight: 1 }\n",
    )
    .unwrap();
    whatif()
        .arg("check")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(contains("write `true` or `false`"))
        .stderr(contains("quoted").not());
}

#[test]
fn check_refuses_a_file_whose_runs_can_get_stuck_and_names_the_path() {
    let err = refused(
        "  a:\n    branches:\n      - { id: x, weight: 1, next: b }\n      - { id: y, weight: 3, outcome: Fine }\n  b:\n    branches:\n      - id: z\n        weight: 1\n        weight_if:\n          - { when: \"took(a.x)\", weight: 0 }\n",
    );
    assert!(err.contains("a run can reach node `b` in a state where every branch weight is 0"), "{err}");
    assert!(err.contains("one path that gets there: a.x"), "{err}");
}

#[test]
fn an_outcome_that_is_always_replaced_gets_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("w.yaml");
    let body = "  a:\n    branches:\n      - { id: x, weight: 1, outcome: Early, next: b }\n      - { id: y, weight: 1, outcome: Kept }\n  b:\n    branches:\n      - { id: p, weight: 1, outcome: Late one }\n      - { id: q, weight: 1, outcome: Late two }\n";
    fs::write(&f, format!("{HEAD}{body}")).unwrap();
    whatif()
        .arg("check")
        .arg(&f)
        .assert()
        .success()
        .stdout(contains("warning: the outcome `Early` set by `a.x` is always replaced later"));
    // Where some path keeps it, there is no warning.
    fs::write(
        &f,
        format!(
            "{HEAD}{}",
            body.replace("outcome: Late two", "next: c")
                .replace("  b:", "  c:\n    branches:\n      - { id: r, weight: 1 }\n  b:")
        ),
    )
    .unwrap();
    whatif().arg("check").arg(&f).assert().success().stdout(contains("always replaced").not());
}

#[test]
fn tables_never_cut_two_names_into_the_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.yaml");
    let body = "  a:\n    branches:\n      - { id: x, weight: 1, outcome: Large outbreak in the north }\n      - { id: y, weight: 1, outcome: Large outbreak in the south }\n";
    fs::write(&f, format!("{HEAD}{body}")).unwrap();
    for args in [&["sweep", "--vary", "a.x=0:2:3"][..], &["converge"], &["run"]] {
        let out = whatif()
            .arg(args[0])
            .arg(&f)
            .args(&args[1..])
            .args(["--runs", "500", "--out"])
            .arg(dir.path().join(args[0]))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("Large outbreak in the north") && text.contains("Large outbreak in the south"),
            "{}: {text}",
            args[0]
        );
    }
}

#[test]
fn the_starter_condition_can_fire() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("starter.yaml");
    whatif().arg("init").arg(&f).assert().success();
    let sc = common::load_path(&f);
    let exact = whatif::engine::exact::analyse(&sc, whatif::engine::exact::Budget::default()).unwrap();
    let joint = sc.branch_index("statement.joint").unwrap();
    let entered: f64 =
        sc.node_branches(1).iter().map(|b| exact.times_taken[sc.branch_index(&b.full_id).unwrap()]).sum();
    // Without the condition, `joint` would be taken on 1/3 of the visits to `statement`.
    assert!(exact.times_taken[joint] < entered / 3.0 - 1e-6, "the condition `tension >= 4` never holds");
}
