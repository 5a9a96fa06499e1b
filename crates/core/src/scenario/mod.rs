//! Scenario files: the serde model, loading, validation into a compiled form, and the
//! condition language.
//!
//! [`load_str`] and [`load_str_with`] are the entry points (the command line's
//! `whatif::files::load_file` reads a file and calls them). What they return, [`Scenario`],
//! is what the engine sees: plain vectors and indexes, with every id resolved and every
//! condition parsed, so the walk never touches a string or a hash map.

pub mod bundled;
pub mod compile;
pub mod condition;
pub mod diagnostic;
pub mod doubt;
pub mod graph;
pub mod locate;
pub mod model;
pub mod questions;
mod variant;
pub mod weights;

pub use condition::Cond;
pub use diagnostic::{Diagnostic, LoadError};

/// Scenario files larger than this are refused before parsing (see README, "Limits").
pub const MAX_SCENARIO_BYTES: u64 = 8 * 1024 * 1024;

/// The notice used when a file does not write its own.
pub const DEFAULT_NOTICE: &str = "Illustrative scenario with invented weights, for discussion only. Not a forecast.";

/// A compiled, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file as the user named it (or `bundled:NAME`).
    pub file: String,
    /// The file name without folders, as recorded in the manifest.
    pub file_name: String,
    /// The file name without folders and extension: the default output folder's name.
    pub stem: String,
    /// SHA-256 of the file's bytes, in lowercase hex.
    pub sha256: String,
    pub title: String,
    /// Printed and recorded with every result.
    pub notice: String,
    pub description: Option<String>,
    pub sources: Vec<String>,
    /// A walk that takes this many steps without ending stops with outcome `(step limit)`.
    pub max_steps: u32,
    pub indicators: Vec<Indicator>,
    pub nodes: Vec<Node>,
    /// All branches of all nodes, node by node in file order.
    pub branches: Vec<Branch>,
    /// Outcome labels: explicit `outcome`s in file order, then implicit `node.branch`
    /// labels of ending branches, then `(step limit)` last.
    pub outcomes: Vec<String>,
    /// Which outcome labels an author wrote (as opposed to implicit or step limit).
    pub explicit_outcomes: Vec<bool>,
    pub start: u32,
    /// Problems that do not stop a run (unreachable nodes, ...).
    pub warnings: Vec<String>,
    /// Results count only runs that end with this condition true (`--given`).
    pub given: Option<questions::Given>,
    /// For a variant (`extends`): the file it extends, as read.
    pub extends: Option<String>,
    /// What-if questions asked of the file on the command line, as options
    /// (`--set a.b=2`), recorded with every result.
    pub asked: Vec<String>,
}

impl Scenario {
    /// The first decision not yet made, with its options: nothing can be walked until
    /// each is made with `--force` (or compared with `compare --options`).
    pub fn undecided(&self) -> Option<(String, Vec<String>)> {
        let (n, node) = self.nodes.iter().enumerate().find(|(_, n)| n.decision)?;
        Some((node.id.clone(), self.node_branches(n as u32).iter().map(|b| b.id.clone()).collect()))
    }

    /// How many base weights and starts carry a range of doubt.
    pub fn ranges(&self) -> (usize, usize) {
        (
            self.branches.iter().filter(|b| b.range.is_some()).count(),
            self.indicators.iter().filter(|i| i.range.is_some()).count(),
        )
    }

    /// Which indicators some condition reads: only their values can steer a walk.
    pub fn read_indicators(&self) -> Vec<bool> {
        let mut read = vec![false; self.indicators.len()];
        for w in self.branches.iter().flat_map(|b| &b.weight_if) {
            w.when.for_each_read(&mut |r| {
                if let condition::Read::Indicator(i) = r {
                    read[*i as usize] = true;
                }
            });
        }
        read
    }

    /// The index of the `(step limit)` outcome.
    pub fn step_limit_outcome(&self) -> u32 {
        (self.outcomes.len() - 1) as u32
    }

    /// The global index of branch `node.branch`.
    pub fn branch_index(&self, full_id: &str) -> Option<usize> {
        self.branches.iter().position(|b| b.full_id == full_id)
    }

    /// Sets a branch's base weight as written (as `sweep` does; finite and >= 0), keeping
    /// the node's scaled weights and running sums in step.
    pub fn set_weight(&mut self, branch: usize, weight: f64) {
        self.branches[branch].written = weight;
        self.recompile_node(self.branches[branch].node);
    }

