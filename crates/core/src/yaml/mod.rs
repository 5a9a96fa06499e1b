//! The one place that parses YAML.
//!
//! `serde_yaml` is marked deprecated upstream. Everything else in the crate goes through
//! [`from_str`], so a maintained, API-compatible fork can replace it by editing this file
//! (and `Cargo.toml`) alone.
//!
//! Two checks run before it, against hostile files: a quick scan that refuses deep
//! bracket nesting (the parser's time grows quadratically with it), and, in files with
//! anchors, a pass over the event stream of a second, small parser (`saphyr-parser`)
//! that adds up what aliases would expand to (serde_yaml copies an aliased value at
//! every use, so one large string referenced thousands of times takes gigabytes).

pub mod edit;

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

/// Any bracket, quoted or not, counts towards this looser limit: a quote that the
/// quote-aware count misreads can hide no more than this much nesting from it.
pub const MAX_BRACKETS_OPEN: usize = 2 * MAX_FLOW_DEPTH;

/// Refuses deeply nested flow collections, quickly, before the parser sees them.
fn check_flow_depth(src: &str) -> Result<(), YamlError> {
    let mut scan = DepthScan::default();
    for (n, line) in src.split('\n').enumerate() {
        if let Some(col) = scan.line(line) {
            let message = if scan.depth > MAX_FLOW_DEPTH {
                format!("brackets nest more than {MAX_FLOW_DEPTH} levels deep")
            } else {
                format!("more than {MAX_BRACKETS_OPEN} brackets are open at once (counting those in quotes)")
            };
            return Err(YamlError { message, path: String::new(), location: Some((n + 1, col)) });
        }
    }
    Ok(())
}

/// The state of [`check_flow_depth`] between lines.
#[derive(Default)]
struct DepthScan {
    /// Open brackets outside quotes and comments.
    depth: usize,
    /// Open brackets, all of them.
    open: usize,
    /// The quote of a quoted scalar that is still open (they may span lines).
    quote: Option<char>,
    /// Inside a block scalar (`|` or `>`): its lines indented more than this are text.
    block: Option<usize>,
}

impl DepthScan {
    /// Scans one line; the 1-based column where a limit is passed, if one is.
    fn line(&mut self, line: &str) -> Option<usize> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let in_block = match self.block {
            Some(parent) if line.trim().is_empty() || indent > parent => true,
            _ => {
                self.block = None;
                false
            }
        };
        // Where a node can start, a quote opens a quoted scalar; elsewhere (`Putin's`)
        // it is an ordinary character.
        let mut node_start = !in_block;
        let mut chars = line.chars().enumerate().peekable();
        let mut prev = ' ';
        while let Some((i, c)) = chars.next() {
            // The end of the line reads as a space.
            let next = chars.peek().map_or(' ', |&(_, c)| c);
            let before = std::mem::replace(&mut prev, c);
            if let Some(q) = self.quote {
                match c {
                    '\\' if q == '"' => {
                        chars.next();
                    }
                    '\'' if q == '\'' && next == '\'' => {
                        chars.next();
                    }
                    _ if c == q => {
                        self.quote = None;
                        node_start = false;
                    }
                    '[' | '{' => {
                        self.open += 1;
                        if self.open > MAX_BRACKETS_OPEN {
                            return Some(i + 1);
                        }
                    }
                    ']' | '}' => self.open = self.open.saturating_sub(1),
                    _ => {}
                }
                continue;
            }
            match c {
                '[' | '{' => {
                    self.open += 1;
                    self.depth += usize::from(!in_block);
                    node_start = true;
                    if self.depth > MAX_FLOW_DEPTH || self.open > MAX_BRACKETS_OPEN {
                        return Some(i + 1);
                    }
                }
                ']' | '}' => {
                    self.open = self.open.saturating_sub(1);
                    self.depth = self.depth.saturating_sub(usize::from(!in_block));
                    node_start = false;
                }
                _ if in_block => {}
                '"' | '\'' if node_start => self.quote = Some(c),
                '#' if before == ' ' || before == '\t' => break,
                ',' => node_start = true,
                ':' if next == ' ' || next == '\t' => node_start = true,
                '-' | '?' if node_start && (next == ' ' || next == '\t') => {}
                '|' | '>' if node_start => {
                    self.block = Some(indent);
                    break;
                }
                ' ' | '\t' => {}
                // An anchor or tag before a node: the node starts after it.
                '&' | '!' if node_start => while chars.next_if(|&(_, c)| c != ' ' && c != '\t').is_some() {},
                _ => node_start = false,
            }
        }
        None
    }
}

/// The most text (in bytes, plus one per value) that a document with its aliases
/// expanded may hold: twice the largest scenario file.
pub const MAX_EXPANDED: usize = 16 * 1024 * 1024;

