//! A scenario laid out for the walk: the hot path reads only flat vectors of small
//! records, built once per simulation from the compiled [`Scenario`].
//!
//! What the layout buys, step by step (each keeps every draw and every output byte):
//!
//! - Nodes with at most [`WIDTH`] branches keep their running sums in rows of exactly
//!   `WIDTH` numbers, padded with +inf, so choosing a branch is a fixed number of
//!   comparisons with no loop.
//! - A conditional node's conditions become a table indexed by the truth values of their
//!   leaf tests (`took(...)`, `level >= 4`, ...), built from the node's compiled weights
//!   ([`crate::scenario::weights::LeafTable`]): a visit costs the tests and two loads.
//! - Constant additions and sets to distinct indicators, the usual effects, sit in
//!   [`ADD_SLOTS`] fixed slots per branch (padded with a scratch indicator that is added
//!   0), applied without a branch per effect; other effects keep their file order. A
//!   node records how many slots its branches use, and the walk reads only those. Each
//!   slot carries its bounds, so a step reads nothing else to apply it: an addition
//!   its indicator's, a set of `x` the bounds `[x, x]` (an addition of 0 kept at `x`).
//! - Where every branch of a node leads to the same next node, and runs are short (no
//!   cycle), the walk draws that node's first-visit number while still choosing at this
//!   one, so the draw is not on the chain of steps that wait for each other.
//! - Where every path fits 64 bits ([`Plan::path_code`]), the walk names a run's path
//!   by shifting in each step's branch place, not by hashing the branch taken (two
//!   multiplications per step).
//! - A conditional node whose tests are all bits of the walk's truth word or comparisons
//!   of an indicator with a number (the usual one) is a [`Sums::Compares`]: its step
//!   reads those two kinds of test and nothing of the others.
//! - A plan with buckets and only fixed and [`Sums::Compares`] nodes (that keeps no
//!   taken-branch bits, where runs are short) is [`Plan::lean`]: its walk is compiled
//!   without the code for the rest, so fewer values are live across a step and fewer
//!   wait on the stack.
//! - Where no branch that leads on names an outcome ([`Plan::early_outcomes`], the usual
//!   file), the walk reads outcomes only at a run's last branch.
//! - Visit counts are kept only when some node lies on a cycle or some condition reads
//!   them; otherwise every visit is the first.
//! - Each row of running sums has a table of [`BUCKETS`] entries, one per value of a
//!   draw's top [`BUCKET_BITS`] bits: where every draw with those bits chooses the same
//!   branch (all but about one entry per branch boundary), the entry names it, and the
//!   walk takes it without turning the draw into a number or comparing it with the row.
//!   The comparison was most of the wait from one step to the next. Each entry of a
//!   conditional node's table carries a copy of its row's buckets, so the walk goes
//!   from the leaf tests to the branch without first reading the row.

use super::rng::unit;
use super::walk::{clamp, pick};
use crate::scenario::condition::{CmpOp, Read};
use crate::scenario::weights::{Leaf, LeafTable, NodeWeights};
use crate::scenario::{Cond, EffectKind, Scenario};

/// Branches per padded row of running sums.
pub const WIDTH: usize = 4;

/// Constant-addition slots per branch.
pub const ADD_SLOTS: usize = 2;

/// Bucket entries per row: draws are looked up by their top [`BUCKET_BITS`] bits.
pub const BUCKET_BITS: u32 = 8;
pub const BUCKETS: usize = 1 << BUCKET_BITS;

/// A bucket whose draws do not all choose the same branch.
pub const FALLBACK: u8 = u8::MAX;

/// A bucket of a leaf table's entry whose row has no weight ([`Plan::table_buckets`]).
pub const NO_WEIGHT: u8 = u8::MAX - 1;

/// The most rows of [`Plan::cum`] that get buckets (512 KB, a few ms to fill); a plan
/// with more has none, and its walk compares every draw.
pub const BUCKET_ROWS: usize = 2048;

/// "None" in a `u32` field.
pub const NONE: u32 = u32::MAX;

/// How a node finds its running sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sums {
    /// Fixed weights: the row at `cum` in [`Plan::cum`].
    Fixed,
    /// Conditions over leaf tests, looked up in a table.
    Leaves(Leaves),
    /// As [`Sums::Leaves`], for the usual node whose tests are all in the walk's truth
    /// word or comparisons of an indicator with a number (its `took` and `other` ranges
    /// are empty), so that the step reads neither.
    Compares(Leaves),
    /// Many conditions: the node's own compiled weights compute the row.
    Direct,
}

/// A conditional node's leaf tests and table: the truth values of its `took(...)` tests
/// (low bits), then of its comparisons of an indicator with a number, then of its other
/// tests, index the table at `table` in [`Plan::tables`], whose entries are rows of
/// [`Plan::cum`] (or [`NONE`]: no weight). Each pair is a range of the plan's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaves {
    /// The `took(...)` tests kept in the walk's truth word: `width` bits from `shift`
    /// (then `took` is empty).
    pub word: (u32, u32),
    /// `width` low bits set: the mask of those bits once shifted down, kept so that a
    /// step does not make it.
    pub mask: u32,
    pub took: (u32, u32),
    pub cmp: (u32, u32),
    pub other: (u32, u32),
    pub table: u32,
}

/// `indicator OP number` as the walk evaluates it: whether the value lies in `[lo, hi]`.
/// Every operator but `!=` is such an interval of floating-point numbers (`v < n` is
/// `v <= the number just below n`); `!=` is the interval `[n, n]` of `==` with its truth
/// flipped, which the node's table does (its entries are laid out for the flipped bit),
/// so that the step does not. NaN lies in no interval, so only `!=` holds for it, as in
/// the condition language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndTest {
    pub indicator: u32,
    pub lo: f64,
    pub hi: f64,
}

