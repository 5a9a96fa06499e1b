//! The serde model of a scenario file (format 1), exactly as written by its author.
//!
//! These types mirror docs/FORMAT.md field for field. They check only shape
//! (types, unknown keys, duplicate keys); meaning is checked when the file is compiled
//! into [`crate::scenario::Scenario`]. Required fields are `Option`s here so that a
//! missing one gets a message that says what to add, not serde's bare "missing field".

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A whatif scenario file, format 1. Illustrative only: weights are invented, never a forecast.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "whatif scenario (format 1)")]
pub struct RawScenario {
    /// Format version; only 1 exists.
    #[schemars(required, range(min = 1, max = 1))]
    pub whatif: Option<u64>,
    /// Shown on every result.
    #[schemars(required)]
    pub title: Option<String>,
    /// Must be true: files that do not declare themselves illustrative are refused.
    #[schemars(required, extend("const" = true))]
    pub illustrative: Option<bool>,
    /// Printed and recorded with every result (say that the weights are invented).
    pub notice: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Where the ideas come from.
    pub sources: Option<Vec<String>>,
    /// A walk that takes this many steps without ending stops as "(step limit)". Default 1000.
    #[schemars(range(min = 1, max = 10_000_000))]
    pub max_steps: Option<u64>,
    /// Numeric quantities the walk accumulates, by name.
    pub indicators: Option<OrderedMap<Option<RawIndicator>>>,
    /// The id of the first node.
    #[schemars(required, pattern(r"^[a-z][a-z0-9_]*$"))]
    pub start: Option<String>,
    /// Chance nodes, by id.
    #[schemars(required)]
    pub nodes: Option<OrderedMap<RawNode>>,
    /// A variant: the file (relative to this one) whose nodes and indicators it starts from (an addition).
    pub extends: Option<String>,
    /// A variant's changes to the file it extends, applied in order (an addition).
    pub changes: Option<Vec<RawChange>>,
}

/// One change of a variant: exactly one of `weight`, `start`, `weight_if`, `remove`, `add`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    /// `node.branch` whose base weight becomes `to` (its range becomes `range`, or none).
    pub weight: Option<String>,
    /// An indicator whose start becomes `to` (its range becomes `range`, or none).
    pub start: Option<String>,
    /// `node.branch` whose conditional weights become `entries`.
    pub weight_if: Option<String>,
    /// `node.branch` to remove.
    pub remove: Option<String>,
    /// A node that gets `branch` as its last branch.
    pub add: Option<String>,
    /// The new value, for `weight` and `start`.
    pub to: Option<f64>,
    /// A range of doubt around the new value.
    pub range: Option<RawRange>,
    /// The new conditional weights, for `weight_if`.
    pub entries: Option<Vec<RawWeightIf>>,
    /// The branch to add, for `add`.
    pub branch: Option<RawBranch>,
}

/// One entry of `indicators`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    /// Value at the start of every run (default 0).
    pub start: Option<f64>,
    /// Lower clamp, applied after every change.
    pub min: Option<f64>,
    /// Upper clamp, applied after every change.
    pub max: Option<f64>,
    /// Unit shown in outputs, e.g. "index points".
    pub unit: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// The author's doubt about `start`: `[low, high]` or `{ triangular: [low, mode, high] }`; only `explore` samples it.
    pub range: Option<RawRange>,
}

/// One entry of `nodes`: a chance node.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    /// The question this node answers.
    pub question: Option<String>,
    /// Free text for teachers and readers (an addition to the first format; never read by the walk).
    pub description: Option<String>,
    /// The possible answers, at least one.
    #[schemars(required, length(min = 1))]
    pub branches: Option<Vec<RawBranch>>,
    /// A choice, not chance: runs need `--force NODE=BRANCH`, and `compare --options NODE` runs every option (an addition).
    pub decision: Option<bool>,
}

