//! Hardening, round 2: each case that once gave a wrong answer without a word, read
//! without bound, wrote outside its folder or left a mess, as a test.

mod common;

use common::whatif;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use whatif::engine::exact::{Budget, analyse};
use whatif::scenario::load_str;

/// Timeouts guard against hangs; they are not speed assertions.
const GUARD: Duration = Duration::from_secs(120);

fn two_way(w1: &str, w2: &str) -> String {
    format!(
        "whatif: 1\ntitle: Two ways (test)\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
         - {{ id: x, weight: {w1}, outcome: X }}\n      - {{ id: y, weight: {w2}, outcome: Y }}\n"
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let f = dir.join(name);
    fs::write(&f, text).unwrap();
    f
}

// 1. Silent wrong results.

#[test]
fn huge_and_tiny_weights_keep_their_ratios() {
    for (w1, w2, p) in [("1e308", "1e308", 0.5), ("5e-324", "1e-323", 1.0 / 3.0), ("1.7e308", "0.85e308", 2.0 / 3.0)] {
        let sc = load_str("w.yaml", &two_way(w1, w2)).unwrap();
        let exact = analyse(&sc, Budget::default()).unwrap();
        assert!((exact.outcome[0] - p).abs() < 1e-12, "{w1} {w2}: exact {}", exact.outcome[0]);
        let r = common::sim(&sc, 40_000, 7, 2);
        let share = r.tally.outcome_runs[0] as f64 / 40_000.0;
        // 5 standard errors of a share near 0.5 at 40,000 runs: 0.0125.
        assert!((share - p).abs() < 0.0125, "{w1} {w2}: share {share}, exact {p}");
    }
}

#[test]
fn sensitivity_and_replay_on_huge_weights_give_numbers_not_nan() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "huge.yaml", &two_way("1e308", "1"));
    let out = dir.path().join("out");
    whatif().arg("sensitivity").arg(&f).arg("--out").arg(&out).timeout(GUARD).assert().success();
    let csv = fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(!csv.to_lowercase().contains("nan") && !csv.contains("inf"), "{csv}");
    let f = write(dir.path(), "equal.yaml", &two_way("1e308", "1e308"));
    let story = whatif().arg("replay").arg(&f).args(["--run", "3"]).assert().success().get_output().stdout.clone();
    let story = String::from_utf8(story).unwrap();
    assert!(story.contains("x 50.00%, y 50.00%"), "{story}");
    let tree = String::from_utf8(whatif().arg("tree").arg(&f).assert().success().get_output().stdout.clone());
    assert!(tree.unwrap().contains("weight 1e308 → 50.00%"));
}

#[test]
fn indicators_that_could_overflow_the_statistics_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for effect in ["{ uniform: [-1.7e308, 1.7e308] }", "{ normal: [0, 1e308] }", "1e99"] {
        let src = format!(
            "whatif: 1\ntitle: Huge (test)\nillustrative: true\nindicators:\n  v: {{}}\nstart: a\nnodes:\n  a:\n    \
             branches:\n      - {{ id: x, weight: 1, effects: {{ v: {effect} }} }}\n"
        );
        let f = write(dir.path(), "huge.yaml", &src);
        whatif()
            .arg("check")
            .arg(&f)
            .assert()
            .code(2)
            .stderr(contains("indicators.v: `v` could reach"))
            .stderr(contains("huge.yaml:5:6"))
            .stderr(contains("measure it in larger units"));
    }
    // A clamp bounds it, so the same effect is fine there.
    let clamped = "whatif: 1\ntitle: Clamped (test)\nillustrative: true\nindicators:\n  v: { min: -5, max: 5 }\n\
                   start: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 1, effects: { v: 1e99 } }\n";
    let f = write(dir.path(), "clamped.yaml", clamped);
    whatif().arg("check").arg(&f).assert().success();
    // A sweep of the start may not leave the bound either.
    let small = "whatif: 1\ntitle: Small (test)\nillustrative: true\nindicators:\n  v: {}\nstart: a\nnodes:\n  a:\n    \
                 branches:\n      - { id: x, weight: 1, effects: { v: 1 } }\n";
    let f = write(dir.path(), "small.yaml", small);
    whatif()
        .arg("sweep")
        .arg(&f)
        .args(["--vary", "indicator.v.start=0:1e300:2", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(contains("could reach"));
}

// 2. Unbounded reads.

#[cfg(unix)]
#[test]
fn endless_inputs_are_refused_after_the_size_limit() {
    whatif()
        .args(["check", "/dev/zero"])
        .timeout(GUARD)
        .assert()
        .code(2)
        .stderr(contains("more than 8388608 bytes long"));
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.yaml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut w = fs::OpenOptions::new().write(true).open(&writer_path).unwrap();
        let line = b"y\n".repeat(4096);
        // `yes`, until the reader goes away.
        while w.write_all(&line).is_ok() {}
    });
    whatif().arg("check").arg(&fifo).timeout(GUARD).assert().code(2).stderr(contains("more than 8388608 bytes"));
    writer.join().unwrap();
}

