//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, fonts or
//! links to fetch) that opens from a USB stick. Charts are drawn with plotters' SVG
//! backend: outcome shares with 95% whiskers and exact markers, the convergence of the
//! shares, a histogram per indicator, paired differences for `compare`, and the tree as
//! an outline. The notice and the seed come first.

use super::RunReport;
use crate::engine::simulate::Checkpoint;
use crate::engine::sketch::Sketch;
use crate::format::percent;
use crate::scenario::Scenario;
use crate::stats::wilson;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use std::fmt::Write;

const WIDTH: u32 = 860;
const EXACT_COLOUR: RGBColor = RGBColor(200, 30, 30);

/// Whether values from `lo` to `hi` can be drawn: a chart library's axis arithmetic
/// overflows (and loops) near the top of the number range, so charts of values beyond
/// 1e15 in size are left out, with a line saying so.
pub fn drawable(lo: f64, hi: f64) -> bool {
    lo.is_finite() && hi.is_finite() && lo.abs().max(hi.abs()) < 1e15
}

/// Where a chart is left out because its values are too large to draw.
pub const NOT_DRAWN: &str =
    "<p class=\"meta\">(No chart: the values are too large to draw; the CSV file has them all.)</p>\n";

/// Line colours that stay visible on white and apart for colour-blind readers (the
/// Okabe-Ito palette without its yellow).
pub const SERIES: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];
const BAR_COLOUR: RGBColor = RGBColor(70, 120, 180);