impl IndTest {
    /// The test of `indicator OP n`, and whether its truth is the interval's flipped.
    fn new(op: CmpOp, indicator: u32, n: f64) -> (IndTest, bool) {
        let (inf, never) = (f64::INFINITY, (f64::INFINITY, f64::NEG_INFINITY));
        let ((lo, hi), flip) = match op {
            CmpOp::Lt if n == -inf => (never, false),
            CmpOp::Gt if n == inf => (never, false),
            CmpOp::Lt => ((-inf, n.next_down()), false),
            CmpOp::Le => ((-inf, n), false),
            CmpOp::Gt => ((n.next_up(), inf), false),
            CmpOp::Ge => ((n, inf), false),
            CmpOp::Eq => ((n, n), false),
            CmpOp::Ne => ((n, n), true),
        };
        (IndTest { indicator, lo, hi }, flip)
    }

    /// Whether value `v` lies in the interval, without a branch.
    #[inline(always)]
    pub fn holds(self, v: f64) -> bool {
        (v >= self.lo) & (v <= self.hi)
    }
}

/// One node, as the walk reads it.
#[derive(Debug, Clone, Copy)]
pub struct PlanNode {
    pub draw_key: u64,
    pub first_branch: u32,
    pub n_branches: u32,
    /// The fixed row in [`Plan::cum`].
    pub cum: u32,
    /// Blocks of [`WIDTH`] per row (padded with +inf) where the walk compares them all
    /// without a loop: 1 or 2; 0 for nodes with more branches (or infinite sums).
    pub blocks: u8,
    /// Constant-effect slots its branches use (the others are padding).
    pub slots: u8,
    /// Bits that name a branch of this node in a path's code ([`Plan::path_code`]).
    pub code_bits: u8,
    pub sums: Sums,
    /// The node every branch that can be taken here and does not end the run leads to,
    /// when they agree (else [`NONE`]), and its draw key: where runs are short, the walk
    /// draws that node's first-visit number while it is still choosing here, off the
    /// chain of steps that wait on each other.
    pub then: u32,
    pub then_key: u64,
}

/// One branch, as the walk reads it.
#[derive(Debug, Clone, Copy)]
pub struct PlanBranch {
    pub next: u32,
    pub outcome: u32,
    pub end_outcome: u32,
    /// Constant effects, each in a fixed slot.
    pub adds: [AddSlot; ADD_SLOTS],
    /// The bits of the walk's truth word that taking this branch sets.
    pub sets: u64,
    /// The other effects: `effects[lo..hi]`.
    pub effects: (u32, u32),
}

/// A constant effect: the indicator (or the scratch slot) becomes `value + amount`, kept
/// within `[lo, hi]`, which the slot carries so that the step reads them from the branch
/// it already holds. An addition carries its indicator's bounds; a set of `x` adds 0
/// within the bounds `[x, x]` (`x` already kept within the indicator's), which gives `x`
/// from any value, with no multiplication on the step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AddSlot {
    pub indicator: u32,
    pub amount: f64,
    pub lo: f64,
    pub hi: f64,
}

impl AddSlot {
    /// The slot that sets indicator `i` to `x` within `bounds`, if it can: not where the
    /// kept value is -0 (the slot's sum is never -0, and a value of +0 would stay).
    fn set(i: u32, x: f64, (min, max): (f64, f64)) -> Option<AddSlot> {
        let x = clamp(x, min, max);
        (x.to_bits() != (-0.0f64).to_bits()).then_some(AddSlot { indicator: i, amount: 0.0, lo: x, hi: x })
    }
}

/// An effect applied in file order: its place among the branch's effects (which picks
/// its draws), the indicator and what it does.
#[derive(Debug, Clone, Copy)]
pub struct OrderedEffect {
    pub place: u32,
    pub indicator: u32,
    pub kind: EffectKind,
}

/// The walk's layout of a scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    pub nodes: Vec<PlanNode>,
    pub branches: Vec<PlanBranch>,
    /// Rows of running sums, in blocks of [`WIDTH`]: a node with `n` branches has rows
    /// of `ceil(n / WIDTH)` blocks, the last padded with +inf.
    pub cum: Vec<[f64; WIDTH]>,
    /// `took(...)` tests: word and bit of the taken-branch bits (for those beyond the
    /// truth word).
    pub took: Vec<(u32, u32)>,
    /// Bits of the truth word in use.
    pub truth_bits: u32,
    /// Comparisons of an indicator with a number.
    pub cmps: Vec<IndTest>,
    /// The other leaf tests.
    pub leaves: Vec<Leaf>,
    pub tables: Vec<u32>,
    /// Per row of [`Plan::cum`], [`BUCKETS`] entries: the branch (local index) every
    /// draw whose top bits are the entry's index chooses from that row, or [`FALLBACK`]
    /// where a row's running sums part those draws (then the draw is compared with them).
    /// Empty where the plan has more than [`BUCKET_ROWS`] rows.
    pub buckets: Vec<u8>,
    /// Per entry of [`Plan::tables`], the [`BUCKETS`] entries of its row (or
    /// [`NO_WEIGHT`] where it has none), so that a conditional node goes from its leaf
    /// tests to its branch without first reading the row. Present where
    /// [`Plan::buckets`] is (a plan with more than [`BUCKET_ROWS`] table entries has
    /// neither).
    pub table_buckets: Vec<u8>,
    pub effects: Vec<OrderedEffect>,
    /// Per indicator, then the scratch slot: the clamp bounds.
    pub bounds: Vec<(f64, f64)>,
    /// Start values, then 0 for the scratch slot.
    pub starts: Vec<f64>,
    pub track_visits: bool,
    /// Whether no node lies on a cycle, so that a run takes each branch at most once.
    pub acyclic: bool,
    /// Whether the walk keeps the taken-branch bits: for cycles (first-time flags), a
    /// `given` condition, or tests that read them directly.
    pub keep_took: bool,
    /// Whether runs are too short to reach the step limit or the interrupt check (no
    /// cycle, and fewer nodes than either), and every visit is a first one (no visit
    /// counts kept).
    pub short: bool,
    /// Whether every run's path fits a 64-bit code: a leading 1, then, step by step, the
    /// chosen branch's place among its node's branches in that node's
    /// [`PlanNode::code_bits`]. From the start node those places give the path, so
    /// distinct paths have distinct codes, and the path's 128-bit identity is made from
    /// the code by bijections (no two paths can share it); elsewhere the walk hashes the
    /// branches it takes. Only where runs are short and no path needs more than 63 bits.
    pub path_code: bool,
    /// Whether the plan has [`Plan::buckets`], every conditional node is a
    /// [`Sums::Compares`], and, where runs are [`Plan::short`], it keeps no taken-branch
    /// bits: the walk of such a plan (the usual one) is compiled without the code for the
    /// rest.
    pub lean: bool,
    /// Whether some branch that leads on names an outcome; where none does, only the
    /// last branch of a run can, and the walk looks at outcomes only there.
    pub early_outcomes: bool,
    pub start: u32,
    pub max_steps: u32,
    pub step_limit_outcome: u32,
}

