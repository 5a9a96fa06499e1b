//! `whatif sensitivity`: each branch weight in turn scaled down and up, and the swing in
//! each outcome's probability (a tornado table).

use crate::engine::exact::{Budget, analyse};
use crate::engine::simulate::{SimConfig, SimError, simulate};
use crate::scenario::Scenario;

/// How the shares were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Exact,
    /// By simulation with the same seed for every variant (common random numbers).
    Simulated,
}

/// One row: a branch, an outcome, and the outcome's probability with the branch's
/// weight scaled by the low factor, unchanged, and scaled by the high factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub branch: usize,
    pub outcome: usize,
    pub low: f64,
    pub base: f64,
    pub high: f64,
}

impl Row {
    /// `high - low`.
    pub fn swing(&self) -> f64 {
        self.high - self.low
    }
}

/// Outcome shares with a weight scaled down and up (`None` where exact is impossible).
type LowHigh = (Option<Vec<f64>>, Option<Vec<f64>>);

/// Branches whose scaling can matter: positive base weight, in a node with siblings.
pub fn candidates(sc: &Scenario) -> Vec<usize> {
    (0..sc.branches.len())
        .filter(|&b| sc.branches[b].weight > 0.0 && sc.nodes[sc.branches[b].node as usize].n_branches > 1)
        .collect()
}

fn shares(sc: &Scenario, method: Method, cfg: &SimConfig, budget: Budget) -> Result<Option<Vec<f64>>, SimError> {
    Ok(match method {
        Method::Exact => analyse(sc, budget).ok().map(|e| e.outcome),
        Method::Simulated => {
            let r = simulate(sc, cfg, None)?;
            Some(r.tally.outcome_runs.iter().map(|&k| k as f64 / r.tally.runs as f64).collect())
        }
    })
}

/// The tornado rows, sorted by absolute swing within each outcome (outcomes in file
/// order), and the method used: exact where the exact analysis succeeds for the base
/// and every scaled scenario, else simulation for all.
pub fn sensitivity(
    sc: &Scenario,
    factors: (f64, f64),
    cfg: &SimConfig,
    budget: Budget,
) -> Result<(Vec<Row>, Method), SimError> {
    let cfg = SimConfig { max_paths: 0, ..*cfg };
    let branches = candidates(sc);
    'methods: for method in [Method::Exact, Method::Simulated] {
        let Some(base) = shares(sc, method, &cfg, budget)? else { continue };
        // Exact analyses are independent, so they run in parallel; simulations already are.
        let scaled = |b: usize| -> Result<LowHigh, SimError> {
            let scaled_by = |factor: f64| {
                let mut s = sc.clone();
                s.scale_weight(b, factor);
                s
            };
            let low = shares(&scaled_by(factors.0), method, &cfg, budget)?;
            let high = shares(&scaled_by(factors.1), method, &cfg, budget)?;
            Ok((low, high))
        };
        let results: Vec<_> = match method {
            Method::Exact => crate::executor::map(cfg.threads, branches.len(), |i| scaled(branches[i])),
            Method::Simulated => branches.iter().map(|&b| scaled(b)).collect(),
        };
        let mut rows = Vec::new();
        for (&b, result) in branches.iter().zip(results) {
            let (Some(low), Some(high)) = result? else { continue 'methods };
            for o in 0..sc.outcomes.len() {
                if base[o] > 0.0 || low[o] > 0.0 || high[o] > 0.0 {
                    rows.push(Row { branch: b, outcome: o, low: low[o], base: base[o], high: high[o] });
                }
            }
        }
        rows.sort_by(|a, b| {
            a.outcome.cmp(&b.outcome).then(b.swing().abs().total_cmp(&a.swing().abs())).then(a.branch.cmp(&b.branch))
        });
        return Ok((rows, method));
    }
    unreachable!("simulation always gives shares")
}
