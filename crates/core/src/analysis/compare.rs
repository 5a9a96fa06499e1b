//! Paired comparison of scenario variants.
//!
//! Every scenario runs with the same seed and run count. Because draws are keyed by
//! (run, node id, visit), nodes the files share see the same random numbers in run `i`
//! (common random numbers), and differences are estimated run by run: for each run,
//! `d = [variant outcome is o] - [baseline outcome is o]`, whose mean is the difference
//! in shares and whose spread gives a much narrower interval than two independent
//! samples would when the files differ little.

use super::mean_interval;
use crate::engine::plan::Plan;
use crate::engine::rng::RunKeys;
use crate::engine::simulate::{SimConfig, SimError, chunk_range, in_chunks, no_weight};
use crate::engine::walk::{Quiet, Walker};
use crate::scenario::Scenario;

/// Paired tallies of a baseline and one variant.
#[derive(Debug, Clone)]
pub struct Paired {
    pub runs: u64,
    /// Outcome labels: the union, baseline's first.
    pub labels: Vec<String>,
    pub base: Vec<u64>,
    pub variant: Vec<u64>,
    /// Runs where both ended on the label.
    pub both: Vec<u64>,
    /// Indicators present in both files, matched by name.
    pub indicators: Vec<SharedIndicator>,
    /// Per shared indicator: the run-by-run sums.
    pub sums: Vec<PairedSums>,
}

/// An indicator present in both files.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedIndicator {
    pub name: String,
    /// Its index in the baseline and in the variant.
    pub base: usize,
    pub variant: usize,
}

/// Sums over runs of one shared indicator's final values.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairedSums {
    pub base: f64,
    pub variant: f64,
    /// Of variant minus baseline, run by run.
    pub diff: f64,
    pub diff_squared: f64,
}

impl PairedSums {
    fn add(&mut self, other: &PairedSums) {
        self.base += other.base;
        self.variant += other.variant;
        self.diff += other.diff;
        self.diff_squared += other.diff_squared;
    }
}

impl Paired {
    /// Difference in share of label `o` (variant minus baseline) with its paired 95%
    /// interval.
    pub fn difference(&self, o: usize) -> (f64, f64, f64) {
        let d = self.variant[o] as f64 - self.base[o] as f64;
        // d is -1, 0 or 1, so the sum of squares is the number of runs where exactly one
        // of the two ended on `o`.
        let d2 = (self.variant[o] + self.base[o] - 2 * self.both[o]) as f64;
        mean_interval(self.runs, d, d2)
    }

    /// Mean difference of shared indicator `k` with its paired 95% interval.
    pub fn indicator_difference(&self, k: usize) -> (f64, f64, f64) {
        mean_interval(self.runs, self.sums[k].diff, self.sums[k].diff_squared)
    }
}

/// The union of outcome labels: the baseline's in order, then the variant's new ones,
/// with `(step limit)` last.
pub fn union_labels(a: &Scenario, b: &Scenario) -> Vec<String> {
    let limit = "(step limit)";
    let mut labels: Vec<String> = a.outcomes.iter().filter(|o| *o != limit).cloned().collect();
    for o in b.outcomes.iter().filter(|o| *o != limit) {
        if !labels.contains(o) {
            labels.push(o.clone());
        }
    }
    labels.push(limit.to_string());
    labels
}

/// Simulates `base` and `variant` side by side, run by run.
pub fn paired(base: &Scenario, variant: &Scenario, cfg: &SimConfig) -> Result<Paired, SimError> {
    if let Some((node, options)) = base.undecided().or_else(|| variant.undecided()) {
        return Err(SimError::Undecided { node, options });
    }
    let labels = union_labels(base, variant);
    let map = |sc: &Scenario| -> Vec<usize> {
        sc.outcomes.iter().map(|o| labels.iter().position(|l| l == o).expect("every label is in the union")).collect()
    };
    let (map_b, map_v) = (map(base), map(variant));
    let indicators: Vec<SharedIndicator> = base
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(i, ind)| {
            let j = variant.indicators.iter().position(|j| j.name == ind.name)?;
            Some(SharedIndicator { name: ind.name.clone(), base: i, variant: j })
        })
        .collect();
    let n = labels.len();
    let mut total = Paired {
        runs: 0,
        labels: labels.clone(),
        base: vec![0; n],
        variant: vec![0; n],
        both: vec![0; n],
        indicators: indicators.clone(),
        sums: vec![PairedSums::default(); indicators.len()],
    };
    let (base_plan, variant_plan) = (Plan::new(base), Plan::new(variant));
    let chunk = |c: u64| -> Result<Paired, SimError> {
        let (lo, hi) = chunk_range(cfg, c);
        let mut keys = RunKeys::new(cfg.seed, lo);
        let (mut wb, mut wv) = (
            Walker::with_plan(base, &base_plan).without_path_hash(),
            Walker::with_plan(variant, &variant_plan).without_path_hash(),
        );
        let mut part = Paired {
            runs: 0,
            labels: Vec::new(),
            base: vec![0; n],
            variant: vec![0; n],
            both: vec![0; n],
            indicators: Vec::new(),
            sums: vec![PairedSums::default(); indicators.len()],
        };
        for run in lo..hi {
            let key = keys.next_key();
            let eb = wb.walk(key, &mut Quiet).map_err(|e| no_weight(base, cfg.seed, run, e))?;
            let ev = wv.walk(key, &mut Quiet).map_err(|e| no_weight(variant, cfg.seed, run, e))?;
            let (ob, ov) = (map_b[eb.outcome as usize], map_v[ev.outcome as usize]);
            part.runs += 1;
            part.base[ob] += 1;
            part.variant[ov] += 1;
            if ob == ov {
                part.both[ob] += 1;
            }
            for (k, ind) in indicators.iter().enumerate() {
                let (vb, vv) = (wb.values()[ind.base], wv.values()[ind.variant]);
                let s = &mut part.sums[k];
                s.base += vb;
                s.variant += vv;
                s.diff += vv - vb;
                s.diff_squared += (vv - vb) * (vv - vb);
            }
        }
        Ok(part)
    };
    in_chunks(cfg, chunk, |part: Result<Paired, SimError>| -> Result<(), SimError> {
        let part = part?;
        total.runs += part.runs;
        for o in 0..n {
            total.base[o] += part.base[o];
            total.variant[o] += part.variant[o];
            total.both[o] += part.both[o];
        }
        for (t, p) in total.sums.iter_mut().zip(&part.sums) {
            t.add(p);
        }
        Ok(())
    })?;
    Ok(total)
}

