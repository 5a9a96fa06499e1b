//! Draws the placed cards and the arrows between them as one SVG document with a
//! `viewBox`, so that it scales to any page or slide.

use super::cards::{Card, PAD, Style};
use super::layout::Layout;
use super::wrap;
use crate::scenario::Scenario;
use std::fmt::Write;

const INK: &str = "#1a1a1a";
const BLUE: &str = "#0b4f7c";
/// Okabe-Ito vermillion, darkened to read on white: conditions and loops.
const LOOP: &str = "#a63d00";
const GREEN: &str = "#00664a";
const GREY: &str = "#555555";
const FAINT: &str = "#9a9a9a";

/// The whole picture: the title and notice, then the cards and the arrows.
pub fn draw(sc: &Scenario, cards: &[Card], layout: &Layout) -> String {
    let width = layout.width;
    let (header, top) = header(sc, width);
    let height = layout.height + top;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" role=\"img\" aria-label=\"{label}\">\n\
         <title>{label}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n{MARKERS}",
        w = px(width),
        h = px(height),
        label = escape(&format!("Diagram of the scenario: {}", sc.title)),
    );
    s.push_str(&header);
    let _ = writeln!(s, "<g transform=\"translate(0 {})\">", px(top));
    for card in cards {
        edges(&mut s, sc, cards, layout, card.node as usize);
    }
    for card in cards {
        draw_card(&mut s, card, layout.at[card.node as usize]);
    }
    s.push_str("</g>\n</svg>\n");
    s
}

const MARKERS: &str = "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" \
    markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444444\"/></marker>\
    <marker id=\"back\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" \
    orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#a63d00\"/></marker></defs>\n";

/// The title and the notice (which every picture carries), and their height.
fn header(sc: &Scenario, width: f64) -> (String, f64) {
    let mut s = String::new();
    let title_chars = ((width - 40.0) / (20.0 * 0.62)) as usize;
    let mut y = 34.0;
    for line in wrap(&sc.title, title_chars) {
        let _ = writeln!(
            s,
            "<text x=\"20\" y=\"{}\" font-size=\"20\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
            px(y),
            escape(&line)
        );
        y += 26.0;
    }
    let notice = wrap(&format!("NOTICE: {}", sc.notice), ((width - 64.0) / (14.0 * 0.6)) as usize);
    let box_height = 16.0 + 19.0 * notice.len() as f64;
    let _ = writeln!(
        s,
        "<rect x=\"20\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#fdf6e3\" stroke=\"#b58900\" stroke-width=\"2\"/>",
        px(y - 10.0),
        px(width - 40.0),
        px(box_height)
    );
    y += 12.0;
    for line in notice {
        let _ = writeln!(
            s,
            "<text x=\"32\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
            px(y),
            escape(&line)
        );
        y += 19.0;
    }
    y += 8.0;
    for line in wrap(LEGEND, ((width - 40.0) / (13.0 * 0.57)) as usize) {
        let _ = writeln!(s, "<text x=\"20\" y=\"{}\" font-size=\"13\" fill=\"{GREY}\">{}</text>", px(y), escape(&line));
        y += 17.0;
    }
    (s, y + 16.0)
}

/// How to read the cards, once for the whole picture.
const LEGEND: &str = "Each branch shows its weight and its chance at the node from the base weights. \
    Orange italic lines give a weight that replaces the base weight when their condition holds (the first that \
    holds counts). Grey lines: effects on indicators. Dashed orange arrows: loops.";

fn draw_card(s: &mut String, card: &Card, (x, y): (f64, f64)) {
    let head = card.head_height();
    let _ = writeln!(
        s,
        "<g><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"8\" fill=\"#ffffff\"/>\
         <path d=\"M{x},{hy} v{neg} a8,8 0 0 1 8,-8 h{hw} a8,8 0 0 1 8,8 v{pos} z\" fill=\"#e6f0f7\"/>\
         <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"8\" fill=\"none\" stroke=\"#4d4d4d\" stroke-width=\"1.5\"/>",
        x = px(x),
        y = px(y),
        w = px(card.width),
        h = px(card.height),
        hy = px(y + head),
        neg = px(-(head - 8.0)),
        hw = px(card.width - 16.0),
        pos = px(head - 8.0),
    );
    let mut baseline = y + PAD;
    for line in &card.head {
        baseline += line.style.height();
        text(s, line, x, baseline - 4.0, card.width);
    }
    baseline += PAD / 2.0;
    for (i, line) in card.body.iter().enumerate() {
        if line.style == Style::Branch && line.right.is_some() && i > 0 {
            let _ = writeln!(
                s,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{y1}\" y2=\"{y1}\" stroke=\"#d0d0d0\"/>",
                px(x + PAD),
                px(x + card.width - PAD),
                y1 = px(baseline + 3.0)
            );
        }
        baseline += line.style.height();
        text(s, line, x, baseline - 4.0, card.width);
    }
    s.push_str("</g>\n");
}

