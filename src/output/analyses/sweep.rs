//! `whatif sweep`: `sweep.csv`, the terminal table and the JSON document.

use super::Presenter;
use crate::analysis::sweep::{Point, Target};
use crate::engine::simulate::SimConfig;
use crate::format::{exact_or_empty, number, percent, share, value};
use crate::output::json::{SweepJson, to_text};
use crate::output::terminal::count;
use crate::output::{csv_bytes, listed};
use crate::scenario::Scenario;
use crate::stats::wilson;
use std::fmt::Write;
use std::path::Path;

/// A finished sweep.
pub struct SweepView<'a> {
    pub scenario: &'a Scenario,
    pub target: Target,
    /// `node.branch` or `indicator.NAME.start`.
    pub varied: String,
    pub config: SimConfig,
    pub points: Vec<Point>,
}

impl SweepView<'_> {
    /// Outcomes that occur at some point, in file order.
    fn outcomes(&self) -> Vec<usize> {
        let sc = self.scenario;
        (0..sc.outcomes.len())
            .filter(|&o| self.points.iter().any(|p| listed(sc, o, p.result.tally.outcome_runs[o], p.exact.get())))
            .collect()
    }

    /// Each outcome's share against the varied value: points with 95% whiskers, and the
    /// exact values as dashed lines where the analysis completed.
    fn chart(&self) -> String {
        use crate::output::report::SERIES;
        use plotters::prelude::*;
        let sc = self.scenario;
        let outcomes = self.outcomes();
        let xs: Vec<f64> = self.points.iter().map(|p| p.value).collect();
        let (x0, x1) = (xs.first().copied().unwrap_or(0.0), xs.last().copied().unwrap_or(1.0));
        if !crate::output::report::drawable(x0, x1) {
            return crate::output::report::NOT_DRAWN.to_string();
        }
        let pad = ((x1 - x0) * 0.04).max(1e-9);
        // Room above the highest whisker for the legend.
        let top = self
            .points
            .iter()
            .flat_map(|p| outcomes.iter().map(move |&o| wilson(p.result.tally.outcome_runs[o], p.result.tally.runs).1))
            .fold(0.0f64, f64::max);
        let top = (top * 1.4).clamp(0.05, 1.0);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (820, 420)).into_drawing_area();
            let _ = root.fill(&WHITE);
            let Ok(mut chart) = ChartBuilder::on(&root)
                .caption(format!("Outcome shares as the {} varies", self.varied), ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(38)
                .y_label_area_size(56)
                .build_cartesian_2d((x0 - pad)..(x1 + pad), 0f64..top)
            else {
                return String::new();
            };
            let _ = chart
                .configure_mesh()
                .x_desc("value; dots: sampled share with 95% interval; dashed: exact in this file")
                .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
                .x_label_style(("sans-serif", 12))
                .y_label_style(("sans-serif", 12))
                .draw();
            for (j, &o) in outcomes.iter().enumerate() {
                let colour = SERIES[j % SERIES.len()];
                let share = |p: &Point| p.result.tally.outcome_runs[o] as f64 / p.result.tally.runs as f64;
                let whiskers = self.points.iter().map(|p| {
                    let (lo, hi) = wilson(p.result.tally.outcome_runs[o], p.result.tally.runs);
                    PathElement::new([(p.value, lo), (p.value, hi)], colour.stroke_width(2))
                });
                let _ = chart.draw_series(whiskers);
                let dots = self.points.iter().map(|p| Circle::new((p.value, share(p)), 4, colour.filled()));
                if let Ok(s) = chart.draw_series(dots) {
                    s.label(sc.outcomes[o].clone()).legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
                }
                let exact: Vec<(f64, f64)> =
                    self.points.iter().filter_map(|p| p.exact.get().map(|e| (p.value, e.outcome[o]))).collect();
                if exact.len() > 1 {
                    let _ = chart.draw_series(DashedLineSeries::new(exact, 6, 4, colour.stroke_width(2)));
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

    fn page(&self) -> String {
        let sc = self.scenario;
        let meta = format!(
            "Sweeping the {}; {} runs per point, seed {}",
            crate::output::report::escape(&self.what()),
            count(self.config.runs),
            self.config.seed
        );
        let mut html = crate::output::report::page_start(&format!("{}: sweep", sc.title), sc, &meta);
        html.push_str(&self.chart());
        html.push_str(crate::output::report::page_end());
        html
    }

    fn what(&self) -> String {
        let sc = self.scenario;
        match self.target {
            Target::Weight(b) => {
                format!("base weight of {} (file: {})", sc.branches[b].full_id, number(sc.branches[b].written))
            }
            Target::Start(i) => {
                format!("start of {} (file: {})", sc.indicators[i].name, number(sc.indicators[i].start))
            }
        }
    }
}

impl Presenter for SweepView<'_> {
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let sc = self.scenario;
        let outcomes = self.outcomes();
        let mut rows = Vec::new();
        for p in &self.points {
            let t = &p.result.tally;
            for &o in &outcomes {
                let (lo, hi) = wilson(t.outcome_runs[o], t.runs);
                rows.push(vec![
                    value(p.value),
                    sc.outcomes[o].clone(),
                    t.outcome_runs[o].to_string(),
                    share(t.outcome_runs[o] as f64 / t.runs as f64),
                    share(lo),
                    share(hi),
                    exact_or_empty(p.exact.get().map(|e| e.outcome[o])),
                ]);
            }
        }
        let header = ["value", "outcome", "runs", "share", "ci95_low", "ci95_high", "exact_probability"];
        vec![("sweep.csv", csv_bytes(&header, &rows)), ("sweep.html", self.page().into_bytes())]
    }

    fn text(&self, dir: &Path) -> String {
        let sc = self.scenario;
        let outcomes = self.outcomes();
        let mut text = String::new();
        let _ = writeln!(
            text,
            "\nSweeping the {}; {} runs per point, seed {}. Exact values where available.\n",
            self.what(),
            count(self.config.runs),
            self.config.seed
        );
        let labels: Vec<&str> = outcomes.iter().map(|&o| sc.outcomes[o].as_str()).collect();
        let (names, width) = crate::format::fit(&labels, 14);
        let width = width.max(8);
        let _ = write!(text, "{:>10}", "value");
        for name in &names {
            let _ = write!(text, "  {name:>width$}");
        }
        text.push('\n');
        for p in &self.points {
            let _ = write!(text, "{:>10}", number(p.value));
            for &o in &outcomes {
                let cell = match p.exact.get() {
                    Some(e) => percent(e.outcome[o]),
                    None => percent(p.result.tally.outcome_runs[o] as f64 / p.result.tally.runs as f64),
                };
                let _ = write!(text, "  {cell:>width$}");
            }
            text.push('\n');
        }
        let _ = writeln!(text, "\nfiles: {}/sweep.csv, sweep.html", dir.display());
        text
    }

    fn json(&self) -> String {
        to_text(&SweepJson::of(self.scenario, &self.varied, self.config.seed, &self.points, &self.outcomes()))
    }
}
