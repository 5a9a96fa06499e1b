//! `whatif explore`: `explore.csv` (one row per sample), the summary, the rank
//! correlations and the discovered box as CSV files, `explore.html` with a chart, the
//! terminal text and the JSON document.

use super::Presenter;
use crate::analysis::discover::{Found, Question};
use crate::analysis::explore::{Exploration, quantile, rank_correlation};
use crate::format::{exact, fixed, number, percent};
use crate::output::csv_bytes;
use crate::output::json::{ScenarioJson, to_text};
use crate::output::report::{escape, page_end, page_start};
use crate::scenario::Scenario;
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;

/// A finished exploration.
pub struct ExploreView<'a> {
    pub scenario: &'a Scenario,
    pub exploration: Exploration,
    /// Outcome probabilities at the values as written.
    pub written: Vec<f64>,
    pub seed: u64,
    /// The `--when` question, its hits and the box found (None: it never holds).
    pub question: Option<(Question, Option<Found>)>,
}

/// The scatter's y axis: its name, its value in sample `s`, its range, and the box's
/// side on it (none when it is an outcome's probability).
type Axis<'a> = (String, Box<dyn Fn(usize) -> f64 + 'a>, (f64, f64), Option<(f64, f64)>);

/// One outcome's spread across the samples.
#[derive(Serialize)]
struct Spread {
    outcome: String,
    at_written_values: f64,
    median: f64,
    p05: f64,
    p95: f64,
    /// Rank correlation with each parameter, in parameter order.
    rank_correlations: Vec<f64>,
}

#[derive(Serialize)]
struct ExploreJson {
    scenario: ScenarioJson,
    seed: u64,
    samples: usize,
    exact_samples: usize,
    parameters: Vec<ParameterJson>,
    outcomes: Vec<Spread>,
    question: Option<BoxJson>,
}

#[derive(Serialize)]
struct ParameterJson {
    name: String,
    written: f64,
    range: String,
}

#[derive(Serialize)]
struct BoxJson {
    question: String,
    holds_in: usize,
    /// Per parameter: the box's low and high end, and whether it is narrower than the range.
    bounds: Vec<(f64, f64, bool)>,
    coverage: f64,
    density: f64,
}

