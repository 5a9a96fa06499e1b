//! The requests the page makes and how each is answered. Every answer is a JSON object
//! with `ok`; on failure it carries `error`, the same text the CLI prints (with line,
//! column, snippet and fix for a scenario file), and for scenario files the `problems`
//! one by one, so the editor can mark them.

use crate::views;
use serde::Deserialize;
use whatif_core::engine::simulate::SimConfig;
use whatif_core::scenario::{Scenario, load_str};

/// The most runs one request may ask for (the page offers up to 100,000).
pub const MAX_RUNS: u64 = 1_000_000;
/// Paths listed in `paths.csv`, as `whatif run` lists by default.
pub const MAX_PATHS: usize = 1000;

/// A scenario as the page holds it: a file name (for messages) and its text.
#[derive(Debug, Deserialize)]
pub struct Source {
    pub name: String,
    pub yaml: String,
}

/// What-if questions asked of the file (as `--force NODE=BRANCH` and `--given`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    /// `[node, branch]` pairs.
    #[serde(default)]
    pub force: Vec<(String, String)>,
    #[serde(default)]
    pub given: Option<String>,
}

/// One request.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Check a file and describe it (title, notice, nodes, controls).
    Open { file: Source },
    /// The file's text with one number changed (a weight or a start).
    Set { yaml: String, path: Vec<String>, value: String },
    /// Exact figures, a sample, the diagram and, with a baseline, paired differences.
    Analyse {
        file: Source,
        runs: u64,
        seed: u64,
        baseline: Option<Source>,
        #[serde(default)]
        ask: Ask,
    },
    /// One run told as a story.
    Replay {
        file: Source,
        seed: u64,
        run: u64,
        #[serde(default)]
        ask: Ask,
    },
    /// The CSV files `whatif run --per-run` writes, with the same bytes.
    Files {
        file: Source,
        runs: u64,
        seed: u64,
        #[serde(default)]
        ask: Ask,
    },
}

/// Answers one JSON request with one JSON answer.
pub fn handle(request: &str) -> String {
    let answer = match serde_json::from_str::<Request>(request) {
        Ok(r) => answer(r),
        Err(e) => Err(Failure::plain(format!("the page sent a request whatif does not understand: {e}"))),
    };
    match answer {
        Ok(v) => v.to_string(),
        Err(f) => f.into_json().to_string(),
    }
}

/// An answer that says only what went wrong.
pub fn error_answer(message: &str) -> String {
    Failure::plain(message.to_string()).into_json().to_string()
}

fn answer(r: Request) -> Result<serde_json::Value, Failure> {
    match r {
        Request::Open { file } => Ok(views::open(&load(&file)?)),
        Request::Set { yaml, path, value } => set(&yaml, &path, &value),
        Request::Analyse { file, runs, seed, baseline, ask } => {
            let plain = load(&file)?;
            let sc = asked(plain.clone(), &ask)?;
            if baseline.is_some() && ask.given.as_deref().is_some_and(|g| !g.trim().is_empty()) {
                return Err(Failure::plain(
                    "a pinned baseline and a condition (given) do not go together: each would count different runs, \
                     so the differences could not be paired; unpin the baseline or clear the condition"
                        .into(),
                ));
            }
            let base = baseline.map(|b| asked(load(&b)?, &ask)).transpose()?;
            views::analyse(&sc, &plain, &config(runs, seed)?, base.as_ref()).map_err(Failure::plain)
        }
        Request::Replay { file, seed, run, ask } => {
            let sc = asked(load(&file)?, &ask)?;
            let story = whatif_core::analysis::replay::replay(&sc, seed, run).map_err(Failure::plain)?;
            Ok(serde_json::json!({ "ok": true, "text": story }))
        }
        Request::Files { file, runs, seed, ask } => {
            views::files(&asked(load(&file)?, &ask)?, &config(runs, seed)?).map_err(Failure::plain)
        }
    }
}

fn load(file: &Source) -> Result<Scenario, Failure> {
    load_str(&file.name, &file.yaml).map_err(|e| Failure {
        error: e.to_string(),
        problems: e
            .problems
            .iter()
            .map(|p| views::Problem {
                line: p.location.map(|l| l.0),
                column: p.location.map(|l| l.1),
                message: p.message.clone(),
                help: p.help.clone(),
            })
            .collect(),
    })
}

