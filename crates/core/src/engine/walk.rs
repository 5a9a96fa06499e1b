//! One walk through a scenario: the hot path.
//!
//! A [`Walker`] owns the per-run state (branches taken, visit counts, indicator values)
//! as plain arrays that are reset, not reallocated, between runs. What the caller wants
//! to know about each step goes through an [`Observer`], which the compiler inlines away
//! when it does nothing.

use super::plan::{NONE, OrderedEffect, Plan, Sums};
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

    /// Whether [`Observer::follows`] wants calls (to stop walks early).
    const PRUNES: bool = false;

    /// Whether the walk should go on after branch `branch` (told after
    /// [`Observer::taken`]); if not, it stops with [`Stop::Left`].
    fn follows(&mut self, _branch: u32) -> bool {
        true
    }
}

impl<T: Observer> Observer for &mut T {
    const DETAILED: bool = T::DETAILED;
    const PRUNES: bool = T::PRUNES;
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
    #[inline(always)]
    fn follows(&mut self, branch: u32) -> bool {
        (**self).follows(branch)
    }
}

/// Two observers, both told everything: the details if either wants them, and the walk
/// goes on only where each that prunes follows.
impl<A: Observer, B: Observer> Observer for (A, B) {
    const DETAILED: bool = A::DETAILED || B::DETAILED;
    const PRUNES: bool = A::PRUNES || B::PRUNES;
    #[inline(always)]
    fn taken(&mut self, branch: u32, first: bool) {
        self.0.taken(branch, first);
        self.1.taken(branch, first);
    }
    fn visit(&mut self, node: u32, visit: u32, cumulative: &[f64]) {
        self.0.visit(node, visit, cumulative);
        self.1.visit(node, visit, cumulative);
    }
    fn effect(&mut self, indicator: u32, before: f64, after: f64) {
        self.0.effect(indicator, before, after);
        self.1.effect(indicator, before, after);
    }
    #[inline(always)]
    fn follows(&mut self, branch: u32) -> bool {
        // Where the first stops the walk, the second need not move: the run ends.
        self.0.follows(branch) && self.1.follows(branch)
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
    /// The path's 128-bit identity: made from its code where the plan has one
    /// ([`Plan::path_code`]), else a hash of the sequence of branches taken.
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
    /// The observer stopped the walk ([`Observer::follows`]): the run's path is none of
    /// those it looks for.
    Left,
}

/// Steps between two looks at the interrupt flag inside one run.
pub(crate) const INTERRUPT_EVERY: u32 = 1 << 16;

/// Per-run state for walking one scenario.
pub struct Walker<'a> {
    sc: &'a Scenario,
    plan: PlanRef<'a>,
    state: State,
    /// Whether to hash the path (for [`RunEnd::path_hash`]).
    hash_paths: bool,
}

/// A walker's layout: its own, or one shared by the chunks of a simulation.
enum PlanRef<'a> {
    Own(Box<Plan>),
    Shared(&'a Plan),
}

impl std::ops::Deref for PlanRef<'_> {
    type Target = Plan;
    fn deref(&self) -> &Plan {
        match self {
            PlanRef::Own(p) => p,
            PlanRef::Shared(p) => p,
        }
    }
}

/// What one run changes.
struct State {
    took: Vec<u64>,
    visits: Vec<u32>,
    /// Indicator values, then the plan's scratch slot.
    values: Vec<f64>,
    /// Running sums computed for one visit (nodes with many conditions).
    weights: Vec<f64>,
}

impl<'a> Walker<'a> {
    /// A walker with its own layout of `sc`.
    pub fn new(sc: &'a Scenario) -> Self {
        Self::build(sc, PlanRef::Own(Box::new(Plan::new(sc))))
    }

    /// A walker on a layout already made for `sc` (one per simulation, shared by its
    /// chunks).
    pub fn with_plan(sc: &'a Scenario, plan: &'a Plan) -> Self {
        Self::build(sc, PlanRef::Shared(plan))
    }

