//! The teaching analyses: compare, sweep, sensitivity, converge, replay.

mod common;

use common::whatif;

use std::fs;
use std::path::Path;
use whatif::analysis::compare::paired;
use whatif::analysis::converge::converge;
use whatif::analysis::sensitivity::{Method, sensitivity};
use whatif::engine::exact::{Budget, analyse};
use whatif::engine::simulate::SimConfig;
use whatif::scenario::load_str;

fn csv_rows(dir: &Path, name: &str) -> Vec<Vec<String>> {
    let text = fs::read_to_string(dir.join(name)).unwrap();
    text.lines().skip(1).map(|l| l.split(',').map(String::from).collect()).collect()
}

fn cfg(runs: u64, seed: u64) -> SimConfig {
    SimConfig { runs, seed, threads: 2, max_paths: 0 }
}

#[test]
fn comparing_a_file_with_itself_gives_exactly_zero() {
    let out = tempfile::tempdir().unwrap();
    let f = common::fixture("golden.yaml");
    whatif().args(["compare", "--runs", "5000", "--quiet", "--out"]).arg(out.path()).arg(&f).arg(&f).assert().success();
    let rows = csv_rows(out.path(), "differences.csv");
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(&r[4..8], ["0.000000", "0.000000", "0.000000", "0.000000000"], "{r:?}");
    }
    for r in csv_rows(out.path(), "indicator_differences.csv") {
        assert_eq!(&r[4..8], ["0.000000", "0.000000", "0.000000", "0.000000000"], "{r:?}");
    }
    assert!(csv_rows(out.path(), "structure.csv").is_empty());
}

#[test]
fn paired_differences_cover_the_exact_difference_and_beat_independent_sampling() {
    // A late weight changes: reopened.collapse 4 -> 1. By hand, P(Breakdown) goes from
    // 2/3 * 1/4 * 4/5 = 2/15 to 2/3 * 1/4 * 1/2 = 1/12: a difference of -1/20.
    let src = fs::read_to_string(common::fixture("exact/event_tree.yaml")).unwrap();
    let edited = src
        .replace("{ id: collapse, weight: 4, outcome: Breakdown }", "{ id: collapse, weight: 1, outcome: Breakdown }");
    let (a, b) = (load_str("a.yaml", &src).unwrap(), load_str("b.yaml", &edited).unwrap());
    let n = 50_000;
    let p = paired(&a, &b, &cfg(n, 3)).unwrap();
    let o = p.labels.iter().position(|l| l == "Breakdown").unwrap();
    let (d, lo, hi) = p.difference(o);
    let exact = analyse(&b, Budget::default()).unwrap().outcome[2] - analyse(&a, Budget::default()).unwrap().outcome[2];
    assert!((exact + 1.0 / 20.0).abs() < 1e-12);
    assert!(lo <= exact && exact <= hi, "[{lo}, {hi}] misses {exact} (estimate {d})");
    // Independent samples would have a half-width of 1.96 * sqrt(p1 q1 / n + p2 q2 / n).
    let (p1, p2) = (2.0 / 15.0, 1.0 / 12.0);
    let independent = 1.96 * ((p1 * (1.0 - p1) + p2 * (1.0 - p2)) / n as f64).sqrt();
    let paired_half = (hi - lo) / 2.0;
    assert!(paired_half < 0.8 * independent, "paired {paired_half} vs independent {independent}");
}

