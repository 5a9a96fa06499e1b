//! The candidates of the path summary's second pass as a tree of branch choices, so
//! that the second pass leaves a run as soon as its path has left every candidate's.
//!
//! After the first pass over a flat distribution of paths, the candidates are tens of
//! thousands of paths that entered the summary late, and the second pass walks every
//! run again to count them exactly. A run whose first steps already differ from the
//! first steps of every candidate cannot end on a candidate, so its walk can stop there:
//! on the layered benchmark file a run leaves the tree after about 9 of its 12 steps.
//! The counts are those of walking every run to its end, since a run that leaves the
//! tree would only have missed the candidates' index.

use super::walk::Observer;
use crate::scenario::Scenario;

/// Child slots the tree may take (16 MB); past that, the second pass walks every run
/// to its end, as without a tree.
const MAX_SLOTS: usize = 1 << 22;

/// No child: no candidate continues this way.
const NONE: u32 = u32::MAX;

/// Candidate paths as a tree: each tree node stands for a prefix shared by some
/// candidates and is a block of child slots, one per branch of the scenario node that
/// prefix leads to. A tree node is named by its block's start less the global index of
/// that scenario node's first branch, so that adding a branch's global index gives its
/// slot; a slot holds the name of the child, or [`NONE`].
pub(crate) struct Prefixes {
    /// Child slots. The first `branches.len()` are all [`NONE`]: the block of a child
    /// that ends the run (named 0), where no walk goes on.
    kids: Vec<u32>,
    /// The root's name (the start node's block).
    root: u32,
    /// The most child slots the tree may take.
    room: usize,
}

impl Prefixes {
    /// An empty tree (no run follows it) for `sc`; `None` for a scenario too large for
    /// the tree's room (millions of branches).
    pub(crate) fn new(sc: &Scenario) -> Option<Self> {
        Self::with_room(sc, MAX_SLOTS)
    }

    /// [`Prefixes::new`] with room for `room` child slots.
    fn with_room(sc: &Scenario, room: usize) -> Option<Self> {
        let mut tree = Prefixes { kids: vec![NONE; sc.branches.len()], root: 0, room };
        tree.root = tree.block(sc, sc.start)?;
        Some(tree)
    }

    /// A new block of empty slots for node `node` (0, the empty block, for [`NONE`]);
    /// `None` if it would grow the tree past its room.
    fn block(&mut self, sc: &Scenario, node: u32) -> Option<u32> {
        let Some(node) = sc.nodes.get(node as usize) else { return Some(0) };
        let start = self.kids.len();
        if start + node.n_branches as usize > self.room {
            return None;
        }
        self.kids.resize(start + node.n_branches as usize, NONE);
        // Above 0: `start` is past the first `branches.len()` slots.
        Some((start - node.first_branch as usize) as u32)
    }

    /// Adds one candidate path (global branch indexes, in order). `false` if the tree
    /// would grow past its room; it is then of no use.
    pub(crate) fn insert(&mut self, sc: &Scenario, path: &[u32]) -> bool {
        let mut at = self.root as usize;
        for &branch in path {
            let slot = at + branch as usize;
            if self.kids[slot] == NONE {
                let next = sc.branches[branch as usize].next.unwrap_or(NONE);
                let Some(child) = self.block(sc, next) else { return false };
                self.kids[slot] = child;
            }
            at = self.kids[slot] as usize;
        }
        true
    }

    /// An observer that follows one run down the tree, from its root.
    pub(crate) fn follower(&self) -> Follower<'_> {
        Follower { tree: self, at: self.root }
    }
}

/// Follows one run's branches down a [`Prefixes`] tree, and stops the walk where no
/// candidate continues.
pub(crate) struct Follower<'a> {
    tree: &'a Prefixes,
    at: u32,
}

impl Follower<'_> {
    /// Back to the root, for the next run.
    pub(crate) fn restart(&mut self) {
        self.at = self.tree.root;
    }
}

impl Observer for Follower<'_> {
    const PRUNES: bool = true;

    #[inline(always)]
    fn taken(&mut self, _: u32, _: bool) {}

    #[inline(always)]
    fn follows(&mut self, branch: u32) -> bool {
        self.at = self.tree.kids[self.at as usize + branch as usize];
        self.at != NONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::RunKeys;
    use crate::engine::walk::{Recorder, Stop, Walker};

    /// A run walks on while its path is a prefix of some candidate's, and stops on the
    /// first branch that leaves them all, or on a step past a candidate's end.
    #[test]
    fn a_run_stops_where_it_leaves_every_candidate() {
        let sc = &crate::scenario::load_str("t.yaml", crate::scenario::bundled::ALL[0].source).expect("loads");
        let mut walker = Walker::new(sc);
        let mut keys = RunKeys::new(5, 0);
        let paths: Vec<Vec<u32>> = (0..400)
            .map(|_| {
                let mut rec = Recorder::default();
                walker.walk(keys.next_key(), &mut rec).expect("the bundled file walks");
                rec.path
            })
            .collect();
        let mut tree = Prefixes::new(sc).expect("the bundled file fits");
        for p in &paths[..200] {
            assert!(tree.insert(sc, p));
        }
        let mut follower = tree.follower();
        // The longest prefix of `p` shared with a candidate.
        let shared_with = |p: &[u32]| {
            paths[..200].iter().map(|c| c.iter().zip(p).take_while(|(a, b)| a == b).count()).max().expect("candidates")
        };
        for p in &paths {
            let in_tree = paths[..200].contains(p);
            let shared = shared_with(p);
            follower.restart();
            let steps = p.iter().take_while(|&&b| follower.follows(b)).count();
            assert_eq!(steps, shared.min(p.len()), "path {p:?}");
            assert!(!in_tree || steps == p.len());
        }
        // A tree without room for them all says so, and one without room for its root
        // is not made.
        let mut small = Prefixes::with_room(sc, sc.branches.len() + 60).expect("the root fits");
        assert!(!paths.iter().all(|p| small.insert(sc, p)));
        assert!(Prefixes::with_room(sc, sc.branches.len()).is_none());
        // And in a walk: the paths outside the tree stop, the others end.
        let mut keys = RunKeys::new(5, 0);
        for p in &paths {
            follower.restart();
            let end = walker.walk(keys.next_key(), &mut follower);
            assert_eq!(matches!(end, Err(Stop::Left)), !paths[..200].contains(p));
        }
        // Paired with another observer, the follower still stops the walk, and the other
        // is told each branch up to and including the one that leaves the tree.
        let mut keys = RunKeys::new(5, 0);
        for p in &paths {
            follower.restart();
            let mut rec = Recorder::default();
            let end = walker.walk(keys.next_key(), &mut (&mut rec, &mut follower));
            let left = !paths[..200].contains(p);
            assert_eq!(matches!(end, Err(Stop::Left)), left, "path {p:?}");
            let told = if left { shared_with(p) + 1 } else { p.len() };
            assert_eq!(rec.path, p[..told.min(p.len())], "path {p:?}");
        }
    }
}
