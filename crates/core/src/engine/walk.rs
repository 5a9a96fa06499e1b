//! One walk through a scenario: the hot path.
//!
//! A [`Walker`] owns the per-run state (branches taken, visit counts, indicator values)
//! as plain arrays that are reset, not reallocated, between runs. What the caller wants
//! to know about each step goes through an [`Observer`], which the compiler inlines away
//! when it does nothing.

use super::rng::{self, GOLDEN, RunKey};
use crate::scenario::weights::Row;
use crate::scenario::{EffectKind, Scenario};

/// What the walk reports at each step.
pub trait Observer {
    /// Branch `branch` (global index) was taken; `first` if for the first time this run.
    fn taken(&mut self, branch: u32, first: bool);

    /// Whether [`Observer::visit`] and [`Observer::effect`] want calls (for narration).
    const DETAILED: bool = false;

    /// Node `node` is entered for the `visit`-th time; `cumulative` holds the running
    /// sums of its branch weights at this visit.
    fn visit(&mut self, _node: u32, _visit: u32, _cumulative: &[f64]) {}

    /// An effect changed `indicator` from `before` to `after` (after clamping).
    fn effect(&mut self, _indicator: u32, _before: f64, _after: f64) {}
}

impl<T: Observer> Observer for &mut T {
    const DETAILED: bool = T::DETAILED;
    #[inline(always)]
    fn taken(&mut self, branch: u32, first: bool) {
        (**self).taken(branch, first);
    }
    fn visit(&mut self, node: u32, visit: u32, cumulative: &[f64]) {
        (**self).visit(node, visit, cumulative);
    }
    fn effect(&mut self, indicator: u32, before: f64, after: f64) {
        (**self).effect(indicator, before, after);
    }
}

/// Two observers, both told everything.
impl<A: Observer, B: Observer> Observer for (A, B) {
    #[inline(always)]
    fn taken(&mut self, branch: u32, first: bool) {
        self.0.taken(branch, first);
        self.1.taken(branch, first);
    }
}

/// An observer that ignores everything.
pub struct Quiet;
impl Observer for Quiet {
    #[inline(always)]
    fn taken(&mut self, _: u32, _: bool) {}
}

/// An observer that keeps each branch taken with its first-time flag, to be counted
/// later only if the run turns out to count (`given`).
#[derive(Default)]
pub struct Held {
    pub taken: Vec<(u32, bool)>,
}
impl Observer for Held {
    #[inline(always)]
    fn taken(&mut self, branch: u32, first: bool) {
        self.taken.push((branch, first));
    }
}

/// An observer that records the path.
#[derive(Default)]
pub struct Recorder {
    pub path: Vec<u32>,
}
impl Observer for Recorder {
    fn taken(&mut self, branch: u32, _: bool) {
        self.path.push(branch);
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunEnd {
    /// Outcome index into `Scenario::outcomes`.
    pub outcome: u32,
    pub steps: u32,
    /// A 128-bit hash of the sequence of branches taken.
    pub path_hash: (u64, u64),
}

/// A visit at which every branch weight was 0 (an error of the scenario).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoWeight {
    pub node: u32,
    pub visit: u32,
}

/// Why a walk stopped before its run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    NoWeight(NoWeight),
    /// Ctrl-C (or a termination signal) arrived during a long run.
    Interrupted,
}

/// Steps between two looks at the interrupt flag inside one run.
const INTERRUPT_EVERY: u32 = 1 << 16;

/// Per-run state for walking one scenario.
pub struct Walker<'a> {
    sc: &'a Scenario,
    took: Vec<u64>,
    visits: Vec<u32>,
    /// Indicator values; after [`Walker::walk`], the run's final values.
    pub values: Vec<f64>,
    start_values: Vec<f64>,
    weights: Vec<f64>,
}

impl<'a> Walker<'a> {
    pub fn new(sc: &'a Scenario) -> Self {
        let start_values: Vec<f64> = sc.indicators.iter().map(|i| i.start).collect();
        Walker {
            sc,
            took: vec![0; sc.branches.len().div_ceil(64)],
            visits: vec![0; sc.nodes.len()],
            values: start_values.clone(),
            start_values,
            weights: Vec::with_capacity(sc.nodes.iter().map(|n| n.n_branches as usize).max().unwrap_or(0)),
        }
    }

    /// Whether `c` holds in the state the last walk ended in.
    pub fn holds(&self, c: &crate::scenario::Cond) -> bool {
        c.eval(&self.took, &self.visits, &self.values)
    }

