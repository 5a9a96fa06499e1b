//! The browser page, driven in headless Chromium as a class would use it: it loads with
//! the network off, shows the CLI's exact shares and counts, follows a weight moved from
//! the keyboard to what the CLI computes for the edited file, points at a broken file's
//! line and column, and downloads the CLI's CSV bytes.

mod cdp;
#[path = "../common/mod.rs"]
mod common;

use cdp::Browser;
use common::whatif;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A page written by the CLI under test, with the bundled scenarios.
fn page(dir: &Path) -> PathBuf {
    let out = dir.join("whatif.html");
    whatif().args(["page", "-q", "--out"]).arg(&out).assert().success();
    out
}

fn opened(width: u32, height: u32) -> Option<(Browser, tempfile::TempDir)> {
    let mut b = Browser::launch()?;
    let dir = tempfile::tempdir().unwrap();
    let file = page(dir.path());
    b.open(&file, width, height);
    b.wait_for("window.whatif && (window.whatif.ready || window.whatif.error)", Duration::from_secs(30));
    assert_eq!(b.eval("window.whatif.error || ''"), Value::from(""), "the page started");
    Some((b, dir))
}

/// `whatif check --format json`'s exact probabilities for a file.
fn cli_exact(file: &str) -> Vec<f64> {
    let out = whatif().args(["check", "--format", "json", file]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0]["exact_probabilities"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn page_exact(b: &mut Browser) -> Vec<f64> {
    let v = b.eval("window.whatif.last.outcomes.map(o => o.exact)");
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// The CLI's run of a file: its folder of CSV files.
fn cli_run(file: &str, runs: u32, seed: u32, dir: &Path) -> PathBuf {
    let out = dir.join("cli");
    whatif()
        .args(["run", file, "--per-run", "-q", "--runs", &runs.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn the_page_loads_offline_and_gives_the_clis_exact_shares_and_counts() {
    let Some((mut b, dir)) = opened(1280, 800) else { return };
    let requests = b.requests();
    assert!(!requests.is_empty());
    for url in &requests {
        assert!(url.starts_with("file://") || url.starts_with("data:"), "the page asked the network for {url}");
    }
    let notice = b.eval("document.getElementById('notice').textContent");
    assert!(notice.as_str().unwrap().starts_with("NOTICE: Illustrative teaching scenario."));
    assert_eq!(page_exact(&mut b), cli_exact("putin_north_korea_visit"));
    // Seed 42 and 10,000 runs (the page's default) give the CLI's counts.
    let counts = b.eval("window.whatif.last.outcomes.map(o => o.runs)");
    let cli = cli_run("putin_north_korea_visit", 10_000, 42, dir.path());
    let csv = fs::read_to_string(cli.join("outcomes.csv")).unwrap();
    let expected: Vec<u64> = csv.lines().skip(1).map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect();
    let got: Vec<u64> = counts.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
    assert_eq!(got, expected);
    let status = b.eval("document.getElementById('status').textContent");
    assert!(status.as_str().unwrap().contains("10,000 runs, seed 42"), "{status}");
    // Pin the baseline, pick a variant: the paired differences of `whatif compare`.
    b.eval("document.getElementById('pin').click()");
    b.eval("const p = document.getElementById('picker'); p.value = '1'; p.dispatchEvent(new Event('change'))");
    b.wait_for("window.whatif.last.compare && window.whatif.last.compare.changes.length > 0", Duration::from_secs(10));
    let changes = b.eval("window.whatif.last.compare.changes");
    assert!(
        changes.as_array().unwrap().contains(&Value::from("changed relief.some_relief weight: 2 → 1")),
        "{changes}"
    );
    let out = dir.path().join("cmp");
    whatif()
        .args([
            "compare",
            "putin_north_korea_visit",
            "putin_north_korea_visit_sanctions_tighten",
            "--runs",
            "10000",
            "-q",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let csv = fs::read_to_string(out.join("differences.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "difference").unwrap();
    let cli: Vec<f64> = csv.lines().skip(1).map(|l| l.split(',').nth(col).unwrap().parse().unwrap()).collect();
    let page = b.eval("window.whatif.last.compare.outcomes.map(o => o.difference)");
    let page: Vec<f64> = page.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(page.len(), cli.len());
    for (p, c) in page.iter().zip(&cli) {
        assert!((p - c).abs() < 1e-9, "page {p} vs CLI {c}");
    }
}

#[test]
fn a_weight_moved_from_the_keyboard_gives_what_the_cli_computes_for_the_edited_file() {
    let Some((mut b, dir)) = opened(1280, 800) else { return };
    let before = page_exact(&mut b);
    // summit.arms_talks: weight 3; one step right is 3.5.
    b.eval("document.getElementById('w-0-0-range').focus()");
    let started = Instant::now();
    b.press("ArrowRight", "ArrowRight", 39);
    b.wait_for("window.whatif.last.scenario.nodes[0].branches[0].weight === 3.5", Duration::from_secs(10));
    eprintln!(
        "a weight change redrawn in {:?} (as seen from the test, DevTools round trips included)",
        started.elapsed()
    );
    assert_eq!(b.eval("document.getElementById('w-0-0').value"), Value::from("3.5"));
    let after = page_exact(&mut b);
    assert_ne!(after, before);
    // The editor holds the edited file; the CLI on that file agrees to the last bit.
    let yaml = b.eval("document.getElementById('editor').value");
    let original = include_str!("../../scenarios/putin_north_korea_visit.yaml");
    let text = yaml.as_str().unwrap();
    assert_eq!(text.lines().filter(|l| !original.contains(*l)).count(), 1, "exactly one line changed");
    let edited = dir.path().join("edited.yaml");
    fs::write(&edited, text).unwrap();
    assert_eq!(after, cli_exact(edited.to_str().unwrap()));
    // Pinned as a baseline, then moved back: the differences list what changed.
    b.eval("document.getElementById('pin').click()");
    b.eval("document.getElementById('w-0-0-range').focus()");
    b.press("ArrowLeft", "ArrowLeft", 37);
    b.wait_for(
        "window.whatif.last.compare && window.whatif.last.compare.changes.length === 1",
        Duration::from_secs(10),
    );
    let change = b.eval("window.whatif.last.compare.changes[0]");
    assert_eq!(change, Value::from("changed summit.arms_talks weight: 3.5 → 3"));
    if let Ok(dir) = std::env::var("WHATIF_SCREENSHOTS") {
        b.eval("window.scrollTo(0, 0)");
        b.screenshot(&Path::new(&dir).join("page-1280x800.png"));
        b.eval("window.scrollTo(0, 700)");
        b.screenshot(&Path::new(&dir).join("page-1280x800-scrolled.png"));
        b.eval("document.getElementById('diagram-section').scrollIntoView()");
        b.screenshot(&Path::new(&dir).join("page-1280x800-diagram.png"));
        b.send("Emulation.setEmulatedMedia", serde_json::json!({ "media": "print" }));
        b.eval("window.scrollTo(0, 0)");
        b.screenshot(&Path::new(&dir).join("page-print.png"));
        b.send("Emulation.setEmulatedMedia", serde_json::json!({ "media": "" }));
    }
    // Replay run 7 as the CLI tells it (the file line names the page's file).
    b.eval("document.getElementById('run-number').value = '7'; document.getElementById('replay').click()");
    let story = b.eval("document.getElementById('story').textContent");
    let cli = common::stdout_of(whatif().args(["replay", "putin_north_korea_visit", "--run", "7", "--seed", "42"]));
    let without_file = |s: &str| s.lines().filter(|l| !l.starts_with("Scenario file:")).collect::<Vec<_>>().join("\n");
    assert_eq!(without_file(story.as_str().unwrap()), without_file(&cli));
}

#[test]
fn a_broken_file_shows_its_line_and_column_and_the_clis_message() {
    let Some((mut b, dir)) = opened(1280, 800) else { return };
    let broken = include_str!("../../scenarios/putin_north_korea_visit.yaml").replacen("weight: 3", "weight: three", 1);
    let path = dir.path().join("broken.yaml");
    fs::write(&path, &broken).unwrap();
    let cli = whatif().args(["check"]).arg(&path).output().unwrap();
    let cli_err = String::from_utf8_lossy(&cli.stderr).to_string();
    let js = format!(
        "const e = document.getElementById('editor'); e.value = {}; e.dispatchEvent(new Event('input'))",
        serde_json::to_string(&broken).unwrap()
    );
    b.eval(&js);
    b.wait_for("!document.getElementById('problems').hidden", Duration::from_secs(10));
    let shown = b.eval("document.getElementById('problems').textContent").as_str().unwrap().to_string();
    let line = broken.lines().position(|l| l.contains("weight: three")).unwrap() + 1;
    assert!(shown.contains(&format!("line {line}, column")), "{shown}");
    // The same message and fix as the CLI (its first line names the file the same way).
    let first = cli_err.lines().find(|l| l.contains("error")).unwrap_or_default();
    let message = first.split(": ").skip(1).collect::<Vec<_>>().join(": ");
    assert!(!message.is_empty() && shown.contains(message.trim()), "CLI: {cli_err}\npage: {shown}");
    assert_eq!(b.eval("document.getElementById('chart').classList.contains('stale')"), Value::from(true));
}

#[test]
fn a_file_opened_from_disk_replaces_the_scenario_and_the_notice_stays_in_view() {
    let Some((mut b, _dir)) = opened(1280, 800) else { return };
    let file = common::fixture("dice_loop.yaml");
    let node = b.send("DOM.getDocument", serde_json::json!({}));
    let input =
        b.send("DOM.querySelector", serde_json::json!({ "nodeId": node["root"]["nodeId"], "selector": "#open-file" }));
    b.send(
        "DOM.setFileInputFiles",
        serde_json::json!({ "files": [file.display().to_string()], "nodeId": input["nodeId"] }),
    );
    b.wait_for("window.whatif.last.scenario.title.startsWith('Dice loop')", Duration::from_secs(10));
    assert_eq!(page_exact(&mut b), cli_exact(file.to_str().unwrap()));
    assert_eq!(
        b.eval("document.getElementById('notice').textContent"),
        Value::from("NOTICE: Test fixture. Not a forecast.")
    );
    // The loop is drawn as a loop in the page's diagram.
    assert_eq!(b.eval("document.getElementById('diagram').innerHTML.includes('>loop<')"), Value::from(true));
    b.eval("window.scrollTo(0, 100000)");
    let top = b.eval("document.getElementById('notice').getBoundingClientRect().top").as_f64().unwrap();
    assert!((0.0..100.0).contains(&top), "the notice stays in view: {top}");
}

#[test]
fn forcing_and_observing_on_the_page_give_the_clis_exact_figures() {
    let Some((mut b, _dir)) = opened(1280, 800) else { return };
    // military is the third node: choose more_ammunition in its Force list.
    b.eval("{ const s = document.getElementById('force-2'); s.value = 'more_ammunition'; s.dispatchEvent(new Event('change')) }");
    b.wait_for("window.whatif.last.asked.length === 1", Duration::from_secs(10));
    let cli = |args: &[&str]| -> Vec<f64> {
        let out = whatif().args(["check", "putin_north_korea_visit", "--format", "json"]).args(args).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v[0]["exact_probabilities"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
    };
    assert_eq!(page_exact(&mut b), cli(&["--force", "military=more_ammunition"]));
    b.eval("{ const s = document.getElementById('force-2'); s.value = ''; s.dispatchEvent(new Event('change')) }");
    b.eval("document.getElementById('given').value = 'took(military.more_ammunition)'; document.getElementById('given-apply').click()");
    b.wait_for("window.whatif.last.excluded > 0", Duration::from_secs(10));
    assert_eq!(page_exact(&mut b), cli(&["--given", "took(military.more_ammunition)"]));
    let status = b.eval("document.getElementById('status').textContent");
    assert!(status.as_str().unwrap().contains("runs end with took(military.more_ammunition) true"), "{status}");
    if let Ok(dir) = std::env::var("WHATIF_SCREENSHOTS") {
        b.screenshot(&Path::new(&dir).join("page-1280x800-given.png"));
    }
}

#[test]
fn downloaded_csv_files_are_the_clis_bytes() {
    let Some((mut b, dir)) = opened(1280, 800) else { return };
    let downloads = dir.path().join("downloads");
    fs::create_dir(&downloads).unwrap();
    b.allow_downloads(&downloads);
    let cli = cli_run("putin_north_korea_visit", 10_000, 42, dir.path());
    for name in ["outcomes.csv", "branches.csv", "paths.csv", "indicators.csv", "runs.csv"] {
        b.eval(&format!("document.querySelector('#downloads button[data-file=\"{name}\"]').click()"));
        let got = wait_for_file(&downloads.join(name));
        assert_eq!(got, fs::read(cli.join(name)).unwrap(), "{name} differs from the CLI's");
    }
}

fn wait_for_file(path: &Path) -> Vec<u8> {
    let started = Instant::now();
    loop {
        if let Ok(bytes) = fs::read(path)
            && !bytes.is_empty()
        {
            // A download is renamed into place when complete.
            return bytes;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no download at {}", path.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_page_is_usable_on_a_phone_and_keeps_the_notice_in_view() {
    let Some((mut b, _dir)) = opened(390, 844) else { return };
    let wide = b.eval("document.documentElement.scrollWidth <= window.innerWidth + 1");
    assert_eq!(wide, Value::from(true), "nothing wider than the phone's screen");
    b.eval("window.scrollTo(0, 3000)");
    let top = b.eval("document.getElementById('notice').getBoundingClientRect().top");
    assert!(top.as_f64().unwrap() >= 0.0 && top.as_f64().unwrap() < 200.0, "the notice stays in view: {top}");
    if let Ok(dir) = std::env::var("WHATIF_SCREENSHOTS") {
        b.eval("window.scrollTo(0, 0)");
        b.screenshot(&Path::new(&dir).join("page-390x844.png"));
    }
}

/// How long a weight change takes to redraw (exact figures, a 10,000-run sample, the
/// diagram and the tables, style and layout included), measured in the page with
/// `performance.now()`. A
/// measurement, not a check: `cargo test --release --test browser -- --ignored
/// --nocapture page_speed` (BENCHMARKS.md records the figures).
#[test]
#[ignore]
fn page_speed() {
    let Some((mut b, dir)) = opened(1280, 800) else { return };
    let js = "(() => { const out = []; const r = document.getElementById('w-0-0-range');
        for (let i = 0; i < 21; i++) { r.value = String(2 + (i % 4) * 0.5); const t0 = performance.now();
          r.dispatchEvent(new Event('input')); const t1 = performance.now();
          window.whatif.flush(); void document.body.offsetHeight; const t2 = performance.now(); out.push([t1 - t0, t2 - t0, window.whatif.timings.at(-1).engine]); }
        return out.slice(1); })()";
    let v = b.eval(js);
    let mut totals: Vec<f64> = v.as_array().unwrap().iter().map(|x| x[1].as_f64().unwrap()).collect();
    let mut engine: Vec<f64> = v.as_array().unwrap().iter().map(|x| x[2].as_f64().unwrap()).collect();
    totals.sort_by(f64::total_cmp);
    engine.sort_by(f64::total_cmp);
    eprintln!(
        "weight change to redrawn page, 20 changes, 10,000 runs: median {:.1} ms, max {:.1} ms (engine: median {:.1} ms)",
        totals[10], totals[19], engine[10]
    );
    b.eval("document.getElementById('pin').click()");
    let v = b.eval(js);
    let mut totals: Vec<f64> = v.as_array().unwrap().iter().map(|x| x[1].as_f64().unwrap()).collect();
    totals.sort_by(f64::total_cmp);
    eprintln!(
        "the same with a pinned baseline (paired differences): median {:.1} ms, max {:.1} ms",
        totals[10], totals[19]
    );
    b.eval("document.getElementById('unpin').click()");
    // One thread each: the page's engine (WebAssembly) and the native CLI, on the runs
    // alone (a 1,000,000-run request less a 20-run one, best of three).
    let wasm = b.eval(
        "(() => { const f = { name: 'p.yaml', yaml: document.getElementById('editor').value };
          const t = (runs) => { const t0 = performance.now();
            const a = window.whatif.engine({ op: 'analyse', file: f, runs, seed: 42, baseline: null });
            if (!a.ok) throw new Error(a.error); return performance.now() - t0; };
          let best = Infinity; for (let i = 0; i < 3; i++) best = Math.min(best, t(1000000) - t(20)); return best; })()",
    );
    let time = |runs: &str| {
        let t0 = Instant::now();
        whatif()
            .args(["run", "--threads", "1", "--no-exact", "-q", "--runs", runs, "--out"])
            .arg(dir.path().join("native"))
            .assert()
            .success();
        t0.elapsed().as_secs_f64() * 1000.0
    };
    let native = (0..3).map(|_| time("1000000") - time("20")).fold(f64::INFINITY, f64::min);
    let wasm = wasm.as_f64().unwrap();
    eprintln!(
        "1,000,000 runs of the bundled scenario on one thread: WebAssembly in Chromium {wasm:.0} ms, native {native:.0} ms \
         (WebAssembly at {:.2}x the native speed)",
        native / wasm
    );
}
