//! `whatif sweep`: how outcome shares move as one base weight (or one indicator's
//! start value) takes evenly spaced values.

use crate::engine::exact::Budget;
use crate::engine::exact::ExactStatus;
use crate::engine::simulate::{SimConfig, SimError, SimResult, simulate};
use crate::scenario::Scenario;
use crate::scenario::diagnostic::suggest;

/// What a sweep varies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The base weight of a branch (global index).
    Weight(usize),
    /// The start value of an indicator.
    Start(usize),
}

/// `--vary NAME=LO:HI:STEPS`, parsed but not yet resolved against a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct VarySpec {
    pub name: String,
    pub lo: f64,
    pub hi: f64,
    pub steps: u32,
}

/// Parses `NAME=LO:HI:STEPS` (the command line's job; errors are usage errors).
pub fn parse_vary(s: &str) -> Result<VarySpec, String> {
    let form = "use NODE.BRANCH=LO:HI:STEPS or indicator.NAME.start=LO:HI:STEPS, e.g. military.more_ammunition=0:8:5";
    let (name, range) = s.split_once('=').ok_or_else(|| format!("`{s}` has no `=`; {form}"))?;
    let parts: Vec<&str> = range.split(':').collect();
    if parts.len() != 3 {
        return Err(format!("`{range}` is not LO:HI:STEPS; {form}"));
    }
    let num = |p: &str, what: &str| -> Result<f64, String> {
        p.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{what} `{p}` is not a finite number"))
    };
    let (lo, hi) = (num(parts[0], "LO")?, num(parts[1], "HI")?);
    let steps: u32 = parts[2].trim().parse().map_err(|_| format!("STEPS `{}` is not a whole number", parts[2]))?;
    if lo > hi {
        return Err(format!("LO {lo} is above HI {hi}"));
    }
    if !(1..=1000).contains(&steps) {
        return Err(format!("STEPS must be from 1 to 1000, not {steps}"));
    }
    if steps == 1 && lo != hi {
        return Err("STEPS 1 needs LO equal to HI".into());
    }
    Ok(VarySpec { name: name.trim().to_string(), lo, hi, steps })
}

impl VarySpec {
    /// Resolves the name against a scenario and checks the range there.
    pub fn resolve(&self, sc: &Scenario) -> Result<Target, String> {
        if let Some(rest) = self.name.strip_prefix("indicator.") {
            let Some(ind) = rest.strip_suffix(".start") else {
                return Err(format!(
                    "`{}`: only an indicator's start can be varied, as `indicator.NAME.start`",
                    self.name
                ));
            };
            let names: Vec<&str> = sc.indicators.iter().map(|i| i.name.as_str()).collect();
            let i = names.iter().position(|n| *n == ind).ok_or_else(|| {
                format!("no indicator named `{ind}` in {}; {}", sc.file, suggest(ind, &names, "indicator"))
            })?;
            let spec = &sc.indicators[i];
            if self.lo < spec.min || self.hi > spec.max {
                return Err(format!(
                    "the range {}..{} leaves the clamp [{}, {}] of `{ind}`",
                    self.lo, self.hi, spec.min, spec.max
                ));
            }
            for start in [self.lo, self.hi] {
                let probe = crate::scenario::Indicator { start, ..spec.clone() };
                let bound = crate::scenario::magnitude_bound(&probe, i as u32, &sc.branches, sc.max_steps);
                if bound > crate::scenario::MAX_MAGNITUDE {
                    return Err(format!(
                        "with start {start}, `{ind}` could reach {bound:.1e} in size; whatif computes statistics \
                         for values up to {:.0e}",
                        crate::scenario::MAX_MAGNITUDE
                    ));
                }
            }
            return Ok(Target::Start(i));
        }
        let ids: Vec<&str> = sc.branches.iter().map(|b| b.full_id.as_str()).collect();
        let b = sc.branch_index(&self.name).ok_or_else(|| {
            format!("no branch `{}` in {}; {}", self.name, sc.file, suggest(&self.name, &ids, "branch (node.branch)"))
        })?;
        if self.lo < 0.0 {
            return Err(format!("weights must be >= 0, but LO is {}", self.lo));
        }
        Ok(Target::Weight(b))
    }

    /// The values of the sweep, evenly spaced from LO to HI.
    pub fn values(&self) -> Vec<f64> {
        if self.steps == 1 {
            return vec![self.lo];
        }
        let last = f64::from(self.steps - 1);
        (0..self.steps)
            .map(|i| {
                let v = self.lo + (self.hi - self.lo) * f64::from(i) / last;
                // Near the top of the number range the product can overflow; the fraction
                // first cannot (the usual order is kept for the same bytes elsewhere).
                if v.is_finite() { v } else { self.lo + (self.hi - self.lo) * (f64::from(i) / last) }
            })
            .collect()
    }
}

/// A scenario with the target set to `value`.
pub fn with_value(sc: &Scenario, target: Target, value: f64) -> Scenario {
    let mut s = sc.clone();
    match target {
        Target::Weight(b) => s.set_weight(b, value),
        Target::Start(i) => s.indicators[i].start = value,
    }
    s
}

/// One point of a sweep.
pub struct Point {
    pub value: f64,
    pub result: SimResult,
    pub exact: ExactStatus,
}

/// Simulates (and analyses exactly) the scenario at every value.
pub fn sweep(
    sc: &Scenario,
    target: Target,
    values: &[f64],
    cfg: &SimConfig,
    budget: Budget,
) -> Result<Vec<Point>, SimError> {
    values
        .iter()
        .map(|&value| {
            let s = with_value(sc, target, value);
            let result = simulate(&s, cfg, None)?;
            let exact = ExactStatus::compute(&s, budget);
            Ok(Point { value, result, exact })
        })
        .collect()
}
