//! A Mermaid `flowchart`, for Markdown pages that render Mermaid.

use super::{TreeFormat, TreeInput, base_probability, effect_text};
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
        let mut used = vec![false; sc.outcomes.len()];
        for b in &sc.branches {
            if b.next.is_none() {
                used[b.end_outcome.unwrap_or(0) as usize] = true;
            }
        }
        for (o, label) in sc.outcomes.iter().enumerate() {
            if used[o] {
                s.push_str(&format!("  o_{o}([\"{}\"])\n", text(label)));
            }
        }
        for (n, node) in sc.nodes.iter().enumerate() {
            for (j, b) in sc.node_branches(n as u32).iter().enumerate() {
                let (p, conditional) = base_probability(sc, n as u32, j);
                let mut label =
                    format!("{} {}{}", b.id, percent(p), if conditional { " base, conditional" } else { "" });
                let effects = effect_text(sc, b);
                if !effects.is_empty() {
                    label.push_str(&format!("<br/>{}", text(&effects)));
                }
                let target = match b.next {
                    Some(m) => format!("n_{}", sc.nodes[m as usize].id),
                    None => format!("o_{}", b.end_outcome.unwrap_or(0)),
                };
                let arrow = if b.possible() { "-->" } else { "-.->" };
                s.push_str(&format!("  n_{} {arrow}|\"{}\"| {target}\n", node.id, label));
            }
        }
        s
    }
}
