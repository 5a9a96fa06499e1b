//! Conditional weights, compiled for the walk.
//!
//! At a node with `weight_if`, each branch's weight at a visit is decided by which of its
//! entries holds first (or none). The walk used to evaluate the condition trees and add
//! up a fresh vector of running sums at every such visit. Here each node gets, once:
//!
//! - its distinct conditions as flat programs (no boxes, no recursion), each evaluated
//!   at most once per visit even when several branches share it;
//! - a table of running sums for every combination of "which entry applied" per branch,
//!   so a visit finds its row by a mixed-radix index and picks from it directly.
//!
//! The running sums are added in the same order as before, so every choice, and every
//! output byte, is unchanged. A node whose table would exceed [`MAX_ROWS`] rows, or that
//! comes after the scenario's tables have used up [`TABLE_BUDGET`], keeps the direct
//! computation (same result, slower). This is part of compiling a scenario: each
//! [`super::Node`] carries its weights, built once at load time.

use super::Branch;
use super::condition::{CmpOp, Cond, Operand};
use std::collections::HashMap;

/// Largest table of running sums kept per node (rows of `n_branches` numbers).
pub const MAX_ROWS: usize = 4096;

/// Numbers that the tables of one scenario may hold in all (8 MB): a hostile file with
/// thousands of many-branched conditional nodes must not make loading slow or large.
pub const TABLE_BUDGET: usize = 1 << 20;

/// One instruction of a flat condition program (postfix order).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    /// Pushes the value of a leaf test.
    Push(Leaf),
    Not,
    And,
    Or,
}

/// A condition as a postfix program over a stack of booleans (bits of a `u64`).
#[derive(Debug, Clone)]
pub struct Program {
    ops: Vec<Op>,
    /// A condition whose program would need more than 64 stack places (possible within
    /// the parser's 64 levels, as `a or b and (...)` keeps two values per level) is
    /// evaluated by its tree instead.
    deep: Option<Cond>,
}

impl Program {
    /// Compiles a condition.
    pub fn new(cond: &Cond) -> Self {
        let mut ops = Vec::new();
        emit(cond, &mut ops);
        let (mut depth, mut most) = (0i32, 0i32);
        for op in &ops {
            depth += match op {
                Op::Not => 0,
                Op::And | Op::Or => -1,
                Op::Push(_) => 1,
            };
            most = most.max(depth);
        }
        let deep = (most > 64).then(|| cond.clone());
        Program { ops, deep }
    }

    /// Evaluates the program on the walk's state; the same answer as [`Cond::eval`]
    /// (conditions have no side effects, so `and`/`or` need not short-circuit).
    #[inline(always)]
    pub fn eval(&self, took: &[u64], visits: &[u32], ind: &[f64]) -> bool {
        match self.ops[..] {
            [Op::Push(leaf)] => leaf.eval(took, visits, ind),
            [Op::Push(a), Op::Push(b), Op::And] => a.eval(took, visits, ind) & b.eval(took, visits, ind),
            [Op::Push(a), Op::Push(b), Op::Or] => a.eval(took, visits, ind) | b.eval(took, visits, ind),
            _ => self.eval_ops(took, visits, ind),
        }
    }

    /// The program's value when its `k`-th pushing instruction is leaf `ids[k]`, and leaf
    /// `i` has the truth value of bit `i` of `truth`.
    fn eval_leaves(&self, ids: &[usize], truth: usize) -> bool {
        let mut stack: Vec<bool> = Vec::new();
        let mut next = ids.iter();
        for op in &self.ops {
            match op {
                Op::Not => {
                    let a = stack.pop().expect("a valid program");
                    stack.push(!a);
                }
                Op::And | Op::Or => {
                    let b = stack.pop().expect("a valid program");
                    let a = stack.pop().expect("a valid program");
                    stack.push(if matches!(op, Op::And) { a & b } else { a | b });
                }
                Op::Push(_) => stack.push(truth >> next.next().expect("one id per leaf") & 1 == 1),
            }
        }
        stack.pop().expect("a valid program")
    }