#[test]
fn sweep_follows_the_formula() {
    // P(x) = w / (w + 1) for a two-way node with weights w and 1.
    let src = "whatif: 1\ntitle: t\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
               - { id: x, weight: 1, outcome: X }\n      - { id: y, weight: 1, outcome: Y }\n";
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("two.yaml");
    fs::write(&f, src).unwrap();
    whatif()
        .args(["sweep", "--vary", "a.x=0:4:5", "--runs", "20000", "--quiet", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .success();
    let rows = csv_rows(dir.path(), "sweep.csv");
    let x_rows: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "X").collect();
    assert_eq!(x_rows.len(), 5);
    for r in x_rows {
        let w: f64 = r[0].parse().unwrap();
        let formula = w / (w + 1.0);
        let exact: f64 = r[6].parse().unwrap();
        assert!((exact - formula).abs() < 1e-9, "{r:?}");
        let (lo, hi): (f64, f64) = (r[4].parse().unwrap(), r[5].parse().unwrap());
        let slack = 1e-6;
        // A 95% interval may miss; with this seed none does, and the shares are pinned.
        assert!(lo - slack <= formula && formula <= hi + slack, "{r:?}");
    }
    // Indicator starts sweep too.
    whatif()
        .args(["sweep", "--vary", "indicator.rolls.start=0:2:3", "--runs", "1000", "--quiet", "--out"])
        .arg(dir.path())
        .arg(common::fixture("dice_loop.yaml"))
        .assert()
        .success();
}

#[test]
fn bad_sweep_specs_exit_2() {
    let f = common::fixture("dice_loop.yaml");
    for spec in ["roll.six", "roll.six=1:0:3", "roll.six=0:1:0", "roll.six=0:x:3", "roll.six=0:1", "roll.six=0:1:5000"]
    {
        whatif().args(["sweep", "--vary", spec]).arg(&f).assert().code(2);
    }
    // Parsed, but not in the file: a usage error naming the fix.
    whatif()
        .args(["sweep", "--vary", "roll.sx=0:1:3"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `roll.six`?"));
    whatif()
        .args(["sweep", "--vary", "roll.six=-1:1:3"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(">= 0"));
}

#[test]
fn tornado_swing_matches_a_hand_calculation() {
    // Scaling talks.deal (weight 1 against talks.stall 1) by 0.5 and 2:
    // P(Agreement) = 1/3 * w/(w+1) + 1/30, so 13/90 at w = 0.5 and 23/90 at w = 2.
    let sc = common::load("exact/event_tree.yaml");
    let (rows, method) = sensitivity(&sc, (0.5, 2.0), &cfg(1000, 1), Budget::default()).unwrap();
    assert_eq!(method, Method::Exact);
    let deal = sc.branch_index("talks.deal").unwrap();
    let agreement = sc.outcomes.iter().position(|o| o == "Agreement").unwrap();
    let r = rows.iter().find(|r| r.branch == deal && r.outcome == agreement).unwrap();
    assert!((r.low - 13.0 / 90.0).abs() < 1e-12 && (r.high - 23.0 / 90.0).abs() < 1e-12, "{r:?}");
    assert!((r.swing() - 1.0 / 9.0).abs() < 1e-12);
    // Sorted by absolute swing within the outcome.
    let swings: Vec<f64> = rows.iter().filter(|r| r.outcome == agreement).map(|r| r.swing().abs()).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
}

#[test]
fn convergence_half_widths_shrink_like_one_over_root_n() {
    let sc = common::load("conditional_tree.yaml");
    let points = converge(&sc, &cfg(200_000, 9)).unwrap();
    let p = 9.0 / 16.0;
    for point in points.iter().filter(|p| p.runs >= 1000) {
        let k = point.runs;
        let (lo, hi) = whatif::stats::wilson(point.outcome_runs[0], k);
        let scaled = (hi - lo) / 2.0 * (k as f64).sqrt();
        let theory = 1.96 * (p * (1.0f64 - p)).sqrt();
        assert!((scaled / theory - 1.0).abs() < 0.05, "half-width x sqrt(n) at {k}: {scaled} vs {theory}");
    }
    // The running tallies are those of the full run at each checkpoint.
    let direct = common::sim(&sc, 20_000, 9, 1);
    let at = points.iter().find(|p| p.runs == 20_000).unwrap();
    assert_eq!(at.outcome_runs, direct.tally.outcome_runs);
}

#[test]
fn converge_and_sensitivity_commands_write_their_files() {
    let out = tempfile::tempdir().unwrap();
    let f = common::fixture("dice_loop.yaml");
    let text = common::stdout_of(whatif().args(["converge", "--runs", "5000", "--out"]).arg(out.path()).arg(&f));
    assert!(text.contains("Runs needed for a 95% half-width"), "{text}");
    let rows = csv_rows(out.path(), "convergence.csv");
    assert_eq!(rows[0][0], "10");
    assert!(rows.iter().all(|r| !r[4].is_empty() && !r[5].is_empty()));
    let text = common::stdout_of(whatif().args(["sensitivity", "--out"]).arg(out.path()).arg(&f));
    assert!(text.contains("swing"));
    assert!(out.path().join("sensitivity.csv").exists());
    whatif().args(["sensitivity", "--factors", "2,1"]).arg(&f).assert().code(2);
    whatif().args(["sensitivity", "--factors", "0,1"]).arg(&f).assert().code(2);
}

#[test]
fn replay_tells_the_same_run_as_runs_csv() {
    let out = tempfile::tempdir().unwrap();
    let f = common::fixture("golden.yaml");
    whatif()
        .args(["run", "--runs", "50", "--seed", "5", "--per-run", "--quiet", "--out"])
        .arg(out.path())
        .arg(&f)
        .assert()
        .success();
    let rows = csv_rows(out.path(), "runs.csv");
    for i in [0usize, 7, 42] {
        let story = common::stdout_of(whatif().args(["replay", "--seed", "5", "--run", &i.to_string()]).arg(&f));
        let row = &rows[i];
        assert!(story.contains(&format!("Outcome: {}\n", row[1])), "run {i}: {story}");
        assert!(story.contains(&format!("Path: {}\n", row[2])), "run {i}: {story}");
        assert!(story.contains("NOTICE:"));
        // Final values agree to the printed precision.
        let finals = story.lines().find(|l| l.starts_with("Final values: ")).unwrap();
        for (name, csv_value) in ["tension", "cost", "noise", "level"].iter().zip(&row[3..]) {
            let v: f64 = csv_value.parse().unwrap();
            let shown = whatif::output::tree::number(v);
            assert!(finals.contains(&format!("{name} {shown}")), "{finals} vs {name} {csv_value}");
        }
    }
}

/// The walk applies constant additions ahead of the other effects of a branch (they
/// commute), but a replay tells every effect in the order the file writes it.
#[test]
fn replay_tells_effects_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("order.yaml");
    fs::write(
        &f,
        "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  a: { start: 0 }\n  b: { start: 0 }\n  c: { start: 0 }\n\
         start: n\nnodes:\n  n:\n    branches:\n      - id: x\n        weight: 1\n        effects:\n          \
         b: { set: 4 }\n          c: { uniform: [0, 1] }\n          a: 2\n",
    )
    .unwrap();
    let story = common::stdout_of(whatif().args(["replay", "--run", "0"]).arg(&f));
    let told: Vec<&str> =
        story.lines().filter(|l| l.contains(" → ")).filter_map(|l| l.trim().split(':').next()).collect();
    assert_eq!(told, ["b", "c", "a"], "{story}");
}

#[test]
fn the_main_pass_records_the_same_checkpoints_as_converge() {
    // `run --report` draws its convergence chart from the run's own pass.
    for name in ["dice_loop.yaml", "conditional_tree.yaml"] {
        let sc = common::load(name);
        for runs in [7, 4096, 25_000] {
            let result =
                whatif::engine::simulate::simulate(&sc, &SimConfig { max_paths: 10, ..cfg(runs, 5) }, None).unwrap();
            assert_eq!(result.convergence, converge(&sc, &cfg(runs, 5)).unwrap(), "{name}, {runs} runs");
            assert_eq!(result.convergence.last().unwrap().outcome_runs, result.tally.outcome_runs);
        }
    }
}

#[test]
fn sweep_and_sensitivity_draw_their_charts() {
    let out = tempfile::tempdir().unwrap();
    let sweep = out.path().join("sweep");
    whatif()
        .args([
            "sweep",
            "putin_north_korea_visit",
            "--vary",
            "military.more_ammunition=0:8:3",
            "--runs",
            "2000",
            "--quiet",
            "--out",
        ])
        .arg(&sweep)
        .assert()
        .success();
    let page = fs::read_to_string(sweep.join("sweep.html")).unwrap();
    assert!(page.contains("NOTICE:") && page.matches("<circle").count() >= 12, "4 outcomes at 3 values");
    let sens = out.path().join("sens");
    whatif().args(["sensitivity", "putin_north_korea_visit", "--quiet", "--out"]).arg(&sens).assert().success();
    let page = fs::read_to_string(sens.join("sensitivity.html")).unwrap();
    assert!(page.contains("NOTICE:") && page.matches("<svg").count() == 4, "one tornado per outcome");
    assert!(page.contains("ukraine.not_prolonged"));
}
