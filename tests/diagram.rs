//! The scenario diagram (`tree --format svg`, the report's picture) and the compare
//! page's side-by-side chart: what they must show, and that the bundled scenario's
//! diagram fits a 16:9 slide.

mod common;

use common::whatif;
use std::fs;
use whatif::diagram::{layers, svg};
use whatif::engine::exact::{Budget, analyse};

fn size(svg: &str) -> (f64, f64) {
    let grab = |key: &str| -> f64 {
        let at = svg.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    (grab("width"), grab("height"))
}

#[test]
fn the_bundled_diagram_fits_a_slide_and_shows_every_node_condition_and_the_notice() {
    let sc = common::load_path(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/putin_north_korea_visit.yaml"
    )));
    let exact = analyse(&sc, Budget::default()).unwrap();
    let picture = svg(&sc, Some(&exact)).unwrap();
    let (w, h) = size(&picture);
    assert!(picture.contains(&format!("viewBox=\"0 0 {w} {h}\"")), "scales with a viewBox");
    // 16:9 is 1.78; a slide shows it at 1920 x 1080 with at least 80% of its size.
    assert!((1.5..=2.1).contains(&(w / h)), "aspect {w} x {h}");
    assert!((1920.0 / w).min(1080.0 / h) >= 0.8, "too large for a slide: {w} x {h}");
    assert!(picture.contains("NOTICE: Illustrative teaching scenario."));
    for node in &sc.nodes {
        assert!(picture.contains(&format!(">{}</text>", node.id)), "node {}", node.id);
    }
    for b in &sc.branches {
        for w in &b.weight_if {
            let shown = format!("if {}", w.text).replace('>', "&gt;").replace('<', "&lt;");
            let flat = picture.split("</text>").map(|t| t.rsplit('>').next().unwrap()).collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&shown), "condition `{}` of {} is shown", w.text, b.full_id);
        }
    }
    // Base chances at the node: arms_talks has weight 3 of 8.
    assert!(picture.contains("weight 3 · 37.50%"));
    assert!(!picture.contains(">loop<"), "the bundled scenario has no loop");
}

#[test]
fn a_loop_is_drawn_as_a_loop_with_its_conditional_exit() {
    let sc = common::load_path(&common::fixture("dice_loop.yaml"));
    let exact = analyse(&sc, Budget::default()).unwrap();
    let picture = svg(&sc, Some(&exact)).unwrap();
    assert!(picture.contains(">loop<"));
    assert!(picture.contains("stroke-dasharray"));
    assert!(picture.contains("weight 5 if visits(roll) &gt;= 3"), "the exit weight that ends the loop is shown");
    assert!(picture.contains("entered 2.53 times per run on average"), "91/36 = 2.53 visits, worked by hand");
    assert!(picture.contains("ends: Gave up"));
}

#[test]
fn layers_follow_the_longest_path_and_ignore_edges_back() {
    let text = "whatif: 1\ntitle: t\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 1, next: b }\n      - { id: y, weight: 1, next: c }\n  b:\n    branches:\n      - { id: x, weight: 1, next: c }\n  c:\n    branches:\n      - { id: back, weight: 1, next: a }\n      - { id: stop, weight: 1 }\n";
    let sc = whatif::scenario::load_str("layers.yaml", text).unwrap();
    // a -> b -> c is longer than a -> c; c -> a closes a loop and does not count.
    assert_eq!(layers(&sc), vec![0, 1, 2]);
    let picture = svg(&sc, None).unwrap();
    assert!(picture.contains(">loop<"), "c back to a is a loop");
    assert!(picture.contains("→ b") && picture.contains("→ c"), "rows say where they lead when it differs");
}

#[test]
fn tree_writes_the_svg_and_refuses_files_too_large_to_draw() {
    let out = whatif().args(["tree", "putin_north_korea_visit", "--format", "svg"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from("whatif: 1\ntitle: t\nillustrative: true\nstart: n0\nnodes:\n");
    for i in 0..61 {
        let next = if i < 60 { format!(", next: n{}", i + 1) } else { String::new() };
        yaml.push_str(&format!("  n{i}:\n    branches:\n      - {{ id: go, weight: 1{next} }}\n"));
    }
    let file = dir.path().join("big.yaml");
    fs::write(&file, yaml).unwrap();
    let out = whatif().args(["tree", "--format", "svg"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at most 60 nodes") && err.contains("--format dot"), "{err}");
}

#[test]
fn reports_carry_the_diagram_and_compare_shows_both_sets_of_shares() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    whatif()
        .args(["run", "putin_north_korea_visit", "--runs", "2000", "--report", "-q", "--out"])
        .arg(&run)
        .assert()
        .success();
    let page = fs::read_to_string(run.join("report.html")).unwrap();
    assert!(page.contains("aria-label=\"Diagram of the scenario"));
    assert!(page.contains("name=\"viewport\""), "phones get a viewport");
    let cmp = dir.path().join("cmp");
    whatif()
        .args(["compare", "putin_north_korea_visit", "putin_north_korea_visit_sanctions_tighten", "--runs", "2000"])
        .args(["--report", "-q", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    let page = fs::read_to_string(cmp.join("report.html")).unwrap();
    assert!(page.contains("side by side"));
    assert!(page.contains("baseline: putin_north_korea_visit<"));
    assert!(page.contains("variant: putin_north_korea_visit_sanctions_tighten<"));
    // One pair of bars per outcome, each with its share in a tooltip.
    assert_eq!(page.matches("<title>All three consequences: ").count(), 2);
}
