//! What each node's card says, line by line, and how large it is. Sizes come from a
//! conservative estimate of character widths (no font metrics exist without a
//! renderer), so text never runs past its card.

use super::wrap;
use crate::engine::exact::Exact;
use crate::format::{effect_text, number, percent};
use crate::scenario::{Branch, Scenario};

/// Width of every card, in SVG pixels.
pub const CARD_WIDTH: f64 = 380.0;
/// Inner margin of a card.
pub const PAD: f64 = 10.0;

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The node's id, in the card's header.
    Node,
    Question,
    /// A note under the question (chances at base weights, how often the node is entered).
    Note,
    /// A branch's id, with its weight and chance on the right.
    Branch,
    /// A branch's label.
    Label,
    /// A conditional weight.
    Condition,
    Effect,
    /// Where the branch leads, when the arrows do not say it alone.
    Goes,
    /// The outcome an ending branch gives.
    Ends,
}

impl Style {
    /// Font size in pixels.
    pub fn size(self) -> f64 {
        match self {
            Style::Node | Style::Branch => 15.0,
            Style::Question | Style::Label | Style::Ends => 14.0,
            Style::Note | Style::Condition | Style::Effect | Style::Goes => 13.0,
        }
    }

    /// Height of one line.
    pub fn height(self) -> f64 {
        (self.size() * 1.3).round()
    }

    /// Left indent inside the card.
    pub fn indent(self) -> f64 {
        match self {
            Style::Node | Style::Question | Style::Note | Style::Branch => 0.0,
            _ => 14.0,
        }
    }

    /// How many characters fit in `width` pixels (a wide estimate, so text stays inside).
    pub fn chars(self, width: f64) -> usize {
        let per_char = if matches!(self, Style::Node | Style::Branch) { 0.62 } else { 0.57 };
        ((width - self.indent()) / (self.size() * per_char)).floor().max(8.0) as usize
    }
}

/// One line of a card.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub style: Style,
    /// Text aligned right on the same line (a branch's weight and chance).
    pub right: Option<String>,
    /// Drawn greyed out (a branch that can never be chosen).
    pub faint: bool,
}

/// A node's card.
#[derive(Debug, Clone)]
pub struct Card {
    pub node: u32,
    /// Header lines (id, question, notes), drawn on a tinted band.
    pub head: Vec<Line>,
    pub body: Vec<Line>,
    pub width: f64,
    pub height: f64,
}

impl Card {
    pub fn head_height(&self) -> f64 {
        PAD + self.head.iter().map(|l| l.style.height()).sum::<f64>() + PAD / 2.0
    }
}

/// Every node's card, in file order.
pub fn cards(sc: &Scenario, exact: Option<&Exact>) -> Vec<Card> {
    (0..sc.nodes.len() as u32).map(|n| card(sc, exact, n)).collect()
}

fn card(sc: &Scenario, exact: Option<&Exact>, n: u32) -> Card {
    let node = &sc.nodes[n as usize];
    let inner = CARD_WIDTH - 2.0 * PAD;
    let mut head = vec![plain(node.id.clone(), Style::Node)];
    if let Some(q) = &node.question {
        add_wrapped(&mut head, q, Style::Question, inner, false);
    }
    if let Some(note) = reach_note(sc, exact, n) {
        add_wrapped(&mut head, &note, Style::Note, inner, false);
    }
    if node.decision {
        add_wrapped(&mut head, "a decision: one option is chosen (--force), none is drawn", Style::Note, inner, false);
    }
    let several = destinations(sc, n) > 1;
    let mut body = Vec::new();
    for b in sc.node_branches(n) {
        branch_lines(&mut body, sc, n, b, several, inner);
    }
    let height = PAD + head.iter().chain(&body).map(|l| l.style.height()).sum::<f64>() + 1.5 * PAD;
    Card { node: n, head, body, width: CARD_WIDTH, height }
}

fn branch_lines(out: &mut Vec<Line>, sc: &Scenario, n: u32, b: &Branch, several: bool, inner: f64) {
    let faint = !b.possible();
    let node = &sc.nodes[n as usize];
    let total = node.cumulative.last().copied().unwrap_or(0.0);
    let right = if node.decision {
        "option".to_string()
    } else if total > 0.0 {
        format!("weight {} · {}", number(b.written), percent(b.weight / total))
    } else {
        format!("weight {}", number(b.written))
    };
    let id_width = inner - (right.chars().count() as f64 + 2.0) * Style::Branch.size() * 0.57;
    let mut first = wrap(&b.id, Style::Branch.chars(id_width.max(80.0)));
    let id = first.remove(0);
    out.push(Line { text: id, style: Style::Branch, right: Some(right), faint });
    for rest in first {
        out.push(Line { text: rest, style: Style::Branch, right: None, faint });
    }
    if let Some(label) = &b.label {
        add_wrapped(out, label, Style::Label, inner, faint);
    }
    for w in &b.weight_if {
        add_wrapped(out, &format!("weight {} if {}", number(w.written), w.text), Style::Condition, inner, faint);
    }
    let effects = effect_text(sc, b);
    if !effects.is_empty() {
        add_wrapped(out, &effects, Style::Effect, inner, faint);
    }
    if faint {
        add_wrapped(out, "never chosen: every weight is 0", Style::Note, inner, true);
    }
    match b.next {
        None => {
            let o = b.outcome.or(b.end_outcome).map(|o| sc.outcomes[o as usize].as_str()).unwrap_or("");
            add_wrapped(out, &format!("ends: {o}"), Style::Ends, inner, faint);
        }
        Some(m) => {
            if let Some(o) = b.outcome {
                add_wrapped(out, &format!("sets the outcome: {}", sc.outcomes[o as usize]), Style::Goes, inner, faint);
            }
            if several {
                let verb = if m == n { "↻ again" } else { "→" };
                add_wrapped(out, &format!("{verb} {}", sc.nodes[m as usize].id), Style::Goes, inner, faint);
            }
        }
    }
}

/// How many places the branches of `n` lead to (other nodes, or the end).
pub fn destinations(sc: &Scenario, n: u32) -> usize {
    let mut seen: Vec<Option<u32>> = sc.node_branches(n).iter().map(|b| b.next).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// "entered 2.31 times per run" or "reached in 40.00% of runs", when not every run
/// passes once.
fn reach_note(sc: &Scenario, exact: Option<&Exact>, n: u32) -> Option<String> {
    let e = exact.filter(|e| e.given.is_none())?;
    let node = &sc.nodes[n as usize];
    let range = node.first_branch as usize..(node.first_branch + node.n_branches) as usize;
    let entered: f64 = e.times_taken[range.clone()].iter().sum();
    let once: f64 = e.share_of_runs[range].iter().sum();
    if entered > once + 1e-9 {
        Some(format!("entered {} times per run on average", crate::format::fixed(entered, 2)))
    } else if entered < 1.0 - 5e-5 {
        Some(format!("reached in {} of runs", percent(entered)))
    } else {
        None
    }
}

fn plain(text: String, style: Style) -> Line {
    Line { text, style, right: None, faint: false }
}

fn add_wrapped(out: &mut Vec<Line>, text: &str, style: Style, inner: f64, faint: bool) {
    for piece in wrap(text, style.chars(inner)) {
        out.push(Line { text: piece, style, right: None, faint });
    }
}
