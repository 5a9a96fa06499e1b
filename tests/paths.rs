//! `paths.csv` lists the leading paths with exact counts however many distinct paths a
//! run meets: checked against the paths of `runs.csv`, once where the summary proves its
//! top list in one pass and once where the paths are so flat that a second pass counts
//! the candidates and only those that stand out are listed.

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

/// Simulates with per-run rows; returns the result and, per path in the rows, its runs
/// and first run.
fn run_with_rows(sc: &Scenario, runs: u64, max_paths: usize) -> (SimResult, HashMap<String, (u64, u64)>) {
    let mut rows: Vec<u8> = Vec::new();
    let cfg = SimConfig { runs, seed: 7, threads: 2, max_paths };
    let result = simulate(sc, &cfg, Some(&mut rows)).unwrap();
    let mut paths = HashMap::new();
    for record in csv::ReaderBuilder::new().has_headers(false).from_reader(rows.as_slice()).records() {
        let record = record.unwrap();
        let run: u64 = record[0].parse().unwrap();
        paths.entry(record[2].to_string()).or_insert((0, run)).0 += 1;
    }
    (result, paths)
}

/// The listed paths are the first rows of the true order of all paths (most runs, then
/// earliest first run), with their exact counts; a short list stops where the count drops.
fn check_against_rows(sc: &Scenario, result: &SimResult, paths: &HashMap<String, (u64, u64)>, max_paths: usize) {
    let mut order: Vec<(&str, u64, u64)> = paths.iter().map(|(p, (c, f))| (p.as_str(), *c, *f)).collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let got: Vec<(String, u64)> = result.paths.iter().map(|p| (path_text(sc, &p.branches), p.runs)).collect();
    assert!(got.len() <= max_paths);
    let want: Vec<(String, u64)> = order[..got.len()].iter().map(|(p, c, _)| (p.to_string(), *c)).collect();
    assert_eq!(got, want, "the listed paths lead the true order");
    if got.len() < max_paths
        && let Some((_, last)) = got.last()
    {
        assert!(order[got.len()].1 < *last, "a short list stops at a drop in counts");
    }
    let listed: u64 = got.iter().map(|(_, c)| c).sum();
    assert_eq!(result.other_paths_runs, result.tally.runs - listed);
}

#[test]
fn heavy_paths_are_proved_exact_in_one_pass() {
    // A quarter of the runs share 4 paths; the rest spread over 2^24 paths, enough
    // distinct ones (about 135,000) to make the summary reduce (above 2 x 49,152).
    let sc = scenario(1);
    let (result, paths) = run_with_rows(&sc, 180_000, 4);
    assert!(paths.len() > 98_304, "the summary must overflow: {} paths", paths.len());
    assert!(!result.paths_second_pass, "four heavy paths need no second pass");
    check_against_rows(&sc, &result, &paths, 4);
    assert_eq!(result.paths.len(), 4);
    assert!(result.paths.iter().all(|p| p.runs > 10_000));
}

#[test]
fn flat_paths_are_listed_only_as_far_as_they_are_proved() {
    // No heavy paths: almost every path is taken once or twice, and the summary cannot
    // tell most of them from the ones it dropped.
    let sc = scenario(0);
    let (result, paths) = run_with_rows(&sc, 140_000, 1000);
    assert!(paths.len() > 98_304, "the summary must overflow: {} paths", paths.len());
    assert!(result.paths_second_pass, "late entries could beat the bound: the candidates are recounted");
    check_against_rows(&sc, &result, &paths, 1000);
    assert!(result.paths.len() < 1000, "a flat distribution gives a short list");
}

#[test]
fn recounted_paths_lead_the_true_order() {
    // The layered benchmark: 4^12 paths of uneven weights. By 200,000 runs the summary
    // has dropped paths that are among the leaders, so the second pass counts the
    // candidates that their own bounds (a count-min sketch) say could be listed.
    let sc = load_str("layered_12x4.yaml", include_str!("../bench/layered_12x4.yaml")).unwrap();
    let (result, paths) = run_with_rows(&sc, 200_000, 1000);
    assert!(paths.len() > 98_304, "the summary must overflow: {} paths", paths.len());
    assert!(result.paths_second_pass, "leaders were dropped: the candidates are recounted");
    check_against_rows(&sc, &result, &paths, 1000);
    assert_eq!(result.paths.len(), 1000, "the list is full");
}