impl Plan {
    /// Lays out `sc` for the walk.
    pub fn new(sc: &Scenario) -> Plan {
        Self::keeping(sc, &vec![true; sc.indicators.len()])
    }

    /// A layout for walks that only need each run's path and whether it counts (the
    /// second pass over the paths): effects on indicators that no condition reads, which
    /// cannot steer a walk, are left out, with their random draws.
    pub fn steering(sc: &Scenario) -> Plan {
        let mut read = sc.read_indicators();
        if let Some(g) = &sc.given {
            g.when.for_each_read(&mut |r| {
                if let Read::Indicator(i) = r {
                    read[*i as usize] = true;
                }
            });
        }
        Self::keeping(sc, &read)
    }

    /// The layout, with the effects on indicator `i` kept where `keep[i]`.
    fn keeping(sc: &Scenario, keep: &[bool]) -> Plan {
        let mut sets = vec![0u64; sc.branches.len()];
        let mut plan = Plan {
            nodes: Vec::with_capacity(sc.nodes.len()),
            branches: Vec::with_capacity(sc.branches.len()),
            cum: Vec::new(),
            took: Vec::new(),
            truth_bits: 0,
            cmps: Vec::new(),
            leaves: Vec::new(),
            tables: Vec::new(),
            buckets: Vec::new(),
            table_buckets: Vec::new(),
            effects: Vec::new(),
            bounds: sc.indicators.iter().map(|i| (i.min, i.max)).chain([(f64::NEG_INFINITY, f64::INFINITY)]).collect(),
            starts: sc.indicators.iter().map(|i| i.start).chain([0.0]).collect(),
            track_visits: false,
            acyclic: false,
            keep_took: true,
            short: false,
            path_code: false,
            lean: false,
            early_outcomes: sc.branches.iter().any(|b| b.next.is_some() && b.outcome.is_some()),
            start: sc.start,
            max_steps: sc.max_steps,
            step_limit_outcome: sc.step_limit_outcome(),
        };
        plan.acyclic = !crate::scenario::graph::on_cycle(sc).contains(&true);
        plan.track_visits = !plan.acyclic || reads_any_visits(sc);
        plan.short =
            !plan.track_visits && sc.nodes.len() < (sc.max_steps as usize).min(super::walk::INTERRUPT_EVERY as usize);
        for (n, node) in sc.nodes.iter().enumerate() {
            let narrow = node.n_branches as usize <= 2 * WIDTH && finite(&node.cumulative);
            let cum = plan.push_row(&node.cumulative);
            let sums = match &node.weights {
                None => Sums::Fixed,
                Some(w) => match (w.leaf_table(), w.rows()) {
                    (Some(t), Some(rows)) if !narrow || finite(rows) => plan.push_table(w, t, rows, &mut sets),
                    _ => Sums::Direct,
                },
            };
            let blocks = if narrow && sums != Sums::Direct { node.n_branches.div_ceil(WIDTH as u32) as u8 } else { 0 };
            plan.nodes.push(PlanNode {
                draw_key: node.draw_key,
                first_branch: node.first_branch,
                n_branches: node.n_branches,
                cum,
                blocks,
                slots: 0,
                code_bits: code_bits(node.n_branches),
                sums,
                then: NONE,
                then_key: 0,
            });
            let mut slots = 0;
            for b in sc.node_branches(n as u32) {
                slots = slots.max(plan.push_branch(b, sc.indicators.len() as u32, keep));
            }
            plan.nodes[n].slots = slots as u8;
        }
        for (b, &bits) in plan.branches.iter_mut().zip(&sets) {
            b.sets = bits;
        }
        for n in 0..sc.nodes.len() {
            let mut nexts = sc.node_branches(n as u32).iter().filter(|b| b.possible()).filter_map(|b| b.next);
            if let Some(first) = nexts.next()
                && nexts.all(|m| m == first)
            {
                plan.nodes[n].then = first;
                plan.nodes[n].then_key = sc.nodes[first as usize].draw_key;
            }
        }
        plan.keep_took = !plan.acyclic
            || sc.given.is_some()
            || !plan.took.is_empty()
            || !plan.leaves.is_empty()
            || plan.nodes.iter().any(|n| n.sums == Sums::Direct);
        plan.path_code = plan.short && most_code_bits(sc, &plan.nodes) <= 63;
        plan.fill_buckets();
        let simple_nodes = plan.nodes.iter().all(|n| matches!(n.sums, Sums::Fixed | Sums::Compares(_)));
        let short_with_bits = plan.short && plan.keep_took;
        plan.lean = simple_nodes && !plan.buckets.is_empty() && !short_with_bits;
        plan
    }

