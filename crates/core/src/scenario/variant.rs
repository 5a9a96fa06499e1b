//! Short variant files: `extends: base.yaml` and a list of `changes`, so that a variant
//! is its difference from the file it builds on. The base is parsed as written, the
//! changes are applied to it in order, and the result is compiled as one scenario with
//! the variant's title, notice, description and sources (the base's where the variant
//! has none). Changes that name something the base lacks are errors at `changes[i]`.

use super::diagnostic::{Diagnostic, suggest};
use super::model::{RawBranch, RawChange, RawIndicator, RawScenario};

/// The base with the variant's header and changes; `problems` gets what cannot apply.
pub(super) fn merge(variant: RawScenario, mut base: RawScenario, problems: &mut Vec<Diagnostic>) -> RawScenario {
    for (key, present) in [
        ("nodes", variant.nodes.is_some()),
        ("indicators", variant.indicators.is_some()),
        ("start", variant.start.is_some()),
    ] {
        if present {
            problems.push(
                Diagnostic::new(key, format!("a file with `extends` lists `changes`, not `{key}`"))
                    .help("write what differs from the base under `changes:` (see docs/FORMAT.md, \"Variants\")"),
            );
        }
    }
    if base.extends.is_some() {
        problems.push(
            Diagnostic::new("extends", "the file it extends is itself a variant").help("extend the base file itself"),
        );
    }
    for (i, change) in variant.changes.unwrap_or_default().into_iter().enumerate() {
        if let Err((message, help)) = apply(&mut base, change) {
            problems.push(Diagnostic::new(format!("changes[{i}]"), message).help(help));
        }
    }
    RawScenario {
        whatif: variant.whatif,
        title: variant.title,
        illustrative: variant.illustrative,
        notice: variant.notice.or(base.notice),
        description: variant.description.or(base.description),
        sources: variant.sources.or(base.sources),
        max_steps: variant.max_steps.or(base.max_steps),
        indicators: base.indicators,
        start: base.start,
        nodes: base.nodes,
        extends: None,
        changes: None,
    }
}

type Failure = (String, String);

fn apply(base: &mut RawScenario, c: RawChange) -> Result<(), Failure> {
    let kinds = [c.weight.is_some(), c.start.is_some(), c.weight_if.is_some(), c.remove.is_some(), c.add.is_some()];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err((
            "a change names exactly one of `weight`, `start`, `weight_if`, `remove` or `add`".into(),
            "split it into one change per line, e.g. `- { weight: node.branch, to: 5 }`".into(),
        ));
    }
    if let Some(target) = &c.weight {
        let to = value(c.to, "weight")?;
        let b = branch(base, target)?;
        b.weight = Some(to);
        b.range = c.range;
    } else if let Some(name) = &c.start {
        let to = value(c.to, "start")?;
        let inds = base.indicators.get_or_insert_with(Default::default);
        let Some((_, spec)) = inds.0.iter_mut().find(|(n, _)| n == name) else {
            let known: Vec<&str> = inds.0.iter().map(|(n, _)| n.as_str()).collect();
            return Err((format!("the base has no indicator `{name}`"), suggest(name, &known, "indicator")));
        };
        let spec = spec.get_or_insert_with(RawIndicator::default);
        spec.start = Some(to);
        spec.range = c.range;
    } else if let Some(target) = &c.weight_if {
        let entries = c.entries.ok_or_else(|| {
            (
                "`weight_if` needs `entries`, the new list".to_string(),
                "write `entries: [ { when: ..., weight: ... } ]`, or `entries: []` to drop them".to_string(),
            )
        })?;
        branch(base, target)?.weight_if = Some(entries);
    } else if let Some(target) = &c.remove {
        let (node, id) = split(target)?;
        let branches = node_branches(base, node)?;
        let at =
            branches.iter().position(|b| b.id.as_deref() == Some(id)).ok_or_else(|| no_branch(branches, node, id))?;
        branches.remove(at);
    } else if let Some(node) = &c.add {
        let new: RawBranch = c.branch.ok_or_else(|| {
            (
                "`add` needs `branch`, the branch to add".to_string(),
                "write `branch: { id: ..., weight: ..., next: ... }`".to_string(),
            )
        })?;
        node_branches(base, node)?.push(new);
    }
    Ok(())
}

fn value(to: Option<f64>, what: &str) -> Result<f64, Failure> {
    to.ok_or_else(|| {
        (format!("a `{what}` change needs `to`, the new value"), format!("write e.g. `- {{ {what}: ..., to: 5 }}`"))
    })
}

fn split(target: &str) -> Result<(&str, &str), Failure> {
    target.split_once('.').ok_or_else(|| {
        (format!("`{target}` does not name a branch"), "write `node.branch`, e.g. `summit.arms_talks`".to_string())
    })
}

fn node_branches<'a>(base: &'a mut RawScenario, node: &str) -> Result<&'a mut Vec<RawBranch>, Failure> {
    let nodes = base.nodes.get_or_insert_with(Default::default);
    let known: Vec<String> = nodes.0.iter().map(|(n, _)| n.clone()).collect();
    let Some((_, n)) = nodes.0.iter_mut().find(|(n, _)| n == node) else {
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        return Err((format!("the base has no node `{node}`"), suggest(node, &known, "node")));
    };
    Ok(n.branches.get_or_insert_with(Vec::new))
}

fn branch<'a>(base: &'a mut RawScenario, target: &str) -> Result<&'a mut RawBranch, Failure> {
    let (node, id) = split(target)?;
    let branches = node_branches(base, node)?;
    match branches.iter().position(|b| b.id.as_deref() == Some(id)) {
        Some(at) => Ok(&mut branches[at]),
        None => Err(no_branch(branches, node, id)),
    }
}

fn no_branch(branches: &[RawBranch], node: &str, id: &str) -> Failure {
    let known: Vec<&str> = branches.iter().filter_map(|b| b.id.as_deref()).collect();
    (format!("node `{node}` of the base has no branch `{id}`"), suggest(id, &known, "branch of that node"))
}