    #[inline(never)]
    fn eval_ops(&self, took: &[u64], visits: &[u32], ind: &[f64]) -> bool {
        if let Some(cond) = &self.deep {
            return cond.eval(took, visits, ind);
        }
        let (mut stack, mut depth) = (0u64, 0u32);
        for op in &self.ops {
            let bit = match *op {
                Op::Not => {
                    stack ^= 1 << (depth - 1);
                    continue;
                }
                Op::And | Op::Or => {
                    depth -= 1;
                    let b = stack >> depth & 1;
                    let a = stack >> (depth - 1) & 1;
                    let r = if matches!(op, Op::And) { a & b } else { a | b };
                    stack = stack & !(1 << (depth - 1)) | r << (depth - 1);
                    continue;
                }
                Op::Push(leaf) => leaf.eval(took, visits, ind),
            };
            stack = stack & !(1 << depth) | u64::from(bit) << depth;
            depth += 1;
        }
        stack & 1 == 1
    }
}

impl Op {
    /// The instruction as a leaf test, if it pushes.
    fn as_leaf(self) -> Option<Leaf> {
        match self {
            Op::Push(leaf) => Some(leaf),
            Op::Not | Op::And | Op::Or => None,
        }
    }
}

fn emit(c: &Cond, ops: &mut Vec<Op>) {
    match c {
        Cond::Const(b) => ops.push(Op::Push(Leaf::Const(*b))),
        Cond::Took(b) => ops.push(Op::Push(Leaf::Took { word: b / 64, mask: 1 << (b % 64) })),
        Cond::Not(a) => {
            emit(a, ops);
            ops.push(Op::Not);
        }
        Cond::And(a, b) | Cond::Or(a, b) => {
            emit(a, ops);
            emit(b, ops);
            ops.push(if matches!(c, Cond::And(..)) { Op::And } else { Op::Or });
        }
        Cond::Cmp(op, Operand::Ind(i), Operand::Num(x)) => {
            ops.push(Op::Push(Leaf::IndNum { op: *op, ind: *i, num: *x }))
        }
        Cond::Cmp(op, a, b) => ops.push(Op::Push(Leaf::Cmp { op: *op, a: *a, b: *b })),
    }
}

/// The compiled weights of one conditional node.
#[derive(Debug, Clone)]
pub struct NodeWeights {
    /// The node's distinct conditions.
    conds: Vec<Program>,
    /// Per branch: the condition index of each `weight_if` entry, in order.
    entries: Vec<Vec<u32>>,
    /// Per branch: its digit's weight in the row index.
    strides: Vec<u32>,
    /// Running sums, `n_branches` per row; `None` if the table would be too large.
    rows: Option<Vec<f64>>,
    /// Per row: whether some weight is positive.
    ok: Vec<bool>,
    /// For nodes with at most [`MAX_LUT_BITS`] distinct conditions: for each combination
    /// of their truth values (bit `i` = condition `i`), the row's start in `rows`, or
    /// `u32::MAX` where every weight is 0.
    lut: Option<Vec<u32>>,
    n: usize,
}

/// Distinct conditions of a node up to which every one is evaluated at each visit and the
/// row looked up by their truth values.
pub const MAX_LUT_BITS: usize = 10;

/// Leaf tests of a node's conditions, up to which the walk evaluates them all and finds
/// its row by their truth values alone ([`LeafTable`]).
pub const MAX_LEAF_BITS: usize = 10;

/// One leaf test of a condition, as the walk evaluates it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leaf {
    Const(bool),
    /// Bit `mask` of word `word` of the taken-branch bits.
    Took {
        word: u32,
        mask: u64,
    },
    /// An indicator compared with a literal.
    IndNum {
        op: CmpOp,
        ind: u32,
        num: f64,
    },
    /// Any other comparison.
    Cmp {
        op: CmpOp,
        a: Operand,
        b: Operand,
    },
}

