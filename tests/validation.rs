//! One test per bad input a user would really write: each must be refused with a
//! message that names the key, id or place, and (where the parser or locator knows it)
//! the line and column.

use whatif::scenario::{LoadError, load_str};

const GOOD: &str = "\
whatif: 1
title: Small test
illustrative: true
indicators:
  tension: { start: 1, min: 0, max: 5 }
start: summit
nodes:
  summit:
    branches:
      - id: pact
        weight: 2
        next: arms
      - id: talk
        weight: 1
        next: arms
  arms:
    branches:
      - id: more
        weight: 1
        weight_if:
          - when: took(summit.pact) and tension >= 2
            weight: 3
        effects: { tension: 1 }
        outcome: More arms
      - id: fewer
        weight: 1
        outcome: Fewer arms
";

fn edit(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "fixture lacks {from:?}");
    GOOD.replacen(from, to, 1)
}

fn refuse(src: &str) -> LoadError {
    match load_str("bad.yaml", src) {
        Ok(_) => panic!("accepted:\n{src}"),
        Err(e) => e,
    }
}

/// The rendered message, checked to contain every fragment.
fn message(src: &str, fragments: &[&str]) -> String {
    let text = refuse(src).to_string();
    for f in fragments {
        assert!(text.contains(f), "message lacks {f:?}:\n{text}");
    }
    text
}

#[test]
fn the_good_fixture_loads() {
    let sc = load_str("good.yaml", GOOD).unwrap();
    assert_eq!(sc.nodes.len(), 2);
    assert_eq!(sc.outcomes, vec!["More arms", "Fewer arms", "(step limit)"]);
    assert!(sc.warnings.is_empty());
}

#[test]
fn misspelt_key_is_refused_with_a_suggestion_and_position() {
    message(
        &edit("        weight: 2\n", "        wieght: 2\n"),
        &["unknown field `wieght`", "nodes.summit.branches[0]", "bad.yaml:11:9", "did you mean `weight`?"],
    );
    message(&edit("title:", "titel:"), &["unknown field `titel`", "did you mean `title`?", "bad.yaml:2:1"]);
    message(&edit("max: 5 }", "maks: 5 }"), &["unknown field `maks`", "did you mean `max`?"]);
    message(&edit("          - when:", "          - wen:"), &["unknown field `wen`", "did you mean `when`?"]);
}

#[test]
fn next_to_a_missing_node_suggests_the_close_one() {
    message(
        &edit("        next: arms\n      - id: talk", "        next: arsm\n      - id: talk"),
        &["nodes.summit.branches[0].next: no node named `arsm`", "bad.yaml:12:15", "did you mean `arms`?"],
    );
}

#[test]
fn start_naming_a_missing_node_suggests_the_close_one() {
    message(
        &edit("start: summit", "start: sumit"),
        &["start: no node named `sumit`", "bad.yaml:6:8", "did you mean `summit`?"],
    );
}

#[test]
fn conditions_naming_unknown_things_are_refused() {
    message(
        &edit("took(summit.pact)", "took(sumit.pact)"),
        &["no node named `sumit`", "did you mean `summit`?", "weight_if[0].when"],
    );
    message(
        &edit("took(summit.pact)", "took(summit.pakt)"),
        &["node `summit` has no branch `pakt`", "did you mean `pact`?"],
    );
    message(&edit("tension >= 2", "tensoin >= 2"), &["no indicator named `tensoin`", "did you mean `tension`?"]);
}

#[test]
fn malformed_condition_points_inside_the_expression() {
    let text = message(&edit("tension >= 2", "tension >= "), &["character 33", "ends too early", "bad.yaml:21:51"]);
    assert!(text.contains("21 |           - when: took(summit.pact) and tension >= \n   |"), "{text}");
    // Quoted conditions point past the quote.
    message(
        &edit("when: took(summit.pact) and tension >= 2", "when: \"took(summit.pakt)\""),
        &["bad.yaml:21:32", "has no branch `pakt`"],
    );
    message(&edit("tension >= 2", "tension = 2"), &["single `=`", "write `==`"]);
}

#[test]
fn effect_on_unknown_indicator_is_refused() {
    message(
        &edit("effects: { tension: 1 }", "effects: { tenson: 1 }"),
        &["nodes.arms.branches[0].effects.tenson: no indicator named `tenson`", "did you mean `tension`?"],
    );
}

#[test]
fn bad_weights_are_refused() {
    message(&edit("weight: 2\n", "weight: -2\n"), &["nodes.summit.branches[0].weight", "negative", "bad.yaml:11:17"]);
    message(&edit("weight: 2\n", "weight: .nan\n"), &["nodes.summit.branches[0].weight", "NaN"]);
    message(&edit("weight: 2\n", "weight: .inf\n"), &["nodes.summit.branches[0].weight", "infinite"]);
    message(
        &edit("weight: 2\n", "weight: three\n"),
        &["nodes.summit.branches[0].weight", "invalid type: string \"three\", expected a number", "bad.yaml:11:17"],
    );
    message(&edit("            weight: 3\n", "            weight: -1\n"), &["weight_if[0].weight", "negative"]);
    message(&edit("        weight: 2\n", ""), &["nodes.summit.branches[0]", "has no `weight`"]);
}

