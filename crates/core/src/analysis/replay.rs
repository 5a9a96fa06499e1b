//! `whatif replay`: one run told as a story, step by step. It is the same run as row
//! `I` of `runs.csv` for the same seed: the same walk with a narrating observer.

use crate::engine::rng::run_key;
use crate::engine::simulate::path_text;
use crate::engine::walk::{Observer, Recorder, Stop, Walker};
use crate::format::number;
use crate::format::percent;
use crate::scenario::Scenario;
use std::fmt::Write;

struct Narrator<'a> {
    sc: &'a Scenario,
    text: String,
    step: u32,
    recorder: Recorder,
}

impl Observer for Narrator<'_> {
    const DETAILED: bool = true;

    fn taken(&mut self, branch: u32, _first: bool) {
        self.recorder.path.push(branch);
        let b = &self.sc.branches[branch as usize];
        let label = b.label.as_deref().map(|l| format!(": {l}")).unwrap_or_default();
        let _ = writeln!(self.text, "   taken: {}{label}", b.id);
        if let Some(o) = b.outcome {
            let _ = writeln!(self.text, "   outcome so far: {}", self.sc.outcomes[o as usize]);
        }
    }

    fn visit(&mut self, node: u32, visit: u32, cumulative: &[f64]) {
        self.step += 1;
        let n = &self.sc.nodes[node as usize];
        let again = if visit > 1 { format!(" (visit {visit})") } else { String::new() };
        let _ = writeln!(self.text, "\n{}. {}{again}", self.step, n.question.as_deref().unwrap_or(&n.id));
        let total = cumulative.last().copied().unwrap_or(0.0);
        let mut prev = 0.0;
        let parts: Vec<String> = self
            .sc
            .node_branches(node)
            .iter()
            .zip(cumulative)
            .map(|(b, &c)| {
                let w = c - prev;
                prev = c;
                format!("{} {}", b.id, percent(w / total))
            })
            .collect();
        let _ = writeln!(self.text, "   chances at this visit: {}", parts.join(", "));
    }

    fn effect(&mut self, indicator: u32, before: f64, after: f64) {
        let ind = &self.sc.indicators[indicator as usize];
        let unit = ind.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
        let _ = writeln!(self.text, "   {}: {} → {}{unit}", ind.name, number(before), number(after));
    }
}

/// The story of run `run` for `seed`; `Err` describes a visit with every weight 0.
pub fn replay(sc: &Scenario, seed: u64, run: u64) -> Result<String, String> {
    if let Some((node, options)) = sc.undecided() {
        return Err(crate::engine::simulate::undecided_message(&node, &options));
    }
    let mut walker = Walker::new(sc);
    let mut n = Narrator { sc, text: String::new(), step: 0, recorder: Recorder::default() };
    n.text.push_str(&crate::format::notice(sc));
    let _ = writeln!(n.text, "\nRun {run} of seed {seed}, one possible path through this invented scenario:");
    let end = walker.walk(run_key(seed, run), &mut n).map_err(|e| match e {
        Stop::NoWeight(e) => format!(
            "run {run} stops at node `{}`: every branch weight is 0 at visit {}",
            sc.nodes[e.node as usize].id, e.visit
        ),
        Stop::Interrupted => "interrupted".to_string(),
        Stop::Left => "the walk was stopped early".to_string(),
    })?;
    let mut text = n.text;
    if end.outcome == sc.step_limit_outcome() {
        let _ = writeln!(text, "\nThe walk reached max_steps ({}) and stopped.", sc.max_steps);
    }
    let _ = writeln!(text, "\nOutcome: {}", sc.outcomes[end.outcome as usize]);
    let _ = writeln!(text, "Path: {}", path_text(sc, &n.recorder.path));
    if !sc.indicators.is_empty() {
        let values: Vec<String> =
            sc.indicators.iter().zip(walker.values()).map(|(i, v)| format!("{} {}", i.name, number(*v))).collect();
        let _ = writeln!(text, "Final values: {}", values.join(", "));
    }
    Ok(text)
}
