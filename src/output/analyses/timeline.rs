//! `whatif timeline`: `timeline.csv`, `timeline.html` (one chart per indicator: the mean
//! with a band from the 5th to the 95th percentile), the terminal table and JSON.

use super::Presenter;
use crate::analysis::timeline::{Clock, Point};
use crate::engine::simulate::SimConfig;
use crate::format::{number, value};
use crate::output::csv_bytes;
use crate::output::report::{escape, page_end, page_start};
use crate::output::terminal::count;
use crate::scenario::Scenario;
use plotters::prelude::*;
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;

/// Rows of the terminal table per indicator; `timeline.csv` has them all.
const SHOWN: usize = 16;

/// Points reached by fewer than this share of runs are left out of the charts: a mean
/// over a handful of runs would look like a trend.
const CHART_MIN_SHARE: f64 = 0.01;

/// A finished timeline.
pub struct TimelineView<'a> {
    pub scenario: &'a Scenario,
    pub clock: Clock,
    pub config: SimConfig,
    pub points: Vec<Point>,
}

/// One row of `timeline.csv`, and of the JSON document.
#[derive(Debug, Clone, Serialize)]
struct Row {
    at: u32,
    runs: u64,
    indicator: String,
    mean: f64,
    p05: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
}

impl TimelineView<'_> {
    /// `step` or `visit`.
    fn axis(&self) -> &'static str {
        match self.clock {
            Clock::Steps => "step",
            Clock::Visits(_) => "visit",
        }
    }

    /// What a point is, in words.
    fn what(&self) -> String {
        match self.clock {
            Clock::Steps => "after each step of the walk (step 0: the start values)".into(),
            Clock::Visits(n) => {
                format!("on entering `{}`, at each of its visits", self.scenario.nodes[n as usize].id)
            }
        }
    }

    fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for p in &self.points {
            for (ind, s) in self.scenario.indicators.iter().zip(&p.indicators) {
                let q = |x: f64| s.sketch().quantile(x, s.min, s.max);
                rows.push(Row {
                    at: p.at,
                    runs: p.runs,
                    indicator: ind.name.clone(),
                    mean: s.mean,
                    p05: q(0.05),
                    p50: q(0.5),
                    p95: q(0.95),
                });
            }
        }
        rows
    }

    /// One chart: indicator `i`'s mean (line) and 90% band (shaded) against the points.
    fn chart(&self, i: usize) -> String {
        let ind = &self.scenario.indicators[i];
        let enough = |p: &&Point| p.runs as f64 >= CHART_MIN_SHARE * self.config.runs as f64;
        let series: Vec<(f64, f64, f64, f64)> = self
            .points
            .iter()
            .filter(enough)
            .map(|p| {
                let s = &p.indicators[i];
                let q = |x: f64| s.sketch().quantile(x, s.min, s.max).unwrap_or(s.mean);
                (f64::from(p.at), s.mean, q(0.05), q(0.95))
            })
            .collect();
        let (x0, x1) = (series.first().map_or(0.0, |p| p.0), series.last().map_or(1.0, |p| p.0).max(1.0));
        let lo = series.iter().map(|p| p.2.min(p.1)).fold(f64::INFINITY, f64::min);
        let hi = series.iter().map(|p| p.3.max(p.1)).fold(f64::NEG_INFINITY, f64::max);
        if !crate::output::report::drawable(lo, hi) {
            return crate::output::report::NOT_DRAWN.to_string();
        }
        let pad = ((hi - lo) * 0.08).max(0.5);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (560, 300)).into_drawing_area();
            let _ = root.fill(&WHITE);
            let unit = ind.unit.as_deref().filter(|u| *u != ind.name).map(|u| format!(" ({u})")).unwrap_or_default();
            let Ok(mut chart) = ChartBuilder::on(&root)
                .caption(format!("{}{unit}", ind.name), ("sans-serif", 17))
                .margin(10)
                .x_label_area_size(34)
                .y_label_area_size(52)
                .build_cartesian_2d(x0..x1 + 0.001, (lo - pad)..(hi + pad))
            else {
                return String::new();
            };
            let _ = chart
                .configure_mesh()
                .x_desc(format!("{}; line: mean; band: 5th to 95th percentile", self.axis()))
                .x_label_formatter(&|x| format!("{x:.0}"))
                .x_label_style(("sans-serif", 12))
                .y_label_style(("sans-serif", 12))
                .draw();
            // Blue, visible on white and for colour-blind readers.
            let blue = RGBColor(0, 90, 181);
            let band: Vec<(f64, f64)> =
                series.iter().map(|p| (p.0, p.3)).chain(series.iter().rev().map(|p| (p.0, p.2))).collect();
            let _ = chart.draw_series(std::iter::once(Polygon::new(band, blue.mix(0.18).filled())));
            let _ = chart.draw_series(LineSeries::new(series.iter().map(|p| (p.0, p.1)), blue.stroke_width(3)));
            let _ = root.present();
        }
        svg
    }

    fn page(&self) -> String {
        let sc = self.scenario;
        let meta = format!(
            "{} runs &middot; seed {} &middot; values {}",
            count(self.config.runs),
            self.config.seed,
            escape(&self.what())
        );
        let mut html = page_start(&format!("{}: indicators over time", sc.title), sc, &meta);
        let _ = writeln!(
            html,
            "<p class=\"meta\">Points that fewer than {}% of runs reach are left out of the charts; \
             timeline.csv has them all, with the number of runs at each.</p>",
            CHART_MIN_SHARE * 100.0
        );
        html.push_str("<div class=\"hist\">\n");
        for i in 0..sc.indicators.len() {
            html.push_str(&self.chart(i));
            html.push('\n');
        }
        html.push_str("</div>\n");
        html.push_str(page_end());
        html
    }
}

