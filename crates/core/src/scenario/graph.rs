//! Checks on the shape of a scenario's graph: loops that can never end (errors) and
//! nodes that the walk can never reach (warnings). Only branches that can ever be
//! chosen (some weight, base or conditional, is positive) count as edges.

use super::diagnostic::Diagnostic;
use super::{Branch, Scenario};

/// Loops with no way out (errors) and nodes that cannot be reached (warnings).
pub(super) fn check(sc: &Scenario) -> (Vec<Diagnostic>, Vec<String>) {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let possible = Branch::possible;
    let n = sc.nodes.len();
    // Backwards from the nodes with an ending branch, along possible edges: linear time,
    // so that a file of 100,000 nodes loads as quickly as a small one.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut can_end = vec![false; n];
    let mut queue = Vec::new();
    for (i, ends) in can_end.iter_mut().enumerate() {
        for b in sc.node_branches(i as u32).iter().filter(|b| possible(b)) {
            match b.next {
                Some(m) => preds[m as usize].push(i),
                None if !*ends => {
                    *ends = true;
                    queue.push(i);
                }
                None => {}
            }
        }
    }
    while let Some(m) = queue.pop() {
        for &i in &preds[m] {
            if !can_end[i] {
                can_end[i] = true;
                queue.push(i);
            }
        }
    }
    for (i, node) in sc.nodes.iter().enumerate() {
        if !can_end[i] {
            let targets: Vec<String> = sc
                .node_branches(i as u32)
                .iter()
                .filter(|b| possible(b))
                .filter_map(|b| b.next.map(|m| format!("`{}`", sc.nodes[m as usize].id)))
                .collect();
            problems.push(
                Diagnostic::new(
                    format!("nodes.{}", node.id),
                    format!(
                        "a loop with no way out: from node `{}` no branch can ever end the walk (it leads only to {})",
                        node.id,
                        targets.join(", ")
                    ),
                )
                .help(
                    "give some node on the loop a branch without `next` (it ends the walk), or point a `next` at a \
                     node that ends",
                ),
            );
        }
    }
    let mut seen = vec![false; n];
    let mut stack = vec![sc.start as usize];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(
            sc.node_branches(i as u32).iter().filter(|b| possible(b)).filter_map(|b| b.next.map(|m| m as usize)),
        );
    }
    for (i, node) in sc.nodes.iter().enumerate() {
        if !seen[i] {
            warnings.push(format!(
                "node `{}` cannot be reached from `start` ({}); it is never visited",
                node.id, sc.nodes[sc.start as usize].id
            ));
        }
    }
    warnings.extend(overwritten_outcomes(sc, &seen));
    (problems, warnings)
}

/// Outcomes set on a branch that continues to a node from which every possible path
/// sets another outcome: the label can never be a run's outcome. `sets[n]` is the least
/// fixed point of "every possible branch of `n` sets an outcome or leads to a node that
/// does", so loops count as not setting one (a warning only where it is certain).
fn overwritten_outcomes(sc: &Scenario, reachable: &[bool]) -> Vec<String> {
    let n = sc.nodes.len();
    let mut sets = vec![false; n];
    loop {
        let mut changed = false;
        for i in 0..n {
            let all = sc
                .node_branches(i as u32)
                .iter()
                .filter(|b| b.possible())
                .all(|b| b.outcome.is_some() || b.next.is_some_and(|m| sets[m as usize]));
            if all && !sets[i] {
                sets[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    sc.branches
        .iter()
        .filter(|b| reachable[b.node as usize] && b.possible())
        .filter_map(|b| Some((b, b.outcome?, b.next?)))
        .filter(|(_, _, next)| sets[*next as usize])
        .map(|(b, o, next)| {
            format!(
                "the outcome `{}` set by `{}` is always replaced later: every path from `{}` sets another outcome; \
                 remove it, or move it to a branch that ends the walk",
                sc.outcomes[o as usize], b.full_id, sc.nodes[next as usize].id
            )
        })
        .collect()
}

/// Nodes that lie on a cycle of possible edges (and so can be visited more than once):
/// the members of strongly connected components with more than one node, and nodes
/// with an edge to themselves. Tarjan's algorithm, iterative, in linear time.
pub fn on_cycle(sc: &Scenario) -> Vec<bool> {
    let n = sc.nodes.len();
    let succ: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            sc.node_branches(i as u32)
                .iter()
                .filter(|b| b.possible())
                .filter_map(|b| b.next.map(|m| m as usize))
                .collect()
        })
        .collect();
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut result = vec![false; n];
    let mut counter = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its successor list)
        let mut work = vec![(root, 0usize)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = succ[v].get(*pos) {
                *pos += 1;
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                let cyclic = members.len() > 1 || succ[v].contains(&v);
                for w in members {
                    result[w] = cyclic;
                }
            }
        }
    }
    result
}
