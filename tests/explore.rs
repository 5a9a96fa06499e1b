//! Ranges of doubt and `whatif explore`, against cases worked out by hand.

mod common;

use common::whatif;
use std::fs;
use whatif::analysis::explore::{explore, quantile};
use whatif::engine::exact::Budget;
use whatif::engine::simulate::SimConfig;
use whatif::scenario::load_str;

const TWO: &str = "whatif: 1\ntitle: Doubt (test)\nillustrative: true\nnotice: Test fixture. Not a forecast.\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 3, range: [2, 5], outcome: X }\n      - { id: y, weight: 1, outcome: Y }\n";

#[test]
fn a_weight_ranging_over_an_interval_gives_its_known_distribution_of_probability() {
    // P(X) = w / (w + 1) with w uniform on [2, 5]. In a Latin hypercube of n samples the
    // i-th smallest w lies in [2 + 3i/n, 2 + 3(i+1)/n], so the i-th smallest P(X) lies
    // between g(2 + 3i/n) and g(2 + 3(i+1)/n), g(w) = w / (w + 1): exactly, every time.
    let sc = load_str("two.yaml", TWO).unwrap();
    let n = 100;
    let cfg = SimConfig { runs: 1000, seed: 9, threads: 1, max_paths: 0 };
    let e = explore(&sc, n, &cfg, Budget::default()).unwrap();
    assert!(e.samples.iter().all(|s| s.exact));
    let mut p = e.column(0);
    p.sort_by(f64::total_cmp);
    let g = |w: f64| w / (w + 1.0);
    for (i, &x) in p.iter().enumerate() {
        let (lo, hi) = (g(2.0 + 3.0 * i as f64 / n as f64), g(2.0 + 3.0 * (i + 1) as f64 / n as f64));
        assert!(x >= lo - 1e-12 && x <= hi + 1e-12, "sample {i}: {x} not in [{lo}, {hi}]");
    }
    // The median of P(X) is g(3.5) = 7/9 to within one stratum.
    assert!((quantile(&p, 0.5) - 7.0 / 9.0).abs() < g(3.53) - g(3.47));
}

#[test]
fn explore_writes_its_files_and_finds_where_the_question_holds() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.yaml");
    fs::write(&file, TWO).unwrap();
    let out = dir.path().join("ex");
    let text = common::stdout_of(
        whatif().args(["explore", "--samples", "200", "--when", "X > 0.75", "--out"]).arg(&out).arg(&file),
    );
    assert!(text.contains("NOTICE: Test fixture."));
    assert!(text.contains("X: rises with a.x (rank correlation 1.00)"), "{text}");
    // X > 0.75 exactly when w > 3: a third of [2, 5] is below, so 2/3 of the samples hold.
    assert!(text.contains("holds in 133 of 200") || text.contains("holds in 134 of 200"), "{text}");
    let boxed = fs::read_to_string(out.join("explore_box.csv")).unwrap();
    let row: Vec<&str> = boxed.lines().nth(1).unwrap().split(',').collect();
    let low: f64 = row[3].parse().unwrap();
    assert!((3.0..3.1).contains(&low), "the box starts just above w = 3: {boxed}");
    for f in ["explore.csv", "explore_summary.csv", "explore_importance.csv", "explore.html", "manifest.csv"] {
        assert!(out.join(f).exists(), "{f}");
    }
    let manifest = fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert!(manifest.contains("--when \"\"X > 0.75\"\""), "the repeat command keeps the question: {manifest}");
}

#[test]
fn ranges_change_nothing_elsewhere_and_every_command_says_they_exist() {
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("with.yaml");
    let without = dir.path().join("without.yaml");
    fs::write(&with, TWO).unwrap();
    fs::write(&without, TWO.replace(", range: [2, 5]", "")).unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let text = common::stdout_of(whatif().args(["run", "--runs", "2000", "--out"]).arg(&a).arg(&with));
    assert!(text.contains("Ranges: 1 weight in this file carries a range of doubt"), "{text}");
    whatif().args(["run", "--runs", "2000", "-q", "--out"]).arg(&b).arg(&without).assert().success();
    assert_eq!(fs::read(a.join("outcomes.csv")).unwrap(), fs::read(b.join("outcomes.csv")).unwrap());
    let out = whatif().args(["explore"]).arg(&without).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ranges to explore"));
}

#[test]
fn bad_ranges_are_refused_with_the_place_and_the_fix() {
    let cases = [
        ("range: [2, 5]", "range: [4, 5]", "outside its own range"),
        ("range: [2, 5]", "range: [5, 2]", "low end first"),
        ("range: [2, 5]", "range: [-1, 5]", "weights cannot be negative"),
        ("range: [2, 5]", "range: [2, 3, 5]", "has 3 numbers"),
        ("range: [2, 5]", "range: { triangular: [2, 6, 5] }", "mode 6 is outside"),
        ("range: [2, 5]", "range: { normal: [2, 5] }", "triangular"),
    ];
    for (from, to, wanted) in cases {
        let err = load_str("bad.yaml", &TWO.replace(from, to)).unwrap_err().to_string();
        assert!(err.contains(wanted), "{to}: {err}");
        assert!(err.contains("bad.yaml:9"), "{to} is located: {err}");
    }
}

#[test]
fn the_bundled_scenario_explores_and_the_readme_quotes_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = common::stdout_of(
        whatif()
            .args(["explore", "putin_north_korea_visit", "--when", "All three consequences > 0.06", "--out"])
            .arg(dir.path()),
    );
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for line in [
        "None of the three consequences      26.09%    27.60%    23.13% – 30.68%",
        "None of the three consequences: falls as indicator.alignment.start rises (rank correlation -0.85)",
        "When P(All three consequences) > 6.00%: holds in 50 of 200 samples (25.00%).",
        "Where it holds most: summit.arms_talks between 3.292 and 5; indicator.alignment.start between 2.259 and 4",
    ] {
        assert!(text.contains(line), "explore does not print {line:?}:\n{text}");
        assert!(readme.contains(line), "README.md does not quote {line:?}");
    }
}
