//! The engine computes chunks of runs through an executor: serial by default (as in a
//! browser), on thread pools in the CLI. Every output byte must be the same either way.
//! One test in its own binary, because an executor is installed once per process.

mod common;

use whatif::engine::exact::Budget;
use whatif::engine::simulate::{SimConfig, simulate};
use whatif::output::{ExactStatus, RunReport, SeedSource, render, tables};
use whatif::scenario::{Scenario, load_str};

/// Every table of `runs` runs of `sc` with `threads`, as bytes.
fn tables_of(sc: &Scenario, runs: u64, threads: usize) -> Vec<Vec<u8>> {
    let cfg = SimConfig { runs, seed: 11, threads, max_paths: 50 };
    let mut rows = Vec::new();
    let result = simulate(sc, &cfg, Some(&mut rows)).unwrap();
    let exact = ExactStatus::compute(sc, Budget::default());
    let report = RunReport::new(sc, cfg, SeedSource::Given, &result, &exact);
    let mut out: Vec<Vec<u8>> = tables().iter().map(|t| render(t.as_ref(), &report)).collect();
    out.push(rows);
    out
}

/// A chain of 20 two-way nodes: about a million paths. 300,000 runs meet about 180,000
/// distinct ones, so the path summary (which reduces itself above 98,304) reduces
/// several times, each time at a stop where every shard waits.
fn many_paths() -> Scenario {
    let mut src = String::from("whatif: 1\ntitle: Many paths\nillustrative: true\nstart: t0\nnodes:\n");
    for i in 0..20 {
        let next = if i < 19 { format!("next: t{}", i + 1) } else { "outcome: End".into() };
        src += &format!(
            "  t{i}:\n    branches:\n      - {{ id: a, weight: 2, {next} }}\n      - {{ id: b, weight: 1, {next} }}\n"
        );
    }
    load_str("many_paths.yaml", &src).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn serial_and_thread_pool_executors_give_the_same_bytes() {
    let mut cases: Vec<(Scenario, u64)> =
        ["golden.yaml", "dice_loop.yaml", "conditional_tree.yaml"].iter().map(|f| (common::load(f), 30_000)).collect();
    cases.push((many_paths(), 300_000));
    let serial: Vec<_> = cases.iter().map(|(sc, runs)| tables_of(sc, *runs, 1)).collect();
    assert!(whatif::parallel::install(), "nothing installed an executor before this test");
    for threads in [1, 2, 7] {
        for ((sc, runs), expected) in cases.iter().zip(&serial) {
            assert!(
                tables_of(sc, *runs, threads) == *expected,
                "{}: {threads} threads on a pool differ from serial",
                sc.title
            );
        }
    }
}
