//! The scenario as a picture a room can read: each node a card (its question, each
//! branch's chance at the node, the conditional weights that change it, its effects),
//! laid out top-down in layers and wrapped into columns so that the whole diagram fits
//! a 16:9 slide; loops are drawn as loops. The CLI writes it (`tree --format svg`, the
//! report) and the browser page shows the same picture, so it lives in the core.

mod cards;
mod layout;
mod svg;

pub use cards::{Card, Line, Style};
pub use layout::{Layout, layers};

use crate::engine::exact::Exact;
use crate::scenario::Scenario;

/// Beyond this many nodes a diagram would be unreadable on any slide.
pub const MAX_NODES: usize = 60;

/// The scenario as a standalone SVG document, or why it is not drawn.
pub fn svg(sc: &Scenario, exact: Option<&Exact>) -> Result<String, String> {
    if sc.nodes.len() > MAX_NODES {
        return Err(format!(
            "the diagram is drawn for files of at most {MAX_NODES} nodes and this one has {}; use `whatif tree \
             FILE --format dot` with Graphviz, or `whatif tree FILE --depth 3` for a part",
            sc.nodes.len()
        ));
    }
    let cards = cards::cards(sc, exact);
    let layout = layout::arrange(sc, &cards);
    Ok(svg::draw(sc, &cards, &layout))
}

/// Breaks text into lines of at most `width` characters (longer words get a line of
/// their own and are cut at `width`).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let mut word: String = word.to_string();
        while word.chars().count() > width {
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            push_word(&mut lines, &head, width);
        }
        push_word(&mut lines, &word, width);
    }
    lines.retain(|l| !l.is_empty());
    lines
}

fn push_word(lines: &mut Vec<String>, word: &str, width: usize) {
    let line = lines.last_mut().expect("never empty");
    if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
        lines.push(word.to_string());
    } else {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        assert_eq!(wrap("a bb ccc dddd eeeee", 8), vec!["a bb ccc", "dddd", "eeeee"]);
        let long = wrap(&"x".repeat(20), 8);
        assert_eq!(long, vec!["xxxxxxxx", "xxxxxxxx", "xxxx"]);
        assert!(wrap("", 10).is_empty());
    }
}
