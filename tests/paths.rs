//! `paths.csv` counts are exact however many distinct paths a run meets: checked against
//! the paths of `runs.csv`, once where the summary proves its top list in one pass and
//! once where the paths are so flat that a second pass has to count them.

use std::collections::HashMap;
use whatif::engine::simulate::{SimConfig, SimResult, path_text, simulate};
use whatif::scenario::{Scenario, load_str};

/// A chain of `n` two-way nodes `t0 .. t{n-1}`, each branch equally likely; the last ends.
fn binary_chain(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let next = if i + 1 < n { format!("next: t{}", i + 1) } else { "outcome: Tail".into() };
        s += &format!(
            "  t{i}:\n    branches:\n      - {{ id: a, weight: 1, {next} }}\n      - {{ id: b, weight: 1, {next} }}\n"
        );
    }
    s
}

fn scenario(heavy_weight: u32) -> Scenario {
    let src = format!(
        "whatif: 1\ntitle: Many paths\nillustrative: true\nstart: root\nnodes:\n  root:\n    branches:\n      \
         - {{ id: heavy, weight: {heavy_weight}, next: h }}\n      - {{ id: tail, weight: 3, next: t0 }}\n  \
         h:\n    branches:\n      - {{ id: a, weight: 1, next: g }}\n      - {{ id: b, weight: 1, next: g }}\n  \
         g:\n    branches:\n      - {{ id: a, weight: 1, outcome: Heavy }}\n      - {{ id: b, weight: 1, outcome: Heavy }}\n{}",
        binary_chain(24)
    );
    load_str("many_paths.yaml", &src).unwrap_or_else(|e| panic!("{e}"))
}

/// Simulates with per-run rows and returns the result and each path's count in the rows.
fn run_with_rows(sc: &Scenario, runs: u64, max_paths: usize) -> (SimResult, HashMap<String, u64>) {
    let mut rows: Vec<u8> = Vec::new();
    let cfg = SimConfig { runs, seed: 7, threads: 2, max_paths };
    let result = simulate(sc, &cfg, Some(&mut rows)).unwrap();
    let mut counts = HashMap::new();
    for record in csv::ReaderBuilder::new().has_headers(false).from_reader(rows.as_slice()).records() {
        *counts.entry(record.unwrap()[2].to_string()).or_insert(0) += 1;
    }
    (result, counts)
}

fn check_against_rows(sc: &Scenario, result: &SimResult, counts: &HashMap<String, u64>, max_paths: usize) {
    let mut want: Vec<u64> = counts.values().copied().collect();
    want.sort_unstable_by(|a, b| b.cmp(a));
    want.truncate(max_paths);
    let got: Vec<u64> = result.paths.iter().map(|p| p.runs).collect();
    assert_eq!(got, want, "the listed counts are the largest counts in runs.csv");
    for p in &result.paths {
        assert_eq!(counts[&path_text(sc, &p.branches)], p.runs, "count of {}", path_text(sc, &p.branches));
    }
    let listed: u64 = got.iter().sum();
    assert_eq!(result.other_paths_runs, result.tally.runs - listed);
}

#[test]
fn heavy_paths_are_proved_exact_in_one_pass() {
    // A quarter of the runs share 4 paths; the rest spread over 2^24 paths, enough
    // distinct ones (about 135,000) to make the summary reduce.
    let sc = scenario(1);
    let (result, counts) = run_with_rows(&sc, 180_000, 4);
    assert!(counts.len() > 131_072, "the summary must overflow: {} paths", counts.len());
    assert!(!result.paths_second_pass, "four heavy paths need no second pass");
    check_against_rows(&sc, &result, &counts, 4);
    assert!(result.paths.iter().all(|p| p.runs > 10_000));
}

#[test]
fn flat_paths_are_counted_exactly_by_a_second_pass() {
    // No heavy paths: the top counts are 1 or 2, which the summary cannot prove.
    let sc = scenario(0);
    let (result, counts) = run_with_rows(&sc, 140_000, 1000);
    assert!(counts.len() > 131_072, "the summary must overflow: {} paths", counts.len());
    assert!(result.paths_second_pass);
    check_against_rows(&sc, &result, &counts, 1000);
}