// 3 and 4. Aliases and nesting.

#[test]
fn alias_amplification_and_deep_nesting_after_an_apostrophe_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let uses = vec!["*big"; 3000].join(",");
    let src = format!("whatif: 1\ntitle: &big \"{}\"\nsources: [{uses}]\n", "x".repeat(4_000_000));
    let f = write(dir.path(), "alias.yaml", &src);
    whatif()
        .arg("check")
        .arg(&f)
        .timeout(GUARD)
        .assert()
        .code(2)
        .stderr(contains("aliases (`*name`) would expand the file to more than"))
        .stderr(contains("alias.yaml:3:"));
    let src = format!("whatif: 1\ntitle: Putin's visit\nx: {}", "[".repeat(40_000));
    let f = write(dir.path(), "apostrophe.yaml", &src);
    whatif()
        .arg("check")
        .arg(&f)
        .timeout(GUARD)
        .assert()
        .code(2)
        .stderr(contains("brackets nest more than 64 levels deep"))
        .stderr(contains("apostrophe.yaml:3:68"));
}

// 5. Writing outside the folder.

#[test]
fn a_file_named_dot_dot_dot_yaml_writes_nothing_outside_output() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "...yaml", &two_way("1", "1"));
    write(dir.path(), "runs.csv", "mine");
    whatif()
        .current_dir(dir.path())
        .args(["run", "...yaml", "--per-run"])
        .assert()
        .code(2)
        .stderr(contains("no usable output folder name"))
        .stderr(contains("--out"));
    assert_eq!(names(dir.path()), vec!["...yaml", "runs.csv"]);
    assert_eq!(fs::read_to_string(dir.path().join("runs.csv")).unwrap(), "mine");
}

// 6 and 7. Signals, and interruption inside long runs.

fn long_loop(dir: &Path) -> PathBuf {
    let src = "whatif: 1\ntitle: Long loop (test)\nillustrative: true\nmax_steps: 10000000\nstart: a\nnodes:\n  a:\n    \
               branches:\n      - { id: again, weight: 1, next: a }\n      - { id: stop, weight: 1e-30 }\n";
    write(dir, "long.yaml", src)
}

/// Starts `whatif run` on a scenario whose runs last ten million steps, waits until its
/// temporary file exists, sends `signal` and returns the exit status and stderr.
fn interrupt_long_run(signal: &str) -> (Option<i32>, String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let f = long_loop(dir.path());
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("whatif"))
        .args(["run", "--runs", "100", "--threads", "1", "--per-run", "--out"])
        .arg(&out)
        .arg(&f)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !names(&out).iter().any(|n| n.contains("whatif-tmp")) {
        assert!(start.elapsed() < GUARD, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let kill = std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    // One run of this file lasts seconds even in release; before the walk looked at the
    // flag, stopping took until the chunk of 4,096 such runs ended.
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "still running 30 s after {signal}");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (status.code(), err, names(&out))
}

#[cfg(unix)]
#[test]
fn sigint_sigterm_and_sighup_stop_inside_a_long_run_and_clean_up() {
    for signal in ["-INT", "-TERM", "-HUP"] {
        let (code, err, left) = interrupt_long_run(signal);
        assert_eq!(code, Some(130), "{signal}: {err}");
        assert!(err.contains("interrupted"), "{signal}: {err}");
        assert!(left.is_empty(), "{signal}: left {left:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_killed_writers_temporaries_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "s.yaml", &two_way("1", "2"));
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    // What SIGKILL leaves: temporaries nobody holds, in the old naming and the new.
    fs::write(out.join(".outcomes.csv.whatif-tmp-4242"), "half").unwrap();
    fs::write(out.join(".runs.csv.whatif-tmp-4242-00ff00ff00ff00ff"), "half").unwrap();
    whatif().args(["run", "--runs", "100", "--quiet", "--out"]).arg(&out).arg(&f).assert().success();
    assert!(names(&out).iter().all(|n| !n.contains("whatif-tmp")), "{:?}", names(&out));
}

// 8. Two writers into one folder.

#[test]
fn two_runs_into_one_folder_end_with_one_whole_set() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "s.yaml", &two_way("1", "2"));
    let run = |seed: &str, out: &Path| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("whatif"))
            .args(["run", "--runs", "20000", "--quiet", "--seed", seed, "--out"])
            .arg(out)
            .arg(&f)
            .spawn()
            .unwrap()
    };
    let read_set = |out: &Path| -> Vec<(String, String)> {
        names(out).into_iter().map(|n| (n.clone(), fs::read_to_string(out.join(&n)).unwrap())).collect()
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(run("1", &a).wait().unwrap().success() && run("2", &b).wait().unwrap().success());
    let (set_a, set_b) = (read_set(&a), read_set(&b));
    assert_ne!(set_a, set_b);
    let shared = dir.path().join("shared");
    for _ in 0..12 {
        let (mut p, mut q) = (run("1", &shared), run("2", &shared));
        assert!(p.wait().unwrap().success() && q.wait().unwrap().success());
        let got = read_set(&shared);
        assert!(got == set_a || got == set_b, "a mixed set: {:?}", got.iter().map(|g| &g.0).collect::<Vec<_>>());
    }
}

