//! Integration tests that run the real binary.

mod common;

use common::whatif;

use std::fs;
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const TABLES: [&str; 5] = ["outcomes.csv", "branches.csv", "paths.csv", "indicators.csv", "manifest.csv"];

#[test]
fn run_with_no_scenario_runs_the_bundled_article_scenario() {
    let out = tempfile::tempdir().unwrap();
    let assert = whatif().args(["run", "--runs", "2000", "--out"]).arg(out.path()).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("Putin's visit to North Korea (illustrative)"), "{stdout}");
    assert!(stdout.contains("NOTICE:") && stdout.contains("Not a forecast."), "{stdout}");
    assert!(stdout.contains("95% interval") && stdout.contains("regional_tension"), "{stdout}");
    for t in TABLES {
        assert!(out.path().join(t).exists(), "{t} missing");
    }
    assert!(!out.path().join("runs.csv").exists());
    let manifest = read(out.path(), "manifest.csv");
    assert!(manifest.contains("notice,Illustrative teaching scenario."), "{manifest}");
    assert!(manifest.contains("seed,42\r\n") && manifest.contains("runs,2000\r\n"), "{manifest}");
}

#[test]
fn quiet_prints_nothing_on_success() {
    let out = tempfile::tempdir().unwrap();
    whatif()
        .args(["run", "--runs", "100", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn output_bytes_do_not_depend_on_the_thread_count() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let scenario = common::fixture("golden.yaml");
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        whatif()
            .args(["run", "--runs", "30000", "--per-run", "--quiet", "--threads", threads, "--out"])
            .arg(dir.path())
            .arg(&scenario)
            .assert()
            .success();
    }
    for t in TABLES.iter().chain(&["runs.csv"]) {
        assert_eq!(read(a.path(), t), read(b.path(), t), "{t} differs between 1 and 2 threads");
    }
}

#[test]
fn the_first_runs_of_a_longer_run_are_the_shorter_run() {
    let (short, long) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let scenario = common::fixture("golden.yaml");
    for (dir, runs) in [(&short, "1000"), (&long, "3000")] {
        whatif()
            .args(["run", "--per-run", "--quiet", "--runs", runs, "--out"])
            .arg(dir.path())
            .arg(&scenario)
            .assert()
            .success();
    }
    let short_rows: Vec<String> = read(short.path(), "runs.csv").lines().map(String::from).collect();
    let long_rows: Vec<String> = read(long.path(), "runs.csv").lines().map(String::from).collect();
    assert_eq!(short_rows.len(), 1001);
    assert_eq!(long_rows.len(), 3001);
    assert_eq!(short_rows[..], long_rows[..1001]);
}

#[test]
fn draws_are_keyed_by_node_so_editing_one_node_keeps_other_runs() {
    // Changing a weight at `close` must not change any run that never reaches `close`.
    let src = fs::read_to_string(common::fixture("golden.yaml")).unwrap();
    let edited = src
        .replace("      - { id: a, weight: 1, outcome: Closed A }", "      - { id: a, weight: 7, outcome: Closed A }");
    assert_ne!(src, edited);
    let dir = tempfile::tempdir().unwrap();
    let (fa, fb) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    fs::write(&fa, &src).unwrap();
    fs::write(&fb, &edited).unwrap();
    for f in [&fa, &fb] {
        whatif()
            .args(["run", "--per-run", "--quiet", "--runs", "4000", "--out"])
            .arg(dir.path().join(f.file_stem().unwrap()))
            .arg(f)
            .assert()
            .success();
    }
    let rows =
        |name: &str| -> Vec<String> { read(&dir.path().join(name), "runs.csv").lines().map(String::from).collect() };
    let (ra, rb) = (rows("a"), rows("b"));
    let (mut kept, mut changed) = (0, 0);
    for (x, y) in ra.iter().zip(&rb).skip(1) {
        if x.contains("close.") {
            changed += usize::from(x != y);
        } else {
            assert_eq!(x, y, "a run that never visits `close` changed");
            kept += 1;
        }
    }
    assert!(kept > 1000 && changed > 100, "kept {kept}, changed {changed}");
}

#[test]
fn golden_files_pin_the_output_bytes() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/golden");
    let out = tempfile::tempdir().unwrap();
    whatif()
        .args(["run", "--runs", "5000", "--seed", "7", "--per-run", "--max-paths", "20", "--quiet", "--out"])
        .arg(out.path())
        .arg(common::fixture("golden.yaml"))
        .assert()
        .success();
    if std::env::var_os("WHATIF_UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(&golden).unwrap();
        for t in TABLES.iter().chain(&["runs.csv"]) {
            fs::copy(out.path().join(t), golden.join(t)).unwrap();
        }
    }
    for t in TABLES.iter().chain(&["runs.csv"]) {
        assert_eq!(
            read(out.path(), t),
            read(&golden, t),
            "{t} differs from tests/golden/golden/{t}: a change of output for a fixed seed is a breaking \
             change (note it in CHANGELOG.md, then regenerate with WHATIF_UPDATE_GOLDEN=1 cargo test)"
        );
    }
}

