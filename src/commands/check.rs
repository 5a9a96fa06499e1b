//! `whatif check`: validate files and summarise each on one screen.

use super::{AppError, load, print};
use crate::cli::{CheckArgs, FormatArg};
use crate::engine::exact::Budget;
use crate::format::percent;
use crate::output::ExactStatus;
use crate::output::json::{CheckJson, to_text};
use crate::output::terminal::notice;
use crate::scenario::Scenario;
use std::fmt::Write;

/// A one-screen summary of a valid scenario.
pub fn summary(sc: &Scenario) -> String {
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
    // Exact probabilities when they are cheap (a small budget; `run` tries harder).
    let exact = ExactStatus::compute(sc, Budget { max_states: CHECK_STATES, ..Budget::default() });
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
    for w in &sc.warnings {
        let _ = writeln!(s, "  warning: {w}");
    }
    s
}

/// The exact-analysis budget of `check`, which should answer at once.
const CHECK_STATES: u64 = 200_000;

pub fn check(args: &CheckArgs) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let mut documents = Vec::new();
    for (i, name) in args.scenarios.iter().enumerate() {
        match load(name) {
            Ok(sc) if args.format == FormatArg::Json => {
                let exact = ExactStatus::compute(&sc, Budget { max_states: CHECK_STATES, ..Budget::default() });
                documents.push(CheckJson::of(&sc, &exact));
            }
            Ok(sc) => print(&format!("{}{}", if i > 0 { "\n" } else { "" }, summary(&sc))),
            Err(e) => errors.push(e),
        }
    }
    if args.format == FormatArg::Json {
        print(&to_text(&documents));
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Scenario(errors)) }
}