impl Leaf {
    /// The test's value in the walk's state.
    #[inline(always)]
    pub fn eval(self, took: &[u64], visits: &[u32], ind: &[f64]) -> bool {
        let value = |o: Operand| match o {
            Operand::Num(x) => x,
            Operand::Visits(n) => visits[n as usize] as f64,
            Operand::Ind(i) => ind[i as usize],
        };
        match self {
            Leaf::Const(b) => b,
            Leaf::Took { word, mask } => took[word as usize] & mask != 0,
            Leaf::IndNum { op, ind: i, num } => op.apply(ind[i as usize], num),
            Leaf::Cmp { op, a, b } => op.apply(value(a), value(b)),
        }
    }
}

/// A node's conditions compiled down to their distinct leaf tests: for every combination
/// of the tests' truth values (bit `i` = leaf `i`), the start of the row of running sums
/// in [`NodeWeights::rows`], or `None` where every weight is 0. A visit then costs the
/// tests and one load, whatever `and`/`or`/`not` the conditions combine them with.
#[derive(Debug, Clone)]
pub struct LeafTable {
    pub leaves: Vec<Leaf>,
    pub rows: Vec<Option<u32>>,
}

/// The running sums chosen for one visit.
pub enum Row<'a> {
    /// From the table.
    Table(&'a [f64]),
    /// Computed into the caller's scratch vector (large tables only).
    Scratch,
    /// Every weight is 0 at this visit.
    Zero,
}

impl NodeWeights {
    /// Compiles the weights of a node's branches, with tables if they fit in `budget`
    /// (which they then use up).
    pub fn within(branches: &[Branch], budget: &mut usize) -> Self {
        let rows: usize = branches.iter().fold(1usize, |r, b| r.saturating_mul(b.weight_if.len() + 1));
        let conds: usize = branches.iter().map(|b| b.weight_if.len()).sum();
        let lut = if conds <= MAX_LUT_BITS { 1usize << conds } else { 0 };
        let size = rows.saturating_mul(branches.len()).saturating_add(rows).saturating_add(lut);
        let tables = rows <= MAX_ROWS && size <= *budget;
        if tables {
            *budget -= size;
        }
        NodeWeights::new(branches, tables)
    }

    /// Whether the node's running sums are precomputed.
    pub fn has_tables(&self) -> bool {
        self.rows.is_some()
    }

    /// The node's number of branches.
    pub fn n_branches(&self) -> usize {
        self.n
    }

    /// The table of running sums, `n_branches` numbers per row (if precomputed).
    pub fn rows(&self) -> Option<&[f64]> {
        self.rows.as_deref()
    }

    /// The node's conditions as a table over their leaf tests, where the running sums are
    /// precomputed and there are at most [`MAX_LEAF_BITS`] distinct tests.
    pub fn leaf_table(&self) -> Option<LeafTable> {
        let lut = self.lut.as_ref()?;
        let mut leaves: Vec<Leaf> = Vec::new();
        // Per condition, the leaf index of each instruction that pushes.
        let mut ids: Vec<Vec<usize>> = Vec::with_capacity(self.conds.len());
        for prog in &self.conds {
            if prog.deep.is_some() {
                return None;
            }
            let mut mine = Vec::new();
            for op in &prog.ops {
                let Some(leaf) = op.as_leaf() else { continue };
                let i = leaves.iter().position(|l| *l == leaf).unwrap_or_else(|| {
                    leaves.push(leaf);
                    leaves.len() - 1
                });
                mine.push(i);
            }
            ids.push(mine);
            if leaves.len() > MAX_LEAF_BITS {
                return None;
            }
        }
        let rows = (0..1usize << leaves.len())
            .map(|truth| {
                let mask: usize = self
                    .conds
                    .iter()
                    .zip(&ids)
                    .enumerate()
                    .map(|(c, (prog, ids))| usize::from(prog.eval_leaves(ids, truth)) << c)
                    .sum();
                let start = lut[mask];
                (start != u32::MAX).then_some(start)
            })
            .collect();
        Some(LeafTable { leaves, rows })
    }