#[test]
fn committed_results_of_the_bundled_scenario_are_fresh() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("output/putin_north_korea_visit");
    let out = tempfile::tempdir().unwrap();
    whatif().args(["run", "--quiet", "--out"]).arg(out.path()).assert().success();
    for t in TABLES {
        assert_eq!(
            read(out.path(), t),
            read(&committed, t),
            "output/putin_north_korea_visit/{t} is stale: run `cargo run --release -- run` and commit the result"
        );
    }
}

#[test]
fn an_invalid_scenario_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    fs::write(&bad, "whatif: 1\ntitle: t\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 1, next: b }\n").unwrap();
    let out = dir.path().join("out");
    whatif()
        .args(["run", "--out"])
        .arg(&out)
        .arg(&bad)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("nodes.a.branches[0].next: no node named `b`"))
        .stderr(predicates::str::contains("bad.yaml:8:"));
    assert!(!out.exists(), "nothing may be written for an invalid scenario");
}

#[test]
fn all_zero_weights_at_run_time_exit_2_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("zero.yaml");
    fs::write(
        &f,
        "whatif: 1\ntitle: t\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 1, next: b }\n  \
         b:\n    branches:\n      - id: y\n        weight: 1\n        weight_if: [{ when: took(a.x), weight: 0 }]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    whatif()
        .args(["run", "--out"])
        .arg(&out)
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run 0: at visit 1 of node `b` every branch weight is 0"))
        .stderr(predicates::str::contains("path that led there: a.x"));
    assert!(fs::read_dir(&out).map_or(true, |mut d| d.next().is_none()), "no result files may be left");
}

#[test]
fn check_summarises_valid_files_and_refuses_invalid_ones() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut cmd = whatif();
    cmd.arg("check");
    for f in fs::read_dir(&scenarios).unwrap() {
        cmd.arg(f.unwrap().path());
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches(": ok\n").count(), 3, "{text}");
    assert!(text.contains("14 nodes, 39 branches") && text.contains("10 indicators, 4 outcomes"), "{text}");
    assert!(text.contains("NOTICE:"), "{text}");

    whatif().args(["check", "no/such/file.yaml"]).assert().code(2).stderr(predicates::str::contains("no such file"));
    whatif().args(["check"]).arg(&scenarios).assert().code(2).stderr(predicates::str::contains("a folder"));
}

#[test]
fn bad_arguments_exit_2_before_anything_is_written() {
    for args in [
        &["run", "--runs", "0"][..],
        &["run", "--runs", "-5"],
        &["run", "--runs", "many"],
        &["run", "--seed", "abc"],
        &["run", "--seed", "-1"],
        &["run", "--threads", "0"],
        &["run", "--max-paths", "x"],
        &["run", "--max-paths", "200000"],
        &["frobnicate"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        whatif().current_dir(dir.path()).args(args).assert().code(2);
        assert!(!dir.path().join("output").exists(), "{args:?} wrote output");
    }
}

#[test]
fn random_seed_is_recorded_and_repeatable() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = whatif()
        .args(["run", "--runs", "500", "--seed", "random", "--out"])
        .arg(a.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).unwrap();
    assert!(stdout.contains("was drawn at random; repeat with --seed"), "{stdout}");
    let manifest = read(a.path(), "manifest.csv");
    let seed = manifest.lines().find_map(|l| l.strip_prefix("seed,")).unwrap().to_string();
    whatif().args(["run", "--runs", "500", "--quiet", "--seed", &seed, "--out"]).arg(b.path()).assert().success();
    assert_eq!(read(a.path(), "outcomes.csv"), read(b.path(), "outcomes.csv"));
}

