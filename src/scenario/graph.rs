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
    let mut can_end = vec![false; n];
    loop {
        let mut changed = false;
        for i in 0..n {
            if !can_end[i]
                && sc
                    .node_branches(i as u32)
                    .iter()
                    .filter(|b| possible(b))
                    .any(|b| b.next.is_none_or(|m| can_end[m as usize]))
            {
                can_end[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
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
    (problems, warnings)
}
