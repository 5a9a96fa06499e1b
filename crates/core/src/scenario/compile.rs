//! Validation of a parsed scenario file into the compiled [`Scenario`].
//!
//! Every rule of docs/FORMAT.md is checked here. Problems are collected rather than
//! returned one at a time, so an author sees all of them in one go; each carries its
//! tree path, and its line and column are found in the source afterwards.

use super::condition::{self, Names};
use super::diagnostic::{Diagnostic, LoadError, suggest};
use super::model::{RawBranch, RawEffect, RawIndicator, RawNode, RawScenario};
use super::{Branch, DEFAULT_NOTICE, Effect, EffectKind, Indicator, Node, Scenario, WeightIf};
use crate::engine::rng::node_draw_key;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const TOP_KEYS: &[&str] = &[
    "whatif",
    "title",
    "illustrative",
    "notice",
    "description",
    "sources",
    "max_steps",
    "indicators",
    "start",
    "nodes",
    "extends",
    "changes",
];
const INDICATOR_KEYS: &[&str] = &["start", "min", "max", "unit", "description", "range"];
const NODE_KEYS: &[&str] = &["question", "description", "branches", "decision"];
const BRANCH_KEYS: &[&str] = &["id", "label", "note", "weight", "range", "weight_if", "effects", "outcome", "next"];
const WEIGHT_IF_KEYS: &[&str] = &["when", "weight"];

/// Words of the condition language, which cannot name indicators.
const RESERVED: &[&str] = &["and", "or", "not", "took", "visits", "true", "false"];

/// Whether `id` matches `[a-z][a-z0-9_]*`.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A suggested valid id for an invalid one.
fn fix_id(id: &str) -> String {
    let mut s: String =
        id.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s.insert(0, 'n');
    }
    s
}

/// Reads the file a variant extends: its name as shown, and its text.
pub type Bases<'a> = dyn Fn(&str) -> Result<(String, String), String> + 'a;

pub(super) fn compile(file: &str, bytes: &str, bases: &Bases) -> Result<Scenario, LoadError> {
    // A byte-order mark (Windows Notepad writes one) is not part of the text; the
    // recorded SHA-256 is still that of the file's bytes.
    let src = bytes.strip_prefix('\u{feff}').unwrap_or(bytes);
    let fail = |problems: Vec<Diagnostic>| LoadError { file: file.to_string(), source: src.to_string(), problems };
    if let Some(d) = control_character(src) {
        return Err(fail(vec![d]));
    }
    if src.trim().is_empty() || src.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Err(fail(vec![Diagnostic::new("", "the file is empty").help(
            "a scenario needs at least `whatif: 1`, `title`, `illustrative: true`, `start` and `nodes`; \
             `whatif init FILE` writes a starter",
        )]));
    }
    let raw = parse(file, src)?;
    let (raw, base) = match raw.extends.clone() {
        None => (raw, None),
        Some(name) => {
            let (base_file, base_src) = bases(&name).map_err(|why| {
                let mut d =
                    Diagnostic::new("extends", format!("cannot read `{name}`, the file this one extends: {why}"))
                        .help("write the base file's path relative to this file");
                d.locate_in(src);
                fail(vec![d])
            })?;
            let base_raw = parse(&base_file, base_src.strip_prefix('\u{feff}').unwrap_or(&base_src))?;
            let mut problems = Vec::new();
            let merged = super::variant::merge(raw, base_raw, &mut problems);
            if !problems.is_empty() {
                problems.iter_mut().for_each(|d| d.locate_in(src));
                return Err(fail(problems));
            }
            (merged, Some((base_file, base_src)))
        }
    };
    let mut c = Compiler { problems: Vec::new(), warnings: Vec::new() };
    let scenario = c.scenario(file, bytes, raw);
    if !c.problems.is_empty() {
        // Only the problems that will be printed are located (each search reads the file).
        for d in c.problems.iter_mut().take(super::diagnostic::MAX_SHOWN) {
            if d.location.is_none() && !d.path.is_empty() {
                d.locate_in(src);
            }
        }
        return Err(fail(c.problems));
    }
    let mut scenario = scenario.expect("a scenario is built whenever there are no problems");
    scenario.warnings = c.warnings;
    if let Some((base_file, base_src)) = base {
        // The results depend on both files, so both are in the recorded digest.
        scenario.sha256 = sha256_hex(format!("{bytes}{base_src}").as_bytes());
        scenario.extends = Some(base_file);
    }
    Ok(scenario)
}

