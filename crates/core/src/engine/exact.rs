//! Exact analysis: the probabilities the simulation estimates, computed by enumeration.
//!
//! Conditions make weights depend on the walk so far, so the analysis enumerates walk
//! *states*: the current node plus exactly the parts of history that conditions can
//! observe (`took` bits that some condition reads, visit counts that some condition
//! reads, saturated above the largest literal they are compared with, and the values of
//! indicators that conditions read or that a clamp may bind), plus the outcome label set
//! so far. Equal states are merged, so wide or long scenarios stay tractable.
//!
//! Probability mass moves one step at a time (layer `k` holds the states after `k`
//! steps). Mass that ends a walk is added to its outcome; mass still walking after
//! `max_steps` layers is the `(step limit)` outcome; the enumeration stops early once
//! the mass still walking is below [`RESIDUAL_TARGET`], which is reported as the residual.
//!
//! Indicators that no condition reads and no clamp touches are not part of the state:
//! their expected final values follow by linearity, carried along with the mass as
//! `E[value; state]` (adds, `set`, and the means of random draws are all linear).
//!
//! Where a condition reads an indicator that receives a random draw, no exact figure is
//! possible and [`analyse`] says why. A budget of state expansions (deterministic, so the
//! same file gives the same columns on every machine) and a time limit (a safety net)
//! bound the work.

use super::paths::PassThrough;
use crate::clock::Stopwatch;
use crate::scenario::condition::{Cond, Operand, Read};
use crate::scenario::{EffectKind, Scenario};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::time::Duration;

/// The enumeration stops when less probability mass than this is still walking.
pub const RESIDUAL_TARGET: f64 = 1e-12;

/// The default budget of state expansions: four times what the bundled scenario needs
/// (99,119), about 0.15 s and 45 MB on the benchmark machine, so the analysis neither
/// dominates a run nor breaks its memory bound.
pub const DEFAULT_MAX_STATES: u64 = 400_000;

/// Limits on the work of an exact analysis.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// State expansions, summed over all passes.
    pub max_states: u64,
    /// Wall-clock limit (a safety net; the state budget is what normally applies).
    pub max_time: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { max_states: DEFAULT_MAX_STATES, max_time: Duration::from_secs(60) }
    }
}

/// Why there are no exact figures.
#[derive(Debug, Clone, PartialEq)]
pub enum ExactError {
    /// The budget of state expansions ran out (the scenario has too many distinct
    /// histories that conditions can tell apart).
    GaveUpStates { max_states: u64 },
    /// The time limit (a safety net) was reached.
    GaveUpTime { seconds: u64 },
    /// A condition reads an indicator that receives random draws, so branch
    /// probabilities depend on continuous values: no enumeration can be exact.
    RandomRead { indicator: String },
    /// A node can be reached in a state where every branch weight is 0.
    NoWeight { node: String },
    /// The stop flag was set.
    Interrupted,
    /// `given` with runs that can reach `max_steps`: conditioning those is not done exactly.
    GivenStepLimit,
    /// `given` holds in no run.
    GivenNever { condition: String },
    /// A decision node has not been decided.
    Undecided { node: String, options: Vec<String> },
}

impl ExactError {
    /// Whether the analysis gave up (a budget), rather than being impossible.
    pub fn gave_up(&self) -> bool {
        matches!(self, ExactError::GaveUpStates { .. } | ExactError::GaveUpTime { .. })
    }
}