impl ExploreView<'_> {
    /// Outcomes that have some probability in some sample (or that an author wrote).
    fn outcomes(&self) -> Vec<usize> {
        let sc = self.scenario;
        (0..sc.outcomes.len())
            .filter(|&o| sc.explicit_outcomes[o] || self.exploration.samples.iter().any(|s| s.probabilities[o] > 0.0))
            .collect()
    }

    fn spreads(&self) -> Vec<Spread> {
        let e = &self.exploration;
        self.outcomes()
            .into_iter()
            .map(|o| {
                let col = e.column(o);
                Spread {
                    outcome: self.scenario.outcomes[o].clone(),
                    at_written_values: self.written[o],
                    median: quantile(&col, 0.5),
                    p05: quantile(&col, 0.05),
                    p95: quantile(&col, 0.95),
                    rank_correlations: (0..e.parameters.len()).map(|p| rank_correlation(&e.values(p), &col)).collect(),
                }
            })
            .collect()
    }

    /// The parameter that goes most strongly with an outcome, in words.
    fn strongest(&self, s: &Spread) -> Option<String> {
        let (p, r) = s.rank_correlations.iter().enumerate().max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))?;
        if r.abs() < 0.1 {
            return Some("no parameter goes with it clearly (every rank correlation is below 0.1)".into());
        }
        let way = if *r > 0.0 { "rises with" } else { "falls as" };
        let rises = if *r > 0.0 { "" } else { " rises" };
        Some(format!("{way} {}{rises} (rank correlation {})", self.exploration.parameters[p].name, fixed(*r, 2)))
    }

    fn summary_rows(&self) -> Vec<Vec<String>> {
        self.spreads()
            .iter()
            .map(|s| {
                let (p, r) = s
                    .rank_correlations
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                    .map(|(p, r)| (self.exploration.parameters[p].name.clone(), fixed(*r, 4)))
                    .unwrap_or_default();
                vec![s.outcome.clone(), exact(s.at_written_values), exact(s.median), exact(s.p05), exact(s.p95), p, r]
            })
            .collect()
    }

    fn sample_rows(&self) -> Vec<Vec<String>> {
        let outcomes = self.outcomes();
        self.exploration
            .samples
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut row = vec![i.to_string()];
                row.extend(s.values.iter().map(|v| crate::format::value(*v)));
                row.extend(outcomes.iter().map(|&o| exact(s.probabilities[o])));
                row.push(if s.exact { "exact" } else { "sampled" }.into());
                row
            })
            .collect()
    }

    fn box_json(&self) -> Option<BoxJson> {
        let (q, found) = self.question.as_ref()?;
        let holds_in = self.exploration.samples.iter().filter(|s| q.holds(&s.probabilities)).count();
        Some(BoxJson {
            question: q.describe(self.scenario),
            holds_in,
            bounds: found
                .as_ref()
                .map(|f| f.bounds.iter().zip(&f.restricted).map(|(b, r)| (b.0, b.1, *r)).collect())
                .unwrap_or_default(),
            coverage: found.as_ref().map_or(0.0, Found::coverage),
            density: found.as_ref().map_or(0.0, Found::density),
        })
    }

    /// The question's answer in words (several lines).
    fn discovery_text(&self) -> Option<String> {
        let b = self.box_json()?;
        let n = self.exploration.samples.len();
        let mut t = format!(
            "\nWhen {}: holds in {} of {n} samples ({}).\n",
            b.question,
            b.holds_in,
            percent(b.holds_in as f64 / n as f64)
        );
        let Some((_, Some(found))) = &self.question else {
            t.push_str("  It never holds within the ranges, so there is no box to show.\n");
            return Some(t);
        };
        let params = &self.exploration.parameters;
        let narrowed: Vec<String> = params
            .iter()
            .zip(&found.bounds)
            .zip(&found.restricted)
            .filter(|(_, r)| **r)
            .map(|((p, b), _)| format!("{} between {} and {}", p.name, number(b.0), number(b.1)))
            .collect();
        if narrowed.is_empty() {
            t.push_str("  No narrower box does better than the whole set of ranges.\n");
        } else {
            let _ =
                writeln!(t, "  Where it holds most: {} (the others anywhere in their ranges).", narrowed.join("; "));
        }
        if found.hits < 10 {
            let _ = writeln!(
                t,
                "  It holds in too few samples ({}) for a box to mean much: ask for more --samples, or a looser question.",
                found.hits
            );
        }
        let _ = writeln!(
            t,
            "  Inside that box it holds in {} of {} samples (density {}); they are {} of the samples where it holds (coverage).",
            found.hits_inside,
            found.inside,
            percent(found.density()),
            percent(found.coverage())
        );
        Some(t)
    }

    /// Each outcome's median and 90% of samples, with the value at the written weights.
    fn chart(&self) -> String {
        let spreads = self.spreads();
        let (w, left, right, top, row) = (860.0, 250.0, 30.0, 44.0, 34.0);
        let h = top + row * spreads.len() as f64 + 34.0;
        let max = spreads.iter().map(|s| s.p95.max(s.at_written_values)).fold(0.05, f64::max).min(1.0);
        let (axis, step) = crate::output::side_by_side::share_axis(max);
        let x = |v: f64| left + (w - left - right) * (v / axis).clamp(0.0, 1.0);
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" role=\"img\" aria-label=\"Outcome probabilities across the samples\">\n\
             <circle cx=\"16\" cy=\"16\" r=\"5\" fill=\"#0072b2\"/><text x=\"26\" y=\"21\" font-size=\"13\">median across samples; line: 90% of samples</text>\
             <path d=\"M446,10 l6,6 l-6,6 l-6,-6 z\" fill=\"#d55e00\"/><text x=\"458\" y=\"21\" font-size=\"13\">at the values as written</text>\n"
        );
        let mut t = 0.0;
        while t <= axis + 1e-9 {
            let _ = write!(
                s,
                "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{top}\" y2=\"{1:.1}\" stroke=\"#e2e2e2\"/><text x=\"{0:.1}\" y=\"{2:.1}\" font-size=\"12\" text-anchor=\"middle\">{3}%</text>",
                x(t),
                h - 28.0,
                h - 12.0,
                (t * 100.0).round()
            );
            t += step;
        }
        for (i, sp) in spreads.iter().enumerate() {
            let y = top + row * i as f64 + 16.0;
            let label: String = sp.outcome.chars().take(34).collect();
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\">{}</text>\
                 <line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#0072b2\" stroke-width=\"4\"/>\
                 <circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"#0072b2\"/>\
                 <path d=\"M{:.1},{:.1} l6,6 l-6,6 l-6,-6 z\" fill=\"#d55e00\"/>",
                left - 10.0,
                y + 5.0,
                escape(&label),
                x(sp.p05),
                x(sp.p95),
                x(sp.median),
                x(sp.at_written_values),
                y - 6.0
            );
        }
        s + "</svg>\n"
    }

    /// The samples on the two parameters the box narrows most (or one parameter against
    /// the question's outcome), filled where the question holds, with the box drawn.
    fn scatter(&self) -> String {
        let Some((q, Some(found))) = &self.question else { return String::new() };
        let e = &self.exploration;
        let narrowing = |p: usize| {
            let (lo, hi) = (e.parameters[p].doubt.lo(), e.parameters[p].doubt.hi());
            (found.bounds[p].1 - found.bounds[p].0) / (hi - lo)
        };
        let mut order: Vec<usize> = (0..e.parameters.len()).collect();
        order.sort_by(|&a, &b| narrowing(a).total_cmp(&narrowing(b)));
        let px = order[0];
        let outcome = match q {
            Question::Threshold { outcome, .. } | Question::MostLikely { outcome } => *outcome,
        };
        // The y axis: a second parameter, or the outcome's probability.
        let (y_name, y_of, y_range, y_box): Axis = match order.get(1) {
            Some(&py) => (
                e.parameters[py].name.clone(),
                Box::new(move |s| e.samples[s].values[py]),
                (e.parameters[py].doubt.lo(), e.parameters[py].doubt.hi()),
                Some(found.bounds[py]),
            ),
            None => (
                format!("P({})", self.scenario.outcomes[outcome]),
                Box::new(move |s| e.samples[s].probabilities[outcome]),
                (0.0, 1.0),
                None,
            ),
        };
        let (w, h, left, bottom, top, right) = (640.0, 420.0, 70.0, 50.0, 20.0, 20.0);
        let (xl, xh) = (e.parameters[px].doubt.lo(), e.parameters[px].doubt.hi());
        let x = |v: f64| left + (w - left - right) * (v - xl) / (xh - xl);
        let y = |v: f64| h - bottom - (h - bottom - top) * (v - y_range.0) / (y_range.1 - y_range.0);
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" role=\"img\" aria-label=\"Samples where the question holds, and the box\">\n\
             <rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>\n",
            w - left - right,
            h - bottom - top
        );
        for s in 0..e.samples.len() {
            let holds = q.holds(&e.samples[s].probabilities);
            let (fill, stroke) = if holds { ("#0072b2", "#0072b2") } else { ("none", "#888888") };
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{fill}\" stroke=\"{stroke}\"/>",
                x(e.samples[s].values[px]),
                y(y_of(s))
            );
        }
        let end = |v: f64| if y_box.is_some() { number(v) } else { format!("{}%", number(100.0 * v)) };
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y(y_range.0),
            end(y_range.0),
            left - 6.0,
            y(y_range.1) + 10.0,
            end(y_range.1)
        );
        let (bx0, bx1) = found.bounds[px];
        let (by0, by1) = y_box.unwrap_or(y_range);
        let _ = writeln!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#d55e00\" stroke-width=\"2.5\" stroke-dasharray=\"7 4\"/>",
            x(bx0),
            y(by1),
            x(bx1) - x(bx0),
            y(by0) - y(by1)
        );
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"middle\">{} ({} to {})</text>\
             <text x=\"16\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 16 {:.1})\">{}</text>\
             <text x=\"{left}\" y=\"14\" font-size=\"13\">filled: the question holds; hollow: it does not; dashed: the box</text>",
            (left + w - right) / 2.0,
            h - 16.0,
            escape(&e.parameters[px].name),
            number(xl),
            number(xh),
            (top + h - bottom) / 2.0,
            (top + h - bottom) / 2.0,
            escape(&y_name)
        );
        svg + "</svg>\n"
    }

    fn page(&self) -> String {
        let sc = self.scenario;
        let e = &self.exploration;
        let meta = format!(
            "{} samples (Latin hypercube, seed {}) of {} {}; exact for {} of them",
            e.samples.len(),
            self.seed,
            e.parameters.len(),
            if e.parameters.len() == 1 { "range" } else { "ranges" },
            e.samples.iter().filter(|s| s.exact).count()
        );
        let mut html = page_start(&format!("{}: exploring the ranges", sc.title), sc, &escape(&meta));
        html.push_str("<h2>Outcome probabilities across the samples</h2>\n");
        html.push_str(&self.chart());
        html.push_str("<h2>What goes with what</h2>\n<ul>\n");
        for s in self.spreads() {
            let _ =
                writeln!(html, "<li>{}: {}</li>", escape(&s.outcome), escape(&self.strongest(&s).unwrap_or_default()));
        }
        html.push_str("</ul>\n");
        if let Some(text) = self.discovery_text() {
            html.push_str("<h2>Where the question holds</h2>\n");
            for line in text.trim().lines() {
                let _ = writeln!(html, "<p>{}</p>", escape(line.trim()));
            }
            html.push_str(&self.scatter());
        }
        html.push_str("<h2>The ranges</h2>\n<ul>\n");
        for p in &e.parameters {
            let _ =
                writeln!(html, "<li>{}: {} (written: {})</li>", escape(&p.name), p.doubt.describe(), number(p.written));
        }
        html.push_str("</ul>\n");
        html.push_str(page_end());
        html
    }
}

