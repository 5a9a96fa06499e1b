//! Number formatting shared by every output, so that the same value prints the same
//! bytes everywhere.

/// `x` with exactly `decimals` decimals, `.` as separator, and never `-0`.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') { s[1..].to_string() } else { s }
}

/// A share or probability (6 decimals).
pub fn share(x: f64) -> String {
    fixed(x, 6)
}

/// A CSV writer into memory in the dialect of every output: RFC 4180 with CRLF line ends.
pub fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new())
}

/// Writes one CSV record, each field through [`cell`].
pub fn record<W: std::io::Write, T: AsRef<str>>(
    w: &mut csv::Writer<W>,
    fields: impl IntoIterator<Item = T>,
) -> csv::Result<()> {
    w.write_record(fields.into_iter().map(|f| cell(f.as_ref()).into_owned()))
}

/// A CSV field that a spreadsheet shows as text: a field that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return and is not a number gets a leading `'`, so that
/// Excel, LibreOffice and Google Sheets do not run it as a formula (the OWASP advice for
/// CSV injection). Numbers such as `-0.5` are written as they are.
pub fn cell(field: &str) -> std::borrow::Cow<'_, str> {
    let risky = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && field.parse::<f64>().is_err() { format!("'{field}").into() } else { field.into() }
}

/// Text with control characters (other than line breaks) shown as `\u{1b}` escapes, so
/// that nothing printed can move the cursor, clear the screen or hide a line. Also
/// escapes the Unicode controls that reorder text on screen (bidirectional overrides
/// and isolates).
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| hidden_control(c) && c != '\n') {
        return text.into();
    }
    text.chars()
        .map(|c| if hidden_control(c) && c != '\n' { c.escape_unicode().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// Whether `c` is a control character or a bidirectional formatting character.
pub fn hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Labels fitted to a column at most `max` characters wide (at least 7): each cut with
/// `…` where longer, unless cutting would make two different labels read the same, in
/// which case none is cut. Returns the labels and the column width.
pub fn fit(labels: &[&str], max: usize) -> (Vec<String>, usize) {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let width = longest.clamp(7, max.max(7));
    let cut = |s: &str| {
        if s.chars().count() <= width {
            s.to_string()
        } else {
            s.chars().take(width - 1).chain(std::iter::once('…')).collect()
        }
    };
    let fitted: Vec<String> = labels.iter().map(|l| cut(l)).collect();
    let mut seen = std::collections::HashSet::new();
    if fitted.iter().all(|f| seen.insert(f.as_str())) {
        (fitted, width)
    } else {
        (labels.iter().map(|l| l.to_string()).collect(), longest.max(7))
    }
}

/// An exact probability or mean (9 decimals, so small path probabilities still show).
pub fn exact(x: f64) -> String {
    fixed(x, 9)
}

/// An optional exact figure: empty where it is not known.
pub fn exact_or_empty(x: Option<f64>) -> String {
    x.map(exact).unwrap_or_default()
}

/// An indicator value (6 decimals).
pub fn value(x: f64) -> String {
    fixed(x, 6)
}

/// A share as a percentage for terminal tables, e.g. `41.26%`.
pub fn percent(x: f64) -> String {
    format!("{}%", fixed(100.0 * x, 2))
}

/// `+2`, `-0.5`, `= 3`, `+ uniform(0, 2)`: an effect as text.
pub fn effect_text(sc: &crate::scenario::Scenario, b: &crate::scenario::Branch) -> String {
    let parts: Vec<String> = b
        .effects
        .iter()
        .map(|e| {
            let name = &sc.indicators[e.indicator as usize].name;
            let n = number;
            match e.kind {
                crate::scenario::EffectKind::Add(a) if a < 0.0 => format!("{name} {}", n(a)),
                crate::scenario::EffectKind::Add(a) => format!("{name} +{}", n(a)),
                crate::scenario::EffectKind::Set(x) => format!("{name} = {}", n(x)),
                crate::scenario::EffectKind::Uniform { lo, hi } => format!("{name} + uniform({}, {})", n(lo), n(hi)),
                crate::scenario::EffectKind::Triangular { lo, mode, hi } => {
                    format!("{name} + triangular({}, {}, {})", n(lo), n(mode), n(hi))
                }
                crate::scenario::EffectKind::Normal { mean, sd } => format!("{name} + normal({}, {})", n(mean), n(sd)),
            }
        })
        .collect();
    parts.join(", ")
}

/// A number with up to 3 decimals, trailing zeros trimmed; in scientific notation where
/// that would show no digit or more than 12 (`1e308`, `5e-324`).
pub fn number(x: f64) -> String {
    if x != 0.0 && !(0.001..1e12).contains(&x.abs()) {
        return format!("{x:e}");
    }
    crate::format::fixed(x, 3).trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The lines every command prints first: the title, the notice, the sources, and which
/// file ran (a path, or `bundled:NAME`).
pub fn notice(sc: &crate::scenario::Scenario) -> String {
    let mut text = format!("{}\nNOTICE: {}\n", sc.title, sc.notice);
    for source in &sc.sources {
        text.push_str(&format!("Source: {source}\n"));
    }
    text.push_str(&format!("Scenario file: {}\n", sc.file));
    if !sc.asked.is_empty() {
        text.push_str(&format!("Asked of the file: {}\n", sc.asked.join(" ")));
    }
    let (weights, starts) = sc.ranges();
    if weights + starts > 0 {
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let what: Vec<String> =
            [count(weights, "weight", "weights"), count(starts, "start", "starts")].into_iter().flatten().collect();
        let verb = if weights + starts == 1 { "carries" } else { "carry" };
        text.push_str(&format!(
            "Ranges: {} in this file {verb} a range of doubt; these results use the values as written \
             (`whatif explore` samples the ranges).\n",
            what.join(" and ")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_negative_zero() {
        assert_eq!(fixed(-0.0, 6), "0.000000");
        assert_eq!(fixed(-0.000_000_1, 6), "0.000000");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(share(1.0 / 3.0), "0.333333");
        assert_eq!(percent(0.41256), "41.26%");
    }

    #[test]
    fn fitted_labels_never_read_the_same() {
        let (short, w) = fit(&["Large outbreak, week 3", "Small"], 14);
        assert_eq!((short[0].as_str(), w), ("Large outbrea…", 14));
        let (full, w) = fit(&["Large outbreak in the north", "Large outbreak in the south"], 14);
        assert_eq!(full, ["Large outbreak in the north", "Large outbreak in the south"]);
        assert_eq!(w, 27);
        assert_eq!(fit(&["a"], 30).1, 7);
    }

    #[test]
    fn formula_like_cells_become_text_and_numbers_stay() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1 more"), "'+1 more");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-0.500000"), "-0.500000");
        assert_eq!(cell("-1e5"), "-1e5");
        assert_eq!(cell("Regional arms race"), "Regional arms race");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("line\nnext\u{0}"), "line\nnext\\u{0}");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("plain"), "plain");
    }
}