impl std::fmt::Display for ExactError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExactError::GaveUpStates { max_states } => write!(
                f,
                "gave up: the budget of {max_states} walk states was used up (the scenario has too many distinct \
                 histories that conditions can tell apart)"
            ),
            ExactError::GaveUpTime { seconds } => write!(f, "gave up: the time limit of {seconds} s was reached"),
            ExactError::RandomRead { indicator } => write!(
                f,
                "a condition reads indicator `{indicator}`, which receives a random draw, so branch probabilities \
                 depend on continuous values"
            ),
            ExactError::NoWeight { node } => write!(
                f,
                "node `{node}` can be reached in a state where every branch weight is 0 (the simulation stops with \
                 an error there)"
            ),
            ExactError::Interrupted => write!(f, "interrupted"),
            ExactError::GivenStepLimit => write!(
                f,
                "runs can reach max_steps, and whatif does not condition those exactly (the sampled shares among \
                 the runs that meet the condition are shown)"
            ),
            ExactError::Undecided { node, options } => {
                write!(f, "{}", crate::engine::simulate::undecided_message(node, options))
            }
            ExactError::GivenNever { condition } => {
                write!(f, "no run can end with `{condition}` true, so there is nothing to condition on")
            }
        }
    }
}

impl std::error::Error for ExactError {}

/// Exact figures for a scenario.
#[derive(Debug, Clone)]
pub struct Exact {
    /// Probability of each outcome (index as in `Scenario::outcomes`).
    pub outcome: Vec<f64>,
    /// Expected number of times each branch is taken in a run.
    pub times_taken: Vec<f64>,
    /// Probability that a run takes each branch at least once.
    pub share_of_runs: Vec<f64>,
    /// Expected final value of each indicator, where it can be computed exactly.
    pub indicator_mean: Vec<Option<f64>>,
    /// Why some indicator means are missing.
    pub notes: Vec<String>,
    /// Probability mass still walking when the enumeration stopped (not assigned).
    pub residual: f64,
    /// State expansions used.
    pub states: u64,
    pub elapsed: Duration,
    /// With `given`: the probability that a run meets the condition. Then only
    /// `outcome` is filled (conditioned); branch shares and indicator means are not.
    pub given: Option<f64>,
}

impl Exact {
    /// The share of runs taking branch `b`, where known (not under `given`).
    pub fn branch_share(&self, b: usize) -> Option<f64> {
        self.share_of_runs.get(b).copied()
    }
}

/// What the state must carry, worked out once per scenario.
struct Plan {
    /// Per branch: its bit in the state's `took` words, if some condition reads it.
    took_bit: Vec<Option<u32>>,
    took_words: usize,
    /// Per node: (slot, saturation cap) of its visit count, if some condition reads it.
    visit_slot: Vec<Option<(usize, u32)>>,
    visit_slots: usize,
    /// Per indicator: its slot among exactly tracked values.
    tracked: Vec<Option<usize>>,
    tracked_slots: usize,
    /// Per indicator: its slot among linear expectation sums.
    linear: Vec<Option<usize>>,
    linear_slots: usize,
    notes: Vec<String>,
    /// Per node: whether it lies on a cycle (can be visited more than once).
    on_cycle: Vec<bool>,
    /// The same slots as lists of (branch, bit), (node, slot) and (indicator, slot), so
    /// that loading a state costs what the state holds, not the scenario's size.
    took_list: Vec<(usize, u32)>,
    visit_list: Vec<(usize, usize)>,
    tracked_list: Vec<(usize, usize)>,
}

const NO_OUTCOME: u64 = u32::MAX as u64;

fn for_each_cmp_visits(c: &Cond, f: &mut impl FnMut(u32, Option<f64>)) {
    match c {
        Cond::Const(_) | Cond::Took(_) => {}
        Cond::Not(a) => for_each_cmp_visits(a, f),
        Cond::And(a, b) | Cond::Or(a, b) => {
            for_each_cmp_visits(a, f);
            for_each_cmp_visits(b, f);
        }
        Cond::Cmp(_, a, b) => {
            for (x, y) in [(a, b), (b, a)] {
                if let Operand::Visits(n) = x {
                    f(*n, if let Operand::Num(v) = y { Some(*v) } else { None });
                }
            }
        }
    }
}