impl Presenter for ExploreView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let e = &self.exploration;
        let mut header: Vec<String> = vec!["sample".into()];
        header.extend(e.parameters.iter().map(|p| p.name.clone()));
        header.extend(self.outcomes().iter().map(|&o| self.scenario.outcomes[o].clone()));
        header.push("method".into());
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let summary =
            ["outcome", "at_written_values", "median", "p05", "p95", "strongest_parameter", "rank_correlation"];
        let importance: Vec<Vec<String>> = self
            .spreads()
            .iter()
            .flat_map(|s| {
                e.parameters
                    .iter()
                    .zip(&s.rank_correlations)
                    .map(|(p, r)| vec![s.outcome.clone(), p.name.clone(), fixed(*r, 4)])
            })
            .collect();
        let mut files = vec![
            ("explore.csv", csv_bytes(&header, &self.sample_rows())),
            ("explore_summary.csv", csv_bytes(&summary, &self.summary_rows())),
            ("explore_importance.csv", csv_bytes(&["outcome", "parameter", "rank_correlation"], &importance)),
            ("explore.html", self.page().into_bytes()),
        ];
        if let Some((_, Some(found))) = &self.question {
            let rows: Vec<Vec<String>> = e
                .parameters
                .iter()
                .zip(&found.bounds)
                .zip(&found.restricted)
                .map(|((p, b), r)| {
                    vec![
                        p.name.clone(),
                        crate::format::value(p.doubt.lo()),
                        crate::format::value(p.doubt.hi()),
                        crate::format::value(b.0),
                        crate::format::value(b.1),
                        r.to_string(),
                    ]
                })
                .collect();
            files.push((
                "explore_box.csv",
                csv_bytes(&["parameter", "range_low", "range_high", "box_low", "box_high", "narrowed"], &rows),
            ));
        }
        files
    }

    fn text(&self, dir: &Path) -> String {
        let e = &self.exploration;
        let exact_n = e.samples.iter().filter(|s| s.exact).count();
        let mut t = format!(
            "Exploring {} samples (Latin hypercube, seed {}) of {} {}; exact for {exact_n} of them{}.\n",
            e.samples.len(),
            self.seed,
            e.parameters.len(),
            if e.parameters.len() == 1 { "range" } else { "ranges" },
            if exact_n < e.samples.len() {
                format!(", the rest sampled with {} runs each", crate::output::terminal::count(e.runs))
            } else {
                String::new()
            }
        );
        for p in &e.parameters {
            let _ = writeln!(t, "  {} {} (written {})", p.name, p.doubt.describe(), number(p.written));
        }
        let spreads = self.spreads();
        let labels: Vec<&str> = spreads.iter().map(|s| s.outcome.as_str()).collect();
        let (labels, width) = crate::format::fit(&labels, 40);
        let _ = writeln!(t, "\n{:<width$}  {:>10}  {:>8}  {:>17}", "outcome", "as written", "median", "90% of samples");
        for (s, label) in spreads.iter().zip(&labels) {
            let _ = writeln!(
                t,
                "{label:<width$}  {:>10}  {:>8}  {:>17}",
                percent(s.at_written_values),
                percent(s.median),
                format!("{} – {}", percent(s.p05), percent(s.p95))
            );
        }
        t.push_str("\nWhat goes with each outcome across the samples:\n");
        for s in &spreads {
            let _ = writeln!(t, "  {}: {}", s.outcome, self.strongest(s).unwrap_or_default());
        }
        if let Some(d) = self.discovery_text() {
            t.push_str(&d);
        }
        let _ = writeln!(t, "\nThese are the file's invented ranges explored, not forecasts.\nwrote {}", dir.display());
        t
    }

    fn json(&self) -> String {
        let e = &self.exploration;
        to_text(&ExploreJson {
            scenario: ScenarioJson::of(self.scenario),
            seed: self.seed,
            samples: e.samples.len(),
            exact_samples: e.samples.iter().filter(|s| s.exact).count(),
            parameters: e
                .parameters
                .iter()
                .map(|p| ParameterJson { name: p.name.clone(), written: p.written, range: p.doubt.describe() })
                .collect(),
            outcomes: self.spreads(),
            question: self.box_json(),
        })
    }
}
