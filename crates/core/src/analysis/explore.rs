//! `explore`: what the author's doubt about the weights and starts does to the outcome
//! probabilities. A seeded Latin hypercube draws values from every range; each sample's
//! outcome probabilities are exact where the exact analysis completes, else sampled
//! with the same seed for every sample (common random numbers). Then: the spread of each
//! outcome's probability, which parameters go with it (rank correlation), and, for a
//! question such as "Arms race > 0.3", the box of parameter ranges where it holds
//! (PRIM-style peeling), with how much of it the box covers and how pure it is.

use super::sweep::{Target, with_value};
use crate::engine::exact::{Budget, ExactStatus};
use crate::engine::rng::{mix64, unit};
use crate::engine::simulate::{SimConfig, SimError, simulate};
use crate::scenario::Scenario;
use crate::scenario::doubt::Doubt;

/// One uncertain number.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// `node.branch` for a weight, `indicator.NAME.start` for a start.
    pub name: String,
    pub target: Target,
    pub doubt: Doubt,
    /// The value as written (what every other command uses).
    pub written: f64,
}

/// Every range in the file, weights first (file order), then starts.
pub fn parameters(sc: &Scenario) -> Vec<Parameter> {
    let weights = sc.branches.iter().enumerate().filter_map(|(b, br)| {
        br.range.map(|doubt| Parameter {
            name: br.full_id.clone(),
            target: Target::Weight(b),
            doubt,
            written: br.written,
        })
    });
    let starts = sc.indicators.iter().enumerate().filter_map(|(i, ind)| {
        ind.range.map(|doubt| Parameter {
            name: format!("indicator.{}.start", ind.name),
            target: Target::Start(i),
            doubt,
            written: ind.start,
        })
    });
    weights.chain(starts).collect()
}

/// Unit values of a Latin hypercube: `samples` rows of `dims` values in (0, 1), each
/// column holding exactly one value in every interval [k/samples, (k+1)/samples).
pub fn latin_hypercube(dims: usize, samples: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut state = mix64(seed ^ 0x6c68_735f_7768_6174); // "lhs_what"
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(state)
    };
    let mut rows = vec![vec![0.0; dims]; samples];
    for d in 0..dims {
        let mut order: Vec<usize> = (0..samples).collect();
        for i in (1..samples).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for (row, &k) in rows.iter_mut().zip(&order) {
            row[d] = (k as f64 + unit(next())) / samples as f64;
        }
    }
    rows
}

/// One sample: the parameters' values and the outcome probabilities they give.
#[derive(Debug, Clone)]
pub struct Sample {
    pub values: Vec<f64>,
    /// By outcome index (as in `Scenario::outcomes`).
    pub probabilities: Vec<f64>,
    /// Exact (else sampled with `runs` runs).
    pub exact: bool,
}

/// The samples of an exploration.
#[derive(Debug, Clone)]
pub struct Exploration {
    pub parameters: Vec<Parameter>,
    pub samples: Vec<Sample>,
    /// Runs per sample where the exact analysis did not complete.
    pub runs: u64,
}

/// Draws `samples` parameter sets and computes each one's outcome probabilities.
pub fn explore(sc: &Scenario, samples: usize, cfg: &SimConfig, budget: Budget) -> Result<Exploration, String> {
    let parameters = parameters(sc);
    if parameters.is_empty() {
        return Err("this file has no ranges to explore: give a weight or a start a `range`, e.g. \
                    `weight: 3` with `range: [2, 5]`"
            .into());
    }
    let units = latin_hypercube(parameters.len(), samples, cfg.seed);
    let one = |i: usize| -> Result<Sample, String> {
        let values: Vec<f64> = parameters.iter().zip(&units[i]).map(|(p, &u)| p.doubt.quantile(u)).collect();
        let mut s = sc.clone();
        for (p, &v) in parameters.iter().zip(&values) {
            s = with_value(&s, p.target, v);
        }
        match ExactStatus::compute(&s, budget) {
            ExactStatus::Done(e) if e.residual == 0.0 => Ok(Sample { values, probabilities: e.outcome, exact: true }),
            _ => {
                let single = SimConfig { threads: 1, max_paths: 0, ..*cfg };
                let r = simulate(&s, &single, None).map_err(|e| describe(e, &parameters, &values, i))?;
                let n = r.tally.runs as f64;
                let probabilities = r.tally.outcome_runs.iter().map(|&k| k as f64 / n).collect();
                Ok(Sample { values, probabilities, exact: false })
            }
        }
    };
    let samples = crate::executor::map(cfg.threads, samples, one).into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(Exploration { parameters, samples, runs: cfg.runs })
}

fn describe(e: SimError, parameters: &[Parameter], values: &[f64], i: usize) -> String {
    let at: Vec<String> =
        parameters.iter().zip(values).map(|(p, v)| format!("{} = {}", p.name, crate::format::number(*v))).collect();
    format!(
        "sample {i} ({}) cannot be walked: {e}; narrow the ranges so that some branch keeps a weight",
        at.join(", ")
    )
}

impl Exploration {
    /// Outcome `o`'s probability in every sample.
    pub fn column(&self, o: usize) -> Vec<f64> {
        self.samples.iter().map(|s| s.probabilities[o]).collect()
    }

    /// Parameter `p`'s value in every sample.
    pub fn values(&self, p: usize) -> Vec<f64> {
        self.samples.iter().map(|s| s.values[p]).collect()
    }
}

/// The `q`-quantile of `xs` (linear between order statistics).
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let at = q * (v.len() - 1) as f64;
    let (i, f) = (at.floor() as usize, at - at.floor());
    if i + 1 < v.len() { v[i] + f * (v[i + 1] - v[i]) } else { v[i] }
}

/// Spearman's rank correlation (ties get their average rank); 0 when either side is
/// constant.
pub fn rank_correlation(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let mean = (n + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mean) * (b - mean);
        sxx += (a - mean) * (a - mean);
        syy += (b - mean) * (b - mean);
    }
    if sxx == 0.0 || syy == 0.0 { 0.0 } else { sxy / (sxx * syy).sqrt() }
}

fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_hypercube_has_one_value_per_stratum() {
        let rows = latin_hypercube(3, 50, 7);
        for d in 0..3 {
            let mut strata: Vec<usize> = rows.iter().map(|r| (r[d] * 50.0).floor() as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
        assert_eq!(rows, latin_hypercube(3, 50, 7), "seeded");
        assert_ne!(rows, latin_hypercube(3, 50, 8));
    }

    #[test]
    fn rank_correlation_worked_by_hand() {
        assert_eq!(rank_correlation(&[1.0, 2.0, 3.0, 4.0], &[10.0, 20.0, 30.0, 40.0]), 1.0);
        assert_eq!(rank_correlation(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]), -1.0);
        // Ranks 1,2,3 against 2,1,3: d = (1, 1, 0), 1 - 6*2/(3*8) = 0.5.
        assert!((rank_correlation(&[1.0, 2.0, 3.0], &[5.0, 4.0, 6.0]) - 0.5).abs() < 1e-12);
        assert_eq!(rank_correlation(&[1.0, 1.0], &[1.0, 2.0]), 0.0);
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.25), 1.25);
    }
}