/// Parses the text into the serde model, with a located, helpful message on failure.
fn parse(file: &str, src: &str) -> Result<RawScenario, LoadError> {
    let fail = |problems: Vec<Diagnostic>| LoadError { file: file.to_string(), source: src.to_string(), problems };
    match crate::yaml::from_str(src) {
        Ok(raw) => Ok(raw),
        Err(e) => {
            let mut d = Diagnostic::new(e.path.clone(), e.message.clone());
            d.location = e.location;
            if e.location.is_none_or(|(line, _)| line > src.lines().count()) && !e.path.is_empty() {
                // Past the end of the file: show where the unfinished value starts instead.
                d.locate_in(src);
            }
            let duplicate = ["duplicate field `", "duplicate key `"].iter().find_map(|p| e.message.strip_prefix(p));
            if let Some(key) = duplicate.and_then(|r| r.split('`').next()) {
                d.location = d.location.and_then(|at| repeated_key(src, at, key)).or(d.location);
            }
            let at_tab = d.location.and_then(|(l, c)| src.lines().nth(l - 1)?.chars().nth(c - 1)) == Some('\t');
            if at_tab && e.message.contains("cannot start a value") {
                d.message = "a tab character is used for indentation".into();
            }
            if d.message.contains("tab character") {
                // The parser's tree path points near the tab, not at it; the line does.
                d.path.clear();
            }
            if let Some(n) = e.message.strip_prefix("invalid type: integer `").and_then(|r| r.split('`').next()) {
                d.message = format!("this number is not written in decimal (it reads as {n})");
            }
            d.help = parse_help(&e.path, &d.message);
            Err(fail(vec![d]))
        }
    }
}

/// Where `key` appears for the second time in the block mapping that starts at `at`
/// (the parser reports a duplicate at the mapping's start).
fn repeated_key(src: &str, at: (usize, usize), key: &str) -> Option<(usize, usize)> {
    let indent = at.1 - 1;
    let mut seen = 0;
    for (n, line) in src.lines().enumerate().skip(at.0 - 1) {
        let text = line.get(indent..).unwrap_or("");
        let own_indent = line.len() - line.trim_start_matches(' ').len();
        if n + 1 > at.0 && !line.trim().is_empty() && own_indent < indent {
            return None; // the mapping ended
        }
        let this = text.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'));
        if own_indent == indent && this {
            seen += 1;
            if seen == 2 {
                return Some((n + 1, indent + 1));
            }
        }
    }
    None
}

/// The first control character that YAML does not allow anywhere in a file (all but
/// tab and line breaks), with its line and column: the parser would report it at the
/// start of the file.
fn control_character(src: &str) -> Option<Diagnostic> {
    let (line, text) = src.split('\n').enumerate().find(|(_, l)| l.chars().any(raw_control))?;
    let col = text.chars().position(raw_control)? + 1;
    let c = text.chars().nth(col - 1)?;
    let mut d = Diagnostic::new("", format!("the file contains the control character {}", c.escape_unicode()))
        .help("remove it (scenario files are plain text; a NUL byte often means the file is not text at all)");
    d.location = Some((line + 1, col));
    Some(d)
}