/// Whether some condition reads an indicator that receives random draws.
fn reads_random(sc: &Scenario) -> bool {
    sc.read_indicators().iter().zip(&sc.indicators).any(|(&read, ind)| read && ind.random)
}

fn plan(sc: &Scenario) -> Result<Plan, ExactError> {
    let mut took_bit = vec![None; sc.branches.len()];
    let mut caps: Vec<Option<u32>> = vec![None; sc.nodes.len()];
    let read_ind = sc.read_indicators();
    let mut took_n = 0u32;
    for b in &sc.branches {
        for w in &b.weight_if {
            w.when.for_each_read(&mut |r| match *r {
                Read::Took(t) => {
                    if took_bit[t as usize].is_none() {
                        took_bit[t as usize] = Some(took_n);
                        took_n += 1;
                    }
                }
                Read::Visits(_) | Read::Indicator(_) => {}
            });
            for_each_cmp_visits(&w.when, &mut |n, lit| {
                // Visits above every literal they are compared with behave alike.
                let cap = match lit {
                    Some(x) if x.is_finite() && x < 1e9 => (x.max(0.0).ceil() as u32).saturating_add(1),
                    _ => u32::MAX,
                };
                let slot = &mut caps[n as usize];
                *slot = Some(slot.map_or(cap, |c| c.max(cap)));
            });
        }
    }
    for (i, ind) in sc.indicators.iter().enumerate() {
        if read_ind[i] && ind.random {
            return Err(ExactError::RandomRead { indicator: ind.name.clone() });
        }
    }
    let has_effects = |i: usize| sc.branches.iter().any(|b| b.effects.iter().any(|e| e.indicator as usize == i));
    let mut tracked = vec![None; sc.indicators.len()];
    let mut linear = vec![None; sc.indicators.len()];
    let (mut nt, mut nl) = (0, 0);
    let mut notes = Vec::new();
    for (i, ind) in sc.indicators.iter().enumerate() {
        let clamped = ind.min.is_finite() || ind.max.is_finite();
        if read_ind[i] || (clamped && !ind.random && has_effects(i)) {
            tracked[i] = Some(nt);
            nt += 1;
        } else if clamped && ind.random {
            notes.push(format!(
                "the exact mean of `{}` is not computed: it receives random draws and has a clamp, which makes \
                 its mean non-linear",
                ind.name
            ));
        } else {
            linear[i] = Some(nl);
            nl += 1;
        }
    }
    let mut visit_slot = vec![None; sc.nodes.len()];
    let mut nv = 0;
    for (n, cap) in caps.iter().enumerate() {
        if let Some(cap) = cap {
            visit_slot[n] = Some((nv, *cap));
            nv += 1;
        }
    }
    let took_list = took_bit.iter().enumerate().filter_map(|(b, bit)| bit.map(|bit| (b, bit))).collect();
    let visit_list = visit_slot.iter().enumerate().filter_map(|(n, slot)| slot.map(|(s, _)| (n, s))).collect();
    let tracked_list = tracked.iter().enumerate().filter_map(|(i, slot)| slot.map(|s| (i, s))).collect();
    Ok(Plan {
        took_list,
        visit_list,
        tracked_list,
        took_bit,
        took_words: (took_n as usize).div_ceil(64),
        visit_slot,
        visit_slots: nv,
        tracked,
        tracked_slots: nt,
        linear,
        linear_slots: nl,
        notes,
        on_cycle: crate::scenario::graph::on_cycle(sc),
    })
}

