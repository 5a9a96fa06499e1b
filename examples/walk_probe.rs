//! Where a run's time goes, on one thread, in-process: the walk with branch and
//! outcome counts only, then with the indicator statistics, then with the path summary
//! as well (what `whatif run --threads 1 --no-exact` does per run, without the files).
//!
//! usage: cargo run --release --example walk_probe FILE [RUNS] [STAGE]
//!
//! With STAGE (`walk_and_counts`, `with_indicators`, `with_indicators_and_paths`), only
//! that stage runs (for instruction counts under callgrind).
//!
//! Prints one line per stage: `walk_probe STAGE runs_per_second N`.
use std::time::Instant;
use whatif::engine::plan::Plan;
use whatif::engine::rng::RunKeys;
use whatif::engine::simulate::{SimConfig, simulate};
use whatif::engine::tally::{Tally, Times};
use whatif::engine::walk::Walker;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: walk_probe SCENARIO [RUNS]");
    let runs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000_000);
    let only = args.next();
    let wanted = |stage: &str| only.as_deref().is_none_or(|o| o == stage);
    let sc = whatif::scenario::load_file(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    if wanted("walk_and_counts") {
        walk_and_counts(&sc, runs);
    }
    for (stage, max_paths) in [("with_indicators", 0), ("with_indicators_and_paths", 10)] {
        if !wanted(stage) {
            continue;
        }
        let cfg = SimConfig { runs, seed: 42, threads: 1, max_paths };
        let t = Instant::now();
        let r = simulate(&sc, &cfg, None).unwrap_or_else(|e| panic!("{e}"));
        report(stage, runs, t, r.tally.runs);
    }
}

/// The walk with branch and outcome counts, nothing else.
fn walk_and_counts(sc: &whatif::scenario::Scenario, runs: u64) {
    let t = Instant::now();
    let mut tally = Tally::new(sc.outcomes.len(), sc.branches.len(), sc.indicators.len());
    let plan = Plan::new(sc);
    let mut walker = Walker::with_plan(sc, &plan).without_path_hash();
    let mut keys = RunKeys::new(42, 0);
    let acyclic = plan.acyclic;
    for run in 0..runs {
        let end = if acyclic {
            walker.walk(keys.next_key(), &mut Times(&mut tally.times_taken))
        } else {
            walker.walk(keys.next_key(), &mut tally)
        }
        .unwrap_or_else(|e| panic!("run {run}: {e:?}"));
        tally.end_run(&end);
    }
    if acyclic {
        tally.runs_taking_as_times();
    }
    report("walk_and_counts", runs, t, tally.runs);
    println!("walk_probe steps_per_run {:.3}", tally.total_steps as f64 / runs as f64);
}

fn report(stage: &str, runs: u64, t: Instant, counted: u64) {
    assert_eq!(runs, counted);
    println!("walk_probe {stage} runs_per_second {:.0}", runs as f64 / t.elapsed().as_secs_f64());
}