/// An axis label: a share as a percentage with trailing zeros trimmed (`-0.5%`, `1%`).
fn axis_percent(x: f64) -> String {
    let s = crate::format::fixed(100.0 * x, 2);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// Text made safe for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One row of an interval chart: a label, a value with its 95% interval, and the exact
/// value where known.
pub struct IntervalRow {
    pub label: String,
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
    pub exact: Option<f64>,
}

/// Horizontal bars (or points, for differences that may be negative) with whiskers and
/// exact markers, as an SVG string.
pub fn interval_chart(title: &str, rows: &[IntervalRow], as_bars: bool) -> String {
    let mut svg = String::new();
    let height = 90 + 34 * rows.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let lo = rows.iter().map(|r| r.lo.min(r.exact.unwrap_or(r.lo))).fold(0.0f64, f64::min);
        let hi = rows.iter().map(|r| r.hi.max(r.exact.unwrap_or(r.hi))).fold(0.0f64, f64::max);
        let pad = ((hi - lo) * 0.08).max(0.005);
        let (x0, x1) = (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad);
        let n = rows.len().max(1);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(36)
            .y_label_area_size(250)
            .build_cartesian_2d(x0..x1, (0..n).into_segmented())
        else {
            return String::new();
        };
        // Segments count upwards from the x axis: row 0 is drawn at the top.
        let labels: Vec<String> = rows.iter().rev().map(|r| r.label.chars().take(38).collect()).collect();
        let _ = chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_style(("sans-serif", 15))
            .x_label_style(("sans-serif", 13))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|x| axis_percent(*x))
            .x_desc("share of runs (whiskers: 95% interval; red cross: exact in this file)")
            .draw();
        for (i, r) in rows.iter().rev().enumerate() {
            if as_bars {
                let mut bar = Rectangle::new(
                    [(0.0, SegmentValue::Exact(i)), (r.value, SegmentValue::Exact(i + 1))],
                    BAR_COLOUR.mix(0.75).filled(),
                );
                bar.set_margin(7, 7, 0, 0);
                let _ = chart.draw_series(std::iter::once(bar));
            } else {
                let _ = chart.draw_series(std::iter::once(Circle::new(
                    (r.value, SegmentValue::CenterOf(i)),
                    5,
                    BAR_COLOUR.filled(),
                )));
            }
            let whisker = [(r.lo, SegmentValue::CenterOf(i)), (r.hi, SegmentValue::CenterOf(i))];
            let _ = chart.draw_series(std::iter::once(PathElement::new(whisker, BLACK.stroke_width(2))));
            if let Some(e) = r.exact {
                let _ = chart.draw_series(std::iter::once(Cross::new(
                    (e, SegmentValue::CenterOf(i)),
                    7,
                    EXACT_COLOUR.stroke_width(3),
                )));
            }
        }
        if x0 < 0.0 {
            let _ = chart.draw_series(std::iter::once(PathElement::new(
                [(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
                BLACK.stroke_width(1),
            )));
        }
        let _ = root.present();
    }
    svg
}

/// Running shares against the run count (log scale), with exact values as flat lines.
pub fn convergence_chart(
    labels: &[String],
    points: &[Checkpoint],
    outcomes: &[usize],
    exact: Option<&[f64]>,
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 380)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let last = points.last().map_or(10, |p| p.runs).max(11) as f64;
        let share = |k: u64, c: u64| c as f64 / k as f64;
        let top = points
            .iter()
            .flat_map(|p| outcomes.iter().map(move |&o| share(p.runs, p.outcome_runs[o])))
            .fold(0.0f64, f64::max)
            .max(exact.map_or(0.0, |e| outcomes.iter().map(|&o| e[o]).fold(0.0, f64::max)))
            .min(1.0);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption("Convergence: running share of each outcome", ("sans-serif", 18))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d((10f64..last).log_scale(), 0f64..(top * 1.45).max(0.01))
        else {
            return String::new();
        };
        let _ = chart
            .configure_mesh()
            .x_desc("runs (log scale); dashed: exact in this file")
            .x_label_formatter(&|x| super::terminal::count(x.round() as u64))
            .x_label_style(("sans-serif", 13))
            .y_label_style(("sans-serif", 13))
            .y_label_formatter(&|y| axis_percent(*y))
            .draw();
        for (j, &o) in outcomes.iter().enumerate() {
            let colour = SERIES[j % SERIES.len()].to_rgba();
            let series = points.iter().map(|p| (p.runs as f64, share(p.runs, p.outcome_runs[o])));
            if let Ok(s) = chart.draw_series(LineSeries::new(series, colour.stroke_width(2))) {
                s.label(labels[o].chars().take(40).collect::<String>())
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
            }
            if let Some(e) = exact {
                let _ = chart.draw_series(DashedLineSeries::new(
                    [(10.0, e[o]), (last, e[o])],
                    6,
                    4,
                    colour.stroke_width(1),
                ));
            }
        }
        let _ = chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", 13))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw();
        let _ = root.present();
    }
    svg
}

/// A histogram of an indicator's final values, from its percentile sketch.
pub fn histogram(name: &str, unit: Option<&str>, sketch: &Sketch, min: f64, max: f64, runs: u64) -> String {
    // (value, count) pairs: exact values, or bucket midpoints.
    let pairs: Vec<(f64, u64)> = match sketch {
        Sketch::Exact(p) => p.clone(),
        Sketch::Buckets(_) => {
            let mut out = Vec::new();
            let steps = 200;
            let mut prev = min;
            let mut below = 0u64;
            for i in 1..=steps {
                let q = i as f64 / steps as f64;
                let v = sketch.quantile(q, min, max).unwrap_or(max);
                let at = (q * runs as f64).round() as u64;
                if v > prev || i == steps {
                    out.push(((prev + v) / 2.0, at - below));
                    below = at;
                    prev = v;
                }
            }
            out
        }
    };
    let (lo, hi) = if max > min { (min, max) } else { (min - 0.5, max + 0.5) };
    let bins = if pairs.len() <= 40 { pairs.len().max(1) } else { 30 };
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    let mut centres = vec![0.0; bins];
    if pairs.len() <= 40 {
        for (i, (v, c)) in pairs.iter().enumerate() {
            counts[i] = *c;
            centres[i] = *v;
        }
    } else {
        for (v, c) in &pairs {
            let i = (((v - lo) / width) as usize).min(bins - 1);
            counts[i] += c;
        }
        for (i, c) in centres.iter_mut().enumerate() {
            *c = lo + (i as f64 + 0.5) * width;
        }
    }
    let half = if pairs.len() <= 40 {
        let gap = centres.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min);
        if gap.is_finite() { gap * 0.4 } else { (hi - lo) * 0.05 }
    } else {
        width / 2.0
    };
    let top = counts.iter().copied().max().unwrap_or(1) as f64 / runs.max(1) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH / 2 - 10, 260)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let title = match unit {
            Some(u) => format!("{name} ({u})"),
            None => name.to_string(),
        };
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d((lo - half)..(hi + half), 0f64..(top * 1.1).max(1e-6))
        else {
            return String::new();
        };
        let _ = chart.configure_mesh().y_label_formatter(&|y| axis_percent(*y)).draw();
        let _ = chart.draw_series(centres.iter().zip(&counts).map(|(c, n)| {
            Rectangle::new([(c - half, 0.0), (c + half, *n as f64 / runs.max(1) as f64)], BAR_COLOUR.mix(0.8).filled())
        }));
        let _ = root.present();
    }
    svg
}