    /// The rows' buckets. A choice is a nondecreasing function of the draw (of the
    /// target `u * total`, then of the count of running sums at or below it), so where
    /// the lowest and the highest draw of a bucket choose the same branch, every draw in
    /// it does.
    fn fill_buckets(&mut self) {
        if self.cum.len() > BUCKET_ROWS || self.tables.len() > BUCKET_ROWS {
            return;
        }
        let mut buckets = vec![FALLBACK; self.cum.len() * BUCKETS];
        let view = self.view();
        // Nodes whose rows the walk compares in blocks: at most 2 * WIDTH branches, so a
        // branch's index fits below FALLBACK.
        for node in self.nodes.iter().filter(|n| n.blocks > 0) {
            for row in self.rows_of(node) {
                let entries = &mut buckets[row as usize * BUCKETS..(row as usize + 1) * BUCKETS];
                for (k, entry) in entries.iter_mut().enumerate() {
                    let lowest = (k as u64) << (64 - BUCKET_BITS);
                    let highest = lowest | (u64::MAX >> BUCKET_BITS);
                    let (a, b) = (view.pick(node, row, unit(lowest)), view.pick(node, row, unit(highest)));
                    *entry = if a == b { a as u8 } else { FALLBACK };
                }
            }
        }
        self.table_buckets = self
            .tables
            .iter()
            .flat_map(|&row| match row {
                NONE => &[NO_WEIGHT; BUCKETS][..],
                row => &buckets[row as usize * BUCKETS..(row as usize + 1) * BUCKETS],
            })
            .copied()
            .collect();
        self.buckets = buckets;
    }

    /// The rows a node can choose from: its fixed row, or every row of its leaf table
    /// (none for a node whose own weights compute its row).
    fn rows_of(&self, node: &PlanNode) -> Vec<u32> {
        match node.sums {
            Sums::Fixed => vec![node.cum],
            Sums::Leaves(l) | Sums::Compares(l) => {
                let width = l.word.1 + (l.took.1 - l.took.0) + (l.cmp.1 - l.cmp.0) + (l.other.1 - l.other.0);
                let table = &self.tables[l.table as usize..l.table as usize + (1usize << width)];
                table.iter().copied().filter(|&r| r != NONE).collect()
            }
            Sums::Direct => Vec::new(),
        }
    }

    fn push_row(&mut self, row: &[f64]) -> u32 {
        let at = self.cum.len() as u32;
        for part in row.chunks(WIDTH) {
            let mut block = [f64::INFINITY; WIDTH];
            block[..part.len()].copy_from_slice(part);
            self.cum.push(block);
        }
        at
    }

    /// Adds a conditional node's leaf tests and table; `sets` gathers, per branch, the
    /// truth-word bits its `took(...)` tests get.
    fn push_table(&mut self, w: &NodeWeights, t: LeafTable, rows: &[f64], sets: &mut [u64]) -> Sums {
        let n = w.n_branches();
        let table = self.tables.len() as u32;
        // By kind: bit `p` of the walk's index is leaf `order[p]`.
        let of_kind = |k: u8| -> Vec<usize> {
            (0..t.leaves.len())
                .filter(|&i| match t.leaves[i] {
                    Leaf::Took { .. } => k == 0,
                    Leaf::IndNum { .. } => k == 1,
                    _ => k == 2,
                })
                .collect()
        };
        let (took, cmps, other) = (of_kind(0), of_kind(1), of_kind(2));
        let order: Vec<usize> = took.iter().chain(&cmps).chain(&other).copied().collect();
        let mut leaves = Leaves { word: (0, 0), mask: 0, took: (0, 0), cmp: (0, 0), other: (0, 0), table };
        let tests: Vec<usize> = took
            .iter()
            .map(|&i| match t.leaves[i] {
                Leaf::Took { word, mask } => word as usize * 64 + mask.trailing_zeros() as usize,
                _ => unreachable!("sorted by kind"),
            })
            .collect();
        if !tests.is_empty() && self.truth_bits as usize + tests.len() <= 64 {
            // Each test gets a bit of the truth word, which taking its branch sets.
            leaves.word = (self.truth_bits, tests.len() as u32);
            leaves.mask = (1 << tests.len()) - 1;
            for (k, &branch) in tests.iter().enumerate() {
                sets[branch] |= 1 << (self.truth_bits as usize + k);
            }
            self.truth_bits += tests.len() as u32;
        } else {
            leaves.took.0 = self.took.len() as u32;
            self.took.extend(tests.iter().map(|&b| ((b / 64) as u32, (b % 64) as u32)));
            leaves.took.1 = self.took.len() as u32;
        }
        leaves.cmp.0 = self.cmps.len() as u32;
        // Bit `p` of the walk's index is set where leaf `order[p]` does not hold, for the
        // flipped comparisons.
        let mut flipped = 0usize;
        for (k, &i) in cmps.iter().enumerate() {
            let Leaf::IndNum { op, ind, num } = t.leaves[i] else { unreachable!("sorted by kind") };
            let (test, flip) = IndTest::new(op, ind, num);
            self.cmps.push(test);
            flipped |= usize::from(flip) << (took.len() + k);
        }
        leaves.cmp.1 = self.cmps.len() as u32;
        leaves.other.0 = self.leaves.len() as u32;
        self.leaves.extend(other.iter().map(|&i| t.leaves[i]));
        leaves.other.1 = self.leaves.len() as u32;
        // Each distinct row is copied once, in the order the table first refers to it.
        let mut copied: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        for truth in 0..t.rows.len() {
            let holds = truth ^ flipped;
            let theirs: usize = order.iter().enumerate().map(|(p, &leaf)| (holds >> p & 1) << leaf).sum();
            let at = match t.rows[theirs] {
                None => NONE,
                Some(start) => {
                    *copied.entry(start).or_insert_with(|| self.push_row(&rows[start as usize..start as usize + n]))
                }
            };
            self.tables.push(at);
        }
        if leaves.took.0 == leaves.took.1 && leaves.other.0 == leaves.other.1 {
            Sums::Compares(leaves)
        } else {
            Sums::Leaves(leaves)
        }
    }

