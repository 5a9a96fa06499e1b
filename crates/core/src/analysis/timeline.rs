//! `whatif timeline`: every indicator step by step (or at each visit of one node), so a
//! loop can be read week by week: at each point, how many runs got there, and the mean
//! and the 5th and 95th percentiles of each indicator's value at that moment.

use crate::engine::plan::Plan;
use crate::engine::rng::RunKeys;
use crate::engine::simulate::{SimConfig, SimError, chunk_range, in_chunks, no_weight};
use crate::engine::tally::{IndicatorStats, ValueCollector};
use crate::engine::walk::{Observer, Walker};
use crate::scenario::Scenario;

/// The most points a timeline keeps (steps or visits); later ones are not recorded.
pub const MAX_POINTS: usize = 1000;

/// Where the values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// After each step of the walk (point 0: the start values).
    Steps,
    /// On entering node `n`, at each of its visits (point 1: the first visit).
    Visits(u32),
}

/// One point of the timeline.
#[derive(Debug, Clone)]
pub struct Point {
    /// The step (from 0, the start) or the visit (from 1).
    pub at: u32,
    /// Runs that got this far.
    pub runs: u64,
    /// Per indicator, the statistics of its values here.
    pub indicators: Vec<IndicatorStats>,
}

/// Records the values at each point of one chunk of runs.
struct Recorder<'a> {
    sc: &'a Scenario,
    clock: Clock,
    values: Vec<f64>,
    steps: u32,
    points: Vec<Vec<ValueCollector>>,
    /// Runs that reached each point.
    counts: Vec<u64>,
}

impl Recorder<'_> {
    fn record(&mut self, at: usize) {
        if at >= MAX_POINTS {
            return;
        }
        while self.points.len() <= at {
            self.points.push(self.sc.indicators.iter().map(|i| ValueCollector::new(i.start)).collect());
            self.counts.push(0);
        }
        self.counts[at] += 1;
        for (c, v) in self.points[at].iter_mut().zip(&self.values) {
            c.push(*v);
        }
    }

    fn start_run(&mut self) {
        self.values.clear();
        self.values.extend(self.sc.indicators.iter().map(|i| i.start));
        self.steps = 0;
        if self.clock == Clock::Steps {
            self.record(0);
        }
    }
}

impl Observer for Recorder<'_> {
    const DETAILED: bool = true;

    fn taken(&mut self, _: u32, _: bool) {}

    fn visit(&mut self, node: u32, visit: u32, _: &[f64]) {
        match self.clock {
            // Entering step k + 1: the values after step k.
            Clock::Steps if self.steps > 0 => self.record(self.steps as usize),
            Clock::Visits(n) if n == node => self.record(visit as usize),
            _ => {}
        }
        self.steps += 1;
    }

    fn effect(&mut self, indicator: u32, _before: f64, after: f64) {
        self.values[indicator as usize] = after;
    }
}

/// The timeline of `cfg.runs` runs, merged in chunk order (the same for any thread count).
pub fn timeline(sc: &Scenario, cfg: &SimConfig, clock: Clock) -> Result<Vec<Point>, SimError> {
    if let Some((node, options)) = sc.undecided() {
        return Err(SimError::Undecided { node, options });
    }
    let plan = Plan::new(sc);
    let chunk = |c: u64| -> Result<Vec<(u64, Vec<IndicatorStats>)>, SimError> {
        let (lo, hi) = chunk_range(cfg, c);
        let mut keys = RunKeys::new(cfg.seed, lo);
        let mut walker = Walker::with_plan(sc, &plan);
        let mut rec = Recorder { sc, clock, values: Vec::new(), steps: 0, points: Vec::new(), counts: Vec::new() };
        for run in lo..hi {
            rec.start_run();
            walker.walk(keys.next_key(), &mut rec).map_err(|e| no_weight(sc, cfg.seed, run, e))?;
            if clock == Clock::Steps {
                // The values after the last step.
                rec.record(rec.steps as usize);
            }
        }
        let stats = rec.points.into_iter().map(|p| p.into_iter().map(ValueCollector::finish).collect());
        Ok(rec.counts.into_iter().zip(stats).collect())
    };
    let mut total: Vec<(u64, Vec<IndicatorStats>)> = Vec::new();
    in_chunks(cfg, chunk, |part: Result<Vec<(u64, Vec<IndicatorStats>)>, SimError>| -> Result<(), SimError> {
        for (k, (runs, stats)) in part?.into_iter().enumerate() {
            if total.len() <= k {
                total.push((0, vec![IndicatorStats::default(); stats.len()]));
            }
            total[k].0 += runs;
            for (t, s) in total[k].1.iter_mut().zip(&stats) {
                t.merge(s);
            }
        }
        Ok(())
    })?;
    let first = match clock {
        Clock::Steps => 0,
        Clock::Visits(_) => 1,
    };
    Ok(total
        .into_iter()
        .enumerate()
        .skip(first)
        .filter(|(_, (runs, _))| *runs > 0)
        .map(|(k, (runs, indicators))| Point { at: k as u32, runs, indicators })
        .collect())
}