fn text(s: &mut String, line: &super::Line, x: f64, y: f64, width: f64) {
    let style = line.style;
    let colour = if line.faint {
        FAINT
    } else {
        match style {
            Style::Node | Style::Question | Style::Label => INK,
            Style::Branch | Style::Goes => BLUE,
            Style::Condition => LOOP,
            Style::Ends => GREEN,
            Style::Note | Style::Effect => GREY,
        }
    };
    let weight = if matches!(style, Style::Node | Style::Branch | Style::Ends) { " font-weight=\"bold\"" } else { "" };
    let italic = if matches!(style, Style::Note | Style::Condition) { " font-style=\"italic\"" } else { "" };
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{colour}\"{weight}{italic}>{}</text>",
        px(x + PAD + style.indent()),
        px(y),
        style.size(),
        escape(&line.text)
    );
    if let Some(right) = &line.right {
        let colour = if line.faint { FAINT } else { INK };
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" fill=\"{colour}\" text-anchor=\"end\">{}</text>",
            px(x + width - PAD),
            px(y),
            escape(right)
        );
    }
}

/// The arrows out of node `v`: one per place its branches lead to.
fn edges(s: &mut String, sc: &Scenario, cards: &[Card], layout: &Layout, v: usize) {
    let mut targets: Vec<usize> =
        sc.node_branches(v as u32).iter().filter_map(|b| b.next.map(|m| m as usize)).collect();
    targets.sort_unstable();
    targets.dedup();
    let (x, y) = layout.at[v];
    let (w, h) = (cards[v].width, cards[v].height);
    for t in targets {
        let (tx, ty) = layout.at[t];
        let (tw, th) = (cards[t].width, cards[t].height);
        let back = layout.layer[t] <= layout.layer[v];
        let d = if t == v {
            let (y1, y2) = (y + h * 0.35, y + h * 0.65);
            format!(
                "M{},{} C{},{} {},{} {},{}",
                px(x + w),
                px(y1),
                px(x + w + 34.0),
                px(y1),
                px(x + w + 34.0),
                px(y2),
                px(x + w + 1.0),
                px(y2)
            )
        } else if back {
            let (x1, y1, x2, y2) = (
                x,
                y + h / 2.0,
                if layout.column[t] == layout.column[v] { tx } else { tx + tw },
                ty + th.min(80.0) / 2.0,
            );
            let bend = if layout.column[t] == layout.column[v] { -30.0 } else { 30.0 };
            format!(
                "M{},{} C{},{} {},{} {},{}",
                px(x1),
                px(y1),
                px(x1 - 30.0),
                px(y1),
                px(x2 + bend),
                px(y2),
                px(x2 + bend.signum()),
                px(y2)
            )
        } else if layout.column[t] != layout.column[v] {
            let (x1, y1, x2, y2) = (x + w, y + h / 2.0, tx, ty + th.min(80.0) / 2.0);
            let mid = (x2 - x1) / 2.0;
            format!(
                "M{},{} C{},{} {},{} {},{}",
                px(x1),
                px(y1),
                px(x1 + mid),
                px(y1),
                px(x2 - mid),
                px(y2),
                px(x2 - 1.0),
                px(y2)
            )
        } else if layout.layer[t] > layout.layer[v] + 1 && skipped(layout, v, t) {
            let (x1, y1, x2, y2) = (x + w, y + h * 0.6, tx + tw, ty + th.min(80.0) / 2.0);
            let out = x1.max(x2) + 30.0;
            format!("M{},{} C{},{} {},{} {},{}", px(x1), px(y1), px(out), px(y1), px(out), px(y2), px(x2 + 1.0), px(y2))
        } else {
            let (x1, y1, x2, y2) = (x + w / 2.0, y + h, tx + tw / 2.0, ty);
            format!(
                "M{},{} C{},{} {},{} {},{}",
                px(x1),
                px(y1),
                px(x1),
                px(y1 + 20.0),
                px(x2),
                px(y2 - 20.0),
                px(x2),
                px(y2 - 1.0)
            )
        };
        let looping = back || t == v;
        let (colour, marker, dash) =
            if looping { (LOOP, "back", " stroke-dasharray=\"6 4\"") } else { ("#444444", "arrow", "") };
        let _ = writeln!(
            s,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} marker-end=\"url(#{marker})\"/>"
        );
        if looping {
            let (lx, ly) = if t == v { (x + w + 38.0, y + h / 2.0 + 5.0) } else { (x - 34.0, y + h / 2.0 - 8.0) };
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"13\" font-weight=\"bold\" fill=\"{LOOP}\">loop</text>",
                px(lx),
                px(ly)
            );
        }
    }
}

/// Whether some card lies between layers of `v` and `t` in their column.
fn skipped(layout: &Layout, v: usize, t: usize) -> bool {
    (0..layout.layer.len()).any(|u| {
        layout.column[u] == layout.column[v] && layout.layer[u] > layout.layer[v] && layout.layer[u] < layout.layer[t]
    })
}

/// A coordinate with at most one decimal.
fn px(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() { format!("{}", r as i64) } else { format!("{r:.1}") }
}

/// Text for SVG: `&`, `<`, `>` and quotes escaped, control characters dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