// 9. Planted links.

#[cfg(unix)]
#[test]
fn a_planted_link_under_a_temporary_name_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "s.yaml", &two_way("1", "2"));
    let victim = write(dir.path(), "victim.txt", "precious");
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    // Names the old scheme would have used for the next few process ids.
    for pid in 0..2000u32 {
        std::os::unix::fs::symlink(&victim, out.join(format!(".outcomes.csv.whatif-tmp-{pid}"))).unwrap();
    }
    whatif().args(["run", "--runs", "100", "--quiet", "--out"]).arg(&out).arg(&f).assert().success();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(names(&out).iter().all(|n| !n.contains("whatif-tmp")), "planted links are removed");
}

// 10. Control characters and formulas.

#[test]
fn control_characters_are_refused_in_labels_and_escaped_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let bad = two_way("1", "2").replace("title: Two ways (test)", "title: \"Clear \\e[2J screen\"");
    let f = write(dir.path(), "esc.yaml", &bad);
    whatif()
        .arg("check")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(contains("title: the text contains the control character \\u{1b}"))
        .stderr(contains("esc.yaml:2:8"))
        .stderr(contains("\u{1b}").not());
    let outcome = two_way("1", "2").replace("outcome: X", "outcome: \"X\\u202e\"");
    let f = write(dir.path(), "bidi.yaml", &outcome);
    whatif().arg("check").arg(&f).assert().code(2).stderr(contains("\\u{202e}"));
    let raw_nul = two_way("1", "2").replace("outcome: X", "outcome: \"X\0\"");
    let f = write(dir.path(), "nul.yaml", &raw_nul);
    whatif()
        .arg("check")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(contains("control character \\u{0}"))
        .stderr(contains("nul.yaml:8:40"));
    // A file name with an escape sequence is shown escaped.
    whatif()
        .arg("check")
        .arg(dir.path().join("no\u{1b}[2Jsuch.yaml"))
        .assert()
        .code(2)
        .stderr(contains("no\\u{1b}[2Jsuch.yaml"))
        .stderr(contains("\u{1b}").not());
}

#[test]
fn formula_like_labels_are_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let src = two_way("1", "2").replace("outcome: X", "outcome: \"=HYPERLINK(\\\"http://x\\\")\"");
    let f = write(dir.path(), "formula.yaml", &src);
    let out = dir.path().join("out");
    whatif().args(["run", "--runs", "50", "--quiet", "--per-run", "--out"]).arg(&out).arg(&f).assert().success();
    for file in ["outcomes.csv", "paths.csv", "runs.csv"] {
        let text = fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains("'=HYPERLINK"), "{file}: {text}");
        assert!(!text.contains(",=HYPERLINK") && !text.contains("\n=HYPERLINK"), "{file}: {text}");
    }
}

// 11. Byte-order mark.

#[test]
fn a_byte_order_mark_is_accepted_and_the_file_hash_kept() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = [b"\xef\xbb\xbf".as_slice(), two_way("1", "2").as_bytes()].concat();
    let f = dir.path().join("bom.yaml");
    fs::write(&f, &bytes).unwrap();
    let out = dir.path().join("out");
    whatif().args(["run", "--runs", "10", "--quiet", "--out"]).arg(&out).arg(&f).assert().success();
    let manifest = fs::read_to_string(out.join("manifest.csv")).unwrap();
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert!(manifest.contains(&hash), "{manifest}");
}

// 12. Smaller ones.