const STYLE: &str = "body{font-family:sans-serif;max-width:900px;margin:24px auto;padding:0 12px;color:#222}\
.notice{border:2px solid #b58900;background:#fdf6e3;padding:10px 14px;margin:12px 0;font-weight:bold}\
.meta{color:#555;font-size:14px}table{border-collapse:collapse;font-size:14px;margin:8px 0}\
td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}\
pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px;line-height:1.35}\
.hist{display:flex;flex-wrap:wrap;gap:10px}h2{margin-top:28px}svg{max-width:100%;height:auto}\
.meta,li,p,h1,h2{overflow-wrap:anywhere}td+td,th+th{white-space:nowrap}.scroll{overflow-x:auto}.diagram{max-width:none}\
figure{margin:12px 0}figure.wide{width:100%}summary{cursor:pointer;margin:8px 0}";

/// The head of a page: the title, the notice, where the scenario comes from (its
/// sources, description and file) and the run's settings.
pub fn page_start(title: &str, sc: &Scenario, meta: &str) -> String {
    let mut provenance = String::new();
    if let Some(d) = &sc.description {
        let _ = writeln!(provenance, "<p>{}</p>", escape(d.trim()));
    }
    for source in &sc.sources {
        let _ = writeln!(provenance, "<p class=\"meta\">Source: {}</p>", escape(source));
    }
    let _ = writeln!(provenance, "<p class=\"meta\">Scenario file: {} (SHA-256 {})</p>", escape(&sc.file), sc.sha256);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title><style>{STYLE}</style></head><body>\n\
         <h1>{t}</h1>\n<div class=\"notice\">NOTICE: {n}</div>\n{provenance}<p class=\"meta\">{meta}</p>\n",
        t = escape(title),
        n = escape(&sc.notice),
    )
}

/// The end of a page.
pub fn page_end() -> &'static str {
    "<p class=\"meta\">Made by whatif. Results describe an invented, illustrative scenario; they are not forecasts.</p>\n</body></html>\n"
}

