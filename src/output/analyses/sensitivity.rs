//! `whatif sensitivity`: `sensitivity.csv`, the text tornado and the JSON document.

use super::Presenter;
use crate::analysis::sensitivity::{Method, Row};
use crate::engine::simulate::SimConfig;
use crate::format::{percent, share};
use crate::output::csv_bytes;
use crate::output::json::{SensitivityJson, to_text};
use crate::scenario::Scenario;
use std::fmt::Write;
use std::path::Path;

/// Rows shown per outcome on the terminal.
const SHOWN: usize = 5;
/// Width of each half of a tornado bar.
const HALF: usize = 16;

/// A finished tornado: rows sorted by absolute swing within each outcome.
pub struct SensitivityView<'a> {
    pub scenario: &'a Scenario,
    pub factors: (f64, f64),
    pub config: SimConfig,
    pub rows: Vec<Row>,
    pub method: Method,
}

impl SensitivityView<'_> {
    /// `exact` or `simulated`.
    pub fn how(&self) -> &'static str {
        match self.method {
            Method::Exact => "exact",
            Method::Simulated => "simulated",
        }
    }

    /// One tornado line.
    fn line(&self, r: &Row, scale: f64) -> String {
        let len = |d: f64| if scale > 0.0 { ((d.abs() / scale) * HALF as f64).round() as usize } else { 0 };
        let bar = |n: usize, left: bool, up: bool| {
            let s: String = std::iter::repeat_n(if up { '█' } else { '░' }, n).collect();
            if left { format!("{s:>HALF$}") } else { format!("{s:<HALF$}") }
        };
        format!(
            "  {:<32} {:>7} {}│{} {:<7} swing {}",
            self.scenario.branches[r.branch].full_id.chars().take(32).collect::<String>(),
            percent(r.low),
            bar(len(r.low - r.base), true, r.low > r.base),
            bar(len(r.high - r.base), false, r.high > r.base),
            percent(r.high),
            crate::format::fixed(100.0 * r.swing(), 2) + " pp",
        )
    }
}

impl SensitivityView<'_> {
    /// One tornado chart per outcome: for its largest swings, a bar from the share with
    /// the lower weight to the share with the higher one (blue where the higher weight
    /// raises the share, orange where it lowers it), and the base share as a line.
    fn charts(&self) -> String {
        use crate::output::report::SERIES;
        use plotters::prelude::*;
        const ROWS: usize = 8;
        let sc = self.scenario;
        let mut html = String::new();
        let mut outcomes: Vec<usize> = self.rows.iter().map(|r| r.outcome).collect();
        outcomes.dedup();
        for o in outcomes {
            let rows: Vec<&Row> = self.rows.iter().filter(|r| r.outcome == o).take(ROWS).collect();
            let lo = rows.iter().map(|r| r.low.min(r.high)).fold(f64::INFINITY, f64::min);
            let hi = rows.iter().map(|r| r.low.max(r.high)).fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) * 0.1).max(0.005);
            let names: Vec<String> = rows.iter().map(|r| sc.branches[r.branch].full_id.clone()).collect();
            let mut svg = String::new();
            {
                let height = 90 + 34 * rows.len() as u32;
                let root = SVGBackend::with_string(&mut svg, (820, height)).into_drawing_area();
                let _ = root.fill(&WHITE);
                let n = rows.len() as f64;
                let Ok(mut chart) = ChartBuilder::on(&root)
                    .caption(&sc.outcomes[o], ("sans-serif", 17))
                    .margin(10)
                    .x_label_area_size(34)
                    .y_label_area_size(230)
                    .build_cartesian_2d((lo - pad)..(hi + pad), -0.5f64..(n - 0.5))
                else {
                    continue;
                };
                let label = |y: &f64| {
                    let i = y.round();
                    if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                        names[rows.len() - 1 - i as usize].clone()
                    } else {
                        String::new()
                    }
                };
                let _ = chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .y_labels(rows.len() * 2 + 1)
                    .y_label_formatter(&label)
                    .x_label_formatter(&|x| format!("{:.1}%", x * 100.0))
                    .x_desc(format!(
                        "share with each weight × {} (one end) and × {} (other end)",
                        self.factors.0, self.factors.1
                    ))
                    .label_style(("sans-serif", 12))
                    .draw();
                for (k, r) in rows.iter().enumerate() {
                    let y = (rows.len() - 1 - k) as f64;
                    let colour = if r.high > r.low { SERIES[0] } else { SERIES[1] };
                    let (a, b) = (r.low.min(r.high), r.low.max(r.high));
                    let _ = chart
                        .draw_series(std::iter::once(Rectangle::new([(a, y - 0.32), (b, y + 0.32)], colour.filled())));
                }
                let base = rows.first().map_or(0.0, |r| r.base);
                let _ = chart.draw_series(std::iter::once(PathElement::new(
                    [(base, -0.5), (base, n - 0.5)],
                    BLACK.stroke_width(2),
                )));
                let _ = root.present();
            }
            html.push_str(&svg);
            html.push('\n');
        }
        html
    }

    fn page(&self) -> String {
        let sc = self.scenario;
        let meta = format!(
            "Each branch weight multiplied by {} and by {} in turn ({} shares); blue: the higher weight raises the share; orange: it lowers it; black line: the base share",
            self.factors.0,
            self.factors.1,
            self.how()
        );
        let mut html = crate::output::report::page_start(&format!("{}: sensitivity", sc.title), sc, &meta);
        html.push_str(&self.charts());
        html.push_str(crate::output::report::page_end());
        html
    }
}

impl Presenter for SensitivityView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let sc = self.scenario;
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let b = &sc.branches[r.branch];
                vec![
                    sc.nodes[b.node as usize].id.clone(),
                    b.id.clone(),
                    sc.outcomes[r.outcome].clone(),
                    share(r.low),
                    share(r.base),
                    share(r.high),
                    share(r.swing()),
                    self.how().to_string(),
                ]
            })
            .collect();
        let header = ["node", "branch", "outcome", "share_low", "share_base", "share_high", "swing", "method"];
        vec![("sensitivity.csv", csv_bytes(&header, &rows)), ("sensitivity.html", self.page().into_bytes())]
    }

    fn text(&self, dir: &Path) -> String {
        let (sc, cfg) = (self.scenario, &self.config);
        let mut text = String::new();
        let simulated = if self.method == Method::Simulated {
            format!(", {} runs, seed {}", cfg.runs, cfg.seed)
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "\nEach branch weight multiplied by {} and by {} in turn ({} shares{simulated}). Left of │: share with the lower weight; right: with the higher.",
            self.factors.0,
            self.factors.1,
            self.how(),
        );
        let scale = self.rows.iter().map(|r| (r.low - r.base).abs().max((r.high - r.base).abs())).fold(0.0, f64::max);
        let (mut o, mut shown) = (usize::MAX, 0);
        for r in &self.rows {
            if r.outcome != o {
                (o, shown) = (r.outcome, 0);
                let _ = writeln!(text, "\n{} (base {})", sc.outcomes[o], percent(r.base));
            }
            if shown < SHOWN {
                shown += 1;
                let _ = writeln!(text, "{}", self.line(r, scale));
            }
        }
        let _ = writeln!(
            text,
            "\n█ raises the outcome's share, ░ lowers it. All rows: {}/sensitivity.csv (charts: sensitivity.html)",
            dir.display()
        );
        text
    }

    fn json(&self) -> String {
        to_text(&SensitivityJson::of(self.scenario, self.factors, self.how(), &self.config, &self.rows))
    }
}