    /// Adds a branch; returns the constant-effect slots it uses.
    fn push_branch(&mut self, b: &crate::scenario::Branch, scratch: u32, keep: &[bool]) -> usize {
        let padding = AddSlot { indicator: scratch, amount: 0.0, lo: f64::NEG_INFINITY, hi: f64::INFINITY };
        let mut adds = [padding; ADD_SLOTS];
        let lo = self.effects.len() as u32;
        let distinct =
            b.effects.iter().enumerate().all(|(i, e)| b.effects[..i].iter().all(|f| f.indicator != e.indicator));
        let mut slot = 0;
        for (place, e) in b.effects.iter().enumerate().filter(|(_, e)| keep[e.indicator as usize]) {
            // Constant effects on distinct indicators commute with every other effect of
            // the branch, so they may go first; otherwise file order is kept.
            let (min, max) = self.bounds[e.indicator as usize];
            let constant = match e.kind {
                EffectKind::Add(a) => Some(AddSlot { indicator: e.indicator, amount: a, lo: min, hi: max }),
                EffectKind::Set(x) => AddSlot::set(e.indicator, x, (min, max)),
                _ => None,
            };
            if let (true, Some(add), true) = (distinct, constant, slot < ADD_SLOTS) {
                adds[slot] = add;
                slot += 1;
            } else {
                self.effects.push(OrderedEffect { place: place as u32, indicator: e.indicator, kind: e.kind });
            }
        }
        self.branches.push(PlanBranch {
            next: b.next.unwrap_or(NONE),
            outcome: b.outcome.unwrap_or(NONE),
            end_outcome: b.end_outcome.unwrap_or(NONE),
            adds,
            sets: 0,
            effects: (lo, self.effects.len() as u32),
        });
        slot
    }

    /// The plan's vectors as slices, for the walk.
    #[inline(always)]
    pub fn view(&self) -> View<'_> {
        View {
            nodes: &self.nodes,
            branches: &self.branches,
            cum: &self.cum,
            took: &self.took,
            cmps: &self.cmps,
            leaves: &self.leaves,
            tables: &self.tables,
            buckets: &self.buckets,
            table_buckets: &self.table_buckets,
        }
    }
}

/// Bits that hold every branch place of a node with `n` branches (0 for one branch).
fn code_bits(n: u32) -> u8 {
    (u32::BITS - n.saturating_sub(1).leading_zeros()) as u8
}

/// The most code bits a run's path can take: the largest sum of
/// [`PlanNode::code_bits`] along the possible branches from the start node (a node is
/// finished once every node after it is), or `u32::MAX` where a cycle makes it
/// unbounded.
fn most_code_bits(sc: &Scenario, nodes: &[PlanNode]) -> u32 {
    let nexts = |i: usize| sc.node_branches(i as u32).iter().filter(|b| b.possible()).filter_map(|b| b.next);
    let mut most: Vec<Option<u32>> = vec![None; nodes.len()];
    let mut open = vec![false; nodes.len()];
    let mut stack = vec![(sc.start as usize, false)];
    while let Some((i, after)) = stack.pop() {
        if most[i].is_some() {
            continue;
        }
        if after {
            let rest = nexts(i).map(|m| most[m as usize].unwrap_or(u32::MAX)).max().unwrap_or(0);
            most[i] = Some(rest.saturating_add(u32::from(nodes[i].code_bits)));
        } else if std::mem::replace(&mut open[i], true) {
            // Met again before it is finished: it lies on a cycle.
            return u32::MAX;
        } else {
            stack.push((i, true));
            stack.extend(nexts(i).map(|m| (m as usize, false)));
        }
    }
    most[sc.start as usize].unwrap_or(u32::MAX)
}

/// A [`Plan`]'s vectors as slices: what one step of the walk reads.
#[derive(Clone, Copy)]
pub struct View<'p> {
    pub nodes: &'p [PlanNode],
    pub branches: &'p [PlanBranch],
    pub cum: &'p [[f64; WIDTH]],
    pub took: &'p [(u32, u32)],
    pub cmps: &'p [IndTest],
    pub leaves: &'p [Leaf],
    pub tables: &'p [u32],
    pub buckets: &'p [u8],
    pub table_buckets: &'p [u8],
}

impl<'p> View<'p> {
    /// A conditional node's row at a visit (from its leaf tests and its table), or
    /// [`NONE`] where every weight is 0.
    #[inline(always)]
    pub fn row_of(&self, l: &Leaves, word: u64, read: (&[u64], &[u32], &[f64])) -> u32 {
        self.tables[self.entry_of::<true>(l, word, read)]
    }

    /// A conditional node's entry in [`Plan::tables`] at a visit: its table's start plus
    /// the truth values of its leaf tests. `ALL`: read every range of `l` (else only its
    /// truth-word bits and comparisons, for [`Sums::Compares`]).
    #[inline(always)]
    pub fn entry_of<const ALL: bool>(
        &self,
        l: &Leaves,
        word: u64,
        (bits, visits, ind): (&[u64], &[u32], &[f64]),
    ) -> usize {
        let mut truth = ((word >> l.word.0) as u32 & l.mask) as usize;
        let mut k = l.word.1;
        if ALL {
            for &(word, bit) in &self.took[l.took.0 as usize..l.took.1 as usize] {
                truth |= ((bits[word as usize] >> bit) as usize & 1) << k;
                k += 1;
            }
        }
        for test in &self.cmps[l.cmp.0 as usize..l.cmp.1 as usize] {
            truth |= usize::from(test.holds(ind[test.indicator as usize])) << k;
            k += 1;
        }
        if ALL && l.other.0 != l.other.1 {
            for leaf in &self.leaves[l.other.0 as usize..l.other.1 as usize] {
                truth |= usize::from(leaf.eval(bits, visits, ind)) << k;
                k += 1;
            }
        }
        l.table as usize + truth
    }