    /// Multiplies a branch's base weight by `factor` (positive, as `sensitivity` does).
    /// Where the product would overflow or round to 0, every other weight of the node is
    /// divided instead: the same ratios, so the same probabilities.
    pub fn scale_weight(&mut self, branch: usize, factor: f64) {
        let written = self.branches[branch].written;
        let scaled = written * factor;
        if scaled.is_finite() && (scaled > 0.0 || written == 0.0) {
            return self.set_weight(branch, scaled);
        }
        let n = self.branches[branch].node;
        let node = &self.nodes[n as usize];
        for b in node.first_branch as usize..(node.first_branch + node.n_branches) as usize {
            if b != branch {
                self.branches[b].written /= factor;
            }
            self.branches[b].weight_if.iter_mut().for_each(|w| w.written /= factor);
        }
        self.recompile_node(n);
    }

    /// Rescales node `n`'s weights from their written values and rebuilds its sums.
    pub(crate) fn recompile_node(&mut self, n: u32) {
        let node = &self.nodes[n as usize];
        let range = node.first_branch as usize..(node.first_branch + node.n_branches) as usize;
        scale_weights(&mut self.branches[range]);
        self.nodes[n as usize].cumulative = running_sums(self.node_branches(n));
        if let Some(w) = &self.nodes[n as usize].weights {
            let tables = w.has_tables();
            self.nodes[n as usize].weights = Some(weights::NodeWeights::new(self.node_branches(n), tables));
        }
    }

    /// The branches of node `n`.
    pub fn node_branches(&self, n: u32) -> &[Branch] {
        let node = &self.nodes[n as usize];
        &self.branches[node.first_branch as usize..(node.first_branch + node.n_branches) as usize]
    }
}

/// The largest size an indicator's value may reach (see [`magnitude_bound`]). Sums of
/// squares of up to 2^64 values this large stay finite, so means and standard deviations
/// can always be computed.
pub const MAX_MAGNITUDE: f64 = 1e100;

/// Largest size of a standard normal draw (the polar method's draws are at most
/// sqrt(-2 ln 2^-104) < 12.1 in size).
const NORMAL_REACH: f64 = 13.0;

/// An upper bound on the size of indicator `i`'s value in any run: its start plus
/// `max_steps` times the largest total change one branch can make, or its clamp where
/// both ends are set.
pub fn magnitude_bound(ind: &Indicator, i: u32, branches: &[Branch], max_steps: u32) -> f64 {
    let step = |b: &Branch| -> f64 {
        b.effects
            .iter()
            .filter(|e| e.indicator == i)
            .map(|e| match e.kind {
                EffectKind::Add(x) | EffectKind::Set(x) => x.abs(),
                EffectKind::Uniform { lo, hi } | EffectKind::Triangular { lo, hi, .. } => lo.abs().max(hi.abs()),
                EffectKind::Normal { mean, sd } => mean.abs() + NORMAL_REACH * sd,
            })
            .sum()
    };
    let largest = branches.iter().map(step).fold(0.0, f64::max);
    let walked = ind.start.abs() + f64::from(max_steps) * largest;
    if ind.min.is_finite() && ind.max.is_finite() { walked.min(ind.min.abs().max(ind.max.abs())) } else { walked }
}

/// Weights whose largest is inside this range are used as written.
const WEIGHT_RANGE: std::ops::RangeInclusive<f64> = 5.421_010_862_427_522e-20..=1.844_674_407_370_955_2e19; // 2^-64 ..= 2^64

/// Sets the weights the walk uses (`weight`) from those written (`written`) for one
/// node's branches. Where the node's largest weight lies outside 2^-64 ..= 2^64, all of
/// them are multiplied by the one power of two that brings it to [1, 2): sums of huge
/// weights cannot overflow and tiny ones are not rounded in subnormal arithmetic. A
/// power of two scales exactly, so every choice is the one exact arithmetic would make;
/// ordinary weights are used untouched.
pub fn scale_weights(branches: &mut [Branch]) {
    let all = |b: &Branch| std::iter::once(b.written).chain(b.weight_if.iter().map(|w| w.written)).collect::<Vec<_>>();
    let max = branches.iter().flat_map(all).fold(0.0, f64::max);
    let exp = if max == 0.0 || WEIGHT_RANGE.contains(&max) { 0 } else { -(max.log2().floor() as i32) };
    for b in branches {
        b.weight = times_pow2(b.written, exp);
        for w in &mut b.weight_if {
            w.weight = times_pow2(w.written, exp);
        }
    }
}

/// `x * 2^exp`, exactly (in two steps, so that no intermediate factor overflows).
fn times_pow2(x: f64, exp: i32) -> f64 {
    let half = exp / 2;
    x * 2f64.powi(half) * 2f64.powi(exp - half)
}

/// Running sums of the base weights of a node's branches, as the walk picks from them.
pub fn running_sums(branches: &[Branch]) -> Vec<f64> {
    let mut sum = 0.0;
    branches
        .iter()
        .map(|b| {
            sum += b.weight;
            sum
        })
        .collect()
}

