//! A Mermaid `flowchart`, for Markdown pages that render Mermaid.

use super::{TreeFormat, TreeInput, ending_outcomes, graph_edges};
use crate::format::percent;

pub struct Mermaid;

/// Text inside a Mermaid label: quotes and line breaks made safe.
fn text(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br/>")
}

impl TreeFormat for Mermaid {
    fn render(&self, input: &TreeInput) -> String {
        let sc = input.scenario;
        let mut s = format!("---\ntitle: \"{}\"\n---\nflowchart LR\n", text(&sc.title));
        s.push_str(&format!("  notice[[\"NOTICE: {}\"]]\n", text(&sc.notice)));
        for node in &sc.nodes {
            let label = match &node.question {
                Some(q) => format!("{}<br/>{}", node.id, text(q)),
                None => node.id.clone(),
            };
            s.push_str(&format!("  n_{}[\"{}\"]\n", node.id, label));
        }
        for (o, label) in ending_outcomes(sc) {
            s.push_str(&format!("  o_{o}([\"{}\"])\n", text(label)));
        }
        for e in graph_edges(sc) {
            let mut label = format!(
                "{} {}{}",
                e.branch,
                percent(e.probability),
                if e.conditional { " base, conditional" } else { "" }
            );
            if !e.effects.is_empty() {
                label.push_str(&format!("<br/>{}", text(&e.effects)));
            }
            if let Some(o) = &e.sets {
                label.push_str(&format!("<br/>sets: {}", text(o)));
            }
            let arrow = if e.possible { "-->" } else { "-.->" };
            s.push_str(&format!("  {} {arrow}|\"{}\"| {}\n", e.from, label, e.to));
        }
        s
    }
}
