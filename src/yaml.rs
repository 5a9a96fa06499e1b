//! The one place that parses YAML.
//!
//! `serde_yaml` is marked deprecated upstream. Everything else in the crate goes through
//! [`from_str`], so a maintained, API-compatible fork can replace it by editing this file
//! (and `Cargo.toml`) alone.

use serde::de::DeserializeOwned;

/// A YAML error, reduced to what a diagnostic needs.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    /// What went wrong, in the parser's words (tidied a little).
    pub message: String,
    /// Where in the document tree, e.g. `nodes.summit.branches[2].weight`; empty at the top.
    pub path: String,
    /// 1-based line and column, where the parser knows them.
    pub location: Option<(usize, usize)>,
}

/// Flow collections (`[...]`, `{...}`) nested deeper than this are refused before
/// parsing: the parser's time grows quadratically with such nesting, and no scenario
/// needs more than a few levels.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Refuses deeply nested flow collections, quickly, before the parser sees them.
fn check_flow_depth(src: &str) -> Result<(), YamlError> {
    let (mut depth, mut line, mut col) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        if c == '\n' {
            line += 1;
            col = 0;
        }
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
                col += 1;
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if prev.is_whitespace() => {
                    // A comment runs to the end of the line.
                    for c in chars.by_ref() {
                        if c == '\n' {
                            line += 1;
                            col = 0;
                            break;
                        }
                    }
                }
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(YamlError {
                            message: format!("brackets nest more than {MAX_FLOW_DEPTH} levels deep"),
                            path: String::new(),
                            location: Some((line, col)),
                        });
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    Ok(())
}

/// Parses `src` into `T`, keeping the tree path and line/column of any error.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, YamlError> {
    check_flow_depth(src)?;
    let de = serde_yaml::Deserializer::from_str(src);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let location = inner.location().map(|l| (l.line(), l.column()));
        let mut message = inner.to_string();
        // serde_yaml appends " at line L column C"; we print the location ourselves.
        if let Some(cut) = message.find(" at line ") {
            message.truncate(cut);
        }
        // serde_yaml starts with the path when it knows one; we print the path ourselves.
        if let Some((head, rest)) = message.split_once(": ")
            && !head.contains(' ')
        {
            message = rest.to_string();
        }
        YamlError { message: tidy(&message), path: clean_path(&path), location }
    })
}

/// Drops the `?` segments that stand for places serde could not name.
fn clean_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty() && *p != "?").collect();
    parts.join(".")
}

/// Rewrites Rust type names in serde messages into words a scenario author knows.
fn tidy(message: &str) -> String {
    message
        .replace("expected f64", "expected a number")
        .replace("expected u64", "expected a whole number")
        .replace("expected u32", "expected a whole number")
        .replace("a sequence", "a list")
        .replace("expected a string", "expected text")
        .replace("invalid type: map", "invalid type: a mapping")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!("a: 1\nb: {}", "[".repeat(100_000));
        let e = check_flow_depth(&deep).unwrap_err();
        assert_eq!(e.location, Some((2, 4 + MAX_FLOW_DEPTH)));
        // Brackets inside quotes and comments do not count.
        let quoted = format!("a: \"{}\" # {}\nb: '{}'\n", "[".repeat(100), "{".repeat(100), "[".repeat(100));
        assert!(check_flow_depth(&quoted).is_ok());
        assert!(check_flow_depth("a: [[1, 2], {b: [3]}]\n").is_ok());
    }
}