/// A fast hash of a state key (a multiply-rotate per word, mixed at the end). State maps
/// are only looked up, never iterated, so the hash function does not affect any result.
fn key_hash(key: &[u64]) -> u64 {
    let h = key.iter().fold(0u64, |h, &w| (h.rotate_left(23) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    super::rng::mix64(h)
}

/// The states of one layer, stored flat: state `i` has key words
/// `keys[i * width..(i + 1) * width]`, probability mass `p[i]` and linear expectation
/// sums `sums[i * n_sums..(i + 1) * n_sums]`. States are found by key through a map from
/// the key's hash to the first state with that hash, and `chain` links the others.
/// No allocation per state, which keeps large enumerations small and fast.
struct States {
    width: usize,
    n_sums: usize,
    keys: Vec<u64>,
    p: Vec<f64>,
    sums: Vec<f64>,
    /// Keyed by [`key_hash`], already well mixed.
    index: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    chain: Vec<u32>,
}

impl States {
    fn new(width: usize, n_sums: usize) -> Self {
        States {
            width,
            n_sums,
            keys: Vec::new(),
            p: Vec::new(),
            sums: Vec::new(),
            index: HashMap::default(),
            chain: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.p.len()
    }

    fn key(&self, i: usize) -> &[u64] {
        &self.keys[i * self.width..(i + 1) * self.width]
    }

    fn sums(&self, i: usize) -> &[f64] {
        &self.sums[i * self.n_sums..(i + 1) * self.n_sums]
    }

    /// Adds mass `p` and `sums` to the state with `key`, creating it (last, so states
    /// keep their order of first appearance); returns its index.
    fn add(&mut self, key: &[u64], p: f64, sums: &[f64]) -> u32 {
        let hash = key_hash(key);
        let mut at = self.index.get(&hash).copied().unwrap_or(NO_STATE);
        while at != NO_STATE {
            let i = at as usize;
            if self.key(i) == key {
                self.p[i] += p;
                for (a, b) in self.sums[i * self.n_sums..(i + 1) * self.n_sums].iter_mut().zip(sums) {
                    *a += b;
                }
                return at;
            }
            at = self.chain[i];
        }
        let i = self.len() as u32;
        self.keys.extend_from_slice(key);
        self.p.push(p);
        self.sums.extend_from_slice(sums);
        self.chain.push(self.index.insert(hash, i).unwrap_or(NO_STATE));
        i
    }
}

const NO_STATE: u32 = u32::MAX;

/// What the enumeration accumulates.
struct Pass {
    outcome: Vec<f64>,
    times: Vec<f64>,
    ind_acc: Vec<f64>,
    residual: f64,
    /// The state graph, layer by layer: for each state, its edges.
    graph: Vec<Layer>,
}

/// A transition: to state `child` of the next layer (or [`TERMINAL`]) with probability
/// `prob`, taking branch `branch`.
#[derive(Clone, Copy)]
struct Edge {
    child: u32,
    prob: f64,
    branch: u32,
}

const TERMINAL: u32 = u32::MAX;

/// The edges of one layer: state `i` owns `edges[start[i]..start[i + 1]]`.
#[derive(Default)]
struct Layer {
    start: Vec<u32>,
    edges: Vec<Edge>,
}

struct Walk<'a> {
    sc: &'a Scenario,
    plan: &'a Plan,
    budget: Budget,
    started: Stopwatch,
    states: u64,
    took: Vec<u64>,
    visits: Vec<u32>,
    values: Vec<f64>,
}

// Key layout: [node | last_outcome << 32, flag, took words..., visit slots..., tracked value bits...]
const HEAD: usize = 2;

impl Walk<'_> {
    fn start_key(&self) -> Vec<u64> {
        let p = self.plan;
        let mut key = vec![0u64; HEAD + p.took_words + p.visit_slots + p.tracked_slots];
        key[0] = u64::from(self.sc.start) | (NO_OUTCOME << 32);
        for (i, slot) in p.tracked.iter().enumerate() {
            if let Some(s) = slot {
                key[HEAD + p.took_words + p.visit_slots + s] = self.sc.indicators[i].start.to_bits();
            }
        }
        key
    }

    fn start_sums(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.plan.linear_slots];
        for (i, slot) in self.plan.linear.iter().enumerate() {
            if let Some(s) = slot {
                sums[*s] = self.sc.indicators[i].start;
            }
        }
        sums
    }

    /// Loads a key into the scratch arrays that conditions read.
    /// Conditions read only the parts of history the plan tracks, so only those are set.
    fn unpack(&mut self, key: &[u64]) {
        let p = self.plan;
        for &(b, bit) in &p.took_list {
            let taken = key[HEAD + (bit / 64) as usize] >> (bit % 64) & 1;
            self.took[b / 64] = self.took[b / 64] & !(1 << (b % 64)) | taken << (b % 64);
        }
        for &(n, s) in &p.visit_list {
            self.visits[n] = key[HEAD + p.took_words + s] as u32;
        }
        for &(i, s) in &p.tracked_list {
            self.values[i] = f64::from_bits(key[HEAD + p.took_words + p.visit_slots + s]);
        }
    }

    fn check_budget(&mut self, n: usize) -> Result<(), ExactError> {
        self.states += n as u64;
        if self.states > self.budget.max_states {
            return Err(ExactError::GaveUpStates { max_states: self.budget.max_states });
        }
        if crate::interrupt::interrupted() {
            return Err(ExactError::Interrupted);
        }
        if self.started.elapsed() > self.budget.max_time {
            return Err(ExactError::GaveUpTime { seconds: self.budget.max_time.as_secs() });
        }
        Ok(())
    }

    /// The enumeration: outcome probabilities, expected branch counts, indicator means,
    /// and the state graph for `share_of_runs`.
    fn pass(&mut self) -> Result<Pass, ExactError> {
        let sc = self.sc;
        let p = self.plan;
        let mut out = Pass {
            outcome: vec![0.0; sc.outcomes.len()],
            times: vec![0.0; sc.branches.len()],
            ind_acc: vec![0.0; sc.indicators.len()],
            residual: 0.0,
            graph: Vec::new(),
        };
        let mut layer = States::new(self.width(), p.linear_slots);
        layer.add(&self.start_key(), 1.0, &self.start_sums());
        for _step in 0..sc.max_steps {
            let live: f64 = layer.p.iter().fold(0.0, |a, b| a + b);
            if layer.len() == 0 || live < RESIDUAL_TARGET {
                out.residual = live;
                return Ok(out);
            }
            self.check_budget(layer.len())?;
            let (next, mut graph) = self.layer_step(&layer, &mut out)?;
            // The graph is kept to the end: give back what growing the vectors reserved.
            graph.start.shrink_to_fit();
            graph.edges.shrink_to_fit();
            out.graph.push(graph);
            layer = next;
        }
        // Still walking after max_steps: the step-limit outcome.
        for st in 0..layer.len() {
            out.outcome[sc.step_limit_outcome() as usize] += layer.p[st];
            self.walk_ended(&mut out, layer.key(st), layer.p[st], layer.sums(st));
        }
        Ok(out)
    }

    /// Where the tracked indicator values start in a key.
    fn tracked_at(&self) -> usize {
        HEAD + self.plan.took_words + self.plan.visit_slots
    }

    /// Words in a key.
    fn width(&self) -> usize {
        self.tracked_at() + self.plan.tracked_slots
    }

    /// One step of every state of `layer`: the next layer (children in order of first
    /// appearance, deterministic as the parents are) and the edges to it.
    fn layer_step(&mut self, layer: &States, out: &mut Pass) -> Result<(States, Layer), ExactError> {
        let mut next = States::new(self.width(), self.plan.linear_slots);
        let mut graph = Layer::default();
        let mut scratch = Scratch::default();
        for st in 0..layer.len() {
            graph.start.push(graph.edges.len() as u32);
            self.expand(layer, st, &mut next, &mut graph, out, &mut scratch)?;
        }
        graph.start.push(graph.edges.len() as u32);
        Ok((next, graph))
    }

    /// The branches out of state `st`, each to a child in `next` or to the end of a walk.
    fn expand(
        &mut self,
        layer: &States,
        st: usize,
        next: &mut States,
        graph: &mut Layer,
        out: &mut Pass,
        scratch: &mut Scratch,
    ) -> Result<(), ExactError> {
        let (sc, p) = (self.sc, self.plan);
        let key = layer.key(st);
        self.unpack(key);
        let at = (key[0] & 0xffff_ffff) as usize;
        let node = &sc.nodes[at];
        let mut visits_now = None;
        if let Some((s, cap)) = p.visit_slot[at] {
            let v = (key[HEAD + p.took_words + s] as u32).saturating_add(1).min(cap);
            self.visits[at] = v;
            visits_now = Some((s, v));
        }
        let branches = sc.node_branches(at as u32);
        scratch.weights.clear();
        for b in branches {
            let when = |w: &&crate::scenario::WeightIf| w.when.eval(&self.took, &self.visits, &self.values);
            scratch.weights.push(b.weight_if.iter().find(when).map_or(b.weight, |w| w.weight));
        }
        let total: f64 = scratch.weights.iter().fold(0.0, |a, b| a + b);
        if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return Err(ExactError::NoWeight { node: node.id.clone() });
        }
        for j in 0..branches.len() {
            let w = scratch.weights[j];
            if w <= 0.0 {
                continue;
            }
            let gid = node.first_branch as usize + j;
            let prob = w / total;
            let mp = layer.p[st] * prob;
            out.times[gid] += mp;
            scratch.key.clear();
            scratch.key.extend_from_slice(key);
            if let Some((s, v)) = visits_now {
                scratch.key[HEAD + p.took_words + s] = u64::from(v);
            }
            if let Some(bit) = p.took_bit[gid] {
                scratch.key[HEAD + (bit / 64) as usize] |= 1 << (bit % 64);
            }
            scratch.sums.clear();
            scratch.sums.extend(layer.sums(st).iter().map(|s| s * prob));
            self.apply_effects(gid, mp, scratch);
            let target = self.arrive(gid, key[0] >> 32, mp, next, out, scratch);
            graph.edges.push(Edge { child: target, prob, branch: gid as u32 });
        }
        Ok(())
    }

    /// Branch `gid`'s effects on the child key (tracked values) and sums (the rest).
    fn apply_effects(&self, gid: usize, mp: f64, scratch: &mut Scratch) {
        let (sc, p, tracked_at) = (self.sc, self.plan, self.tracked_at());
        for e in &sc.branches[gid].effects {
            let i = e.indicator as usize;
            if let Some(s) = p.tracked[i] {
                let ind = &sc.indicators[i];
                let cur = f64::from_bits(scratch.key[tracked_at + s]);
                let v = match e.kind {
                    EffectKind::Add(a) => cur + a,
                    EffectKind::Set(x) => x,
                    // Excluded by the plan: tracked indicators have no random effects.
                    _ => cur,
                };
                scratch.key[tracked_at + s] = v.max(ind.min).min(ind.max).to_bits();
            } else if let Some(s) = p.linear[i] {
                let sums = &mut scratch.sums;
                match e.kind {
                    EffectKind::Add(a) => sums[s] += mp * a,
                    EffectKind::Set(x) => sums[s] = mp * x,
                    EffectKind::Uniform { lo, hi } => sums[s] += mp * (lo + hi) / 2.0,
                    EffectKind::Triangular { lo, mode, hi } => sums[s] += mp * (lo + mode + hi) / 3.0,
                    EffectKind::Normal { mean, .. } => sums[s] += mp * mean,
                }
            }
        }
    }

    /// Where taking branch `gid` leads: a child state in `next`, or the end of the walk
    /// (its mass added to the run's outcome); `last` is the outcome set so far.
    fn arrive(&self, gid: usize, last: u64, mp: f64, next: &mut States, out: &mut Pass, scratch: &mut Scratch) -> u32 {
        let b = &self.sc.branches[gid];
        let last = b.outcome.map_or(last, u64::from);
        match b.next {
            Some(n) => {
                scratch.key[0] = u64::from(n) | (last << 32);
                next.add(&scratch.key, mp, &scratch.sums)
            }
            None => {
                let o = if last == NO_OUTCOME { b.end_outcome.unwrap_or(0) as usize } else { last as usize };
                out.outcome[o] += mp;
                self.walk_ended(out, &scratch.key, mp, &scratch.sums);
                TERMINAL
            }
        }
    }

    /// Adds a finished walk's mass-weighted indicator values to the means.
    fn walk_ended(&self, out: &mut Pass, key: &[u64], mp: f64, sums: &[f64]) {
        let tracked_at = self.tracked_at();
        for &(i, s) in &self.plan.tracked_list {
            out.ind_acc[i] += mp * f64::from_bits(key[tracked_at + s]);
        }
        for (i, slot) in self.plan.linear.iter().enumerate() {
            if let Some(s) = slot {
                out.ind_acc[i] += sums[*s];
            }
        }
    }
}

