//! Error messages about a user's scenario file.
//!
//! Every problem names the file, the place (tree path, and line and column with a
//! snippet of the source where they are known), what is wrong and what would fix it,
//! in the manner of `just` and `rustc`.

use std::fmt;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Tree path of the offending value, e.g. `nodes.summit.branches[2].next`.
    pub path: String,
    /// 1-based line and column in the file, where known.
    pub location: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// What would fix it.
    pub help: Option<String>,
    /// For errors inside a value (a condition): the character offset within the value.
    pub offset: Option<usize>,
    /// Extra lines shown when the source line cannot be (e.g. the condition with a
    /// caret under the error).
    pub detail: Option<String>,
}

impl Diagnostic {
    /// A problem at `path` with no fix to suggest yet.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            location: None,
            message: message.into(),
            help: None,
            offset: None,
            detail: None,
        }
    }

    /// Finds the line and column of `path` in the source; with an `offset`, moves the
    /// column to that character inside the value (past an opening quote).
    pub fn locate_in(&mut self, src: &str) {
        self.location = super::locate::locate(src, &self.path).map(|(line, col)| {
            let Some(offset) = self.offset else { return (line, col) };
            let text = src.lines().nth(line - 1).unwrap_or("");
            let quote = matches!(text.chars().nth(col - 1), Some('"' | '\''));
            (line, col + offset + usize::from(quote))
        });
    }

    /// Adds what would fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Why a scenario file could not be loaded: one or more problems in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// The file as the user named it.
    pub file: String,
    /// The source text, for snippets (empty when the file could not be read).
    pub source: String,
    /// The problems, in file order.
    pub problems: Vec<Diagnostic>,
}

impl LoadError {
    /// A single problem with the file as a whole (unreadable, empty, too large, ...).
    pub fn whole_file(file: &str, message: impl Into<String>, help: impl Into<String>) -> Self {
        LoadError {
            file: file.to_string(),
            source: String::new(),
            problems: vec![Diagnostic::new("", message).help(help)],
        }
    }
}

/// Names quoted in messages (`` `name` ``) or path parts longer than this are cut.
const LONGEST_NAME: usize = 60;

/// Shortens every backtick-quoted name, and every dot-separated part, longer than
/// [`LONGEST_NAME`] characters, so that a huge key is not echoed in full.
fn abbreviate(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= LONGEST_NAME {
        return text.into();
    }
    // Odd pieces between backticks are quoted names; the rest are words and paths.
    let pieces: Vec<String> = text
        .split('`')
        .enumerate()
        .map(|(i, piece)| if i % 2 == 1 { cut(piece) } else { piece.split(' ').map(cut).collect::<Vec<_>>().join(" ") })
        .collect();
    pieces.join("`").into()
}

/// `part`, cut to its first characters and its length where it is too long.
fn cut(part: &str) -> String {
    let n = part.chars().count();
    if n <= LONGEST_NAME {
        return part.to_string();
    }
    let head: String = part.chars().take(LONGEST_NAME / 2).collect();
    format!("{head}…({n} characters)")
}

/// A tree path with each overlong part cut.
fn abbreviate_path(path: &str) -> String {
    path.split('.').map(cut).collect::<Vec<_>>().join(".")
}

/// At most this many problems are printed; the rest are counted.
pub const MAX_SHOWN: usize = 20;

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.problems.iter().take(MAX_SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let place = if d.path.is_empty() { String::new() } else { format!("{}: ", abbreviate_path(&d.path)) };
            writeln!(f, "error: {place}{}", abbreviate(&d.message))?;
            match d.location {
                Some((line, col)) => writeln!(f, "  --> {}:{line}:{col}", self.file)?,
                None => writeln!(f, "  --> {}", self.file)?,
            }
            let snippet =
                d.location.and_then(|(line, col)| Some((line, col, self.source.lines().nth(line.checked_sub(1)?)?)));
            if snippet.is_none()
                && let Some(detail) = &d.detail
            {
                for l in detail.lines() {
                    writeln!(f, "    {l}")?;
                }
            }
            if let Some((line, col, text)) = snippet {
                let num = line.to_string();
                let pad = " ".repeat(num.len());
                let shown: String = text.chars().take(160).collect();
                writeln!(f, "{pad} |")?;
                writeln!(f, "{num} | {shown}")?;
                let caret = " ".repeat(col.saturating_sub(1).min(shown.chars().count()));
                writeln!(f, "{pad} | {caret}^")?;
            }
            if let Some(help) = &d.help {
                writeln!(f, "  = help: {}", abbreviate(help))?;
            }
        }
        if self.problems.len() > MAX_SHOWN {
            writeln!(f, "\n... and {} more problems", self.problems.len() - MAX_SHOWN)?;
        }
        let n = self.problems.len();
        write!(f, "{} problem{} in {}; nothing was written", n, if n == 1 { "" } else { "s" }, self.file)
    }
}

impl std::error::Error for LoadError {}

/// The known name closest to `wrong`, if one is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(wrong, k), k))
        .filter(|(d, k)| *d <= k.len().max(wrong.len()).div_ceil(3) && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// "did you mean `x`?" for the closest known name, or a list of what is allowed.
pub fn suggest(wrong: &str, known: &[&str], what: &str) -> String {
    match closest(wrong, known.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None if known.is_empty() => format!("no {what} is defined"),
        None if known.len() <= 12 => {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            format!("the known {what}s are {}", list.join(", "))
        }
        None => format!("it must name one of the {} {what}s in the file", known.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("wieght", ["weight", "when", "id"]), Some("weight"));
        assert_eq!(closest("arsm", ["arms", "summit"]), Some("arms"));
        assert_eq!(closest("zzzzzz", ["arms", "summit"]), None);
        assert_eq!(suggest("x", &["arms", "summit"], "node"), "the known nodes are `arms`, `summit`");
    }

    #[test]
    fn huge_names_are_cut_in_messages() {
        let key = "k".repeat(1_000_000);
        let message = format!("unknown field `{key}`, expected one of `id`, `weight`");
        let short = abbreviate(&message);
        assert!(short.len() < 200, "{}", short.len());
        assert!(short.contains("…(1000000 characters)`, expected one of `id`, `weight`"), "{short}");
        assert_eq!(abbreviate("no node named `arsm`"), "no node named `arsm`");
    }

    #[test]
    fn renders_snippet_with_caret() {
        let err = LoadError {
            file: "s.yaml".into(),
            source: "a: 1\nnext: arsm\n".into(),
            problems: vec![Diagnostic {
                location: Some((2, 7)),
                ..Diagnostic::new("next", "no node named `arsm`").help("did you mean `arms`?")
            }],
        };
        let text = err.to_string();
        assert!(text.contains("error: next: no node named `arsm`"), "{text}");
        assert!(text.contains("  --> s.yaml:2:7"), "{text}");
        assert!(text.contains("2 | next: arsm\n  |       ^"), "{text}");
        assert!(text.contains("= help: did you mean `arms`?"), "{text}");
    }
}