#[test]
fn repeat_with_carries_the_options_that_change_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let repeat = |extra: &[&str]| {
        whatif().args(["run", "--runs", "300", "--quiet", "--out"]).arg(dir.path()).args(extra).assert().success();
        let manifest = read(dir.path(), "manifest.csv");
        manifest.lines().find_map(|l| l.strip_prefix("repeat_with,")).unwrap().to_string()
    };
    let plain = repeat(&[]);
    assert_eq!(plain, "whatif run bundled:putin_north_korea_visit --runs 300 --seed 42 --max-paths 1000");
    assert_eq!(repeat(&["--sort", "share"]), format!("{plain} --sort share"));
    assert_eq!(repeat(&["--exact-states", "5000"]), format!("{plain} --exact-states 5000"));
    assert_eq!(repeat(&["--no-exact"]), format!("{plain} --no-exact"));
}

#[test]
fn an_unwritable_out_folder_exits_1_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    whatif()
        .args(["run", "--runs", "10", "--out"])
        .arg(file.join("sub"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("plain-file/sub"));
}

#[test]
fn list_names_the_bundled_scenarios_and_run_accepts_a_name() {
    whatif()
        .arg("list")
        .assert()
        .success()
        .stdout(predicates::str::contains("putin_north_korea_visit_sanctions_tighten"));
    let out = tempfile::tempdir().unwrap();
    whatif()
        .current_dir(out.path())
        .args(["run", "putin_north_korea_visit_limited_cooperation", "--runs", "100", "--quiet"])
        .assert()
        .success();
    assert!(out.path().join("output/putin_north_korea_visit_limited_cooperation/outcomes.csv").exists());
}

#[test]
fn exact_columns_are_filled_where_possible_and_empty_with_a_reason_elsewhere() {
    let out = tempfile::tempdir().unwrap();
    let assert = whatif()
        .args(["run", "--runs", "20000", "--out"])
        .arg(out.path())
        .arg(common::fixture("dice_loop.yaml"))
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("exact") && stdout.contains("42.13%"), "{stdout}"); // 91/216
    let outcomes = read(out.path(), "outcomes.csv");
    assert!(outcomes.contains(",0.421296296\r\n") && outcomes.contains(",0.578703704\r\n"), "{outcomes}");
    assert!(read(out.path(), "indicators.csv").contains(",2.527777778,"), "91/36 as exact_mean");

    let none = tempfile::tempdir().unwrap();
    let assert = whatif()
        .args(["run", "--runs", "2000", "--out"])
        .arg(none.path())
        .arg(common::fixture("exact/impossible.yaml"))
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("Exact analysis: not possible: a condition reads indicator `luck`"), "{stdout}");
    let manifest = read(none.path(), "manifest.csv");
    assert!(manifest.contains("exact_analysis,\"not possible: a condition reads indicator `luck`"), "{manifest}");
    for line in read(none.path(), "outcomes.csv").lines().skip(1) {
        assert!(line.ends_with(','), "exact_probability must stay empty: {line}");
    }
}

#[test]
fn bundled_results_agree_with_the_exact_analysis() {
    // The committed 100,000-run results: every outcome within 4.5 standard errors.
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("output/putin_north_korea_visit");
    let text = read(&committed, "outcomes.csv");
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (share, exact): (f64, f64) = (f[2].parse().unwrap(), f[5].parse().unwrap());
        let se = (exact * (1.0 - exact) / 100_000.0).sqrt();
        assert!((share - exact).abs() < 4.5 * se, "{line}");
        rows += 1;
    }
    assert_eq!(rows, 4);
}