/// Buffers reused across the states of a layer.
#[derive(Default)]
struct Scratch {
    weights: Vec<f64>,
    key: Vec<u64>,
    sums: Vec<f64>,
}

/// The probability that a run takes each branch at least once. A branch of a node on no
/// cycle is taken at most once, so that is its expected count; for branches on a cycle,
/// a backward sweep over the state graph computes `q(s)`, the probability of taking the
/// branch from state `s` on: `q(s) = sum over edges of prob * (1 if the edge takes the
/// branch, else q(child))`, and the answer is `q(start)`.
fn share_of_runs(sc: &Scenario, plan: &Plan, pass: &Pass) -> Vec<f64> {
    let mut share = pass.times.clone();
    let cyclic: Vec<usize> = (0..sc.branches.len())
        .filter(|&b| plan.on_cycle[sc.branches[b].node as usize] && pass.times[b] > 0.0)
        .collect();
    if cyclic.is_empty() || pass.graph.is_empty() {
        return share;
    }
    let mut column = vec![usize::MAX; sc.branches.len()];
    for (c, &b) in cyclic.iter().enumerate() {
        column[b] = c;
    }
    let width = cyclic.len();
    let mut below: Vec<f64> = Vec::new(); // q of the next layer, `width` values per state
    for layer in pass.graph.iter().rev() {
        let states = layer.start.len() - 1;
        let mut here = vec![0.0; states * width];
        for s in 0..states {
            let q = &mut here[s * width..(s + 1) * width];
            for e in &layer.edges[layer.start[s] as usize..layer.start[s + 1] as usize] {
                if e.child != TERMINAL && !below.is_empty() {
                    let child = &below[e.child as usize * width..(e.child as usize + 1) * width];
                    for (a, c) in q.iter_mut().zip(child) {
                        *a += e.prob * c;
                    }
                }
                let c = column[e.branch as usize];
                if c != usize::MAX {
                    // Taking the branch now: whatever follows, it was taken.
                    let child_q = if e.child != TERMINAL && !below.is_empty() {
                        below[e.child as usize * width + c]
                    } else {
                        0.0
                    };
                    q[c] += e.prob * (1.0 - child_q);
                }
            }
        }
        below = here;
    }
    for (c, &b) in cyclic.iter().enumerate() {
        share[b] = below[c];
    }
    share
}

