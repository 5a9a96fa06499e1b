//! The serde model of a scenario file (format 1), exactly as written by its author.
//!
//! These types mirror DESIGN.md section 1 field for field. They check only shape
//! (types, unknown keys, duplicate keys); meaning is checked when the file is compiled
//! into [`crate::scenario::Scenario`]. Required fields are `Option`s here so that a
//! missing one gets a message that says what to add, not serde's bare "missing field".

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub whatif: Option<u64>,
    pub title: Option<String>,
    pub illustrative: Option<bool>,
    pub notice: Option<String>,
    pub description: Option<String>,
    pub sources: Option<Vec<String>>,
    pub max_steps: Option<u64>,
    pub indicators: Option<OrderedMap<Option<RawIndicator>>>,
    pub start: Option<String>,
    pub nodes: Option<OrderedMap<RawNode>>,
}

/// One entry of `indicators`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub start: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: Option<String>,
    pub description: Option<String>,
}

/// One entry of `nodes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub question: Option<String>,
    /// Free text for teachers and readers (an addition to DESIGN.md; never read by the walk).
    pub description: Option<String>,
    pub branches: Option<Vec<RawBranch>>,
}

/// One branch of a node.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBranch {
    pub id: Option<String>,
    pub label: Option<String>,
    /// Free text, e.g. which passage of the source the branch paraphrases (an addition).
    pub note: Option<String>,
    pub weight: Option<f64>,
    pub weight_if: Option<Vec<RawWeightIf>>,
    pub effects: Option<OrderedMap<RawEffect>>,
    pub outcome: Option<String>,
    pub next: Option<String>,
}

/// One entry of `weight_if`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeightIf {
    pub when: Option<String>,
    pub weight: Option<f64>,
}

/// An effect on one indicator: a plain number adds; the mappings draw or assign.
#[derive(Debug, Clone, PartialEq)]
pub enum RawEffect {
    Add(f64),
    Set(f64),
    Uniform(Vec<f64>),
    Triangular(Vec<f64>),
    Normal(Vec<f64>),
}

/// The effect kinds a mapping may name, for error messages and suggestions.
pub const EFFECT_KINDS: &[&str] = &["uniform", "triangular", "normal", "set"];

impl<'de> Deserialize<'de> for RawEffect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEffect;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number to add, or one of { uniform: [lo, hi] }, \
                     { triangular: [lo, mode, hi] }, { normal: [mean, sd] }, { set: x }",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawEffect, E> {
                Ok(RawEffect::Add(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawEffect, E> {
                Ok(RawEffect::Add(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawEffect, E> {
                Ok(RawEffect::Add(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEffect, A::Error> {
                let Some(kind) = map.next_key::<String>()? else {
                    return Err(de::Error::custom("empty effect mapping; write a number, or e.g. { uniform: [0, 1] }"));
                };
                let effect = match kind.as_str() {
                    "set" => RawEffect::Set(map.next_value()?),
                    "uniform" => RawEffect::Uniform(map.next_value()?),
                    "triangular" => RawEffect::Triangular(map.next_value()?),
                    "normal" => RawEffect::Normal(map.next_value()?),
                    other => return Err(de::Error::unknown_field(other, EFFECT_KINDS)),
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "an effect has exactly one kind, but `{kind}` is followed by `{extra}`; \
                         split it into two indicators or remove one"
                    )));
                }
                Ok(effect)
            }
        }
        d.deserialize_any(V)
    }
}

/// A string-keyed mapping that keeps the file's order and refuses duplicate keys.
#[derive(Debug)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of names to entries")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, V)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format!(
                            "duplicate key `{key}`; each name may appear once, so rename or merge one"
                        )));
                    }
                    let value = map.next_value()?;
                    entries.push((key, value));
                }
                Ok(OrderedMap(entries))
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}
