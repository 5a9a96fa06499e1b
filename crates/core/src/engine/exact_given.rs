//! Exact probabilities given a condition (`--given`): P(outcome | condition) =
//! P(outcome and condition) / P(condition). The enumeration of [`super::exact`] is reused
//! on a copy of the scenario where every ending branch passes through one more node that
//! reads the condition: a run where it holds ends as before, one where it fails ends on a
//! label of its own. Only outcome probabilities are conditioned; branch shares, path
//! probabilities and indicator means are left out rather than shown unconditioned.

use super::exact::{Budget, Exact, ExactError, analyse};
use crate::scenario::questions::Given;
use crate::scenario::weights::NodeWeights;
use crate::scenario::{Branch, Node, Scenario, WeightIf, running_sums};

/// The label runs get in the copy when the condition fails.
const FAILS: &str = "(condition fails)";

/// Exact outcome probabilities among runs that end with `given` true.
pub(super) fn conditional(sc: &Scenario, given: &Given, budget: Budget) -> Result<Exact, ExactError> {
    let mut plain = sc.clone();
    plain.given = None;
    let whole = analyse(&plain, budget)?;
    if whole.residual > 0.0 || whole.outcome[sc.step_limit_outcome() as usize] > 0.0 {
        return Err(ExactError::GivenStepLimit);
    }
    let copy = with_check(&plain, given);
    let e = analyse(&copy, Budget { max_states: budget.max_states.saturating_sub(whole.states), ..budget })?;
    let fails = copy.outcomes.len() - 2;
    let holds = 1.0 - e.outcome[fails];
    if holds <= 0.0 {
        return Err(ExactError::GivenNever { condition: given.text.clone() });
    }
    let limit = sc.step_limit_outcome() as usize;
    let outcome = (0..sc.outcomes.len()).map(|o| if o == limit { 0.0 } else { e.outcome[o] / holds }).collect();
    Ok(Exact {
        outcome,
        times_taken: Vec::new(),
        share_of_runs: Vec::new(),
        indicator_mean: vec![None; sc.indicators.len()],
        notes: vec![format!(
            "exact figures are given `{}` (probability {} of runs)",
            given.text,
            crate::format::exact(holds)
        )],
        residual: 0.0,
        states: whole.states + e.states,
        elapsed: whole.elapsed + e.elapsed,
        given: Some(holds),
    })
}

/// The scenario with a check of `given` after every ending branch: one check node per
/// label an ending branch gives when no outcome was set, so outcomes stay as they were.
fn with_check(sc: &Scenario, given: &Given) -> Scenario {
    let mut s = sc.clone();
    let limit = s.outcomes.len() - 1;
    s.outcomes.insert(limit, FAILS.to_string());
    s.explicit_outcomes.insert(limit, false);
    let fails = limit as u32;
    s.max_steps = s.max_steps.saturating_add(1);
    let mut checks: Vec<(Option<u32>, u32)> = Vec::new();
    for b in 0..s.branches.len() {
        if s.branches[b].next.is_some() {
            continue;
        }
        let end = s.branches[b].end_outcome;
        let node = match checks.iter().find(|c| c.0 == end) {
            Some(c) => c.1,
            None => {
                let n = add_check(&mut s, given, end, fails, checks.len());
                checks.push((end, n));
                n
            }
        };
        s.branches[b].next = Some(node);
    }
    s
}

fn add_check(s: &mut Scenario, given: &Given, end: Option<u32>, fails: u32, k: usize) -> u32 {
    let n = s.nodes.len() as u32;
    let id = format!("__given_{k}");
    let when = |weight: f64| WeightIf { when: given.when.clone(), text: given.text.clone(), weight, written: weight };
    let branch = |bid: &str, weight: f64, if_holds: f64, outcome: Option<u32>, end_outcome: Option<u32>| Branch {
        node: n,
        id: bid.to_string(),
        full_id: format!("{id}.{bid}"),
        label: None,
        note: None,
        weight,
        written: weight,
        weight_if: vec![when(if_holds)],
        range: None,
        effects: Vec::new(),
        outcome,
        next: None,
        end_outcome,
    };
    let first = s.branches.len() as u32;
    s.branches.push(branch("holds", 0.0, 1.0, None, end));
    s.branches.push(branch("fails", 1.0, 0.0, Some(fails), Some(fails)));
    let own = &s.branches[first as usize..];
    s.nodes.push(Node {
        draw_key: super::rng::node_draw_key(&id),
        id,
        question: None,
        description: None,
        first_branch: first,
        n_branches: 2,
        conditional: true,
        cumulative: running_sums(own),
        weights: Some(NodeWeights::new(own, false)),
        decision: false,
    });
    n
}