/// Computes the exact figures, or says why they cannot be computed.
pub fn analyse(sc: &Scenario, budget: Budget) -> Result<Exact, ExactError> {
    if let Some((node, options)) = sc.undecided() {
        return Err(ExactError::Undecided { node, options });
    }
    if let Some(given) = &sc.given {
        return super::exact_given::conditional(sc, given, budget);
    }
    let started = Stopwatch::start();
    let plan = plan(sc)?;
    let mut walk = Walk {
        sc,
        plan: &plan,
        budget,
        started,
        states: 0,
        took: vec![0; sc.branches.len().div_ceil(64)],
        visits: vec![0; sc.nodes.len()],
        values: vec![0.0; sc.indicators.len()],
    };
    let main = walk.pass()?;
    let share = share_of_runs(sc, &plan, &main);
    let indicator_mean = (0..sc.indicators.len())
        .map(|i| (plan.tracked[i].is_some() || plan.linear[i].is_some()).then_some(main.ind_acc[i]))
        .collect();
    Ok(Exact {
        outcome: main.outcome,
        times_taken: main.times,
        share_of_runs: share,
        indicator_mean,
        notes: plan.notes.clone(),
        residual: main.residual,
        states: walk.states,
        elapsed: started.elapsed(),
        given: None,
    })
}