    fn build(sc: &'a Scenario, plan: PlanRef<'a>) -> Self {
        let state = State {
            took: vec![0; sc.branches.len().div_ceil(64)],
            visits: vec![0; sc.nodes.len()],
            values: plan.starts.clone(),
            weights: Vec::with_capacity(sc.nodes.iter().map(|n| n.n_branches as usize).max().unwrap_or(0)),
        };
        Walker { sc, state, hash_paths: true, plan }
    }

    /// Leaves [`RunEnd::path_hash`] at 0 (saves the hashing where paths are not counted).
    pub fn without_path_hash(mut self) -> Self {
        self.hash_paths = false;
        self
    }

    /// The indicator values the last walk ended with.
    pub fn values(&self) -> &[f64] {
        &self.state.values[..self.sc.indicators.len()]
    }

    /// Whether the scenario's `given` condition (true if none) holds in the state the
    /// last walk ended in. (The walk keeps the taken-branch bits only where something,
    /// such as that condition, reads them.)
    pub fn given_holds(&self) -> bool {
        self.sc.given.as_ref().is_none_or(|g| g.when.eval(&self.state.took, &self.state.visits, &self.state.values))
    }

    /// Walks one run with the given key.
    #[inline]
    pub fn walk<O: Observer>(&mut self, key: RunKey, obs: &mut O) -> Result<RunEnd, Stop> {
        let plan = &*self.plan;
        let path = match (self.hash_paths, plan.path_code) {
            (false, _) => NO_PATH,
            (true, true) => CODED,
            (true, false) => HASHED,
        };
        let lean = plan.lean && !O::DETAILED;
        match (path, plan.short, !plan.buckets.is_empty()) {
            (CODED, true, true) if lean => self.walk_as::<O, CODED, true, true, true>(key, obs),
            (NO_PATH, true, true) if lean => self.walk_as::<O, NO_PATH, true, true, true>(key, obs),
            (HASHED, false, true) if lean => self.walk_as::<O, HASHED, false, true, true>(key, obs),
            (NO_PATH, false, true) if lean => self.walk_as::<O, NO_PATH, false, true, true>(key, obs),
            (CODED, true, true) => self.walk_as::<O, CODED, true, true, false>(key, obs),
            (HASHED, true, true) => self.walk_as::<O, HASHED, true, true, false>(key, obs),
            (HASHED, false, true) => self.walk_as::<O, HASHED, false, true, false>(key, obs),
            (NO_PATH, true, true) => self.walk_as::<O, NO_PATH, true, true, false>(key, obs),
            (NO_PATH, false, true) => self.walk_as::<O, NO_PATH, false, true, false>(key, obs),
            (NO_PATH, _, false) => self.walk_as::<O, NO_PATH, false, false, false>(key, obs),
            // A coded plan is short; without buckets its code is made as in the general walk.
            (_, _, _) => self.walk_as::<O, CODED_OR_HASHED, false, false, false>(key, obs),
        }
    }

