//! Graphviz DOT: nodes as boxes, outcomes as ellipses, branches as labelled edges.
//! Render with `whatif tree FILE --format dot | dot -Tsvg > tree.svg`.

use super::{TreeFormat, TreeInput, ending_outcomes, graph_edges, reach};
use crate::format::percent;

pub struct Dot;

/// A DOT string literal.
fn quote(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// Breaks long text into lines of at most `width` characters (the diagram's wrapping).
pub fn wrap(text: &str, width: usize) -> String {
    crate::diagram::wrap(text, width).join("\n")
}

impl TreeFormat for Dot {
    fn render(&self, input: &TreeInput) -> String {
        let sc = input.scenario;
        let mut s = String::from(
            "digraph whatif {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
        );
        s.push_str(&format!("  labelloc=t;\n  label={};\n", quote(&format!("{}\n{}", sc.title, wrap(&sc.notice, 80)))));
        for (n, node) in sc.nodes.iter().enumerate() {
            let mut label = node.id.clone();
            if let Some(q) = &node.question {
                label.push('\n');
                label.push_str(&wrap(q, 36));
            }
            if let Some(r) = reach(sc, input.exact, n as u32) {
                label.push_str(&format!("\nentered {} per run", crate::format::fixed(r, 3)));
            }
            s.push_str(&format!("  n_{} [label={}];\n", node.id, quote(&label)));
        }
        for (o, label) in ending_outcomes(sc) {
            s.push_str(&format!(
                "  o_{o} [shape=ellipse, style=filled, fillcolor=\"#eeeeee\", label={}];\n",
                quote(&wrap(label, 28))
            ));
        }
        for e in graph_edges(sc) {
            let mut label = format!(
                "{}\n{}{}",
                e.branch,
                percent(e.probability),
                if e.conditional { " (base; conditional)" } else { "" }
            );
            if !e.effects.is_empty() {
                label.push('\n');
                label.push_str(&wrap(&e.effects, 30));
            }
            if let Some(o) = &e.sets {
                label.push_str(&format!("\nsets: {o}"));
            }
            let style = if e.possible { "" } else { ", style=dashed" };
            s.push_str(&format!("  {} -> {} [label={}{style}];\n", e.from, e.to, quote(&label)));
        }
        s.push_str("}\n");
        s
    }
}