#[test]
fn duplicate_ids_are_refused() {
    message(
        &edit("id: talk", "id: pact"),
        &["nodes.summit.branches[1].id", "already has a branch `pact`", "bad.yaml:13:"],
    );
    let twice = GOOD.to_string() + "  arms:\n    branches:\n      - { id: x, weight: 1 }\n";
    message(&twice, &["duplicate key `arms`"]);
}

#[test]
fn all_zero_weights_seen_at_load_time_are_refused() {
    let src = edit("        weight: 2\n", "        weight: 0\n").replacen(
        "        weight: 1\n        next: arms",
        "        weight: 0\n        next: arms",
        1,
    );
    message(&src, &["nodes.summit.branches", "every branch of node `summit` has weight 0"]);
}

#[test]
fn loop_with_no_way_out_is_refused() {
    let src = edit("        outcome: More arms\n", "        next: summit\n").replacen(
        "        outcome: Fewer arms\n",
        "        next: arms\n",
        1,
    );
    let text = message(&src, &["a loop with no way out", "node `summit`", "node `arms`"]);
    assert!(text.contains("bad.yaml:8:"), "{text}");
    // A loop that can end is fine.
    load_str("ok.yaml", &edit("        outcome: More arms\n", "        next: summit\n")).unwrap();
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    message(&edit("    branches:\n      - id: pact", "\tbranches:\n      - id: pact"), &["bad.yaml:9:1", "tab"]);
    message(&edit("title: Small test", "title: \"Small test"), &["bad.yaml:", "quote"]);
    message(&edit("title: Small test", "title: Small: test"), &["bad.yaml:2:", "must be quoted"]);
}

#[test]
fn empty_file_is_refused() {
    message("", &["the file is empty", "whatif init"]);
    message("# only a comment\n\n", &["the file is empty"]);
}

#[test]
fn illustrative_must_be_declared_true() {
    message(&edit("illustrative: true\n", ""), &["`illustrative: true` is missing", "not a forecast"]);
    message(
        &edit("illustrative: true", "illustrative: false"),
        &["illustrative: this file says `illustrative: false`", "bad.yaml:3:15"],
    );
}

#[test]
fn unknown_format_version_is_refused() {
    message(&edit("whatif: 1", "whatif: 2"), &["unknown format version 2", "write `whatif: 1`", "bad.yaml:1:9"]);
    message(&edit("whatif: 1\n", ""), &["the format version is missing"]);
}

#[test]
fn wrong_shapes_are_refused() {
    message(
        &edit("effects: { tension: 1 }", "effects: { tension: { unifrom: [0, 1] } }"),
        &["unknown field `unifrom`", "did you mean `uniform`?"],
    );
    message(
        &edit("effects: { tension: 1 }", "effects: { tension: { uniform: [2, 1] } }"),
        &["uniform low 2 is above high 1"],
    );
    message(
        &edit("effects: { tension: 1 }", "effects: { tension: { normal: [0] } }"),
        &["`normal` takes 2 numbers, got 1"],
    );
    message(&edit("effects: { tension: 1 }", "effects: { tension: { normal: [0, -1] } }"), &["sd -1 is negative"]);
    message(&edit("effects: { tension: 1 }", "effects: { tension: { triangular: [0, 5, 1] } }"), &["not ordered"]);
    message(&edit("id: pact", "id: Pact-1"), &["`Pact-1` is not a valid branch id", "pact_1"]);
    message(
        &edit("  summit:\n", "  Summit:\n").replace("start: summit", "start: Summit"),
        &["`Summit` is not a valid node id"],
    );
    message(&edit("start: 1, min: 0", "start: 7, min: 0"), &["start 7 is outside the clamp [0, 5]"]);
    message(&edit("  tension: { start: 1", "  not: { start: 1"), &["indicators.not", "word of the condition language"]);
    message(edit("nodes:\n", "nodes: []\n").split("  summit:").next().unwrap(), &["invalid type"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let src = edit("start: summit", "start: sumit").replacen("next: arms", "next: arsm", 1);
    let err = refuse(&src);
    assert_eq!(err.problems.len(), 2, "{err}");
    assert!(err.to_string().ends_with("2 problems in bad.yaml; nothing was written"));
}

#[test]
fn unreachable_node_is_a_warning_not_an_error() {
    let src = GOOD.to_string() + "  orphan:\n    branches:\n      - { id: x, weight: 1 }\n";
    let sc = load_str("warn.yaml", &src).unwrap();
    assert_eq!(sc.warnings.len(), 1);
    assert!(sc.warnings[0].contains("node `orphan` cannot be reached"), "{:?}", sc.warnings);
}

#[test]
fn hostile_yaml_is_refused_cleanly() {
    // Billion laughs: serde_yaml refuses to expand aliases past a repetition limit.
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..9 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        bomb.push_str(&format!(
            "{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    refuse(&bomb);
    // Deep nesting.
    let deep = format!("whatif: 1\ntitle: {}", "[".repeat(100_000));
    refuse(&deep);
}

#[test]
fn places_inside_flow_mappings_are_pointed_at() {
    let src = "whatif: 1\ntitle: t\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
               - { id: x, weight: 1, next: bb }\n  b:\n    branches:\n      - { id: y, weight: 1 }\n";
    message(src, &["nodes.a.branches[0].next: no node named `bb`", "bad.yaml:8:35", "the known nodes are `a`, `b`"]);
}