    /// Compiles the weights of a node's branches (with tables of running sums if `tables`
    /// and they are at most [`MAX_ROWS`] rows).
    pub fn new(branches: &[Branch], tables: bool) -> Self {
        // Conditions written alike are evaluated once (found by their text, so a node with
        // thousands of entries compiles in linear time).
        let mut conds: Vec<Program> = Vec::new();
        let mut by_text: HashMap<&str, u32> = HashMap::new();
        let mut entries = Vec::with_capacity(branches.len());
        for b in branches {
            let ids: Vec<u32> = b
                .weight_if
                .iter()
                .map(|w| {
                    *by_text.entry(w.text.as_str()).or_insert_with(|| {
                        conds.push(Program::new(&w.when));
                        (conds.len() - 1) as u32
                    })
                })
                .collect();
            entries.push(ids);
        }
        let mut strides = Vec::with_capacity(branches.len());
        let mut n_rows: usize = 1;
        for b in branches {
            strides.push(n_rows as u32);
            n_rows = n_rows.saturating_mul(b.weight_if.len() + 1);
        }
        let n = branches.len();
        let (rows, ok) = if tables && n_rows <= MAX_ROWS {
            let mut rows = Vec::with_capacity(n_rows * n);
            let mut ok = Vec::with_capacity(n_rows);
            for r in 0..n_rows {
                let mut sum = 0.0;
                for (b, &stride) in branches.iter().zip(&strides) {
                    let digit = r / stride as usize % (b.weight_if.len() + 1);
                    sum += b.weight_if.get(digit).map_or(b.weight, |w| w.weight);
                    rows.push(sum);
                }
                ok.push(sum.partial_cmp(&0.0) == Some(std::cmp::Ordering::Greater));
            }
            (Some(rows), ok)
        } else {
            (None, Vec::new())
        };
        let lut = (rows.is_some() && conds.len() <= MAX_LUT_BITS).then(|| {
            (0..1u32 << conds.len())
                .map(|mask| {
                    let r: usize = entries
                        .iter()
                        .zip(&strides)
                        .map(|(ids, &stride)| {
                            let digit = ids.iter().position(|&c| mask >> c & 1 == 1).unwrap_or(ids.len());
                            digit * stride as usize
                        })
                        .sum();
                    if ok[r] { (r * n) as u32 } else { u32::MAX }
                })
                .collect()
        });
        NodeWeights { conds, entries, strides, rows, ok, lut, n }
    }