/// One branch of a node.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBranch {
    /// Unique within its node; referred to elsewhere as node.branch.
    #[schemars(required, pattern(r"^[a-z][a-z0-9_]*$"))]
    pub id: Option<String>,
    /// A short neutral description.
    pub label: Option<String>,
    /// Free text, e.g. which passage of the source the branch paraphrases (an addition).
    pub note: Option<String>,
    /// Relative weight (finite, >= 0) against the node's other branches.
    #[schemars(required, range(min = 0.0))]
    pub weight: Option<f64>,
    /// The author's doubt about `weight`: `[low, high]` or `{ triangular: [low, mode, high] }`; only `explore` samples it.
    pub range: Option<RawRange>,
    /// Conditional weights: the first entry whose `when` holds replaces the weight.
    pub weight_if: Option<Vec<RawWeightIf>>,
    /// Changes to indicators, applied in order: a number adds; {set: x} assigns; uniform, triangular and normal add a random draw.
    pub effects: Option<OrderedMap<RawEffect>>,
    /// Sets the run's outcome label.
    pub outcome: Option<String>,
    /// The next node; absent means the walk ends here.
    #[schemars(pattern(r"^[a-z][a-z0-9_]*$"))]
    pub next: Option<String>,
}

/// One entry of `weight_if`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWeightIf {
    /// A condition: took(node.branch), visits(node), indicator names, numbers, < <= > >= == !=, and, or, not, parentheses.
    #[schemars(required)]
    pub when: Option<String>,
    /// The weight while the condition holds.
    #[schemars(required, range(min = 0.0))]
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

impl JsonSchema for RawEffect {
    fn schema_name() -> Cow<'static, str> {
        "Effect".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let pair = |name: &str, n: u32, what: &str| {
            json_schema!({
                "type": "object",
                "description": what,
                "properties": { name: { "type": "array", "items": { "type": "number" }, "minItems": n, "maxItems": n } },
                "required": [name],
                "additionalProperties": false
            })
        };
        json_schema!({
            "description": "A number adds; the mappings assign or add a random draw.",
            "oneOf": [
                { "type": "number", "description": "Add this amount." },
                {
                    "type": "object",
                    "description": "Assign this value.",
                    "properties": { "set": { "type": "number" } },
                    "required": ["set"],
                    "additionalProperties": false
                },
                pair("uniform", 2, "Add a uniform draw from [lo, hi]."),
                pair("triangular", 3, "Add a triangular draw from [lo, mode, hi]."),
                pair("normal", 2, "Add a normal draw with [mean, sd].")
            ]
        })
    }
}

/// A range of doubt about a number: `[low, high]` (uniform), `{ uniform: [low, high] }`
/// or `{ triangular: [low, mode, high] }`. Checked for meaning when compiled.
#[derive(Debug, Clone, PartialEq)]
pub enum RawRange {
    Uniform(Vec<f64>),
    Triangular(Vec<f64>),
}

impl<'de> Deserialize<'de> for RawRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRange;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a range: [low, high], or { triangular: [low, mode, high] }")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawRange, A::Error> {
                let mut values = Vec::new();
                while let Some(x) = seq.next_element::<f64>()? {
                    values.push(x);
                }
                Ok(RawRange::Uniform(values))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRange, A::Error> {
                let Some(kind) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "empty range; write [low, high] or { triangular: [low, mode, high] }",
                    ));
                };
                let range = match kind.as_str() {
                    "uniform" => RawRange::Uniform(map.next_value()?),
                    "triangular" => RawRange::Triangular(map.next_value()?),
                    other => return Err(de::Error::unknown_field(other, &["uniform", "triangular"])),
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "a range has one shape, but `{kind}` is followed by `{extra}`; keep one of them"
                    )));
                }
                Ok(range)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawRange {
    fn schema_name() -> Cow<'static, str> {
        "Range".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let numbers =
            |n: u32| json_schema!({ "type": "array", "items": { "type": "number" }, "minItems": n, "maxItems": n });
        json_schema!({
            "description": "The author's doubt about a number; `run` uses the point value, `explore` samples the range.",
            "oneOf": [
                numbers(2),
                { "type": "object", "properties": { "uniform": numbers(2) }, "required": ["uniform"], "additionalProperties": false },
                { "type": "object", "properties": { "triangular": numbers(3) }, "required": ["triangular"], "additionalProperties": false }
            ]
        })
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

impl<V: JsonSchema> JsonSchema for OrderedMap<V> {
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "propertyNames": { "pattern": "^[a-z][a-z0-9_]*$" },
            "additionalProperties": generator.subschema_for::<V>()
        })
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

/// The JSON Schema (draft 2020-12) of format 1, generated from these types, for editors.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RawScenario);
    serde_json::to_string_pretty(&schema).expect("a schema always serialises") + "\n"
}
