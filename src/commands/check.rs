//! `whatif check`: validate files and summarise each on one screen.

use super::{AppError, load, print};
use crate::cli::{CheckArgs, FormatArg};
use crate::engine::exact::{Budget, ExactError};
use crate::engine::simulate::{SimConfig, SimError, simulate};
use crate::format::percent;
use crate::output::ExactStatus;
use crate::output::json::{CheckJson, to_text};
use crate::output::terminal::notice;
use crate::scenario::Scenario;
use crate::scenario::{Diagnostic, LoadError};
use std::fmt::Write;

/// A one-screen summary of a valid scenario, with what `check`'s exact analysis found.
pub fn summary(sc: &Scenario, exact: &ExactStatus) -> String {
    let mut s = format!("{}: ok\n", sc.file);
    s.push_str(&notice(sc));
    let ending = sc.branches.iter().filter(|b| b.next.is_none()).count();
    let conditional = sc.branches.iter().filter(|b| !b.weight_if.is_empty()).count();
    let random = sc.branches.iter().flat_map(|b| &b.effects).filter(|e| e.kind.is_random()).count();
    let _ = writeln!(
        s,
        "  {} nodes, {} branches ({} ending the walk, {} with conditional weights), {} indicators, {} outcomes",
        sc.nodes.len(),
        sc.branches.len(),
        ending,
        conditional,
        sc.indicators.len(),
        sc.outcomes.len() - 1,
    );
    let _ = writeln!(
        s,
        "  start: {}, max_steps: {}, random effects: {}",
        sc.nodes[sc.start as usize].id, sc.max_steps, random
    );
    let labels: Vec<&str> = sc.outcomes[..sc.outcomes.len() - 1].iter().map(String::as_str).collect();
    let _ = writeln!(s, "  outcomes: {}", labels.join("; "));
    if !sc.indicators.is_empty() {
        let names: Vec<&str> = sc.indicators.iter().map(|i| i.name.as_str()).collect();
        let _ = writeln!(s, "  indicators: {}", names.join(", "));
    }
    match exact.get() {
        Some(e) => {
            // In file order: a list of what this file's weights give, not a ranking.
            let order: Vec<usize> = (0..sc.outcomes.len()).filter(|&o| e.outcome[o] > 1e-12).collect();
            let parts: Vec<String> =
                order.iter().map(|&o| format!("{} {}", sc.outcomes[o], percent(e.outcome[o]))).collect();
            let _ = writeln!(s, "  exact in this file: {}", parts.join("; "));
        }
        None => {
            let _ = writeln!(s, "  exact analysis: {}", exact.note());
        }
    }
    for (n, node) in sc.nodes.iter().enumerate().filter(|(_, n)| n.decision) {
        let options: Vec<&str> = sc.node_branches(n as u32).iter().map(|b| b.id.as_str()).collect();
        let _ = writeln!(
            s,
            "  decision `{}`: options {} (runs need --force {}=OPTION; `compare FILE --options {}` runs them all)",
            node.id,
            options.join(", "),
            node.id,
            node.id
        );
    }
    if let Some(base) = &sc.extends {
        let changes = variant_changes(sc);
        let _ = writeln!(s, "  extends {base}, with {} change(s):", changes.len());
        for c in changes {
            let _ = writeln!(s, "    {c}");
        }
    }
    for w in &sc.warnings {
        let _ = writeln!(s, "  warning: {w}");
    }
    s
}

/// What a variant changes in the file it extends, resolved (as `compare` lists it).
pub fn variant_changes(sc: &Scenario) -> Vec<String> {
    let Some(base) = sc.extends.as_deref().and_then(|b| load(b).ok()) else { return Vec::new() };
    crate::analysis::compare::structure(&base, sc).iter().map(|c| c.describe()).collect()
}

/// A file whose runs can reach `node` with every weight 0: an error, with a path that
/// gets there when a short simulation finds one.
fn stuck(sc: &Scenario, node: &str) -> LoadError {
    let cfg = SimConfig { runs: SEARCH_RUNS, seed: crate::cli::DEFAULT_SEED, threads: 1, max_paths: 0 };
    let path = match simulate(sc, &cfg, None) {
        Err(SimError::NoWeight { path, .. }) => format!("one path that gets there: {path}"),
        _ => format!("no run of {SEARCH_RUNS} sampled found it, but the exact analysis proves it can happen"),
    };
    let message = format!(
        "a run can reach node `{node}` in a state where every branch weight is 0, so the simulation would stop there"
    );
    let help = format!("give some branch of `{node}` a positive weight in that situation ({path})");
    LoadError {
        file: sc.file.clone(),
        source: String::new(),
        problems: vec![Diagnostic::new(format!("nodes.{node}"), message).help(help)],
    }
}

/// Runs `check` samples to find a path into a visit with every weight 0.
const SEARCH_RUNS: u64 = 100_000;

/// The exact-analysis budget of `check`, which should answer at once.
const CHECK_STATES: u64 = 200_000;

pub fn check(args: &CheckArgs) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let mut documents = Vec::new();
    for (i, name) in args.scenarios.iter().enumerate() {
        let sc = match load(name) {
            Ok(sc) => super::ask(sc, &args.ask)?,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // Exact probabilities when they are cheap (a small budget; `run` tries harder).
        let exact = ExactStatus::compute(&sc, Budget { max_states: CHECK_STATES, ..Budget::default() });
        if let ExactStatus::Unavailable(ExactError::NoWeight { node }) = &exact {
            errors.push(stuck(&sc, node));
        } else if args.format == FormatArg::Json {
            let mut doc = CheckJson::of(&sc, &exact);
            doc.changes = variant_changes(&sc);
            documents.push(doc);
        } else {
            print(&format!("{}{}", if i > 0 { "\n" } else { "" }, summary(&sc, &exact)));
        }
    }
    if args.format == FormatArg::Json {
        print(&to_text(&documents));
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Scenario(errors)) }
}
