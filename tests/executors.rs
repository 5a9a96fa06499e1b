//! The engine computes chunks of runs through an executor: serial by default (as in a
//! browser), on thread pools in the CLI. Every output byte must be the same either way.
//! One test in its own binary, because an executor is installed once per process.

mod common;

use whatif::engine::exact::Budget;
use whatif::engine::simulate::{SimConfig, simulate};
use whatif::output::{ExactStatus, RunReport, SeedSource, render, tables};

/// Every table of a run of `name` (a fixture) with `threads`, as bytes.
fn tables_of(name: &str, threads: usize) -> Vec<Vec<u8>> {
    let sc = common::load(name);
    let cfg = SimConfig { runs: 30_000, seed: 11, threads, max_paths: 50 };
    let mut rows = Vec::new();
    let result = simulate(&sc, &cfg, Some(&mut rows)).unwrap();
    let exact = ExactStatus::compute(&sc, Budget::default());
    let report = RunReport::new(&sc, cfg, SeedSource::Given, &result, &exact);
    let mut out: Vec<Vec<u8>> = tables().iter().map(|t| render(t.as_ref(), &report)).collect();
    out.push(rows);
    out
}

#[test]
fn serial_and_thread_pool_executors_give_the_same_bytes() {
    let files = ["golden.yaml", "dice_loop.yaml", "conditional_tree.yaml"];
    let serial: Vec<_> = files.iter().map(|f| tables_of(f, 1)).collect();
    assert!(whatif::parallel::install(), "nothing installed an executor before this test");
    for threads in [1, 2, 7] {
        for (f, expected) in files.iter().zip(&serial) {
            assert!(tables_of(f, threads) == *expected, "{f}: {threads} threads on a pool differ from serial");
        }
    }
}