/// The exact probability of one path (a list of global branch indexes from the start).
/// `None` when conditions read random values (see [`analyse`]).
pub fn path_probability(sc: &Scenario, path: &[u32]) -> Option<f64> {
    if reads_random(sc) {
        return None;
    }
    let mut took = vec![0u64; sc.branches.len().div_ceil(64)];
    let mut visits = vec![0u32; sc.nodes.len()];
    let mut values: Vec<f64> = sc.indicators.iter().map(|i| i.start).collect();
    let mut at = sc.start;
    let mut prob = 1.0;
    for &b in path {
        let branch = &sc.branches[b as usize];
        if branch.node != at {
            return None;
        }
        visits[at as usize] += 1;
        let weight = |br: &crate::scenario::Branch| {
            br.weight_if.iter().find(|w| w.when.eval(&took, &visits, &values)).map_or(br.weight, |w| w.weight)
        };
        let total: f64 = sc.node_branches(at).iter().map(weight).sum();
        prob *= weight(branch) / total;
        took[b as usize / 64] |= 1 << (b % 64);
        for e in &branch.effects {
            let ind = &sc.indicators[e.indicator as usize];
            let v = &mut values[e.indicator as usize];
            *v = match e.kind {
                EffectKind::Add(a) => *v + a,
                EffectKind::Set(x) => x,
                // Random values are never read by a condition here (checked by `plan`).
                _ => *v,
            }
            .max(ind.min)
            .min(ind.max);
        }
        match branch.next {
            Some(n) => at = n,
            None => break,
        }
    }
    Some(prob)
}