#[test]
fn tree_renders_text_dot_and_mermaid() {
    let text = whatif().args(["tree", "putin_north_korea_visit"]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("NOTICE:"), "{text}");
    assert!(text.starts_with("Putin's visit to North Korea (illustrative)\n"), "{text}");
    // File order of branches, loops as references, exact figures at the end.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s}"));
    let (a, b, c) = (at("├─ arms_talks"), at("├─ new_agreement"), at("└─ mostly_signal"));
    assert!(a < b && b < c);
    assert!(text.contains("weight 7 when took(summit.arms_talks)"), "{text}");
    assert!(text.contains("exact outcome probabilities in this file:"), "{text}");
    let looped = String::from_utf8(
        whatif().arg("tree").arg(common::fixture("dice_loop.yaml")).assert().success().get_output().stdout.clone(),
    )
    .unwrap();
    assert!(looped.contains("↪ loops back to roll (shown above)"), "{looped}");
    assert!(text.lines().all(|l| l.chars().count() <= 240), "lines fit a wide terminal");
    let shallow = whatif()
        .args(["tree", "putin_north_korea_visit", "--depth", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(shallow).unwrap().contains("→ standing (deeper than --depth 1)"));

    let dot = whatif()
        .args(["tree", "putin_north_korea_visit", "--format", "dot"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let dot = String::from_utf8(dot).unwrap();
    assert!(dot.starts_with("digraph whatif {") && dot.trim_end().ends_with('}'), "{dot}");
    assert!(dot.contains("n_summit -> n_standing"), "{dot}");
    match std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "Graphviz refused the DOT: {}", String::from_utf8_lossy(&out.stderr));
            assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
        }
        Err(_) => eprintln!("skipped: Graphviz `dot` is not installed, so the DOT output was not rendered"),
    }

    let mermaid = whatif()
        .args(["tree", "putin_north_korea_visit", "--format", "mermaid"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mermaid = String::from_utf8(mermaid).unwrap();
    assert!(mermaid.contains("\nflowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("n_summit -->|\"arms_talks"), "{mermaid}");
    assert!(!mermaid.lines().skip(4).any(|l| l.matches('"').count() % 2 == 1), "unbalanced quotes:\n{mermaid}");
}

#[test]
fn check_reports_exact_probabilities_when_cheap() {
    let out =
        whatif().arg("check").arg(common::fixture("exact/craps.yaml")).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("exact in this file: "), "{text}");
    assert!(text.contains("Lose 50.71%") && text.contains("Win 49.29%"), "{text}");
}

#[test]
fn schema_is_generated_fresh_and_bundled_files_point_to_it() {
    let out = whatif().arg("schema").assert().success().get_output().stdout.clone();
    let committed = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/whatif.schema.json")).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        committed,
        "docs/whatif.schema.json is stale: run `whatif schema > docs/whatif.schema.json`"
    );
    assert!(committed.contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""));
    assert!(committed.contains("\"additionalProperties\": false"), "unknown keys are refused by the schema too");
    for f in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")).unwrap() {
        let text = fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(text.starts_with("# yaml-language-server: $schema=../docs/whatif.schema.json\n"));
    }
}

#[test]
fn init_writes_a_starter_that_passes_check_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mine.yaml");
    whatif().arg("init").arg(&f).assert().success();
    whatif().arg("check").arg(&f).assert().success().stdout(predicates::str::contains("exact in this file"));
    fs::write(&f, "my own work").unwrap();
    whatif().arg("init").arg(&f).assert().code(2).stderr(predicates::str::contains("exists"));
    assert_eq!(fs::read_to_string(&f).unwrap(), "my own work");
    whatif().arg("init").arg("--force").arg(&f).assert().success();
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = whatif().args(["completions", shell]).assert().success().get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("sensitivity") && text.contains("max-paths"), "{shell}");
    }
    whatif().args(["completions", "tcsh"]).assert().code(2);
    let man = whatif().arg("man").assert().success().get_output().stdout.clone();
    let man = String::from_utf8(man).unwrap();
    assert!(man.contains(".TH whatif 1") && man.contains("compare"), "{man}");
}