    #[inline(always)]
    /// One run; `PATH`: how the path's identity is made ([`NO_PATH`], [`CODED`],
    /// [`HASHED`], or [`CODED_OR_HASHED`] as the plan says); `SHORT`: the plan is
    /// [`Plan::short`], so neither the step limit nor the interrupt check can come due
    /// within a run; `BUCKETS`: the plan has [`Plan::buckets`] for every row (almost every
    /// plan; the rare one without takes the general walk, short or not); `LEAN`: the plan
    /// is [`Plan::lean`] and the observer wants no details, so the step has no code for
    /// what such a plan never needs (fewer values live across it, fewer kept on the
    /// stack). Only with buckets, and with a path code only where runs are short.
    fn walk_as<O: Observer, const PATH: u8, const SHORT: bool, const BUCKETS: bool, const LEAN: bool>(
        &mut self,
        key: RunKey,
        obs: &mut O,
    ) -> Result<RunEnd, Stop> {
        let (sc, plan) = (self.sc, &*self.plan);
        // Slices in locals: a store into the values cannot change where they are, so the
        // step does not reload them.
        let State { took, visits, values, weights } = &mut self.state;
        let (took, visits, values): (&mut [u64], &mut [u32], &mut [f64]) = (took, visits, values);
        // Slices in locals: the step reads them without going through the vectors.
        let view = plan.view();
        let (nodes, branches) = (view.nodes, view.branches);
        // A short plan keeps no visit counts.
        let track_visits = !SHORT && plan.track_visits;
        // A lean plan with short runs keeps no taken-branch bits.
        let (keep_took, early_outcomes) = (!(LEAN && SHORT) && plan.keep_took, plan.early_outcomes);
        if keep_took {
            took.fill(0);
        }
        if track_visits {
            visits.fill(0);
        }
        values.copy_from_slice(&plan.starts);
        let mut at = plan.start as usize;
        let mut outcome = NONE;
        // Bits of the `took(...)` tests of conditional nodes (see [`PlanBranch::sets`]).
        let mut truth = 0u64;
        let (mut h1, mut h2) = (0x243f_6a88_85a3_08d3u64, 0x1319_8a2e_0370_7344u64);
        let coded = PATH == CODED || (PATH == CODED_OR_HASHED && plan.path_code);
        // The path's code: a leading 1, then each step's branch place.
        let mut code = 1u64;
        let mut steps = 0u32;
        // One comparison per step covers both the step limit and, in runs long enough
        // for it to matter, the interrupt flag.
        let mut look_at = plan.max_steps.min(INTERRUPT_EVERY);
        // The first-visit draw of the node the last step was sure to lead to.
        let (mut drawn_for, mut drawn) = (NONE, 0u64);
        loop {
            if !SHORT && steps == look_at {
                if steps == plan.max_steps {
                    let path_hash = if PATH == NO_PATH { (0, 0) } else { finish_hash(h1, h2, steps) };
                    return Ok(RunEnd { outcome: plan.step_limit_outcome, steps, path_hash });
                }
                if crate::interrupt::interrupted() {
                    return Err(Stop::Interrupted);
                }
                look_at = plan.max_steps.min(steps.saturating_add(INTERRUPT_EVERY));
            }
            steps += 1;
            let node = &nodes[at];
            let visit = if track_visits {
                visits[at] += 1;
                visits[at]
            } else {
                1
            };
            // Where runs are short (no cycle), the first-visit draw of the node that every
            // branch here leads to (unless it ends the run) is made now, while this step
            // waits on its own; it is used only on arriving there for the first time. The
            // draw stays bits: a row's buckets take most choices from its top bits.
            let bits =
                if SHORT && at as u32 == drawn_for && visit == 1 { drawn } else { key.bits(node.draw_key, visit, 0) };
            if SHORT && node.then != NONE {
                (drawn_for, drawn) = (node.then, key.bits(node.then_key, 1, 0));
            }
            let local = match node.sums {
                // From the leaf tests straight to the entry's buckets: the row is read
                // only where a bucket does not name the branch.
                Sums::Compares(leaves) if BUCKETS && !O::DETAILED => {
                    let entry = view.entry_of::<false>(&leaves, truth, (took, visits, values));
                    view.choose(node, entry, bits).ok_or(Stop::NoWeight(NoWeight { node: at as u32, visit }))?
                }
                Sums::Leaves(leaves) if BUCKETS && !O::DETAILED && !LEAN => {
                    let entry = view.entry_of::<true>(&leaves, truth, (took, visits, values));
                    view.choose(node, entry, bits).ok_or(Stop::NoWeight(NoWeight { node: at as u32, visit }))?
                }
                _ => {
                    let row = match node.sums {
                        Sums::Fixed => node.cum,
                        // Every conditional node of a lean plan is a `Compares`, taken above.
                        _ if LEAN => {
                            debug_assert!(false, "a lean plan has only fixed and Compares nodes");
                            node.cum
                        }
                        Sums::Leaves(leaves) | Sums::Compares(leaves) => {
                            view.row_of(&leaves, truth, (took, visits, values))
                        }
                        Sums::Direct => direct_row(sc, at, (took, visits, values), weights),
                    };
                    if row == NONE {
                        return Err(Stop::NoWeight(NoWeight { node: at as u32, visit }));
                    }
                    let local = if row == SCRATCH {
                        pick(weights, rng::unit(bits))
                    } else if BUCKETS {
                        view.pick_bits(node, row, bits)
                    } else {
                        view.pick(node, row, rng::unit(bits))
                    };
                    if O::DETAILED {
                        let cumulative = if row == SCRATCH { &weights[..] } else { view.sums(node, row) };
                        obs.visit(at as u32, visit, cumulative);
                    }
                    local
                }
            };
            let gid = node.first_branch as usize + local;
            let branch = &branches[gid];
            // Without cycles every branch is taken for the first time; the taken-branch
            // bits are kept only where something reads them.
            let first_time = if keep_took {
                let word = &mut took[gid / 64];
                let bit = 1u64 << (gid % 64);
                let first = *word & bit == 0;
                *word |= bit;
                first
            } else {
                true
            };
            obs.taken(gid as u32, first_time);
            if O::PRUNES && !obs.follows(gid as u32) {
                return Err(Stop::Left);
            }
            truth |= branch.sets;
            if PATH != NO_PATH && coded {
                code = (code << node.code_bits) | local as u64;
            } else if PATH != NO_PATH {
                // Two multiplicative hashes of the branch sequence, mixed once at the end.
                let g = gid as u64 + 1;
                h1 = (h1 ^ g).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                h2 = (h2.rotate_left(29) ^ g).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
            }
            if O::DETAILED {
                // Told one by one, in the order the file gives them.
                effects_in_file_order(sc, plan, gid, (key, node.draw_key, visit), values, obs);
            } else {
                for a in &branch.adds[..node.slots as usize] {
                    let i = a.indicator as usize;
                    values[i] = clamp(values[i] + a.amount, a.lo, a.hi);
                }
                let (lo, hi) = branch.effects;
                if lo != hi {
                    ordered_effects(plan, (key, node.draw_key, visit), lo, hi, values, obs);
                }
            }
            if branch.next != NONE {
                if early_outcomes && branch.outcome != NONE {
                    outcome = branch.outcome;
                }
                at = branch.next as usize;
                continue;
            }
            // The last outcome named on the way, the run's last branch's first.
            let outcome = if branch.outcome != NONE {
                branch.outcome
            } else if outcome != NONE {
                outcome
            } else if branch.end_outcome != NONE {
                branch.end_outcome
            } else {
                plan.step_limit_outcome
            };
            let path_hash = match (PATH, coded) {
                (NO_PATH, _) => (0, 0),
                (_, true) => code_hash(code),
                (_, false) => finish_hash(h1, h2, steps),
            };
            return Ok(RunEnd { outcome, steps, path_hash });
        }
    }
}

