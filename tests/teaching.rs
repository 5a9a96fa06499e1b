//! docs/TEACHING.md: every command it shows runs, and the figures it quotes are the ones
//! the class will see.

mod common;

use common::whatif;
use std::fs;
use std::path::Path;

/// The `whatif ...` lines of the guide's `sh` blocks.
fn commands() -> Vec<Vec<String>> {
    let guide = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/TEACHING.md")).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in guide.lines().map(str::trim) {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if in_sh && let Some(rest) = line.strip_prefix("whatif ") {
            // `> FILE` is the shell's: the test checks the output itself.
            let command = rest.split(" > ").next().unwrap_or(rest);
            out.push(command.split_whitespace().map(String::from).collect());
        }
    }
    out
}

#[test]
fn every_command_in_the_teaching_guide_runs_and_shows_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let cmds = commands();
    assert!(cmds.len() >= 10, "the guide shows {} commands", cmds.len());
    // What the guide quotes from each command's output (by a fragment of the command).
    let quotes: &[(&str, &[&str])] = &[
        ("run --runs 20 --seed 1", &["50.00%", "42.05%", "26.10%"]),
        ("run --runs 20 --seed 2", &["40.00%", "5.00%"]),
        ("run --runs 1000 --seed 1", &["46.60%", "43.53% – 49.70%", "22.22% – 27.57%"]),
        ("converge", &["9,361", "2,089", "±0.27%"]),
        ("replay", &["more_ammunition 40.00%", "new_sanctions 54.55%", "prolonged 70.59%", "arms_flow: 0 → 4"]),
        ("tree putin_north_korea_visit --depth 3", &["weight 7 when took(summit.arms_talks)"]),
        ("--format svg", &["<svg", "NOTICE: Illustrative teaching scenario.", "weight 7 if took(summit.arms_talks)"]),
        ("compare", &["changed relief.some_relief weight: 2 → 1", "+4.87 pp", "+1.92 pp"]),
        ("sweep", &["25.68%", "26.54%"]),
        ("sensitivity", &["swing 11.38 pp", "swing -4.64 pp"]),
    ];
    for args in &cmds {
        let out = whatif().current_dir(dir.path()).args(args).assert().success().get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        let line = args.join(" ");
        for (fragment, wanted) in quotes {
            if line.contains(fragment) {
                for w in *wanted {
                    assert!(text.contains(w), "`whatif {line}` does not show {w:?}:\n{text}");
                }
            }
        }
    }
    // The files lesson 2 opens.
    let run = dir.path().join("output/putin_north_korea_visit");
    for f in ["runs.csv", "paths.csv", "branches.csv"] {
        assert!(run.join(f).exists(), "{f}");
    }
    let branches = fs::read_to_string(run.join("branches.csv")).unwrap();
    assert!(
        branches.contains("ukraine,prolonged") && branches.contains("0.426405867"),
        "exact share of ukraine.prolonged"
    );
}