/// Refuses documents whose aliases would expand past [`MAX_EXPANDED`].
fn check_alias_expansion(src: &str) -> Result<(), YamlError> {
    use saphyr_parser::{Event, Parser};
    if !src.contains('&') {
        return Ok(()); // no anchor, so no alias expands to anything
    }
    // Expanded size of each anchored value, and of each collection still open.
    let mut anchored: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut open: Vec<(usize, usize)> = vec![(0, 0)];
    let mut expanded = 0usize;
    for item in Parser::new_from_str(src) {
        // Syntax errors are left to the parser proper, whose messages authors know.
        let Ok((event, span)) = item else { return Ok(()) };
        let size = match event {
            Event::Scalar(text, _, anchor, _) => {
                let n = text.len() + 1;
                if anchor > 0 {
                    anchored.insert(anchor, n);
                }
                n
            }
            Event::Alias(id) => anchored.get(&id).copied().unwrap_or(1),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                expanded += 1;
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, n) = open.pop().unwrap_or_default();
                if anchor > 0 {
                    anchored.insert(anchor, n);
                }
                if let Some(parent) = open.last_mut() {
                    parent.1 = parent.1.saturating_add(n);
                }
                continue;
            }
            _ => continue,
        };
        if let Some(parent) = open.last_mut() {
            parent.1 = parent.1.saturating_add(size);
        }
        expanded = expanded.saturating_add(size);
        if expanded > MAX_EXPANDED {
            return Err(YamlError {
                message: format!("aliases (`*name`) would expand the file to more than {MAX_EXPANDED} bytes"),
                path: String::new(),
                location: Some((span.start.line(), span.start.col() + 1)),
            });
        }
    }
    Ok(())
}

/// Parses `src` into `T`, keeping the tree path and line/column of any error.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, YamlError> {
    check_flow_depth(src)?;
    check_alias_expansion(src)?;
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
        .replace("expected struct RawScenario", "expected the scenario (keys such as `title` and `nodes`)")
        .replace("expected struct RawNode", "expected a node (a mapping with `question` and `branches`)")
        .replace("expected struct RawBranch", "expected a branch (a mapping with `id`, `weight`, ...)")
        .replace("expected struct RawIndicator", "expected an indicator (a mapping with `start`, `min`, `max`, ...)")
        .replace("expected struct RawWeightIf", "expected a `weight_if` entry (a mapping with `when` and `weight`)")
        .replace("invalid type: sequence", "invalid type: a list")
        .replace("found a tab character that violates indentation", "a tab character is used for indentation")
        .replace("found character that cannot start any token", "this character cannot start a value")
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
    fn alias_expansion_is_bounded_by_size() {
        let big = "x".repeat(100_000);
        let uses = vec!["*big"; 200].join(", ");
        let bomb = format!("a: &big \"{big}\"\nb: [{uses}]\n");
        let e = check_alias_expansion(&bomb).unwrap_err();
        assert_eq!(e.location.map(|l| l.0), Some(2), "{e:?}");
        assert!(e.message.contains("aliases"), "{e:?}");
        // Anchored collections count with everything in them, nested ones too.
        let nested = format!("a: &l [\"{big}\", 1]\nb: &m [*l, *l, *l, *l]\nc: [{}]\n", vec!["*m"; 60].join(","));
        assert!(check_alias_expansion(&nested).is_err());
        // Ordinary use of anchors passes.
        let fine = "w: &w { when: \"took(a.b)\", weight: 2 }\nx: [*w, *w, *w]\n";
        assert!(check_alias_expansion(fine).is_ok());
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!("a: 1\nb: {}", "[".repeat(100_000));
        let e = check_flow_depth(&deep).unwrap_err();
        assert_eq!(e.location, Some((2, 4 + MAX_FLOW_DEPTH)));
        // Brackets inside quotes and comments do not count.
        let quoted = format!("a: \"{}\" # {}\nb: '{}'\n", "[".repeat(100), "{".repeat(100), "[".repeat(20));
        assert!(check_flow_depth(&quoted).is_ok());
        // An apostrophe inside plain text opens no quote.
        let apostrophe = format!("title: Putin's visit\nx: {}", "[".repeat(100));
        assert_eq!(check_flow_depth(&apostrophe).unwrap_err().location, Some((2, 4 + MAX_FLOW_DEPTH)));
        // Nor does one inside a block scalar, and its brackets stay text.
        let block = format!("a: |\n  it's {}\n  more\nb: {}", "[".repeat(70), "[".repeat(3));
        assert!(check_flow_depth(&block).is_ok());
        let after_block = format!("a: >\n  it's\nb: {}", "[".repeat(100));
        assert!(check_flow_depth(&after_block).is_err());
        // A quote misread as open hides at most MAX_BRACKETS_OPEN brackets.
        let hidden = format!("title: x\n  'continued\nb: {}", "[".repeat(200));
        assert_eq!(check_flow_depth(&hidden).unwrap_err().location, Some((3, 4 + MAX_BRACKETS_OPEN)));
        // Quotes that open at a node: after `- `, `[`, `,`, an anchor.
        assert!(check_flow_depth("- '[[[[['\n- [\"[[[[\", &a '{{{{']\n").is_ok());
        assert!(check_flow_depth("a: [[1, 2], {b: [3]}]\n").is_ok());
    }
}
