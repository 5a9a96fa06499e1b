//! Finds the line and column of a tree path (`nodes.summit.branches[2].next`) in the
//! source of a block-style YAML file.
//!
//! The YAML parser gives positions only for the errors it finds itself. Errors found
//! later (an unknown `next` target, a bad condition) know only their path; this
//! best-effort locator maps the path back to the source so that every message can show
//! the offending line. It understands the block style that scenario files are written
//! in; inside flow style (`{ ... }`, `[ ... ]`) it stops at the deepest key it found.

/// One key or list marker on a source line.
#[derive(Debug)]
struct Item<'a> {
    line: usize,
    indent: usize,
    text: &'a str,
    dash: bool,
}

/// A path segment.
#[derive(Debug, PartialEq)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(i) = rest[1..close].parse() {
                out.push(Seg::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    out
}

fn items(src: &str) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for (n, raw) in src.lines().enumerate() {
        let mut indent = raw.len() - raw.trim_start_matches(' ').len();
        let mut text = &raw[indent..];
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        while text == "-" || text.starts_with("- ") {
            out.push(Item { line: n + 1, indent, text, dash: true });
            let after = text[1..].trim_start_matches(' ');
            indent += text.len() - after.len();
            text = after;
        }
        if !text.is_empty() && !text.starts_with('#') {
            out.push(Item { line: n + 1, indent, text, dash: false });
        }
    }
    out
}

fn key_matches(text: &str, key: &str) -> bool {
    let bare = text.strip_prefix(key).is_some_and(|r| r.starts_with(':'));
    let quoted = [('"', '"'), ('\'', '\'')].iter().any(|(q, _)| {
        text.strip_prefix(*q)
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix(*q))
            .is_some_and(|r| r.starts_with(':'))
    });
    bare || quoted
}

/// The 0-based column of the value of `key:` in a flow mapping on `line`, searching
/// from column `from`; the key's own column when it has no value on the line.
fn flow_key(line: &str, from: usize, key: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut start = from.min(line.len());
    while let Some(rel) = line.get(start..)?.find(key) {
        let at = start + rel;
        let before_ok = at == 0 || matches!(bytes[at - 1], b'{' | b',' | b' ');
        let after = &line[at + key.len()..];
        if before_ok && after.starts_with(':') {
            let value = after[1..].trim_start();
            return Some(if value.is_empty() { at } else { line.len() - value.len() });
        }
        start = at + key.len();
    }
    None
}

/// The 1-based (line, column) of `path` in `src`, or of the deepest part of it found.
pub fn locate(src: &str, path: &str) -> Option<(usize, usize)> {
    let items = items(src);
    let segs = segments(path);
    let (mut lo, mut hi) = (0usize, items.len());
    let mut found: Option<(usize, usize)> = None;
    for (depth, seg) in segs.iter().enumerate() {
        // Inside a flow mapping (`{ id: x, next: y }`) the key is on the line found so far.
        let in_flow = |found: Option<(usize, usize)>| {
            let (Seg::Key(key), Some((line, col))) = (seg, found) else { return found };
            let text = src.lines().nth(line - 1).unwrap_or("");
            flow_key(text, col - 1, key).map_or(found, |at| Some((line, at + 1)))
        };
        let Some(level) = items.get(lo..hi).and_then(|r| r.iter().map(|i| i.indent).min()) else {
            return in_flow(found);
        };
        let hit = match seg {
            Seg::Key(key) => {
                (lo..hi).find(|&i| items[i].indent == level && !items[i].dash && key_matches(items[i].text, key))
            }
            Seg::Index(n) => (lo..hi).filter(|&i| items[i].indent == level && items[i].dash).nth(*n),
        };
        let Some(hit) = hit else {
            return in_flow(found);
        };
        let item = &items[hit];
        let last = depth + 1 == segs.len();
        let mut col = item.indent + 1;
        if last && !item.dash {
            // Point at the value where there is one on the same line.
            if let Some(colon) = item.text.find(':') {
                let value = item.text[colon + 1..].trim_start();
                if !value.is_empty() && !value.starts_with('#') {
                    col = item.indent + item.text.len() - value.len() + 1;
                }
            }
        }
        found = Some((item.line, col));
        // The children of this item: what follows, more indented (or a same-level list).
        let mut end = hit + 1;
        while end < hi {
            let next = &items[end];
            let same_level_list = next.indent == item.indent && next.dash && !item.dash;
            if next.indent <= item.indent && !same_level_list || (item.dash && next.indent == item.indent && next.dash)
            {
                break;
            }
            end += 1;
        }
        lo = hit + 1;
        hi = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
whatif: 1
nodes:
  summit:
    question: What?
    branches:
      - id: a
        weight: 1
      - id: b
        weight: 2
        next: arms
  arms:
    branches:
    - id: c
      weight: 1
";

    #[test]
    fn finds_nested_keys_and_list_items() {
        assert_eq!(locate(SRC, "nodes.summit.branches[1].next"), Some((10, 15)));
        assert_eq!(locate(SRC, "nodes.summit.branches[0].weight"), Some((7, 17)));
        assert_eq!(locate(SRC, "nodes.summit.branches[1]"), Some((8, 7)));
        assert_eq!(locate(SRC, "nodes.arms.branches[0].id"), Some((13, 11)));
        assert_eq!(locate(SRC, "whatif"), Some((1, 9)));
    }

    #[test]
    fn stops_at_the_deepest_known_part() {
        assert_eq!(locate(SRC, "nodes.summit.branches[5]"), Some((5, 5)));
        assert_eq!(locate(SRC, "nodes.nowhere"), Some((2, 1)));
        assert_eq!(locate(SRC, "elsewhere"), None);
        assert_eq!(locate("a: { b: 1 }\n", "a.b"), Some((1, 9)));
        let flow = "nodes:\n  a:\n    branches:\n      - { id: x, weight: 1, next: nowhere }\n";
        assert_eq!(locate(flow, "nodes.a.branches[0].next"), Some((4, 35)));
        assert_eq!(locate(flow, "nodes.a.branches[0].weight"), Some((4, 26)));
    }
}