/// A node with many conditions: its compiled weights compute the row, into the
/// scratch vector or from their own table (copied to the scratch vector).
#[inline(never)]
fn direct_row(
    sc: &Scenario,
    at: usize,
    (took, visits, values): (&[u64], &[u32], &[f64]),
    weights: &mut Vec<f64>,
) -> u32 {
    let node = &sc.nodes[at];
    let first = node.first_branch as usize;
    let branches = &sc.branches[first..first + node.n_branches as usize];
    let nw = node.weights.as_ref().expect("a conditional node");
    match nw.row(branches, took, visits, values, weights) {
        Row::Table(row) => {
            weights.clear();
            weights.extend_from_slice(row);
            SCRATCH
        }
        Row::Scratch => SCRATCH,
        Row::Zero => NONE,
    }
}

/// Every effect of branch `gid`, in file order, each told to the observer.
#[inline(never)]
fn effects_in_file_order<O: Observer>(
    sc: &Scenario,
    plan: &Plan,
    gid: usize,
    draw: (RunKey, u64, u32),
    values: &mut [f64],
    obs: &mut O,
) {
    for (place, e) in sc.branches[gid].effects.iter().enumerate() {
        let effect = OrderedEffect { place: place as u32, indicator: e.indicator, kind: e.kind };
        apply(plan, &effect, draw, values, obs);
    }
}

