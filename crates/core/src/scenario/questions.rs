//! What-if questions asked of a compiled scenario without editing its file: setting a
//! weight or a start, forcing a node to one branch (an intervention), and conditioning
//! on what a run ends with (`given`, an observation). The CLI's `--set`, `--force` and
//! `--given` resolve here, with the same names and messages as the file's own.

use super::condition::{self, Cond, Names};
use super::diagnostic::suggest;
use super::{Scenario, WeightIf};

/// A condition the results are restricted to: only runs that end with it true count.
#[derive(Debug, Clone)]
pub struct Given {
    pub when: Cond,
    /// As written, for messages, manifests and the repeat command.
    pub text: String,
}

impl Names for Scenario {
    fn node(&self, id: &str) -> Option<u32> {
        self.nodes.iter().position(|n| n.id == id).map(|i| i as u32)
    }
    fn branch(&self, node: u32, id: &str) -> Option<u32> {
        let n = &self.nodes[node as usize];
        self.node_branches(node).iter().position(|b| b.id == id).map(|j| n.first_branch + j as u32)
    }
    fn indicator(&self, name: &str) -> Option<u32> {
        self.indicators.iter().position(|i| i.name == name).map(|i| i as u32)
    }
    fn suggest(&self, kind: &str, wrong: &str, node: Option<u32>) -> String {
        match (kind, node) {
            ("node", _) => suggest(wrong, &self.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), "node"),
            ("branch", Some(n)) => suggest(
                wrong,
                &self.node_branches(n).iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
                "branch of that node",
            ),
            _ => suggest(wrong, &self.indicators.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), "indicator"),
        }
    }
}

impl Scenario {
    /// Sets a base weight (`node.branch`) or a start (`indicator.NAME.start`) to `value`.
    pub fn set_value(&mut self, name: &str, value: f64) -> Result<(), String> {
        use crate::analysis::sweep::{VarySpec, with_value};
        let spec = VarySpec { name: name.to_string(), lo: value, hi: value, steps: 1 };
        let target = spec.resolve(self).map_err(|e| format!("--set {name}={}: {e}", crate::format::number(value)))?;
        *self = with_value(self, target, value);
        self.asked.push(format!("--set {name}={}", crate::format::number(value)));
        Ok(())
    }

    /// Restricts results to runs that end with `text` true (a condition in the file's
    /// language: `took(summit.arms_talks)`, `arms_flow >= 4`, ...).
    pub fn set_given(&mut self, text: &str) -> Result<(), String> {
        let when = condition::parse(text, self).map_err(|e| {
            let help = e.help.as_deref().map(|h| format!("; {h}")).unwrap_or_default();
            format!("--given \"{text}\": {}{help}\n  {}", e.message, e.pointer(text))
        })?;
        self.given = Some(Given { when, text: text.to_string() });
        self.asked.push(format!("--given \"{}\"", text.replace('"', "'")));
        Ok(())
    }

    /// Makes node `node` always take `branch` (an intervention): the branch gets weight
    /// 1, its siblings 0, and their conditions no longer apply. Refused where that leaves
    /// a loop with no way out.
    pub fn force(&mut self, node: &str, branch: &str) -> Result<(), String> {
        let n = Names::node(self, node).ok_or_else(|| {
            format!("--force {node}={branch}: no node `{node}`; {}", Names::suggest(self, "node", node, None))
        })?;
        let b = Names::branch(self, n, branch).ok_or_else(|| {
            format!(
                "--force {node}={branch}: node `{node}` has no branch `{branch}`; {}",
                Names::suggest(self, "branch", branch, Some(n))
            )
        })?;
        let first = self.nodes[n as usize].first_branch;
        for g in first..first + self.nodes[n as usize].n_branches {
            let br = &mut self.branches[g as usize];
            br.written = if g == b { 1.0 } else { 0.0 };
            br.weight_if = Vec::<WeightIf>::new();
        }
        let node_mut = &mut self.nodes[n as usize];
        node_mut.conditional = false;
        node_mut.weights = None;
        node_mut.decision = false;
        self.recompile_node(n);
        let (problems, _) = super::graph::check(self);
        if let Some(p) = problems.first() {
            return Err(format!("--force {node}={branch} cannot be asked of this file: {}", p.message));
        }
        self.asked.push(format!("--force {node}={branch}"));
        Ok(())
    }
}