#[test]
fn every_command_help_ends_with_an_example() {
    use clap::CommandFactory;
    let cli = whatif::cli::Cli::command();
    let names: Vec<String> = cli.get_subcommands().map(|c| c.get_name().to_string()).filter(|n| n != "help").collect();
    assert!(names.len() >= 13, "{names:?}");
    for name in names {
        let out = whatif().args([name.as_str(), "--help"]).assert().success().get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        let tail: Vec<&str> = text.trim_end().lines().rev().take(3).collect();
        assert!(
            tail.iter().any(|l| l.starts_with("  whatif ")),
            "`whatif {name} --help` does not end with an example:\n{text}"
        );
        assert!(text.contains("Example"), "{name}");
    }
}

#[test]
fn report_is_one_self_contained_page_with_charts() {
    let out = tempfile::tempdir().unwrap();
    whatif()
        .args(["report", "putin_north_korea_visit", "--runs", "20000", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let html = read(out.path(), "report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("NOTICE: Illustrative teaching scenario."), "notice at the top");
    assert!(html.contains("seed 42"));
    assert!(html.matches("<svg").count() >= 2 + 5, "outcomes, convergence and five histograms");
    for needle in ["<script", "http://", "https://", "<link", "@import", "url("] {
        // The SVG namespace is the one URL allowed: it is an identifier, never fetched;
        // `url(#arrow)` points at a marker inside the page.
        let hits = html.matches(needle).count()
            - match needle {
                "http://" => html.matches("http://www.w3.org/2000/svg").count(),
                "url(" => html.matches("url(#").count(),
                _ => 0,
            };
        assert_eq!(hits, 0, "report.html refers to something outside itself: {needle}");
    }
    // run --report and compare --report write it next to their CSV files.
    whatif()
        .args(["run", "--runs", "2000", "--report", "--quiet", "--out"])
        .arg(out.path().join("r"))
        .assert()
        .success();
    assert!(out.path().join("r/report.html").exists() && out.path().join("r/outcomes.csv").exists());
    whatif()
        .args([
            "compare",
            "putin_north_korea_visit",
            "putin_north_korea_visit_sanctions_tighten",
            "--runs",
            "2000",
            "--report",
            "--quiet",
            "--out",
        ])
        .arg(out.path().join("c"))
        .assert()
        .success();
    let cmp = read(&out.path().join("c"), "report.html");
    assert!(
        cmp.contains("Paired difference") && cmp.contains("changed indicator sanctions_pressure start: 5 → 7"),
        "{cmp}"
    );
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| std::process::Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("skipped: Chromium is not installed (apt-get install chromium), so the report was not rendered");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    whatif()
        .args(["report", "putin_north_korea_visit", "--runs", "5000", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let shot = out.path().join("shot.png");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1000,1400",
        ])
        .arg(format!("--user-data-dir={}", out.path().join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.path().join("report.html").display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let png = fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // A blank or broken page compresses to a few kilobytes; charts and text do not.
    assert!(png.len() > 60_000, "screenshot is only {} bytes: the page looks empty", png.len());
}

/// Runs `whatif ARGS` under a pseudo-terminal with `script`, returning what it printed,
/// or `None` (with a message) where `script` is not installed.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> Option<String> {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed, so no terminal could be simulated");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("whatif");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"]).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn on_a_terminal_there_is_colour_and_a_progress_bar_for_long_runs() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().display().to_string();
    // The bar normally waits a second; the variable makes it show at once, in any build.
    let Some(text) =
        on_a_terminal(&format!("run --runs 50000 --no-exact --out {dir}"), &[("WHATIF_PROGRESS_DELAY_MS", "0")])
    else {
        return;
    };
    assert!(text.contains("\x1b[36m█"), "coloured bars on a terminal:\n{text}");
    assert!(
        text.contains(" runs/s, ") && text.contains(" left"),
        "a progress bar for a run of more than a second:\n{text}"
    );
    let Some(plain) = on_a_terminal(&format!("run --runs 1000 --out {dir}"), &[("NO_COLOR", "1")]) else { return };
    assert!(!plain.contains("\x1b["), "NO_COLOR turns colour off, and a short run shows no bar:\n{plain}");
    // Not a terminal: no colour, no bar.
    let piped = whatif().args(["run", "--runs", "1000", "--out", &dir]).assert().success().get_output().clone();
    assert!(!String::from_utf8_lossy(&piped.stdout).contains('\x1b') && piped.stderr.is_empty());
}