/// One difference between two scenario files.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub node: String,
    pub branch: String,
    pub field: String,
    pub baseline: String,
    pub variant: String,
}

impl Change {
    /// Where the change is, for people: `node.branch`, `node`, or `indicator NAME`.
    pub fn place(&self) -> String {
        match (self.node.as_str(), self.branch.as_str()) {
            ("(indicators)", name) => format!("indicator {name}"),
            ("", "") => String::new(),
            (node, "") => node.to_string(),
            (node, branch) => format!("{node}.{branch}"),
        }
    }

    /// One line: `changed reaction.new_sanctions weight: 3 → 5`.
    pub fn describe(&self) -> String {
        let dash = |s: &str| if s.is_empty() { "–".to_string() } else { s.to_string() };
        format!("{} {} {}: {} → {}", self.change, self.place(), self.field, dash(&self.baseline), dash(&self.variant))
    }
}

/// What differs between two files: nodes, branches and indicators added or removed,
/// and changed weights, conditions, effects, outcomes, `next` targets, labels and
/// indicator settings.
pub fn structure(base: &Scenario, variant: &Scenario) -> Vec<Change> {
    use crate::format::{effect_text, number};
    let mut out = Vec::new();
    let mut push = |change, node: &str, branch: &str, field: &str, a: String, b: String| {
        out.push(Change {
            change,
            node: node.into(),
            branch: branch.into(),
            field: field.into(),
            baseline: a,
            variant: b,
        });
    };
    let (sa, sb) = (&base.nodes[base.start as usize].id, &variant.nodes[variant.start as usize].id);
    if sa != sb {
        push("changed", "", "", "start", sa.clone(), sb.clone());
    }
    for ind in &base.indicators {
        match variant.indicators.iter().find(|j| j.name == ind.name) {
            None => push("removed", "(indicators)", &ind.name, "indicator", ind.name.clone(), String::new()),
            Some(j) => {
                for (field, a, b) in [("start", ind.start, j.start), ("min", ind.min, j.min), ("max", ind.max, j.max)] {
                    if a != b {
                        push("changed", "(indicators)", &ind.name, field, number(a), number(b));
                    }
                }
            }
        }
    }
    for ind in variant.indicators.iter().filter(|j| !base.indicators.iter().any(|i| i.name == j.name)) {
        push("added", "(indicators)", &ind.name, "indicator", String::new(), ind.name.clone());
    }
    let next_id = |sc: &Scenario, n: Option<u32>| n.map(|n| sc.nodes[n as usize].id.clone()).unwrap_or_default();
    let outcome = |sc: &Scenario, o: Option<u32>| o.map(|o| sc.outcomes[o as usize].clone()).unwrap_or_default();
    let conditions = |b: &crate::scenario::Branch| {
        b.weight_if.iter().map(|w| format!("{} if {}", number(w.written), w.text)).collect::<Vec<_>>().join("; ")
    };
    for (n, node) in base.nodes.iter().enumerate() {
        let Some(m) = variant.nodes.iter().position(|v| v.id == node.id) else {
            push("removed", &node.id, "", "node", node.id.clone(), String::new());
            continue;
        };
        for b in base.node_branches(n as u32) {
            let Some(v) = variant.node_branches(m as u32).iter().find(|v| v.id == b.id) else {
                push("removed", &node.id, &b.id, "branch", b.full_id.clone(), String::new());
                continue;
            };
            let fields = [
                ("weight", number(b.written), number(v.written)),
                ("weight_if", conditions(b), conditions(v)),
                ("effects", effect_text(base, b), effect_text(variant, v)),
                ("outcome", outcome(base, b.outcome), outcome(variant, v.outcome)),
                ("next", next_id(base, b.next), next_id(variant, v.next)),
                ("label", b.label.clone().unwrap_or_default(), v.label.clone().unwrap_or_default()),
            ];
            for (field, a, c) in fields {
                if a != c {
                    push("changed", &node.id, &b.id, field, a, c);
                }
            }
        }
        for v in variant
            .node_branches(m as u32)
            .iter()
            .filter(|v| !base.node_branches(n as u32).iter().any(|b| b.id == v.id))
        {
            push("added", &node.id, &v.id, "branch", String::new(), v.full_id.clone());
        }
    }
    for node in variant.nodes.iter().filter(|v| !base.nodes.iter().any(|b| b.id == v.id)) {
        push("added", &node.id, "", "node", String::new(), node.id.clone());
    }
    out
}