/// The report of one run.
pub fn run_page(r: &RunReport, tree_text: &str) -> String {
    let points = &r.result.convergence;
    let sc = r.scenario;
    let t = &r.result.tally;
    let exact = r.exact.get();
    let meta = format!(
        "{} runs &middot; seed {} &middot; exact analysis: {}",
        super::terminal::count(t.runs),
        r.config.seed,
        escape(&r.exact.note())
    );
    let mut html = page_start(&sc.title, sc, &meta);
    let order = r.outcome_order();
    let rows: Vec<IntervalRow> = order
        .iter()
        .map(|&o| {
            let (lo, hi) = wilson(t.outcome_runs[o], t.runs);
            IntervalRow {
                label: sc.outcomes[o].clone(),
                value: t.outcome_runs[o] as f64 / t.runs as f64,
                lo,
                hi,
                exact: exact.map(|e| e.outcome[o]),
            }
        })
        .collect();
    html.push_str("<h2>Outcomes</h2>\n");
    html.push_str(&interval_chart("Share of runs by outcome", &rows, true));
    html.push_str("\n<div class=\"scroll\"><table><tr><th>outcome</th><th>runs</th><th>share</th><th>95% interval</th><th>exact in this file</th></tr>\n");
    for (row, &o) in rows.iter().zip(&order) {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td></tr>",
            escape(&row.label),
            super::terminal::count(t.outcome_runs[o]),
            percent(row.value),
            percent(row.lo),
            percent(row.hi),
            row.exact.map(percent).unwrap_or_default()
        );
    }
    html.push_str("</table></div>\n<h2>Convergence</h2>\n");
    html.push_str(&convergence_chart(&sc.outcomes, points, &order, exact.map(|e| &e.outcome[..])));
    if !sc.indicators.is_empty() {
        html.push_str("\n<h2>Indicators (final values)</h2>\n<div class=\"hist\">\n");
        for (ind, s) in sc.indicators.iter().zip(&t.indicators) {
            html.push_str(&histogram(&ind.name, ind.unit.as_deref(), s.sketch(), s.min, s.max, t.runs));
        }
        html.push_str("</div>\n");
    }
    html.push_str("<h2>The scenario</h2>\n");
    match crate::diagram::svg(sc, exact) {
        Ok(picture) => {
            let _ = writeln!(html, "<figure class=\"wide\">{picture}</figure>");
        }
        Err(why) => {
            let _ = writeln!(html, "<p class=\"meta\">No diagram: {}.</p>", escape(&why));
        }
    }
    html.push_str("<details><summary>The scenario as text</summary><pre>");
    html.push_str(&escape(tree_text));
    html.push_str("</pre></details>\n");
    html.push_str(page_end());
    html
}

/// One variant's part of the compare page.
pub struct CompareSection {
    pub name: String,
    /// The baseline's and the variant's names.
    pub files: (String, String),
    pub changes: Vec<String>,
    /// Each outcome's share in both files.
    pub shares: Vec<super::side_by_side::SharePair>,
    /// Paired differences (variant minus baseline).
    pub rows: Vec<IntervalRow>,
}

/// The report of a comparison: per variant, both sets of shares side by side, then the
/// paired differences with intervals.
pub fn compare_page(title: &str, base: &Scenario, meta: &str, sections: &[CompareSection]) -> String {
    let mut html = page_start(title, base, meta);
    for CompareSection { name, files, changes, shares, rows } in sections {
        let _ = writeln!(html, "<h2>{}</h2>", escape(name));
        html.push_str(&super::side_by_side::chart((&files.0, &files.1), shares));
        if !changes.is_empty() {
            html.push_str("<p>What differs between the files:</p><ul>\n");
            for c in changes {
                let _ = writeln!(html, "<li>{}</li>", escape(c));
            }
            html.push_str("</ul>\n");
        }
        html.push_str(&interval_chart("Paired difference in share (variant minus baseline)", rows, false));
        html.push_str(
            "\n<div class=\"scroll\"><table><tr><th>outcome</th><th>difference</th><th>95% interval</th><th>exact in this file</th></tr>\n",
        );
        for r in rows {
            let pp = |x: f64| format!("{} pp", crate::format::fixed(100.0 * x, 2));
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{} to {}</td><td>{}</td></tr>",
                escape(&r.label),
                pp(r.value),
                pp(r.lo),
                pp(r.hi),
                r.exact.map(pp).unwrap_or_default()
            );
        }
        html.push_str("</table></div>\n");
    }
    html.push_str(page_end());
    html
}