/// The scenario with the page's questions asked of it, as the CLI asks them.
fn asked(mut sc: Scenario, ask: &Ask) -> Result<Scenario, Failure> {
    for (node, branch) in &ask.force {
        sc.force(node, branch).map_err(Failure::plain)?;
    }
    if let Some(g) = ask.given.as_deref().filter(|g| !g.trim().is_empty()) {
        sc.set_given(g.trim()).map_err(Failure::plain)?;
    }
    Ok(sc)
}

fn config(runs: u64, seed: u64) -> Result<SimConfig, Failure> {
    if runs == 0 || runs > MAX_RUNS {
        return Err(Failure::plain(format!("runs must be between 1 and {MAX_RUNS}; got {runs}")));
    }
    Ok(SimConfig { runs, seed, threads: 1, max_paths: MAX_PATHS })
}

/// A weight or start must be a finite number; weights also at least 0 (the loader says
/// so for the new text, with the line).
fn set(yaml: &str, path: &[String], value: &str) -> Result<serde_json::Value, Failure> {
    let number: f64 = value.trim().parse().map_err(|_| Failure::plain(format!("`{value}` is not a number")))?;
    if !number.is_finite() {
        return Err(Failure::plain(format!("`{value}` is not a finite number")));
    }
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    let text = whatif_core::yaml::edit::set_value(yaml, &keys, &number.to_string()).map_err(Failure::plain)?;
    Ok(serde_json::json!({ "ok": true, "yaml": text }))
}

struct Failure {
    error: String,
    problems: Vec<views::Problem>,
}

impl Failure {
    fn plain(error: String) -> Self {
        Failure { error, problems: Vec::new() }
    }

    fn into_json(self) -> serde_json::Value {
        serde_json::json!({ "ok": false, "error": self.error, "problems": self.problems })
    }
}

#[cfg(test)]
mod tests {
    use super::handle;
    use serde_json::{Value, json};

    const FILE: &str = "whatif: 1\ntitle: t\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      - { id: x, weight: 1, outcome: X }\n      - { id: y, weight: 3, outcome: Y }\n";

    fn ask(request: Value) -> Value {
        serde_json::from_str(&handle(&request.to_string())).unwrap()
    }

    #[test]
    fn analyse_gives_exact_and_sampled_shares_worked_by_hand() {
        let a = ask(json!({ "op": "analyse", "file": { "name": "t.yaml", "yaml": FILE }, "runs": 4000, "seed": 1 }));
        assert_eq!(a["ok"], true);
        let exact: Vec<f64> = a["outcomes"].as_array().unwrap().iter().map(|o| o["exact"].as_f64().unwrap()).collect();
        assert_eq!(exact, vec![0.25, 0.75]);
        let share = a["outcomes"][0]["share"].as_f64().unwrap();
        // 1/4 with 4,000 runs: 5 standard errors is 0.034.
        assert!((share - 0.25).abs() < 0.034, "{share}");
        assert!(a["diagram"].as_str().unwrap().starts_with("<svg"));
    }

    #[test]
    fn set_changes_the_number_and_a_pinned_baseline_lists_the_change() {
        let path = json!(["nodes", "a", "branches", "0", "weight"]);
        let s = ask(json!({ "op": "set", "yaml": FILE, "path": path, "value": "3" }));
        let edited = s["yaml"].as_str().unwrap();
        assert_eq!(edited, FILE.replace("id: x, weight: 1", "id: x, weight: 3"));
        let a = ask(json!({ "op": "analyse", "file": { "name": "t.yaml", "yaml": edited }, "runs": 1000, "seed": 1,
            "baseline": { "name": "t.yaml", "yaml": FILE } }));
        assert_eq!(a["compare"]["changes"][0], "changed a.x weight: 1 → 3");
        // Exactly 0.5 - 0.25.
        assert_eq!(a["compare"]["outcomes"][0]["exact_difference"], 0.25);
    }

    #[test]
    fn errors_carry_the_line_and_column_and_bad_requests_are_refused() {
        let broken = FILE.replace("weight: 3", "weight: three");
        let a = ask(json!({ "op": "open", "file": { "name": "t.yaml", "yaml": broken } }));
        assert_eq!(a["ok"], false);
        assert_eq!(a["problems"][0]["line"], 9);
        assert!(a["error"].as_str().unwrap().contains("t.yaml"));
        for bad in [
            json!({ "op": "analyse", "file": { "name": "t", "yaml": FILE }, "runs": 0, "seed": 1 }),
            json!({ "op": "set", "yaml": FILE, "path": ["nodes"], "value": "NaN" }),
            json!({ "op": "launch" }),
        ] {
            let a = ask(bad);
            assert_eq!(a["ok"], false, "{a}");
            assert!(!a["error"].as_str().unwrap().is_empty());
        }
    }
}
