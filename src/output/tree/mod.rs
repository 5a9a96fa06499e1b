//! `whatif tree`: the structure of a scenario with weights and probabilities, in three
//! formats (plain text for the terminal, Graphviz DOT, Mermaid flowchart), one module
//! each behind [`TreeFormat`].

mod dot;
mod mermaid;
mod text;

use crate::engine::exact::Exact;
use crate::format::percent;
use crate::scenario::{Branch, Scenario};

/// What a renderer gets.
pub struct TreeInput<'a> {
    pub scenario: &'a Scenario,
    /// Exact figures, when the analysis succeeded (for reach probabilities).
    pub exact: Option<&'a Exact>,
    /// Why `exact` is missing, if it is.
    pub exact_note: String,
    /// Text format only: how many levels to expand.
    pub depth: usize,
}

/// One output format of `whatif tree`.
pub trait TreeFormat {
    fn render(&self, input: &TreeInput) -> String;
}

/// The renderer for a format name (`text`, `dot`, `mermaid`).
pub fn format(name: &str) -> Option<Box<dyn TreeFormat>> {
    match name {
        "text" => Some(Box::new(text::Text)),
        "dot" => Some(Box::new(dot::Dot)),
        "mermaid" => Some(Box::new(mermaid::Mermaid)),
        _ => None,
    }
}

pub use crate::format::{effect_text, number};

/// The probability of branch `local` of node `n` at a visit, from the base weights; the
/// second value says whether conditions can change it.
pub fn base_probability(sc: &Scenario, n: u32, local: usize) -> (f64, bool) {
    let node = &sc.nodes[n as usize];
    let total = node.cumulative.last().copied().unwrap_or(0.0);
    let w = sc.node_branches(n)[local].weight;
    (if total > 0.0 { w / total } else { 0.0 }, node.conditional)
}

/// `33.33%` or `base 33.33%, depends on history`.
pub fn probability_text(sc: &Scenario, n: u32, local: usize) -> String {
    let (p, conditional) = base_probability(sc, n, local);
    if conditional { format!("{} at base weights (conditions can change it)", percent(p)) } else { percent(p) }
}

/// How often a node is entered per run, from the exact analysis.
pub fn reach(sc: &Scenario, exact: Option<&Exact>, n: u32) -> Option<f64> {
    let e = exact.filter(|e| e.given.is_none())?;
    let node = &sc.nodes[n as usize];
    let first = node.first_branch as usize;
    Some(e.times_taken[first..first + node.n_branches as usize].iter().fold(0.0, |a, b| a + b))
}

/// The label of the outcome a branch ends on, when it ends the walk.
pub fn end_label<'a>(sc: &'a Scenario, b: &Branch) -> Option<&'a str> {
    if b.next.is_some() {
        return None;
    }
    b.end_outcome.map(|o| sc.outcomes[o as usize].as_str())
}

/// One branch as a graph edge, for the DOT and Mermaid renderers.
pub struct GraphEdge {
    /// Graph id of the source node (`n_<id>`).
    pub from: String,
    /// Graph id of the target: the next node (`n_<id>`) or the outcome (`o_<index>`).
    pub to: String,
    pub branch: String,
    /// Probability at the node from the base weights.
    pub probability: f64,
    /// Whether conditions can change that probability.
    pub conditional: bool,
    pub effects: String,
    /// The outcome label a branch sets on its way to another node.
    pub sets: Option<String>,
    /// Whether the branch can ever be chosen (otherwise it is drawn dashed).
    pub possible: bool,
}

/// Every branch as an edge, in file order.
pub fn graph_edges(sc: &Scenario) -> Vec<GraphEdge> {
    let mut out = Vec::with_capacity(sc.branches.len());
    for (n, node) in sc.nodes.iter().enumerate() {
        for (j, b) in sc.node_branches(n as u32).iter().enumerate() {
            let (probability, conditional) = base_probability(sc, n as u32, j);
            out.push(GraphEdge {
                from: format!("n_{}", node.id),
                to: match b.next {
                    Some(m) => format!("n_{}", sc.nodes[m as usize].id),
                    None => format!("o_{}", b.end_outcome.unwrap_or(0)),
                },
                branch: b.id.clone(),
                probability,
                conditional,
                effects: effect_text(sc, b),
                sets: b.outcome.filter(|_| b.next.is_some()).map(|o| sc.outcomes[o as usize].clone()),
                possible: b.possible(),
            });
        }
    }
    out
}

/// The outcome labels some ending branch leads to (`(step limit)` has no edge), as
/// `(index, label)`.
pub fn ending_outcomes(sc: &Scenario) -> Vec<(usize, &str)> {
    (0..sc.outcomes.len())
        .filter(|&o| sc.branches.iter().any(|b| b.next.is_none() && b.end_outcome == Some(o as u32)))
        .map(|o| (o, sc.outcomes[o].as_str()))
        .collect()
}
