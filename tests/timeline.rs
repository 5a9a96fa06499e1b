//! `whatif timeline`: indicator values step by step or visit by visit, checked against
//! a loop worked out by hand, and the same bytes for any thread count.

mod common;

use common::whatif;
use predicates::str::contains;
use std::fs;
use whatif::analysis::timeline::{Clock, timeline};
use whatif::engine::simulate::SimConfig;

#[test]
fn a_dice_loop_read_step_by_step_and_visit_by_visit_matches_the_hand_count() {
    // Roll until a six, at most three rolls; every roll adds 1 to `rolls`. By hand: all
    // runs take step 1, 5/6 take step 2, 25/36 step 3; after step k, rolls = k exactly.
    let sc = common::load("dice_loop.yaml");
    let n = 60_000;
    let cfg = SimConfig { runs: n, seed: 3, threads: 2, max_paths: 0 };
    let steps = timeline(&sc, &cfg, Clock::Steps).unwrap();
    assert_eq!(steps.iter().map(|p| p.at).collect::<Vec<_>>(), [0, 1, 2, 3]);
    for (p, share) in steps.iter().zip([1.0, 1.0, 5.0 / 6.0, 25.0 / 36.0]) {
        let se = (share * (1.0 - share) / n as f64).sqrt();
        assert!((p.runs as f64 / n as f64 - share).abs() <= 5.0 * se + 1e-12, "step {}: {} runs", p.at, p.runs);
        let rolls = &p.indicators[0];
        assert_eq!((rolls.mean, rolls.min, rolls.max), (f64::from(p.at), f64::from(p.at), f64::from(p.at)));
    }
    // On entering `roll` at visit v, v - 1 rolls are done.
    let visits = timeline(&sc, &cfg, Clock::Visits(0)).unwrap();
    assert_eq!(visits.iter().map(|p| p.at).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(visits[0].runs, n);
    assert_eq!(
        visits.iter().map(|p| p.runs).collect::<Vec<_>>()[1..],
        steps.iter().map(|p| p.runs).collect::<Vec<_>>()[2..]
    );
    for p in &visits {
        assert_eq!(p.indicators[0].mean, f64::from(p.at - 1));
    }
}

#[test]
fn timeline_files_do_not_depend_on_threads_and_bad_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::fixture("dice_loop.yaml");
    for t in ["1", "2"] {
        whatif()
            .arg("timeline")
            .arg(&f)
            .args(["--node", "roll", "--runs", "9000", "--quiet", "--threads", t, "--out"])
            .arg(dir.path().join(t))
            .assert()
            .success();
    }
    let read = |t: &str| fs::read(dir.path().join(t).join("timeline.csv")).unwrap();
    assert_eq!(read("1"), read("2"));
    let csv = String::from_utf8(read("1")).unwrap();
    assert!(csv.starts_with("visit,runs,indicator,mean,p05,p50,p95\r\n1,9000,rolls,0.000000,"), "{csv}");
    let html = fs::read_to_string(dir.path().join("1/timeline.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("NOTICE:"));
    whatif().arg("timeline").arg(&f).args(["--node", "rol"]).assert().code(2).stderr(contains("did you mean `roll`?"));
    let plain = dir.path().join("plain.yaml");
    fs::write(&plain, "whatif: 1\ntitle: No indicators (test)\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 1 }\n").unwrap();
    whatif().arg("timeline").arg(&plain).assert().code(2).stderr(contains("has no indicators"));
}
