//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use whatif::engine::simulate::{SimConfig, SimResult, simulate};
use whatif::scenario::{Scenario, load_file};

/// The `whatif` binary of this build, as a command to run.
pub fn whatif() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("whatif").unwrap()
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Loads a fixture, panicking with the loader's message if it is invalid.
pub fn load(name: &str) -> Scenario {
    load_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads a file anywhere, panicking with the loader's message if it is invalid.
pub fn load_path(path: &std::path::Path) -> Scenario {
    load_file(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Simulates a scenario without per-run rows.
pub fn sim(sc: &Scenario, runs: u64, seed: u64, threads: usize) -> SimResult {
    simulate(sc, &SimConfig { runs, seed, threads, max_paths: 1000 }, None).unwrap()
}

/// Runs for an outcome label.
pub fn runs_of(sc: &Scenario, r: &SimResult, label: &str) -> u64 {
    let i = sc.outcomes.iter().position(|o| o == label).unwrap_or_else(|| panic!("no outcome {label}"));
    r.tally.outcome_runs[i]
}

/// What a successful command printed on stdout.
pub fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// Pearson's chi-square statistic of observed counts against probabilities.
pub fn chi_square(observed: &[u64], probs: &[f64]) -> f64 {
    let n: u64 = observed.iter().sum();
    observed.iter().zip(probs).map(|(&o, &p)| (o as f64 - n as f64 * p).powi(2) / (n as f64 * p)).sum()
}