    /// The branch (local index) chosen by the draw `bits` at entry `entry` of a
    /// conditional node's table: from the entry's bucket where it names one, else by
    /// comparing the draw's number with the entry's row; `None` where the row has no
    /// weight. Only for plans with buckets.
    #[inline(always)]
    pub fn choose(&self, node: &PlanNode, entry: usize, bits: u64) -> Option<usize> {
        match self.table_buckets[entry * BUCKETS + (bits >> (64 - BUCKET_BITS)) as usize] {
            b if b < NO_WEIGHT => Some(b as usize),
            _ => match self.tables[entry] {
                NONE => None,
                row => Some(self.pick(node, row, unit(bits))),
            },
        }
    }

    /// The branch (local index) chosen by the draw `bits` from row `at`: from the row's
    /// bucket where it has one branch, else by comparing the draw's number with the row.
    /// Only for plans with buckets.
    #[inline(always)]
    pub fn pick_bits(&self, node: &PlanNode, at: u32, bits: u64) -> usize {
        let b = self.buckets[at as usize * BUCKETS + (bits >> (64 - BUCKET_BITS)) as usize];
        if b != FALLBACK {
            return b as usize;
        }
        self.pick(node, at, unit(bits))
    }

    /// The branch (local index) chosen by `u` from row `at`.
    #[inline(always)]
    pub fn pick(&self, node: &PlanNode, at: u32, u: f64) -> usize {
        let n = node.n_branches as usize;
        let below = |row: &[f64; WIDTH], target: f64| row.iter().map(|&c| usize::from(c <= target)).sum::<usize>();
        let i = match node.blocks {
            1 => {
                let row = &self.cum[at as usize];
                below(row, u * row[(n - 1) % WIDTH])
            }
            2 => {
                let (first, second) = (&self.cum[at as usize], &self.cum[at as usize + 1]);
                let target = u * second[(n - 1) % WIDTH];
                below(first, target) + below(second, target)
            }
            _ => n,
        };
        if i < n {
            return i;
        }
        pick(self.sums(node, at), u)
    }

    /// The running sums of row `at` of `node`.
    pub fn sums(&self, node: &PlanNode, at: u32) -> &'p [f64] {
        let blocks = node.n_branches.div_ceil(WIDTH as u32);
        &self.cum[at as usize..(at + blocks) as usize].as_flattened()[..node.n_branches as usize]
    }
}

fn finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// Whether some condition reads a visit count.
fn reads_any_visits(sc: &Scenario) -> bool {
    sc.given.as_ref().is_some_and(|g| reads_visits(&g.when))
        || sc.branches.iter().flat_map(|b| &b.weight_if).any(|w| reads_visits(&w.when))
}