/// The effects of a branch that are not constant, in file order.
#[inline(never)]
fn ordered_effects<O: Observer>(
    plan: &Plan,
    draw: (RunKey, u64, u32),
    lo: u32,
    hi: u32,
    values: &mut [f64],
    obs: &mut O,
) {
    for effect in &plan.effects[lo as usize..hi as usize] {
        apply(plan, effect, draw, values, obs);
    }
}

/// Applies one effect.
#[inline(always)]
fn apply<O: Observer>(plan: &Plan, effect: &OrderedEffect, draw: (RunKey, u64, u32), values: &mut [f64], obs: &mut O) {
    let (key, draw_key, visit) = draw;
    let i = effect.indicator as usize;
    let draw0 = (effect.place + 1) << 16;
    let cur = values[i];
    let v = match effect.kind {
        EffectKind::Add(a) => cur + a,
        EffectKind::Set(x) => x,
        EffectKind::Uniform { lo, hi } => cur + rng::uniform(key.unit(draw_key, visit, draw0), lo, hi),
        EffectKind::Triangular { lo, mode, hi } => {
            cur + rng::triangular(key.unit(draw_key, visit, draw0), lo, mode, hi)
        }
        EffectKind::Normal { mean, sd } => {
            cur + mean + sd * rng::standard_normal(|d| key.unit(draw_key, visit, draw0 + d))
        }
    };
    let (lo, hi) = plan.bounds[i];
    values[i] = clamp(v, lo, hi);
    if O::DETAILED {
        obs.effect(i as u32, cur, values[i]);
    }
}

/// `v` kept within `[lo, hi]`: the same as `v.max(lo).min(hi)` for every value an
/// indicator can hold (never NaN: values stay within `MAX_MAGNITUDE`), in two
/// comparisons.
#[inline(always)]
pub(crate) fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    let v = if v < lo { lo } else { v };
    if v > hi { hi } else { v }
}

/// The row "offset" that stands for the walker's scratch vector.
const SCRATCH: u32 = u32::MAX - 1;

/// [`Walker::walk_as`]'s ways of naming a run's path: none ([`RunEnd::path_hash`] is 0),
/// by its code ([`Plan::path_code`]), by hashing its branches, or as the plan says.
const NO_PATH: u8 = 0;
const CODED: u8 = 1;
const HASHED: u8 = 2;
const CODED_OR_HASHED: u8 = 3;

