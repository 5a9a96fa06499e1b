//! The text tree: depth first from `start`, in file order, each node expanded once;
//! later arrivals and loops are references back to it.

use super::{TreeFormat, TreeInput, effect_text, end_label, number, probability_text, reach};
use crate::format::percent;
use crate::output::terminal::notice;

pub struct Text;

/// Levels the text tree expands at most: deeper indentation would not fit a terminal, and
/// a chain of 100,000 nodes must not exhaust the stack or the memory.
pub const MAX_LEVELS: usize = 64;

struct Walker<'a> {
    input: &'a TreeInput<'a>,
    out: String,
    expanded: Vec<bool>,
    /// Nodes on the current path from `start`: a `next` to one of them is a loop.
    stack: Vec<u32>,
}

impl Walker<'_> {
    fn node(&mut self, n: u32, prefix: &str, level: usize) {
        let sc = self.input.scenario;
        let node = &sc.nodes[n as usize];
        self.expanded[n as usize] = true;
        for (j, b) in sc.node_branches(n).iter().enumerate() {
            let last = j + 1 == node.n_branches as usize;
            let (branch_mark, child_prefix) = if last { ("└─ ", "   ") } else { ("├─ ", "│  ") };
            let inner = format!("{prefix}{child_prefix}");
            let label = b.label.as_deref().map(|l| format!(": {l}")).unwrap_or_default();
            self.out.push_str(&format!("{prefix}{branch_mark}{}{label}\n", b.id));
            if node.decision {
                self.out.push_str(&format!("{inner}   an option of a decision: chosen with --force, never drawn\n"));
            } else {
                self.out.push_str(&format!(
                    "{inner}   weight {} → {}\n",
                    number(b.written),
                    probability_text(sc, n, j)
                ));
            }
            for w in &b.weight_if {
                self.out.push_str(&format!("{inner}   weight {} when {}\n", number(w.written), w.text));
            }
            let effects = effect_text(sc, b);
            if !effects.is_empty() {
                self.out.push_str(&format!("{inner}   effects: {effects}\n"));
            }
            if let Some(o) = b.outcome {
                self.out.push_str(&format!("{inner}   outcome: {}\n", sc.outcomes[o as usize]));
            }
            match b.next {
                None => {
                    let end = end_label(sc, b).unwrap_or("");
                    if b.outcome.is_none() {
                        self.out.push_str(&format!("{inner}   ends the walk (outcome `{end}` unless one was set)\n"));
                    } else {
                        self.out.push_str(&format!("{inner}   ends the walk\n"));
                    }
                }
                Some(m) if self.expanded[m as usize] => {
                    let kind = if self.on_stack(m) { "loops back to" } else { "continues at" };
                    self.out.push_str(&format!("{inner}   ↪ {kind} {} (shown above)\n", sc.nodes[m as usize].id));
                }
                Some(m) if level + 1 >= self.input.depth.min(MAX_LEVELS) => {
                    let why = if self.input.depth <= MAX_LEVELS {
                        format!("deeper than --depth {}", self.input.depth)
                    } else {
                        format!("the text tree stops at {MAX_LEVELS} levels; use --format dot for the whole graph")
                    };
                    self.out.push_str(&format!("{inner}   → {} ({why})\n", sc.nodes[m as usize].id));
                }
                Some(m) => {
                    self.header(m, &format!("{inner}   "));
                    self.stack.push(m);
                    self.node(m, &format!("{inner}   "), level + 1);
                    self.stack.pop();
                }
            }
        }
    }

    fn on_stack(&self, m: u32) -> bool {
        self.stack.contains(&m)
    }

    fn header(&mut self, n: u32, prefix: &str) {
        let sc = self.input.scenario;
        let node = &sc.nodes[n as usize];
        let question = node.question.as_deref().map(|q| format!(": {q}")).unwrap_or_default();
        let reached = match reach(sc, self.input.exact, n) {
            Some(r) if self.cyclic(n) => format!("  (entered {:.3} times per run on average)", r),
            Some(r) => format!("  (reached in {} of runs)", percent(r)),
            None => String::new(),
        };
        self.out.push_str(&format!("{prefix}▶ {}{question}{reached}\n", node.id));
    }

    fn cyclic(&self, n: u32) -> bool {
        self.input.exact.filter(|e| e.given.is_none()).is_some_and(|e| {
            let node = &self.input.scenario.nodes[n as usize];
            let first = node.first_branch as usize;
            (first..first + node.n_branches as usize).any(|b| e.times_taken[b] > e.share_of_runs[b] + 1e-12)
        })
    }
}

impl TreeFormat for Text {
    fn render(&self, input: &TreeInput) -> String {
        let sc = input.scenario;
        let mut w = Walker { input, out: notice(sc), expanded: vec![false; sc.nodes.len()], stack: vec![sc.start] };
        w.out.push('\n');
        w.header(sc.start, "");
        w.node(sc.start, "", 0);
        let unreachable: Vec<&str> =
            sc.nodes.iter().enumerate().filter(|(i, _)| !w.expanded[*i]).map(|(_, n)| n.id.as_str()).collect();
        if !unreachable.is_empty() && input.depth == usize::MAX {
            w.out.push_str(&format!("\nnot reachable from start: {}\n", unreachable.join(", ")));
        }
        if let Some(e) = input.exact {
            // In file order: what this file's invented weights give, not a ranking.
            w.out.push_str("\nexact outcome probabilities in this file:\n");
            for o in (0..sc.outcomes.len()).filter(|&o| e.outcome[o] > 1e-12) {
                w.out.push_str(&format!("  {:>7}  {}\n", percent(e.outcome[o]), sc.outcomes[o]));
            }
        } else {
            w.out.push_str(&format!("\nexact analysis: {}\n", input.exact_note));
        }
        w.out
    }
}