fn raw_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Help for the errors that the YAML parser finds.
fn parse_help(path: &str, message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let wrong = rest.split('`').next().unwrap_or("");
        // The path ends with the unknown key itself; its parent says which keys are allowed.
        let parent = path.strip_suffix(wrong).map_or(path, |p| p.trim_end_matches('.'));
        let last = parent.rsplit('.').next().unwrap_or("");
        let depth = parent.matches('.').count();
        let known: &[&str] = if path.contains(".effects.") {
            super::model::EFFECT_KINDS
        } else if parent.is_empty() {
            TOP_KEYS
        } else if parent.starts_with("indicators.") && depth == 1 {
            INDICATOR_KEYS
        } else if last.starts_with("weight_if[") {
            WEIGHT_IF_KEYS
        } else if parent.starts_with("nodes.") && depth == 1 {
            NODE_KEYS
        } else if last.starts_with("branches[") {
            BRANCH_KEYS
        } else {
            return None;
        };
        return Some(format!(
            "{} (unknown keys are refused so that a typo is never silently ignored)",
            suggest(wrong, known, "key")
        ));
    }
    if message.contains("duplicate") {
        return None; // our own message already says what to do
    }
    if message.contains("tab character") {
        return Some(
            "indent with spaces, not tabs: YAML does not allow tabs in indentation (most editors can convert them)"
                .into(),
        );
    }
    if message.contains("not written in decimal") {
        return Some("write the number in decimal, e.g. `16` (hexadecimal, octal and binary are not read here)".into());
    }
    if message.contains("expected a boolean") {
        return Some("write `true` or `false` (`yes`, `no`, `on` and `off` are text in YAML 1.2)".into());
    }
    if message.contains("invalid type: a list, expected a node") {
        return Some("check the indentation: `branches:` belongs inside a node, indented under the node's id".into());
    }
    if message.contains("invalid type: a list") && message.contains("expected") {
        return Some("check the indentation: this key takes a single value or a mapping, not a list".into());
    }
    if message.contains("invalid type: a mapping, expected a list") {
        return Some("this key takes a list: start each entry with `- `, e.g. `- when: ...`".into());
    }
    if message.contains("invalid type: string") && message.contains("expected a number") {
        return Some("write the number without quotes".into());
    }
    if message.contains("invalid type") && message.contains("expected text") {
        return Some("quote text that YAML would read as a number or a boolean, e.g. `label: \"2024\"`".into());
    }
    if message.contains("end of stream") {
        return Some("a quote or bracket is opened but never closed; look at the value named above".into());
    }
    if message.contains("cannot start a value") {
        return Some("quote text that starts with `@`, `` ` ``, `%` or `|`".into());
    }
    if message.contains("mapping values are not allowed") {
        return Some("text that contains `: ` must be quoted, e.g. `question: \"Who acts: A or B?\"`".into());
    }
    if message.contains("did not find expected") || message.contains("could not find expected") {
        return Some("check the indentation and the brackets or quotes near this place".into());
    }
    if message.contains("would expand the file") {
        return Some("write the repeated text out where it is needed, or refer to it less often".into());
    }
    if message.contains("recursion limit") || message.contains("levels deep") || message.contains("brackets are open") {
        return Some("the file nests too deeply; scenario files need only a few levels".into());
    }
    None
}

/// Outcome labels as they are met: the ones authors wrote first, in file order, then
/// implicit `node.branch` labels, then `(step limit)`.
struct OutcomeLabels {
    labels: Vec<String>,
    index: HashMap<String, u32>,
    explicit: usize,
}

impl OutcomeLabels {
    /// The labels that branches set, in file order.
    fn explicit(raw_nodes: &[(String, RawNode)]) -> Self {
        let mut out = OutcomeLabels { labels: Vec::new(), index: HashMap::new(), explicit: 0 };
        for (_, node) in raw_nodes {
            for br in node.branches.as_deref().unwrap_or_default() {
                if let Some(o) = br.outcome.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                    out.intern(o);
                }
            }
        }
        out.explicit = out.labels.len();
        out
    }

    /// The index of `label`, added if new.
    fn intern(&mut self, label: &str) -> u32 {
        let labels = &mut self.labels;
        *self.index.entry(label.to_string()).or_insert_with(|| {
            labels.push(label.to_string());
            (labels.len() - 1) as u32
        })
    }

    /// The labels with `(step limit)` last, and which of them an author wrote.
    fn finish(mut self) -> (Vec<String>, Vec<bool>) {
        let mut explicit = vec![true; self.explicit];
        explicit.resize(self.labels.len(), false);
        self.labels.push("(step limit)".to_string());
        explicit.push(false);
        (self.labels, explicit)
    }
}

struct Compiler {
    problems: Vec<Diagnostic>,
    warnings: Vec<String>,
}

/// Names for conditions: ids resolved during compilation.
struct Lookup<'a> {
    node_ix: HashMap<&'a str, u32>,
    node_ids: Vec<&'a str>,
    /// Per node: branch id -> global index.
    branch_ix: Vec<HashMap<&'a str, u32>>,
    branch_ids: Vec<Vec<&'a str>>,
    indicator_ix: HashMap<&'a str, u32>,
    indicator_names: Vec<&'a str>,
}

impl Names for Lookup<'_> {
    fn node(&self, id: &str) -> Option<u32> {
        self.node_ix.get(id).copied()
    }
    fn branch(&self, node: u32, id: &str) -> Option<u32> {
        self.branch_ix[node as usize].get(id).copied()
    }
    fn indicator(&self, name: &str) -> Option<u32> {
        self.indicator_ix.get(name).copied()
    }
    fn suggest(&self, kind: &str, wrong: &str, node: Option<u32>) -> String {
        match (kind, node) {
            ("node", _) => suggest(wrong, &self.node_ids, "node"),
            ("branch", Some(n)) => suggest(wrong, &self.branch_ids[n as usize], "branch of that node"),
            _ => suggest(wrong, &self.indicator_names, "indicator"),
        }
    }
}

