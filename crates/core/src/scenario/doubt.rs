//! Ranges of doubt: an author's uncertainty about a base weight or an indicator's start
//! (`range: [2, 5]`, `range: { triangular: [2, 3, 5] }`). Every command but `explore`
//! uses the point value; `explore` draws values from these ranges.

use super::diagnostic::Diagnostic;
use super::model::RawRange;
use crate::format::number;

/// A checked range of doubt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Doubt {
    Uniform { lo: f64, hi: f64 },
    Triangular { lo: f64, mode: f64, hi: f64 },
}

impl Doubt {
    pub fn lo(&self) -> f64 {
        match *self {
            Doubt::Uniform { lo, .. } | Doubt::Triangular { lo, .. } => lo,
        }
    }

    pub fn hi(&self) -> f64 {
        match *self {
            Doubt::Uniform { hi, .. } | Doubt::Triangular { hi, .. } => hi,
        }
    }

    /// The value below which a share `u` (in [0, 1]) of the doubt lies.
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            Doubt::Uniform { lo, hi } => crate::engine::rng::uniform(u, lo, hi),
            Doubt::Triangular { lo, mode, hi } => crate::engine::rng::triangular(u, lo, mode, hi),
        }
    }

    /// `uniform 2 to 5`, `triangular 2, 3, 5`.
    pub fn describe(&self) -> String {
        match *self {
            Doubt::Uniform { lo, hi } => format!("uniform {} to {}", number(lo), number(hi)),
            Doubt::Triangular { lo, mode, hi } => {
                format!("triangular {}, {}, {}", number(lo), number(mode), number(hi))
            }
        }
    }
}

/// Checks a written range around the point value `point`, within `[min, max]` (weights
/// stay >= 0, starts inside their clamp).
pub(super) fn compile(
    raw: &RawRange,
    point: f64,
    (min, max): (f64, f64),
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Doubt> {
    let (values, expected, shape) = match raw {
        RawRange::Uniform(v) => (v, 2, "[low, high]"),
        RawRange::Triangular(v) => (v, 3, "{ triangular: [low, mode, high] }"),
    };
    let fail = |problems: &mut Vec<Diagnostic>, message: String, help: &str| {
        problems.push(Diagnostic::new(path, message).help(help.to_string()));
        None
    };
    if values.len() != expected {
        return fail(
            problems,
            format!("this range has {} numbers; {shape} has {expected}", values.len()),
            "write it as shown",
        );
    }
    if values.iter().any(|x| !x.is_finite()) {
        return fail(problems, "a range needs finite numbers".into(), "write finite numbers, e.g. [2, 5]");
    }
    let (lo, hi) = (values[0], values[expected - 1]);
    if lo >= hi {
        return fail(
            problems,
            format!("the range runs from {} down to {}", number(lo), number(hi)),
            "write the low end first, and make it lower than the high end",
        );
    }
    if lo < min || hi > max {
        let what = if min == 0.0 && max == f64::INFINITY {
            "weights cannot be negative".to_string()
        } else {
            format!("the indicator's clamp is [{}, {}]", number(min), number(max))
        };
        return fail(
            problems,
            format!("the range [{}, {}] goes outside what is allowed: {what}", number(lo), number(hi)),
            "narrow the range",
        );
    }
    if point < lo || point > hi {
        return fail(
            problems,
            format!("the value {} is outside its own range [{}, {}]", number(point), number(lo), number(hi)),
            "the value is what every command but `explore` uses: put it inside the range, or widen the range",
        );
    }
    match raw {
        RawRange::Uniform(_) => Some(Doubt::Uniform { lo, hi }),
        RawRange::Triangular(_) => {
            let mode = values[1];
            if !(lo..=hi).contains(&mode) {
                return fail(
                    problems,
                    format!("the mode {} is outside [{}, {}]", number(mode), number(lo), number(hi)),
                    "write [low, mode, high] with low <= mode <= high",
                );
            }
            Some(Doubt::Triangular { lo, mode, hi })
        }
    }
}