    /// The running sums at this visit.
    #[inline(always)]
    pub fn row<'a>(
        &'a self,
        branches: &[Branch],
        took: &[u64],
        visits: &[u32],
        ind: &[f64],
        scratch: &mut Vec<f64>,
    ) -> Row<'a> {
        if let (Some(lut), Some(rows)) = (&self.lut, &self.rows) {
            // Conditions have no side effects: evaluating them all gives the same row.
            let mut mask = 0usize;
            for (i, c) in self.conds.iter().enumerate() {
                mask |= usize::from(c.eval(took, visits, ind)) << i;
            }
            let start = lut[mask];
            return if start == u32::MAX {
                Row::Zero
            } else {
                Row::Table(&rows[start as usize..start as usize + self.n])
            };
        }
        self.row_in_order(branches, took, visits, ind, scratch)
    }

    /// The running sums for nodes with many conditions: each distinct condition is
    /// evaluated at most once, and only when a branch's earlier entries did not hold.
    #[inline(never)]
    fn row_in_order<'a>(
        &'a self,
        branches: &[Branch],
        took: &[u64],
        visits: &[u32],
        ind: &[f64],
        scratch: &mut Vec<f64>,
    ) -> Row<'a> {
        let (mut known, mut truth) = (0u64, 0u64);
        let mut holds = |c: u32| {
            if c < 64 {
                let bit = 1u64 << c;
                if known & bit == 0 {
                    known |= bit;
                    if self.conds[c as usize].eval(took, visits, ind) {
                        truth |= bit;
                    }
                }
                truth & bit != 0
            } else {
                self.conds[c as usize].eval(took, visits, ind)
            }
        };
        match &self.rows {
            Some(rows) => {
                let mut r = 0usize;
                for (ids, &stride) in self.entries.iter().zip(&self.strides) {
                    let digit = ids.iter().position(|&c| holds(c)).unwrap_or(ids.len());
                    r += digit * stride as usize;
                }
                if self.ok[r] { Row::Table(&rows[r * self.n..(r + 1) * self.n]) } else { Row::Zero }
            }
            None => {
                scratch.clear();
                let mut sum = 0.0;
                for (ids, b) in self.entries.iter().zip(branches) {
                    let digit = ids.iter().position(|&c| holds(c)).unwrap_or(ids.len());
                    sum += b.weight_if.get(digit).map_or(b.weight, |w| w.weight);
                    scratch.push(sum);
                }
                if sum.partial_cmp(&0.0) == Some(std::cmp::Ordering::Greater) { Row::Scratch } else { Row::Zero }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::condition::parse;
    use crate::scenario::condition::tests::Fixture;

    /// Every program agrees with the tree it came from, on many states.
    #[test]
    fn programs_agree_with_condition_trees() {
        let texts = [
            "took(a.x)",
            "not took(b.z)",
            "took(a.x) and tension >= 5",
            "took(a.y) or visits(a) == 2",
            "not (took(a.x) or took(b.z)) and not (cost < -1)",
            "3 <= tension and cost != .5 or false",
            "true and (visits(b) > visits(a) or not (tension > cost))",
            "not not not took(a.y)",
        ];
        for text in texts {
            let cond = parse(text, &Fixture).unwrap();
            let prog = Program::new(&cond);
            for took in 0..16u64 {
                for (va, vb) in [(0, 0), (2, 1), (1, 3)] {
                    for (t, c) in [(5.0, 0.5), (2.0, -1.5), (7.5, f64::NAN)] {
                        let (visits, ind) = ([va, vb], [t, c]);
                        assert_eq!(
                            prog.eval(&[took], &visits, &ind),
                            cond.eval(&[took], &visits, &ind),
                            "{text} at took={took:b} visits={visits:?} ind={ind:?}"
                        );
                    }
                }
            }
        }
    }

    /// The running sums as the file defines them: per branch, the first entry that holds.
    fn reference(branches: &[Branch], took: &[u64], visits: &[u32], ind: &[f64]) -> Vec<f64> {
        let mut sum = 0.0;
        branches
            .iter()
            .map(|b| {
                sum += b.weight_if.iter().find(|w| w.when.eval(took, visits, ind)).map_or(b.weight, |w| w.weight);
                sum
            })
            .collect()
    }

    /// A node whose `k` branches each have two entries over `k + 1` shared conditions.
    fn node_with_conditions(k: usize) -> super::super::Scenario {
        let mut src = String::from(
            "whatif: 1\ntitle: T\nillustrative: true\nindicators:\n  level: { start: 0 }\nstart: pre\nnodes:\n  \
             pre:\n    branches:\n",
        );
        for i in 0..=k {
            src += &format!("      - {{ id: p{i}, weight: 1, next: hub }}\n");
        }
        src += "  hub:\n    branches:\n";
        for i in 0..k {
            let j = (i + 1) % (k + 1);
            src += &format!(
                "      - id: h{i}\n        weight: {w}\n        weight_if:\n          \
                 - {{ when: \"took(pre.p{i}) and level < {i}\", weight: 0 }}\n          \
                 - {{ when: \"took(pre.p{j}) or visits(pre) > 1\", weight: {x} }}\n",
                w = i + 1,
                x = 2 * i + 3
            );
        }
        crate::scenario::load_str("t.yaml", &src).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The table (few conditions) and the in-order evaluation (many) both give the
    /// running sums of the definition, on every state tried, zero rows included.
    #[test]
    fn rows_match_the_definition() {
        for k in [2, 4, 6, 12] {
            let sc = node_with_conditions(k);
            let branches = sc.node_branches(1);
            let nw = NodeWeights::new(branches, true);
            assert_eq!(nw.lut.is_some(), 2 * k <= MAX_LUT_BITS, "k = {k}");
            let mut scratch = Vec::new();
            for took in 0..(1u64 << (k + 1)).min(4096) {
                for level in [-1.0, 0.5, 3.0, f64::NAN] {
                    for visits in [[1, 1], [2, 1]] {
                        let want = reference(branches, &[took], &visits, &[level]);
                        let got = match nw.row(branches, &[took], &visits, &[level], &mut scratch) {
                            Row::Table(r) => r.to_vec(),
                            Row::Scratch => scratch.clone(),
                            Row::Zero => vec![0.0; branches.len()],
                        };
                        let total = *want.last().unwrap();
                        if total > 0.0 {
                            assert_eq!(got, want, "k = {k}, took = {took:b}, level = {level}");
                        } else {
                            assert_eq!(got, vec![0.0; branches.len()], "a zero row must be reported as such");
                        }
                    }
                }
            }
        }
    }

    /// Tables are built while the scenario's budget lasts; past it, nodes compute their
    /// rows directly, with the same result.
    #[test]
    fn tables_stop_at_the_budget() {
        let sc = node_with_conditions(4);
        let branches = sc.node_branches(1);
        let mut budget = usize::MAX;
        assert!(NodeWeights::within(branches, &mut budget).has_tables());
        let used = usize::MAX - budget;
        let mut budget = used - 1;
        let without = NodeWeights::within(branches, &mut budget);
        assert!(!without.has_tables());
        assert_eq!(budget, used - 1, "a node without tables uses none of the budget");
        let mut scratch = Vec::new();
        let state = ([0b10u64], [1u32, 1], [0.5f64]);
        let got = match without.row(branches, &state.0, &state.1, &state.2, &mut scratch) {
            Row::Scratch => scratch.clone(),
            _ => panic!("a node without tables computes its row"),
        };
        assert_eq!(got, reference(branches, &state.0, &state.1, &state.2));
        // The bundled scenario's tables are far inside the budget.
        let source = crate::scenario::bundled::find(crate::scenario::bundled::DEFAULT).unwrap().source;
        let bundled = crate::scenario::load_str("bundled.yaml", source).unwrap();
        assert!(bundled.nodes.iter().filter_map(|n| n.weights.as_ref()).all(NodeWeights::has_tables));
    }

    /// `set_weight` (sweep, sensitivity) recompiles the node's table.
    #[test]
    fn set_weight_keeps_the_table_in_step() {
        let mut sc = node_with_conditions(3);
        let first = sc.nodes[1].first_branch as usize;
        sc.set_weight(first + 1, 7.5);
        let branches = sc.node_branches(1);
        let nw = sc.nodes[1].weights.as_ref().unwrap();
        assert!(nw.has_tables());
        let mut scratch = Vec::new();
        for took in 0..16u64 {
            let want = reference(branches, &[took], &[1, 1], &[0.5]);
            match nw.row(branches, &[took], &[1, 1], &[0.5], &mut scratch) {
                Row::Table(r) => assert_eq!(r, &want[..]),
                _ => panic!("tables expected"),
            }
        }
    }

    /// Conditions nested to the parser's limit push more than 64 values on the program's
    /// stack; they are evaluated by their tree instead, with the same answers.
    #[test]
    fn deep_conditions_agree_too() {
        let mut deep = String::new();
        for _ in 0..63 {
            deep.push_str("took(a.x) or took(a.y) and (");
        }
        deep.push_str("tension > 1");
        deep.push_str(&")".repeat(63));
        let cond = parse(&deep, &Fixture).unwrap();
        let prog = Program::new(&cond);
        for took in 0..4u64 {
            for t in [0.0, 2.0] {
                assert_eq!(prog.eval(&[took], &[0, 0], &[t, 0.0]), cond.eval(&[took], &[0, 0], &[t, 0.0]));
            }
        }
    }
}