/// A numeric quantity that the walk accumulates.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub name: String,
    pub start: f64,
    /// Lower clamp (`-inf` when none).
    pub min: f64,
    /// Upper clamp (`+inf` when none).
    pub max: f64,
    pub unit: Option<String>,
    pub description: Option<String>,
    /// Whether any effect adds a random draw to it.
    pub random: bool,
    /// The author's doubt about `start` (only `explore` samples it).
    pub range: Option<doubt::Doubt>,
}

/// A chance node.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub question: Option<String>,
    pub description: Option<String>,
    pub first_branch: u32,
    pub n_branches: u32,
    /// Key of this node's random draws, derived from its id (see `engine::rng`).
    pub draw_key: u64,
    /// Whether any branch has `weight_if` (else `cumulative` holds the fixed weights).
    pub conditional: bool,
    /// Running sums of the base weights, for nodes without conditions.
    pub cumulative: Vec<f64>,
    /// The conditional weights compiled for the walk (for nodes with `weight_if`).
    pub weights: Option<weights::NodeWeights>,
    /// A choice, not chance (`decision: true`), not yet made with `--force`.
    pub decision: bool,
}

/// One branch of a node.
#[derive(Debug, Clone)]
pub struct Branch {
    pub node: u32,
    pub id: String,
    /// `node.branch`, as used in paths and CSV files.
    pub full_id: String,
    pub label: Option<String>,
    pub note: Option<String>,
    /// The base weight as the walk uses it: `written`, scaled per node (see
    /// [`scale_weights`]); only ratios within a node matter.
    pub weight: f64,
    /// The base weight as written in the file (for display).
    pub written: f64,
    pub weight_if: Vec<WeightIf>,
    /// The author's doubt about the base weight (only `explore` samples it).
    pub range: Option<doubt::Doubt>,
    pub effects: Vec<Effect>,
    /// The outcome label this branch sets, if any.
    pub outcome: Option<u32>,
    pub next: Option<u32>,
    /// For a branch that ends the walk: the run's outcome when none was set on the way.
    pub end_outcome: Option<u32>,
}

impl Branch {
    /// Whether the branch can ever be chosen (some weight, base or conditional, is positive).
    pub fn possible(&self) -> bool {
        self.weight > 0.0 || self.weight_if.iter().any(|w| w.weight > 0.0)
    }
}

/// A conditional weight: the first entry whose condition holds replaces the weight.
#[derive(Debug, Clone)]
pub struct WeightIf {
    pub when: Cond,
    /// The condition as written, for `tree` and messages.
    pub text: String,
    /// The weight as the walk uses it (scaled with its node's, see [`scale_weights`]).
    pub weight: f64,
    /// The weight as written in the file (for display).
    pub written: f64,
}

/// What a branch does to one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub indicator: u32,
    pub kind: EffectKind,
}

/// How an effect changes its indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EffectKind {
    Add(f64),
    Set(f64),
    Uniform { lo: f64, hi: f64 },
    Triangular { lo: f64, mode: f64, hi: f64 },
    Normal { mean: f64, sd: f64 },
}

impl EffectKind {
    /// Whether applying it draws a random number.
    pub fn is_random(&self) -> bool {
        !matches!(self, EffectKind::Add(_) | EffectKind::Set(_))
    }
}

/// Parses a condition against the names of a compiled scenario (for tools and tests;
/// loading a file parses its own conditions).
pub fn parse_condition(sc: &Scenario, text: &str) -> Result<Cond, condition::CondError> {
    condition::parse(text, sc)
}

/// Loads and validates scenario text; `file` names it in messages and the manifest.
pub fn load_str(file: &str, src: &str) -> Result<Scenario, LoadError> {
    load_str_with(file, src, &bundled_base)
}

/// Reads a base file from whatif's bundled scenarios (by file name, `.yaml` optional).
pub fn bundled_base(name: &str) -> Result<(String, String), String> {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name).trim_end_matches(".yaml");
    bundled::find(stem)
        .map(|b| (format!("bundled:{}", b.name), b.source.to_string()))
        .ok_or_else(|| "no such file here, and no bundled scenario of that name".to_string())
}

/// [`load_str`] for a file that may extend another: `bases` reads the file it names.
pub fn load_str_with(file: &str, src: &str, bases: &compile::Bases) -> Result<Scenario, LoadError> {
    let file = &crate::format::printable(file);
    if src.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(LoadError::whole_file(
            file,
            format!("the text is {} bytes; scenario files are limited to {MAX_SCENARIO_BYTES} bytes", src.len()),
            "split the scenario",
        ));
    }
    compile::compile(file, src, bases)
}