/// The 128-bit identity of the path with code `code`: each half a bijection of the
/// code, so that distinct paths never share it.
#[inline(always)]
fn code_hash(code: u64) -> (u64, u64) {
    (rng::mix64(code), rng::mix64(code ^ GOLDEN))
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
pub(crate) mod tests {
    use super::*;
    use crate::engine::rng::RunKeys;
    use std::collections::HashMap;

    /// Counts the details it is told.
    #[derive(Default)]
    struct Details {
        visits: u32,
        effects: u32,
    }
    impl Observer for Details {
        const DETAILED: bool = true;
        fn taken(&mut self, _: u32, _: bool) {}
        fn visit(&mut self, _: u32, _: u32, _: &[f64]) {
            self.visits += 1;
        }
        fn effect(&mut self, _: u32, _: f64, _: f64) {
            self.effects += 1;
        }
    }

    /// An observer that wants details gets them inside a pair too, on either side: a
    /// visit per step and the same effects as alone.
    #[test]
    fn a_pair_passes_the_details_on() {
        let sc = &crate::scenario::load_str("t.yaml", crate::scenario::bundled::ALL[0].source).expect("loads");
        let mut walker = Walker::new(sc);
        let mut keys = RunKeys::new(3, 0);
        let (mut effects, mut steps) = (0, 0);
        for _ in 0..50 {
            let key = keys.next_key();
            let mut alone = Details::default();
            let end = walker.walk(key, &mut alone).expect("walks");
            let (mut left, mut right) = (Details::default(), Details::default());
            walker.walk(key, &mut (&mut left, Quiet)).expect("walks");
            walker.walk(key, &mut (Quiet, &mut right)).expect("walks");
            for d in [&alone, &left, &right] {
                assert_eq!((d.visits, d.effects), (end.steps, alone.effects));
            }
            (effects, steps) = (effects + alone.effects, steps + end.steps);
        }
        assert!(effects > 0 && steps > 0, "the runs change indicators");
    }

    /// Constant effects applied from their slots leave every indicator with the bits that
    /// applying each effect in file order gives: adds and sets within the bounds, sets
    /// above and below them (kept at the bound), sets of 0 and of -0 where the bound is
    /// 0 or -0, on values of either sign.
    #[test]
    fn constant_slots_end_as_file_order_does() {
        let src = "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  \
                   a: { start: -1, min: -2, max: 2 }\n  b: { start: 1, min: 0, max: 3 }\n  \
                   c: { start: 1, min: -0.0, max: 1 }\nstart: n\nnodes:\n  n:\n    branches:\n      \
                   - { id: up, weight: 1, next: m, effects: { a: 3, b: { set: 9 } } }\n      \
                   - { id: down, weight: 1, next: m, effects: { a: { set: -5 }, c: -4 } }\n      \
                   - { id: zero, weight: 1, next: m, effects: { b: { set: -0.0 }, c: { set: 0 } } }\n  \
                   m:\n    branches:\n      - { id: x, weight: 1, effects: { a: { set: 0 }, c: { set: -0.0 } } }\n      \
                   - { id: y, weight: 1, effects: { a: { set: -0.0 }, b: -1, c: { set: -3 } } }\n      \
                   - { id: z, weight: 1, effects: { b: { set: 0.5 } } }\n";
        let sc = &crate::scenario::load_str("t.yaml", src).expect("loads");
        let plan = Plan::new(sc);
        // Sets that keep -0 stay in file order; the rest take slots.
        assert_eq!((plan.nodes.iter().map(|n| n.slots).collect::<Vec<_>>(), plan.effects.len()), (vec![2, 1], 4));
        let mut walker = Walker::with_plan(sc, &plan);
        let mut keys = RunKeys::new(9, 0);
        let mut ends = std::collections::HashSet::new();
        for _ in 0..300 {
            let key = keys.next_key();
            walker.walk(key, &mut Quiet).expect("walks");
            let slots: Vec<u64> = walker.values().iter().map(|v| v.to_bits()).collect();
            walker.walk(key, &mut Details::default()).expect("walks");
            let in_order: Vec<u64> = walker.values().iter().map(|v| v.to_bits()).collect();
            assert_eq!(slots, in_order);
            ends.insert(slots);
        }
        assert!(ends.len() >= 8, "the runs end in many ways: {}", ends.len());
    }

    /// A run's outcome is the last one named on its path, else its last branch's own:
    /// checked run by run against the branches taken, on a file whose outcomes come
    /// early, late, both or neither, and on the bundled files (outcomes only at the end,
    /// where the walk looks at the last branch alone).
    #[test]
    fn the_last_outcome_named_wins() {
        let src = "whatif: 1\ntitle: T\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
                   - { id: early, weight: 1, next: b, outcome: Early }\n      - { id: plain, weight: 1, next: b }\n  \
                   b:\n    branches:\n      - { id: late, weight: 1, outcome: Late }\n      - { id: quiet, weight: 1 }\n";
        let files = crate::scenario::bundled::loaded_with(src);
        for sc in &files {
            let plan = Plan::new(sc);
            assert_eq!(plan.early_outcomes, std::ptr::eq(sc, &files[files.len() - 1]));
            let mut walker = Walker::with_plan(sc, &plan);
            let mut keys = RunKeys::new(4, 0);
            let mut seen = std::collections::HashSet::new();
            for _ in 0..400 {
                let mut rec = Recorder::default();
                let end = walker.walk(keys.next_key(), &mut rec).expect("walks");
                let branches: Vec<_> = rec.path.iter().map(|&b| &sc.branches[b as usize]).collect();
                let named = branches.iter().rev().find_map(|b| b.outcome);
                let last = branches.last().expect("a step").end_outcome;
                assert_eq!(Some(end.outcome), named.or(last));
                seen.insert(end.outcome);
            }
            assert!(seen.len() >= 3, "{} outcomes", seen.len());
        }
    }

    /// The lean walk (the usual plan's) ends every run as the general walk does, on the
    /// bundled files (short runs) and on the layered bench file (a cycle); the dice loop,
    /// whose conditions read a visit count, is not lean.
    #[test]
    fn a_lean_walk_ends_as_the_general_one() {
        let load = |src: &str| crate::scenario::load_str("t.yaml", src).expect("loads");
        let mut files = crate::scenario::bundled::loaded_with(include_str!("../../../../bench/layered_12x4.yaml"));
        assert!(!Plan::new(&load(include_str!("../../../../tests/fixtures/dice_loop.yaml"))).lean);
        for sc in &files {
            let lean = Plan::new(sc);
            assert!(lean.lean, "{}", sc.title);
            let mut general = lean.clone();
            general.lean = false;
            assert_same_runs(sc, &lean, &general, 13);
        }
        let layered = files.pop().expect("the layered file");
        assert!(!Plan::new(&layered).short, "a file with a cycle");
    }

    /// Every run ends as it does without drawing ahead: same outcome, steps, path and
    /// indicator values, on the bundled files and on a file whose nodes lead to
    /// different nodes, end the run on some branches, or never take the branch that
    /// leads elsewhere.
    #[test]
    fn drawing_the_next_node_ahead_changes_no_run() {
        let mixed = "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  level: { start: 0 }\n\
                     start: a\nnodes:\n  a:\n    branches:\n      \
                     - { id: x, weight: 1, next: b, effects: { level: 1 } }\n      \
                     - { id: y, weight: 2, next: c }\n  b:\n    branches:\n      \
                     - { id: x, weight: 1, next: c }\n      - { id: y, weight: 1 }\n      \
                     - { id: z, weight: 0, next: d }\n  c:\n    branches:\n      \
                     - { id: x, weight: 1, next: d, effects: { level: { uniform: [0, 1] } } }\n      \
                     - id: y\n        weight: 1\n        weight_if:\n          \
                     - { when: \"level >= 1\", weight: 4 }\n        next: d\n  d:\n    branches:\n      \
                     - { id: x, weight: 1 }\n      - { id: y, weight: 3 }\n";
        let files = crate::scenario::bundled::loaded_with(mixed);
        for sc in &files {
            let plan = Plan::new(sc);
            assert!(plan.short && plan.nodes.iter().any(|n| n.then != NONE), "the files draw ahead");
            let mut plain = plan.clone();
            plain.nodes.iter_mut().for_each(|n| n.then = NONE);
            assert_same_runs(sc, &plan, &plain, 7);
        }
    }

    /// A path's code names it as surely as the hash of its branches: over many runs, two
    /// runs share a coded identity exactly when they share a hashed one. The file has
    /// paths of different lengths whose places would read alike without the code's
    /// leading 1 (`b.x` then `c.y`, against `b.y` alone), a node with one branch (no bits)
    /// and one with five (three bits).
    #[test]
    fn a_path_code_names_each_path_once() {
        let shapes = "whatif: 1\ntitle: T\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
                      - { id: only, weight: 1, next: b }\n  b:\n    branches:\n      \
                      - { id: x, weight: 1, next: c }\n      - { id: y, weight: 1 }\n  c:\n    branches:\n      \
                      - { id: x, weight: 1, next: d }\n      - { id: y, weight: 1 }\n  d:\n    branches:\n      \
                      - { id: a, weight: 1 }\n      - { id: b, weight: 1 }\n      - { id: c, weight: 1 }\n      \
                      - { id: d, weight: 1 }\n      - { id: e, weight: 1 }\n";
        for sc in &crate::scenario::bundled::loaded_with(shapes) {
            let coded = Plan::new(sc);
            assert!(coded.path_code, "the bundled files' paths fit a code");
            let mut hashed = coded.clone();
            hashed.path_code = false;
            let (mut wc, mut wh) = (Walker::with_plan(sc, &coded), Walker::with_plan(sc, &hashed));
            let (mut by_code, mut by_hash) = (HashMap::new(), HashMap::new());
            let mut keys = RunKeys::new(11, 0);
            for _ in 0..20_000 {
                let key = keys.next_key();
                let (c, h) = (wc.walk(key, &mut Quiet).unwrap(), wh.walk(key, &mut Quiet).unwrap());
                assert_eq!((c.outcome, c.steps), (h.outcome, h.steps));
                assert_eq!(*by_code.entry(c.path_hash).or_insert(h.path_hash), h.path_hash);
                assert_eq!(*by_hash.entry(h.path_hash).or_insert(c.path_hash), c.path_hash);
            }
            assert!(by_code.len() > 4, "{} paths", by_code.len());
        }
    }

    /// Paths fit a code when no path from the start needs more than 63 bits: a chain of
    /// 31 nodes of three branches (2 bits each, 62 in all) does, one of 32 does not, and
    /// neither does a file with a loop.
    #[test]
    fn paths_are_coded_where_they_fit() {
        let chain = |n: usize| {
            let mut src = String::from("whatif: 1\ntitle: T\nillustrative: true\nstart: n0\nnodes:\n");
            for i in 0..n {
                let next = if i + 1 < n { format!(", next: n{}", i + 1) } else { String::new() };
                src += &format!(
                    "  n{i}:\n    branches:\n      - {{ id: a, weight: 1{next} }}\n      \
                     - {{ id: b, weight: 1{next} }}\n      - {{ id: c, weight: 1{next} }}\n"
                );
            }
            Plan::new(&crate::scenario::load_str("t.yaml", &src).unwrap()).path_code
        };
        assert!(chain(31));
        assert!(!chain(32));
        let dice = include_str!("../../../../tests/fixtures/dice_loop.yaml");
        assert!(!Plan::new(&crate::scenario::load_str("t.yaml", dice).unwrap()).path_code);
    }

    /// A file without cycles whose conditions read visit counts keeps them: its plan is
    /// not short (a short walk takes every visit as the first and counts none), and
    /// `visits(a)` reads 1 after `a`, so the branch it weighs to 0 is never taken.
    #[test]
    fn visit_counts_are_kept_where_conditions_read_them() {
        let src = "whatif: 1\ntitle: T\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
                   - { id: x, weight: 1, next: b }\n  b:\n    branches:\n      - id: x\n        weight: 1\n        \
                   weight_if:\n          - { when: \"visits(a) >= 1\", weight: 0 }\n      - { id: y, weight: 1 }\n";
        let sc = crate::scenario::load_str("t.yaml", src).unwrap();
        let plan = Plan::new(&sc);
        assert!(plan.acyclic && plan.track_visits && !plan.short);
        let mut walker = Walker::with_plan(&sc, &plan);
        let mut keys = RunKeys::new(5, 0);
        for _ in 0..200 {
            let mut rec = Recorder::default();
            walker.walk(keys.next_key(), &mut rec).unwrap();
            assert_eq!(rec.path, [0, 2]);
        }
    }

    /// 3,000 runs of `sc` end alike on two layouts of it: outcome, steps, path hash,
    /// the branches taken and the indicator values.
    pub(crate) fn assert_same_runs(sc: &Scenario, a: &Plan, b: &Plan, seed: u64) {
        let (mut wa, mut wb) = (Walker::with_plan(sc, a), Walker::with_plan(sc, b));
        let mut keys = RunKeys::new(seed, 0);
        for _ in 0..3000 {
            let key = keys.next_key();
            let (mut ra, mut rb) = (Recorder::default(), Recorder::default());
            assert_eq!(wa.walk(key, &mut ra), wb.walk(key, &mut rb));
            assert_eq!((ra.path, wa.values()), (rb.path, wb.values()));
            // And with an observer that counts, as a simulation's does.
            assert_eq!(wa.walk(key, &mut Quiet), wb.walk(key, &mut Quiet));
        }
    }

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
