//! Scenario discovery for `explore --when`: which ranges of the uncertain parameters
//! make a question about the outcome probabilities hold ("All three consequences > 0.1",
//! "One of the three consequences is most likely"). PRIM-style: start from the whole
//! box of ranges and peel off, one side at a time, the 5% of samples whose removal
//! leaves the purest box; of the boxes on the way, keep the purest that still covers at
//! least half of the samples where the question holds.

use crate::scenario::Scenario;
use crate::scenario::diagnostic::suggest;

/// A question about one outcome's probability.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// `LABEL > x`, `>=`, `<`, `<=` (x in [0, 1], or a percentage).
    Threshold { outcome: usize, op: &'static str, value: f64 },
    /// `LABEL is most likely`: its probability is the largest.
    MostLikely { outcome: usize },
}

impl Question {
    /// Reads `LABEL > 0.3`, `LABEL <= 25%` or `LABEL is most likely`.
    pub fn parse(text: &str, sc: &Scenario) -> Result<Question, String> {
        let text = text.trim();
        const MOST: &str = "is most likely";
        let cut = text.len().saturating_sub(MOST.len());
        if text.is_char_boundary(cut) && text[cut..].eq_ignore_ascii_case(MOST) {
            return Ok(Question::MostLikely { outcome: outcome(&text[..cut], sc)? });
        }
        for op in [">=", "<=", ">", "<"] {
            if let Some(at) = text.rfind(op) {
                let (label, number) = (&text[..at], text[at + op.len()..].trim());
                let value = match number.strip_suffix('%') {
                    Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
                    None => number.parse::<f64>(),
                }
                .map_err(|_| format!("`{number}` is not a probability; write e.g. 0.3 or 30%"))?;
                if !(0.0..=1.0).contains(&value) {
                    return Err(format!("{number} is not a probability between 0 and 1 (or 0% and 100%)"));
                }
                return Ok(Question::Threshold { outcome: outcome(label, sc)?, op, value });
            }
        }
        Err(format!(
            "`{text}` is not a question whatif can ask; write `OUTCOME > 0.3` (or >=, <, <=) or `OUTCOME is most likely`"
        ))
    }

    /// Whether the question holds for one sample's outcome probabilities.
    pub fn holds(&self, p: &[f64]) -> bool {
        match *self {
            Question::Threshold { outcome, op, value } => match op {
                ">=" => p[outcome] >= value,
                "<=" => p[outcome] <= value,
                ">" => p[outcome] > value,
                _ => p[outcome] < value,
            },
            Question::MostLikely { outcome } => p.iter().enumerate().all(|(o, &x)| o == outcome || x < p[outcome]),
        }
    }

    /// The question in words.
    pub fn describe(&self, sc: &Scenario) -> String {
        match *self {
            Question::Threshold { outcome, op, value } => {
                format!("P({}) {op} {}", sc.outcomes[outcome], crate::format::percent(value))
            }
            Question::MostLikely { outcome } => format!("{} is the most likely outcome", sc.outcomes[outcome]),
        }
    }
}

fn outcome(label: &str, sc: &Scenario) -> Result<usize, String> {
    let label = label.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    sc.outcomes.iter().position(|o| o.eq_ignore_ascii_case(label)).ok_or_else(|| {
        let known: Vec<&str> = sc.outcomes.iter().map(String::as_str).collect();
        format!("no outcome is labelled `{label}`; {}", suggest(label, &known, "outcome"))
    })
}

/// A box of parameter ranges and how well it finds the samples where a question holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Per parameter: the box's low and high end.
    pub bounds: Vec<(f64, f64)>,
    /// Per parameter: whether the box is narrower than the whole range.
    pub restricted: Vec<bool>,
    /// Samples inside the box, and of those, where the question holds.
    pub inside: usize,
    pub hits_inside: usize,
    /// Samples where the question holds, and all samples.
    pub hits: usize,
    pub samples: usize,
}

impl Found {
    /// Share of the samples where the question holds that lie inside the box.
    pub fn coverage(&self) -> f64 {
        self.hits_inside as f64 / self.hits.max(1) as f64
    }

    /// Share of the samples inside the box where the question holds.
    pub fn density(&self) -> f64 {
        self.hits_inside as f64 / self.inside.max(1) as f64
    }
}