    /// Walks one run with the given key.
    #[inline]
    pub fn walk<O: Observer>(&mut self, key: RunKey, obs: &mut O) -> Result<RunEnd, Stop> {
        let sc = self.sc;
        self.took.fill(0);
        self.visits.fill(0);
        self.values.copy_from_slice(&self.start_values);
        let mut at = sc.start as usize;
        let mut outcome: Option<u32> = None;
        let (mut h1, mut h2) = (0x243f_6a88_85a3_08d3u64, 0x1319_8a2e_0370_7344u64);
        let mut steps = 0u32;
        // One comparison per step covers both the step limit and, in runs long enough
        // for it to matter, the interrupt flag.
        let mut look_at = sc.max_steps.min(INTERRUPT_EVERY);
        loop {
            if steps == look_at {
                if steps == sc.max_steps {
                    let path_hash = finish_hash(h1, h2, steps);
                    return Ok(RunEnd { outcome: sc.step_limit_outcome(), steps, path_hash });
                }
                if crate::interrupt::interrupted() {
                    return Err(Stop::Interrupted);
                }
                look_at = sc.max_steps.min(steps.saturating_add(INTERRUPT_EVERY));
            }
            steps += 1;
            let node = &sc.nodes[at];
            self.visits[at] += 1;
            let visit = self.visits[at];
            let u = key.unit(node.draw_key, visit, 0);
            let first = node.first_branch as usize;
            let cumulative: &[f64] = match &node.weights {
                None => &node.cumulative,
                Some(nw) => {
                    let branches = &sc.branches[first..first + node.n_branches as usize];
                    match nw.row(branches, &self.took, &self.visits, &self.values, &mut self.weights) {
                        Row::Table(row) => row,
                        Row::Scratch => &self.weights,
                        Row::Zero => return Err(Stop::NoWeight(NoWeight { node: at as u32, visit })),
                    }
                }
            };
            let local = pick(cumulative, u);
            if O::DETAILED {
                obs.visit(at as u32, visit, cumulative);
            }
            let gid = first + local;
            let branch = &sc.branches[gid];
            let word = &mut self.took[gid / 64];
            let bit = 1u64 << (gid % 64);
            let first_time = *word & bit == 0;
            *word |= bit;
            obs.taken(gid as u32, first_time);
            // Two multiplicative hashes of the branch sequence, mixed once at the end.
            let g = gid as u64 + 1;
            h1 = (h1 ^ g).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            h2 = (h2.rotate_left(29) ^ g).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
            for (e, effect) in branch.effects.iter().enumerate() {
                let i = effect.indicator as usize;
                let draw0 = (e as u32 + 1) << 16;
                let cur = self.values[i];
                let v = match effect.kind {
                    EffectKind::Add(a) => cur + a,
                    EffectKind::Set(x) => x,
                    EffectKind::Uniform { lo, hi } => cur + rng::uniform(key.unit(node.draw_key, visit, draw0), lo, hi),
                    EffectKind::Triangular { lo, mode, hi } => {
                        cur + rng::triangular(key.unit(node.draw_key, visit, draw0), lo, mode, hi)
                    }
                    EffectKind::Normal { mean, sd } => {
                        cur + mean + sd * rng::standard_normal(|d| key.unit(node.draw_key, visit, draw0 + d))
                    }
                };
                let ind = &sc.indicators[i];
                self.values[i] = v.max(ind.min).min(ind.max);
                if O::DETAILED {
                    obs.effect(i as u32, cur, self.values[i]);
                }
            }
            if branch.outcome.is_some() {
                outcome = branch.outcome;
            }
            match branch.next {
                Some(n) => at = n as usize,
                None => {
                    let outcome = outcome.or(branch.end_outcome).unwrap_or(sc.step_limit_outcome());
                    return Ok(RunEnd { outcome, steps, path_hash: finish_hash(h1, h2, steps) });
                }
            }
        }
    }
}

/// The 128-bit path hash from the running products and the path length.
#[inline(always)]
fn finish_hash(h1: u64, h2: u64, steps: u32) -> (u64, u64) {
    (rng::mix64(h1 ^ u64::from(steps)), rng::mix64(h2.wrapping_add(u64::from(steps).wrapping_mul(GOLDEN))))
}

/// The branch chosen by `u` in [0, 1) over cumulative weights: the first whose running
/// sum exceeds `u * total`. Zero-weight branches are never chosen; if rounding puts the
/// target at the total, the last branch with positive weight is taken.
#[inline(always)]
pub fn pick(cumulative: &[f64], u: f64) -> usize {
    let total = cumulative[cumulative.len() - 1];
    let target = u * total;
    // Branch-free: the number of running sums at or below the target is the index of the
    // first one above it (random choices would defeat the branch predictor).
    let i = cumulative.iter().map(|&c| usize::from(c <= target)).sum::<usize>();
    if i < cumulative.len() {
        return i;
    }
    let mut i = cumulative.len() - 1;
    while i > 0 && cumulative[i - 1] == cumulative[i] {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_follows_cumulative_weights_and_skips_zeros() {
        let cum = [1.0, 1.0, 4.0];
        assert_eq!(pick(&cum, 0.0), 0);
        assert_eq!(pick(&cum, 0.2499), 0);
        assert_eq!(pick(&cum, 0.25), 2);
        assert_eq!(pick(&cum, 0.999_999), 2);
        assert_eq!(pick(&[0.0, 2.0, 2.0], 1.0), 1);
        assert_eq!(pick(&[3.0, 3.0], 1.0), 0);
    }
}