/// The exact analysis as far as it went.
#[derive(Debug, Clone)]
pub enum ExactStatus {
    Done(Exact),
    /// Not possible, or given up; the error says which.
    Unavailable(ExactError),
    /// Not asked for (`--no-exact`).
    Skipped,
}

impl ExactStatus {
    /// Runs the exact analysis within `budget`.
    pub fn compute(sc: &Scenario, budget: Budget) -> Self {
        match analyse(sc, budget) {
            Ok(e) => ExactStatus::Done(e),
            Err(why) => ExactStatus::Unavailable(why),
        }
    }

    /// The figures, when they were computed.
    pub fn get(&self) -> Option<&Exact> {
        match self {
            ExactStatus::Done(e) => Some(e),
            _ => None,
        }
    }

    /// One line for the manifest and the terminal.
    pub fn note(&self) -> String {
        match self {
            ExactStatus::Done(e) if e.residual > 0.0 => format!(
                "complete ({} walk states; probability {:.1e} still walking when it stopped, see exact_residual)",
                e.states, e.residual
            ),
            ExactStatus::Done(e) => format!("complete ({} walk states)", e.states),
            ExactStatus::Unavailable(why) if why.gave_up() => why.to_string(),
            ExactStatus::Unavailable(why) => format!("not possible: {why}"),
            ExactStatus::Skipped => "not computed (--no-exact)".into(),
        }
    }
}