impl Presenter for TimelineView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let rows: Vec<Vec<String>> = self
            .rows()
            .into_iter()
            .map(|r| {
                let q = |x: Option<f64>| x.map(value).unwrap_or_default();
                vec![r.at.to_string(), r.runs.to_string(), r.indicator, value(r.mean), q(r.p05), q(r.p50), q(r.p95)]
            })
            .collect();
        let header = [self.axis(), "runs", "indicator", "mean", "p05", "p50", "p95"];
        vec![("timeline.csv", csv_bytes(&header, &rows)), ("timeline.html", self.page().into_bytes())]
    }

    fn text(&self, dir: &Path) -> String {
        let sc = self.scenario;
        let mut text = String::new();
        let _ = writeln!(
            text,
            "\nIndicators {}; {} runs, seed {}.",
            self.what(),
            count(self.config.runs),
            self.config.seed
        );
        let stride = self.points.len().div_ceil(SHOWN).max(1);
        for (i, ind) in sc.indicators.iter().enumerate() {
            let _ = writeln!(
                text,
                "\n{}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}",
                ind.name,
                self.axis(),
                "runs",
                "mean",
                "p05",
                "p95"
            );
            for p in self.points.iter().step_by(stride) {
                let s = &p.indicators[i];
                let q = |x: f64| s.sketch().quantile(x, s.min, s.max).map(number).unwrap_or_default();
                let pad = " ".repeat(ind.name.chars().count());
                let _ = writeln!(
                    text,
                    "{pad}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}",
                    p.at,
                    count(p.runs),
                    number(s.mean),
                    q(0.05),
                    q(0.95)
                );
            }
        }
        if stride > 1 {
            let _ = writeln!(text, "\n(every {stride}th point shown; timeline.csv has all {})", self.points.len());
        }
        let _ = writeln!(text, "\nfiles: {}/timeline.csv, timeline.html", dir.display());
        text
    }

    fn json(&self) -> String {
        #[derive(Serialize)]
        struct Doc {
            scenario: crate::output::json::ScenarioJson,
            axis: &'static str,
            seed: u64,
            runs: u64,
            rows: Vec<Row>,
        }
        crate::output::json::to_text(&Doc {
            scenario: crate::output::json::ScenarioJson::of(self.scenario),
            axis: self.axis(),
            seed: self.config.seed,
            runs: self.config.runs,
            rows: self.rows(),
        })
    }
}
