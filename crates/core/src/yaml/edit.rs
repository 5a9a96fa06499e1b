//! Changing one number in a scenario's text without touching the rest: the browser
//! page's weight and start controls edit the YAML itself, so the editor, the download
//! and the CLI always see the same file. The value's place comes from the YAML event
//! stream (with source spans); comments, order and layout stay as the author wrote them.

use saphyr_parser::{Event, Parser};

/// Where the edit goes: keys and list indexes from the top (`["nodes", "summit",
/// "branches", "0", "weight"]`).
pub type KeyPath<'a> = &'a [&'a str];

enum Open {
    /// A mapping: the key of the value being read (`None` while a key is expected), and
    /// where the mapping starts (character index; `{` for flow style).
    Map {
        key: Option<String>,
        start: usize,
    },
    Seq {
        index: usize,
    },
}

/// What the walk found for a path.
enum Found {
    /// The value's characters.
    Value(usize, usize),
    /// The mapping that should hold the last key, which is missing (its start).
    MissingKey(usize),
}

/// `src` with the value at `path` replaced by `value` (a plain YAML scalar such as `4`
/// or `0.5`); a missing last key is added to its mapping. Errors say what is missing.
pub fn set_value(src: &str, path: KeyPath, value: &str) -> Result<String, String> {
    let found = find(src, path)?;
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let byte = |c: usize| chars.get(c).map_or(src.len(), |x| x.0);
    let key = path.last().copied().unwrap_or_default();
    Ok(match found {
        Found::Value(a, b) => format!("{}{value}{}", &src[..byte(a)], &src[byte(b)..]),
        Found::MissingKey(start) => {
            let at = byte(start);
            if src[at..].starts_with('{') {
                let empty = src[at + 1..].trim_start().starts_with('}');
                let sep = if empty { " " } else { ", " };
                format!("{}{{ {key}: {value}{sep}{}", &src[..at], src[at + 1..].trim_start())
            } else {
                let col = chars[..start].iter().rev().take_while(|x| x.1 != '\n').count();
                format!("{}{key}: {value}\n{}{}", &src[..at], " ".repeat(col), &src[at..])
            }
        }
    })
}

fn find(src: &str, path: KeyPath) -> Result<Found, String> {
    let mut stack: Vec<Open> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let matches = |keys: &[String]| keys.len() == path.len() && keys.iter().zip(path).all(|(a, b)| a == b);
    let parent_of_target = |keys: &[String]| keys.len() + 1 == path.len() && keys.iter().zip(path).all(|(a, b)| a == b);
    for item in Parser::new_from_str(src) {
        let (event, span) = item.map_err(|e| format!("the file is not valid YAML ({e})"))?;
        match event {
            Event::Scalar(text, ..) => {
                if let Some(Open::Map { key: key @ None, .. }) = stack.last_mut() {
                    *key = Some(text.to_string());
                    continue;
                }
                let here = value_path(&stack, &keys);
                if matches(&here) {
                    return Ok(Found::Value(span.start.index(), span.end.index()));
                }
                advance(&mut stack);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let here = value_path(&stack, &keys);
                keys = here;
                let start = span.start.index();
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Open::Map { key: None, start }
                } else {
                    Open::Seq { index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(Open::Map { start, .. }) = stack.last()
                    && parent_of_target(&keys)
                {
                    return Ok(Found::MissingKey(*start));
                }
                stack.pop();
                keys.pop();
                advance(&mut stack);
            }
            _ => {}
        }
    }
    Err(format!("there is no `{}` to change in the file", path.join(".")))
}

/// The path of the value about to be read, given the open containers.
fn value_path(stack: &[Open], keys: &[String]) -> Vec<String> {
    let mut here = keys.to_vec();
    match stack.last() {
        Some(Open::Map { key: Some(k), .. }) => here.push(k.clone()),
        Some(Open::Seq { index }) => here.push(index.to_string()),
        _ => {}
    }
    here
}

/// After a value: a mapping expects its next key, a sequence its next item.
fn advance(stack: &mut [Open]) {
    match stack.last_mut() {
        Some(Open::Map { key, .. }) => *key = None,
        Some(Open::Seq { index }) => *index += 1,
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::set_value;

    const BLOCK: &str = "# weights are invented\nnodes:\n  a:\n    branches:\n      - id: x\n        weight: 3 # three\n      - id: y\n        label: \"ü\"\n";

    #[test]
    fn replaces_a_value_and_keeps_comments_and_layout() {
        let out = set_value(BLOCK, &["nodes", "a", "branches", "0", "weight"], "4.5").unwrap();
        assert_eq!(out, BLOCK.replace("weight: 3 # three", "weight: 4.5 # three"));
    }

    #[test]
    fn adds_a_missing_key_in_block_and_flow_style() {
        let out = set_value(BLOCK, &["nodes", "a", "branches", "1", "weight"], "2").unwrap();
        assert!(out.contains("      - weight: 2\n        id: y\n"), "{out}");
        let flow = "indicators:\n  rolls: { unit: dice }\n  empty: {}\n";
        let out = set_value(flow, &["indicators", "rolls", "start"], "1").unwrap();
        assert_eq!(out, "indicators:\n  rolls: { start: 1, unit: dice }\n  empty: {}\n");
        let out = set_value(flow, &["indicators", "empty", "start"], "0").unwrap();
        assert!(out.contains("empty: { start: 0 }"), "{out}");
    }

    #[test]
    fn flow_values_after_multibyte_text_are_found() {
        let src = "n: { label: \"é–ü\", weight: 1, next: b }\n";
        assert_eq!(set_value(src, &["n", "weight"], "7").unwrap(), src.replace("weight: 1", "weight: 7"));
    }

    #[test]
    fn a_path_that_does_not_exist_is_an_error() {
        let err = set_value(BLOCK, &["nodes", "zz", "weight"], "1").unwrap_err();
        assert!(err.contains("nodes.zz.weight"), "{err}");
    }
}
