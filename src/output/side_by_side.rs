//! The compare page's first chart: each outcome's share in the baseline and in the
//! variant as two bars side by side, with 95% whiskers and the exact share marked, so a
//! class sees both sets of shares before it reads their differences. Drawn as plain SVG
//! with a `viewBox`, so it scales down to a phone.

use super::report::{IntervalRow, escape};
use crate::diagram::wrap;
use std::fmt::Write;

/// The two colours: Okabe-Ito blue and vermillion (apart for colour-blind readers).
const BASE: &str = "#0072b2";
const VARIANT: &str = "#d55e00";
const WIDTH: f64 = 860.0;
const LEFT: f64 = 230.0;
const RIGHT: f64 = 30.0;
const BAR: f64 = 16.0;

/// The top of a share axis that shows `max`, and its tick step (20, 10 or 5 points):
/// the next tick above `max`, at most 100%.
pub fn share_axis(max: f64) -> (f64, f64) {
    let step = if max > 0.5 {
        0.2
    } else if max > 0.2 {
        0.1
    } else {
        0.05
    };
    (((max / step - 1e-9).ceil() * step).clamp(step, 1.0), step)
}

/// One outcome in both files.
pub struct SharePair {
    pub base: IntervalRow,
    pub variant: IntervalRow,
}

/// The chart; `names` are the baseline's and the variant's names for the legend.
pub fn chart(names: (&str, &str), rows: &[SharePair]) -> String {
    let top = 78.0;
    let group = 2.0 * BAR + 22.0;
    let height = top + group * rows.len() as f64 + 36.0;
    let max = rows
        .iter()
        .flat_map(|r| [r.base.hi, r.variant.hi, r.base.exact.unwrap_or(0.0), r.variant.exact.unwrap_or(0.0)])
        .fold(0.0, f64::max);
    let (axis_max, step) = share_axis(max);
    let x = |v: f64| LEFT + (WIDTH - LEFT - RIGHT) * (v / axis_max).clamp(0.0, 1.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
         font-family=\"sans-serif\" role=\"img\" aria-label=\"Share of runs by outcome, baseline and variant side by side\">\n\
         <text x=\"10\" y=\"20\" font-size=\"16\" font-weight=\"bold\">Share of runs by outcome, side by side</text>\n"
    );
    legend(&mut s, names);
    let mut tick = 0.0;
    while tick <= axis_max + 1e-9 {
        let tx = x(tick);
        let _ = writeln!(
            s,
            "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#e0e0e0\"/><text x=\"{tx:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#444\">{}%</text>",
            height - 30.0,
            height - 14.0,
            (tick * 100.0).round()
        );
        tick += step;
    }
    for (i, r) in rows.iter().enumerate() {
        let y0 = top + group * i as f64 + 6.0;
        let label = wrap(&r.base.label, 30);
        for (k, line) in label.iter().take(2).enumerate() {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\">{}</text>",
                LEFT - 8.0,
                y0 + 14.0 + 15.0 * k as f64,
                escape(line)
            );
        }
        bar(&mut s, &r.base, y0, BASE, &x);
        bar(&mut s, &r.variant, y0 + BAR + 2.0, VARIANT, &x);
    }
    s.push_str("</svg>\n");
    s
}

fn legend(s: &mut String, (base, variant): (&str, &str)) {
    let _ = writeln!(
        s,
        "<rect x=\"10\" y=\"32\" width=\"14\" height=\"12\" fill=\"{BASE}\"/><text x=\"30\" y=\"43\" font-size=\"13\">baseline: {}</text>\
         <rect x=\"10\" y=\"52\" width=\"14\" height=\"12\" fill=\"{VARIANT}\"/><text x=\"30\" y=\"63\" font-size=\"13\">variant: {}</text>\
         <path d=\"M{ex},32 l6,6 l-6,6 l-6,-6 z\" fill=\"#000\"/><text x=\"{tx}\" y=\"43\" font-size=\"13\">exact in this file</text>\
         <path d=\"M{lx},58 h16 M{lx},54 v8 M{rx},54 v8\" stroke=\"#000\" stroke-width=\"1.3\"/><text x=\"{tx}\" y=\"63\" font-size=\"13\">95% interval</text>",
        escape(&clip(base, 60)),
        escape(&clip(variant, 60)),
        ex = WIDTH - 200.0,
        tx = WIDTH - 186.0,
        lx = WIDTH - 208.0,
        rx = WIDTH - 192.0,
    );
}

/// `text` cut to `n` characters with an ellipsis (legend only; full names are in the
/// page's headings).
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(n - 1).collect::<String>())
    }
}

fn bar(s: &mut String, r: &IntervalRow, y: f64, colour: &str, x: &dyn Fn(f64) -> f64) {
    let mid = y + BAR / 2.0;
    let _ = writeln!(
        s,
        "<rect x=\"{LEFT}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"{colour}\" fill-opacity=\"0.85\"><title>{}: {}</title></rect>\
         <path d=\"M{lo:.1},{mid:.1} H{hi:.1} M{lo:.1},{a:.1} V{b:.1} M{hi:.1},{a:.1} V{b:.1}\" stroke=\"#000\" stroke-width=\"1.3\"/>",
        (x(r.value) - LEFT).max(0.0),
        escape(&r.label),
        crate::format::percent(r.value),
        lo = x(r.lo),
        hi = x(r.hi),
        a = mid - 4.0,
        b = mid + 4.0,
    );
    if let Some(e) = r.exact {
        let ex = x(e);
        let _ =
            writeln!(s, "<path d=\"M{ex:.1},{:.1} l5,5 l-5,5 l-5,-5 z\" fill=\"#000\" stroke=\"#fff\"/>", mid - 5.0);
    }
}