fn reads_visits(c: &Cond) -> bool {
    let mut any = false;
    c.for_each_read(&mut |r| any |= matches!(r, Read::Visits(_)));
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::condition::CmpOp;

    /// The most code bits a path can take: 22 on the bundled file (its 14 nodes have two
    /// to four branches), none to count where a cycle makes it unbounded (the search
    /// stops there instead of going round).
    #[test]
    fn code_bits_follow_the_longest_path() {
        let load = |src: &str| crate::scenario::load_str("t.yaml", src).unwrap();
        let bundled = load(include_str!("../../../../scenarios/putin_north_korea_visit.yaml"));
        assert_eq!(most_code_bits(&bundled, &Plan::new(&bundled).nodes), 22);
        let dice = load(include_str!("../../../../tests/fixtures/dice_loop.yaml"));
        assert_eq!(most_code_bits(&dice, &Plan::new(&dice).nodes), u32::MAX);
        let layered = load(include_str!("../../../../bench/layered_12x4.yaml"));
        assert_eq!(most_code_bits(&layered, &Plan::new(&layered).nodes), u32::MAX);
    }

    /// The walk reads only a node's first `slots` constant-effect slots: every branch's
    /// constant effects are in them, and the slots after them are padding (add 0 to a
    /// scratch value). Checked on every bundled file and on a file with each shape of
    /// effects: none, one, two, more than two, a set, a random amount.
    #[test]
    fn a_node_reads_every_slot_its_branches_use() {
        let mixed = "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  a: { start: 0 }\n  b: { start: 0 }\n  \
                     c: { start: 0 }\nstart: n\nnodes:\n  n:\n    branches:\n      - { id: none, weight: 1, next: m }\n      \
                     - { id: one, weight: 1, next: m, effects: { a: 1 } }\n  m:\n    branches:\n      \
                     - { id: two, weight: 1, next: k, effects: { a: 1, b: { set: 2 } } }\n      \
                     - { id: three, weight: 1, next: k, effects: { a: 1, b: 2, c: 3 } }\n  k:\n    branches:\n      \
                     - { id: random, weight: 1, effects: { a: { uniform: [0, 1] } } }\n      - { id: end, weight: 1 }\n";
        let files = crate::scenario::bundled::loaded_with(mixed);
        for sc in &files {
            let plan = Plan::new(sc);
            let scratch = sc.indicators.len() as u32;
            for (n, node) in plan.nodes.iter().enumerate() {
                let first = sc.nodes[n].first_branch as usize;
                for (b, branch) in plan.branches[first..first + node.n_branches as usize].iter().enumerate() {
                    let constant =
                        sc.branches[first + b].effects.len() - (branch.effects.1 - branch.effects.0) as usize;
                    assert!(constant <= node.slots as usize, "node {n}, branch {b}");
                    for a in &branch.adds[node.slots as usize..] {
                        assert_eq!((a.indicator, a.amount), (scratch, 0.0));
                        assert_eq!((a.lo, a.hi), plan.bounds[scratch as usize]);
                    }
                }
            }
        }
        let mixed = &files[files.len() - 1];
        let slots: Vec<u8> = Plan::new(mixed).nodes.iter().map(|n| n.slots).collect();
        assert_eq!(slots, [1, 2, 0]);
    }

    /// The draws a test tries on a row: at and next to every bucket's edges, and some
    /// from inside buckets.
    fn draws(seed: u64) -> impl Iterator<Item = u64> {
        let edges = (0..BUCKETS as u64).flat_map(|k| {
            let lowest = k << (64 - BUCKET_BITS);
            let highest = lowest | (u64::MAX >> BUCKET_BITS);
            [lowest, lowest.wrapping_sub(1), lowest + 1, highest - 1, highest, highest.wrapping_add(1)]
        });
        edges.chain((0..4000).map(move |i| crate::engine::rng::mix64(seed ^ i)))
    }

    /// Every row's buckets choose what comparing the draw's number with the row
    /// chooses, for rows of one to eight branches with zero, tiny, huge and equal
    /// weights (single-node files, so each row is a node's fixed row).
    #[test]
    fn buckets_choose_what_the_comparison_chooses() {
        let menu = ["0", "1", "3", "1e-300", "1e300", "0.1", "7.25", "1e-12", "2", "0.3333333333333333"];
        let mut bucketed = 0;
        for case in 0..300u64 {
            let n = 1 + (case % 8) as usize;
            let mut weights: Vec<&str> =
                (0..n).map(|j| menu[(crate::engine::rng::mix64(case * 16 + j as u64) % 10) as usize]).collect();
            if weights.iter().all(|w| *w == "0") {
                weights[n / 2] = "1";
            }
            let branches: String =
                weights.iter().enumerate().map(|(j, w)| format!("      - {{ id: b{j}, weight: {w} }}\n")).collect();
            let src =
                format!("whatif: 1\ntitle: T\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n{branches}");
            let sc = crate::scenario::load_str("t.yaml", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
            let plan = Plan::new(&sc);
            let (view, node) = (plan.view(), &plan.nodes[0]);
            assert!(node.blocks > 0 || weights.contains(&"1e300"), "{weights:?}");
            for bits in draws(case) {
                let u = unit(bits);
                assert_eq!(
                    view.pick_bits(node, node.cum, bits),
                    view.pick(node, node.cum, u),
                    "{weights:?}, draw {bits:#x}"
                );
            }
            bucketed += plan.buckets.iter().filter(|&&b| b != FALLBACK).count();
        }
        assert!(bucketed > 300 * BUCKETS / 2, "most buckets hold one branch: {bucketed}");
    }

    /// The same on every row of every node of the bundled files (conditional nodes'
    /// rows included), and a walk with buckets takes every run as one without.
    #[test]
    fn buckets_change_no_row_and_no_run() {
        // A conditional node whose row has no weight after `a.x` (the walk stops there).
        let none = "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  level: { start: 0 }\nstart: a\nnodes:\n  \
                    a:\n    branches:\n      - { id: x, weight: 1, next: b, effects: { level: 1 } }\n      \
                    - { id: y, weight: 3, next: b }\n  b:\n    branches:\n      - id: p\n        weight: 1\n        \
                    weight_if:\n          - { when: \"level >= 1\", weight: 0 }\n      - id: q\n        weight: 2\n        \
                    weight_if:\n          - { when: \"level >= 1\", weight: 0 }\n";
        for sc in &crate::scenario::bundled::loaded_with(none) {
            let plan = Plan::new(sc);
            let view = plan.view();
            // Each leaf-table entry's buckets are its row's, or say it has no weight.
            assert_eq!(plan.table_buckets.len(), plan.tables.len() * BUCKETS);
            for (entry, &row) in plan.tables.iter().enumerate() {
                let theirs = &plan.table_buckets[entry * BUCKETS..(entry + 1) * BUCKETS];
                match row {
                    NONE => assert!(theirs.iter().all(|&b| b == NO_WEIGHT)),
                    row => assert_eq!(theirs, &plan.buckets[row as usize * BUCKETS..(row as usize + 1) * BUCKETS]),
                }
            }
            for node in plan.nodes.iter().filter(|n| n.blocks > 0) {
                for row in plan.rows_of(node) {
                    for bits in draws(u64::from(row)).step_by(7) {
                        assert_eq!(
                            view.pick_bits(node, row, bits),
                            view.pick(node, row, unit(bits)),
                            "row {row}, draw {bits:#x}"
                        );
                    }
                }
            }
            let mut plain = plan.clone();
            plain.buckets.clear();
            crate::engine::walk::tests::assert_same_runs(sc, &plan, &plain, 11);
        }
    }

    /// Every operator, on numbers, infinities and NaN, as the condition language has it.
    #[test]
    fn indicator_tests_agree_with_the_operators() {
        let ops = [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Eq, CmpOp::Ne];
        let values = [
            -1.0,
            0.0,
            -0.0,
            2.5,
            3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            5e-324,
            -5e-324,
            2.5e-308,
            2.9999999999999996,
            3.0000000000000004,
            f64::MAX,
            f64::MIN,
        ];
        for op in ops {
            for number in [3.0, 0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, 2.5e-308, f64::MIN_POSITIVE] {
                let (test, flip) = IndTest::new(op, 0, number);
                assert_eq!(flip, op == CmpOp::Ne);
                for v in values {
                    assert_eq!(test.holds(v) != flip, op.apply(v, number), "{v} {} {number}", op.symbol());
                }
            }
        }
    }

    /// A node whose branches weigh `took(...)`, comparisons of an indicator with numbers,
    /// a visit count and their combinations: the layout's row (truth word, comparisons,
    /// other tests, table) is the one the file defines, on every state tried.
    #[test]
    fn leaf_tables_give_the_rows_the_file_defines() {
        let src = "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  level: { start: 0 }\n\
                   start: pre\nnodes:\n  pre:\n    branches:\n      - { id: a, weight: 1, next: mid }\n      \
                   - { id: b, weight: 1, next: mid }\n  mid:\n    branches:\n      - { id: c, weight: 1, next: hub }\n      \
                   - { id: d, weight: 1, next: hub }\n  hub:\n    branches:\n      \
                   - id: x\n        weight: 1\n        weight_if:\n          \
                   - { when: \"took(pre.a) and level >= 2\", weight: 5 }\n          \
                   - { when: \"not took(mid.c) or level < -1\", weight: 0 }\n      \
                   - id: y\n        weight: 2\n        weight_if:\n          \
                   - { when: \"level == 3 or visits(pre) > 1\", weight: 7 }\n          \
                   - { when: \"took(mid.d) and level != 0.5\", weight: 0.25 }\n      \
                   - id: z\n        weight: 0\n        weight_if:\n          \
                   - { when: \"took(pre.b) and level > 4\", weight: 3 }\n";
        let sc = crate::scenario::load_str("t.yaml", src).unwrap_or_else(|e| panic!("{e}"));
        let plan = Plan::new(&sc);
        let view = plan.view();
        let hub = &plan.nodes[2];
        let (Sums::Leaves(leaves) | Sums::Compares(leaves)) = hub.sums else {
            panic!("the hub's conditions should be a leaf table")
        };
        assert_ne!(leaves.word.1, 0, "took(...) tests in the truth word");
        let branches = sc.node_branches(2);
        for took in 0..16u64 {
            // Branches a, b, c, d are 0..4; the truth word is what taking them sets.
            let truth = (0..4).filter(|b| took >> b & 1 == 1).fold(0, |t, b| t | plan.branches[b].sets);
            for level in [-2.0, 0.0, 0.5, 2.0, 3.0, 4.5, f64::NAN] {
                for visits in [[1, 1, 1], [2, 1, 1]] {
                    let mut sum = 0.0;
                    let want: Vec<f64> = branches
                        .iter()
                        .map(|b| {
                            let holds = |w: &&crate::scenario::WeightIf| w.when.eval(&[took], &visits, &[level]);
                            sum += b.weight_if.iter().find(holds).map_or(b.weight, |w| w.weight);
                            sum
                        })
                        .collect();
                    let got = match view.row_of(&leaves, truth, (&[took], &visits, &[level])) {
                        NONE => vec![0.0; branches.len()],
                        row => view.sums(hub, row).to_vec(),
                    };
                    assert_eq!(got, want, "took {took:04b}, level {level}, visits {visits:?}");
                }
            }
        }
    }

    /// A chain of nodes whose weights test many earlier branches: more `took(...)` tests
    /// than the truth word holds, so later nodes test the taken-branch bits directly.
    /// Every conditional node's row is the one the file defines, on many states.
    #[test]
    fn rows_past_the_truth_word_are_the_ones_the_file_defines() {
        let mut src = String::from(
            "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  level: { start: 0 }\nstart: n0\nnodes:\n",
        );
        let mut state = 7u64;
        let mut next = |m: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        for i in 0..30u64 {
            src += &format!("  n{i}:\n    branches:\n");
            for b in 0..3 {
                src += &format!("      - id: b{b}\n        weight: {}\n", b + 1);
                if i > 0 {
                    src += "        weight_if:\n";
                    for _ in 0..2 {
                        let (j, c) = (next(i), next(3));
                        let extra = ["", " and level >= 1", " or level < -1"][next(3) as usize];
                        src += &format!("          - {{ when: \"took(n{j}.b{c}){extra}\", weight: {} }}\n", next(4));
                    }
                }
                if i < 29 {
                    src += &format!("        next: n{}\n", i + 1);
                }
            }
        }
        let sc = crate::scenario::load_str("t.yaml", &src).unwrap_or_else(|e| panic!("{e}"));
        let plan = Plan::new(&sc);
        let view = plan.view();
        assert!(!plan.took.is_empty(), "some tests past the truth word");
        assert!(plan.keep_took);
        for _ in 0..300 {
            let took: Vec<u64> = (0..sc.branches.len().div_ceil(64)).map(|_| next(u64::MAX)).collect();
            let taken = |b: usize| took[b / 64] >> (b % 64) & 1 == 1;
            let truth = (0..sc.branches.len()).filter(|&b| taken(b)).fold(0, |t, b| t | plan.branches[b].sets);
            let level = [-2.0, 0.0, 1.0][next(3) as usize];
            let visits = vec![1; sc.nodes.len()];
            for (n, node) in plan.nodes.iter().enumerate() {
                let (Sums::Leaves(leaves) | Sums::Compares(leaves)) = node.sums else { continue };
                let mut sum = 0.0;
                let want: Vec<f64> = sc
                    .node_branches(n as u32)
                    .iter()
                    .map(|b| {
                        let holds = |w: &&crate::scenario::WeightIf| w.when.eval(&took, &visits, &[level]);
                        sum += b.weight_if.iter().find(holds).map_or(b.weight, |w| w.weight);
                        sum
                    })
                    .collect();
                let got = match view.row_of(&leaves, truth, (&took, &visits, &[level])) {
                    NONE => vec![0.0; want.len()],
                    row => view.sums(node, row).to_vec(),
                };
                assert_eq!(got, want, "node n{n}");
            }
        }
    }
}