/// Peels a box around the samples where `hits` is true. `values[s][p]` is parameter
/// `p` in sample `s`; `full` the whole range of each parameter. `None` when the
/// question never holds.
pub fn prim(values: &[Vec<f64>], hits: &[bool], full: &[(f64, f64)]) -> Option<Found> {
    let total_hits = hits.iter().filter(|&&h| h).count();
    if total_hits == 0 {
        return None;
    }
    let n = values.len();
    let mut inside: Vec<usize> = (0..n).collect();
    let mut bounds = full.to_vec();
    let found = |inside: &[usize], bounds: &[(f64, f64)]| Found {
        restricted: bounds.iter().zip(full).map(|(b, f)| b != f).collect(),
        bounds: bounds.to_vec(),
        inside: inside.len(),
        hits_inside: inside.iter().filter(|&&s| hits[s]).count(),
        hits: total_hits,
        samples: n,
    };
    let mut best = found(&inside, &bounds);
    let min_support = (n / 20).max(5);
    while inside.len() > min_support && best_density(&inside, hits) < 1.0 {
        let peel = (inside.len() / 20).max(1);
        let Some((d, low, kept)) = best_peel(values, hits, &inside, peel) else { break };
        let cut = kept.iter().map(|&s| values[s][d]);
        if low {
            bounds[d].0 = cut.fold(f64::INFINITY, f64::min);
        } else {
            bounds[d].1 = cut.fold(f64::NEG_INFINITY, f64::max);
        }
        inside = kept;
        let candidate = found(&inside, &bounds);
        if candidate.coverage() >= 0.5 && candidate.density() > best.density() {
            best = candidate;
        }
    }
    Some(simplify(values, hits, full, best, found))
}

/// Gives back its whole range to every parameter whose narrowing buys less than 10
/// points of density, least useful first, so that the box names only what matters.
fn simplify(
    values: &[Vec<f64>],
    hits: &[bool],
    full: &[(f64, f64)],
    mut best: Found,
    found: impl Fn(&[usize], &[(f64, f64)]) -> Found,
) -> Found {
    let within = |bounds: &[(f64, f64)]| -> Vec<usize> {
        (0..values.len()).filter(|&s| values[s].iter().zip(bounds).all(|(v, b)| *v >= b.0 && *v <= b.1)).collect()
    };
    loop {
        let mut options: Vec<(f64, Found)> = Vec::new();
        for d in (0..full.len()).filter(|&d| best.restricted[d]) {
            let mut bounds = best.bounds.clone();
            bounds[d] = full[d];
            let f = found(&within(&bounds), &bounds);
            options.push((f.density(), f));
        }
        let Some((density, f)) = options.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)) else { return best };
        if density < best.density() - 0.1 {
            return best;
        }
        best = f;
        let _ = hits;
    }
}

fn best_density(inside: &[usize], hits: &[bool]) -> f64 {
    inside.iter().filter(|&&s| hits[s]).count() as f64 / inside.len().max(1) as f64
}

/// The one-sided peel of `peel` samples that leaves the purest box: (parameter, whether
/// its low side was peeled, the samples kept).
fn best_peel(values: &[Vec<f64>], hits: &[bool], inside: &[usize], peel: usize) -> Option<(usize, bool, Vec<usize>)> {
    let dims = values.first().map_or(0, Vec::len);
    let mut best: Option<(f64, usize, bool, Vec<usize>)> = None;
    #[allow(clippy::needless_range_loop)] // `d` is a column: it indexes inside every row
    for d in 0..dims {
        let mut sorted = inside.to_vec();
        sorted.sort_by(|&a, &b| values[a][d].total_cmp(&values[b][d]));
        for low in [true, false] {
            let kept: Vec<usize> = if low { sorted[peel..].to_vec() } else { sorted[..sorted.len() - peel].to_vec() };
            let density = best_density(&kept, hits);
            if best.as_ref().is_none_or(|b| density > b.0) {
                best = Some((density, d, low, kept));
            }
        }
    }
    best.map(|(_, d, low, kept)| (d, low, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_finds_a_threshold_on_one_parameter_and_ignores_the_other() {
        // 400 samples on a grid; the question holds where x > 0.7, whatever y is.
        let values: Vec<Vec<f64>> =
            (0..400).map(|i| vec![(i % 20) as f64 / 20.0 + 0.025, (i / 20) as f64 / 20.0 + 0.025]).collect();
        let hits: Vec<bool> = values.iter().map(|v| v[0] > 0.7).collect();
        let f = prim(&values, &hits, &[(0.0, 1.0), (0.0, 1.0)]).unwrap();
        assert_eq!(f.density(), 1.0);
        assert!(f.coverage() >= 0.5);
        assert!(f.bounds[0].0 > 0.7 && f.bounds[0].0 < 0.8, "{:?}", f.bounds);
        assert!(f.restricted[0]);
        assert!(!f.restricted[1], "y does not matter: {:?}", f.bounds);
        assert_eq!(prim(&values, &vec![false; 400], &[(0.0, 1.0), (0.0, 1.0)]), None);
    }
}