/// Checks a weight value; returns it when usable.
fn check_weight(w: f64, path: &str, problems: &mut Vec<Diagnostic>) -> f64 {
    if w.is_nan() {
        problems.push(Diagnostic::new(path, "the weight is NaN").help("write a finite number >= 0"));
        0.0
    } else if w.is_infinite() {
        problems.push(
            Diagnostic::new(path, "the weight is infinite")
                .help("write a finite number >= 0; weights are relative, so scale the others instead"),
        );
        0.0
    } else if w < 0.0 {
        problems.push(
            Diagnostic::new(path, format!("the weight {w} is negative"))
                .help("weights are relative and must be >= 0; use 0 to switch a branch off"),
        );
        0.0
    } else {
        w
    }
}

impl Compiler {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push(Diagnostic::new(path, message).help(help));
    }

    fn finite(&mut self, x: f64, path: &str) -> f64 {
        if !x.is_finite() {
            self.error(path, format!("{x} is not a finite number"), "write an ordinary number");
            return 0.0;
        }
        x
    }

    /// Refuses control characters (and text-reordering Unicode controls) in every text
    /// an output prints: they could clear a terminal, forge lines, hide the notice or put
    /// NUL bytes in CSV files. Line breaks and tabs are allowed in free text.
    fn check_texts(&mut self, raw: &RawScenario) {
        let mut texts: Vec<(String, Option<&str>, bool)> = vec![
            ("title".into(), raw.title.as_deref(), false),
            ("notice".into(), raw.notice.as_deref(), true),
            ("description".into(), raw.description.as_deref(), true),
        ];
        for (i, source) in raw.sources.iter().flatten().enumerate() {
            texts.push((format!("sources[{i}]"), Some(source), false));
        }
        for (name, spec) in raw.indicators.iter().flat_map(|m| &m.0) {
            let spec = spec.as_ref();
            texts.push((format!("indicators.{name}.unit"), spec.and_then(|s| s.unit.as_deref()), false));
            texts.push((format!("indicators.{name}.description"), spec.and_then(|s| s.description.as_deref()), true));
        }
        for (id, node) in raw.nodes.iter().flat_map(|m| &m.0) {
            texts.push((format!("nodes.{id}.question"), node.question.as_deref(), false));
            texts.push((format!("nodes.{id}.description"), node.description.as_deref(), true));
            for (b, br) in node.branches.iter().flatten().enumerate() {
                let at = format!("nodes.{id}.branches[{b}]");
                texts.push((format!("{at}.label"), br.label.as_deref(), false));
                texts.push((format!("{at}.note"), br.note.as_deref(), true));
                texts.push((format!("{at}.outcome"), br.outcome.as_deref(), false));
            }
        }
        for (path, text, free) in texts {
            let bad = |c: &char| crate::format::hidden_control(*c) && !(free && matches!(c, '\n' | '\t'));
            if let Some(c) = text.and_then(|t| t.chars().find(bad)) {
                self.error(
                    path,
                    format!("the text contains the control character {}", c.escape_unicode()),
                    "remove it: labels and notes are plain text, shown on terminals and in CSV files",
                );
            }
        }
    }

    /// Compiles a parsed file in steps; `None` when any step found a problem.
    fn scenario(&mut self, file: &str, bytes: &str, raw: RawScenario) -> Option<Scenario> {
        self.check_texts(&raw);
        let title = self.header(&raw);
        let max_steps = self.max_steps(raw.max_steps);
        let raw_inds = raw.indicators.unwrap_or_default().0;
        let mut indicators = self.indicators(&raw_inds);
        let raw_nodes = match raw.nodes {
            Some(n) if !n.0.is_empty() => n.0,
            _ => {
                self.error("nodes", "the scenario has no nodes", "add `nodes:` with at least one chance node");
                Vec::new()
            }
        };
        // Node and branch ids first, so that conditions and `next` can refer to any node.
        let lookup = self.ids(&raw_nodes, &raw_inds);
        let start = self.start(raw.start.as_deref(), &lookup);
        let mut outcomes = OutcomeLabels::explicit(&raw_nodes);
        let (nodes, mut branches) = self.nodes(&raw_nodes, &lookup, &mut indicators, &mut outcomes);
        // Implicit outcome labels of ending branches that set none.
        for b in &mut branches {
            if b.next.is_none() {
                b.end_outcome = Some(b.outcome.unwrap_or_else(|| outcomes.intern(&b.full_id)));
            }
        }
        self.check_magnitudes(&indicators, &branches, max_steps);
        if !self.problems.is_empty() {
            return None;
        }
        let (outcomes, explicit_outcomes) = outcomes.finish();
        let file_name = file.rsplit(['/', '\\']).next().unwrap_or(file).to_string();
        let scenario = Scenario {
            file: file.to_string(),
            stem: file_name.rsplit_once('.').map_or(file_name.as_str(), |(s, _)| s).to_string(),
            file_name,
            sha256: sha256_hex(bytes.as_bytes()),
            title,
            notice: raw
                .notice
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| DEFAULT_NOTICE.to_string()),
            description: raw.description,
            sources: raw.sources.unwrap_or_default(),
            max_steps,
            indicators,
            nodes,
            branches,
            outcomes,
            explicit_outcomes,
            start,
            warnings: Vec::new(),
            given: None,
            asked: Vec::new(),
            extends: None,
        };
        let (problems, warnings) = super::graph::check(&scenario);
        self.problems.extend(problems);
        self.warnings.extend(warnings);
        Some(scenario)
    }

    /// The format version, the title and the `illustrative` declaration; returns the title.
    fn header(&mut self, raw: &RawScenario) -> String {
        match raw.whatif {
            None => self.error("whatif", "the format version is missing", "add `whatif: 1` as the first line"),
            Some(1) => {}
            Some(v) => self.error(
                "whatif",
                format!("unknown format version {v}"),
                "this whatif reads format version 1; write `whatif: 1`",
            ),
        }
        match raw.illustrative {
            Some(true) => {}
            Some(false) => self.error(
                "illustrative",
                "this file says `illustrative: false`; whatif runs only illustrative scenarios",
                "whatif is not a forecasting tool: write `illustrative: true` and a `notice` saying the weights are invented",
            ),
            None => self.error(
                "illustrative",
                "`illustrative: true` is missing",
                "add `illustrative: true`: every scenario must declare itself illustrative, not a forecast",
            ),
        }
        match raw.title.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => {
                self.error("title", "the title is missing or empty", "add e.g. `title: My scenario (illustrative)`");
                String::new()
            }
        }
    }

    fn max_steps(&mut self, raw: Option<u64>) -> u32 {
        match raw {
            None => 1000,
            Some(0) => {
                self.error(
                    "max_steps",
                    "max_steps is 0, so no walk could take a step",
                    "use a positive number, e.g. `max_steps: 1000`",
                );
                1
            }
            Some(n) if n > 10_000_000 => {
                self.error("max_steps", format!("max_steps {n} is above the limit of 10000000"), "use a smaller bound");
                1
            }
            Some(n) => n as u32,
        }
    }

    fn indicators(&mut self, raw_inds: &[(String, Option<RawIndicator>)]) -> Vec<Indicator> {
        raw_inds.iter().map(|(name, spec)| self.indicator(name, spec.as_ref())).collect()
    }

    fn indicator(&mut self, name: &str, spec: Option<&RawIndicator>) -> Indicator {
        let path = format!("indicators.{name}");
        if !valid_id(name) {
            self.error(
                &path,
                format!("`{name}` is not a valid indicator name"),
                format!("names are lowercase letters, digits and `_`, starting with a letter, e.g. `{}`", fix_id(name)),
            );
        } else if RESERVED.contains(&name) {
            self.error(
                &path,
                format!("`{name}` is a word of the condition language, so conditions could not read it"),
                format!("rename the indicator, e.g. `{name}_level`"),
            );
        }
        let start = self.finite(spec.and_then(|s| s.start).unwrap_or(0.0), &format!("{path}.start"));
        let min = spec.and_then(|s| s.min).map_or(f64::NEG_INFINITY, |x| self.finite(x, &format!("{path}.min")));
        let max = spec.and_then(|s| s.max).map_or(f64::INFINITY, |x| self.finite(x, &format!("{path}.max")));
        if min > max {
            self.error(format!("{path}.min"), format!("min {min} is above max {max}"), "swap them, or fix one");
        } else if start < min || start > max {
            self.error(
                format!("{path}.start"),
                format!("start {start} is outside the clamp [{min}, {max}]"),
                "move start inside the range, or widen min/max",
            );
        }
        let range = spec
            .and_then(|s| s.range.as_ref())
            .and_then(|r| super::doubt::compile(r, start, (min, max), &format!("{path}.range"), &mut self.problems));
        Indicator {
            name: name.to_string(),
            start,
            range,
            min,
            max,
            unit: spec.and_then(|s| s.unit.clone()),
            description: spec.and_then(|s| s.description.clone()),
            random: false,
        }
    }

    /// Every node, branch and indicator name, checked and indexed.
    fn ids<'a>(
        &mut self,
        raw_nodes: &'a [(String, RawNode)],
        raw_inds: &'a [(String, Option<RawIndicator>)],
    ) -> Lookup<'a> {
        let mut lookup = Lookup {
            node_ix: HashMap::new(),
            node_ids: Vec::new(),
            branch_ix: Vec::new(),
            branch_ids: Vec::new(),
            indicator_ix: raw_inds.iter().enumerate().map(|(i, (n, _))| (n.as_str(), i as u32)).collect(),
            indicator_names: raw_inds.iter().map(|(n, _)| n.as_str()).collect(),
        };
        let mut global = 0u32;
        for (n, (id, node)) in raw_nodes.iter().enumerate() {
            if !valid_id(id) {
                self.error(
                    format!("nodes.{id}"),
                    format!("`{id}` is not a valid node id"),
                    format!("ids are lowercase letters, digits and `_`, starting with a letter, e.g. `{}`", fix_id(id)),
                );
            }
            lookup.node_ix.insert(id.as_str(), n as u32);
            lookup.node_ids.push(id.as_str());
            let (ix, ids) = self.branch_ids(id, node, &mut global);
            lookup.branch_ix.push(ix);
            lookup.branch_ids.push(ids);
        }
        lookup
    }

    /// The branch ids of one node, checked; `global` counts branches over all nodes.
    fn branch_ids<'a>(
        &mut self,
        id: &str,
        node: &'a RawNode,
        global: &mut u32,
    ) -> (HashMap<&'a str, u32>, Vec<&'a str>) {
        let path = format!("nodes.{id}");
        let mut ix = HashMap::new();
        let mut ids = Vec::new();
        let branches = node.branches.as_deref().unwrap_or_default();
        if branches.is_empty() {
            self.error(
                format!("{path}.branches"),
                format!("node `{id}` has no branches"),
                "give it at least one branch with an `id` and a `weight`",
            );
        }
        for (b, br) in branches.iter().enumerate() {
            let bpath = format!("{path}.branches[{b}]");
            match br.id.as_deref() {
                None => {
                    self.error(&bpath, "this branch has no `id`", "add e.g. `id: option_a` (unique within the node)")
                }
                Some(bid) if !valid_id(bid) => self.error(
                    format!("{bpath}.id"),
                    format!("`{bid}` is not a valid branch id"),
                    format!(
                        "ids are lowercase letters, digits and `_`, starting with a letter, e.g. `{}`",
                        fix_id(bid)
                    ),
                ),
                Some(bid) => {
                    if ix.insert(bid, *global).is_some() {
                        self.error(
                            format!("{bpath}.id"),
                            format!("node `{id}` already has a branch `{bid}`"),
                            "branch ids must be unique within their node; rename one",
                        );
                    }
                    ids.push(bid);
                }
            }
            *global += 1;
        }
        (ix, ids)
    }

    fn start(&mut self, raw: Option<&str>, lookup: &Lookup) -> u32 {
        match raw {
            None => {
                self.error(
                    "start",
                    "`start` is missing",
                    format!("add `start: {}` (the first node)", lookup.node_ids.first().unwrap_or(&"first_node")),
                );
                0
            }
            Some(s) => lookup.node_ix.get(s).copied().unwrap_or_else(|| {
                self.error("start", format!("no node named `{s}`"), suggest(s, &lookup.node_ids, "node"));
                0
            }),
        }
    }

    /// Every node with its branches, weights scaled and compiled.
    fn nodes(
        &mut self,
        raw_nodes: &[(String, RawNode)],
        lookup: &Lookup,
        indicators: &mut [Indicator],
        outcomes: &mut OutcomeLabels,
    ) -> (Vec<Node>, Vec<Branch>) {
        let mut nodes = Vec::new();
        let mut branches = Vec::new();
        let mut table_budget = super::weights::TABLE_BUDGET;
        for (n, (id, node)) in raw_nodes.iter().enumerate() {
            let path = format!("nodes.{id}");
            let first_branch = branches.len() as u32;
            let decision = node.decision.unwrap_or(false);
            for (b, br) in node.branches.as_deref().unwrap_or_default().iter().enumerate() {
                let bpath = format!("{path}.branches[{b}]");
                if decision && br.weight.is_none() {
                    // A decision's options need no weight: one is chosen, never drawn.
                    let with_weight = RawBranch { weight: Some(1.0), ..clone_branch(br) };
                    branches.push(
                        self.branch(n as u32, id, &bpath, &with_weight, lookup, indicators, &mut |l| {
                            outcomes.intern(l)
                        }),
                    );
                } else {
                    branches
                        .push(self.branch(n as u32, id, &bpath, br, lookup, indicators, &mut |l| outcomes.intern(l)));
                }
                if decision && br.weight_if.is_some() {
                    self.error(
                        format!("{bpath}.weight_if"),
                        "an option of a decision has no conditional weights: it is chosen, not drawn",
                        "remove `weight_if`, or drop `decision: true` to make the node chance",
                    );
                }
            }
            super::scale_weights(&mut branches[first_branch as usize..]);
            let own = &branches[first_branch as usize..];
            let conditional = own.iter().any(|b: &Branch| !b.weight_if.is_empty());
            if !own.is_empty() && !own.iter().any(Branch::possible) {
                self.error(
                    format!("{path}.branches"),
                    format!("every branch of node `{id}` has weight 0, so no branch could be chosen"),
                    "give at least one branch a positive weight",
                );
            }
            nodes.push(Node {
                id: id.clone(),
                question: node.question.clone(),
                description: node.description.clone(),
                first_branch,
                n_branches: own.len() as u32,
                draw_key: node_draw_key(id),
                conditional,
                cumulative: super::running_sums(own),
                weights: conditional.then(|| super::weights::NodeWeights::within(own, &mut table_budget)),
                decision,
            });
        }
        (nodes, branches)
    }

    /// One branch: its weights, conditions, effects, outcome and next node, each checked.
    #[allow(clippy::too_many_arguments)]
    fn branch(
        &mut self,
        node: u32,
        node_id: &str,
        bpath: &str,
        br: &RawBranch,
        lookup: &Lookup,
        indicators: &mut [Indicator],
        intern: &mut dyn FnMut(&str) -> u32,
    ) -> Branch {
        let id = br.id.clone().unwrap_or_default();
        let weight = match br.weight {
            None => {
                self.error(
                    bpath,
                    format!("branch `{id}` has no `weight`"),
                    "add e.g. `weight: 1` (weights are relative to the node's other branches)",
                );
                0.0
            }
            Some(w) => check_weight(w, &format!("{bpath}.weight"), &mut self.problems),
        };
        let weight_if = self.weight_ifs(bpath, br, lookup);
        let range = br.range.as_ref().and_then(|r| {
            super::doubt::compile(r, weight, (0.0, f64::INFINITY), &format!("{bpath}.range"), &mut self.problems)
        });
        let effects = self.effects(bpath, br, lookup, indicators);
        let outcome = match br.outcome.as_deref().map(str::trim) {
            Some("") => {
                self.error(
                    format!("{bpath}.outcome"),
                    "the outcome label is empty",
                    "write a short label, or remove `outcome`",
                );
                None
            }
            Some(o) => Some(intern(o)),
            None => None,
        };
        let next = br.next.as_deref().and_then(|n| {
            let found = lookup.node(n);
            if found.is_none() {
                self.error(
                    format!("{bpath}.next"),
                    format!("no node named `{n}`"),
                    suggest(n, &lookup.node_ids, "node"),
                );
            }
            found
        });
        Branch {
            node,
            full_id: format!("{node_id}.{id}"),
            id,
            label: br.label.clone(),
            note: br.note.clone(),
            weight,
            written: weight,
            weight_if,
            range,
            effects,
            outcome,
            next,
            end_outcome: None,
        }
    }

    /// A branch's `weight_if` entries, with their conditions parsed.
    fn weight_ifs(&mut self, bpath: &str, br: &RawBranch, lookup: &Lookup) -> Vec<WeightIf> {
        let mut weight_if = Vec::new();
        for (k, wi) in br.weight_if.as_deref().unwrap_or_default().iter().enumerate() {
            let wpath = format!("{bpath}.weight_if[{k}]");
            let w = match wi.weight {
                None => {
                    self.error(
                        &wpath,
                        "this entry has no `weight`",
                        "add the weight that applies when the condition holds",
                    );
                    0.0
                }
                Some(w) => check_weight(w, &format!("{wpath}.weight"), &mut self.problems),
            };
            let Some(text) = wi.when.as_deref() else {
                self.error(&wpath, "this entry has no `when`", "add a condition, e.g. `when: \"took(summit.pact)\"`");
                continue;
            };
            match condition::parse(text, lookup) {
                Ok(cond) => weight_if.push(WeightIf { when: cond, text: text.to_string(), weight: w, written: w }),
                Err(e) => {
                    let message = format!("in condition at character {}: {}", e.pos + 1, e.message);
                    let mut d = Diagnostic::new(format!("{wpath}.when"), message);
                    d.offset = Some(e.pos);
                    d.detail = Some(e.pointer(text));
                    d.help = e.help;
                    self.problems.push(d);
                }
            }
        }
        weight_if
    }

    /// A branch's effects; marks the indicators that receive random draws.
    fn effects(&mut self, bpath: &str, br: &RawBranch, lookup: &Lookup, indicators: &mut [Indicator]) -> Vec<Effect> {
        let mut effects = Vec::new();
        for (name, raw) in br.effects.iter().flat_map(|e| e.0.iter()) {
            let epath = format!("{bpath}.effects.{name}");
            let Some(ind) = lookup.indicator(name) else {
                self.error(
                    &epath,
                    format!("no indicator named `{name}`"),
                    format!(
                        "{} (declare indicators under `indicators:`)",
                        suggest(name, &lookup.indicator_names, "indicator")
                    ),
                );
                continue;
            };
            if let Some(kind) = self.effect(raw, &epath) {
                if kind.is_random() {
                    indicators[ind as usize].random = true;
                }
                effects.push(Effect { indicator: ind, kind });
            }
        }
        effects
    }

    /// Refuses indicators whose values could grow past [`super::MAX_MAGNITUDE`]: beyond
    /// it, sums of values and of their squares could overflow, and the statistics of
    /// every output would be infinite or NaN.
    fn check_magnitudes(&mut self, indicators: &[Indicator], branches: &[Branch], max_steps: u32) {
        for (i, ind) in indicators.iter().enumerate() {
            let bound = super::magnitude_bound(ind, i as u32, branches, max_steps);
            if bound > super::MAX_MAGNITUDE {
                self.error(
                    format!("indicators.{}", ind.name),
                    format!(
                        "`{}` could reach {} in size (its start plus max_steps ({max_steps}) times its \
                         largest change in one step); whatif computes statistics for values up to {:.0e}",
                        ind.name,
                        if bound.is_finite() { format!("{bound:.1e}") } else { "beyond 1.8e308".into() },
                        super::MAX_MAGNITUDE
                    ),
                    "measure it in larger units (thousands, millions), clamp it with `min` and `max`, or lower max_steps",
                );
            }
        }
    }

    fn effect(&mut self, raw: &RawEffect, path: &str) -> Option<EffectKind> {
        let params = |k: &str, v: &[f64], n: usize, form: &str, this: &mut Self| -> Option<Vec<f64>> {
            if v.len() != n {
                this.error(path, format!("`{k}` takes {n} numbers, got {}", v.len()), format!("write {form}"));
                return None;
            }
            if let Some(x) = v.iter().find(|x| !x.is_finite()) {
                this.error(
                    path,
                    format!("`{k}` has a parameter {x} that is not finite"),
                    format!("write {form} with ordinary numbers"),
                );
                return None;
            }
            Some(v.to_vec())
        };
        match raw {
            RawEffect::Add(x) => Some(EffectKind::Add(self.finite(*x, path))),
            RawEffect::Set(x) => Some(EffectKind::Set(self.finite(*x, path))),
            RawEffect::Uniform(v) => {
                let p = params("uniform", v, 2, "{ uniform: [lo, hi] }", self)?;
                if p[0] > p[1] {
                    self.error(
                        path,
                        format!("uniform low {} is above high {}", p[0], p[1]),
                        "write { uniform: [lo, hi] } with lo <= hi",
                    );
                    return None;
                }
                Some(EffectKind::Uniform { lo: p[0], hi: p[1] })
            }
            RawEffect::Triangular(v) => {
                let p = params("triangular", v, 3, "{ triangular: [lo, mode, hi] }", self)?;
                if !(p[0] <= p[1] && p[1] <= p[2]) {
                    self.error(
                        path,
                        format!("triangular [{}, {}, {}] is not ordered lo <= mode <= hi", p[0], p[1], p[2]),
                        "write { triangular: [lo, mode, hi] }",
                    );
                    return None;
                }
                Some(EffectKind::Triangular { lo: p[0], mode: p[1], hi: p[2] })
            }
            RawEffect::Normal(v) => {
                let p = params("normal", v, 2, "{ normal: [mean, sd] }", self)?;
                if p[1] < 0.0 {
                    self.error(
                        path,
                        format!("normal sd {} is negative", p[1]),
                        "write { normal: [mean, sd] } with sd >= 0",
                    );
                    return None;
                }
                Some(EffectKind::Normal { mean: p[0], sd: p[1] })
            }
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A copy of a branch as written (the serde model is not `Clone`: it is read once).
fn clone_branch(b: &RawBranch) -> RawBranch {
    RawBranch {
        id: b.id.clone(),
        label: b.label.clone(),
        note: b.note.clone(),
        weight: b.weight,
        range: b.range.clone(),
        weight_if: None,
        effects: b.effects.as_ref().map(|e| super::model::OrderedMap(e.0.clone())),
        outcome: b.outcome.clone(),
        next: b.next.clone(),
    }
}
