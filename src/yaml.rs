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

/// Parses `src` into `T`, keeping the tree path and line/column of any error.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, YamlError> {
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