#[test]
fn a_failed_run_leaves_no_empty_folder_and_a_bad_out_fails_before_work() {
    let dir = tempfile::tempdir().unwrap();
    let stuck = "whatif: 1\ntitle: Stuck (test)\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
                 - id: x\n        weight: 1\n        next: b\n  b:\n    branches:\n      - id: y\n        weight: 1\n        \
                 weight_if:\n          - { when: \"took(a.x)\", weight: 0 }\n";
    let f = write(dir.path(), "stuck.yaml", stuck);
    let out = dir.path().join("new/deeper");
    whatif()
        .args(["run", "--runs", "10", "--out"])
        .arg(&out)
        .arg(&f)
        .assert()
        .code(2)
        .stderr(contains("every branch weight is 0"));
    assert!(!dir.path().join("new").exists(), "the folders made for the run are removed again");
    // An --out that cannot be a folder is reported before the run that would fail.
    let file = write(dir.path(), "plain.txt", "not a folder");
    for cmd in ["run", "sweep", "converge", "report", "sensitivity"] {
        let mut c = whatif();
        c.arg(cmd).arg(&f).arg("--out").arg(file.join("sub"));
        if cmd == "sweep" {
            c.args(["--vary", "a.x=0:1:2"]);
        }
        c.assert().code(1).stderr(contains("cannot write")).stderr(contains("plain.txt"));
    }
}

#[cfg(unix)]
#[test]
fn a_full_disk_while_writing_the_per_run_table_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "s.yaml", &two_way("1", "2"));
    let out = dir.path().join("out");
    // A file-size limit makes writes fail as a full disk does (with the signal ignored).
    let cmd = format!(
        "trap '' XFSZ; ulimit -f 64; exec {} run --runs 200000 --per-run --quiet --out {} {}",
        assert_cmd::cargo::cargo_bin("whatif").display(),
        out.display(),
        f.display()
    );
    let output = std::process::Command::new("sh").args(["-c", &cmd]).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("cannot write {}", out.join("runs.csv").display())), "{err}");
    assert!(!out.exists(), "nothing is left behind");
}

#[test]
fn messages_point_at_the_duplicate_key_and_cut_huge_names() {
    let dir = tempfile::tempdir().unwrap();
    let dup = two_way("1", "2").replace("illustrative: true\n", "illustrative: true\ntitle: Again\n");
    let f = write(dir.path(), "dup.yaml", &dup);
    whatif()
        .arg("check")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(contains("duplicate field `title`"))
        .stderr(contains("dup.yaml:4:1"));
    let key = "k".repeat(1_000_000);
    let src = two_way("1", "2").replace("outcome: Y", &format!("outcome: Y, {key}: 1"));
    let f = write(dir.path(), "key.yaml", &src);
    let out = whatif().arg("check").arg(&f).assert().code(2).get_output().stderr.clone();
    assert!(out.len() < 2000, "{} bytes of error", out.len());
    assert!(String::from_utf8_lossy(&out).contains("…(1000000 characters)"));
}

#[test]
fn the_exact_analysis_of_a_long_forced_chain_completes() {
    // Each state used to cost time in proportion to the whole scenario: quadratic here.
    let n = 20_000;
    let mut src = format!(
        "whatif: 1\ntitle: Forced chain (test)\nillustrative: true\nmax_steps: {}\nstart: n0\nnodes:\n",
        n + 10
    );
    for i in 0..n {
        let next = if i + 1 < n { format!(", next: n{}", i + 1) } else { ", outcome: End".to_string() };
        src.push_str(&format!("  n{i}: {{ branches: [ {{ id: a, weight: 1{next} }} ] }}\n"));
    }
    let sc = load_str("chain.yaml", &src).unwrap();
    let exact = analyse(&sc, Budget::default()).unwrap();
    assert_eq!(exact.outcome[0], 1.0);
}

#[test]
fn a_sweep_up_to_the_largest_weights_stays_finite() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "big.yaml", &two_way("1e308", "1e308"));
    let out = dir.path().join("out");
    whatif()
        .arg("sweep")
        .arg(&f)
        .args(["--vary", "a.x=0:1.7e308:3", "--runs", "2000", "--out"])
        .arg(&out)
        .timeout(GUARD)
        .assert()
        .success();
    // The chart library loops on axes near 1.8e308 (it hung here), so no chart is drawn.
    assert!(fs::read_to_string(out.join("sweep.html")).unwrap().contains("too large to draw"));
    let csv = fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(!csv.contains("inf") && !csv.to_lowercase().contains("nan"), "{csv}");
    // At the top of the sweep, x has 1.7e308 against 1e308: 17/27 exactly.
    assert!(csv.contains("X,") && csv.contains("0.629629630"), "{csv}");
}
